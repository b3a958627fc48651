"""The read-only, row-selecting table both lists use (conferences and caseload), set up in one place so
they behave alike for the keyboard and for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

FIT_ROWS = 200  # rows read when fitting columns to their text (the list pages in 200 at a time anyway)
LAST_NEEDED = "last_column_needs"  # dynamic property: the last column's text width, from fit_columns


def row_table(model: QAbstractItemModel, accessible_name: str, widths: Sequence[int]) -> QTableView:
    """A table of whole rows: one row selected at a time, nothing editable in place, the last column stretched,
    ``widths`` for the others until ``fit_columns`` measures the text (people resize them).

    Tab and Shift+Tab leave the table (arrows move inside it), as everywhere else in the window."""
    view = QTableView()
    view.setTabKeyNavigation(False)
    view.setModel(model)
    view.setAccessibleName(accessible_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for col, width in enumerate(widths[: max(model.columnCount() - 1, 0)]):
        view.setColumnWidth(col, width)
    view.viewport().installEventFilter(_Refit(view))
    return view


def fit_columns(view: QTableView) -> None:
    """Make every column as wide as its header and its text, in the font in force, so nothing is clipped
    when the text is large (200 % zoom, a large system font). The last column fills what is left; when the
    columns need more than the window has, the table scrolls sideways instead of cutting words off."""
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(FIT_ROWS)
    columns = view.model().columnCount()
    if columns == 0:
        return
    header.setStretchLastSection(False)
    view.resizeColumnsToContents()
    view.setProperty(LAST_NEEDED, view.columnWidth(columns - 1))
    stretch_if_room(view)


def stretch_if_room(view: QTableView) -> None:
    """The last column reaches the table's edge when its text fits there; otherwise it keeps its text's
    width and the table scrolls sideways. Run again whenever the table changes width."""
    needed = view.property(LAST_NEEDED)
    columns = view.model().columnCount()
    if needed is None or columns == 0:
        return
    last = columns - 1
    used = sum(view.columnWidth(c) for c in range(last))
    room = used + needed <= view.viewport().width()
    header = view.horizontalHeader()
    if header.stretchLastSection() != room:
        header.setStretchLastSection(room)
    if not room:
        view.setColumnWidth(last, needed)


class _Refit(QObject):
    """Re-checks the last column when the table's viewport changes width (window resized, scroll bar)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            stretch_if_room(self.view)
        return False
