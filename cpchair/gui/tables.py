"""The read-only, row-selecting table both lists use (conferences and caseload), set up in one place so
they behave alike for the keyboard and for screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

FIT_ROWS = 200  # rows read when fitting columns to their text (the list pages in 200 at a time anyway)


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
    last = columns - 1
    used = sum(view.columnWidth(c) for c in range(last))
    view.setColumnWidth(last, max(view.columnWidth(last), view.viewport().width() - used))
