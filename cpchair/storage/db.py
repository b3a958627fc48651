"""The engine and its SQLite pragmas, and opening a database ready for use.

Pragmas: WAL (readers never block the autosave), foreign keys on, ``synchronous=FULL`` so that "Saved"
means durable even after a power cut, a busy timeout so a second process waits instead of failing, and
``secure_delete`` so a deleted conference's names and minutes are overwritten with zeros in the file (and
its WAL), not left in free pages for an undelete tool on a lost laptop. Opening also keeps the folder
private, checks the file and makes the daily backup (``storage.backups``).
One engine per process; a short Session per user action (``expire_on_commit=False`` so plain data
can leave the session).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

PRAGMAS = ("foreign_keys=ON", "journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000", "secure_delete=ON")


def _set_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def make_engine(url_or_path: str | Path) -> Engine:
    """An engine for a SQLite file (a path) or any SQLAlchemy URL (the coordinator may use PostgreSQL)."""
    url = str(url_or_path)
    if "://" not in url:
        url = f"sqlite:///{Path(url)}"
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _set_pragmas)
        return engine
    return create_engine(url)


class Database:
    """An opened, migrated database: ``db.session()`` gives a new Session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._factory()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: str | Path | None = None) -> Database:
    """Open (creating or upgrading as needed) the installation's database.

    Raises DatabaseTooNew for a database from a newer cpchair, DatabaseError when it cannot be opened.
    """
    from cpchair import paths
    from cpchair.errors import DatabaseError, DatabaseTooNew
    from cpchair.storage import backups
    from cpchair.storage.migrate import ensure_schema

    db_path = Path(path) if path else paths.database_path()
    backups.secure_data_dir(db_path)  # 0700 folder, 0600 files (POSIX), every start
    size = db_path.stat().st_size if db_path.is_file() else 0
    daily = size > 0 and backups.daily_backup_due(backups.backups_dir(db_path))
    if daily or 0 < size <= backups.ALWAYS_CHECK_BYTES:
        backups.check_at_startup(db_path)  # DatabaseDamaged names the backup to restore
    backups.create_private_file(db_path)  # 0600 from the start; SQLite gives -wal and -shm the same mode
    engine = make_engine(db_path)
    try:
        try:
            ensure_schema(engine, db_path)  # backs up before any migration
        except DatabaseTooNew:
            raise
        except DatabaseError:
            backups.check_at_startup(db_path)  # unreadable: say so with the way back when it is damage
            raise
        if daily:
            # a full disk must not stop the chair working; the next start tries again
            with contextlib.suppress(OSError, sqlite3.Error):
                backups.backup(db_path, label="daily")
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)


def begin_write(session: Session) -> None:
    """Start the session's next transaction as a writer at once (SQLite ``BEGIN IMMEDIATE``).

    Why: in WAL mode a transaction that reads first and writes later fails at once with "database is
    locked" when another connection wrote in between (it cannot wait: its snapshot is stale); one that
    takes the write lock up front waits its turn (``busy_timeout``) instead. Other databases: nothing to do.
    """
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.execute(text("BEGIN IMMEDIATE"))


def begin_snapshot(session: Session) -> None:
    """Start the session's next transaction so that all of its reads see one state of the store.

    Why: the dashboard reads the chairs' names, then streams the records; a merge committed in between would
    otherwise give records of a chair not yet named, or figures from after the merge beside names from before
    it. SQLite: a deferred ``BEGIN`` takes its snapshot at the first read and keeps it until the transaction
    ends (WAL mode; Python's sqlite3 module starts no transaction for a read by itself). PostgreSQL:
    ``REPEATABLE READ``, one snapshot for the whole transaction. Nothing to do once a transaction is open.
    """
    if session.in_transaction():
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("BEGIN"))
    elif dialect == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def describe_error(exc: BaseException) -> str:
    """A database failure in words a chair can act on (the driver's text carries SQL and values, which mean
    nothing to them and may hold names). The form keeps what is on screen and tries again."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full. Free some space (empty the recycle bin, delete old downloads)"
    if "locked" in text or "busy" in text:
        return "the database is busy, perhaps in another cpchair window. Close it and wait a moment"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the data folder cannot be written to. Check that the disk is connected and you may write to it"
    if "malformed" in text or "not a database" in text:
        return "the database is damaged. Close cpchair and restore the newest copy from the backups folder"
    return f"the database reported a problem ({type(getattr(exc, 'orig', None) or exc).__name__})"
