"""The settings dialog, generated from ``cpchair.settings.SETTINGS`` (the visible ones), grouped.

Why generated: a setting added to the declaration appears here with its label, mnemonic and help, and
can never be forgotten. Values are checked by ``settings.put``; every problem is shown beside its field
and nothing is saved until all are right (one transaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cpchair import settings
from cpchair.gui import theme
from cpchair.interchange.text import name_problem
from cpchair.services import conferences
from cpchair.settings import SettingSpec


def _plain(label: str) -> str:
    return label.replace("&", "")


class SettingsDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Settings")
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        with db.session() as s:
            role = settings.get(s, "role")
            # A chair has no merged store to place: the coordinator's settings are shown to coordinators only.
            self.specs = [
                spec
                for spec in settings.SETTINGS
                if spec.visible and (spec.group != "Coordinator" or role == "coordinator")
            ]
            values = {spec.key: settings.get(s, spec.key) for spec in self.specs}

        layout = QVBoxLayout(self)
        groups: dict[str, QFormLayout] = {}
        for spec in self.specs:
            if spec.group not in groups:
                box = QGroupBox(spec.group)
                groups[spec.group] = QFormLayout(box)
                layout.addWidget(box)
            form = groups[spec.group]
            editor, row_widget = self._editor_for(spec, values[spec.key])
            label = QLabel(spec.label + ":")
            label.setBuddy(editor)
            editor.setAccessibleName(_plain(spec.label))
            if spec.help:
                editor.setToolTip(spec.help)
                editor.setAccessibleDescription(spec.help)
            error = QLabel()
            theme.set_tone(error, "error")
            error.setWordWrap(True)
            error.hide()
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(row_widget)
            if spec.help:
                hint = QLabel(spec.help)
                hint.setWordWrap(True)
                theme.set_tone(hint, "help")
                column.addWidget(hint)
            column.addWidget(error)
            form.addRow(label, column)
            self.editors[spec.key] = editor
            self.errors[spec.key] = error

        if "Sync" in groups:
            self._add_key_row(groups["Sync"])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _add_key_row(self, form: QFormLayout) -> None:
        """The service's pseudonymisation key belongs with the sync settings, but it is never a text field:
        it is imported from the coordinator's key file and shown only as its fingerprint."""
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.key_label.setAccessibleName("Pseudonymisation key fingerprint")
        self.key_button = QPushButton("&Import key file…")
        self.key_button.setAutoDefault(False)
        self.key_button.clicked.connect(self._import_key)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.key_label, 1)
        h.addWidget(self.key_button)
        label = QLabel("Pseudonymisation key:")
        label.setBuddy(self.key_button)
        form.addRow(label, row)
        self._show_key()

    def _show_key(self) -> None:
        from cpchair.gui.sync.key_dialog import current_fingerprint

        fp, demo = current_fingerprint()
        if fp is None:
            self.key_label.setText("Not set: import the key file your coordinator gave you.")
        else:
            self.key_label.setText(f"Fingerprint {fp}" + (" (the demo key: not for real data)" if demo else ""))

    def _import_key(self) -> None:
        from cpchair.gui.sync.key_dialog import KeyImportDialog

        KeyImportDialog.run(self.db, self)
        self._show_key()

    def _editor_for(self, spec: SettingSpec, value: Any) -> tuple[QWidget, QWidget]:
        if spec.type is int:
            spin = QSpinBox()
            spin.setRange(0, 99)
            spin.setValue(int(value))
            return spin, spin
        edit = QLineEdit(str(value or ""))
        if spec.key.endswith("_path") or spec.key.endswith("_folder"):
            browse = QToolButton()
            browse.setText("…")
            browse.setAccessibleName(f"Choose {_plain(spec.label).lower()}")
            browse.setToolTip(f"Choose {_plain(spec.label).lower()}")
            folder = spec.key.endswith("_folder")
            browse.clicked.connect(lambda: self._browse(edit, folder))
            row = QWidget()
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(edit, 1)
            h.addWidget(browse)
            return edit, row
        return edit, edit

    def _browse(self, edit: QLineEdit, folder: bool) -> None:
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, "Choose a folder", edit.text())
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Choose an image", edit.text(), "Images (*.png *.jpg *.jpeg)")
        if chosen:
            edit.setText(chosen)

    def value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QSpinBox):
            return editor.value()
        return editor.text().strip()

    def _check(self, spec: SettingSpec, value: Any) -> str | None:
        """Checks beyond ``settings.put`` (which checks types and ranges): required text, files, folders."""
        if spec.key in ("chair_name", "service_name") and not value:
            return f"{_plain(spec.label)} cannot be empty: it is printed on minutes."
        if spec.key == "chair_name" and (problem := name_problem(value, "Your name")) is not None:
            return f"{problem}: the coordinator's merge would refuse your exports. Type it again."
        if spec.key == "logo_path" and value and not Path(value).is_file():
            return "There is no image at that path. Choose the logo file again, or leave this empty."
        if spec.key == "logo_path" and value and Path(value).suffix.lower() not in (".png", ".jpg", ".jpeg"):
            return "The logo must be a PNG or JPEG image."
        if spec.key == "shared_folder" and value and not Path(value).is_dir():
            return "That folder cannot be found. Check the share is connected, or choose it again."
        return None

    def save(self) -> bool:
        """Validate and store every value; on any problem show it beside its field and keep the dialog open."""
        problems: dict[str, str] = {}
        with self.db.session() as s:
            interval_before = settings.get(s, "review_interval_months")
            for spec in self.specs:
                value = self.value(spec.key)
                problem = self._check(spec, value)
                if problem is None:
                    try:
                        settings.put(s, spec.key, value)
                    except ValueError as exc:
                        problem = str(exc)
                if problem:
                    problems[spec.key] = problem
            if problems:
                s.rollback()
            else:
                if settings.get(s, "review_interval_months") != interval_before:
                    conferences.recompute_review_targets(s)  # the open due dates follow the new target
                s.commit()
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        if problems:
            self.editors[next(iter(problems))].setFocus()
            return False
        self.accept()
        return True
