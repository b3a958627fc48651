"""Alt letters read off the real window: none repeats on any page, none clashes with the menus."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cpchair.gui import mnemonics
from cpchair.services import conferences


def clashes(window) -> dict[str, list[str]]:
    found = mnemonics.active(window)
    counts = Counter(ch for ch, _where in found)
    return {ch: [w for c, w in found if c == ch] for ch, n in counts.items() if n > 1}


def menu_letters(window) -> set[str]:
    return {mnemonics.letter(a.text()) for a in window.menuBar().actions()}


def test_every_form_page_has_its_own_letters_and_leaves_the_menus_alone(qtbot, main_window):
    window = main_window
    assert menu_letters(window) == {"f", "v", "h"}
    cid = window.new_conference()
    editor = window.conference_view.editor
    # Four children and three adults: the repeated questions are where letters used to repeat.
    for _ in range(3):
        editor.groups["children"].add_item(conferences.blank_child())
    for _ in range(2):
        editor.groups["adults"].add_item(conferences.blank_adult())
    qtbot.wait(10)
    for page in range(editor.stack.count()):
        editor.show_page(page)
        qtbot.wait(1)
        assert clashes(window) == {}, editor.q.sections[page].title
        letters = [ch for ch, _w in mnemonics.active(window)]
        assert len(letters) > 5, "the page's fields have letters of their own"
    # The first release's "F" of Family case reference was File's; the label keeps a letter of its own.
    label = editor.rows["family_ref"].label
    assert mnemonics.plain(label.text()) == "Family case reference"
    assert mnemonics.letter(label.text()) not in menu_letters(window)
    assert cid == editor.conference_id


def test_a_letter_on_the_second_adult_jumps_to_the_second_adults_field(qtbot, main_window):
    window = main_window
    window.new_conference()
    editor = window.conference_view.editor
    for _ in range(2):
        editor.groups["adults"].add_item(conferences.blank_adult())
    editor.show_page(editor.page_of["adults"])
    first, second = editor.groups["adults"].items
    # The second adult's questions get the letters still free on the page (some get none: never a repeat).
    row = next(r for r in second.rows.values() if r.label is not None and mnemonics.letter(r.label.text()))
    ch = mnemonics.letter(row.label.text())
    taken_by_first = {mnemonics.letter(r.label.text()) for r in first.rows.values() if r.label is not None}
    assert ch not in taken_by_first
    first.rows["name"].input.focus_widgets()[0].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key(ord(ch.upper())), Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is row.input.buddy()


def test_the_other_pages_have_no_repeated_letters(qtbot, main_window, db):
    window = main_window
    with db.session() as s:
        from cpchair import settings

        settings.put(s, "role", "coordinator")
        s.commit()
    window.apply_identity()
    for key in ("conferences", "caseload", "coordinator"):
        window.show_page(key)
        qtbot.wait(1)
        assert clashes(window) == {}, key
    ws = window.coordinator_page
    for i in range(ws.tabs.count()):
        ws.tabs.setCurrentIndex(i)
        qtbot.wait(1)
        assert clashes(window) == {}, ws.tabs.tabText(i)
    window.new_conference()
    window.conference_view.tabs.setCurrentIndex(1)  # the minutes
    qtbot.wait(1)
    assert clashes(window) == {}, "minutes"
    from PySide6.QtWidgets import QTabWidget

    inner = window.conference_view.minutes.findChildren(QTabWidget)
    for tabs in inner:  # the minutes' own tabs (facts, professionals, letters, sign-off)
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            qtbot.wait(1)
            assert clashes(window) == {}, tabs.tabText(i)


def test_each_menu_has_its_own_letters(main_window):
    for top in main_window.menuBar().actions():
        menu = top.menu()
        letters = [mnemonics.letter(a.text()) for a in menu.actions() if not a.isSeparator() and a.text()]
        assert None not in letters, plain_texts(menu)
        assert len(letters) == len(set(letters)), plain_texts(menu)


def plain_texts(menu) -> list[str]:
    return [a.text() for a in menu.actions()]
