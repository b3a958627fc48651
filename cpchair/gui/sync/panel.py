"""GUI: the sync panel (Sync now, last export, quiet retries). (Interface placeholder: its owner replaces it.)"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


class SyncPanel(QWidget):
    """Sits in the main window's status bar. ``request_export()`` is the Sync action; the main window
    calls ``conference_changed(id)`` after a conference is completed or a completed one changes."""

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        QHBoxLayout(self).addWidget(QLabel("Not synced"))

    def request_export(self) -> None:
        pass

    def conference_changed(self, conference_id: str) -> None:
        pass
