"""The database opens safely: created on first run, left alone when current, backed up before an upgrade,
and refused (untouched) when a newer cpchair wrote it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from cpchair.errors import DatabaseError, DatabaseTooNew
from cpchair.services import conferences
from cpchair.storage import migrate
from cpchair.storage.db import make_engine, open_database
from tests.trust_setup import SERVICE_KEY


def test_head_matches_the_migration_scripts():
    """HEAD lets start-up skip importing Alembic; it must name the newest script Alembic knows."""
    from alembic.script import ScriptDirectory

    engine = make_engine(":memory:")
    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    assert script.get_current_head() == migrate.HEAD
    assert [r.revision for r in script.walk_revisions()][::-1] == list(migrate.KNOWN)


def test_new_database_is_created_with_wal_and_foreign_keys(tmp_path):
    db = open_database(tmp_path / "new" / "cpchair.sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrate.HEAD
    db.dispose()


def test_reopening_a_current_database_does_not_import_alembic(tmp_path):
    path = tmp_path / "cpchair.sqlite"
    open_database(path).dispose()
    code = (
        "import sys; from cpchair.storage.db import open_database; "
        f"open_database({str(path)!r}); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_database_from_a_newer_cpchair_is_refused_and_untouched(tmp_path):
    path = tmp_path / "cpchair.sqlite"
    db = open_database(path)
    with db.session() as s:
        conferences.create(s)
        s.commit()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version of cpchair"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "cpchair.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseError, match="is damaged .*file is not a database"):
        open_database(path)
    assert path.read_bytes() == b"this is not sqlite at all" * 100


@pytest.mark.parametrize(
    ("driver_text", "expected"),
    [
        ("database or disk is full", "the disk is full"),
        ("database is locked", "the database is busy"),
        ("attempt to write a readonly database", "cannot be written to"),
        ("database disk image is malformed", "restore the newest copy from the backups folder"),
        ("something else entirely", "the database reported a problem (OperationalError)"),
    ],
)
def test_database_failures_are_described_without_sql_or_values(driver_text, expected):
    from sqlalchemy.exc import OperationalError

    from cpchair.storage.db import describe_error

    exc = OperationalError("UPDATE conference SET family_name=?", {"family_name": "Smith"},
                           sqlite3.OperationalError(driver_text))  # fmt: skip
    text = describe_error(exc)
    assert expected in text and "Smith" not in text and "UPDATE" not in text


FIXTURES = Path(__file__).resolve().parents[1] / "data"


def test_a_database_made_by_schema_0001_upgrades_with_a_backup_and_keeps_every_row(tmp_path):
    """tests/data/schema_0001.sqlite was written by the first release (demo conferences with minutes, and a
    merged export): upgrading it must back it up first, keep every row of every table, and leave it sound."""
    path = tmp_path / "cpchair.sqlite"
    shutil.copyfile(FIXTURES / "schema_0001.sqlite", path)
    tables = ("conference", "conference_child", "setting", "merged_conference", "imported_file")

    def counts(p: Path) -> dict[str, int]:
        conn = sqlite3.connect(p)
        try:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        finally:
            conn.close()

    before = counts(path)
    assert before["conference"] == 25 and before["conference_child"] > 25 and before["merged_conference"] == 100
    db = open_database(path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrate.HEAD
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list('conference')")}
    with db.session() as s:
        listed = conferences.list_summaries(s)
        detail = conferences.get(s, listed[0].id)
    db.dispose()
    assert "ix_conference_status" not in indexes and "ix_conference_date" in indexes
    assert counts(path) == before
    assert len(listed) == 25 and detail.answers["family_ref"].startswith("FAM-")
    backups = list((tmp_path / "backups").glob("cpchair-before-*-from-0001-*.sqlite"))
    assert len(backups) == 1 and counts(backups[0]) == before


def _rows(p: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(p)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _kept(old, new, where: str = "") -> list[str]:
    """Every answer of ``old`` is in ``new`` with the same value (new keys may be added): what was lost."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [where]
        return [
            lost
            for k, v in old.items()
            for lost in (_kept(v, new[k], f"{where}.{k}") if k in new else [f"{where}.{k}"])
        ]
    if isinstance(old, list):
        if not isinstance(new, list) or len(old) != len(new):
            return [where]
        return [lost for i, (a, b) in enumerate(zip(old, new, strict=True)) for lost in _kept(a, b, f"{where}[{i}]")]
    return [] if old == new and type(old) is type(new) else [f"{where}: {old!r} -> {new!r}"]


def test_a_database_made_by_schema_0002_carries_every_conference_to_questionnaire_2_with_nothing_lost(
    tmp_path, data_dir
):
    """tests/data/schema_0002.sqlite was written by the release before questionnaire version 2 (30 demo
    conferences with minutes, two drafts, 169 merged records). Upgrading keeps every answer, adds the
    version 2 questions as never asked (carried_from_version 1), raises each revision so the coordinator
    takes the new record, and leaves every completed conference valid, exportable and mergeable."""
    from cpchair import settings
    from cpchair.domain.local_rules import completion_problems
    from cpchair.services import export, merge, pseudonym

    path = tmp_path / "cpchair.sqlite"
    shutil.copyfile(FIXTURES / "schema_0002.sqlite", path)
    old = {
        cid: (rev, json.loads(answers), minutes, due)
        for cid, rev, answers, minutes, due in _rows(
            path, "SELECT id, revision, answers, minutes, next_review_due FROM conference"
        )
    }
    merged_before = _rows(path, "SELECT id, revision, record FROM merged_conference ORDER BY id")
    assert len(old) == 32 and len(merged_before) == 169
    assert _rows(path, "SELECT version_num FROM alembic_version") == [("0002",)]

    db = open_database(path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrate.HEAD
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    new = {
        cid: (rev, json.loads(answers), minutes, local_due)
        for cid, rev, answers, minutes, local_due in _rows(
            path, "SELECT id, revision, answers, minutes, next_review_local_due FROM conference"
        )
    }
    assert set(new) == set(old)
    for cid, (rev, answers, minutes, due) in old.items():
        rev2, answers2, minutes2, local_due = new[cid]
        assert _kept(answers, answers2) == [], cid
        assert answers2["carried_from_version"] == 1 and answers2["social_worker_attendance"] is None
        assert rev2 == rev + 1 and minutes2 == minutes and local_due == due
    assert _rows(path, "SELECT id, revision, record FROM merged_conference ORDER BY id") == merged_before
    backups = list((tmp_path / "backups").glob("cpchair-before-*-from-0002-*.sqlite"))
    assert len(backups) == 1

    share = tmp_path / "share"
    share.mkdir()
    with db.session() as s:
        complete = [c for c in conferences.list_summaries(s) if c.status == conferences.COMPLETE]
        assert len(complete) == 30
        for c in complete:
            assert completion_problems(conferences.get(s, c.id).answers) == [], c.id
        # the carried records keep the typed quorum, and a save leaves it so (no attendance to work it out)
        first = conferences.get(s, complete[0].id)
        conferences.save(s, first.id, first.answers)
        assert conferences.get(s, first.id).answers["quorate"] == first.answers["quorate"]
        pseudonym.save_key(SERVICE_KEY)  # a real key: the demo key never keys real work
        settings.put(s, "chair_name", "Demo Chair")
        result = export.export_now(s, share, unsigned=True)
        s.commit()
    db.dispose()
    doc = json.loads(result.path.read_text("utf-8"))
    assert {r["questionnaire_version"] for r in doc["payload"]["conferences"]} == {2}
    assert all(r["carried_from_version"] == 1 for r in doc["payload"]["conferences"])

    coordinator = open_database(tmp_path / "coordinator" / "cpchair.sqlite")
    with coordinator.session() as s:
        summary = merge.merge_folder(s, share, allow_unsigned=True)
    coordinator.dispose()
    assert [f.status for f in summary.files] == ["merged"] and summary.added == 30
