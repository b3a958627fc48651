"""The caseload page in the real window: flags as words, sortable columns, opening the deciding conference."""

from __future__ import annotations

from PySide6.QtCore import Qt
from services.records import child, valid_answers

from cpchair.gui.models.caseload_table import CASE_REF, CATEGORY, FLAGS, MONTHS, NEXT_REVIEW, PLAN_START
from cpchair.services import conferences as svc


def _complete(db, answers) -> str:
    with db.session() as s:
        cid = svc.create(s, answers)
        svc.complete(s, cid)
        s.commit()
    return cid


def _column(view, column: int) -> list[str]:
    model = view.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_caseload_page_shows_flags_as_text_and_sorts(qtbot, main_window, db):
    # Today is 21/06/2027 (conftest.TODAY).
    _complete(
        db, valid_answers("review", "2027-06-01", [child("C-18", "Cara", "plan_continues", plan_start="2025-12-21")])
    )
    long_id = _complete(
        db,
        valid_answers(
            "review",
            "2026-11-03",
            [child("C-24", "Dan", "plan_continues", category="physical", plan_start="2025-05-20")],
        ),
    )
    _complete(
        db, valid_answers("initial", "2027-06-08", [child("C-NEW", "Eve", "plan_started", plan_start="2027-06-08")])
    )
    _complete(db, valid_answers("initial", "2027-06-09", [child("C-NO", "Fay", "no_plan_cin")]))

    main_window.nav.setCurrentRow(1)
    assert main_window.current_page() == "caseload"
    page = main_window.caseload_page
    view = page.view
    assert _column(view, CASE_REF) == ["C-24", "C-18", "C-NEW"]  # longest plans first; Fay is not on a plan
    assert _column(view, MONTHS) == ["25", "18", "0"]
    assert _column(view, FLAGS) == ["On plan 24+ months; Review overdue", "On plan 18+ months", ""]
    assert _column(view, PLAN_START) == ["20/05/2025", "21/12/2025", "08/06/2027"]
    assert _column(view, NEXT_REVIEW) == ["03/05/2027", "01/12/2027", "08/09/2027"]
    assert _column(view, CATEGORY)[0] == "Physical abuse"
    assert "3 children on a child protection plan, 1 with a review overdue, 2 on a plan 15 months" in (
        page.summary_label.text()
    )

    view.sortByColumn(PLAN_START, Qt.SortOrder.AscendingOrder)
    assert _column(view, CASE_REF) == ["C-24", "C-18", "C-NEW"]
    view.sortByColumn(NEXT_REVIEW, Qt.SortOrder.DescendingOrder)
    assert _column(view, CASE_REF) == ["C-18", "C-NEW", "C-24"]

    view.setFocus()
    view.selectRow(2)  # C-24 after the last sort
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert main_window.current_page() == "conference"
    assert main_window.conference_view.conference_id == long_id
