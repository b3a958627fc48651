"""Questionnaire version 2 in the real editor: each case a chair records, entered through the form (dates
typed, answers chosen, a mnemonic to reach a new question), then checked in the database; and what the
caseload page shows of it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow
from services.records import child, valid_answers

from cpchair.gui.form.editor import ConferenceEditor
from cpchair.gui.models.caseload_table import CASE_REF, FLAGS, PLAN_START
from cpchair.services import conferences


def open_editor(qtbot, db, answers) -> ConferenceEditor:
    """The editor in an active window (mnemonics need one), showing a conference saved with ``answers``."""
    with db.session() as s, s.begin():
        cid = conferences.create(s, answers)
    win = QMainWindow()
    ed = ConferenceEditor(db)
    win.setCentralWidget(ed)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    ed.load(cid)
    ed.host = win  # keep the window alive as long as the test holds the editor
    return ed


def stored(db, cid) -> dict:
    with db.session() as s:
        return conferences.get(s, cid).answers


def type_into(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def choose(combo, code) -> None:
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)
    QApplication.processEvents()


def page_of(ed, key: str) -> int:
    return next(i for i, s in enumerate(ed.q.sections) if s.key == key)


def test_the_quorum_is_worked_out_from_the_attendance_entered(qtbot, db):
    ed = open_editor(qtbot, db, valid_answers())
    ed.show_page(page_of(ed, "attendance"))
    derived = ed.derived_labels["attendance"]
    assert "Quorate: No" in derived.text() and "Fewer than two other agencies attended" in derived.text()
    agencies = ed.groups["agencies"]
    for code in ("police", "school"):
        choose(agencies.picker, code)
        qtbot.mouseClick(agencies.add, Qt.MouseButton.LeftButton)
    for item in agencies.items:
        choose(item.rows["attendance"].input.combo, "attended")
        choose(item.rows["report"].input.combo, "on_time")
    assert "Quorate: Yes" in derived.text()
    choose(ed.rows["social_worker_attendance"].input.combo, "apologies")
    assert "Children's social care did not attend" in derived.text()
    choose(ed.rows["team_manager_attendance"].input.combo, "attended")
    choose(ed.rows["lead_practitioner_role"].input.combo, "advanced_practitioner")
    choose(ed.rows["lead_practitioner_agency"].input.combo, "childrens_social_care")
    ed.save()
    a = stored(db, ed.conference_id)
    assert (a["quorate"], a["not_quorate_reason"], a["team_manager_attendance"]) == (True, None, "attended")
    assert a["lead_practitioner_role"] == "advanced_practitioner"
    assert "quorate" not in ed.rows  # worked out, never typed


def test_a_review_shows_the_due_date_it_was_held_against_and_keeps_its_lateness(qtbot, db):
    answers = valid_answers("review", "2026-03-10", [child("C1", "Amy", "plan_continues", plan_start="2025-09-09")])
    ed = open_editor(qtbot, db, answers)
    # Alt+V reaches the review number: a version 2 question, from the keyboard
    ed.rows["family_ref"].input.edit.setFocus()
    qtbot.keyClick(ed.rows["family_ref"].input.edit, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is ed.rows["review_number"].input.focus_widgets()[0]
    type_into(qtbot, ed.rows["review_number"].input.edit, "1")
    type_into(qtbot, ed.rows["previous_conference_date"].input.edit, "09/12/2025")
    text = ed.derived_labels["details"].text()
    assert "Review due by (statutory): 09/03/2026" in text and "Held within the statutory timescale: No" in text
    ed.save()
    a = stored(db, ed.conference_id)
    assert (a["review_number"], a["review_due_date"], a["review_within_timescale"]) == (1, "2026-03-09", False)


def test_pre_birth_transfer_in_and_adjourned_conferences_record_their_own_facts(qtbot, db):
    pre = valid_answers("pre_birth_initial", "2026-03-10", [child("U1", "Baby", "plan_started")])
    pre["children"][0].update(unborn=True, age_years=None)
    ed = open_editor(qtbot, db, pre)
    assert ed.rows["expected_delivery_date"].isVisibleTo(ed) and not ed.rows["transfer_notified_date"].isVisibleTo(ed)
    type_into(qtbot, ed.rows["expected_delivery_date"].input.edit, "26/05/2026")
    assert "Weeks before the expected date of delivery: 11" in ed.derived_labels["details"].text()
    ed.save()
    assert stored(db, ed.conference_id)["weeks_before_edd"] == 11

    ed2 = open_editor(qtbot, db, valid_answers("transfer_in", "2026-03-10"))
    type_into(qtbot, ed2.rows["transfer_notified_date"].input.edit, "02/03/2026")
    ed2.show_page(page_of(ed2, "children"))
    item = ed2.groups["children"].items[0]
    assert item.rows["original_plan_start_date"].isVisibleTo(ed2)
    type_into(qtbot, item.rows["original_plan_start_date"].input.edit, "01/06/2025")
    ed2.save()
    a = stored(db, ed2.conference_id)
    assert (a["transfer_notified_date"], a["children"][0]["original_plan_start_date"]) == ("2026-03-02", "2025-06-01")

    ed3 = open_editor(qtbot, db, valid_answers())
    assert not ed3.rows["adjournment_reason"].isVisibleTo(ed3)
    ed3.rows["adjourned"].input.box.setChecked(True)
    choose(ed3.rows["adjournment_reason"].input.combo, "information_missing")
    type_into(qtbot, ed3.rows["reconvene_date"].input.edit, "24/03/2026")
    ed3.save()
    a = stored(db, ed3.conference_id)
    assert (a["adjourned"], a["reconvene_date"], a["children"][0]["decision"]) == (True, "2026-03-24", "adjourned")
    assert not ed3.groups["children"].items[0].rows["decision"].input.isEnabled()


def test_a_child_multiple_category_change_seen_views_and_plan_ended_without_conference(qtbot, db):
    answers = valid_answers("review", "2026-03-10", [child("C1", "Amy", "plan_continues", plan_start="2025-09-09")])
    ed = open_editor(qtbot, db, answers)
    ed.show_page(page_of(ed, "children"))
    item = ed.groups["children"].items[0]
    assert not item.rows["category_components"].isVisibleTo(ed)
    choose(item.rows["category"].input.combo, "multiple")
    assert item.rows["category_components"].isVisibleTo(ed)
    item.rows["category_components"].input.boxes["neglect"].setChecked(True)
    item.rows["category_components"].input.boxes["emotional"].setChecked(True)
    choose(item.rows["category_changed_from"].input.combo, "neglect")
    choose(item.rows["category_at_plan_start"].input.combo, "neglect")
    choose(item.rows["child_seen"].input.combo, "seen_alone")
    choose(item.rows["views_route"].input.combo, "advocate")
    choose(item.rows["plan_end_reason"].input.combo, "became_looked_after")
    type_into(qtbot, item.rows["plan_end_date"].input.edit, "20/04/2026")
    ed.save()
    c = stored(db, ed.conference_id)["children"][0]
    assert c["category_components"] == ["neglect", "emotional"]
    assert (c["category_changed_from"], c["category_at_plan_start"]) == ("neglect", "neglect")
    assert (c["child_seen"], c["views_route"]) == ("seen_alone", "advocate")
    assert (c["plan_end_reason"], c["plan_end_date"]) == ("became_looked_after", "2026-04-20")


def test_adults_family_work_dissent_and_escalations(qtbot, db):
    ed = open_editor(qtbot, db, valid_answers())
    adults = ed.groups["adults"]
    ed.show_page(page_of(ed, "parents"))
    qtbot.mouseClick(adults.add, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(adults.add, Qt.MouseButton.LeftButton)
    father, partner = adults.items
    choose(father.rows["relationship"].input.combo, "birth_father")
    choose(father.rows["parental_responsibility"].input.combo, "yes")
    choose(father.rows["lives_in_household"].input.combo, "no")
    choose(father.rows["attendance"].input.combo, "excluded_by_chair")
    assert father.rows["exclusion_reason"].isVisibleTo(ed)
    choose(father.rows["exclusion_reason"].input.combo, "risk_of_violence")
    choose(partner.rows["relationship"].input.combo, "other_male_carer")
    partner.rows["invited"].input.box.setChecked(False)
    choose(partner.rows["not_invited_reason"].input.combo, "not_relevant")
    assert partner.rows["not_relevant_rationale"].isVisibleTo(ed)
    qtbot.keyClicks(partner.rows["not_relevant_rationale"].input.edit, "No contact for ten years.")
    for key, code in (
        ("parent_advocacy", "advocate_present"),
        ("chair_met_parents", "met_all"),
        ("reports_shared_with_family", "all_two_days_before"),
        ("family_network_meeting", "recommended"),
    ):
        choose(ed.rows[key].input.combo, code)
    ed.show_page(page_of(ed, "quality"))
    choose(ed.rows["quality.dissent"].input.combo, "professional")
    assert ed.rows["dissent_agencies"].isVisibleTo(ed)
    ed.rows["dissent_agencies"].input.boxes["school"].setChecked(True)
    ed.show_page(page_of(ed, "escalations"))
    qtbot.mouseClick(ed.groups["escalations"].add, Qt.MouseButton.LeftButton)
    esc = ed.groups["escalations"].items[0]
    choose(esc.rows["type"].input.combo, "formal_escalation")
    choose(esc.rows["subject"].input.combo, "threshold_or_category")
    choose(esc.rows["directed_at"].input.combo, "childrens_social_care")
    esc.rows["from_dissent"].input.box.setChecked(True)
    type_into(qtbot, esc.rows["stage"].input.edit, "2")
    type_into(qtbot, esc.rows["raised_on"].input.edit, "11/03/2026")
    assert not esc.rows["resolved_on"].input.isEnabled()
    choose(esc.rows["status"].input.combo, "resolved")
    type_into(qtbot, esc.rows["resolved_on"].input.edit, "25/03/2026")
    choose(esc.rows["outcome"].input.combo, "agreed")
    ed.save()
    a = stored(db, ed.conference_id)
    assert [(x["attendance"], x["exclusion_reason"]) for x in a["adults"]] == [
        ("excluded_by_chair", "risk_of_violence"),
        ("not_invited", None),
    ]
    assert a["adults"][1]["not_relevant_rationale"] == "No contact for ten years."
    assert (a["parent_advocacy"], a["family_network_meeting"]) == ("advocate_present", "recommended")
    assert a["dissent_agencies"] == ["school"]
    e = a["escalations"][0]
    assert (e["directed_at"], e["from_dissent"], e["resolved_on"], e["outcome"]) == (
        "childrens_social_care",
        True,
        "2026-03-25",
        "agreed",
    )
    with db.session() as s, s.begin():
        conferences.complete(s, ed.conference_id)  # every answer the chair gave is a valid record


@pytest.mark.usefixtures("main_window")
def test_the_caseload_shows_a_transferred_plans_real_start_and_drops_an_ended_plan(qtbot, main_window, db):
    # Today is 21/06/2027 (conftest.TODAY).
    moved = valid_answers("transfer_in", "2027-03-02", [child("T1", "Tia", "plan_started")])
    moved["children"][0]["original_plan_start_date"] = "2025-06-01"
    ended = valid_answers("initial", "2027-03-03", [child("E1", "Eli", "plan_started")], family_ref="F2")
    ended["children"][0].update(plan_end_reason="moved_to_other_authority", plan_end_date="2027-05-10")
    with db.session() as s:
        for answers in (moved, ended):
            cid = conferences.create(s, answers)
            conferences.complete(s, cid)
        s.commit()
    main_window.nav.setCurrentRow(1)
    page = main_window.caseload_page
    page.refresh()
    model = page.view.model()
    rows = {model.index(r, CASE_REF).data(): r for r in range(model.rowCount())}
    assert list(rows) == ["T1"]
    assert model.index(rows["T1"], PLAN_START).data() == "01/06/2025 (in another authority)"
    assert model.index(rows["T1"], FLAGS).data().startswith("On plan 24+ months")
    assert "Plans ended without a conference in the last 90 days: Eli (moved to another authority, 10/05/2027)" in (
        page.summary_label.text()
    )


def test_changing_the_review_interval_in_settings_moves_the_open_local_targets_only(qtbot, main_window, db):
    from PySide6.QtWidgets import QDialogButtonBox

    from cpchair.gui.dialogs.settings_dialog import SettingsDialog
    from cpchair.storage.models import Conference

    answers = valid_answers("review", "2027-06-01", [child("R1", "Rae", "plan_continues", plan_start="2026-12-01")])
    with db.session() as s:
        cid = conferences.create(s, answers)
        conferences.complete(s, cid)
        s.commit()
        held = conferences.get(s, cid).answers
    dialog = SettingsDialog(db, main_window)
    qtbot.addWidget(dialog)
    dialog.editors["review_interval_months"].setValue(4)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    with db.session() as s:
        row = s.get(Conference, cid)
        assert (str(row.next_review_due), str(row.next_review_local_due)) == ("2027-12-01", "2027-10-01")
        # the review already held keeps the due dates it was held against
        assert conferences.get(s, cid).answers["review_local_due_date"] == held["review_local_due_date"]
