"""GUI: the minutes editor and preview for one conference. (Interface placeholder: its owner replaces it.)"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class MinutesPage(QWidget):
    saved = Signal(str)

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.conference_id: str | None = None
        QVBoxLayout(self).addWidget(QLabel("The minutes editor is being built."))

    def load(self, conference_id: str) -> None:
        self.conference_id = conference_id

    def flush(self) -> None:
        """Save anything pending."""
