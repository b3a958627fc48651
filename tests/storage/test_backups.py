"""Kept, and kept private: folder and file modes, secure_delete, daily online backups (newest seven), the
start-up integrity check with its way back, and restoring from the command line, each checked on a real
SQLite file and read back."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from cpchair.cli import main
from cpchair.errors import DatabaseError
from cpchair.services import conferences as svc
from cpchair.storage import backups
from cpchair.storage.db import open_database
from cpchair.storage.models import Conference, Setting
from tests.services.records import valid_answers

POSIX = os.name == "posix"
REPO = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def families(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT family_ref FROM conference WHERE deleted_at IS NULL"))
    finally:
        conn.close()


def add(db, *refs: str) -> None:
    with db.session() as s:
        for ref in refs:
            svc.create(s, valid_answers(family_ref=ref, family_name="Name"))
        s.commit()


def corrupt(db_path: Path) -> None:
    """Scribble over the middle of b-tree pages, as a failing disk or a killed copy would."""
    data = bytearray(db_path.read_bytes())
    for page in range(3, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 200] = bytes(range(192))
    db_path.write_bytes(bytes(data))


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.mark.skipif(not POSIX, reason="POSIX modes; on Windows the local profile's ACL keeps the folder private")
def test_the_data_folder_is_0700_and_the_database_wal_shm_backups_and_keys_0600(tmp_path):
    folder = tmp_path / "data"
    old_umask = os.umask(0o022)  # a typical desktop umask: new files would be world-readable
    try:
        db = open_database(folder / "cpchair.sqlite")
        add(db, "F1")
        with db.engine.connect() as conn:  # an open connection keeps -wal and -shm in place
            conn.execute(text("SELECT 1")).all()
            wal, shm = folder / "cpchair.sqlite-wal", folder / "cpchair.sqlite-shm"
            assert wal.exists() and shm.exists()
            assert (mode(wal), mode(shm)) == (0o600, 0o600)
        made = backups.backup(folder / "cpchair.sqlite")
        db.dispose()
    finally:
        os.umask(old_umask)
    assert mode(folder) == 0o700 and mode(folder / "cpchair.sqlite") == 0o600
    assert mode(made.parent) == 0o700 and mode(made) == 0o600

    # files left readable by an older release are made private at the next start
    key = folder / "pseudonymisation.key"
    key.write_bytes(b"k" * 32)
    for path in (folder, folder / "cpchair.sqlite", made, key):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    open_database(folder / "cpchair.sqlite").dispose()
    assert mode(folder) == 0o700
    assert {mode(p) for p in (folder / "cpchair.sqlite", made, key)} == {0o600}


def test_secure_delete_is_on_so_deleted_text_leaves_the_file(tmp_path):
    db_path = tmp_path / "cpchair.sqlite"
    db = open_database(db_path)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
        secret = "Zebedee-Quarrington-" * 20
        with db.session() as s:
            s.add(Setting(key="chair_name", value=secret))
            s.commit()
            s.execute(Setting.__table__.delete().where(Setting.key == "chair_name"))
            s.commit()
        with db.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).all()
    finally:
        db.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cpchair.sqlite*"))
    assert secret.encode() not in raw


def test_a_backup_is_made_once_a_day_at_start_up_and_the_newest_seven_are_kept(tmp_path):
    db_path = tmp_path / "cpchair.sqlite"
    folder = tmp_path / "backups"
    db = open_database(db_path)  # new: nothing to back up
    add(db, "F1")
    db.dispose()
    assert backups.list_backups(folder) == []
    open_database(db_path).dispose()
    first = backups.list_backups(folder)
    assert [b.label for b in first] == ["daily"]
    open_database(db_path).dispose()  # the same day: no second one
    assert backups.list_backups(folder) == first
    for day in range(1, 10):
        for b in backups.list_backups(folder):
            age(b.path, 24 * day + 1 if b.path == first[0].path else 25)
        db = open_database(db_path)
        add(db, f"D{day}")
        db.dispose()
    kept = backups.list_backups(folder)
    assert len(kept) == 7 and {b.label for b in kept} == {"daily"}
    assert backups.quick_check(kept[0].path) is None
    newest = families(kept[0].path)  # the newest backup holds what was there at its start
    assert "D8" in newest and "D9" not in newest


def test_a_damaged_database_is_caught_at_start_up_and_the_message_names_the_backup_to_restore(data_dir, capsys):
    db = open_database()
    add(db, "F1", "F2")
    db.dispose()
    good = backups.backup(data_dir / "cpchair.sqlite")
    db = open_database()
    add(db, *(f"LATE{i}" for i in range(150)))  # enough pages that damage shows
    db.dispose()
    corrupt(data_dir / "cpchair.sqlite")

    with pytest.raises(backups.DatabaseDamaged) as info:
        open_database()
    assert info.value.latest_good == good
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "is damaged (SQLite's check says: " in err
    assert f"`cpchair restore {good}`" in err and "File > Restore from backup" in err

    assert main(["restore", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"Restored {good}." in out and "The database as it was is kept as " in out
    assert families(data_dir / "cpchair.sqlite") == ["F1", "F2"]
    aside = [p for p in (data_dir / "backups").iterdir() if p.name.startswith("damaged-")]
    assert [p.name.endswith("-cpchair.sqlite") for p in aside] == [True]  # kept whole, not deleted
    assert main(["list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # F1 and F2, in the restored file


def test_backup_list_and_restore_from_the_command_line_read_the_data_back(tmp_path):
    data = tmp_path / "data"

    def cpchair(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cpchair", "--data-dir", str(data), *argv],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
            check=False,
        )

    db = open_database(data / "cpchair.sqlite")
    add(db, "KEEP-1", "KEEP-2")
    db.dispose()
    made = cpchair("backup")
    assert made.returncode == 0, made.stderr
    backup_file = Path(made.stdout.strip())
    assert backup_file.parent == data / "backups" and backup_file.name.startswith("cpchair-manual-")
    assert backups.quick_check(backup_file) is None and families(backup_file) == ["KEEP-1", "KEEP-2"]

    db = open_database(data / "cpchair.sqlite")
    with db.session() as s:
        for cid in s.scalars(select(Conference.id)):
            svc.delete(s, cid)
        s.commit()
    add(db, "AFTER")
    db.dispose()
    listed = cpchair("backup", "--list")
    assert listed.returncode == 0 and str(backup_file) in listed.stdout and "manual" in listed.stdout

    restored = cpchair("restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert families(data / "cpchair.sqlite") == ["KEEP-1", "KEEP-2"]
    aside = Path(restored.stdout.splitlines()[-1].split(" kept as ", 1)[1])
    assert aside.name.startswith("cpchair-before-restore-") and families(aside) == ["AFTER"]
    listing = cpchair("list")
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) == 2  # KEEP-1 and KEEP-2
    # the restored database's audit log says it was restored, from which file, and where the rest was kept;
    # the copy kept aside holds the backup's entry (made after the backup itself was copied)
    audit_rows = _audit(data / "cpchair.sqlite")
    assert audit_rows[-1][0] == "restore" and backup_file.name in audit_rows[-1][1] and aside.name in audit_rows[-1][1]
    assert [r for r in _audit(aside) if r[0] == "backup" and backup_file.name in r[1]]
    assert cpchair("audit", "verify").returncode == 0


def _audit(db_path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.execute("SELECT action, detail FROM audit_event ORDER BY seq"))
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["damaged", "not cpchair", "newer", "missing"])
def test_a_backup_that_cannot_be_restored_is_refused_and_changes_nothing(tmp_path, kind):
    db_path = tmp_path / "cpchair.sqlite"
    db = open_database(db_path)
    add(db, "LIVE")
    db.dispose()
    bad = tmp_path / "backups" / "cpchair-manual-x.sqlite"
    bad.parent.mkdir(exist_ok=True)
    if kind == "damaged":
        db2 = open_database(tmp_path / "other" / "cpchair.sqlite")
        add(db2, *(f"X{i}" for i in range(150)))
        db2.dispose()
        bad.write_bytes((tmp_path / "other" / "cpchair.sqlite").read_bytes())
        corrupt(bad)
        expected = "is damaged too"
    elif kind == "not cpchair":
        sqlite3.connect(bad).execute("CREATE TABLE t (x)").connection.close()
        expected = "is not a cpchair database"
    elif kind == "newer":
        backups.backup(db_path).rename(bad)
        conn = sqlite3.connect(bad)
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
        conn.close()
        expected = "newer cpchair"
    else:
        expected = "is not a file"
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match=f"Nothing was restored: .*{expected}"):
        backups.restore(db_path, bad)
    assert db_path.read_bytes() == before and families(db_path) == ["LIVE"]


def test_a_large_database_is_checked_at_the_first_start_of_the_day_before_its_backup(tmp_path, monkeypatch):
    db_path = tmp_path / "cpchair.sqlite"
    db = open_database(db_path)
    add(db, *(f"F{i}" for i in range(150)))
    db.dispose()
    monkeypatch.setattr(backups, "ALWAYS_CHECK_BYTES", 0)  # every file counts as large
    corrupt(db_path)
    with pytest.raises(backups.DatabaseDamaged, match="is damaged"):
        open_database(db_path)  # no backup yet today: checked, and the damaged file is not backed up
    assert backups.list_backups(tmp_path / "backups") == []
