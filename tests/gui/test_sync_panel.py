"""The sync panel and the key dialog, driven as a chair would, then checked in the share and on disk."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from interchange.answers import add_completed
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from cpchair import settings
from cpchair.gui.sync import key_dialog
from cpchair.gui.sync.key_dialog import KeyImportDialog
from cpchair.gui.sync.panel import UNREACHABLE, SyncPanel, describe_last_export
from cpchair.interchange import envelope_v2
from cpchair.services import keys, pseudonym
from tests.trust_setup import SERVICE_KEY, installation


def _coordinator(share: Path) -> str:
    """The service's coordinator makes its keys and publishes the signed recipients file into ``share``."""
    share.mkdir(parents=True, exist_ok=True)
    with installation(share.parent / f"coordinator-{share.name}") as cdb, cdb.session() as s:
        kid = keys.coordinator_init(s, share, share.parent / f"recovery-{share.name}.txt").kid
        s.commit()
    return kid


def _chair(
    db, share: Path | None, *, key: bool = True, conferences: int = 2, published: Path | None = None, trust: bool = True
) -> None:
    """A chair with a name, conferences and (``key``) the service's key, who trusts the coordinator whose
    recipients file is in ``published`` (by default the share itself)."""
    source = published or share
    kid = _coordinator(source) if source is not None and trust else None
    with db.session() as s:
        settings.put(s, "chair_name", "Sam Taylor")
        if share is not None:
            settings.put(s, "shared_folder", str(share))
        add_completed(s, conferences)
        if kid:
            keys.trust(s, source, kid)
        s.commit()
    if key:
        pseudonym.save_key(SERVICE_KEY)


def _panel(qtbot, db) -> SyncPanel:
    panel = SyncPanel(db)
    panel.auto_delay_ms = 10
    panel.retry_delays_ms = (50, 100)
    panel.key_timer.setInterval(50)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def _exports(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if p.name != envelope_v2.RECIPIENTS_FILE)


def test_sync_button_writes_a_valid_export_and_shows_when(qtbot, db, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _chair(db, share)
    panel = _panel(qtbot, db)
    assert panel.status_label.text() == "Not exported yet"
    with qtbot.waitSignal(panel.export_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert _exports(share) == [result.path]
    doc = json.loads(result.path.read_text("utf-8"))
    assert set(doc) == envelope_v2.ENVELOPE_KEYS and doc["format_version"] == 2  # signed and encrypted
    assert doc["record_count"] == 2
    assert panel.status_label.text().startswith("Last export: today ")
    assert panel.status_label.toolTip() == str(result.path)
    assert panel.sync_button.isEnabled()
    # a new panel (the next start of the app) shows the same
    assert SyncPanel(db).status_label.text() == panel.status_label.text()


def test_a_completed_conference_is_exported_automatically_once_for_a_burst(qtbot, db, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _chair(db, share)
    panel = _panel(qtbot, db)
    with qtbot.waitSignal(panel.export_finished, timeout=10_000):
        for _ in range(5):  # five saves in quick succession
            panel.conference_changed("any")
    qtbot.wait(100)
    assert not panel.busy
    assert len(_exports(share)) == 1


def test_unreachable_share_is_reported_quietly_and_retried_until_it_is_back(qtbot, db, tmp_path):
    share = tmp_path / "mapped-drive" / "cpchair"  # not there: the drive is disconnected
    published = tmp_path / "when-connected"  # the coordinator's files, as the share holds them
    _chair(db, share, published=published)
    panel = _panel(qtbot, db)
    with qtbot.waitSignal(panel.export_failed, timeout=10_000):
        panel.conference_changed("any")
    assert panel.status_label.text() == UNREACHABLE
    assert "cannot be reached" in panel.status_label.toolTip()
    assert QApplication.activeModalWidget() is None  # no dialog interrupts the chair
    assert panel.retry_timer.isActive()
    assert panel.sync_button.isEnabled()
    with qtbot.waitSignal(panel.export_failed, timeout=10_000):  # a second try, still not there
        pass
    assert panel.retry_timer.isActive()
    shutil.copytree(published, share)  # the drive is back
    with qtbot.waitSignal(panel.export_finished, timeout=10_000):
        pass
    assert len(_exports(share)) == 1
    assert panel.status_label.text().startswith("Last export: today")
    assert not panel.retry_timer.isActive()


def test_missing_key_is_shown_and_the_export_follows_the_import(qtbot, db, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _chair(db, share, key=False)
    panel = _panel(qtbot, db)
    with qtbot.waitSignal(panel.export_failed, timeout=10_000):
        panel.request_export()
    assert panel.status_label.text() == "Not exported: no pseudonymisation key"
    assert "key file your coordinator" in panel.status_label.toolTip()
    assert not panel.retry_timer.isActive()
    assert _exports(share) == []
    pseudonym.save_key(SERVICE_KEY)  # the chair imports the key (Settings > key dialog)
    with qtbot.waitSignal(panel.export_finished, timeout=10_000):
        pass
    assert len(_exports(share)) == 1 and not panel.key_timer.isActive()


def test_no_shared_folder_is_said_without_trying(qtbot, db):
    _chair(db, None)
    panel = _panel(qtbot, db)
    panel.conference_changed("any")
    assert panel.status_label.text() == "No shared folder set: choose one in Settings"
    assert not panel.auto_timer.isActive() and not panel.busy
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)  # Sync now says the same, and tries nothing
    assert panel.status_label.text() == "No shared folder set: choose one in Settings"
    assert not panel.busy


def test_the_main_windows_sync_action_exports(qtbot, main_window, db, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _chair(db, share, conferences=1)
    panel = main_window.sync_panel
    with qtbot.waitSignal(panel.export_finished, timeout=10_000):
        main_window.sync_now()
    assert len(_exports(share)) == 1
    assert panel.status_label.text().startswith("Last export: today")


def test_last_export_wording():
    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    local = datetime(2026, 11, 20, 14, 2, tzinfo=UTC).astimezone()
    same_day = local.date() == now.astimezone().date()
    expected_day = "today" if same_day else "yesterday"
    assert describe_last_export("2026-11-20T14:02:00Z", now) == f"Last export: {expected_day} {local:%H:%M}"
    yesterday = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert describe_last_export(yesterday, now).startswith("Last export: yesterday")
    assert describe_last_export("2026-03-12T09:00:00Z", now).startswith("Last export: 12/03/2026")
    assert describe_last_export("", now) == "Not exported yet"


# --- the key dialog ----------------------------------------------------------------------------------
def _texts(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_key_dialog_imports_the_coordinators_key_and_shows_only_its_fingerprint(qtbot, db, tmp_path, monkeypatch):
    key_file = tmp_path / "service.key"
    key_file.write_text(pseudonym.new_key_text(), encoding="utf-8")
    key = pseudonym.parse_key_text(key_file.read_text("utf-8"))
    dialog = KeyImportDialog(db)
    qtbot.addWidget(dialog)
    assert "No key is installed" in _texts(dialog)
    monkeypatch.setattr(key_dialog.QFileDialog, "getOpenFileName", lambda *a, **k: (str(key_file), ""))
    with qtbot.waitSignal(dialog.key_imported, timeout=2_000) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    fp = pseudonym.fingerprint(key)
    assert blocker.args == [fp] and dialog.imported == fp
    assert pseudonym.load_key() == key  # installed beside the database
    shown = _texts(dialog)
    assert fp in shown
    assert key.hex() not in shown.lower() and key.hex()[:16] not in shown.lower()


def test_key_dialog_refuses_a_bad_file_and_keeps_the_key(qtbot, db, tmp_path):
    pseudonym.install_demo_key()
    bad = tmp_path / "not-a-key.txt"
    bad.write_text("hello", encoding="utf-8")
    dialog = KeyImportDialog(db)
    qtbot.addWidget(dialog)
    assert "demo key" in _texts(dialog)
    assert dialog.import_from(bad) is None
    assert "not a cpchair key file" in dialog.message_label.text()
    assert pseudonym.load_key() == pseudonym.DEMO_KEY


def test_replacing_a_real_key_asks_first(qtbot, db, tmp_path, monkeypatch):
    from cpchair.gui import prompts

    first, second = tmp_path / "a.key", tmp_path / "b.key"
    first.write_text(pseudonym.new_key_text(), encoding="utf-8")
    second.write_text(pseudonym.new_key_text(), encoding="utf-8")
    dialog = KeyImportDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.import_from(first)
    asked = []
    monkeypatch.setattr(prompts, "confirm", lambda *a: asked.append(a) or False)
    assert dialog.import_from(second) is None
    assert len(asked) == 1
    assert pseudonym.load_key() == pseudonym.parse_key_text(first.read_text("utf-8"))


def test_no_trusted_coordinator_is_shown_and_the_export_follows_the_trust(qtbot, db, tmp_path):
    share = tmp_path / "share"
    _chair(db, share, trust=False)
    kid = _coordinator(share)
    panel = _panel(qtbot, db)
    with qtbot.waitSignal(panel.export_failed, timeout=10_000):
        panel.request_export()
    assert panel.status_label.text() == "Not exported: no coordinator trusted yet"
    assert "compare your coordinator's fingerprint" in panel.status_label.toolTip()
    assert _exports(share) == [] and not panel.retry_timer.isActive()
    with db.session() as s:  # the chair trusts the coordinator (Settings > Trust coordinator)
        keys.trust(s, share, kid)
        s.commit()
    with qtbot.waitSignal(panel.export_finished, timeout=10_000):
        pass
    assert len(_exports(share)) == 1 and not panel.key_timer.isActive()
