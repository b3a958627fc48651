"""Keys in the app, driven as people would: a chair reads their fingerprint in Settings and trusts the
coordinator after comparing its fingerprint in the confirmation dialog; a refused recipients file is said in
plain words; a coordinator sets up its keys (recovery sheet read back) and enrols and revokes chairs in the
Chairs view; sample data is named in the sync panel and removed, leaving a clean installation. Each test then
checks the database, the share or the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interchange.answers import add_completed
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from cpchair import paths, settings
from cpchair.gui import prompts
from cpchair.gui.coordinator.chairs_view import ChairsView
from cpchair.gui.dialogs import settings_dialog
from cpchair.gui.dialogs.settings_dialog import SettingsDialog
from cpchair.gui.sync.fingerprint import FingerprintDialog, fingerprint_lines
from cpchair.gui.sync.panel import RECIPIENTS_REFUSED, SAMPLE_HELD, SyncPanel
from cpchair.interchange import crypto, envelope_v2
from cpchair.services import demo, keys, pseudonym, sample_data
from cpchair.storage.models import ChairKey, Conference, SampleConference
from tests.trust_setup import SERVICE_KEY, installation, make_service


def answer_fingerprint_dialog(qtbot, seen: list[str], *, confirm: bool) -> None:
    """When the modal fingerprint dialog opens: note what it shows, check the action waits for the tick,
    then tick and click it (or cancel)."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FingerprintDialog)
        seen.append(dialog.fingerprint.text())
        assert not dialog.action_button.isEnabled()
        if confirm:
            dialog.confirmed.setChecked(True)
            assert dialog.action_button.isEnabled()
            qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
        else:
            dialog.reject()

    QTimer.singleShot(0, act)


@pytest.fixture
def service(tmp_path, data_dir):
    return make_service(tmp_path / "service")


def chair_settings(qtbot, db, share: Path) -> SettingsDialog:
    with db.session() as s:
        settings.put(s, "chair_name", "Sam Taylor")
        settings.put(s, "shared_folder", str(share))
        s.commit()
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_show_this_installations_fingerprint_grouped_for_reading_aloud(qtbot, db, tmp_path):
    dialog = chair_settings(qtbot, db, tmp_path)
    with db.session() as s:
        kid = keys.installation_key(s).kid
    text = dialog.own_key_label.text()
    assert text.split() == crypto.grouped(kid).split() and len(text.split()) == 16  # 16 groups of 4
    assert text.splitlines() == [crypto.grouped(kid)[i * 20 : i * 20 + 19] for i in range(4)]  # 4 a line
    assert "No coordinator trusted yet" in dialog.coordinator_label.text()
    dialog.grab().save(str(tmp_path / "settings.png"))


def test_a_chair_trusts_the_coordinator_only_after_confirming_the_fingerprint(qtbot, db, service):
    dialog = chair_settings(qtbot, db, service.share)
    seen: list[str] = []
    answer_fingerprint_dialog(qtbot, seen, confirm=False)
    assert dialog._trust_coordinator() is False
    with db.session() as s:
        assert keys.pinned(s) is None
    assert "Nothing was trusted" in dialog.trust_message.text()
    answer_fingerprint_dialog(qtbot, seen, confirm=True)
    assert dialog._trust_coordinator() is True
    assert seen == [fingerprint_lines(service.coordinator_kid)] * 2  # 4 lines of 4 groups, as read aloud
    with db.session() as s:
        assert keys.pinned(s)[0] == service.coordinator_kid
    assert crypto.grouped(service.coordinator_kid) in dialog.coordinator_label.text()


def test_a_planted_recipients_file_is_refused_in_plain_words_in_settings_and_the_sync_panel(qtbot, db, service):
    with db.session() as s:
        keys.trust(s, service.share, service.coordinator_kid)
        add_completed(s, 1)
        s.commit()
    pseudonym.save_key(SERVICE_KEY)
    intruder = crypto.new_signing_key()
    (service.share / envelope_v2.RECIPIENTS_FILE).write_bytes(
        envelope_v2.build_recipients(9, "2026-06-01T09:00:00Z", [crypto.recipient_of(crypto.new_identity())], intruder)
    )
    dialog = chair_settings(qtbot, db, service.share)
    assert "not signed by your coordinator" in dialog.trust_message.text()
    assert "Nothing was exported" in dialog.trust_message.text()
    panel = SyncPanel(db)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.export_failed, timeout=10_000):
        panel.request_export()
    assert panel.status_label.text() == RECIPIENTS_REFUSED
    assert "not signed by your coordinator" in panel.status_label.toolTip()
    assert not panel.retry_timer.isActive()
    assert [p.name for p in service.share.glob("*.json")] == [envelope_v2.RECIPIENTS_FILE]


def test_a_coordinator_sets_up_keys_from_settings_and_gets_a_recovery_sheet(qtbot, db, tmp_path, monkeypatch):
    share = tmp_path / "share"
    share.mkdir()
    with db.session() as s:
        settings.put(s, "role", "coordinator")
        s.commit()
    answers = iter([str(tmp_path / "recovery.txt"), str(tmp_path / "recovery.pdf")])
    monkeypatch.setattr(settings_dialog, "choose_save_path", lambda *_a: next(answers))
    dialog = chair_settings(qtbot, db, share)
    assert dialog.setup_button.isVisible()
    qtbot.mouseClick(dialog.setup_button, Qt.MouseButton.LeftButton)
    assert "Coordinator keys made" in dialog.trust_message.text()
    assert "You are the coordinator" in dialog.coordinator_label.text() and not dialog.setup_button.isVisible()
    doc = json.loads((share / envelope_v2.RECIPIENTS_FILE).read_text("utf-8"))
    with db.session() as s:
        assert doc["coordinator_kid"] == keys.installation_key(s).kid
        assert len(keys.coordinator_identities(s)) == 1
    identity = [ln for ln in (tmp_path / "recovery.txt").read_text().splitlines() if ln.startswith("AGE-SECRET")][0]
    assert crypto.recipient_of(crypto.identity_from_text(identity)) == doc["recipients"][1]
    sheet = "".join(PdfReader(tmp_path / "recovery.pdf").pages[0].extract_text().split())
    assert identity in sheet and doc["recipients"][1] in sheet
    for path in paths.data_dir().rglob("*"):  # never kept by cpchair
        if path.is_file():
            assert identity.encode() not in path.read_bytes(), path


def test_the_chairs_view_enrols_after_confirmation_and_revokes(qtbot, db, service, monkeypatch):
    chair = service.chair("Alex Reid", 0, enrol=False)
    view = ChairsView(db)
    qtbot.addWidget(view)
    view.resize(1000, 420)
    view.show()
    seen: list[str] = []
    answer_fingerprint_dialog(qtbot, seen, confirm=False)
    assert view.enrol_file(chair / "chair-key.json") is False
    assert "was not enrolled" in view.message.text()
    answer_fingerprint_dialog(qtbot, seen, confirm=True)
    assert view.enrol_file(chair / "chair-key.json") is True
    with installation(chair) as cdb, cdb.session() as s:
        kid = keys.installation_key(s).kid
    assert seen[-1] == fingerprint_lines(kid)
    with db.session() as s:
        row = s.get(ChairKey, kid)
        assert row.chair_name == "Alex Reid" and row.revoked_at is None
    assert view.table.rowCount() == 1
    assert [view.table.item(0, c).text() for c in (0, 1, 3, 4)] == ["Alex Reid", crypto.grouped(kid), "—", "none yet"]
    assert not view.revoke_button.isEnabled()
    view.table.selectRow(0)
    assert view.revoke_button.isEnabled()
    monkeypatch.setattr(prompts, "confirm", lambda _p, title, text, action: "Alex Reid" in text)
    qtbot.mouseClick(view.revoke_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert s.get(ChairKey, kid).revoked_at is not None
    assert view.table.item(0, 3).text() != "—" and "Revoked Alex Reid's key" in view.message.text()
    # the revoked row is greyed with the palette's read-only colour, and says so in words to a screen reader
    from cpchair.gui import theme

    name = view.table.item(0, 0)
    assert name.foreground().color() == theme.colours().read_only_text
    assert name.data(Qt.ItemDataRole.AccessibleTextRole) == "Alex Reid, revoked" and "revoked on" in name.toolTip()
    view.grab().save(str(service.root / "chairs.png"))


def test_sample_data_is_named_in_the_sync_panel_and_removed_leaving_real_work(qtbot, main_window, db, tmp_path):
    with db.session() as s:
        demo.generate(s, 30, seed=3, replace=False)
        real = add_completed(s, 1, start=50)[0]
        settings.put(s, "shared_folder", str(tmp_path))
        s.commit()
    panel = main_window.sync_panel
    with qtbot.waitSignal(panel.export_failed, timeout=10_000):
        panel.request_export()
    assert panel.status_label.text() == SAMPLE_HELD
    assert "Remove sample data" in panel.status_label.toolTip()
    asked = []
    main_window_prompt = prompts.confirm
    try:
        prompts.confirm = lambda _p, title, text, action: asked.append(text) or True
        assert main_window.remove_sample_data() is True
    finally:
        prompts.confirm = main_window_prompt
    assert "30 sample conferences" in asked[0]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SampleConference)) == 0
        assert s.scalars(select(Conference.id)).all() == [real]
        assert not sample_data.holds_sample(s)
    assert not pseudonym.has_key()  # the demo key went with the sample data
    assert "Removed 30 sample conferences" in main_window.statusBar().currentMessage()


def test_the_merge_panel_refuses_version_1_files_unless_asked_and_passes_over_the_recipients_file(
    qtbot, db, service, conformance
):
    import shutil

    from cpchair.gui.coordinator.merge_panel import MergePanel

    for path in (conformance / "share").glob("*.json"):
        shutil.copy(path, service.share)
    panel = MergePanel(db)
    qtbot.addWidget(panel)
    panel.folder.setText(str(service.share))
    assert not panel.allow_unsigned.isChecked()  # unsigned files are refused unless the coordinator asks

    def merged() -> list[tuple[str, str, str]]:
        qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not panel.is_running() and panel.merge_button.isEnabled(), timeout=30_000)
        return [tuple(panel.results.item(r, c).text() for c in range(3)) for r in range(panel.results.rowCount())]

    rows = merged()
    assert len(rows) == 6 and envelope_v2.RECIPIENTS_FILE not in [r[0] for r in rows]
    assert {r[1] for r in rows} == {"Rejected"} and all("--allow-unsigned" in r[2] for r in rows)
    panel.allow_unsigned.setChecked(True)
    assert {r[1] for r in merged()} == {"Merged"}
