"""Text that arrives from other installations: is it valid Unicode, and is a name fit to show?

Why: JSON can spell a lone UTF-16 surrogate (``"\\ud800"``), which Python decodes into a string that no
UTF-8 encoder accepts, so it would break the database insert, the printed summary and the log, on every
later run too. And a chair's name travels into the coordinator's dashboard, conflict list, workbook and
PDF, where a control character, a bidirectional override (which reorders what the reader sees, e.g. to
disguise one chair as another) or an invisible character misleads or breaks the display. The writer checks
the name the same way (Settings, export), so a file a chair can make is never refused for it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: A JSON escape of a UTF-16 surrogate; only a document whose text holds one can decode to invalid Unicode
#: (the UTF-8 decoder refuses encoded surrogates), so the full walk runs only then.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

NAME_MAX = 200  # as the schema allows (interchange-v1 §2)
#: Bidirectional controls: embeddings, overrides, isolates and marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: Format characters a real name may need: zero-width non-joiner and joiner (Persian, Indic scripts).
NAME_JOINERS = frozenset("\u200c\u200d")


def _is_valid(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def invalid_text_in(doc: Any) -> str | None:
    """The reason ``doc`` (parsed JSON) cannot be accepted because a key or a string in it is not valid
    Unicode, or None when all its text is valid. Iterative, so depth cannot exhaust the stack."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if not _is_valid(value):
                return _reason(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _is_valid(key):
                    return _reason(where or "the document", key=True)
                stack.append((item, f"{where}.{key}" if where else key))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
    return None


def _reason(where: str, *, key: bool = False) -> str:
    place = f"a key in {where}" if key else (where or "the document")
    return (
        f"it contains text that is not valid Unicode (a lone surrogate such as \\ud800) in {place[:120]}; "
        "no cpchair writes that, so the file was damaged or made by hand"
    )


def name_problem(name: Any, what: str = "the chair's name") -> str | None:
    """Why ``name`` is not fit to show as a person's name, or None when it is.

    Fit means: text of 1 to 200 characters, not blank, valid Unicode, and printable: no control characters
    (tabs and new lines included), no bidirectional controls, no other invisible format characters except
    the joiners some scripts need, nothing unassigned or private-use, and no leading or trailing spaces."""
    if not isinstance(name, str):
        return f"{what} is not text"
    if not name.strip():
        return f"{what} is empty"
    if len(name) > NAME_MAX:
        return f"{what} is longer than {NAME_MAX} characters"
    if not _is_valid(name):
        return f"{what} is not valid Unicode text"
    if name != name.strip():
        return f"{what} starts or ends with a space"
    for ch in name:
        if ch.isprintable() or ch in NAME_JOINERS:
            continue
        category = unicodedata.category(ch)
        code = f"U+{ord(ch):04X}"
        if ch in BIDI_CONTROLS:
            return f"{what} holds a control that reverses or reorders text ({code})"
        if category == "Cc":
            return f"{what} holds a control character ({code})"
        if category in ("Zl", "Zp", "Zs"):
            return f"{what} holds a line break or an unusual space ({code})"
        return f"{what} holds an invisible or unassigned character ({code})"
    return None
