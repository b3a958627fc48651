"""Making the sample data shows a progress dialog that says what is being done, then goes away."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QProgressDialog

from cpchair.gui.dialogs import first_run
from cpchair.services import conferences as svc


def test_sample_data_shows_each_stage_in_a_progress_dialog(qtbot, main_window, db, monkeypatch):
    labels: list[str] = []
    shown: list[bool] = []

    class Recording(QProgressDialog):
        def setLabelText(self, text: str) -> None:  # noqa: N802 - Qt's name
            labels.append(text)
            shown.append(self.isVisible())
            super().setLabelText(text)

    monkeypatch.setattr(first_run, "QProgressDialog", Recording)
    assert first_run.load_sample_data(db, conferences=220, seed=5, parent=main_window) is None
    assert labels[0] == "Making 220 demo conferences…"
    assert "Writing the minutes and checking each record: 200 of 220…" in labels
    assert labels[-1] == "Saving 220 conferences…"
    assert all(shown)  # on screen while the work ran
    QApplication.processEvents()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
    with db.session() as s:
        assert svc.count(s) == 220
