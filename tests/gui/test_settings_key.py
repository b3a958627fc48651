"""Settings show the service's pseudonymisation key only as a fingerprint, and import it from the key file."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cpchair.gui.dialogs.settings_dialog import SettingsDialog
from cpchair.gui.sync import key_dialog
from cpchair.services import pseudonym


def test_the_key_row_says_it_is_missing_then_shows_the_imported_fingerprint(qtbot, db, tmp_path, monkeypatch):
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.key_label.text().startswith("Not set: import the key file")

    key_file = tmp_path / "service.key"
    key_file.write_text(pseudonym.new_key_text(), "utf-8")
    imported = pseudonym.fingerprint(pseudonym.parse_key_text(key_file.read_text("utf-8")))

    def run(db, parent):  # the chair picks the coordinator's file in the key dialog
        dlg = key_dialog.KeyImportDialog(db, parent)
        dlg.import_from(key_file)
        return dlg.imported

    monkeypatch.setattr(key_dialog.KeyImportDialog, "run", staticmethod(run))
    qtbot.mouseClick(dialog.key_button, Qt.MouseButton.LeftButton)
    assert dialog.key_label.text() == f"Fingerprint {imported}"
    assert key_file.read_text("utf-8").split()[-1] not in dialog.key_label.text()  # never the key itself
    assert pseudonym.load_key() == pseudonym.parse_key_text(key_file.read_text("utf-8"))
