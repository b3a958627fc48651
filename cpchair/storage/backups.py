"""Keeping the database private, backed up, checked, and restorable.

Why each part:
- **Private.** The database holds children's names and minutes; on a shared computer other accounts must
  not read it. On POSIX the data folder is made 0700 and the database, its ``-wal``/``-shm`` files, the
  backups and the keys 0600 (every start-up re-applies this, so files made by an older release are fixed
  too). The database file is created empty with mode 0600 before SQLite opens it: SQLite gives its
  ``-wal`` and ``-shm`` files the database's own mode, so they follow without touching the process umask
  (which is process-wide: changing it would race with an export writing to the share in another thread).
  On Windows the data folder is in the user's local profile (``%LOCALAPPDATA%``), which only that user
  and administrators can read; nothing is changed there.
- **Backed up.** SQLite's online backup API copies a consistent snapshot even while the app writes (a file
  copy could catch the ``-wal`` half-applied). A backup is made before every migration and once a day at
  start-up, into ``backups/``; the newest seven are kept.
- **Checked.** ``PRAGMA quick_check`` at start-up finds a damaged file before the chair types into it (every
  start for a file up to 32 MB, the first start of the day for a larger one, always before a backup); the
  message names the newest backup that passes the same check and how to restore it.
- **Restorable.** ``restore`` checks the backup first (quick_check, and a schema this release can open),
  keeps the current database aside as one more backup (or, when it is too damaged to read, moves its
  files aside whole), then copies the backup in with the same online API, so other connections see an
  ordinary write rather than a file swapped under them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cpchair.errors import DatabaseError

IS_POSIX = os.name == "posix"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
KEEP = 7
#: Up to this size ``quick_check`` runs at every start (about 5 ms per MB here: a chair's few-MB file costs
#: nothing); a larger file (a coordinator's, or 20,000 conferences with minutes: 0.8 s for 169 MB) is checked
#: at the first start of each day, just before its daily backup, so a damaged file is never backed up over
#: the good copies either way.
ALWAYS_CHECK_BYTES = 32 * 1024 * 1024
DAILY = timedelta(hours=24)
PATTERN = "cpchair-*.sqlite"
SIDE_FILES = ("-wal", "-shm", "-journal")


class DatabaseDamaged(DatabaseError):
    """The database failed its integrity check; ``latest_good`` is the newest backup that passes it."""

    def __init__(self, message: str, db_path: Path, latest_good: Path | None) -> None:
        super().__init__(message)
        self.db_path = db_path
        self.latest_good = latest_good


@dataclass(frozen=True)
class Backup:
    path: Path
    created: datetime  # UTC, from the file's modification time
    size: int

    @property
    def label(self) -> str:
        """What kind of backup: ``daily``, ``manual``, ``before-restore``, ``before-0002-from-0001``..."""
        stem = self.path.stem.removeprefix("cpchair-")
        return stem.rsplit("-", 1)[0] if "-" in stem else stem


# --- privacy ---------------------------------------------------------------------------------------------


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) and make it readable by this user only (POSIX)."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if IS_POSIX:
        with contextlib.suppress(OSError):
            os.chmod(folder, PRIVATE_DIR)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (SQLite treats an empty file as a new database)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def _chmod_private(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_file() and not path.is_symlink():
            os.chmod(path, PRIVATE_FILE)


def secure_data_dir(db_path: Path) -> None:
    """Make the data folder 0700 and what cpchair keeps in it 0600: the database and its side files, the
    backups, the keys (``*.key`` here or in ``keys/``) and the crash log. POSIX only; never follows a link."""
    folder = db_path.parent
    make_private_dir(folder)
    if not IS_POSIX:
        return
    for name in (db_path.name, *(db_path.name + s for s in SIDE_FILES)):
        _chmod_private(folder / name)
    for pattern in ("*.key", "*.sqlite", "*.sqlite-*", "merge.lock"):
        for path in folder.glob(pattern):
            _chmod_private(path)
    for sub in ("backups", "keys", "logs"):
        inner = folder / sub
        if inner.is_dir() and not inner.is_symlink():
            with contextlib.suppress(OSError):
                os.chmod(inner, PRIVATE_DIR)
            for path in inner.iterdir():
                _chmod_private(path)


# --- backups ---------------------------------------------------------------------------------------------


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def backup(db_path: Path, dest_dir: Path | None = None, label: str = "manual", *, prune: bool = True) -> Path:
    """An online, consistent copy of ``db_path`` in ``dest_dir`` (default ``backups/``), mode 0600; then
    only the newest ``KEEP`` backups are kept (unless ``prune`` is False). Returns the new file's path."""
    dest_dir = dest_dir or backups_dir(db_path)
    make_private_dir(dest_dir)
    dest = dest_dir / f"cpchair-{label}-{_stamp()}.sqlite"
    create_private_file(dest)
    try:
        _copy(db_path, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise
    if prune:
        prune_backups(dest_dir, keep_also=dest)
    return dest


def _copy(src_path: Path, dest_path: Path) -> None:
    """SQLite's online backup from ``src_path`` into ``dest_path`` (all pages, in one step)."""
    src = sqlite3.connect(src_path, timeout=15)
    try:
        dst = sqlite3.connect(dest_path)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def list_backups(dest_dir: Path) -> list[Backup]:
    """The backups in ``dest_dir``, newest first."""
    out = []
    if not dest_dir.is_dir():
        return out
    for path in dest_dir.glob(PATTERN):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append(Backup(path, datetime.fromtimestamp(st.st_mtime, UTC), st.st_size))
    out.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return out


def prune_backups(dest_dir: Path, keep: int = KEEP, keep_also: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted."""
    removed = []
    for b in list_backups(dest_dir)[keep:]:
        if keep_also is not None and b.path == keep_also:
            continue
        with contextlib.suppress(OSError):
            b.path.unlink()
            removed.append(b.path)
    return removed


def daily_backup_due(dest_dir: Path, now: datetime | None = None) -> bool:
    """True when no backup is younger than a day."""
    newest = list_backups(dest_dir)
    return not newest or (now or datetime.now(UTC)) - newest[0].created >= DAILY


# --- checking --------------------------------------------------------------------------------------------


def quick_check(path: Path) -> str | None:
    """None when SQLite's ``quick_check`` finds ``path`` sound; otherwise what it (or opening it) said."""
    try:
        conn = sqlite3.connect(path, timeout=15)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    found = [r[0] for r in rows]
    if found == ["ok"]:
        return None
    lines = [ln for row in found for ln in str(row).splitlines() if ln.strip() and not ln.startswith("***")]
    return "; ".join(lines[:2]) or "it failed the check"


def schema_revision(path: Path) -> str | None:
    """The Alembic revision recorded in a database file, or None when it has none (not a cpchair database)."""
    try:
        conn = sqlite3.connect(path, timeout=15)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def latest_good_backup(dest_dir: Path) -> Path | None:
    """The newest backup that passes quick_check and that this release can open."""
    for b in list_backups(dest_dir):
        if check_backup(b.path) is None:
            return b.path
    return None


def check_backup(path: Path) -> str | None:
    """Why ``path`` cannot be restored, or None when it can."""
    from cpchair.storage.migrate import KNOWN

    if not path.is_file():
        return f"{path} is not a file"
    problem = quick_check(path)
    if problem is not None:
        return f"{path.name} is damaged too ({problem})"
    rev = schema_revision(path)
    if rev is None:
        return f"{path.name} is not a cpchair database"
    if rev not in KNOWN:
        return f"{path.name} was written by a newer cpchair (schema {rev}); install that version to restore it"
    return None


def damaged_error(db_path: Path, problem: str) -> DatabaseDamaged:
    good = latest_good_backup(backups_dir(db_path))
    if good is not None:
        remedy = (
            f"Restore the newest good backup: in the app, File > Restore from backup, or on the command line "
            f"`cpchair restore {good}` (`cpchair backup --list` lists every backup). "
            "The damaged file is kept aside, not deleted."
        )
    else:
        remedy = "There is no good backup to restore; ask your IT support to recover the file before using cpchair."
    return DatabaseDamaged(
        f"The database {db_path} is damaged (SQLite's check says: {problem[:200]}). {remedy}", db_path, good
    )


def check_at_startup(db_path: Path) -> None:
    """Raise DatabaseDamaged (naming the backup to restore) when an existing database fails quick_check."""
    try:
        if not db_path.is_file() or db_path.stat().st_size == 0:
            return
    except OSError:
        return
    problem = quick_check(db_path)
    if problem is not None:
        raise damaged_error(db_path, problem)


# --- restoring -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    source: Path
    kept_aside: list[Path]  # the database as it was (a backup, or the damaged files moved aside)


def restore(db_path: Path, source: Path) -> Restored:
    """Replace the database at ``db_path`` with the backup ``source``, after checking the backup and
    keeping the current database aside. Raises DatabaseError, with the reason, and changes nothing, when
    the backup cannot be restored."""
    source = Path(source)
    problem = check_backup(source)
    if problem is not None:
        raise DatabaseError(f"Nothing was restored: {problem}. Choose another backup (`cpchair backup --list`).")
    folder = backups_dir(db_path)
    make_private_dir(folder)
    readable = db_path.is_file() and quick_check(db_path) is None
    if readable:
        aside = [backup(db_path, folder, "before-restore", prune=False)]
        _copy_into_live(source, db_path)
    else:
        aside = _move_aside(db_path, folder)
        tmp = db_path.with_name(db_path.name + ".restoring")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        create_private_file(tmp)
        _copy(source, tmp)
        os.replace(tmp, db_path)
    secure_data_dir(db_path)
    prune_backups(folder, keep=max(KEEP, 1), keep_also=aside[0] if aside else None)
    return Restored(source, aside)


def _copy_into_live(source: Path, db_path: Path) -> None:
    """The online backup API run backwards: every page of ``source`` written into the live database, in
    one transaction, so connections that are open see the change like any other write."""
    src = sqlite3.connect(source, timeout=15)
    try:
        dst = sqlite3.connect(db_path, timeout=15)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _move_aside(db_path: Path, folder: Path) -> list[Path]:
    """Move a damaged database and its side files into ``backups/`` whole, for whoever recovers them."""
    stamp = _stamp()
    moved = []
    for suffix in ("", *SIDE_FILES):
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            dest = folder / f"damaged-{stamp}-{path.name}"
            os.replace(path, dest)
            moved.append(dest)
    return moved
