"""A full disk while saving: the chair is told in plain words, nothing on screen is lost, and the next save
(once there is space) writes it all."""

from __future__ import annotations

import sqlite3

import pytest
from minutes_cases import answers_for, minutes_for
from sqlalchemy.exc import OperationalError

from cpchair.gui.form.editor import ConferenceEditor
from cpchair.gui.minutes.page import MinutesPage
from cpchair.services import conferences
from cpchair.services import minutes as minutes_service


def _disk_full(*_args, **_kwargs):
    raise OperationalError("UPDATE conference SET answers=? ...", {"family_name": "Smith"},
                           sqlite3.OperationalError("database or disk is full"))  # fmt: skip


@pytest.fixture
def cid(db):
    with db.session() as s, s.begin():
        answers = answers_for("initial")
        conference_id = conferences.create(s, answers)
        minutes_service.save(s, conference_id, minutes_for(answers))
    return conference_id


def test_the_questionnaire_says_the_disk_is_full_and_saves_later(qtbot, db, cid, monkeypatch):
    editor = ConferenceEditor(db)
    qtbot.addWidget(editor)
    editor.load(cid)
    family = editor.rows["family_name"].input.edit
    family.clear()
    qtbot.keyClicks(family, "Okafor")
    with monkeypatch.context() as m:
        m.setattr(conferences, "save", _disk_full)
        editor.save()
    banner = editor.banner.text()
    assert banner.startswith("Not saved: the disk is full. Free some space")
    assert "UPDATE" not in banner and "Smith" not in banner  # no SQL, no values from the driver's text
    assert family.text() == "Okafor"
    editor.save()  # space again
    with db.session() as s:
        assert conferences.get(s, cid).answers["family_name"] == "Okafor"
    assert not editor.banner.isVisible() or not editor.banner.text().startswith("Not saved")


def test_the_minutes_say_the_disk_is_full_and_keep_the_text(qtbot, db, cid, monkeypatch):
    page = MinutesPage(db)
    qtbot.addWidget(page)
    page.load(cid)
    edit = page.inputs["parents_views"]
    edit.clear()
    qtbot.keyClicks(edit, "Father asked for more contact.")
    with monkeypatch.context() as m:
        m.setattr(minutes_service, "save", _disk_full)
        page.flush()
    assert page.message.text().startswith("The minutes were not saved: the disk is full.")
    assert edit.toPlainText() == "Father asked for more contact."
    page.flush()
    with db.session() as s:
        assert conferences.get(s, cid).minutes["parents_views"] == "Father asked for more contact."
