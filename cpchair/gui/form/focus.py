"""The form's keyboard plumbing kept out of the editor: Alt letters handed out per page without clashes.

Each page of the questionnaire gets its mnemonics in reading order (the Tab order): a label keeps the
definition's letter while it is free on its page and in the window around it (menus, tabs, buttons),
otherwise takes another letter of its text, otherwise none. Re-run after children or adults are added,
and when the editor is shown in a window (whose menus are only known then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from shiboken6 import getCppPointer

from cpchair.gui import mnemonics

if TYPE_CHECKING:
    from cpchair.gui.form.editor import ConferenceEditor


def _key(w: QWidget) -> int:
    return getCppPointer(w)[0]


def page_carriers(page: QWidget, chain: list[QWidget]) -> list[QWidget]:
    """The widgets of ``page`` that want a mnemonic, in reading order: the label of each field in the Tab
    order (or the tick box or button itself), then any other that asks for one."""
    buddies = {_key(lbl.buddy()): lbl for lbl in page.findChildren(QLabel) if lbl.buddy() is not None}
    ordered: list[QWidget] = []
    seen: set[int] = set()
    for w in chain:
        if not page.isAncestorOf(w):
            continue
        carrier = buddies.get(_key(w)) or (w if isinstance(w, QAbstractButton) else None)
        if carrier is not None and _key(carrier) not in seen:
            seen.add(_key(carrier))
            ordered.append(carrier)
    for w in mnemonics.carriers(page):
        if _key(w) not in seen:
            seen.add(_key(w))
            ordered.append(w)
    return [w for w in ordered if mnemonics.letter(mnemonics.source_text(w))]


def assign_mnemonics(editor: ConferenceEditor) -> None:
    """Give every page of ``editor`` its own clash-free mnemonics."""
    reserved = mnemonics.reserved_outside(editor.stack)
    chain = editor.focus_chain()
    for i in range(editor.stack.count()):
        carriers = page_carriers(editor.stack.widget(i), chain)
        texts = mnemonics.assign([mnemonics.source_text(w) for w in carriers], reserved)
        for w, text in zip(carriers, texts, strict=True):
            if mnemonics.text_of(w) != text:
                mnemonics.set_text(w, text)
