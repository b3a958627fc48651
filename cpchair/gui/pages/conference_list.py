"""The conference list: search, sort by any column (in SQL), open with Enter or a double-click.

The page asks ``services.conferences`` for a count and for pages of summaries, one short session each, and
hands them to the model; with 20,000 conferences only the first page is read at start-up.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cpchair.gui.models.conference_table import DATE, ConferenceTableModel
from cpchair.gui.tables import fit_columns, row_table
from cpchair.services import conferences as svc
from cpchair.services.caseload import latest_conference_dates

SEARCH_DELAY_MS = 250


class ConferenceListPage(QWidget):
    open_requested = Signal(str)  # conference id

    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today
        self._sort = "conference_date"
        self._descending = True
        self._search = ""

        title = QLabel("<h2>Conferences</h2>")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Family reference or family name")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search conferences")
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search_edit)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of conferences")

        self.model = ConferenceTableModel(self, today=today)
        self.view = row_table(self.model, "Conference list", (230, 100, 150, 180, 90, 150))
        header = self.view.horizontalHeader()
        header.setSortIndicator(DATE, Qt.SortOrder.DescendingOrder)
        self.view.setSortingEnabled(True)  # after the indicator: this asks the model to sort once

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        bar = QHBoxLayout()
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.search_edit, self.view)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._search_and_go_to_results)
        self.search_edit.installEventFilter(self)
        self.model.sort_requested.connect(self._on_sort)
        self.view.activated.connect(self._open_index)
        self.refresh()

    # --- data ----------------------------------------------------------------------------------------
    def _fetch_page(self, offset: int, limit: int) -> list[svc.ConferenceSummary]:
        with self.db.session() as s:
            rows = svc.list_summaries(
                s, self._search or None, sort=self._sort, descending=self._descending, offset=offset, limit=limit
            )
            days = [r.conference_date for r in rows if r.conference_date and r.family_ref]
            if days:  # only a later conference can replace one on this page
                self.model.note_latest(latest_conference_dates(s, {r.family_ref for r in rows}, after=min(days)))
        return rows

    def refresh(self) -> None:
        """Re-read from the database (after a save, a delete, a search or a sort), keeping the selection."""
        keep = self.current_id()
        self.model.today = self._today or date.today()  # a window left open overnight moves on
        with self.db.session() as s:
            total = svc.count(s, self._search or None)
        self.model.reset(total, self._fetch_page)
        fit_columns(self.view)
        self._show_count(total)
        if keep:
            self.select(keep)

    def _show_count(self, total: int) -> None:
        noun = "conference" if total == 1 else "conferences"
        if self._search:
            self.count_label.setText(f"{total:,} {noun} match")
        else:
            self.count_label.setText(f"{total:,} {noun}")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        """Down in the search box goes to the results, as Enter does."""
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            self._search_and_go_to_results()
            return True
        return super().eventFilter(watched, event)

    def _search_and_go_to_results(self) -> None:
        self._apply_search()
        self.view.setFocus(Qt.FocusReason.TabFocusReason)
        if self.current_id() is None and self.model.rowCount() > 0:
            self.view.selectRow(0)

    def _on_sort(self, key: str, descending: bool) -> None:
        self._sort, self._descending = key, descending
        self.refresh()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search_edit.text().strip()
        if text != self._search:
            self._search = text
            self.refresh()

    # --- selection -----------------------------------------------------------------------------------
    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.summary(index.row()).id

    def select(self, conference_id: str) -> bool:
        """Select a loaded row; False when it is not among the rows read so far."""
        row = self.model.row_of(conference_id)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.summary(index.row()).id)
