"""The engine and its SQLite pragmas, and opening a database ready for use.

Pragmas: WAL (readers never block the autosave), foreign keys on, ``synchronous=FULL`` so that "Saved"
means durable even after a power cut, and a busy timeout so a second process waits instead of failing.
One engine per process; a short Session per user action (``expire_on_commit=False`` so plain data
can leave the session).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

PRAGMAS = ("foreign_keys=ON", "journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000")


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
    from cpchair.storage.migrate import ensure_schema

    db_path = Path(path) if path else paths.database_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_path)
    ensure_schema(engine, db_path)
    return Database(engine)


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
