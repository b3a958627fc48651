"""GUI: the coordinator's workspace (merge, dashboard, conflicts). (Interface placeholder: its owner replaces it.)"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class CoordinatorWorkspace(QWidget):
    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        QVBoxLayout(self).addWidget(QLabel("The coordinator's workspace is being built."))
