"""The merged store on PostgreSQL: chosen as the coordinator says, migrated once however many copies start,
refused when newer, never given a password to keep in a settings file, and never sent a chair's private data."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from cpchair.errors import DatabaseTooNew
from cpchair.storage import store as store_mod
from cpchair.storage.migrate import HEAD
from cpchair.storage.store import StoreChoice, StoreConfigError, open_store


def test_the_option_wins_over_the_environment_and_the_environment_over_the_setting(monkeypatch):
    monkeypatch.setenv(store_mod.ENV_VAR, "postgresql+psycopg://env@h/db")
    assert store_mod.choose("postgresql+psycopg://setting@h/db") == StoreChoice(
        "postgresql+psycopg://env@h/db", "environment"
    )
    store_mod.set_database_url("postgresql+psycopg://opt@h/db")
    try:
        assert store_mod.choose("x").source == "option"
    finally:
        store_mod.set_database_url(None)
    monkeypatch.delenv(store_mod.ENV_VAR)
    assert store_mod.choose("postgresql+psycopg://setting@h/db").source == "setting"
    assert store_mod.choose(None) == StoreChoice(None, "local")


def test_a_password_in_the_address_is_refused_for_the_settings_and_never_shown():
    with pytest.raises(StoreConfigError, match="includes a password"):
        store_mod.check_url_for_settings("postgresql+psycopg://coord:s3cret@db.council.local/cpchair")
    shown = StoreChoice("postgresql+psycopg://coord:s3cret@db.council.local/cpchair", "option").describe()
    assert "s3cret" not in shown and "db.council.local" in shown


def test_tls_options_pass_through_to_the_driver_unchanged():
    url = "postgresql://coord@db.council.local:5433/cpchair?sslmode=verify-full&sslrootcert=/etc/ssl/council.pem"
    kept = store_mod.check_url_for_settings(url)
    engine = store_mod.make_server_engine(kept)
    try:
        args = engine.dialect.create_connect_args(engine.url)[1]
        assert args["sslmode"] == "verify-full" and args["sslrootcert"] == "/etc/ssl/council.pem"
        assert args["host"] == "db.council.local" and args["port"] == 5433
    finally:
        engine.dispose()


def test_only_postgresql_is_accepted_as_a_server_store():
    with pytest.raises(StoreConfigError, match="only on PostgreSQL"):
        store_mod.parse_url("mysql://coord@db/cpchair")
    with pytest.raises(StoreConfigError, match="not a database address"):
        store_mod.parse_url("db.council.local")


def test_the_password_comes_from_the_credential_store(monkeypatch):
    kept = {}

    class FakeKeyring:
        @staticmethod
        def get_password(service, user):
            return kept.get((service, user))

        @staticmethod
        def set_password(service, user, pw):
            kept[(service, user)] = pw

    monkeypatch.setattr(store_mod, "_keyring", lambda: FakeKeyring)
    url = store_mod.parse_url("postgresql+psycopg://coord@db.council.local/cpchair")
    store_mod.save_password(url, "from-keyring")
    assert kept == {("cpchair-database", "coord@db.council.local:5432/cpchair"): "from-keyring"}
    assert store_mod.with_password(url).password == "from-keyring"
    service = store_mod.parse_url("postgresql+psycopg:///?service=cpchair")
    assert store_mod.with_password(service).password is None  # libpq's service file has the say


def test_a_new_server_store_is_migrated_to_this_release(pg_server, db):
    database = open_store(StoreChoice(pg_server.create_database(), "option"), db)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    finally:
        database.dispose()


def test_copies_starting_at_once_migrate_the_store_once(pg_server, db):
    url = pg_server.create_database()
    outcomes, errors = [], []

    def start():
        from cpchair.storage.migrate import ensure_schema
        from cpchair.storage.store import make_server_engine

        engine = make_server_engine(url)
        try:
            outcomes.append(ensure_schema(engine))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(outcomes) == ["created", "current", "current", "current"]


def test_a_store_from_a_newer_release_is_refused_and_left_alone(pg_server, db):
    url = pg_server.create_database()
    open_store(StoreChoice(url, "option"), db).dispose()
    from cpchair.storage.store import make_server_engine

    engine = make_server_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(DatabaseTooNew, match="newer version of cpchair"):
        open_store(StoreChoice(url, "option"), db)
    engine = make_server_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_an_unreachable_server_is_said_without_the_password(db, tmp_path):
    from cpchair.errors import DatabaseError

    url = f"postgresql+psycopg://coord:hunter2@/cpchair?host={tmp_path}&connect_timeout=2"
    with pytest.raises(DatabaseError) as caught:
        open_store(StoreChoice(url, "option"), db)
    assert "cannot be reached" in str(caught.value) and "hunter2" not in str(caught.value)
