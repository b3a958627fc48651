"""Large text: at twice the font size no table column cuts its text, the form's labels are whole, and the
minutes preview zooms with the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QApplication, QLabel
from services.records import child, valid_answers

from cpchair.gui.minutes.page import MinutesPage
from cpchair.services import conferences as svc
from tests.gui.test_minutes_page import seed

ITEM_MARGIN = 6  # the style's text margin inside a cell, both sides


def _complete(db, answers) -> None:
    with db.session() as s:
        cid = svc.create(s, answers)
        svc.complete(s, cid)
        s.commit()


@pytest.fixture
def double_text():
    """The system's text size doubled (what "make text bigger" or a 200 % font setting does to the
    application font), then put back."""
    before = QFont(QApplication.font())
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * 2)
    QApplication.setFont(font)
    yield font
    QApplication.setFont(before)


def assert_every_cell_fits(view) -> None:
    model = view.model()
    header = view.horizontalHeader()
    for col in range(model.columnCount()):
        width = view.columnWidth(col)
        title = model.headerData(col, Qt.Orientation.Horizontal)
        needed = header.fontMetrics().horizontalAdvance(title) + ITEM_MARGIN
        assert needed <= width, (title, needed, width)
        for row in range(model.rowCount()):
            index = model.index(row, col)
            text = index.data() or ""
            font = index.data(Qt.ItemDataRole.FontRole)
            font = QFont(font).resolve(view.font()) if font is not None else view.font()
            needed = QFontMetrics(font).horizontalAdvance(text) + ITEM_MARGIN
            assert needed <= width, (title, text, needed, width)


def test_at_twice_the_text_size_the_caseload_and_list_columns_hold_their_text(qtbot, main_window, db, double_text):
    _complete(
        db,
        valid_answers(
            "review",
            "2026-11-03",
            [child("C-24", "Maximilian-Alexander", "plan_continues", category="physical", plan_start="2025-05-20")],
        ),
    )
    new = child("C-NEW", "Eve", "plan_started", plan_start="2027-06-08")
    _complete(db, valid_answers("initial", "2027-06-08", [new]))
    window = main_window
    assert window.list_page.view.font().pointSizeF() == double_text.pointSizeF()
    window.list_page.refresh()
    assert_every_cell_fits(window.list_page.view)
    window.show_page("caseload")
    view = window.caseload_page.view
    flags = view.model().index(0, view.model().columnCount() - 1).data()
    assert "Review overdue" in flags and "24+" in flags  # the long one, which the first release clipped
    assert_every_cell_fits(view)


def test_at_twice_the_text_size_no_form_label_is_cut(qtbot, main_window, double_text):
    window = main_window
    window.new_conference()
    ed = window.conference_view.editor
    for page in range(ed.stack.count()):
        ed.show_page(page)
        qtbot.wait(1)
        for label in ed.stack.widget(page).findChildren(QLabel):
            if not label.isVisible() or not label.text() or label.wordWrap():
                continue
            text = label.text().replace("&", "")
            widest = max(label.fontMetrics().horizontalAdvance(line) for line in text.splitlines() or [""])
            assert widest <= label.contentsRect().width(), (ed.q.sections[page].title, text)


@pytest.fixture
def minutes(qtbot, db):
    page = MinutesPage(db)
    qtbot.addWidget(page)
    page.resize(1366, 800)
    page.show()
    qtbot.waitExposed(page)
    page.load(seed(db))
    assert page.pdf_document.status() == QPdfDocument.Status.Ready
    return page


def test_the_minutes_preview_zooms_in_and_out_and_fits_the_width_again(qtbot, minutes):
    view = minutes.preview
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    view.setFocus()
    qtbot.wait(20)
    fitted = minutes.zoom.factor()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoomMode() == QPdfView.ZoomMode.Custom
    assert view.zoomFactor() == pytest.approx(fitted * 1.25, rel=0.01)  # a step up from what was on screen
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # Ctrl+= where + needs Shift
    assert view.zoomFactor() == pytest.approx(fitted * 1.25 * 1.25, rel=0.01)
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoomFactor() == pytest.approx(fitted / 1.25, rel=0.01)
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    minutes.findChild(type(minutes.preview_button), "zoom_in").click()
    assert view.zoomMode() == QPdfView.ZoomMode.Custom and view.zoomFactor() > fitted
    assert QApplication.focusWidget() is not None
