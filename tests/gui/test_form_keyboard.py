"""Keyboard use of the questionnaire editor: Tab walks the fields in reading order, labels carry mnemonics
that jump to their field, and the autosave writes shortly after the last keystroke."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from cpchair.gui.form.editor import ConferenceEditor
from cpchair.services import conferences


@pytest.fixture
def window(qtbot, db):
    with db.session() as s, s.begin():
        cid = conferences.create(s, conferences.blank_answers("initial"))
    win = QMainWindow()
    ed = ConferenceEditor(db)
    win.setCentralWidget(ed)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    ed.load(cid)
    return win


def tab_walk(qtbot, start, steps: int) -> list[str]:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    names = []
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        names.append(QApplication.focusWidget().objectName())
    return names


def revision(db, cid) -> int:
    with db.session() as s:
        return conferences.get(s, cid).revision


def test_tab_walks_the_first_page_in_reading_order(qtbot, window):
    ed = window.centralWidget()
    assert tab_walk(qtbot, ed.pages, 8) == [
        "family_ref.edit",
        "family_name.edit",
        "conference_type.combo",
        "conference_date.edit",
        "strategy_discussion_date.edit",
        "delay_reason.combo",
        "adjourned.box",  # the quorum is worked out on its own page; the questions of other types are hidden
        "mark_complete",
    ]


def test_tab_walks_a_child_then_add_child_and_skips_hidden_questions(qtbot, window):
    ed = window.centralWidget()
    ed.show_page(1)
    assert tab_walk(qtbot, ed.pages, 11) == [
        "children[0].case_ref.edit",
        "children[0].name.edit",
        "children[0].unborn.box",
        "children[0].age_years.edit",
        "children[0].decision.combo",
        "children[0].plan_sequence.combo",
        "children[0].participation.combo",
        "children[0].child_seen.combo",
        "children[0].views_route.combo",
        "children.add",  # Remove is disabled for the only child, so Tab passes it
        "mark_complete",
    ]
    child = ed.groups["children"].items[0]
    child.rows["decision"].input.combo.setCurrentIndex(child.rows["decision"].input.combo.findData("plan_started"))
    walk = tab_walk(qtbot, child.rows["decision"].input.combo, 2)
    assert walk == ["children[0].category.combo", "children[0].plan_start_date.edit"]


def test_tab_order_follows_a_child_added_later(qtbot, window):
    ed = window.centralWidget()
    ed.show_page(1)
    qtbot.mouseClick(ed.groups["children"].add, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget().objectName() == "children[1].case_ref.edit"
    walk = tab_walk(qtbot, ed.groups["children"].items[0].rows["views_route"].input.combo, 3)
    assert walk == ["children[0].remove", "children[1].case_ref.edit", "children[1].name.edit"]


def test_labels_have_buddies_and_mnemonics_that_jump_to_their_field(qtbot, window):
    ed = window.centralWidget()
    for key, row in ed.rows.items():
        if row.label is not None:
            assert row.label.buddy() is row.input.focus_widgets()[0], key
            assert row.label.text() == row.field.label, key  # with the definition's & mnemonic
    ed.rows["family_ref"].input.edit.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is ed.rows["conference_date"].input.edit
    # On the children page the same letter reaches the child's decision (hidden pages' shortcuts sleep).
    ed.show_page(1)
    child = ed.groups["children"].items[0]
    assert child.rows["decision"].label.text() == "&Decision"
    child.rows["case_ref"].input.edit.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is child.rows["decision"].input.combo


def test_dates_are_typed_and_shown_as_dd_mm_yyyy(qtbot, window, db):
    ed = window.centralWidget()
    edit = ed.rows["conference_date"].input.edit
    assert edit.placeholderText() == "dd/mm/yyyy"
    qtbot.keyClicks(edit, "7/3/2025")
    ed.flush()
    with db.session() as s:
        assert conferences.get(s, ed.conference_id).answers["conference_date"] == "2025-03-07"
    ed.load(ed.conference_id)
    assert edit.text() == "07/03/2025"


def test_autosave_writes_once_after_the_typing_stops(qtbot, window, db):
    ed = window.centralWidget()
    cid = ed.conference_id
    before = revision(db, cid)
    qtbot.keyClicks(ed.rows["family_name"].input.edit, "Smith")
    assert ed.timer.isActive()
    assert revision(db, cid) == before  # not on every keystroke
    assert ed.status_label.text() == "Draft · Changes not saved yet"
    with qtbot.waitSignal(ed.saved, timeout=10000) as signal:
        pass
    assert signal.args == [cid]
    assert revision(db, cid) == before + 1  # one save for the whole word
    with db.session() as s:
        assert conferences.get(s, cid).answers["family_name"] == "Smith"
    assert ed.status_label.text().startswith("Draft · Saved ")


def test_flush_saves_at_once_and_loading_another_conference_saves_the_first(qtbot, window, db):
    ed = window.centralWidget()
    first = ed.conference_id
    with db.session() as s, s.begin():
        second = conferences.create(s, conferences.blank_answers("review"))
    qtbot.keyClicks(ed.rows["family_ref"].input.edit, "F-9")
    ed.load(second)
    assert not ed.timer.isActive()
    with db.session() as s:
        assert conferences.get(s, first).answers["family_ref"] == "F-9"
    assert ed.rows["family_ref"].input.edit.text() == ""
    qtbot.keyClicks(ed.rows["family_ref"].input.edit, "F-10")
    ed.flush()
    with db.session() as s:
        assert conferences.get(s, second).answers["family_ref"] == "F-10"
    saved_rev = revision(db, second)
    ed.save()  # nothing changed since: no new revision
    assert revision(db, second) == saved_rev


def test_a_half_typed_date_is_not_scolded_until_the_chair_moves_on(qtbot, window):
    ed = window.centralWidget()
    row = ed.rows["conference_date"]
    row.input.edit.setFocus()
    qtbot.keyClicks(row.input.edit, "3/3/")
    assert not row.problem.isVisible()
    qtbot.keyClick(row.input.edit, Qt.Key.Key_Tab)  # moves on: editing finished
    assert row.problem.text() == "Needs attention: Enter a date as dd/mm/yyyy."
    row.input.edit.setFocus()
    qtbot.keyClicks(row.input.edit, "2025")
    assert not row.problem.isVisible()  # 3/3/2025: a Monday


def test_the_calendar_button_fills_the_date_for_mouse_users(qtbot, window, db):
    from PySide6.QtCore import QDate

    ed = window.centralWidget()
    date_input = ed.rows["conference_date"].input
    assert date_input.pick.focusPolicy() == Qt.FocusPolicy.NoFocus  # not a Tab stop
    popup = date_input.open_calendar()
    popup.setSelectedDate(QDate(2025, 3, 12))
    popup.activated.emit(QDate(2025, 3, 12))
    assert date_input.edit.text() == "12/03/2025"
    ed.flush()
    with db.session() as s:
        assert conferences.get(s, ed.conference_id).answers["conference_date"] == "2025-03-12"
