"""GUI: the questionnaire editor for one conference. (Interface placeholder: its owner replaces it.)"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ConferenceEditor(QWidget):
    """Edits one conference's questionnaire. ``load(id)`` shows it; saves go through services.conferences."""

    saved = Signal(str)  # conference id, after every (auto)save
    completed = Signal(str)  # conference id, after it was marked complete
    status_changed = Signal(str)  # a short sentence for the status bar

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.conference_id: str | None = None
        QVBoxLayout(self).addWidget(QLabel("The questionnaire editor is being built."))

    def load(self, conference_id: str) -> None:
        self.conference_id = conference_id

    def save(self) -> None:
        """Save now (Ctrl+S); autosave calls this too."""

    def flush(self) -> None:
        """Save anything pending (before closing or switching conference)."""
