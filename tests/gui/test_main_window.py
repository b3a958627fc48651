"""The chair's main window, driven offscreen as a chair would: first run, Ctrl+N, the list, settings, start-up
errors. Each test checks the database (or the file) afterwards, not only the widgets."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import types

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from services.records import child, valid_answers

from cpchair import settings
from cpchair.gui import prompts
from cpchair.gui.models.conference_table import DATE, FAMILY_NAME, FAMILY_REF, PAGE_SIZE, REVIEW, STATUS, TYPE
from cpchair.services import conferences as svc

from .conftest import TODAY


def _texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _add(db, *answers_list, complete: bool = False) -> list[str]:
    ids = []
    with db.session() as s:
        for answers in answers_list:
            cid = svc.create(s, answers)
            if complete:
                svc.complete(s, cid)
            ids.append(cid)
        s.commit()
    return ids


# --- first run ---------------------------------------------------------------------------------------------


def test_first_run_dialog_stores_name_and_role(qtbot, db):
    from cpchair.gui.dialogs.first_run import FirstRunDialog

    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_button.click()  # no name yet: refused with a message, nothing stored
    assert dialog.error_label.isVisible() and "Enter your name" in dialog.error_label.text()
    with db.session() as s:
        assert settings.get(s, "first_run_done") is False

    qtbot.keyClicks(dialog.name_edit, "  Sam   Taylor ")
    dialog.role_buttons["coordinator"].click()
    dialog.start_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.explore is False
    with db.session() as s:
        assert settings.get(s, "chair_name") == "Sam Taylor"
        assert settings.get(s, "role") == "coordinator"
        assert settings.get(s, "first_run_done") is True


def test_sample_data_button_runs_the_demo_generator(qtbot, db, monkeypatch):
    from cpchair.gui.dialogs.first_run import FirstRunDialog, load_sample_data

    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "Sam Taylor")
    dialog.sample_button.click()
    assert dialog.explore is True

    calls = []

    def generate(session, conferences, seed, progress=None):
        calls.append((conferences, seed))
        for _ in range(3):
            svc.create(session, valid_answers())

    monkeypatch.setitem(sys.modules, "cpchair.services.demo", types.SimpleNamespace(generate=generate))
    assert load_sample_data(db, conferences=3, seed=7) is None
    assert calls == [(3, 7)]
    with db.session() as s:
        assert svc.count(s) == 3

    # A build without the generator says so in a sentence and leaves the database alone.
    monkeypatch.setitem(sys.modules, "cpchair.services.demo", types.SimpleNamespace())
    assert "not available" in load_sample_data(db)
    with db.session() as s:
        assert svc.count(s) == 3


def test_window_title_names_the_chair_and_controls_have_names(main_window):
    assert main_window.windowTitle() == "cpchair — Sam Taylor"
    toolbar = main_window.actions.toolbar
    names = [toolbar.widgetForAction(a).accessibleName() for a in toolbar.actions()]
    assert names == ["New conference", "Save", "Sync now"]
    page = main_window.list_page
    assert page.view.hasFocus()  # keyboard starts in the list
    search_label = next(lbl for lbl in page.findChildren(type(page.count_label)) if lbl.buddy() is page.search_edit)
    assert search_label.text() == "&Search:"


# --- new conference ----------------------------------------------------------------------------------------


def test_ctrl_n_creates_a_draft_and_opens_it(qtbot, main_window, db):
    main_window.activateWindow()
    qtbot.waitActive(main_window)
    qtbot.keyClick(main_window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.current_page() == "conference")
    with db.session() as s:
        rows = svc.list_summaries(s)
    assert len(rows) == 1 and rows[0].status == svc.DRAFT
    view = main_window.conference_view
    assert view.conference_id == rows[0].id
    assert view.editor.conference_id == rows[0].id
    assert view.tabs.tabText(0).replace("&", "") == "Questionnaire"
    assert view.tabs.tabText(1).replace("&", "") == "Minutes"
    view.tabs.setCurrentIndex(1)  # the minutes load when their tab is first shown
    assert view.minutes.conference_id == rows[0].id
    assert main_window.actions.save_action.isEnabled()
    # Back to the list: the new draft is there.
    main_window.actions.page_actions["conferences"].trigger()
    assert main_window.current_page() == "conferences"
    assert _texts(main_window.list_page.model, STATUS) == ["Draft"]


# --- the conference list -----------------------------------------------------------------------------------


def test_list_shows_uk_dates_labels_and_review_due(qtbot, chair_settings):
    from cpchair.gui.main_window import MainWindow

    db = chair_settings
    _add(db, valid_answers("initial", "2027-04-06", family_ref="REF-1", family_name="Adams"), complete=True)
    _add(db, valid_answers("review", "2027-03-09", family_ref="REF-2", family_name="Brown"), complete=True)
    _add(db, valid_answers("initial", "2026-12-01", family_ref="REF-2", family_name="Brown"), complete=True)
    _add(db, valid_answers("review", "2027-06-08", family_ref="REF-3", family_name="Clarke"))
    no_plan = [child("N1", "Nia", "no_plan_cin")]
    _add(db, valid_answers("initial", "2027-01-05", no_plan, family_ref="REF-4", family_name="Dale"), complete=True)
    window = MainWindow(db, today=TODAY)
    qtbot.addWidget(window)
    model = window.list_page.model
    assert _texts(model, DATE) == ["08/06/2027", "06/04/2027", "09/03/2027", "05/01/2027", "01/12/2026"]
    assert _texts(model, TYPE)[:2] == ["Review conference (RCPC)", "Initial conference (ICPC)"]
    assert _texts(model, FAMILY_NAME) == ["Clarke", "Adams", "Brown", "Dale", "Brown"]
    assert _texts(model, STATUS) == ["Draft", "Complete", "Complete", "Complete", "Complete"]
    # Adams: initial 06/04/2027 + 3 months = 06/07/2027, 15 days after 21/06/2027.
    # Brown's review of 09/03/2027 continues the plan for 6 months: due 09/09/2027.
    # Brown's earlier initial was followed by that review, so its own review date is no longer due.
    # A draft decides nothing yet; a completed conference that put no child on a plan sets no review.
    assert _texts(model, REVIEW) == ["", "in 15 days", "in 80 days", "none due (no plan)", "later conference held"]
    assert window.list_page.count_label.text() == "5 conferences"


def test_list_is_sorted_in_sql_by_clicking_headers_and_searched(qtbot, main_window, db):
    _add(
        db,
        valid_answers("initial", "2027-03-10", family_ref="REF-003", family_name="Adams"),
        valid_answers("initial", "2027-03-11", family_ref="REF-001", family_name="Brown"),
        valid_answers("review", "2027-03-12", family_ref="REF-002", family_name="Brownlow"),
    )
    page = main_window.list_page
    page.refresh()
    model, header = page.model, page.view.horizontalHeader()
    assert _texts(model, FAMILY_REF) == ["REF-002", "REF-001", "REF-003"]  # newest first

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_header_pos(header, FAMILY_REF))
    first = _texts(model, FAMILY_REF)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_header_pos(header, FAMILY_REF))
    second = _texts(model, FAMILY_REF)
    assert sorted([first, second]) == [["REF-001", "REF-002", "REF-003"], ["REF-003", "REF-002", "REF-001"]]
    assert page._sort == "family_ref"

    qtbot.keyClicks(page.search_edit, "brown")
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert sorted(_texts(model, FAMILY_NAME)) == ["Brown", "Brownlow"]
    assert page.count_label.text() == "2 conferences match"
    page.search_edit.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 3)


def _header_pos(header, column: int):
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    return QPoint(x, header.height() // 2)


def test_list_reads_a_page_at_a_time(qtbot, main_window, db):
    total = PAGE_SIZE + 50
    with db.session() as s:
        for i in range(total):
            svc.create(s, {**svc.blank_answers("initial"), "family_ref": f"F{i:04d}", "family_name": "Bulk"})
        s.commit()
    page = main_window.list_page
    page.refresh()
    assert page.model.total == total
    assert page.model.rowCount() == PAGE_SIZE  # not every row at start
    page.view.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == total)
    assert page.count_label.text() == f"{total} conferences"


def test_enter_on_a_row_opens_the_conference(qtbot, main_window, db):
    [cid] = _add(db, valid_answers(family_ref="REF-9", family_name="Patel"))
    page = main_window.list_page
    page.refresh()
    page.view.setFocus()
    page.view.selectRow(0)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert main_window.current_page() == "conference"
    view = main_window.conference_view
    assert view.conference_id == cid
    assert "REF-9 – Patel" in view.title_label.text()
    assert "10/03/2026" in view.subtitle_label.text() and "Draft" in view.subtitle_label.text()
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert main_window.current_page() == "conferences" and page.current_id() == cid
    cell = page.view.visualRect(page.model.index(0, 2)).center()
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # a real double-click's press
    assert main_window.current_page() == "conferences"
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert main_window.current_page() == "conference" and view.conference_id == cid


def test_delete_asks_and_removes_the_conference(qtbot, main_window, db, monkeypatch):
    keep, gone = _add(
        db, valid_answers(family_ref="KEEP"), valid_answers(family_ref="GONE", conference_date="2026-03-11")
    )
    page = main_window.list_page
    page.refresh()
    page.select(gone)
    asked = []
    monkeypatch.setattr(prompts, "confirm", lambda _p, _t, text, _a: asked.append(text) or False)
    main_window.actions.delete_action.trigger()
    with db.session() as s:
        assert svc.count(s) == 2  # refused: nothing deleted
    assert "GONE" in asked[0] and "11/03/2026" in asked[0]

    monkeypatch.setattr(prompts, "confirm", lambda *_a: True)
    main_window.open_conference(gone)
    main_window.actions.delete_action.trigger()
    with db.session() as s:
        assert [r.id for r in svc.list_summaries(s)] == [keep]
    assert main_window.current_page() == "conferences"
    assert _texts(page.model, FAMILY_REF) == ["KEEP"]


# --- wiring to the editor, the minutes and the sync panel --------------------------------------------------


def test_completed_or_saved_complete_conference_is_passed_to_sync(qtbot, main_window, db, monkeypatch):
    [done] = _add(db, valid_answers(), complete=True)
    [draft] = _add(db, valid_answers(family_ref="D"))
    changed = []
    monkeypatch.setattr(main_window.sync_panel, "conference_changed", changed.append)
    main_window.open_conference(done)
    editor = main_window.conference_view.editor
    editor.saved.emit(draft)
    assert changed == []
    editor.saved.emit(done)
    editor.completed.emit(draft)
    assert changed == [done, draft]
    editor.status_changed.emit("Saved 10:42")
    assert main_window.statusBar().currentMessage() == "Saved 10:42"


def test_sync_now_and_save_reach_the_panel_and_the_editor(main_window, db, monkeypatch):
    exports, saves = [], []
    monkeypatch.setattr(main_window.sync_panel, "request_export", lambda: exports.append(1))
    main_window.actions.sync_action.trigger()
    assert exports == [1]
    assert not main_window.actions.save_action.isEnabled()  # nothing open to save
    [cid] = _add(db, valid_answers())
    main_window.open_conference(cid)
    monkeypatch.setattr(main_window.conference_view.editor, "save", lambda: saves.append(cid))
    main_window.actions.save_action.trigger()
    assert saves == [cid]
    assert main_window.actions.save_action.shortcut().toString() == "Ctrl+S"
    assert main_window.actions.new_action.shortcut().toString() == "Ctrl+N"


def test_minutes_load_when_shown_and_again_after_the_questionnaire_changed(main_window, db, monkeypatch):
    first, second = _add(db, valid_answers(), valid_answers(family_ref="B"))
    main_window.open_conference(first)
    view = main_window.conference_view
    loads = []
    monkeypatch.setattr(view.minutes, "load", loads.append)
    view.tabs.setCurrentIndex(1)
    view.tabs.setCurrentIndex(0)
    view.tabs.setCurrentIndex(1)
    assert loads == [first]  # unchanged answers: not loaded twice
    view.tabs.setCurrentIndex(0)
    view.editor.saved.emit(first)
    view.tabs.setCurrentIndex(1)
    assert loads == [first, first]  # the minutes quote the questionnaire, so they reload
    main_window.open_conference(second)
    assert view.tabs.currentIndex() == 0 and loads == [first, first]
    view.tabs.setCurrentIndex(1)
    assert loads == [first, first, second]


def test_import_key_action_opens_the_key_dialog(main_window, monkeypatch):
    from cpchair.gui.sync import key_dialog

    opened = []

    def exec_(dialog):
        opened.append(dialog.parent())
        dialog.imported = "0606 876D 7423 F10F"
        return 0

    monkeypatch.setattr(key_dialog.KeyImportDialog, "exec", exec_)
    main_window.actions.import_key_action.trigger()
    assert opened == [main_window]
    assert "0606 876D 7423 F10F" in main_window.statusBar().currentMessage()


def test_closing_the_window_flushes_editor_and_minutes(qtbot, main_window, db, monkeypatch):
    [cid] = _add(db, valid_answers())
    main_window.open_conference(cid)
    flushed = []
    view = main_window.conference_view
    monkeypatch.setattr(view.editor, "flush", lambda: flushed.append("editor"))
    monkeypatch.setattr(view.minutes, "flush", lambda: flushed.append("minutes"))
    main_window.close()
    assert flushed == ["editor", "minutes"]


def test_coordinator_workspace_is_hidden_for_a_chair_but_reachable_from_view_menu(main_window):
    nav = main_window.nav
    assert nav.item(2).isHidden()
    assert main_window.caseload_page is None and main_window.coordinator_page is None  # built when first shown
    main_window.actions.page_actions["coordinator"].trigger()
    assert main_window.current_page() == "coordinator" and not nav.item(2).isHidden()
    nav.setCurrentRow(1)
    assert main_window.current_page() == "caseload"
    main_window.actions.find_action.trigger()  # Ctrl+F: back to the list, in the search box
    assert main_window.current_page() == "conferences"
    assert main_window.list_page.search_edit.hasFocus()
    assert main_window.actions.find_action.shortcut().toString() == "Ctrl+F"


# --- settings ----------------------------------------------------------------------------------------------


def test_settings_dialog_shows_errors_and_saves_only_valid_values(qtbot, main_window, db):
    from cpchair.gui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(db, main_window)
    qtbot.addWidget(dialog)
    # the chair of chair_settings: the coordinator's settings (the merged store) are not shown to a chair
    visible = {s.key for s in settings.SETTINGS if s.visible and s.group != "Coordinator"}
    assert set(dialog.editors) == visible and "first_run_done" not in dialog.editors
    dialog.editors["review_interval_months"].setValue(9)
    dialog.editors["service_name"].setText("North Shire CP Service")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    error = dialog.errors["review_interval_months"]
    assert not error.isHidden() and "between 1 and 6" in error.text()
    with db.session() as s:  # nothing saved while any value is wrong
        assert settings.get(s, "review_interval_months") == 6
        assert settings.get(s, "service_name") == "Child Protection Conference Service"

    dialog.editors["review_interval_months"].setValue(4)
    dialog.editors["chair_name"].setText("Sam Taylor-Jones")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.session() as s:
        assert settings.get(s, "review_interval_months") == 4
        assert settings.get(s, "service_name") == "North Shire CP Service"
        assert settings.get(s, "chair_name") == "Sam Taylor-Jones"


def test_settings_labels_have_buddies(qtbot, db):
    from PySide6.QtWidgets import QLabel

    from cpchair.gui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(db)
    qtbot.addWidget(dialog)
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    assert set(dialog.editors.values()) <= buddies


# --- start-up: the database --------------------------------------------------------------------------------


@pytest.fixture
def shown_errors(monkeypatch):
    shown = []
    monkeypatch.setattr(prompts, "error", lambda _p, title, text, details="": shown.append((title, text)))
    return shown


def test_database_too_new_shows_a_message_and_leaves_the_file_alone(data_dir, shown_errors):
    from cpchair.gui.app import open_database_for_gui
    from cpchair.storage.db import open_database

    path = data_dir / "cpchair.sqlite"
    open_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    assert open_database_for_gui(path) is None
    assert len(shown_errors) == 1
    title, text = shown_errors[0]
    assert "newer" in title and "newer version of cpchair" in text and "0099" in text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not (data_dir / "backups").exists()


def test_unreadable_database_shows_a_message(data_dir, shown_errors):
    from cpchair.gui.app import open_database_for_gui

    path = data_dir / "cpchair.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    assert open_database_for_gui(path) is None
    assert "damaged" in shown_errors[0][0] and "file is not a database" in shown_errors[0][1]
    assert "no good backup" in shown_errors[0][1]
    assert path.read_bytes() == b"this is not a database" * 100


def test_network_data_folder_is_refused(shown_errors):
    from cpchair.gui.app import open_database_for_gui

    assert open_database_for_gui("//server/share/cpchair.sqlite") is None
    assert "network path" in shown_errors[0][1]


def test_uncaught_exception_is_logged_and_shown(qapp, data_dir, shown_errors, monkeypatch):
    from cpchair.gui import app

    monkeypatch.setattr(sys, "__excepthook__", lambda *_a: None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        app.excepthook(*sys.exc_info())
    log = (data_dir / "logs" / "crash.log").read_text("utf-8")
    assert "RuntimeError: boom" in log
    assert shown_errors and "boom" in shown_errors[0][1] and "crash.log" in shown_errors[0][1]


def test_make_application_sets_uk_locale(qapp):
    from PySide6.QtCore import QDate, QLocale

    from cpchair.gui.app import make_application

    make_application([])
    assert QLocale().toString(QDate(2026, 3, 4), QLocale.FormatType.ShortFormat) == "04/03/2026"
    assert qapp.organizationName() == "cpchair" and qapp.applicationName() == "cpchair"


def test_first_start_asks_who_you_are_and_can_fill_sample_data(qtbot, db, monkeypatch):
    """The whole first-run path through the window: the dialog, then the real demo generator, then the list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cpchair.gui.dialogs import first_run
    from cpchair.gui.main_window import MainWindow

    monkeypatch.setattr(first_run, "SAMPLE_CONFERENCES", 12)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "cpchair"

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, first_run.FirstRunDialog)
        qtbot.keyClicks(dialog.name_edit, "Priya Shah")
        dialog.role_buttons["coordinator"].click()
        dialog.sample_button.click()

    QTimer.singleShot(0, answer)
    window.maybe_first_run()
    assert window.windowTitle() == "cpchair — Priya Shah"
    assert not window.nav.item(2).isHidden()  # a coordinator sees the workspace
    with db.session() as s:
        assert settings.get(s, "chair_name") == "Priya Shah" and settings.get(s, "first_run_done") is True
        stored = svc.count(s)
    assert stored >= 12
    assert window.list_page.model.total == stored and window.list_page.model.rowCount() > 0
    window.maybe_first_run()  # asked once only: no dialog now (a modal would block this call)


def test_tab_moves_from_search_to_the_list_and_arrows_move_between_pages(qtbot, main_window):
    page = main_window.list_page
    main_window.activateWindow()
    qtbot.waitActive(main_window)
    page.search_edit.setFocus()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Tab)
    assert page.view.hasFocus()
    main_window.nav.setFocus()
    qtbot.keyClick(main_window.nav, Qt.Key.Key_Down)
    assert main_window.current_page() == "caseload"
