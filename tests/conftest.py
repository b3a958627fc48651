"""Shared fixtures: an isolated data folder and a fresh, migrated database for every test.

Qt runs offscreen (set here, not only in the Makefile, so a bare `pytest` behaves the same);
set CPCHAIR_TEST_HEADED=1 to watch the windows instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

if not os.environ.get("CPCHAIR_TEST_HEADED"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
# private keys go to 0600 files in each test's data folder, never into the developer's keychain
os.environ["CPCHAIR_SECRET_STORE"] = "file"

REPO = Path(__file__).resolve().parents[1]
# The repository keeps its own copy of the contract and its public vectors, so a bare clone passes alone;
# tests/test_spec_copy.py checks the copy against the steering folder's spec, where that folder is beside the clone.
SPEC_DIR = REPO / "docs" / "spec"
CONFORMANCE = REPO / "tests" / "data" / "conformance"
CONFORMANCE_V2 = REPO / "tests" / "data" / "conformance-v2"


@pytest.fixture(autouse=True)
def _forget_data_dir_override():
    """`cpchair --data-dir` sets a process-wide override; tests that call the CLI in-process must not leak it."""
    yield
    from cpchair import paths

    paths.set_data_dir(None)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """This test's own data folder, used by everything that asks cpchair.paths."""
    from cpchair import paths

    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv(paths.ENV_VAR, str(d))
    paths.set_data_dir(None)
    yield d
    paths.set_data_dir(None)


@pytest.fixture
def db(data_dir):
    from cpchair.storage.db import open_database

    database = open_database()
    yield database
    database.dispose()


@pytest.fixture
def session(db):
    with db.session() as s:
        yield s
        s.rollback()


@pytest.fixture
def conformance_v2() -> Path:
    if not CONFORMANCE_V2.is_dir():
        pytest.fail(f"the v2 conformance vectors are missing: expected them at {CONFORMANCE_V2}")
    return CONFORMANCE_V2


@pytest.fixture
def conformance() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.fail(f"the conformance vectors are missing: expected them at {CONFORMANCE}")
    return CONFORMANCE


# --- the merged store on both engines ------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL cluster for this test process (see tests/pg_server.py)."""
    from tests.pg_server import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: CI must install Debian's postgresql package (.ci/run)")
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql); CI runs these tests")
    server = PostgresServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, db):
    """The coordinator's merged store, once on this installation's SQLite file and once on a fresh PostgreSQL
    database: tests using it must give identical results on both."""
    if request.param == "sqlite":
        yield db
        return
    from cpchair.storage.store import StoreChoice, open_store

    server = request.getfixturevalue("pg_server")
    database = open_store(StoreChoice(server.create_database(), "option"), db)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request, monkeypatch):
    """For tests of the command line: the merged store on SQLite, then on PostgreSQL through
    ``CPCHAIR_DATABASE_URL`` exactly as a coordinator would configure it."""
    if request.param == "postgresql":
        from cpchair.storage.store import ENV_VAR

        monkeypatch.setenv(ENV_VAR, request.getfixturevalue("pg_server").create_database())
    return request.param
