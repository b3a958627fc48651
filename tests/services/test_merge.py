"""The coordinator's merge (spec §6.1): idempotent in any order, stale revisions ignored, deletions kept,
conflicts kept for a person, each file all-or-nothing, and hostile files rejected without changing anything.
"""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from cpchair.errors import CpchairError, DatabaseError
from cpchair.interchange.canonical import payload_sha256
from cpchair.services import merge, stats
from cpchair.storage.db import open_database
from cpchair.storage.models import ImportedFile, MergeConflict, MergedConference, MergedDeletion
from tests.domain.generated_records import export_document, generate

TABLES = (MergedConference, MergedDeletion, MergeConflict, ImportedFile)


def dump(session, *, provenance: bool = True) -> dict[str, list[tuple]]:
    """Every row of the coordinator's tables, sorted; without provenance (which file brought a row, when)
    for comparing merges done in different orders."""
    out = {}
    for model in TABLES:
        table = model.__table__
        cols = [c for c in table.c if provenance or c.name not in ("export_id", "merged_at", "path", "status")]
        if not provenance and model is ImportedFile:
            continue
        rows = session.execute(select(*cols)).all()
        out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


@pytest.fixture
def session(store):
    """The merge's own tests run on both stores: SQLite and a real PostgreSQL server (tests/conftest.py)."""
    with store.session() as s:
        yield s
        s.rollback()


def write(folder, name, doc) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc), "utf-8")
    return str(path)


@pytest.fixture(scope="module")
def sample():
    return [r for _c, r in generate(40, seed=9)][:12]


def gone_marker(rid: str, revision: int) -> dict:
    return {"id": rid, "revision": revision, "deleted_at": "2025-05-01T09:00:00Z"}


def second_laptop(records, **kw) -> dict:
    """An export by chair 0 from another computer (its own device id and name as entered there): the only way,
    under the ownership rule, that two files may disagree about the same conference."""
    doc = export_document(records, chair=1, **kw)
    doc["chair_id"] = export_document([], chair=0)["chair_id"]
    return doc


def revised(rec, revision, **changes):
    new = copy.deepcopy(rec)
    new["revision"] = revision
    new.update(changes)
    return new


# --- the conformance share ------------------------------------------------------------------------------


def test_merging_the_share_then_again_changes_nothing(session, conformance):
    summary = merge.merge_folder(session, conformance / "share", allow_unsigned=True)
    assert [f.status for f in summary.files] == ["merged"] * 6
    assert (summary.added, summary.updated, summary.deleted, summary.conflicts) == (406, 35, 3, 0)
    before = dump(session)
    assert len(before["merged_conference"]) == 403 and len(before["merged_deletion"]) == 3
    again = merge.merge_folder(session, conformance / "share", allow_unsigned=True)
    assert [f.status for f in again.files] == ["unchanged"] * 6
    assert (again.added, again.updated, again.deleted, again.conflicts) == (0, 0, 0, 0)
    assert dump(session) == before


def test_any_order_gives_the_same_store_and_merging_again_in_another_order_changes_nothing(db, tmp_path, conformance):
    files = merge.find_export_files(conformance / "share")
    other = open_database(tmp_path / "other.sqlite")
    try:
        with db.session() as a, other.session() as b:
            merge.merge_files(a, files, allow_unsigned=True)
            merge.merge_files(b, list(reversed(files)), allow_unsigned=True)
            assert dump(a, provenance=False) == dump(b, provenance=False)
            full_a, full_b = dump(a), dump(b)
            shuffled = files[1::2] + files[::2]
            assert all(f.status == "unchanged" for f in merge.merge_files(a, shuffled, allow_unsigned=True).files)
            assert all(f.status == "unchanged" for f in merge.merge_files(b, files, allow_unsigned=True).files)
            assert dump(a) == full_a and dump(b) == full_b
    finally:
        other.dispose()


def test_a_renamed_copy_in_a_subfolder_is_recognised(session, conformance, tmp_path):
    share = tmp_path / "share"
    shutil.copytree(conformance / "share", share)
    merge.merge_folder(session, share, allow_unsigned=True)
    before = dump(session)
    (share / "sync conflict").mkdir()
    first = sorted(share.glob("*.json"))[0]
    shutil.copy(first, share / "sync conflict" / (first.stem + " (1).json"))
    summary = merge.merge_folder(session, share, allow_unsigned=True)
    assert len(summary.files) == 7 and {f.status for f in summary.files} == {"unchanged"}
    assert dump(session) == before


def test_files_are_found_recursively_skipping_dot_folders(tmp_path):
    for rel in ("a.json", "sub/b.JSON", "sub/deeper/c.json", ".staging/d.json", "sub/.hidden/e.json", "f.txt",
                "g.json.tmp"):  # fmt: skip
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in merge.find_export_files(tmp_path)]
    assert found == ["a.json", "sub/b.JSON", "sub/deeper/c.json"]


def test_a_folder_that_does_not_exist(session, tmp_path):
    with pytest.raises(CpchairError, match="not a folder"):
        merge.merge_folder(session, tmp_path / "nowhere")


# --- revisions, deletions, conflicts ---------------------------------------------------------------------


def stored(session, rid):
    row = session.execute(select(MergedConference).where(MergedConference.id == rid)).scalar_one_or_none()
    return None if row is None else (row.revision, json.loads(row.record))


def test_a_higher_revision_replaces_and_a_stale_one_is_ignored(session, tmp_path, sample):
    rec = sample[0]
    v1, v2 = revised(rec, 1), revised(rec, 2, quorate=not rec["quorate"])
    old = write(tmp_path, "old.json", export_document([v1], sequence=1))
    new = write(tmp_path, "new.json", export_document([v2], sequence=2))
    s = merge.merge_files(session, [old, new], allow_unsigned=True)
    assert (s.added, s.updated) == (1, 1)
    assert stored(session, rec["id"]) == (2, v2)
    # a stale copy merged later (a different file with the same old record) is ignored
    older = write(tmp_path, "older.json", export_document([v1, sample[1]], sequence=3))
    s = merge.merge_files(session, [older], allow_unsigned=True)
    assert (s.added, s.updated, s.conflicts) == (1, 0, 0)
    assert stored(session, rec["id"]) == (2, v2)


def test_a_deletion_marker_removes_the_record_and_an_older_file_cannot_bring_it_back(session, tmp_path, sample):
    rec = revised(sample[2], 2)
    first = write(tmp_path, "1.json", export_document([rec, sample[3]], sequence=1))
    gone = write(
        tmp_path,
        "2.json",
        export_document([sample[3]], sequence=2, deleted=[gone_marker(rec["id"], 2)]),
    )
    s = merge.merge_files(session, [first, gone], allow_unsigned=True)
    assert s.deleted == 1
    assert stored(session, rec["id"]) is None
    assert session.get(MergedDeletion, rec["id"]).revision == 2
    assert all(r["id"] != rec["id"] for r in stats.iter_records(session))
    # the older snapshot again, under another name and with another record, cannot resurrect it
    again = write(tmp_path, "1-copy.json", export_document([rec, sample[3], sample[4]], sequence=3))
    s = merge.merge_files(session, [again], allow_unsigned=True)
    assert (s.added, s.updated) == (1, 0)
    assert stored(session, rec["id"]) is None


def test_a_marker_merged_before_its_record_and_a_marker_older_than_the_record(session, tmp_path, sample):
    a, b = revised(sample[5], 3), revised(sample[6], 4)
    markers = [gone_marker(a["id"], 3), gone_marker(b["id"], 2)]
    marker_file = write(tmp_path, "markers.json", export_document([], sequence=5, deleted=markers))
    records = write(tmp_path, "records.json", export_document([a, b], sequence=4))
    s = merge.merge_files(session, [marker_file, records], allow_unsigned=True)
    assert (s.deleted, s.added) == (2, 1)
    assert stored(session, a["id"]) is None  # deleted at its own revision: never added
    assert stored(session, b["id"])[0] == 4  # revised after the deletion marker was written


def test_same_revision_different_content_is_a_conflict_kept_for_a_person(session, tmp_path, sample):
    rec = sample[7]
    mine = revised(rec, 2)
    theirs = revised(rec, 2, quorate=not rec["quorate"])
    f1 = write(tmp_path, "a.json", export_document([mine], chair=0))
    f2 = write(tmp_path, "b.json", second_laptop([theirs]))
    s = merge.merge_files(session, [f1, f2], allow_unsigned=True)
    assert (s.added, s.conflicts) == (1, 1)
    assert [f.status for f in s.files] == ["merged", "merged"]
    assert stored(session, rec["id"]) == (2, mine)  # the stored record stays
    [conflict] = merge.list_conflicts(session)
    assert conflict.conference_id == rec["id"] and conflict.incoming == theirs and conflict.stored == mine
    assert conflict.chair_name == "Chair 2" and conflict.source_path == f2
    assert merge.pending_conflict_count(session) == 1
    before = dump(session)
    s = merge.merge_files(session, [f2, f1], allow_unsigned=True)
    assert s.conflicts == 0 and dump(session) == before  # the same files: recognised by their bytes
    # the same conflicting version in the chair's next snapshot (another file) is not added twice
    f3 = write(tmp_path, "c.json", second_laptop([theirs, sample[9]], sequence=2))
    s = merge.merge_files(session, [f3], allow_unsigned=True)
    assert (s.added, s.conflicts) == (1, 0)
    assert len(merge.list_conflicts(session)) == 1

    merge.resolve_conflict(session, conflict.pk, merge.KEEP_STORED)
    assert merge.list_conflicts(session) == []
    assert merge.list_conflicts(session, include_resolved=True)[0].resolution == "kept_stored"
    assert stored(session, rec["id"]) == (2, mine)
    with pytest.raises(CpchairError, match="already been resolved"):
        merge.resolve_conflict(session, conflict.pk, merge.TAKE_INCOMING)
    assert merge.merge_files(session, [f1, f2], allow_unsigned=True).conflicts == 0


def test_taking_the_incoming_version_swaps_it_in_and_merging_again_is_quiet(session, tmp_path, sample):
    rec = sample[8]
    mine, theirs = revised(rec, 1), revised(rec, 1, quorate=not rec["quorate"])
    f1 = write(tmp_path, "a.json", export_document([mine], chair=0))
    f2 = write(tmp_path, "b.json", second_laptop([theirs]))
    merge.merge_files(session, [f1, f2], allow_unsigned=True)
    [conflict] = merge.list_conflicts(session)
    with pytest.raises(CpchairError, match="keep_stored or take_incoming"):
        merge.resolve_conflict(session, conflict.pk, "both")
    merge.resolve_conflict(session, conflict.pk, merge.TAKE_INCOMING)
    assert stored(session, rec["id"]) == (1, theirs)
    [resolved] = merge.list_conflicts(session, include_resolved=True)
    assert resolved.resolution == "took_incoming" and resolved.incoming == mine  # the displaced version
    row = session.get(MergedConference, rec["id"])
    assert row.chair_name == "Chair 2"
    before = dump(session)
    s = merge.merge_files(session, [f1, f2], allow_unsigned=True)
    assert (s.added, s.updated, s.conflicts) == (0, 0, 0) and dump(session) == before


# --- all or nothing ------------------------------------------------------------------------------------


def test_a_conflict_overtaken_by_a_newer_revision_needs_no_decision(session, tmp_path, sample):
    rec = sample[10]
    f1 = write(tmp_path, "a.json", export_document([revised(rec, 1)], chair=0))
    f2 = write(tmp_path, "b.json", second_laptop([revised(rec, 1, quorate=not rec["quorate"])]))
    merge.merge_files(session, [f1, f2], allow_unsigned=True)
    assert merge.pending_conflict_count(session) == 1
    f3 = write(tmp_path, "c.json", export_document([revised(rec, 2)], chair=0, sequence=2))
    assert merge.merge_files(session, [f3], allow_unsigned=True).updated == 1
    assert merge.list_conflicts(session) == [] and merge.pending_conflict_count(session) == 0
    [old] = merge.list_conflicts(session, include_resolved=True)
    assert old.superseded and old.resolved_at is None
    with pytest.raises(CpchairError, match="newer revision"):
        merge.resolve_conflict(session, old.pk, merge.TAKE_INCOMING)


def test_a_failure_while_applying_a_file_leaves_nothing_of_it(session, tmp_path, sample, monkeypatch):
    good = write(tmp_path, "good.json", export_document(sample[:3], chair=0))
    merge.merge_files(session, [good], allow_unsigned=True)
    before = dump(session)
    doomed = write(
        tmp_path,
        "doomed.json",
        second_laptop(sample[3:9], deleted=[gone_marker(sample[0]["id"], 9)]),
    )
    real_apply = merge._apply

    def apply_then_fail(session_, export):
        real_apply(session_, export)  # every insert, update and delete has been issued
        raise OSError("disk full")

    monkeypatch.setattr(merge, "_apply", apply_then_fail)
    with pytest.raises(DatabaseError, match="The merge stopped: .*Nothing of this merge was kept"):
        merge.merge_files(session, [doomed], allow_unsigned=True)
    assert dump(session) == before
    monkeypatch.undo()
    assert merge.merge_files(session, [doomed], allow_unsigned=True).files[0].status == "merged"


# --- hostile files -----------------------------------------------------------------------------------------


def hostile_files(folder, template: dict) -> dict[str, bytes]:
    def spoil(fn, redigest=True):
        doc = copy.deepcopy(template)
        fn(doc)
        if redigest:
            doc["record_count"] = len(doc["payload"]["conferences"]) + len(doc["payload"]["deleted"])
            doc["payload_sha256"] = payload_sha256(doc["payload"])
        return json.dumps(doc).encode()

    valid = json.dumps(template).encode()
    files = {
        "garbage.json": bytes(range(256)) * 20,
        "truncated.json": valid[: len(valid) // 3],
        "utf16.json": json.dumps(template).encode("utf-16"),
        "bom.json": b"\xef\xbb\xbf" + valid,
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep10.json": b"[" * 10 + b"]" * 10,
        "digest.json": spoil(lambda d: d["payload"]["conferences"][0].update(quorate="yes"), redigest=False),
        "newer.json": spoil(lambda d: d.update(format_version=3)),
        "unknown-key.json": spoil(lambda d: d["payload"]["conferences"][0]["children"][0].update(name="Amy")),
        "duplicate.json": spoil(lambda d: d["payload"]["conferences"].append(d["payload"]["conferences"][0])),
        "long-key.json": spoil(lambda d: d["payload"]["conferences"][0].update(family_key="fk_" + "0" * 80)),
        "bool.json": spoil(lambda d: d["payload"]["conferences"][0].update(quorate=1)),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_hostile_files_are_rejected_with_reasons_and_change_nothing(db, tmp_path, sample):
    share = tmp_path / "share"
    share.mkdir()
    template = export_document(sample[:4], chair=2)
    hostile = hostile_files(share, template)
    with db.session() as session:
        empty = dump(session)
        summary = merge.merge_folder(session, share, allow_unsigned=True)
        assert len(summary.rejected) == len(hostile) == len(summary.files)
        assert all(f.reason for f in summary.rejected)
        assert dump(session) == empty  # not even a row in imported_file

        # next to good files: the good ones are merged, exactly as if the bad ones were not there
        write(share / "good", "good.json", export_document(sample[4:10], chair=0))
        summary = merge.merge_folder(session, share, allow_unsigned=True)
        assert len(summary.rejected) == len(hostile)
        assert [f.status for f in summary.files if f.status != "rejected"] == ["merged"]
        with_hostile = dump(session, provenance=False)

    clean = open_database(tmp_path / "clean.sqlite")
    try:
        with clean.session() as session:
            merge.merge_folder(session, share / "good", allow_unsigned=True)
            assert dump(session, provenance=False) == with_hostile
    finally:
        clean.dispose()


def test_the_bad_conformance_files_leave_the_figures_unchanged(session, conformance):
    merge.merge_folder(session, conformance / "share", allow_unsigned=True)
    period = (date(2024, 4, 1), date(2025, 3, 31))
    figures = stats.compute_stats(session, *period)
    before = dump(session)
    summary = merge.merge_folder(session, conformance / "bad", allow_unsigned=True)
    assert {f.status for f in summary.files} == {"rejected"}
    assert stats.compute_stats(session, *period) == figures
    assert dump(session) == before


# --- the stats service -------------------------------------------------------------------------------------


def test_stats_by_chair_add_up_to_the_service_figures(session, conformance):
    merge.merge_folder(session, conformance / "share", allow_unsigned=True)
    period = (date(2024, 4, 1), date(2025, 3, 31))
    groups = stats.records_by_chair(session)
    assert sorted(g.chair_name for g in groups.values()) == ["Chair 1", "Chair 2", "Chair 3"]
    assert sum(len(g.records) for g in groups.values()) == 403
    per_chair = stats.stats_by_chair(session, *period)
    whole = stats.compute_stats(session, *period)
    assert sum(s["conferences"]["total"] for s in per_chair.values()) == whole["conferences"]["total"] == 237
    assert next(stats.records_for_period(session, *period))  # reduced older records still satisfy compute
    full = list(stats.iter_records(session, period[1]))
    from cpchair.domain.statistics import compute

    assert compute(full, *period) == whole


def test_the_coordinators_store_uses_no_sqlite_only_sql():
    """A later step runs the merged store on PostgreSQL: only SQLAlchemy Core constructs, no raw SQL."""
    import inspect

    from sqlalchemy.dialects import postgresql

    for module in (merge, stats):
        source = inspect.getsource(module)
        for raw in ("text(", "exec_driver_sql", "import sqlite3", "sqlalchemy.dialects.sqlite"):
            assert raw not in source, f"{module.__name__} uses {raw}"
    ids = ["a", "b"]
    statement = select(MergedConference.__table__.c.id).where(MergedConference.__table__.c.id.in_(ids))
    assert "IN" in str(statement.compile(dialect=postgresql.dialect()))
