"""The coordinator's workspace: the dashboard, merging from the shared folder, and conflicts to resolve.

Why one page with tabs: the coordinator's month is "merge, look, resolve, report", and each step changes
what the others show. After a merge the dashboard and the conflict list refresh themselves, and resolving a
conflict refreshes the dashboard, so no figure on screen is ever older than the database. These are the only
times the dashboard reads the merged records again (``reload``); changing the period or chair reuses them.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from cpchair.gui.coordinator.chairs_view import ChairsView
from cpchair.gui.coordinator.comparators_view import ComparatorsView
from cpchair.gui.coordinator.conflicts_view import ConflictsView
from cpchair.gui.coordinator.dashboard_view import DashboardView
from cpchair.gui.coordinator.merge_panel import MergePanel


class CoordinatorWorkspace(QWidget):
    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None, store=None) -> None:
        """``db`` is this installation's database (settings); ``store`` the merged store, if not ``db``."""
        super().__init__(parent)
        self.db = db
        self.store = store if store is not None else db
        self.dashboard = DashboardView(self.store, today=today, local=db)
        self.merge_panel = MergePanel(db, store=self.store)
        self.conflicts = ConflictsView(self.store)
        self.comparators = ComparatorsView(db)  # imported tables and the choice are this installation's
        self.chairs = ChairsView(db, store=self.store)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, "&Dashboard")
        self.tabs.addTab(self.merge_panel, "&Merge exports")
        self.tabs.addTab(self.conflicts, "C&onflicts")
        self.tabs.addTab(self.comparators, "Comparators (neigh&bours)")
        self.tabs.addTab(self.chairs, "Chairs and ke&ys")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.merge_panel.merged.connect(self._after_merge)
        self.conflicts.resolved.connect(lambda _pk: self.dashboard.reload())
        self.conflicts.count_changed.connect(self._conflict_count)
        self.comparators.changed.connect(self.dashboard.reload)
        self._conflict_count(self.conflicts.table.rowCount())

    def _after_merge(self, _summary: dict) -> None:
        self.chairs.refresh()  # "last file merged"
        self.conflicts.refresh()
        self.dashboard.reload()

    def _conflict_count(self, n: int) -> None:
        index = self.tabs.indexOf(self.conflicts)
        self.tabs.setTabText(index, f"C&onflicts ({n})" if n else "C&onflicts")

    def show_tab(self, name: str) -> None:
        """``dashboard``, ``merge``, ``conflicts``, ``comparators`` or ``chairs``."""
        widget = {
            "dashboard": self.dashboard,
            "merge": self.merge_panel,
            "conflicts": self.conflicts,
            "comparators": self.comparators,
            "chairs": self.chairs,
        }[name]
        self.tabs.setCurrentWidget(widget)
