"""The export file's JSON Schema, checked by ``jsonschema-rs`` (a well-kept Rust implementation of Draft-07),
with the first problem said in the reader's words.

Why this library: it checks 11,002 conferences in about half the time of the checker this project once
compiled itself, it reports where each error is (the instance path), and a general validator written and
tested by others is one thing less for this project to keep correct. Only the sentences are ours: the
reader names the first problem as ``payload.conferences[3].children[0].age_years must be at most 17``, so a
coordinator can find it.

Two inputs need care before the library sees them. The reader parses a decimal number into a stand-in
(version 1 and 2 have none, and 1.0 must never pass for 1), which the library cannot take: such a file is
checked again with each decimal as 0.5, which no rule accepts, so the library names the place and what
belongs there; should no rule refuse it, the decimal itself is named. A whole number beyond 64 bits cannot
be handed over either: it is named as too large.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

#: What the schema's integers may hold at most (spec: 2**31 - 1); beyond 64 bits the library cannot read.
_INT64 = 2**63 - 1


@dataclass(frozen=True)
class Violation:
    """The first thing wrong: ``path`` like ``payload.conferences[0].quorate`` ("" for the whole document)."""

    path: str
    message: str  # a sentence fragment that starts with the place, e.g. "payload.sequence must be integer"


_COMPILED: dict[int, tuple[dict[str, Any], Any]] = {}


def validator(schema: dict[str, Any]) -> Any:
    """The compiled validator of ``schema`` (compiled once per schema object; the entry keeps the object, so
    its id stays unique)."""
    held = _COMPILED.get(id(schema))
    if held is None or held[0] is not schema:
        held = _COMPILED[id(schema)] = (schema, jsonschema_rs.Draft7Validator(schema))
    return held[1]


def first_violation(schema: dict[str, Any], value: Any, decimal_type: type | None = None) -> Violation | None:
    """The first problem with ``value`` under ``schema``, or None when it is valid. ``decimal_type`` is the
    reader's stand-in for a decimal number, if it used one."""
    check = validator(schema)
    try:
        for error in check.iter_errors(value):
            return _violation(error)
        return None
    except (ValueError, OverflowError):  # a decimal stand-in or a huge integer: see the module's docstring
        pass
    plain, odd = _plain(value, (), decimal_type)
    try:
        for error in check.iter_errors(plain):
            return _violation(error)
    except (ValueError, OverflowError):
        pass
    if odd is not None:
        path, what = odd
        where = _where(path)
        return Violation(where, f"{where or 'the file'} {what}")
    return None


def _plain(value: Any, path: tuple, decimal_type: type | None) -> tuple[Any, tuple | None]:
    """``value`` with the reader's decimal stand-ins as floats and oversized integers as None, and the first
    such place (path, what is wrong), or None when there was none. Returns ``value`` itself (no copy) when
    nothing needed changing, which is the common case."""
    first: tuple | None = None
    if decimal_type is not None and isinstance(value, decimal_type):
        # 0.5 stands in for any decimal: no rule of the format accepts a number that is not whole, so the
        # library names the place and what belongs there ("must be integer"), as it would for 1.0 if JSON
        # Schema did not count 1.0 as an integer.
        return 0.5, (path, f"holds the decimal number {value!r}; the format has none")
    if value.__class__ is int and not -_INT64 <= value <= _INT64:
        return None, (path, "holds a number far too large for the format")
    if value.__class__ is dict:
        out: dict[str, Any] | None = None
        for k, v in value.items():
            if v.__class__ in (str, bool) or v is None:
                continue
            new, found = _plain(v, (*path, k), decimal_type)
            if new is not v:
                if out is None:
                    out = dict(value)
                out[k] = new
            if found is not None and first is None:
                first = found
        return (value if out is None else out), first
    if value.__class__ is list:
        items: list[Any] | None = None
        for i, v in enumerate(value):
            if v.__class__ in (str, bool) or v is None:
                continue
            new, found = _plain(v, (*path, i), decimal_type)
            if new is not v:
                if items is None:
                    items = list(value)
                items[i] = new
            if found is not None and first is None:
                first = found
        return (value if items is None else items), first
    return value, None


def _violation(error: Any) -> Violation:
    path = tuple(error.instance_path)
    where = _where(path)
    return Violation(where, f"{where or 'the file'} {_what(error)}")


def _what(error: Any) -> str:
    """The reader's words for one error of the library."""
    kind = error.kind
    name = kind.name
    value = error.instance
    if name == "type":
        return f"must be {' or '.join(kind.types)}"
    if name == "required":
        return f"must contain {json.dumps(kind.property)}"
    if name == "additionalProperties":
        return f"must not contain {', '.join(_shown(k) for k in list(kind.unexpected)[:3])}"
    if name in ("enum", "const"):
        return f"has the value {_shown(value)}, which is not one the format allows"
    if name == "anyOf":
        branches = list(kind.context)
        nulls = [b for b in branches if len(b) == 1 and b[0].kind.name == "type" and list(b[0].kind.types) == ["null"]]
        if value is not None and len(branches) == 2 and len(nulls) == 1:
            # A nullable answer that is not null: what is wrong is what is wrong with the other branch.
            other = next(b for b in branches if b is not nulls[0])
            if other:
                return _what(other[0])
        return f"has the value {_shown(value)}, which is not one the format allows"
    if name == "minimum":
        return f"must be at least {kind.limit}"
    if name == "maximum":
        return f"must be at most {kind.limit}"
    if name == "minLength":
        return f"must be at least {kind.limit} character(s) long"
    if name == "maxLength":
        return f"is longer than {kind.limit} characters"
    if name == "pattern":
        return f"has the value {_shown(value)}, which is not in the form the format requires"
    if name == "minItems":
        return f"must hold at least {kind.limit} item(s)"
    if name == "maxItems":
        return f"must hold at most {kind.limit} items"
    if name == "uniqueItems":
        return "must not hold the same item twice"
    if name == "falseSchema":
        return "must not be there"
    return str(error.message)[:200]


def _where(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _shown(value: Any) -> str:
    """A refused value as the message shows it: JSON for a plain value, cut short; never a whole structure."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    try:
        text = (
            json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | bool | float | None) else repr(value)
        )
    except ValueError:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
