"""Restore in the app: at start-up when the database fails its check (a dialog offers the latest good
backup), and from the File menu at any time. Each test reads the restored database back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from services.records import valid_answers

from cpchair.gui import prompts
from cpchair.services import conferences as svc
from cpchair.storage import backups
from cpchair.storage.db import open_database


def refs(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT family_ref FROM conference WHERE deleted_at IS NULL"))
    finally:
        conn.close()


def add(db, *names: str) -> None:
    with db.session() as s:
        for ref in names:
            svc.create(s, valid_answers(family_ref=ref))
        s.commit()


@pytest.fixture
def recorded(monkeypatch):
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(prompts, "error", lambda _p, title, text, details="": shown.append(("error", title, text)))
    monkeypatch.setattr(prompts, "info", lambda _p, title, text: shown.append(("info", title, text)))
    return shown


def damaged_with_backup(data_dir):
    path = data_dir / "cpchair.sqlite"
    db = open_database(path)
    add(db, "GOOD-1", "GOOD-2")
    db.dispose()
    good = backups.backup(path)
    db = open_database(path)
    add(db, *(f"LATE-{i}" for i in range(150)))
    db.dispose()
    data = bytearray(path.read_bytes())
    for page in range(3, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 200] = bytes(range(192))
    path.write_bytes(bytes(data))
    return path, good


@pytest.mark.parametrize("accept", [True, False])
def test_a_damaged_database_at_start_up_offers_the_latest_good_backup(qtbot, data_dir, recorded, monkeypatch, accept):
    from cpchair.gui.app import open_database_for_gui

    path, good = damaged_with_backup(data_dir)
    damaged = path.read_bytes()
    offered: list[str] = []
    monkeypatch.setattr(prompts, "offer_restore", lambda _p, text: offered.append(text) or accept)
    db = open_database_for_gui(path)
    assert len(offered) == 1 and good.name in offered[0] and "kept aside" in offered[0]
    if not accept:  # Quit: nothing is touched
        assert db is None and path.read_bytes() == damaged and recorded == []
        return
    try:
        assert db is not None
        assert refs(path) == ["GOOD-1", "GOOD-2"]
        with db.session() as s:
            assert svc.count(s) == 2
    finally:
        db.dispose()
    assert recorded[0][:2] == ("info", "Backup restored") and good.name in recorded[0][2]
    assert any(p.name.startswith("damaged-") for p in (data_dir / "backups").iterdir())


def test_file_restore_from_backup_replaces_the_data_and_every_page_shows_it(main_window, monkeypatch):
    w = main_window
    data_path = Path(w.db.engine.url.database)
    add(w.db, "BEFORE-1", "BEFORE-2")
    good = backups.backup(data_path)
    add(w.db, "AFTER-1")
    w.list_page.refresh()
    assert w.list_page.model.rowCount() == 3
    w.open_conference(w.list_page.model.summary(0).id)
    assert w.current_page() == "conference"

    file_menu = w.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if a.text()]
    assert "&Restore from backup…" in texts
    keys = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(keys) == len(set(keys)), texts  # every item in the File menu has its own Alt key

    asked: list[str] = []
    monkeypatch.setattr(prompts, "choose_backup", lambda _p, folder: asked.append(folder) or str(good))
    monkeypatch.setattr(prompts, "confirm", lambda _p, title, text, action: asked.append(text) or True)
    w.actions.restore_action.trigger()

    assert asked[0].endswith("backups") and good.name in asked[1]
    assert refs(data_path) == ["BEFORE-1", "BEFORE-2"]
    assert w.current_page() == "conferences" and w.list_page.model.rowCount() == 2
    kind, title, text = w.prompts_shown[-1]
    assert (kind, title) == ("info", "Backup restored") and "kept as cpchair-before-restore-" in text
    aside = [b for b in backups.list_backups(good.parent) if b.label == "before-restore"]
    assert len(aside) == 1 and refs(aside[0].path) == ["AFTER-1", "BEFORE-1", "BEFORE-2"]


def test_a_backup_from_before_an_upgrade_is_brought_up_to_this_release_when_restored(main_window, monkeypatch):
    """The backup cpchair makes before every migration has the older schema: restored in a running app, it is
    migrated before any page reads it, and its audit log records the restore."""
    import shutil

    from cpchair.services import audit
    from cpchair.storage.migrate import HEAD, current_revision

    w = main_window
    data_path = Path(w.db.engine.url.database)
    old = data_path.parent / "backups" / "cpchair-before-migration-20250101T000000Z.sqlite"
    old.parent.mkdir(exist_ok=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "schema_0002.sqlite", old)
    before = refs(old)
    monkeypatch.setattr(prompts, "choose_backup", lambda _p, folder: str(old))
    monkeypatch.setattr(prompts, "confirm", lambda _p, title, text, action: True)
    w.actions.restore_action.trigger()

    assert w.prompts_shown[-1][:2] == ("info", "Backup restored"), w.prompts_shown[-1]
    assert current_revision(w.db.engine) == HEAD
    assert refs(data_path) == before and w.list_page.model.rowCount() == len(before) > 0
    w.open_conference(w.list_page.model.summary(0).id)  # a page reading the new columns works
    assert w.current_page() == "conference"
    with w.db.session() as s:
        last = audit.entries(s)[-1]
        assert last.action == "restore" and last.detail["from"] == old.name
        assert audit.verify(s).ok


def test_settings_and_first_run_refuse_a_name_the_merge_would_refuse(qtbot, main_window, db):
    """Checked where it is typed, with the same rule as the coordinator's merge (interchange.text)."""
    from PySide6.QtWidgets import QDialogButtonBox

    from cpchair import settings
    from cpchair.gui.dialogs.first_run import FirstRunDialog
    from cpchair.gui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(db, main_window)
    qtbot.addWidget(dialog)
    dialog.editors["chair_name"].setText("Sam\u202eTaylor")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    error = dialog.errors["chair_name"]
    assert not error.isHidden() and "reverses or reorders text (U+202E)" in error.text()
    with db.session() as s:
        assert settings.get(s, "chair_name") == "Sam Taylor"

    first = FirstRunDialog(db)
    qtbot.addWidget(first)
    first.show()
    first.name_edit.setText("Sam\x07Taylor")
    first.start_button.click()
    assert first.error_label.isVisible() and "control character (U+0007)" in first.error_label.text()
    with db.session() as s:
        assert settings.get(s, "chair_name") == "Sam Taylor"
