"""The caseload table: a list of ``CaseloadEntry`` rows; sorting is by a proxy on ``SORT_ROLE``.

The caseload is a few dozen children at most, so the whole list is held and sorted in memory; dates and
month counts sort by value (``SORT_ROLE``), not by their dd/mm/yyyy text. Flags are words in their own
column, so nothing is told by colour alone.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from cpchair.domain import dates
from cpchair.services.caseload import CaseloadEntry

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Child", "Case reference", "Family", "Category", "Plan start", "Months on plan", "Next review due", "Flags")
CHILD, CASE_REF, FAMILY, CATEGORY, PLAN_START, MONTHS, NEXT_REVIEW, FLAGS = range(len(COLUMNS))


class CaseloadTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadEntry] = []

    def set_rows(self, rows: list[CaseloadEntry]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> CaseloadEntry:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(e, col)
        if role == SORT_ROLE:
            return self._sort_value(e, col)
        if role == ID_ROLE:
            return e.conference_id
        if role == Qt.ItemDataRole.FontRole and col == FLAGS and e.flags:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == NEXT_REVIEW and e.next_review_due:
            local = e.next_review_local_due
            tip = f"Set at the conference on {dates.format_long(e.conference_date)}"
            if local and local != e.next_review_due:
                tip += f"; the service's local target is {dates.format_long(local)}"
            return tip
        return None

    @staticmethod
    def _text(e: CaseloadEntry, col: int) -> str:
        if col == CHILD:
            return e.child_name or "(no name)"
        if col == CASE_REF:
            return e.case_ref
        if col == FAMILY:
            return " – ".join(p for p in (e.family_ref, e.family_name) if p)
        if col == CATEGORY:
            return e.category_label
        if col == PLAN_START:
            return e.plan_start_text
        if col == MONTHS:
            return "" if e.months_on_plan is None else str(e.months_on_plan)
        if col == NEXT_REVIEW:
            return dates.format_uk(e.next_review_due)
        return e.flag_text

    @staticmethod
    def _sort_value(e: CaseloadEntry, col: int):
        if col == PLAN_START:
            return (e.plan_start or date.max).toordinal()
        if col == MONTHS:
            return -1 if e.months_on_plan is None else e.months_on_plan
        if col == NEXT_REVIEW:
            return (e.next_review_due or date.max).toordinal()
        if col == FLAGS:
            # overdue first, then the longest plans
            late = 2 if e.review_overdue else 1 if "past_local_target" in e.flags else 0
            return late * 100 + (max((int(f) for f in e.flags if f.isdigit()), default=0))
        return CaseloadTableModel._text(e, col).casefold()
