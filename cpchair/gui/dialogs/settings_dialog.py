"""The settings dialog, generated from ``cpchair.settings.SETTINGS`` (the visible ones), grouped.

Why generated: a setting added to the declaration appears here with its label, mnemonic and help, and
can never be forgotten. Values are checked by ``settings.put``; every problem is shown beside its field
and nothing is saved until all are right (one transaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
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
from cpchair.domain import dates
from cpchair.errors import CpchairError
from cpchair.gui import theme
from cpchair.interchange import crypto
from cpchair.interchange.text import name_problem
from cpchair.services import conferences
from cpchair.settings import SettingSpec


def _plain(label: str) -> str:
    return label.replace("&", "")


def choose_save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    """Ask where to save a file (one wrapper, so tests replace it instead of a native dialog)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


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
            self._add_trust_rows(groups["Sync"])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        # wrapped labels need their height for the final width: grow the dialog to fit them, never clip
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)

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

    # --- interchange-v2 keys: this installation's fingerprint, the trusted coordinator -------------------

    def _add_trust_rows(self, form: QFormLayout) -> None:
        """Your signing key (fingerprint, export of the public key file) and the coordinator: trusted after
        its fingerprint is confirmed, or, on the coordinator's own installation, its keys set up once."""
        from cpchair.gui.sync.fingerprint import fingerprint_label

        self.own_key_label = fingerprint_label("", "Your signing key fingerprint")
        self.own_key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.own_key_label.setAccessibleName("Your signing key fingerprint")
        self.export_key_button = QPushButton("E&xport public key file…")
        self.export_key_button.setAutoDefault(False)
        self.export_key_button.clicked.connect(self._export_public_key)
        form.addRow(
            self._buddy("Your signing key:", self.export_key_button),
            self._row(self.own_key_label, self.export_key_button),
        )

        self.coordinator_label = QLabel()
        self.coordinator_label.setWordWrap(True)
        self.coordinator_label.setAccessibleName("Coordinator")
        self.trust_button = QPushButton("T&rust coordinator…")
        self.trust_button.setAutoDefault(False)
        self.trust_button.clicked.connect(self._trust_coordinator)
        self.setup_button = QPushButton("Set up coordinator &keys…")
        self.setup_button.setAutoDefault(False)
        self.setup_button.clicked.connect(self._set_up_coordinator)
        buttons = QWidget()
        v = QVBoxLayout(buttons)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.trust_button)
        v.addWidget(self.setup_button)
        form.addRow(self._buddy("Coordinator:", self.trust_button), self._row(self.coordinator_label, buttons))
        self.trust_message = QLabel()
        self.trust_message.setWordWrap(True)
        self.trust_message.setAccessibleName("Keys message")
        form.addRow("", self.trust_message)
        self._show_trust()

    @staticmethod
    def _buddy(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _row(main: QWidget, side: QWidget) -> QWidget:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(main, 1)
        h.addWidget(side)
        return row

    def _share(self) -> str:
        editor = self.editors.get("shared_folder")
        return editor.text().strip() if isinstance(editor, QLineEdit) else ""

    def _show_trust(self) -> None:
        from cpchair.services import keys

        folder = self._share()
        with self.db.session() as s:
            own = keys.installation_key(s)
            coordinator = keys.is_coordinator(s)
            version = settings.get(s, "own_recipients_version")
            role = settings.get(s, "role")
            pin = keys.pinned(s)
            problem = keys.share_problem(s, folder) if pin and folder and Path(folder).is_dir() else None
            s.commit()  # the signing key is made at first use
        from cpchair.gui.sync.fingerprint import fingerprint_lines

        self.own_key_label.setText(fingerprint_lines(own.kid))  # 4 lines of 4 groups, as the other side sees it
        self.own_key_label.setAccessibleDescription(f"Your signing key fingerprint is {own.fingerprint}")
        self.setup_button.setVisible(role == "coordinator" and not coordinator)
        self.trust_button.setVisible(not coordinator)
        if coordinator:
            text = (
                f"You are the coordinator (recipients file version {version} on the share). Read your fingerprint "
                "above to each chair when they trust you."
            )
        elif pin is None:
            text = (
                "No coordinator trusted yet, so nothing is exported. Choose the shared folder above, then Trust "
                "coordinator and compare the fingerprint with your coordinator."
            )
        else:
            text = f"Trusted coordinator: {crypto.grouped(pin[0])}"
        self.coordinator_label.setText(text)
        theme.set_tone(self.trust_message, "error" if problem else None)
        self.trust_message.setText(problem or "")

    def _export_public_key(self) -> None:
        from cpchair.services import keys

        path = choose_save_path(self, "Export your public key file", "cpchair-chair-key.json", "Key files (*.json)")
        if not path:
            return
        try:
            with self.db.session() as s:
                keys.write_chair_key(s, path)
                own = keys.installation_key(s)
                s.commit()
        except CpchairError as exc:
            self._keys_message(str(exc), problem=True)
            return
        self._keys_message(
            f"Public key written to {path}. Send it to your coordinator, then read them your fingerprint: "
            f"{own.fingerprint}."
        )

    def _trust_coordinator(self) -> bool:
        from cpchair.gui.sync.fingerprint import confirm_fingerprint
        from cpchair.services import keys

        folder = self._share()
        if not folder or not Path(folder).is_dir():
            self._keys_message(
                "Choose the shared export folder first: your coordinator's keys are there.", problem=True
            )
            return False
        try:
            found = keys.read_share(folder)
        except CpchairError as exc:
            self._keys_message(str(exc), problem=True)
            return False
        intro = (
            "Phone your coordinator and ask them to read their fingerprint (their Settings, Your signing key). "
            "Trust it only if they read exactly these groups: anyone who can write to the share could have put "
            "another key there."
        )
        kid = found.recipients.coordinator_kid
        if not confirm_fingerprint(self, "Trust your coordinator", intro, kid, "&Trust coordinator"):
            self._keys_message("Nothing was trusted.")
            return False
        try:
            with self.db.session() as s:
                keys.trust(s, folder, kid, replace=True)
                s.commit()
        except CpchairError as exc:
            self._keys_message(str(exc), problem=True)
            return False
        self._show_trust()
        self._keys_message(f"You now trust coordinator {crypto.grouped(kid)}: your exports are signed and encrypted.")
        return True

    def _set_up_coordinator(self) -> bool:
        """Make the coordinator's keys once: the recovery key goes to a file (and a printable sheet), never kept."""
        from cpchair.reports.recovery_sheet import write_recovery_sheet
        from cpchair.services import keys

        folder = self._share()
        if not folder or not Path(folder).is_dir():
            self._keys_message("Choose the shared export folder first: the recipients file goes there.", problem=True)
            return False
        path = choose_save_path(
            self, "Save the recovery key (somewhere you will lock away)", "cpchair-recovery-key.txt", "Text (*.txt)"
        )
        if not path:
            return False
        try:
            with self.db.session() as s:
                made = keys.coordinator_init(s, folder, path)
                service = settings.get(s, "service_name")
                s.commit()
        except CpchairError as exc:
            self._keys_message(str(exc), problem=True)
            return False
        sheet = choose_save_path(
            self, "Save a printable recovery sheet (PDF)", "cpchair-recovery-key.pdf", "PDF (*.pdf)"
        )
        if sheet:
            write_recovery_sheet(
                sheet,
                made.recovery_identity,
                made.recovery_recipient,
                made_at=dates.utc_timestamp(),
                service_name=service,
                coordinator_kid=made.kid,
            )
        del made  # the only copy of the recovery identity in this process
        self._show_trust()
        self._keys_message(
            f"Coordinator keys made. The recovery key is in {path}"
            + (f" and on the sheet {sheet}" if sheet else "")
            + ": print it, lock it away, delete the file. Read your fingerprint to each chair."
        )
        return True

    def _keys_message(self, text: str, *, problem: bool = False) -> None:
        theme.set_tone(self.trust_message, "error" if problem else None)
        self.trust_message.setText(text)

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
