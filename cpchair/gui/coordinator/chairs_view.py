"""The coordinator's Chairs view: every chair's enrolled key, enrolling a new one from its file, revoking.

Why here, beside Merge: a file from a chair whose key is not enrolled is refused by the merge, so enrolling
is part of the coordinator's month. Enrolling shows the chair's name and the fingerprint grouped for reading
aloud, and trusts the key only when the coordinator confirms the chair read exactly that (``fingerprint``).
Revoking asks first and stops files the key signs from now on; earlier files still merge.
The table is fed a list from ``services.enrolment``; nothing here builds a query.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpchair.domain import dates
from cpchair.errors import CpchairError
from cpchair.gui import prompts, theme
from cpchair.gui.sync import fingerprint
from cpchair.services import enrolment, keys

COLUMNS = ("Chair", "Fingerprint", "Enrolled", "Revoked", "Last file merged")


def choose_key_file(parent: QWidget | None) -> str | None:
    """Ask for a chair's public key file (one wrapper, so tests replace it instead of a native dialog)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Enrol a chair's key file", "", "Key files (*.json);;All files (*)")
    return path or None


def _when(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        return dates.format_uk(dates.parse_iso(stamp[:10])) + " " + stamp[11:16]
    except (ValueError, TypeError):
        return stamp


class ChairsView(QWidget):
    changed = Signal()  # a key was enrolled or revoked

    def __init__(self, db, parent: QWidget | None = None, *, store=None) -> None:
        """``db``: this installation's database (its own key); ``store``: the merged store, where enrolled
        keys live beside the records they let in (``db`` unless a shared store is chosen)."""
        super().__init__(parent)
        self.db = db
        self.store = store if store is not None else db
        self.rows: list[enrolment.ChairRow] = []
        self.own = QLabel()
        self.own.setWordWrap(True)
        self.own.setAccessibleName("Your fingerprint")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Enrolled chairs' keys")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.enrol_button = QPushButton("&Enrol from file…")
        self.revoke_button = QPushButton("Revo&ke key…")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Chairs message")
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.own)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.enrol_button.clicked.connect(self.enrol_from_dialog)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.table.itemSelectionChanged.connect(self._selection)
        self._selection()
        # read when first shown: the coordinator's view opens on the dashboard, and these reads (the
        # installation key among them) were a quarter of the GUI thread's pause while it opened
        self._loaded = False

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._loaded:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self._loaded = True
        with self.store.session() as s:
            self.rows = enrolment.list_chairs(s)
        with self.db.session() as s:
            own = keys.installation_key(s)
            coordinator = keys.is_coordinator(s)
            s.commit()  # the installation key is made at first use
        if coordinator:
            self.own.setText(f"Your fingerprint (read it to each chair when they trust you): {own.fingerprint}")
        else:
            self.own.setText(
                "Your coordinator keys are not set up yet: set them up in Settings, so chairs can encrypt to you. "
                f"Your fingerprint: {own.fingerprint}"
            )
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (
                row.chair_name,
                row.fingerprint,
                _when(row.enrolled_at),
                _when(row.revoked_at) or "—",
                f"{_when(row.last_merged_at)}  {row.last_merged_file}" if row.last_merged_file else "none yet",
            )
            revoked = row.revoked_at is not None
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setToolTip(row.kid)
                if revoked:  # greyed, and said in words too: colour alone must not carry it (WCAG 1.4.1)
                    item.setForeground(theme.colours().read_only_text)
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{value}, revoked" if c == 0 else value)
                    item.setToolTip(f"{row.chair_name}'s key was revoked on {_when(row.revoked_at)}")
                self.table.setItem(r, c, item)
        self._selection()

    def _selection(self) -> None:
        row = self.selected()
        self.revoke_button.setEnabled(row is not None and row.revoked_at is None)

    def selected(self) -> enrolment.ChairRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.rows[indexes[0].row()] if indexes else None

    def enrol_from_dialog(self) -> None:
        path = choose_key_file(self)
        if path:
            self.enrol_file(Path(path))

    def enrol_file(self, path: Path) -> bool:
        """Read ``path``, confirm its fingerprint with the coordinator, enrol it. Says what happened."""
        try:
            key = enrolment.read_key_file(path)
        except CpchairError as exc:
            self.message.setText(str(exc))
            return False
        intro = (
            f"Phone {key.chair_name} and ask them to read the fingerprint shown in their Settings (Your signing "
            "key). Enrol the key only if they read exactly these groups: a file from anyone else would be "
            "trusted as theirs."
        )
        if not fingerprint.confirm_fingerprint(self, f"Enrol {key.chair_name}'s key", intro, key.kid, "&Enrol key"):
            self.message.setText(f"{key.chair_name}'s key was not enrolled.")
            return False
        try:
            with self.db.session() as s:
                own = keys.installation_key(s).kid
            with self.store.session() as s:
                row = enrolment.enrol(s, key, own_kid=own)
                s.commit()
        except CpchairError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Enrolled {row.chair_name}'s key {row.fingerprint}. Their files can now be merged.")
        self.refresh()
        self.changed.emit()
        return True

    def revoke_selected(self) -> bool:
        row = self.selected()
        if row is None or row.revoked_at:
            return False
        question = (
            f"Revoke {row.chair_name}'s key {row.fingerprint}? Files it signs from now on will be refused; files "
            "already written still merge. Do this when a laptop is lost or replaced."
        )
        if not prompts.confirm(self, "Revoke key", question, "Re&voke key"):
            return False
        try:
            with self.store.session() as s:
                done = enrolment.revoke(s, row.kid)
                s.commit()
        except CpchairError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Revoked {done.chair_name}'s key from {_when(done.revoked_at)}.")
        self.refresh()
        self.changed.emit()
        return True
