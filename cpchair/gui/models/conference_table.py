"""The conference list's table model: rows arrive a page at a time, sorting is asked of the database.

Why paged: a chair of ten years has thousands of conferences and the list is the first thing the window
shows; holding only what has been scrolled to keeps start-up independent of the archive's size. The
model never queries: its page asks for rows through ``fetch_page(offset, limit)``, a callable the page
supplies, and is told the total in ``reset``. ``sort`` does not reorder rows here; it emits
``sort_requested`` so the page re-queries with ``ORDER BY`` and resets the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.services.conferences import COMPLETE, ConferenceSummary

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1

FetchPage = Callable[[int, int], list[ConferenceSummary]]
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str


COLUMNS = (
    Column("Type", "conference_type"),
    Column("Date", "conference_date"),
    Column("Family reference", "family_ref"),
    Column("Family name", "family_name"),
    Column("Status", "status"),
    Column("Next review", "next_review_due"),
)
TYPE, DATE, FAMILY_REF, FAMILY_NAME, STATUS, REVIEW = range(len(COLUMNS))


def status_text(status: str) -> str:
    return "Complete" if status == COMPLETE else "Draft"


def review_text(due: date | None, today: date) -> str:
    """Days to the next review as words: "in 12 days", "due today", "overdue by 3 days"."""
    if due is None:
        return ""
    days = (due - today).days
    if days == 0:
        return "due today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"overdue by {-days} {unit}"


class ConferenceTableModel(QAbstractTableModel):
    sort_requested = Signal(str, bool)  # sort key, descending

    def __init__(self, parent=None, *, today: date | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self._rows: list[ConferenceSummary] = []
        self._total = 0
        self._fetch: FetchPage | None = None
        self._page_size = page_size
        self.today = today or date.today()
        self._types = load().codes["conference_type"]
        self._latest: dict[str, date] = {}

    def note_latest(self, latest: dict[str, date]) -> None:
        """Each family's latest complete conference date: only that conference's review date is still due."""
        self._latest.update(latest)

    def review_due(self, s: ConferenceSummary) -> date | None:
        """The review date to show: complete conferences only, and not once a later conference replaced it."""
        if s.status != COMPLETE or s.next_review_due is None:
            return None
        latest = self._latest.get(s.family_ref)
        if s.family_ref and latest is not None and s.conference_date is not None and latest > s.conference_date:
            return None
        return s.next_review_due

    def superseded(self, s: ConferenceSummary) -> bool:
        latest = self._latest.get(s.family_ref)
        return bool(s.family_ref and latest and s.conference_date and latest > s.conference_date)

    # --- feeding -------------------------------------------------------------------------------------
    def reset(self, total: int, fetch_page: FetchPage) -> None:
        """Start again with ``total`` rows available from ``fetch_page``; loads the first page only."""
        self.beginResetModel()
        self._rows = []
        self._latest = {}
        self._total = total
        self._fetch = fetch_page
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    @property
    def total(self) -> int:
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._fetch is not None and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page = self._fetch(len(self._rows), self._page_size)
        if not page:  # rows vanished since the count: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def summary(self, row: int) -> ConferenceSummary:
        return self._rows[row]

    def row_of(self, conference_id: str) -> int | None:
        for i, s in enumerate(self._rows):
            if s.id == conference_id:
                return i
        return None

    # --- Qt model interface --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(s, col)
        if role == ID_ROLE:
            return s.id
        if role == Qt.ItemDataRole.ToolTipRole and col == REVIEW:
            if self.superseded(s):
                return "A later conference for this family has been held."
            due = self.review_due(s)
            return f"Next review due {dates.format_long(due)}" if due else None
        if role == Qt.ItemDataRole.ToolTipRole and col == TYPE and s.conference_type:
            return self._types.get(s.conference_type, s.conference_type)
        return None

    def _text(self, s: ConferenceSummary, col: int) -> str:
        if col == TYPE:
            return self._types.get(s.conference_type, s.conference_type) if s.conference_type else "(type not set)"
        if col == DATE:
            return dates.format_uk(s.conference_date) if s.conference_date else "(no date)"
        if col == FAMILY_REF:
            return s.family_ref
        if col == FAMILY_NAME:
            return s.family_name
        if col == STATUS:
            return status_text(s.status)
        if self.superseded(s):
            return "later conference held"
        if s.status == COMPLETE and s.next_review_due is None:
            return "none due (no plan)"
        return review_text(self.review_due(s), self.today)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(COLUMNS[column].sort_key, order == Qt.SortOrder.DescendingOrder)
