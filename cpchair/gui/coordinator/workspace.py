"""The coordinator's workspace: the dashboard, merging from the shared folder, and conflicts to resolve.

Why one page with tabs: the coordinator's month is "merge, look, resolve, report", and each step changes
what the others show. After a merge the dashboard and the conflict list refresh themselves, and resolving a
conflict refreshes the dashboard, so no figure on screen is ever older than the database. These are the only
times the dashboard reads the merged records again (``reload``); changing the period or chair reuses them.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from cpchair.gui.coordinator.chairs_view import ChairsView
from cpchair.gui.coordinator.comparators_view import ComparatorsView
from cpchair.gui.coordinator.conflicts_view import ConflictsView
from cpchair.gui.coordinator.dashboard_view import DashboardView
from cpchair.gui.coordinator.merge_panel import MergePanel

#: the tabs after the dashboard, in the order they are made: one per turn of the event loop once the dashboard
#: shows its first figures
PAGES = (
    ("conflicts", "C&onflicts"),
    ("merge", "&Merge exports"),
    ("comparators", "Comparators (neigh&bours)"),
    ("chairs", "Chairs and ke&ys"),
)
ORDER = ("merge", "conflicts", "comparators", "chairs")  # their order on the tab bar


class CoordinatorWorkspace(QWidget):
    """The tabs. Only the dashboard is made with the workspace; each other tab is made at a later turn of the
    event loop once the dashboard shows its first figures (or at once when chosen or asked for), because
    making all five at once, with their reads of the store, held the GUI thread for a third of the pause the
    coordinator saw when the view opened, and making them while the cards were made doubled those turns."""

    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None, store=None) -> None:
        """``db`` is this installation's database (settings); ``store`` the merged store, if not ``db``."""
        super().__init__(parent)
        self.db = db
        self.store = store if store is not None else db
        self.dashboard = DashboardView(self.store, today=today, local=db)
        self._views: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, "&Dashboard")
        labels = dict(PAGES)
        for name in ORDER:
            self.tabs.addTab(QWidget(), labels[name])  # a stand-in until the page is made
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._chosen)
        self._maker = QTimer(self)
        self._maker.setSingleShot(True)
        self._maker.timeout.connect(self._make_next)
        self.dashboard.refreshed.connect(self._first_figures)

    def _first_figures(self) -> None:
        self.dashboard.refreshed.disconnect(self._first_figures)
        self._maker.start()

    # --- the pages, made when first needed ------------------------------------------------------------------
    @property
    def merge_panel(self) -> MergePanel:
        return self._page("merge")

    @property
    def conflicts(self) -> ConflictsView:
        return self._page("conflicts")

    @property
    def comparators(self) -> ComparatorsView:
        return self._page("comparators")

    @property
    def chairs(self) -> ChairsView:
        return self._page("chairs")

    def _make_next(self) -> None:
        waiting = [name for name, _label in PAGES if name not in self._views]
        if waiting:
            self._page(waiting[0])
        if len(waiting) > 1:
            self._maker.start()

    def _chosen(self, index: int) -> None:
        if 0 < index <= len(ORDER):
            self._page(ORDER[index - 1])  # chosen before it was made: made now

    def _page(self, name: str):
        view = self._views.get(name)
        if view is not None:
            return view
        if name == "merge":
            view = MergePanel(self.db, store=self.store)
            view.merged.connect(self._after_merge)
        elif name == "conflicts":
            view = ConflictsView(self.store)
            view.resolved.connect(lambda _pk: self.dashboard.reload())
            view.count_changed.connect(self._conflict_count)
        elif name == "comparators":
            view = ComparatorsView(self.db)  # imported tables and the choice are this installation's
            view.changed.connect(self.dashboard.reload)
        else:
            view = ChairsView(self.db, store=self.store)
        self._views[name] = view
        index = 1 + ORDER.index(name)
        current, stand_in, text = self.tabs.currentIndex(), self.tabs.widget(index), self.tabs.tabText(index)
        self.tabs.blockSignals(True)  # the coordinator stays on the tab they are on
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, view, text)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        stand_in.deleteLater()
        if name == "conflicts":
            self._conflict_count(view.table.rowCount())
        return view

    def _after_merge(self, _summary: dict) -> None:
        self.chairs.refresh()  # "last file merged"
        self.conflicts.refresh()
        self.dashboard.reload()

    def _conflict_count(self, n: int) -> None:
        index = self.tabs.indexOf(self.conflicts)
        self.tabs.setTabText(index, f"C&onflicts ({n})" if n else "C&onflicts")

    def show_tab(self, name: str) -> None:
        """``dashboard``, ``merge``, ``conflicts``, ``comparators`` or ``chairs``."""
        self.tabs.setCurrentWidget(self.dashboard if name == "dashboard" else self._page(name))
