"""Conflicts from the merge, for the coordinator to resolve: keep the stored version or take the incoming one.

A conflict is two different records under the same conference id and revision (spec §6.1): usually a chair
restored an old backup and edited it again. The statistics keep counting the stored version until a person
decides, so the list shows what a person needs to decide: the conference, its revision, the chair whose file
brought the other version, and which answers differ.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpchair.errors import CpchairError
from cpchair.services import merge

PK_ROLE = Qt.ItemDataRole.UserRole + 1
IGNORED = frozenset({"updated_at", "created_at"})


def differing_fields(stored: dict[str, Any] | None, incoming: dict[str, Any]) -> list[str]:
    """The answers that differ between the two versions, as dotted keys (``quality.plan_smart``, ``children``).

    Why only top-level keys and the quality answers: lists (children, adults, agencies) differ as a whole and
    the coordinator opens neither version in full; naming the list is enough to tell a real change from noise.
    """
    if stored is None:
        return ["(the stored version has since been deleted)"]
    out: list[str] = []
    for key in sorted(set(stored) | set(incoming)):
        if key in IGNORED or stored.get(key) == incoming.get(key):
            continue
        a, b = stored.get(key), incoming.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        else:
            out.append(key)
    return out or ["only the save times"]


class ConflictsView(QWidget):
    """The open conflicts, with Keep stored / Take incoming for the selected one."""

    resolved = Signal(int)  # the conflict's pk, after it was settled
    count_changed = Signal(int)

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Conflicts to resolve")
        self.table.setHorizontalHeaderLabels(["Conference", "Revision", "Chair", "Answers that differ", "From file"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.keep_button = QPushButton("&Keep stored")
        self.keep_button.setToolTip("Keep the version the statistics already count; set the incoming one aside.")
        self.take_button = QPushButton("&Take incoming")
        self.take_button.setToolTip("Count the incoming version instead of the stored one.")
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.keep_button.clicked.connect(lambda: self.resolve_selected(merge.KEEP_STORED))
        self.take_button.clicked.connect(lambda: self.resolve_selected(merge.TAKE_INCOMING))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        with self.db.session() as s:
            conflicts = merge.list_conflicts(s)
        self.table.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            fields = ", ".join(differing_fields(c.stored, c.incoming))
            cells = (c.conference_id, str(c.revision), c.chair_name, fields, c.source_path.rsplit("/", 1)[-1])
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PK_ROLE, c.pk)
                item.setToolTip(c.source_path if col == 4 else text)
                self.table.setItem(row, col, item)
        if conflicts:
            self.intro.setText(
                f"{len(conflicts)} conference(s) arrived in two different versions with the same revision. The "
                "statistics count the stored version until you choose. Select a row, then keep the stored version "
                "or take the incoming one."
            )
            if self.table.currentRow() < 0:
                self.table.selectRow(0)
        else:
            self.intro.setText("No conflicts: every merged conference has one version.")
        self._update_buttons()
        self.count_changed.emit(len(conflicts))

    def _update_buttons(self) -> None:
        selected = bool(self.table.selectedItems())
        self.keep_button.setEnabled(selected)
        self.take_button.setEnabled(selected)

    def selected_pk(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(PK_ROLE) if items else None

    def resolve_selected(self, choice: str) -> None:
        pk = self.selected_pk()
        if pk is None:
            return
        try:
            with self.db.session() as s:
                merge.resolve_conflict(s, pk, choice)
        except CpchairError as exc:
            self.message.setText(str(exc))
            self.refresh()
            return
        done = "Kept the stored version." if choice == merge.KEEP_STORED else "Took the incoming version."
        self.message.setText(done)
        self.refresh()
        self.resolved.emit(pk)
