"""The audit log: every create, change, complete, delete, print, export and merge is an entry, in the same
transaction as the change; no content in it; and a changed, removed or reordered entry is found and named,
by the service and by `cpchair audit verify`, even when the append-only triggers were dropped first."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cpchair import paths, settings
from cpchair.cli import main
from cpchair.services import audit, conferences, export, merge, pseudonym
from services.records import valid_answers
from tests.trust_setup import SERVICE_KEY


def _raw() -> sqlite3.Connection:
    return sqlite3.connect(paths.database_path(), isolation_level=None)


def _drop_triggers(conn: sqlite3.Connection) -> None:
    for name in audit.TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")


@pytest.fixture
def history(db, tmp_path):
    """A chair's day: three conferences created and completed, one changed, one deleted, one export."""
    pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
    with db.session() as s, s.begin():
        settings.put(s, "chair_name", "Sam Taylor")
        ids = []
        for i in range(3):
            cid = conferences.create(s, valid_answers(family_ref=f"FAM-{i}", family_name="Okafor"))
            conferences.complete(s, cid)
            ids.append(cid)
        answers = conferences.get(s, ids[0]).answers | {"notes": "Father phoned on Tuesday"}
        conferences.save(s, ids[0], answers)
        conferences.delete(s, ids[2])
    share = tmp_path / "share"
    share.mkdir()
    with db.session() as s, s.begin():
        export.export_now(s, share, now="2030-01-01T00:00:00Z", unsigned=True)
    return ids


def test_each_event_is_one_entry_naming_who_when_and_which_conference_never_the_content(db, history):
    with db.session() as s:
        log = audit.entries(s)
    assert [e.action for e in log] == [
        "create", "complete", "create", "complete", "create", "complete", "change", "delete", "export",
    ]  # fmt: skip
    assert [e.seq for e in log] == list(range(1, 10))
    assert {e.actor for e in log} == {"Sam Taylor"}
    assert log[0].conference_id == history[0] and log[7].conference_id == history[2]
    assert log[8].conference_id is None and log[8].detail["sequence"] == 1 and log[8].detail["conferences"] == 2
    text = json.dumps([e.as_json() for e in log])
    for content in ("Okafor", "FAM-", "Father phoned", "Amy"):
        assert content not in text
    assert log[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(log, log[1:], strict=False))
    with db.session() as s:
        assert audit.verify(s).ok and audit.verify(s).entries == 9


def test_autosaves_of_one_conference_within_minutes_are_one_entry(db):
    with db.session() as s, s.begin():
        cid = conferences.create(s, valid_answers(), now="2030-01-01T09:00:00Z")
        for minute, name in enumerate(("A", "B", "C")):
            a = conferences.get(s, cid).answers | {"family_name": name}
            conferences.save(s, cid, a, now=f"2030-01-01T09:0{minute + 1}:00Z")
        a = conferences.get(s, cid).answers | {"family_name": "D"}
        conferences.save(s, cid, a, now="2030-01-01T10:00:00Z")  # an hour later: a new entry
    with db.session() as s:
        log = audit.entries(s)
    assert [(e.action, e.detail.get("revision")) for e in log] == [("create", None), ("change", 2), ("change", 5)]


def test_an_entry_exists_only_when_its_change_was_committed(db):
    with db.session() as s:
        conferences.create(s, valid_answers())
        s.rollback()
    with db.session() as s:
        assert audit.entries(s) == [] and audit.verify(s).ok


def test_the_database_refuses_to_change_or_remove_an_entry(db, history):
    conn = _raw()
    for sql in ("UPDATE audit_event SET actor = 'Someone else' WHERE seq = 2", "DELETE FROM audit_event WHERE seq = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()
    with db.session() as s:
        assert audit.verify(s).ok


def test_a_changed_entry_is_named_even_with_the_triggers_dropped(db, history, capsys):
    conn = _raw()
    _drop_triggers(conn)
    conn.execute("UPDATE audit_event SET actor = 'Someone else' WHERE seq = 4")
    conn.close()
    with db.session() as s:
        verdict = audit.verify(s)
    assert not verdict.ok and verdict.broken_seq == 4
    assert "changed after it was written" in verdict.reason
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "broken at entry 4" in err and "changed" in err


def test_a_removed_entry_is_named(db, history, capsys):
    conn = _raw()
    _drop_triggers(conn)
    conn.execute("DELETE FROM audit_event WHERE seq = 6")
    conn.close()
    assert main(["audit", "verify"]) == 1
    assert "broken at entry 6: entry 6 is missing" in capsys.readouterr().err


def test_removing_the_newest_entries_is_caught(db, history, capsys):
    conn = _raw()
    _drop_triggers(conn)
    conn.execute("DELETE FROM audit_event WHERE seq >= 8")
    conn.close()
    assert main(["audit", "verify"]) == 1
    assert "entry 8 to 9 is missing (the newest were removed)" in capsys.readouterr().err


def test_reordered_entries_are_named_at_the_first_out_of_place(db, history):
    conn = _raw()
    _drop_triggers(conn)
    conn.execute("UPDATE audit_event SET seq = -3 WHERE seq = 3")
    conn.execute("UPDATE audit_event SET seq = 3 WHERE seq = 5")
    conn.execute("UPDATE audit_event SET seq = 5 WHERE seq = -3")
    conn.close()
    with db.session() as s:
        verdict = audit.verify(s)
    assert (verdict.ok, verdict.broken_seq) == (False, 3)
    assert "does not follow entry 2" in verdict.reason


def test_an_intact_log_with_its_triggers_dropped_still_fails_verification(db, history):
    conn = _raw()
    _drop_triggers(conn)
    conn.close()
    with db.session() as s:
        verdict = audit.verify(s)
    assert not verdict.ok and verdict.broken_seq is None and "triggers" in verdict.reason


def test_cli_verify_and_list(db, history, capsys):
    assert main(["audit", "verify"]) == 0
    assert "intact: 9 entries" in capsys.readouterr().out
    assert main(["audit", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["seq"] for e in listed] == list(range(1, 10)) and listed[-1]["action"] == "export"
    assert main(["audit", "list", "--conference", history[1]]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(history[1] in line for line in lines)


def test_a_merged_file_and_a_resolved_conflict_are_entries(db, tmp_path):
    from interchange.answers import add_completed

    pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
    share = tmp_path / "share"
    share.mkdir()
    with db.session() as s:
        settings.put(s, "chair_name", "Chair One")
        add_completed(s, 2)
        s.commit()
        export.export_now(s, share, unsigned=True)
        s.commit()
    with db.session() as s:
        summary = merge.merge_folder(s, share, allow_unsigned=True)
        assert summary.added == 2
        merges = [e for e in audit.entries(s) if e.action == "merge"]
    assert len(merges) == 1 and merges[0].detail["added"] == 2 and merges[0].detail["sequence"] == 1


def test_key_events_come_through_record_event(db):
    with db.session() as s, s.begin():
        audit.record(s, "key", detail={"event": "imported", "fingerprint": "AB12 CD34 EF56 7890"})
    with db.session() as s:
        [entry] = audit.entries(s)
        assert entry.action == "key" and entry.detail["event"] == "imported" and audit.verify(s).ok


def test_printing_the_minutes_from_the_command_line_is_an_entry(db, tmp_path):
    with db.session() as s, s.begin():
        cid = conferences.create(s, valid_answers())
    assert main(["minutes", cid, "-o", str(tmp_path / "m.pdf")]) == 0
    with db.session() as s:
        assert [(e.action, e.conference_id, e.detail) for e in audit.entries(s)][-1] == (
            "print",
            cid,
            {"to": "pdf", "copy": "minutes:full"},
        )


def test_a_failed_write_records_nothing(db, tmp_path):
    """The entry shares the transaction of its change: a save that cannot be written leaves no entry."""
    with db.session() as s, s.begin():
        cid = conferences.create(s, valid_answers())
    lock = sqlite3.connect(paths.database_path(), isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        with db.session() as s:
            s.execute(text("PRAGMA busy_timeout=50"))
            with pytest.raises(OperationalError):
                conferences.save(s, cid, valid_answers(family_name="Other"))
                s.commit()
            s.rollback()
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    with db.session() as s:
        assert [e.action for e in audit.entries(s)] == ["create"]
