"""Typing is never lost: with the database really locked by another connection (or the disk full, or the
file read-only), closing the window, opening another conference or showing the minutes asks Try again /
Keep editing / Discard, and the database afterwards holds exactly what the chair chose."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from minutes_cases import answers_for, minutes_for
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from cpchair import paths
from cpchair.gui import prompts
from cpchair.gui.form.save_guard import retry_delay_ms
from cpchair.gui.minutes.page import AUTOSAVE_MS as MINUTES_AUTOSAVE_MS
from cpchair.gui.minutes.page import MinutesPage
from cpchair.services import conferences
from cpchair.services import minutes as minutes_service

BUSY_MS = 50  # the app waits this long for a lock in these tests (5 s in use)


@pytest.fixture
def short_busy_timeout(db):
    """The app's connections give up on a lock after BUSY_MS (new connections get it; old ones are closed)."""

    def _short(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")

    event.listen(db.engine, "connect", _short)
    db.engine.dispose()
    yield db
    event.remove(db.engine, "connect", _short)


class Lock:
    """Another connection to the same file holding a write lock, as a second cpchair or a backup tool would."""

    def __init__(self, mode: str = "IMMEDIATE") -> None:
        self.conn = sqlite3.connect(paths.database_path(), isolation_level=None, timeout=5)
        self.conn.execute(f"BEGIN {mode}")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.conn.execute("ROLLBACK")
            self.held = False

    def close(self) -> None:
        self.release()
        self.conn.close()


@pytest.fixture
def lock(short_busy_timeout) -> Iterator[type[Lock]]:
    made: list[Lock] = []

    def make(mode: str = "IMMEDIATE") -> Lock:
        lk = Lock(mode)
        made.append(lk)
        return lk

    yield make
    for lk in made:
        lk.close()


@pytest.fixture
def answers_prompt(monkeypatch):
    """Replace the Try again / Keep editing / Discard box: each call records its text and gives the next
    scripted answer (a callable may also act, e.g. release the lock, before answering)."""
    asked: list[str] = []
    script: list = []

    def fake(_parent, _title, text):
        asked.append(text)
        answer = script.pop(0)
        return answer() if callable(answer) else answer

    monkeypatch.setattr(prompts, "unsaved", fake)
    return asked, script


def _two_conferences(db) -> tuple[str, str]:
    with db.session() as s, s.begin():
        first = conferences.create(s, answers_for("initial"))
        second = conferences.create(s, answers_for("review"))
        minutes_service.save(s, first, minutes_for(answers_for("initial")))
    return first, second


def _stored(db, cid: str):
    with db.session() as s:
        return conferences.get(s, cid)


def _type_family_name(window, text: str):
    edit = window.conference_view.editor.rows["family_name"].input.edit
    edit.clear()
    edit.setFocus()
    for ch in text:  # typed as keys, so the editor's change signals fire as for a chair
        edit.insert(ch)
    return edit


def test_closing_while_locked_asks_and_try_again_saves_once_the_lock_is_gone(main_window, db, lock, answers_prompt):
    first, _ = _two_conferences(db)
    main_window.open_conference(first)
    _type_family_name(main_window, "Okafor")
    held = lock("IMMEDIATE")
    asked, script = answers_prompt
    script += [prompts.RETRY, lambda: (held.release(), prompts.RETRY)[1]]
    main_window.close()
    assert len(asked) == 2  # still locked at the first Try again: asked again, never dropped
    assert "the database is busy" in asked[0] and "close cpchair" in asked[0]
    assert not main_window.isVisible()
    assert _stored(db, first).answers["family_name"] == "Okafor"


def test_closing_while_locked_and_discarding_saves_nothing(main_window, db, lock, answers_prompt):
    first, _ = _two_conferences(db)
    before = _stored(db, first)
    main_window.open_conference(first)
    _type_family_name(main_window, "Okafor")
    held = lock("EXCLUSIVE")
    asked, script = answers_prompt
    script.append(prompts.DISCARD)
    main_window.close()
    held.release()
    assert len(asked) == 1 and not main_window.isVisible()
    after = _stored(db, first)
    assert after.answers["family_name"] == before.answers["family_name"] != "Okafor"
    assert after.revision == before.revision


def test_keep_editing_leaves_the_window_open_with_the_text_and_it_saves_later(main_window, db, lock, answers_prompt):
    first, _ = _two_conferences(db)
    main_window.open_conference(first)
    edit = _type_family_name(main_window, "Okafor")
    held = lock()
    asked, script = answers_prompt
    script.append(prompts.KEEP_EDITING)
    main_window.close()
    assert len(asked) == 1
    assert main_window.isVisible() and main_window.current_page() == "conference"
    assert edit.text() == "Okafor"
    editor = main_window.conference_view.editor
    assert editor.banner.text().startswith("Not saved: the database is busy")
    assert _stored(db, first).answers["family_name"] != "Okafor"
    held.release()
    main_window.save()
    assert _stored(db, first).answers["family_name"] == "Okafor"


def test_the_real_box_offers_the_three_choices_and_escape_keeps_editing(main_window, db, lock, qtbot):
    first, _ = _two_conferences(db)
    main_window.open_conference(first)
    _type_family_name(main_window, "Okafor")
    held = lock()
    seen: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append([b.text() for b in box.buttons()])
        box.reject()  # Escape / the window's close button

    QTimer.singleShot(20, answer)
    main_window.close()
    assert seen and sorted(seen[0]) == sorted(["&Try again", "&Keep editing", "&Discard changes"])
    assert main_window.isVisible()
    held.release()
    assert _stored(db, first).answers["family_name"] != "Okafor"  # nothing was saved or dropped unasked
    assert main_window.conference_view.editor.rows["family_name"].input.edit.text() == "Okafor"


def _disk_full(*_args, **_kwargs):
    raise OperationalError("UPDATE conference ...", {}, sqlite3.OperationalError("database or disk is full"))


def test_opening_another_conference_on_a_full_disk_asks_first(main_window, db, answers_prompt, monkeypatch):
    first, second = _two_conferences(db)
    main_window.open_conference(first)
    edit = _type_family_name(main_window, "Okafor")
    asked, script = answers_prompt
    script += [prompts.KEEP_EDITING, prompts.DISCARD]
    with monkeypatch.context() as m:
        m.setattr(conferences, "save", _disk_full)
        main_window.show_page("conferences")  # back to the list: the editor keeps the text
        main_window.open_conference(second)
        assert "the disk is full" in asked[0] and "open the other conference" in asked[0]
        view = main_window.conference_view
        assert view.conference_id == first and main_window.current_page() == "conference"
        assert edit.text() == "Okafor"
        main_window.open_conference(second)  # asked again: this time Discard
    assert len(asked) == 2
    assert view.conference_id == second and view.editor.conference_id == second
    assert _stored(db, first).answers["family_name"] != "Okafor"


def test_starting_a_new_conference_while_locked_asks_and_keeps_the_text(main_window, db, lock, answers_prompt):
    first, _ = _two_conferences(db)
    main_window.open_conference(first)
    edit = _type_family_name(main_window, "Okafor")
    held = lock()
    asked, script = answers_prompt
    script.append(lambda: (held.release(), prompts.RETRY)[1])
    cid = main_window.new_conference()
    assert len(asked) == 1 and cid is not None and cid != first
    assert _stored(db, first).answers["family_name"] == "Okafor"
    assert edit.text() == ""  # the new, blank conference is shown


def test_switching_to_the_minutes_while_locked_asks_and_keep_editing_stays(main_window, db, lock, answers_prompt):
    first, _ = _two_conferences(db)
    main_window.open_conference(first)
    _type_family_name(main_window, "Okafor")
    view = main_window.conference_view
    held = lock()
    asked, script = answers_prompt
    script += [prompts.KEEP_EDITING, lambda: (held.release(), prompts.RETRY)[1]]
    view.tabs.setCurrentIndex(1)
    assert "show the minutes" in asked[0]
    assert view.tabs.currentIndex() == 0  # back in the questionnaire, with the answer on screen
    assert _stored(db, first).answers["family_name"] != "Okafor"
    view.tabs.setCurrentIndex(1)
    assert view.tabs.currentIndex() == 1 and len(asked) == 2
    assert _stored(db, first).answers["family_name"] == "Okafor"
    assert view.minutes.conference_id == first and view.minutes.isEnabled()


def test_the_minutes_retry_with_backoff_and_save_once_the_lock_is_gone(qtbot, db, lock):
    first, _ = _two_conferences(db)
    page = MinutesPage(db)
    qtbot.addWidget(page)
    page.load(first)
    edit = page.inputs["parents_views"]
    edit.clear()
    qtbot.keyClicks(edit, "Father asked for more contact.")
    held = lock("EXCLUSIVE")
    page.flush()
    assert page.message.text().startswith("The minutes were not saved: the database is busy")
    assert page._timer.isActive() and page._timer.interval() == MINUTES_AUTOSAVE_MS
    page.flush()  # failed again: the next automatic try waits twice as long
    assert page._timer.interval() == retry_delay_ms(MINUTES_AUTOSAVE_MS, 2) == 2 * MINUTES_AUTOSAVE_MS
    assert edit.toPlainText() == "Father asked for more contact."
    held.release()
    qtbot.waitUntil(lambda: (_stored(db, first).minutes or {}).get("parents_views") == edit.toPlainText(), timeout=5000)
    assert not page.has_unsaved() and page._timer.interval() == MINUTES_AUTOSAVE_MS


def test_unsaved_minutes_on_a_read_only_database_are_asked_about_when_opening_another(main_window, db, answers_prompt):
    first, second = _two_conferences(db)
    main_window.open_conference(first)
    view = main_window.conference_view
    view.tabs.setCurrentIndex(1)
    edit = view.minutes.inputs["parents_views"]
    edit.setPlainText("Father asked for more contact.")

    def _read_only(dbapi_conn, _record) -> None:  # SQLite itself refuses to write: "readonly database"
        dbapi_conn.execute("PRAGMA query_only=ON")

    event.listen(db.engine, "connect", _read_only)
    db.engine.dispose()
    asked, script = answers_prompt
    script.append(prompts.KEEP_EDITING)
    try:
        main_window.open_conference(second)
        assert "Your changes to the minutes could not be saved: the data folder cannot be written to" in asked[0]
        assert view.conference_id == first and edit.toPlainText() == "Father asked for more contact."
        script.append(prompts.DISCARD)
        main_window.open_conference(second)
    finally:
        event.remove(db.engine, "connect", _read_only)
        db.engine.dispose()
    assert view.conference_id == second
    assert _stored(db, first).minutes.get("parents_views") != "Father asked for more contact."
