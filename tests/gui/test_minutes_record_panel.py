"""The minutes page's record panel, driven like a chair: record who was there, mark restrictions, add split
parts, sign off, record a copy sent, preview each copy and letter; then check the database and the PDF."""

from __future__ import annotations

import io
from datetime import date

import pytest
from minutes_cases import ADDRESS, GRANDMOTHER, answers_for, minutes_for
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox

from cpchair.gui.minutes import files
from cpchair.gui.minutes.page import MinutesPage
from cpchair.services import conferences, minutes_record
from cpchair.services import minutes as minutes_service


@pytest.fixture
def page(qtbot, db):
    p = MinutesPage(db)
    qtbot.addWidget(p)
    p.resize(1366, 900)
    p.show()
    return p


def seed(db) -> str:
    with db.session() as s, s.begin():
        answers = answers_for("initial")
        cid = conferences.create(s, answers)
        mins = minutes_for(answers)
        minutes_service.save(s, cid, mins)
    return cid


def local(db, cid):
    with db.session() as s:
        return minutes_record.get(s, cid)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(pg.extract_text().split()) for pg in PdfReader(io.BytesIO(data)).pages)


def tick(widget, label: str) -> None:
    for row in range(widget.count()):
        if widget.item(row).text() == label:
            widget.item(row).setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"{label} not offered")


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_facts_and_professionals_are_saved_and_printed_with_the_quorum(page, db, qtbot):
    cid = seed(db)
    page.load(cid)
    panel = page.record_panel
    panel.fact_inputs["address"].setText(ADDRESS)
    panel.fact_inputs["address"].editingFinished.emit()
    panel.review_date.setText("10/06/2026")
    panel.review_date.editingFinished.emit()
    choose(panel.s47, "Concerns not substantiated")
    panel.child_inputs[0].setText("01/09/2018")
    panel.child_inputs[0].editingFinished.emit()
    for name, agency in (("Sarah Okafor", "Children's Social Care"), ("DC Ellis", "Police"), ("Gemma Price", "School")):
        qtbot.mouseClick(panel.findChild(type(page.preview_button), "add_attendee"), Qt.MouseButton.LeftButton)
        row = panel.attendees.rowCount() - 1
        combo = panel.attendees.cellWidget(row, 2)
        choose(combo, agency)
        panel.attendees.item(row, 1).setText("Role")
        panel.attendees.item(row, 0).setText(name)
    facts = local(db, cid).data
    assert facts["facts"]["address"] == ADDRESS and facts["facts"]["review_date"] == "2026-06-10"
    assert facts["facts"]["s47_outcome"] == "not_substantiated"
    assert facts["facts"]["children"][0]["dob"] == "2018-09-01"
    assert [(p["name"], p["agency"]) for p in facts["attendees"]] == [
        ("Sarah Okafor", "csc"),
        ("DC Ellis", "police"),
        ("Gemma Price", "school"),
    ]
    assert panel.quorum_label.text().startswith("Quorate: yes (from the professionals present")
    text = pdf_text(page._pdf_bytes)
    assert "Gemma Price" in text and "Born 01/09/2018" in text and "Concerns not substantiated" in text


def test_a_restriction_marked_in_the_panel_keeps_the_passage_out_of_the_fathers_copy(page, db, qtbot):
    cid = seed(db)
    page.load(cid)
    panel = page.record_panel
    panel.tabs.setCurrentIndex(2)
    edit = page.inputs["household"]
    start = edit.toPlainText().index(GRANDMOTHER)
    cursor = edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(GRANDMOTHER), cursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "use_selection"), Qt.MouseButton.LeftButton)
    assert panel.passage.text() == GRANDMOTHER
    assert panel.part_choice.currentText() == "Household and family network"
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "add_restriction"), Qt.MouseButton.LeftButton)
    assert panel.message.text() == "Tick who the part is withheld from."
    tick(panel.withheld_from, "Jake Brown (Birth father)")
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "add_restriction"), Qt.MouseButton.LeftButton)
    stored = local(db, cid).data["restrictions"]
    assert stored == [
        {
            "ref": "text:household",
            "passage": GRANDMOTHER,
            "from": ["adult:2"],
            "names": {"adult:2": "Jake Brown (Birth father)"},
        }
    ]
    assert panel.restrictions.item(0, 2).text() == "Jake Brown (Birth father)"
    assert GRANDMOTHER in pdf_text(page._pdf_bytes)  # the professionals' copy is previewed by default
    page.version_picker.choose("minutes", "parent-2")
    father = pdf_text(page._pdf_bytes)
    assert "Jake Brown (Birth father)" in father and GRANDMOTHER not in father
    page.version_picker.choose("minutes", "parent-1")
    assert GRANDMOTHER in pdf_text(page._pdf_bytes)
    panel.restrictions.selectRow(0)
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "remove_restriction"), Qt.MouseButton.LeftButton)
    assert local(db, cid).data["restrictions"] == []


def test_split_parts_added_in_the_panel_reach_only_the_parent_who_attended(page, db, qtbot):
    cid = seed(db)
    page.load(cid)
    panel = page.record_panel
    panel.part_title.setText("Part 1: with Anna")
    tick(panel.part_attended, "Anna Kowalska (Mother)")
    panel.part_text.setPlainText("Anna said the children hide when the shouting starts.")
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "add_part"), Qt.MouseButton.LeftButton)
    assert local(db, cid).data["split"][0]["attended"] == ["adult:1"]
    page.version_picker.choose("minutes", "parent-1")
    assert "hide when the shouting starts" in pdf_text(page._pdf_bytes)
    page.version_picker.choose("minutes", "parent-2")
    assert "hide when the shouting starts" not in pdf_text(page._pdf_bytes)


def test_sign_off_removes_draft_and_a_copy_sent_is_recorded_and_printed(page, db, qtbot):
    cid = seed(db)
    page.load(cid)
    panel = page.record_panel
    assert all("DRAFT" in p.extract_text() for p in PdfReader(io.BytesIO(page._pdf_bytes)).pages)
    assert panel.status.text() == "DRAFT: not yet signed off by the chair."
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "sign_off"), Qt.MouseButton.LeftButton)
    record = local(db, cid)
    assert record.sign_off is not None and record.sign_off.signed_by == "Ruth Adeyemi"
    assert panel.status.text().startswith("Signed off by Ruth Adeyemi on ")
    assert not any("DRAFT" in p.extract_text() for p in PdfReader(io.BytesIO(page._pdf_bytes)).pages)
    panel.dist_recipient.setText("Anna Kowalska")
    choose(panel.dist_version, "parent-1: Anna Kowalska (Mother)")
    choose(panel.dist_method, "Post")
    panel.dist_date.setDate(QDate(2026, 3, 16))
    qtbot.mouseClick(panel.findChild(type(page.preview_button), "record_distribution"), Qt.MouseButton.LeftButton)
    sent = local(db, cid).distribution
    assert [(d.recipient, d.version, d.method, d.sent_on) for d in sent] == [
        ("Anna Kowalska", "parent-1", "post", date(2026, 3, 16))
    ]
    assert "Anna Kowalska parent-1 Post 16/03/2026" in pdf_text(page._pdf_bytes)
    page.inputs["decision_reasons"].setPlainText("Reasons changed after sign-off.")
    page.flush()
    page.refresh_preview()
    assert panel.status.text() == "DRAFT: changed since it was signed off; the chair must sign it off again."
    assert all("DRAFT" in p.extract_text() for p in PdfReader(io.BytesIO(page._pdf_bytes)).pages)


def test_letters_are_previewed_and_saved_with_the_chairs_words(page, db, qtbot, tmp_path, monkeypatch):
    cid = seed(db)
    page.load(cid)
    panel = page.record_panel
    panel.child_letter.setPlainText("You were brave to tell us.")
    assert local(db, cid).data["child_letter"] == "You were brave to tell us."
    page.version_picker.choose("letter", "child")
    text = pdf_text(page._pdf_bytes)
    assert "Dear Maja," in text and "You were brave to tell us." in text and "13 March 2026" in text
    monkeypatch.setattr(files, "ask_save_path", lambda parent, suggested: str(tmp_path / suggested))
    page.version_picker.choose("letter", "parents")
    written = page.save_pdf()
    assert written and written.endswith(".pdf") and "letter-parents" in written
    with open(written, "rb") as fh:
        assert "Dear Anna Kowalska and Jake Brown," in pdf_text(fh.read())


def test_a_parent_added_in_the_questionnaire_can_be_restricted_on_coming_back(page, db, qtbot):
    from cpchair.services.conferences import blank_adult

    cid = seed(db)
    page.load(cid)
    with db.session() as s:
        answers = conferences.get(s, cid).answers
        carer = blank_adult()
        carer.update(name="Maria Lopez", relationship="kinship_carer", attendance="attended_all")
        answers["adults"].append(carer)
        conferences.save(s, cid, answers)
        s.commit()
    page.hide()
    page.show()
    offered = [page.record_panel.withheld_from.item(i).text() for i in range(page.record_panel.withheld_from.count())]
    assert "Maria Lopez (Kinship carer)" in offered
    assert page.version_picker.findText("Minutes: Maria Lopez (Kinship carer)") >= 0
