"""The minutes page, driven like a chair drives it: type, wait for the autosave, look at the preview, save the
PDF and print it; then check the database, the PDF file and the printed pages."""

from __future__ import annotations

import io

import pytest
from minutes_cases import answers_for, minutes_for
from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QSpinBox

from cpchair.gui.minutes import files
from cpchair.gui.minutes.page import MinutesPage
from cpchair.services import conferences
from cpchair.services import minutes as minutes_service


def seed(db, conference_type="initial", with_minutes=True) -> str:
    with db.session() as s, s.begin():
        answers = answers_for(conference_type)
        cid = conferences.create(s, answers)
        if with_minutes:
            minutes_service.save(s, cid, minutes_for(answers))
    return cid


def stored(db, cid):
    with db.session() as s:
        return conferences.get(s, cid)


@pytest.fixture
def page(qtbot, db):
    p = MinutesPage(db)
    qtbot.addWidget(p)
    p.resize(1366, 800)
    p.show()
    return p


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(pg.extract_text().split()) for pg in PdfReader(io.BytesIO(data)).pages)


def test_loads_the_minutes_shows_the_questionnaire_read_only_and_previews_the_pdf(page, db):
    cid = seed(db)
    page.load(cid)
    assert page.inputs["minute_taker"].text() == stored(db, cid).minutes["minute_taker"]
    derived = page.derived_label.text()
    assert "Child protection plan started" in derived and "Physical abuse" in derived
    assert "Jake Brown: invited, did not attend" in derived and "by 12 June 2026" in derived
    assert page.pdf_document.status() == QPdfDocument.Status.Ready
    assert page.pdf_document.pageCount() >= 3
    assert set(page.agency_inputs) == {"police", "school", "health_visitor", "gp"}


def test_the_previewed_first_page_has_ink_where_the_marking_and_title_are(page, db):
    page.load(seed(db))
    image = page.pdf_document.render(0, QSize(595, 842))
    assert not image.isNull()

    def dark_pixels(top: int, bottom: int) -> int:
        return sum(1 for y in range(top, bottom) for x in range(0, 595, 2) if image.pixelColor(x, y).lightness() < 100)

    assert dark_pixels(22, 40) > 20  # OFFICIAL-SENSITIVE at the top
    assert dark_pixels(800, 820) > 20  # and at the bottom
    assert dark_pixels(60, 120) > 200  # the service name and the title


def test_typing_autosaves_without_touching_the_questionnaire_revision(page, db, qtbot):
    cid = seed(db)
    revision = stored(db, cid).revision
    page.load(cid)
    edit = page.inputs["parents_views"]
    edit.clear()
    with qtbot.waitSignal(page.saved, timeout=5000):
        qtbot.keyClicks(edit, "Mother agreed with the plan.")
    minutes = stored(db, cid)
    assert minutes.minutes["parents_views"] == "Mother agreed with the plan."
    assert minutes.revision == revision
    assert "Mother agreed with the plan." in pdf_text(page._pdf_bytes)


def test_plan_and_scaling_rows_and_the_core_group_date_are_saved(page, db, qtbot):
    cid = seed(db, with_minutes=False)
    page.load(cid)
    qtbot.mouseClick(page.findChild(type(page.preview_button), "add_plan"), Qt.MouseButton.LeftButton)
    for col, text in enumerate(("Children safe", "Weekly visits", "Social worker", "30/04/2026")):
        page.plan.item(0, col).setText(text)
    qtbot.mouseClick(page.findChild(type(page.preview_button), "add_scale"), Qt.MouseButton.LeftButton)
    page.scaling.item(0, 0).setText("Mother")
    spin = page.scaling.cellWidget(0, 1)
    assert isinstance(spin, QSpinBox)
    spin.setValue(7)
    qtbot.keyClicks(page.first_core_group, "24/03/2026")
    page.flush()
    m = stored(db, cid).minutes
    assert m["plan"] == [
        {"outcome": "Children safe", "action": "Weekly visits", "who": "Social worker", "by_when": "30/04/2026"}
    ]
    assert m["scaling"] == [{"who": "Mother", "score": 7}]
    assert m["first_core_group"] == "2026-03-24"

    page.plan.selectRow(0)
    qtbot.mouseClick(page.findChild(type(page.preview_button), "remove_plan"), Qt.MouseButton.LeftButton)
    page.flush()
    assert stored(db, cid).minutes["plan"] == []


def test_a_bad_date_is_explained_and_keeps_the_last_good_one(page, db, qtbot):
    cid = seed(db)
    good = stored(db, cid).minutes["first_core_group"]
    page.load(cid)
    page.first_core_group.clear()
    qtbot.keyClicks(page.first_core_group, "31/02/2026")
    page.inputs["contingency"].setPlainText("Call a strategy discussion.")
    page.flush()
    assert page.date_error.isVisible() and "dd/mm/yyyy" in page.date_error.text()
    m = stored(db, cid).minutes
    assert m["first_core_group"] == good and m["contingency"] == "Call a strategy discussion."


def test_a_meeting_that_ends_before_it_starts_is_said_at_once_and_the_text_is_kept(page, db, qtbot):
    cid = seed(db)
    page.load(cid)
    assert not page.time_error.isVisible()
    page.inputs["time"].clear()
    qtbot.keyClicks(page.inputs["time"], "13:30 to 11:45")
    assert page.time_error.isVisible() and "ends (11:45) before or when it starts (13:30)" in page.time_error.text()
    assert "before or when it starts" in page.inputs["time"].accessibleDescription()
    page.flush()
    assert stored(db, cid).minutes["time"] == "13:30 to 11:45"  # never lost: the chair decides
    page.inputs["time"].setText("13:30 to 15:45")
    assert not page.time_error.isVisible() and page.inputs["time"].accessibleDescription() == ""
    page.flush()
    page.load(cid)  # shown again when a conference is opened with the times the wrong way round
    assert not page.time_error.isVisible()


def test_urdu_prints_in_the_preview_and_a_script_without_a_font_is_explained(page, db, qtbot):
    import unicodedata

    cid = seed(db)
    page.load(cid)
    page.inputs["childs_views"].setPlainText("بچے نے کہا")
    page.flush()
    page.refresh_preview()
    assert stored(db, cid).minutes["childs_views"] == "بچے نے کہا"
    assert not page.message.isVisible()
    assert "بچے نے کہا" in unicodedata.normalize("NFKC", pdf_text(page._pdf_bytes))
    page.inputs["childs_views"].setPlainText("குழந்தை சொன்னது")  # Tamil: no bundled font
    page.flush()
    page.refresh_preview()
    assert stored(db, cid).minutes["childs_views"] == "குழந்தை சொன்னது"  # nothing typed is lost
    assert page.message.isVisible()
    assert page.message.text().startswith("The child's views contains “க” (tamil letter ka)")


def test_save_as_pdf_writes_the_file_the_chair_chose(page, db, qtbot, tmp_path, monkeypatch):
    cid = seed(db, "review")
    page.load(cid)
    asked = {}

    def fake_ask(parent, suggested):
        asked["suggested"] = suggested
        return str(tmp_path / "chosen.pdf")

    monkeypatch.setattr(files, "ask_save_path", fake_ask)
    page.inputs["decision_reasons"].setPlainText("The worries remain; the plan continues.")
    qtbot.mouseClick(page.save_pdf_button, Qt.MouseButton.LeftButton)
    assert asked["suggested"] == f"minutes-2026-05-20-{cid[:8]}.pdf"
    text = pdf_text((tmp_path / "chosen.pdf").read_bytes())
    assert "The worries remain; the plan continues." in text and "Review conference (RCPC)" in text
    assert "Saved the minutes" in page.message.text()
    assert stored(db, cid).minutes["decision_reasons"] == "The worries remain; the plan continues."


def test_cancelled_save_writes_nothing(page, db, qtbot, tmp_path, monkeypatch):
    page.load(seed(db))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(files, "ask_save_path", lambda parent, suggested: None)
    assert page.save_pdf() is None
    assert list(tmp_path.rglob("*.pdf")) == [] and not page.message.isVisible()


def test_print_sends_every_page_to_the_printer(page, db, qtbot, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    page.load(seed(db))
    out = tmp_path / "printed.pdf"

    def fake_print(printer, parent):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(96)
        return True

    monkeypatch.setattr(files, "ask_print", fake_print)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(out).pages) == page.pdf_document.pageCount()
    assert "Sent the minutes to the printer." in page.message.text()


def test_questionnaire_and_settings_changes_show_when_the_page_is_shown_again(page, db):
    from cpchair import settings

    cid = seed(db)
    page.load(cid)
    page.hide()
    with db.session() as s, s.begin():
        settings.put(s, "service_name", "Northshire Children's Services")
        answers = conferences.get(s, cid).answers
        for child in answers["children"]:
            child["category"] = "neglect"
        answers["agencies"].append({"agency": "housing", "invited": True, "attendance": "attended", "report": "none"})
        conferences.save(s, cid, answers)
    page.show()
    assert "Neglect" in page.derived_label.text()
    assert "housing" in page.agency_inputs
    assert "Neglect" in pdf_text(page._pdf_bytes)
    assert "Northshire Children's Services" in pdf_text(page._pdf_bytes)


def test_switching_conference_saves_pending_text(page, db, qtbot):
    first, second = seed(db), seed(db, "review")
    page.load(first)
    page.inputs["purpose"].setPlainText("Typed just before switching.")
    page.load(second)
    assert stored(db, first).minutes["purpose"] == "Typed just before switching."
    assert page.inputs["purpose"].toPlainText() == stored(db, second).minutes["purpose"]
