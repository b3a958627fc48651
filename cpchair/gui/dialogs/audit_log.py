"""The audit log, read-only: whether its chain is intact, and every entry, newest first.

The window only shows what ``services.audit`` returns (a verdict and a list of entries); nothing here can
change the log. A broken chain is said in words at the top (never by colour alone), naming the first
broken entry as ``cpchair audit verify`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from cpchair.gui import theme
from cpchair.gui.tables import row_table
from cpchair.services import audit

COLUMNS = ("No.", "When (UTC)", "Who", "What", "Conference", "Details")
WIDTHS = (60, 150, 150, 230, 100)


class RowsModel(QAbstractTableModel):
    """A read-only table of plain rows (tuples of text), fed a list: widgets never query."""

    def __init__(self, headers: Sequence[str], rows: list[tuple[str, ...]], parent=None) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.rows = rows

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        return len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def entry_row(e: audit.Entry) -> tuple[str, ...]:
    when = e.at.replace("T", " ").rstrip("Z")
    return (
        str(e.seq),
        when,
        e.actor,
        audit.ACTION_LABELS.get(e.action, e.action),
        (e.conference_id or "")[:8],
        e.describe(),
    )


class AuditLogDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self.resize(980, 560)
        with db.session() as s:
            self.verdict = audit.verify(s)
            entries = audit.entries(s, newest_first=True)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Who created, changed, completed, deleted, printed, exported, merged or removed what, and when. "
            "It never holds what was written. Each entry is linked to the one before by a hash, so a change "
            "to the log is found."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.status = QLabel(self._status_text())
        self.status.setObjectName("audit_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not self.verdict.ok:
            theme.set_tone(self.status, "error")
            self.status.setStyleSheet("font-weight: bold")
        layout.addWidget(self.status)
        self.model = RowsModel(COLUMNS, [entry_row(e) for e in entries], self)
        self.table = row_table(self.model, "Audit log entries, newest first", WIDTHS)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.setFocus()

    def _status_text(self) -> str:
        if self.verdict.ok:
            return f"Checked: intact. {self.verdict.entries} entries, each linked to the one before."
        return (
            f"Warning: {self.verdict.message()} The log may have been tampered with; tell your coordinator "
            "or IT, and keep this computer as it is."
        )
