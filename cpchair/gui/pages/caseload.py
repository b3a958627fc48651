"""The caseload page: children on a plan now, with plan-length and overdue-review flags as words."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cpchair.domain import dates
from cpchair.gui.models.caseload_table import ID_ROLE, MONTHS, SORT_ROLE, CaseloadTableModel
from cpchair.gui.tables import fit_columns, row_table
from cpchair.services import caseload as svc

#: How far back the page lists plans that ended without a conference (those children left the caseload).
ENDED_SHOWN_DAYS = 90


class CaseloadPage(QWidget):
    open_requested = Signal(str)  # the conference that set the child's plan

    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.model = CaseloadTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = row_table(self.proxy, "Caseload: children on a plan", (140, 120, 200, 130, 95, 115, 125))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(MONTHS, Qt.SortOrder.DescendingOrder)
        self.view.activated.connect(self._open_index)

        heading = QHBoxLayout()
        heading.addWidget(QLabel("<h2>Caseload</h2>"))
        heading.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.view, 1)

    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        today = self.today()
        with self.db.session() as s:
            entries = svc.caseload(s, today)
            ended = svc.ended_without_conference(s, today, since=today - timedelta(days=ENDED_SHOWN_DAYS))
        self.model.set_rows(entries)
        overdue = sum(e.review_overdue for e in entries)
        long_plans = sum(1 for e in entries if any(f.isdigit() for f in e.flags))
        noun = "child" if len(entries) == 1 else "children"
        parts = [f"{len(entries)} {noun} on a child protection plan"]
        if overdue:
            parts.append(f"{overdue} with a review overdue")
        if long_plans:
            parts.append(f"{long_plans} on a plan 15 months or more")
        local = sum("past_local_target" in e.flags for e in entries)
        if local:
            parts.append(f"{local} past the local review target")
        text = ", ".join(parts) + ". Open a row to see the conference that set the plan."
        if ended:
            listed = "; ".join(
                f"{e.child_name or e.case_ref} ({e.reason_label.lower()}, {dates.format_uk(e.ended_on)})"
                for e in ended[:5]
            )
            more = f" and {len(ended) - 5} more" if len(ended) > 5 else ""
            text += f"\nPlans ended without a conference in the last {ENDED_SHOWN_DAYS} days: {listed}{more}."
        self.summary_label.setText(text)
        if not entries:
            self.summary_label.setText(
                "No child is on a plan from your completed conferences. Children appear here when a completed "
                "conference starts or continues a plan."
            )
        fit_columns(self.view)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.proxy.data(index, ID_ROLE))
