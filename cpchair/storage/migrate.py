"""Bring a database to the schema this release expects, safely.

Start-up must stay fast, and Alembic alone costs about a third of a second to import, so the common case
(the database is already at ``HEAD``) is decided by reading ``alembic_version`` directly. Only a new or an
older database imports Alembic; an older one is first copied with SQLite's online backup API into
``backups/``. A revision this release does not know means the database came from a newer cpchair:
it is refused, never touched.

On a PostgreSQL merged store, several coordinators' copies may start at once: the upgrade runs in one
transaction holding a transaction-scoped advisory lock, and the revision is read again under that lock, so
the second copy waits, finds the store current, and migrates nothing (PostgreSQL's DDL is transactional, so
a failed upgrade leaves the previous schema whole). The council backs the server up; cpchair does not.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from cpchair.errors import DatabaseError, DatabaseTooNew

#: The newest migration in ``migrations/versions``; a test checks it against Alembic's own view.
HEAD = "0009"
#: The advisory lock key of "migrating the merged store" (any constant shared by every cpchair release).
MIGRATION_LOCK = 0x63706368_0001
#: Every revision this release knows, oldest first.
KNOWN = ("0001", "0002", "0004", "0006", "0007", "0008", "0003", "0009")  # in the order they run


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "cpchair.storage:migrations")
    cfg.attributes["engine"] = engine
    return cfg


def backup(db_path: Path, dest_dir: Path, label: str) -> Path:
    """An online, consistent copy (safe while WAL holds committed pages not yet in the main file), 0600,
    one of the newest seven kept (``storage.backups``)."""
    from cpchair.storage.backups import backup as online_backup

    return online_backup(db_path, dest_dir, label)


def ensure_schema(engine: Engine, db_path: Path | None = None) -> str:
    """Create or upgrade the schema; returns what was done: ``current``, ``created`` or ``upgraded``."""
    try:
        rev = current_revision(engine)
    except Exception as exc:  # a file that is not a database, a locked file, a permissions problem
        raise DatabaseError(
            f"The database {db_path} cannot be read ({exc}). Restore it from backups/ or move it."
        ) from exc
    if rev == HEAD:
        return "current"
    _check_known(rev, str(db_path) if db_path else engine.url.render_as_string(hide_password=True))
    from alembic import command

    if engine.dialect.name == "postgresql":
        return _upgrade_server(engine)
    if rev is not None and db_path is not None and db_path.exists():
        backup(db_path, db_path.parent / "backups", f"before-{HEAD}-from-{rev}")
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return "created" if rev is None else "upgraded"


def _check_known(rev: str | None, where: str) -> None:
    if rev is not None and rev not in KNOWN:
        raise DatabaseTooNew(
            f"This database ({where}) was written by a newer version of cpchair (schema {rev}). "
            "Install the newer cpchair to open it; this version will not change it."
        )


def _upgrade_server(engine: Engine) -> str:
    """Upgrade a PostgreSQL store under an advisory lock (see the module's docstring)."""
    from alembic import command

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        rev = (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if inspect(conn).has_table("alembic_version")
            else None
        )
        if rev == HEAD:
            return "current"  # another copy migrated it while this one waited for the lock
        _check_known(rev, engine.url.render_as_string(hide_password=True))
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return "created" if rev is None else "upgraded"
