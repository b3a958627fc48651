"""The database opens safely: created on first run, left alone when current, backed up before an upgrade,
and refused (untouched) when a newer cpchair wrote it."""

from __future__ import annotations

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
    with pytest.raises(DatabaseError, match="cannot be read"):
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
