"""The form's keyboard plumbing kept out of the editor: Alt letters handed out per page without clashes,
when a missing answer may be reported, and which problem comes first in reading order.

Each page of the questionnaire gets its mnemonics in reading order (the Tab order): a label keeps the
definition's letter while it is free on its page and in the window around it (menus, tabs, buttons),
otherwise takes another letter of its text, otherwise none. Re-run after children or adults are added,
and when the editor is shown in a window (whose menus are only known then).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from shiboken6 import getCppPointer

from cpchair.gui import mnemonics

if TYPE_CHECKING:
    from cpchair.gui.form.editor import ConferenceEditor
    from cpchair.gui.form.fields import FieldInput


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


class _LeaveWatcher(QObject):
    """Marks an input ``touched`` when the keyboard leaves it after the chair changed it: from then on a
    missing answer is reported there (not while the chair is still typing, nor on a form never touched)."""

    def __init__(self, field_input: FieldInput, on_leave: Callable[[], None]) -> None:
        super().__init__(field_input)
        self.input = field_input
        self.on_leave = on_leave

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        leaving = event.type() == QEvent.Type.FocusOut and getattr(self.input, "edited", False)
        if leaving and not getattr(self.input, "touched", False):
            self.input.touched = True
            self.on_leave()
        return False


def watch_leaving(field_input: FieldInput, on_leave: Callable[[], None]) -> None:
    """Count a changed input as touched once the keyboard leaves it (see ``_LeaveWatcher``)."""
    field_input.changed.connect(lambda: setattr(field_input, "edited", True))
    watcher = _LeaveWatcher(field_input, on_leave)
    for w in field_input.focus_widgets():
        w.installEventFilter(watcher)


def in_reading_order(editor: ConferenceEditor, paths: list[str]) -> list[str]:
    """``paths`` sorted as the chair reads the form (page by page, top to bottom: the Tab order), so the
    cursor goes to the first problem on screen, not to the first one a rule happened to find."""
    position = {_key(w): i for i, w in enumerate(editor.focus_chain())}
    last = len(position)

    def rank(path: str) -> int:
        slot = editor.slot_for(path)
        return last if slot is None else position.get(_key(slot.focus), last)

    return sorted(paths, key=rank)


def proxy_to_page(editor: ConferenceEditor, index: int) -> None:
    """Point the editor's focus proxy at the first field of page ``index``: focus given to the editor, or
    Tab reaching it, lands on the page the chair sees. The Tab order is set again after (a new proxy moves
    in Qt's focus chain)."""
    page = editor.stack.widget(index)
    first = next((w for w in editor.focus_chain() if page is not None and page.isAncestorOf(w)), None)
    if first is not None and editor.focusProxy() is not first:
        editor.setFocusProxy(first)
        chain = editor.focus_chain()
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
