"""Where the coordinator's merged store lives: this installation's SQLite file, or a PostgreSQL server.

Why two stores: a service with several coordinators (coordinator, service manager, a deputy) needs one
merged store they all read and merge into, and SQLite on a network share is unsafe. A chair, or a service
with one coordinator, keeps the default: the merged tables in the installation's own SQLite file.

Only the merged, pseudonymous records, the enrolment of chairs' keys and the record of merges go to the
server. Everything a chair keeps (names, minutes, settings, keys) stays in the local SQLite file, because
every service that handles it is handed the local database, never this store.

Where the URL comes from, first found wins: ``--database-url``, ``CPCHAIR_DATABASE_URL``, the
``database_url`` setting. The password is never kept in a settings file: a URL that carries one is refused
for the setting; it comes from the operating system's credential store (``keyring``, under the service
``cpchair-database`` and the user ``user@host:port/database``) or from a libpq service file
(``postgresql+psycopg:///?service=cpchair``, with ``PGSERVICEFILE``/``~/.pg_service.conf``). TLS options
(``sslmode=verify-full``, ``sslrootcert=…``) are query parameters of the URL and pass to libpq unchanged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from cpchair.errors import CpchairError, DatabaseError

ENV_VAR = "CPCHAIR_DATABASE_URL"
KEYRING_SERVICE = "cpchair-database"
#: The drivers a merged store may use. PostgreSQL through psycopg 3 only: one driver to test and support.
SERVER_DRIVERS = ("postgresql+psycopg",)

_override: str | None = None


class StoreConfigError(CpchairError):
    """The merged store's address or credentials are not usable as given."""


def set_database_url(url: str | None) -> None:
    """Use ``url`` for the merged store in this process (``--database-url``); None returns to the default."""
    global _override
    _override = url or None


def parse_url(url: str) -> URL:
    """The URL checked for a driver cpchair supports, with a message that says what to write instead."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreConfigError(
            f"'{_redact_text(url)}' is not a database address: write it as "
            "postgresql+psycopg://USER@HOST:5432/DATABASE?sslmode=verify-full"
        ) from exc
    if parsed.drivername == "postgresql":  # the plain scheme libpq users know; psycopg 3 is what we ship
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in SERVER_DRIVERS:
        raise StoreConfigError(
            f"cpchair keeps a merged store only on PostgreSQL (postgresql+psycopg://…), not '{parsed.drivername}'."
        )
    return parsed


def _redact_text(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable address>"


def redacted(url: str | URL) -> str:
    """The address as it may be shown or logged: never with its password."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def check_url_for_settings(url: str) -> str:
    """The URL normalised for the ``database_url`` setting; refuses one that carries a password, which
    belongs in the credential store (a settings table is read by anyone who can read the database)."""
    parsed = parse_url(url)
    if parsed.password is not None:
        raise StoreConfigError(
            "The address includes a password. Remove it from the address: cpchair asks for the password and "
            "keeps it in the computer's credential store, or use a PostgreSQL service file."
        )
    return parsed.render_as_string(hide_password=False)


def keyring_user(url: URL) -> str:
    """The name the password is kept under in the credential store: one entry per server and database."""
    return f"{url.username or ''}@{url.host or ''}:{url.port or 5432}/{url.database or ''}"


def _keyring():
    """The credential store, or None where there is none (a headless Linux server has no Secret Service)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency; a stripped bundle may lack it
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def save_password(url: str | URL, password: str) -> None:
    """Keep the store's password in the operating system's credential store."""
    parsed = parse_url(str(url)) if not isinstance(url, URL) else url
    kr = _keyring()
    if kr is None:
        raise StoreConfigError(
            "This computer has no credential store to keep the password in: use a PostgreSQL service file "
            "(PGSERVICEFILE) or client certificates instead."
        )
    kr.set_password(KEYRING_SERVICE, keyring_user(parsed), password)


def with_password(url: URL) -> URL:
    """The URL with its password from the credential store, when it has none and names no service file."""
    if url.password is not None or "service" in url.query or not url.username:
        return url
    kr = _keyring()
    if kr is None:
        return url
    password = kr.get_password(KEYRING_SERVICE, keyring_user(url))
    return url if password is None else url.set(password=password)


@dataclass(frozen=True)
class StoreChoice:
    """Where the merged store is, and why: ``url`` is None for this installation's own SQLite file."""

    url: str | None
    source: str  # "option" | "environment" | "setting" | "local"

    @property
    def is_server(self) -> bool:
        return self.url is not None

    def describe(self) -> str:
        if self.url is None:
            return "this computer's database"
        return f"PostgreSQL at {redacted(self.url)}"


def choose(setting_value: str | None = None) -> StoreChoice:
    """Which store to use: the ``--database-url`` option, then the environment, then the setting."""
    if _override:
        return StoreChoice(_override, "option")
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return StoreChoice(env, "environment")
    if setting_value:
        return StoreChoice(setting_value, "setting")
    return StoreChoice(None, "local")


def make_server_engine(url: str, *, password: str | None = None) -> Engine:
    """An engine for the PostgreSQL store. ``pool_pre_ping`` because a server connection can drop while the
    app sits idle for hours; the application name shows in ``pg_stat_activity`` for the council's DBA.
    ``password``, when given (typed by the coordinator), is used instead of the credential store's."""
    parsed = parse_url(url)
    parsed = parsed.set(password=password) if password is not None else with_password(parsed)
    query = dict(parsed.query)
    query.setdefault("application_name", "cpchair")
    return create_engine(parsed.set(query=query), pool_pre_ping=True, pool_size=2, max_overflow=2)


def open_store(choice: StoreChoice, local, *, password: str | None = None):
    """The merged store as a ``Database``: ``local`` itself, or a migrated PostgreSQL store.

    Raises DatabaseError (with the address, never the password) when the server cannot be reached,
    DatabaseTooNew for a store migrated by a newer cpchair."""
    if not choice.is_server:
        return local
    from sqlalchemy.exc import OperationalError

    from cpchair.storage.db import Database
    from cpchair.storage.migrate import ensure_schema

    engine = make_server_engine(choice.url, password=password)
    try:
        with engine.connect():  # reach the server first, so its failure is told as such
            pass
        ensure_schema(engine)
    except OperationalError as exc:
        engine.dispose()
        if _is_password_refusal(exc):
            raise StorePasswordNeeded(
                f"The merged store ({choice.describe()}) needs the password of {parse_url(choice.url).username}."
            ) from exc
        raise DatabaseError(
            f"The merged store ({choice.describe()}) cannot be reached: {_first_line(exc)}. "
            "Check the address, the network and the password, or ask the council's database administrator."
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)


class StorePasswordNeeded(DatabaseError):
    """The server asked for a password that neither the credential store nor a service file gave."""


def _is_password_refusal(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "password authentication failed" in text or "no password supplied" in text


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def analyze_merged_tables(session) -> None:
    """Refresh the PostgreSQL planner's statistics of the merged tables inside the running merge (ANALYZE
    counts the transaction's own rows; autovacuum cannot see them until the merge commits)."""
    from sqlalchemy import text

    for table in ("merged_conference", "merged_deletion", "imported_file"):
        session.execute(text(f"ANALYZE {table}"))
