"""The audit log as the chair sees it (View > Audit log…), and the removal of old personal details
(File > Remove old personal details…): shown first, removed only after confirming, then read back."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from services.records import child, valid_answers

from cpchair import paths, settings
from cpchair.gui import prompts
from cpchair.gui.dialogs.audit_log import AuditLogDialog
from cpchair.gui.dialogs.retention_dialog import RetentionDialog
from cpchair.services import audit, conferences, export, pseudonym
from tests.trust_setup import SERVICE_KEY

from .conftest import TODAY


def _mnemonic(text: str) -> str | None:
    i = text.replace("&&", "").find("&")
    return text.replace("&&", "")[i + 1].lower() if i >= 0 else None


def test_every_menu_keeps_its_alt_letters_unique_with_the_new_items(main_window):
    texts = []
    for menu_action in main_window.menuBar().actions():
        items = [a.text() for a in menu_action.menu().actions() if not a.isSeparator()]
        letters = [_mnemonic(t) for t in items]
        assert len(letters) == len(set(letters)) and None not in letters, (menu_action.text(), items)
        texts += items
    assert "&Audit log…" in texts and "Remove &old personal details…" in texts


def test_the_audit_log_shows_each_event_newest_first_and_says_it_is_intact(main_window, qtbot, monkeypatch):
    cid = main_window.new_conference()
    qtbot.keyClicks(main_window.conference_view.editor.rows["family_name"].input.edit, "Okafor")
    main_window.save()
    opened: list[AuditLogDialog] = []
    monkeypatch.setattr(AuditLogDialog, "exec", lambda self: opened.append(self) or 0)
    main_window.actions.audit_log_action.trigger()
    [dialog] = opened
    qtbot.addWidget(dialog)
    assert dialog.status.text().startswith("Checked: intact. 2 entries")
    model = dialog.model
    rows = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert [r[0] for r in rows] == ["2", "1"]
    assert rows[0][2] == "Sam Taylor" and rows[0][3] == "Changed" and rows[1][3] == "Created"
    assert rows[1][4] == cid[:8]
    assert all("Okafor" not in cell for row in rows for cell in row)  # who, when and which: never the content
    dialog.grab().save(str(paths.data_dir() / "audit_log.png"))


def test_a_tampered_log_is_named_in_the_dialog(chair_settings, qtbot):
    db = chair_settings
    with db.session() as s, s.begin():
        for _ in range(3):
            conferences.create(s, valid_answers())
    conn = sqlite3.connect(paths.database_path(), isolation_level=None)
    for name in audit.TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_event SET at = '2020-01-01T00:00:00Z' WHERE seq = 2")
    conn.close()
    dialog = AuditLogDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.status.text().startswith("Warning: The audit log is broken at entry 2: its content was changed")


@pytest.fixture
def expired(chair_settings, tmp_path):
    """One conference where no plan followed, 2024 (long expired by TODAY, exported), and one still on a plan."""
    db = chair_settings
    pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
    with db.session() as s, s.begin():
        old = conferences.create(
            s,
            valid_answers("initial", "2024-03-01", [child("C2", "Ben", "no_plan_nfa", category=None)], family_ref="F2")
            | {"family_name": "Brown", "notes": "Grandmother is the main carer"},
            now="2025-01-01T00:00:00Z",
        )
        conferences.complete(s, old, now="2025-01-01T00:00:00Z")
        conferences.save_minutes(s, old, {"parents_views": "Mother agreed with the plan."})
        current = conferences.create(
            s, valid_answers("initial", "2024-03-05", family_ref="F3"), now="2025-01-01T00:00:00Z"
        )
        conferences.complete(s, current, now="2025-01-01T00:00:00Z")
        settings.put(s, "chair_name", "Sam Taylor")
        share = tmp_path / "share"
        share.mkdir()
        export.export_now(s, share, now="2025-06-01T00:00:00Z", unsigned=True)
    return db, old, current


def test_the_chair_sees_what_will_go_and_nothing_goes_without_confirming(expired, qtbot, monkeypatch):
    db, old, current = expired
    dialog = RetentionDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 1
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row[:3] == ["01/03/2024", "Initial conference (ICPC)", "F2"]
    assert dialog.summary.text().startswith("1 conference(s) past the retention period of 12 months")
    dialog.grab().save(str(paths.data_dir() / "retention.png"))
    asked: list[str] = []
    monkeypatch.setattr(prompts, "confirm", lambda _p, _t, text, _a: asked.append(text) or False)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert conferences.get(s, old).answers["family_name"] == "Brown"
    monkeypatch.setattr(prompts, "confirm", lambda _p, _t, text, _a: asked.append(text) or True)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and "these 1 conference(s)" in asked[0]
    assert dialog.removed == [old] and not dialog.remove_button.isEnabled()
    with db.session() as s:
        gone = conferences.get(s, old)
        assert gone.answers["family_name"] == "" and gone.answers["notes"] == "" and gone.minutes is None
        assert gone.answers["children"][0]["name"] == "" and gone.answers["family_ref"].startswith("removed:fk_")
        kept = conferences.get(s, current)
        assert kept.answers["family_ref"] == "F3" and kept.answers["children"][0]["name"] == "Amy"
        assert [(e.action, e.conference_id) for e in audit.entries(s)][-1] == ("retention", old)


def test_the_file_menu_opens_the_review_and_the_list_refreshes_after_a_removal(expired, main_window, monkeypatch):
    db, old, _current = expired
    monkeypatch.setattr(prompts, "confirm", lambda *_a: True)
    monkeypatch.setattr(RetentionDialog, "exec", lambda self: self.remove() and 0)
    main_window.actions.retention_action.trigger()
    assert main_window.statusBar().currentMessage() == "Removed the personal details of 1 conference(s)."
    with db.session() as s:
        assert conferences.get(s, old).minutes is None
    main_window.open_conference(old)
    title = main_window.conference_view.title_label.text()
    assert "Personal details removed" in title and "removed:fk_" not in title


def test_saving_the_minutes_as_pdf_and_printing_them_are_audit_entries(db, qtbot, tmp_path, monkeypatch):
    from minutes_cases import answers_for
    from PySide6.QtPrintSupport import QPrinter

    from cpchair.gui.minutes import files
    from cpchair.gui.minutes.page import MinutesPage

    with db.session() as s, s.begin():
        cid = conferences.create(s, answers_for("initial"))
    page = MinutesPage(db)
    qtbot.addWidget(page)
    page.load(cid)
    monkeypatch.setattr(files, "ask_save_path", lambda _parent, _suggested: str(tmp_path / "m.pdf"))

    def fake_print(printer, _parent):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        printer.setResolution(72)
        return True

    monkeypatch.setattr(files, "ask_print", fake_print)
    qtbot.mouseClick(page.save_pdf_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "m.pdf").is_file() and (tmp_path / "printed.pdf").is_file()
    with db.session() as s:
        printed = [(e.action, e.conference_id, e.detail) for e in audit.entries(s) if e.action == "print"]
    copy = "minutes:full"  # which copy was printed: the professionals' minutes, a family member's, a letter
    assert printed == [("print", cid, {"to": "pdf", "copy": copy}), ("print", cid, {"to": "printer", "copy": copy})]


def test_no_pdf_is_written_when_its_audit_entry_cannot_be(db, qtbot, tmp_path, monkeypatch):
    from minutes_cases import answers_for
    from sqlalchemy import event

    from cpchair.gui.minutes import files
    from cpchair.gui.minutes.page import MinutesPage

    with db.session() as s, s.begin():
        cid = conferences.create(s, answers_for("initial"))
    page = MinutesPage(db)
    qtbot.addWidget(page)
    page.load(cid)
    monkeypatch.setattr(files, "ask_save_path", lambda _parent, _suggested: str(tmp_path / "m.pdf"))

    def _read_only(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA query_only=ON")

    event.listen(db.engine, "connect", _read_only)
    db.engine.dispose()
    try:
        assert page.save_pdf() is None
    finally:
        event.remove(db.engine, "connect", _read_only)
        db.engine.dispose()
    assert not (tmp_path / "m.pdf").exists()
    assert page.message.text().startswith("The minutes were not saved as PDF: the data folder cannot be written to")
