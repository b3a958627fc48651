"""GUI: import the service's pseudonymisation key from the coordinator's key file.

Why only a fingerprint: the key is the secret that keeps exports pseudonymous; anyone who saw it could
test case references against the keys in the share. The chair needs only to confirm, with the
coordinator, that both hold the same key, and a short fingerprint is enough for that. The key itself is
never displayed, copied to the clipboard or written anywhere but the key file beside the database.

Replacing one real key with a different one changes every child's and family's key in later exports
(the coordinator would see them as new children), so the dialog asks before doing that.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from cpchair.errors import CpchairError
from cpchair.gui import prompts
from cpchair.services import pseudonym

INTRO = (
    "Your coordinator gives every chair in the service the same key file. cpchair uses it to turn case "
    "references into pseudonymous keys, so that exports never carry the references themselves. "
    "The key stays on this computer; only its fingerprint is shown, to compare with the one your "
    "coordinator gives you."
)


def current_fingerprint() -> tuple[str | None, bool]:
    """(fingerprint or None when no readable key is installed, whether it is the demo key)."""
    try:
        key = pseudonym.load_key()
    except CpchairError:
        return None, False
    return pseudonym.fingerprint(key), key == pseudonym.DEMO_KEY


class KeyImportDialog(QDialog):
    """Shows the installed key's fingerprint and imports a new key file. ``KeyImportDialog.run(db, parent)``
    is the entry point; it returns the new fingerprint, or None when nothing was imported."""

    key_imported = Signal(str)

    def __init__(self, db=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.imported: str | None = None
        self.setWindowTitle("Pseudonymisation key")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setAccessibleName("Key fingerprint")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Import result")
        self.import_button = QPushButton("&Import key file…")
        self.import_button.setAutoDefault(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.import_button)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)
        self.import_button.clicked.connect(self.choose_file)
        self.setMinimumWidth(520)
        self._show_fingerprint()
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)

    @classmethod
    def run(cls, db=None, parent: QWidget | None = None) -> str | None:
        dialog = cls(db, parent)
        dialog.exec()
        return dialog.imported

    def _show_fingerprint(self) -> None:
        fp, demo = current_fingerprint()
        if fp is None:
            self.fingerprint_label.setText("No key is installed yet: exports cannot be written until you import one.")
        elif demo:
            self.fingerprint_label.setText(f"Installed: the demo key (fingerprint {fp}). Not for real data.")
        else:
            self.fingerprint_label.setText(f"Installed key fingerprint: <b>{fp}</b>")

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import the coordinator's key file", "", "Key files (*.key *.txt);;All files (*)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> str | None:
        """Install the key in ``path``; shows the fingerprint, or why the file was not accepted."""
        try:
            new_key = pseudonym.parse_key_text(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            return self._problem(f"The file {path} cannot be read ({exc}).")
        except CpchairError as exc:
            return self._problem(str(exc))
        try:
            old = pseudonym.load_key()
        except CpchairError:
            old = None
        if old is not None and old != new_key and old != pseudonym.DEMO_KEY:
            question = (
                "A different key is already installed. Replacing it changes every child's and family's key in "
                "your later exports, so the coordinator would count them as new. Replace it only if your "
                "coordinator has asked you to."
            )
            if not prompts.confirm(self, "Replace the key?", question, "&Replace key"):
                return None
        try:
            fp = pseudonym.import_key_file(Path(path))
        except CpchairError as exc:
            return self._problem(str(exc))
        self.imported = fp
        self._show_fingerprint()
        self.message_label.setText(f"Key imported. Check with your coordinator that the fingerprint is {fp}.")
        self.key_imported.emit(fp)
        return fp

    def _problem(self, text: str) -> None:
        self.message_label.setText(text)
        return None
