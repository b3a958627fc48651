"""The questionnaire editor, driven like a chair drives it: type, read the message beside the field, fix it,
mark complete, and find in the database what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cpchair.gui.form.editor import ConferenceEditor
from cpchair.services import conferences


@pytest.fixture
def editor(qtbot, db):
    with db.session() as s, s.begin():
        cid = conferences.create(s, conferences.blank_answers("initial"))
    ed = ConferenceEditor(db)
    qtbot.addWidget(ed)
    ed.resize(1366, 768)
    ed.show()
    ed.load(cid)
    return ed


def stored(db, cid):
    with db.session() as s:
        return conferences.get(s, cid)


def type_into(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def choose(combo, code) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def test_typing_shows_the_problem_beside_the_field_and_fixing_it_clears_it(qtbot, editor):
    date_row = editor.rows["conference_date"]
    type_into(qtbot, date_row.input.edit, "15/03/2025")
    assert date_row.problem.isVisible()
    assert date_row.problem.text() == (
        "Needs attention: Conference date falls on a Saturday: conferences are held on working days."
    )
    type_into(qtbot, date_row.input.edit, "14/03/2025")
    assert not date_row.problem.isVisible()

    strategy = editor.rows["strategy_discussion_date"]
    type_into(qtbot, strategy.input.edit, "31/02/2025")
    assert strategy.problem.text() == "Needs attention: Enter a date as dd/mm/yyyy."
    type_into(qtbot, strategy.input.edit, "15/03/2025")
    assert "cannot be after the conference (14/03/2025)" in strategy.problem.text()
    type_into(qtbot, strategy.input.edit, "03/03/2025")
    assert not strategy.problem.isVisible()
    # Nothing the chair has not touched is reported yet: a new conference does not open as a page of red.
    assert "quality.plan_smart" not in editor.visible_problems()


def test_the_icpc_due_date_and_timeliness_follow_the_typing(qtbot, editor):
    label = editor.timeliness
    assert "Enter the strategy discussion date" in label.text()
    type_into(qtbot, editor.rows["strategy_discussion_date"].input.edit, "03/03/2025")
    assert label.text().startswith("24/03/2025: 15 working days after the strategy discussion.")
    type_into(qtbot, editor.rows["conference_date"].input.edit, "14/03/2025")
    assert "Within timescale (9 working days)." in label.text()
    type_into(qtbot, editor.rows["conference_date"].input.edit, "25/03/2025")
    assert "Out of timescale: 16 working days — choose a reason for the delay" in label.text()
    delay = editor.rows["delay_reason"]
    assert delay.isVisible()
    assert "16 working days after the strategy discussion" in delay.problem.text()
    choose(delay.input.combo, "reports_not_ready")
    assert not delay.problem.isVisible()
    # A review has no ICPC timescale: the line and the delay reason go.
    choose(editor.rows["conference_type"].input.combo, "review")
    assert not editor.timeliness.isVisibleTo(editor) and not delay.isVisibleTo(editor)


def test_the_review_due_date_follows_the_decisions(qtbot, editor):
    label = editor.review_labels[0]
    type_into(qtbot, editor.rows["conference_date"].input.edit, "14/03/2025")
    assert label.text().startswith("No review conference is due")
    child = editor.groups["children"].items[0]
    choose(child.rows["decision"].input.combo, "plan_started")
    assert label.text() == "Next review conference due by 14/06/2025 (3 months after this conference)."


def fill_valid_conference(qtbot, ed):
    """Answer every question of a valid initial conference through the widgets."""
    type_into(qtbot, ed.rows["family_ref"].input.edit, "FAM-77")
    type_into(qtbot, ed.rows["family_name"].input.edit, "Jones")
    type_into(qtbot, ed.rows["conference_date"].input.edit, "14/03/2025")
    type_into(qtbot, ed.rows["strategy_discussion_date"].input.edit, "03/03/2025")
    child = ed.groups["children"].items[0]
    type_into(qtbot, child.rows["case_ref"].input.edit, "C-1")
    type_into(qtbot, child.rows["age_years"].input.edit, "7")
    choose(child.rows["decision"].input.combo, "plan_started")
    choose(child.rows["category"].input.combo, "physical")
    choose(child.rows["plan_sequence"].input.combo, "first")
    for key in ed.q.quality_keys:
        combo = ed.rows[f"quality.{key}"].input.combo
        combo.setCurrentIndex(1)


def test_mark_complete_shows_the_problems_moves_to_the_first_then_completes(qtbot, editor, db):
    ed = editor
    type_into(qtbot, ed.rows["conference_date"].input.edit, "14/03/2025")
    type_into(qtbot, ed.rows["strategy_discussion_date"].input.edit, "03/03/2025")
    with qtbot.assertNotEmitted(ed.completed):
        qtbot.mouseClick(ed.complete_button, Qt.MouseButton.LeftButton)
    assert "need attention before this conference can be completed" in ed.banner.text()
    # The cursor is on the first problem in reading order: the family reference, first on the first page
    # (its rule is a local one, checked after the questionnaire's, but the chair reads it first).
    child = ed.groups["children"].items[0]
    assert ed.stack.currentIndex() == 0
    assert QApplication.focusWidget() is ed.rows["family_ref"].input.edit
    assert child.rows["age_years"].problem.text() == "Needs attention: Enter the child's age in years (0 to 17)."
    assert ed.rows["quality.plan_smart"].problem.text() == "Needs attention: Please answer this question."
    assert "(" in ed.pages.item(1).text() and "to fix" in ed.pages.item(1).text()

    fill_valid_conference(qtbot, ed)
    assert child.rows["plan_start_date"].input.edit.text() == "14/03/2025"  # filled in from the conference date
    assert child.rows["plan_start_date"].input.edit.isReadOnly()

    # An adult not invited: attendance follows, and the reason is asked for.
    ed.show_page(3)
    qtbot.mouseClick(ed.groups["adults"].add, Qt.MouseButton.LeftButton)
    adult = ed.groups["adults"].items[0]
    choose(adult.rows["relationship"].input.combo, "birth_father")
    assert not adult.rows["not_invited_reason"].isVisibleTo(ed)
    adult.rows["invited"].input.box.setChecked(False)
    assert adult.rows["attendance"].input.value() == "not_invited"
    assert not adult.rows["attendance"].input.isEnabled()
    assert adult.rows["not_invited_reason"].isVisibleTo(ed)
    assert adult.rows["not_invited_reason"].problem.text() == "Needs attention: Say why this adult was not invited."
    choose(adult.rows["not_invited_reason"].input.combo, "in_prison")
    adult.rows["engaged_agencies"].input.boxes["probation"].setChecked(True)

    with qtbot.waitSignal(ed.completed, timeout=2000) as done:
        qtbot.mouseClick(ed.complete_button, Qt.MouseButton.LeftButton)
    assert done.args == [ed.conference_id]
    assert ed.status_label.text().startswith("Complete")
    assert not ed.banner.isVisible()

    detail = stored(db, ed.conference_id)
    assert detail.status == "complete"
    a = detail.answers
    assert (a["family_ref"], a["family_name"], a["conference_date"]) == ("FAM-77", "Jones", "2025-03-14")
    assert a["strategy_discussion_date"] == "2025-03-03" and a["delay_reason"] is None
    c = a["children"][0]
    assert (c["case_ref"], c["age_years"], c["decision"], c["category"]) == ("C-1", 7, "plan_started", "physical")
    assert c["plan_start_date"] == "2025-03-14"
    assert a["adults"] == [
        ed.q.blank_entry(
            "adults",
            relationship="birth_father",
            invited=False,
            attendance="not_invited",
            not_invited_reason="in_prison",
            engaged_agencies=["probation"],
        )
    ]

    # Reloaded in a fresh editor, every answer is back on screen.
    again = ConferenceEditor(db)
    qtbot.addWidget(again)
    again.load(ed.conference_id)
    assert again.rows["conference_date"].input.edit.text() == "14/03/2025"
    assert again.groups["children"].items[0].rows["category"].input.combo.currentText() == "Physical abuse"
    assert again.groups["adults"].items[0].rows["not_invited_reason"].input.value() == "in_prison"
    assert again.status_text() == "Complete"
    assert again.collect() == {**a, "quality": a["quality"]}


def test_editing_a_complete_conference_into_a_problem_returns_it_to_draft_and_says_so(qtbot, editor, db):
    ed = editor
    fill_valid_conference(qtbot, ed)
    ed.mark_complete()
    assert stored(db, ed.conference_id).status == "complete"
    type_into(qtbot, ed.rows["conference_date"].input.edit, "15/03/2025")  # a Saturday
    ed.save()
    assert stored(db, ed.conference_id).status == "draft"
    assert ed.status_label.text().startswith("Draft · Saved ")
    assert "a draft again" in ed.banner.text()


def test_decisions_follow_the_conference_type_and_a_category_only_on_a_plan(qtbot, editor):
    ed = editor
    ed.show_page(1)
    child = ed.groups["children"].items[0]
    combo = child.rows["decision"].input.combo
    labels = [combo.itemText(i) for i in range(1, combo.count())]
    assert labels == list(ed.q.codes["decision_initial"].values())
    assert not child.rows["category"].isVisibleTo(ed)
    choose(combo, "plan_started")
    assert child.rows["category"].isVisibleTo(ed)
    choose(ed.rows["conference_type"].input.combo, "review")
    labels = [combo.itemText(i) for i in range(1, combo.count())]
    assert labels[:-1] == list(ed.q.codes["decision_review"].values())
    assert labels[-1] == "Child protection plan started (not an answer for this conference type)"
    assert child.rows["decision"].problem.text() == (
        "Needs attention: This decision belongs to initial, pre-birth and transfer-in conferences."
    )
    choose(combo, "plan_continues")
    assert child.rows["plan_start_date"].isVisibleTo(ed) and not child.rows["plan_start_date"].input.edit.isReadOnly()
    # Unborn: no age question.
    child.rows["unborn"].input.box.setChecked(True)
    assert not child.rows["age_years"].isVisibleTo(ed)


def test_children_can_be_added_and_removed_but_not_below_one(qtbot, editor, db):
    ed = editor
    group = ed.groups["children"]
    assert not group.items[0].remove.isEnabled()
    qtbot.mouseClick(group.add, Qt.MouseButton.LeftButton)
    assert len(group.items) == 2
    type_into(qtbot, group.items[1].rows["name"].input.edit, "Baby")
    group.items[1].rows["unborn"].input.box.setChecked(True)
    assert group.items[0].remove.isEnabled()
    qtbot.mouseClick(group.items[0].remove, Qt.MouseButton.LeftButton)
    assert len(group.items) == 1
    assert group.items[0].rows["name"].input.value() == "Baby"
    assert group.items[0].box.title() == "Child 1: Baby"
    ed.flush()
    children = stored(db, ed.conference_id).answers["children"]
    assert [(c["name"], c["unborn"]) for c in children] == [("Baby", True)]


def test_agencies_are_added_once_each_and_details_need_an_invitation(qtbot, editor, db):
    ed = editor
    group = ed.groups["agencies"]
    picker = group.picker
    assert picker.findData("police") >= 0
    picker.setCurrentIndex(picker.findData("police"))
    qtbot.mouseClick(group.add, Qt.MouseButton.LeftButton)
    assert picker.findData("police") < 0  # cannot be added twice
    row = group.items[0]
    assert row.fixed_label.text() == "Police"
    choose(row.rows["attendance"].input.combo, "attended")
    choose(row.rows["report"].input.combo, "late")
    row.rows["invited"].input.box.setChecked(False)
    assert not row.rows["attendance"].input.isEnabled() and not row.rows["report"].input.isEnabled()
    picker.setCurrentIndex(picker.findData("gp"))
    qtbot.mouseClick(group.add, Qt.MouseButton.LeftButton)
    ed.flush()
    agencies = stored(db, ed.conference_id).answers["agencies"]
    assert agencies == [
        {"agency": "police", "invited": False, "attendance": None, "report": None},
        {"agency": "gp", "invited": True, "attendance": None, "report": None},
    ]
    ed.mark_complete()
    assert group.items[1].problem.text() == (
        "Needs attention: Attendance: Record the attendance and report of an invited agency.\n"
        "Needs attention: Report: Record the attendance and report of an invited agency."
    )


def test_issues_escalations_and_notes_are_saved(qtbot, editor, db):
    ed = editor
    ed.rows["issues"].input.boxes["gangs"].setChecked(True)
    ed.rows["issues"].input.boxes["domestic_abuse"].setChecked(True)
    qtbot.mouseClick(ed.groups["escalations"].add, Qt.MouseButton.LeftButton)
    esc = ed.groups["escalations"].items[0]
    choose(esc.rows["type"].input.combo, "practice_alert")
    choose(esc.rows["subject"].input.combo, "drift_or_delay")
    type_into(qtbot, esc.rows["stage"].input.edit, "5")
    type_into(qtbot, esc.rows["raised_on"].input.edit, "17/03/2025")
    assert esc.problem.text() == "Needs attention: Stage: Stage is 1 to 4."
    type_into(qtbot, esc.rows["stage"].input.edit, "2")
    assert not esc.problem.isVisible()
    qtbot.keyClicks(ed.rows["notes"].input.edit, "Father to be invited next time.")
    ed.save()
    a = stored(db, ed.conference_id).answers
    assert a["issues"] == ["domestic_abuse", "gangs"]
    assert a["escalations"] == [
        ed.q.blank_entry(
            "escalations", type="practice_alert", subject="drift_or_delay", stage=2, raised_on="2025-03-17"
        )
    ]
    assert a["notes"] == "Father to be invited next time."


def test_local_only_fields_say_they_stay_on_this_computer(editor):
    from cpchair.gui.form.rows import LOCAL_NOTE

    for key in ("family_ref", "family_name", "notes"):
        texts = [w.text() for w in editor.rows[key].findChildren(type(editor.heading))]
        assert LOCAL_NOTE in texts, key
    child = editor.groups["children"].items[0]
    assert LOCAL_NOTE in [w.text() for w in child.rows["name"].findChildren(type(editor.heading))]
    assert editor.pages.item(len(editor.q.sections) - 1).text() == "Notes (stays on this computer)"


def test_every_problem_of_a_spoiled_record_is_shown_beside_a_field(qtbot, db):
    answers = conferences.blank_answers("review")
    answers.update(conference_date="2025-03-16", strategy_discussion_date="2025-03-20", issues=["gangs", "xyz"])
    answers["family_ref"] = "FAM-1"
    answers["children"][0].update(age_years=30, decision="plan_started", category="emotional")
    answers["adults"] = [
        dict(conferences.blank_adult(), relationship="mother", attendance="attended_all", engaged_agencies=["zzz"])
    ]
    answers["agencies"] = [
        {"agency": "police", "invited": True, "attendance": "attended", "report": "late"},
        {"agency": "police", "invited": True, "attendance": "apologies", "report": "none"},
    ]
    answers["escalations"] = [dict(conferences.blank_escalation(), stage=9)]
    with db.session() as s, s.begin():
        cid = conferences.create(s, answers)
    ed = ConferenceEditor(db)
    qtbot.addWidget(ed)
    ed.show()
    ed.load(cid)
    ed.mark_complete()
    from cpchair.domain.validation import validate_record

    problems = validate_record(ed.collect())
    assert len(problems) > 10
    shown = ed.visible_problems()
    for p in problems:
        assert any(p.message in messages for messages in shown.values()), p
    assert "Police is listed twice." in shown["agencies[1].agency"]
    assert shown["issues"] == ["'xyz' is not one of the answers for this question."]
    assert shown["adults[0].engaged_agencies"] == ["'zzz' is not one of the answers for this question."]
    assert ed.groups["agencies"].items[1].problem.text() == "Needs attention: Police is listed twice."
    # The focus went to the first problem: the conference date (a Sunday).
    assert ed.focusWidget() is ed.rows["conference_date"].input.edit


def test_ctrl_page_down_and_up_move_between_pages(qtbot, editor):
    editor.rows["family_ref"].input.edit.setFocus()
    qtbot.keyClick(editor.rows["family_ref"].input.edit, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert editor.stack.currentIndex() == 1
    qtbot.keyClick(editor.pages, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert editor.stack.currentIndex() == 0


def test_a_conference_deleted_meanwhile_is_reported_not_crashed_on(qtbot, editor, db):
    first = editor.conference_id
    with db.session() as s, s.begin():
        conferences.delete(s, first)
    editor.load(first)
    assert editor.conference_id is None
    assert editor.banner.text().startswith(f"No conference with id {first}.")
    editor.save()  # nothing to save, nothing raised


def test_completing_needs_the_case_references_that_the_pseudonymous_keys_are_made_from(qtbot, editor, db):
    ed = editor
    fill_valid_conference(qtbot, ed)
    child = ed.groups["children"].items[0]
    child.rows["case_ref"].input.edit.clear()
    with qtbot.assertNotEmitted(ed.completed):
        ed.mark_complete()
    assert stored(db, ed.conference_id).status == "draft"
    assert child.rows["case_ref"].problem.isVisible()
    assert "Enter the child's case reference" in child.rows["case_ref"].problem.text()
    type_into(qtbot, child.rows["case_ref"].input.edit, "C-1")
    assert not child.rows["case_ref"].problem.isVisible()
    ed.mark_complete()
    assert stored(db, ed.conference_id).status == "complete"


def test_mark_complete_is_offered_only_while_the_conference_is_a_draft(qtbot, editor, db):
    ed = editor
    assert ed.complete_button.isEnabled()
    fill_valid_conference(qtbot, ed)
    ed.mark_complete()
    assert stored(db, ed.conference_id).status == "complete"
    assert not ed.complete_button.isEnabled()
    type_into(qtbot, ed.rows["conference_date"].input.edit, "15/03/2025")  # a Saturday: back to draft
    ed.save()
    assert ed.complete_button.isEnabled()
