"""A coordinator points cpchair at the service's PostgreSQL store in Settings, types the password once (kept
in the credential store, never in settings), merges the share from the real window and sees the figures;
the rows are on the server, not in the laptop's file."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from cpchair import settings
from cpchair.gui import prompts
from cpchair.gui.coordinator import merge_panel
from cpchair.storage import store as store_mod
from cpchair.storage.models import MergedConference, Setting


class MemoryKeyring:
    """A stand-in for the operating system's credential store (CI has none)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, user):
        return self.kept.get((service, user))

    def set_password(self, service, user, value):
        self.kept[(service, user)] = value


@pytest.fixture
def coordinator_window(qtbot, db, monkeypatch, tmp_path, conformance, pg_server):
    from cpchair.gui.main_window import MainWindow

    pg_server.add_password_user("coord", "correct horse")
    url = pg_server.create_database().replace(f"{pg_server.superuser}@", "coord@")
    share = tmp_path / "share"
    shutil.copytree(conformance / "share", share)
    with db.session() as s:
        for key, value in (("chair_name", "Alex Coordinator"), ("role", "coordinator"), ("first_run_done", True)):
            settings.put(s, key, value)
        settings.put(s, "shared_folder", str(share))
        settings.put(s, "database_url", url)
        s.commit()
    keyring = MemoryKeyring()
    monkeypatch.setattr(store_mod, "_keyring", lambda: keyring)
    asked: list[str] = []
    monkeypatch.setattr(prompts, "password", lambda _p, _title, text: asked.append(text) or "correct horse")
    errors: list[str] = []
    monkeypatch.setattr(prompts, "error", lambda _p, title, text, details="": errors.append(f"{title}: {text}"))
    monkeypatch.setattr(prompts, "info", lambda _p, title, text: errors.append(f"{title}: {text}"))
    monkeypatch.setattr(merge_panel, "choose_folder", lambda _parent, start: str(share))
    window = MainWindow(db, today=date(2025, 4, 20))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window, url, keyring, asked, errors
    window.close()


def test_the_coordinator_merges_into_the_server_store_from_the_window(qtbot, coordinator_window, db):
    window, url, keyring, asked, errors = coordinator_window
    window.show_page("coordinator")
    assert errors == []
    assert len(asked) == 1 and "needs the password of coord" in asked[0]
    assert list(keyring.kept.values()) == ["correct horse"]
    panel = window.coordinator_page.merge_panel
    window.coordinator_page.show_tab("merge")
    panel.allow_unsigned.setChecked(True)  # the conformance share holds version 1 files
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_running() and panel.merge_button.isEnabled(), timeout=60_000)
    assert [panel.results.item(r, 1).text() for r in range(panel.results.rowCount())] == ["Merged"] * 6

    engine = store_mod.make_server_engine(url, password="correct horse")
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(MergedConference)).scalar() == 403
    finally:
        engine.dispose()
    with db.session() as s:  # the laptop's own file holds none of it, and no password anywhere in settings
        assert s.execute(select(func.count()).select_from(MergedConference)).scalar() == 0
        assert not any("correct horse" in str(v) for (v,) in s.execute(select(Setting.value)))
    dash = window.coordinator_page.dashboard
    qtbot.waitUntil(lambda: not dash.is_calculating(), timeout=30_000)
    assert "conferences" in dash.summary.text()


def test_a_server_that_cannot_be_reached_is_said_and_the_laptop_figures_are_not_shown_instead(
    qtbot, db, monkeypatch, tmp_path
):
    from cpchair.gui.main_window import MainWindow

    with db.session() as s:
        settings.put(s, "role", "coordinator")
        settings.put(s, "first_run_done", True)
        settings.put(s, "database_url", f"postgresql+psycopg://coord@/cpchair?host={tmp_path}&connect_timeout=2")
        s.commit()
    errors: list[str] = []
    monkeypatch.setattr(prompts, "error", lambda _p, title, text, details="": errors.append(f"{title}: {text}"))
    window = MainWindow(db, today=date(2025, 4, 20))
    qtbot.addWidget(window)
    window.show()
    window.show_page("coordinator")
    assert len(errors) == 1 and "cannot be reached" in errors[0]
    assert window.coordinator_page is None and window.current_page() == "conferences"


def test_settings_refuse_an_address_with_a_password(qtbot, db):
    from cpchair.gui.dialogs.settings_dialog import SettingsDialog

    with db.session() as s:
        settings.put(s, "role", "coordinator")
        settings.put(s, "chair_name", "Alex")
        s.commit()
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    dialog.editors["database_url"].setText("postgresql://coord:hunter2@db.council.local/cpchair")
    assert dialog.save() is False
    assert "includes a password" in dialog.errors["database_url"].text()
    with db.session() as s:
        assert settings.get(s, "database_url") == ""


def test_a_chair_is_not_offered_the_merged_store_setting(qtbot, db):
    from cpchair.gui.dialogs.settings_dialog import SettingsDialog

    with db.session() as s:
        settings.put(s, "role", "chair")
        s.commit()
    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    assert "database_url" not in dialog.editors
