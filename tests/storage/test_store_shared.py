"""Several coordinators on one PostgreSQL store: merges one at a time, readers never see half a merge, the
figures identical to SQLite's, and nothing of a chair's private data on the server."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from sqlalchemy import select, text

from cpchair.services import dashboard, merge, stats
from cpchair.storage.locks import MergeBusy, merge_lock
from cpchair.storage.models import ImportedFile, MergeConflict, MergedConference, MergedDeletion
from cpchair.storage.store import StoreChoice, open_store
from tests.domain.generated_records import export_document, generate

PERIODS = [
    (date(2022, 4, 1), date(2023, 3, 31)),
    (date(2023, 4, 1), date(2024, 3, 31)),
    (date(2024, 4, 1), date(2025, 9, 30)),
]


@pytest.fixture(scope="module")
def share(tmp_path_factory):
    """Three chairs' exports of ~1,500 generated records: revisions, a deletion and a conflict among them."""
    folder = tmp_path_factory.mktemp("share")
    records = generate(1500, seed=31)
    by_chair: dict[int, list[dict]] = {}
    for chair, rec in records:
        by_chair.setdefault(chair, []).append(rec)
    for chair, recs in by_chair.items():
        half = len(recs) // 2
        (folder / f"c{chair}-1.json").write_text(json.dumps(export_document(recs[:half], chair=chair)), "utf-8")
        later = [dict(r, revision=r["revision"] + 1) for r in recs[: half // 3]] + recs[half:]
        gone_rec = recs[half // 3 + 1]
        gone = [{"id": gone_rec["id"], "revision": gone_rec["revision"] + 5, "deleted_at": "2025-06-01T10:00:00Z"}]
        doc = export_document(later, chair=chair, sequence=2, deleted=gone)
        (folder / f"c{chair}-2.json").write_text(json.dumps(doc), "utf-8")
    original = by_chair[0][len(by_chair[0]) // 2 + 5]  # in chair 0's second file at this revision
    clash = dict(original, quorate=not original["quorate"])
    (folder / "c0-clash.json").write_text(json.dumps(export_document([clash], chair=0, sequence=3)), "utf-8")
    return folder


def _dump(session) -> dict[str, list]:
    out = {}
    for model in (MergedConference, MergedDeletion, MergeConflict, ImportedFile):
        cols = [c for c in model.__table__.c if c.name not in ("pk", "detected_at", "merged_at", "path", "source_path")]
        out[model.__tablename__] = sorted((tuple(r) for r in session.execute(select(*cols))), key=repr)
    return out


def _figures(session) -> list:
    records, chair_of = dashboard.merged_records(session)
    out = []
    for start, end in PERIODS:
        out.append(stats.compute_stats(session, start, end))
        out.append(dashboard.build(records, chair_of, start, end))
    return out


@pytest.fixture
def server_store(pg_server, db):
    database = open_store(StoreChoice(pg_server.create_database(), "option"), db)
    yield database
    database.dispose()


def test_the_same_share_gives_identical_rows_and_figures_on_sqlite_and_postgresql(db, server_store, share):
    with db.session() as a, server_store.session() as b:
        sa, sb = merge.merge_folder(a, share, allow_unsigned=True), merge.merge_folder(b, share, allow_unsigned=True)
        assert sa.to_json() == sb.to_json() and sa.conflicts == 1 and sa.deleted >= 3
        assert _dump(a) == _dump(b)
        assert _figures(a) == _figures(b)


def test_a_second_merge_waits_for_the_first_then_finds_nothing_new(pg_server, db, share):
    url = pg_server.create_database()
    first, second = open_store(StoreChoice(url, "option"), db), open_store(StoreChoice(url, "option"), db)
    inside, release, waited = threading.Event(), threading.Event(), threading.Event()
    results = {}

    def hold(done, _total, _outcome):
        if done == 1:
            inside.set()
            assert release.wait(30)

    def run_first():
        with first.session() as s:
            results["first"] = merge.merge_folder(s, share, on_file=hold, allow_unsigned=True)

    def run_second():
        with second.session() as s:
            results["second"] = merge.merge_folder(s, share, on_wait=waited.set, allow_unsigned=True)

    try:
        t1 = threading.Thread(target=run_first)
        t1.start()
        assert inside.wait(30)
        t2 = threading.Thread(target=run_second)
        t2.start()
        assert waited.wait(30), "the second merge was not told it waits for the first"
        assert "second" not in results
        release.set()
        t1.join(60)
        t2.join(60)
        assert results["first"].added > 1000
        assert {f.status for f in results["second"].files} == {"unchanged"}
    finally:
        release.set()
        first.dispose()
        second.dispose()


def test_a_merge_that_cannot_get_its_turn_is_told_and_applies_nothing(server_store, share):
    with server_store.session() as holder, server_store.session() as other:
        with merge_lock(holder), pytest.raises(MergeBusy, match="try again"), merge_lock(other, wait_seconds=0.5):
            pass
        holder.rollback()
        assert other.execute(select(MergedConference.id)).first() is None


def test_readers_see_the_figures_before_or_after_a_merge_never_half(server_store, db, share):
    with server_store.session() as s:
        before = stats.compute_stats(s, *PERIODS[1])
    inside, release = threading.Event(), threading.Event()
    seen_during = []

    def hold(done, total, _outcome):
        if done == total - 1:  # all but one file applied, not yet committed
            inside.set()
            assert release.wait(30)

    def run():
        with server_store.session() as s:
            merge.merge_folder(s, share, on_file=hold, allow_unsigned=True)

    t = threading.Thread(target=run)
    t.start()
    try:
        assert inside.wait(30)
        with server_store.session() as reader:
            seen_during.append(stats.compute_stats(reader, *PERIODS[1]))
    finally:
        release.set()
        t.join(60)
    with server_store.session() as s:
        after = stats.compute_stats(s, *PERIODS[1])
    assert seen_during == [before]
    assert after != before and after["conferences"]["total"] > 0


def test_a_chairs_private_data_never_reaches_the_server(tmp_path, pg_server, capsys, monkeypatch):
    """A coordinator who is also a chair: demo conferences with names and minutes, exported and merged into
    the server store. The server holds merged pseudonymous records only; no name or minutes text."""
    from cpchair.cli import main
    from cpchair.storage import store as store_mod

    url = pg_server.create_database()
    monkeypatch.setenv("CPCHAIR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(store_mod.ENV_VAR, url)
    share = tmp_path / "share"
    share.mkdir()
    assert main(["demo", "--conferences", "30"]) == 0
    assert main(["export", "--to", str(share), "--sample", "--unsigned"]) == 0  # demo data: a sample
    assert main(["merge", str(share), "--allow-unsigned"]) == 0
    capsys.readouterr()

    from cpchair.storage.db import open_database

    local = open_database()
    with local.session() as s:
        names = {n for (n,) in s.execute(text("SELECT child_name FROM conference_child")) if n}
        names |= {n for (n,) in s.execute(text("SELECT family_name FROM conference")) if n}
    local.dispose()
    assert names
    engine = store_mod.make_server_engine(url)
    try:
        with engine.connect() as conn:
            for table in ("conference", "conference_child", "setting", "export_log"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            assert conn.execute(text("SELECT count(*) FROM merged_conference")).scalar() > 0
            dump = " ".join(r for (r,) in conn.execute(text("SELECT record FROM merged_conference")))
        assert not [n for n in names if n in dump]
    finally:
        engine.dispose()
