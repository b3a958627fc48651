"""The spec §5 emotional-abuse prompt and the neglect definition beside a child's category: shown when due,
never blocking, answered with buttons that set emotional_abuse_check (and the category), and remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cpchair.gui.form.editor import ConferenceEditor
from cpchair.services import conferences

CHILDREN_PAGE = 1


def open_editor(qtbot, db, issues):
    answers = conferences.blank_answers("initial")
    answers.update(conference_date="2025-03-14", strategy_discussion_date="2025-03-03", issues=issues)
    answers["children"][0].update(age_years=4, decision="plan_started", plan_sequence="first")
    with db.session() as s, s.begin():
        cid = conferences.create(s, answers)
    ed = ConferenceEditor(db)
    qtbot.addWidget(ed)
    ed.resize(1366, 768)
    ed.show()
    ed.load(cid)
    ed.show_page(CHILDREN_PAGE)
    return ed


def stored_child(db, cid):
    with db.session() as s:
        return conferences.get(s, cid).answers["children"][0]


def choose(combo, code):
    combo.setCurrentIndex(combo.findData(code))
    QApplication.processEvents()  # laid out as the chair would see it before clicking (the card grows)


@pytest.mark.parametrize("cofactor", ["parental_mental_health", "parental_drug_misuse"])
def test_emotional_abuse_with_domestic_abuse_and_a_cofactor_asks_the_chair_to_confirm(qtbot, db, cofactor):
    ed = open_editor(qtbot, db, ["domestic_abuse", cofactor])
    child = ed.groups["children"].items[0]
    guidance = child.extras["category"]
    assert not guidance.isVisible()
    choose(child.rows["category"].input.combo, "emotional")
    assert guidance.isVisible() and guidance.ea.isVisible()
    assert guidance.ea_text.text() == ed.q.guidance["emotional_abuse"].text
    assert guidance.answer.text() == "Not answered yet. You can still choose any category."
    # Never blocking: saving with the prompt unanswered keeps the chosen category.
    ed.flush()
    assert stored_child(db, ed.conference_id)["category"] == "emotional"

    qtbot.mouseClick(guidance.buttons["confirmed"], Qt.MouseButton.LeftButton)
    assert guidance.answer.text() == "Your answer: Emotional abuse confirmed."
    assert guidance.buttons["confirmed"].isChecked()
    ed.flush()
    saved = stored_child(db, ed.conference_id)
    assert (saved["category"], saved["emotional_abuse_check"]) == ("emotional", "confirmed")


def test_changing_to_neglect_sets_the_category_and_keeps_showing_the_answer(qtbot, db):
    ed = open_editor(qtbot, db, ["domestic_abuse", "parental_alcohol_misuse"])
    child = ed.groups["children"].items[0]
    guidance = child.extras["category"]
    choose(child.rows["category"].input.combo, "emotional")
    qtbot.mouseClick(guidance.buttons["changed_to_neglect"], Qt.MouseButton.LeftButton)
    assert child.rows["category"].input.value() == "neglect"
    assert guidance.ea.isVisible()  # answered: still shown, with the answer
    assert guidance.answer.text() == "Your answer: Changed to neglect."
    assert guidance.neglect.isVisible()  # and the neglect definition, now that the category is neglect
    ed.flush()
    saved = stored_child(db, ed.conference_id)
    assert (saved["category"], saved["emotional_abuse_check"]) == ("neglect", "changed_to_neglect")

    qtbot.mouseClick(guidance.buttons["changed_to_multiple"], Qt.MouseButton.LeftButton)
    assert child.rows["category"].input.value() == "multiple"
    assert not guidance.neglect.isVisible()
    ed.flush()
    saved = stored_child(db, ed.conference_id)
    assert (saved["category"], saved["emotional_abuse_check"]) == ("multiple", "changed_to_multiple")

    # Reloaded, the answer is still on screen.
    again = ConferenceEditor(db)
    qtbot.addWidget(again)
    again.show()
    again.load(ed.conference_id)
    again.show_page(CHILDREN_PAGE)
    g = again.groups["children"].items[0].extras["category"]
    assert g.isVisible() and g.answer.text() == "Your answer: Changed to multiple."


def test_a_category_changed_by_hand_drops_an_answer_that_no_longer_fits(qtbot, db):
    ed = open_editor(qtbot, db, ["domestic_abuse", "parental_mental_health"])
    child = ed.groups["children"].items[0]
    choose(child.rows["category"].input.combo, "emotional")
    qtbot.mouseClick(child.extras["category"].buttons["confirmed"], Qt.MouseButton.LeftButton)
    choose(child.rows["category"].input.combo, "physical")
    assert not child.extras["category"].isVisible()
    ed.flush()
    saved = stored_child(db, ed.conference_id)
    assert (saved["category"], saved["emotional_abuse_check"]) == ("physical", None)


def test_no_prompt_without_the_cofactors_and_neglect_shows_its_definition(qtbot, db):
    ed = open_editor(qtbot, db, ["domestic_abuse"])
    child = ed.groups["children"].items[0]
    guidance = child.extras["category"]
    choose(child.rows["category"].input.combo, "emotional")
    assert not guidance.isVisible()
    choose(child.rows["category"].input.combo, "neglect")
    assert guidance.isVisible() and guidance.neglect.isVisible() and not guidance.ea.isVisible()
    assert "Working Together" in guidance.neglect.findChildren(type(guidance.answer))[1].text()


def test_ticking_the_issues_makes_the_prompt_appear(qtbot, db):
    ed = open_editor(qtbot, db, [])
    child = ed.groups["children"].items[0]
    choose(child.rows["category"].input.combo, "emotional")
    guidance = child.extras["category"]
    assert not guidance.isVisible()
    ed.rows["issues"].input.boxes["domestic_abuse"].setChecked(True)
    ed.rows["issues"].input.boxes["parental_mental_health"].setChecked(True)
    assert guidance.isVisibleTo(ed.stack.widget(CHILDREN_PAGE)) and guidance.ea.isVisibleTo(guidance)
