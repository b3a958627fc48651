"""The export writer (interchange-v1 §1-4): what the coordinator receives, and what a hostile share does to it.

Each test checks what a chair or coordinator would notice: the file in the share (valid, pseudonymous,
never half-written, never overwriting), the export log and "last export" settings, and the message.
Read-only and full shares are simulated by making the file system calls fail (tests may run as root,
which ignores chmod).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from interchange.answers import SECRET, add_completed, varied_answers
from sqlalchemy import select

from cpchair import fileio, settings
from cpchair.errors import CpchairError, ExportError
from cpchair.interchange.canonical import payload_sha256
from cpchair.interchange.names import parse_export_name
from cpchair.interchange.schema_build import load_schema
from cpchair.services import conferences as svc
from cpchair.services import export, pseudonym
from cpchair.services.pseudonym import KeyMissing
from cpchair.storage.models import ExportLog

NOW = "2026-11-20T14:02:03Z"
#: a real (not the demo) pseudonymisation key: the demo key never keys real conferences
TEST_KEY = bytes.fromhex("5e" * 32)


@pytest.fixture
def share(tmp_path) -> Path:
    d = tmp_path / "share"
    d.mkdir()
    return d


@pytest.fixture
def ready(session):
    """A chair with a name, the demo key, three completed conferences, a draft and a deleted one."""
    pseudonym.save_key(TEST_KEY)
    settings.put(session, "chair_name", "Siân O'Brien")
    ids = add_completed(session, 3)
    svc.create(session, varied_answers(10))  # a draft: never exported
    gone = add_completed(session, 1, start=20)[0]
    svc.delete(session, gone, now="2026-11-01T10:00:00Z")
    settings.get(session, "device_id")  # the installation's identity exists before any export
    session.commit()
    return {"completed": ids, "deleted": gone}


def finals(folder: Path) -> list[Path]:
    """What an importer would read: every *.json below the folder, skipping dot-folders (spec §1)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(root) / f for f in files if f.endswith(".json")]
    return sorted(found)


def staged(folder: Path) -> list[Path]:
    return sorted((folder / fileio.STAGING).glob("*")) if (folder / fileio.STAGING).is_dir() else []


def logged(session) -> list[int]:
    return list(session.scalars(select(ExportLog.sequence).order_by(ExportLog.sequence)))


def test_export_is_valid_pseudonymous_and_complete(session, ready, share):
    result = export.export_now(session, share, now=NOW, unsigned=True)
    session.commit()

    assert finals(share) == [result.path]
    raw = result.path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    doc = json.loads(raw.decode("utf-8"))
    jsonschema.Draft7Validator(load_schema()).validate(doc)
    assert payload_sha256(doc["payload"]) == doc["payload_sha256"]
    assert list(doc) == [
        "format",
        "format_version",
        "export_id",
        "app_version",
        "chair_id",
        "chair_name",
        "device_id",
        "sequence",
        "created_at",
        "record_count",
        "payload_sha256",
        "payload",
    ]
    assert doc["chair_name"] == "Siân O'Brien" and doc["created_at"] == NOW
    # every completed conference, no draft, and the deleted one only as a marker
    assert sorted(c["id"] for c in doc["payload"]["conferences"]) == sorted(ready["completed"])
    assert doc["payload"]["deleted"] == [{"id": ready["deleted"], "revision": 3, "deleted_at": "2026-11-01T10:00:00Z"}]
    assert doc["record_count"] == 4 == result.record_count
    # nothing local: no reference, name or note; keys only pseudonymous
    assert SECRET.encode() not in raw
    for c in doc["payload"]["conferences"]:
        assert c["family_key"].startswith("fk_")
        assert all(ch["child_key"].startswith("ck_") for ch in c["children"])
    # the name says who and which device, and the window can say when
    parsed = parse_export_name(result.path.name)
    assert parsed and parsed.slug == "sian-o-brien" and parsed.device8 == doc["device_id"][:8]
    assert settings.get(session, "last_export_at") == NOW
    assert settings.get(session, "last_export_path") == str(result.path)
    assert staged(share) == []


def test_two_exports_have_consecutive_sequences_and_the_same_identities(session, ready, share):
    first = export.export_now(session, share, now=NOW, unsigned=True)
    session.commit()
    second = export.export_now(session, share, now=NOW, unsigned=True)  # same second: the sequence keeps names unique
    session.commit()
    a, b = (json.loads(r.path.read_text("utf-8")) for r in (first, second))
    assert (a["sequence"], b["sequence"]) == (1, 2)
    assert a["device_id"] == b["device_id"] and a["chair_id"] == b["chair_id"]
    assert a["export_id"] != b["export_id"]
    assert a["payload_sha256"] == b["payload_sha256"]  # the same snapshot
    assert logged(session) == [1, 2]
    assert len(finals(share)) == 2


def test_a_changed_record_travels_with_a_higher_revision(session, ready, share):
    first = json.loads(export.export_now(session, share, now=NOW, unsigned=True).path.read_text("utf-8"))
    cid = ready["completed"][0]
    answers = svc.get(session, cid).answers
    answers["team_manager_attendance"] = "attended"
    svc.save(session, cid, answers)
    second = json.loads(export.export_now(session, share, unsigned=True).path.read_text("utf-8"))
    rev = {d["sequence"]: next(c for c in d["payload"]["conferences"] if c["id"] == cid) for d in (first, second)}
    assert rev[2]["revision"] == rev[1]["revision"] + 1
    assert rev[1]["team_manager_attendance"] == "not_invited" and rev[2]["team_manager_attendance"] == "attended"


def test_missing_key_tells_the_chair_to_import_the_coordinators_key(session, share):
    settings.put(session, "chair_name", "A Chair")
    add_completed(session, 1)
    assert not pseudonym.has_key()
    with pytest.raises(KeyMissing, match="key file your coordinator"):
        export.export_now(session, share, unsigned=True)
    assert finals(share) == [] and logged(session) == []


def test_missing_chair_name_and_missing_folder_setting_are_explained(session, share):
    pseudonym.save_key(TEST_KEY)
    with pytest.raises(ExportError, match="your name"):
        export.export_now(session, share, unsigned=True)
    settings.put(session, "chair_name", "A Chair")
    with pytest.raises(ExportError, match="No shared export folder"):
        export.export_now(session, unsigned=True)
    settings.put(session, "shared_folder", str(share))
    assert export.export_now(session, unsigned=True).path.parent == share  # the setting is the default folder


def test_missing_folder_is_reported_as_unreachable_and_consumes_no_sequence(session, ready, tmp_path):
    gone = tmp_path / "Z-drive" / "cpchair"
    with pytest.raises(export.ShareUnavailable, match="cannot be reached"):
        export.export_now(session, gone, unsigned=True)
    assert not gone.exists()  # never made: a missing share is not created locally
    assert logged(session) == [] and settings.get(session, "last_export_at") == ""
    gone.mkdir(parents=True)
    assert export.export_now(session, gone, unsigned=True).sequence == 1


def test_read_only_share_leaves_nothing_and_says_so(session, ready, share, monkeypatch):
    def denied(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(fileio.os, "replace", denied)
    with pytest.raises(export.ShareUnavailable, match="not allowed to write"):
        export.export_now(session, share, unsigned=True)
    assert finals(share) == [] and staged(share) == [] and logged(session) == []


def test_read_only_staging_folder_is_reported_too(session, ready, share, monkeypatch):
    real_open = open

    def open_denied(path, mode="r", *a, **k):
        if str(path).startswith(str(share)) and "w" in mode:
            raise PermissionError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", open_denied)
    with pytest.raises(export.ShareUnavailable, match="not allowed to write"):
        export.export_now(session, share, unsigned=True)
    assert finals(share) == []


def test_full_share_leaves_no_partial_file(session, ready, share, monkeypatch):
    real_open = open

    class Full:
        """A file that accepts part of the data and then reports the disk full."""

        def __init__(self, f):
            self.f = f

        def write(self, data):
            self.f.write(data[:100])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def open_full(path, mode="r", *a, **k):
        f = real_open(path, mode, *a, **k)
        return Full(f) if str(path).startswith(str(share)) and "w" in mode else f

    with monkeypatch.context() as m:
        m.setattr("builtins.open", open_full)
        with pytest.raises(export.ShareUnavailable, match="is full"):
            export.export_now(session, share, unsigned=True)
    assert finals(share) == [] and staged(share) == [] and logged(session) == []
    assert export.export_now(session, share, unsigned=True).sequence == 1  # space freed: the next try works


def test_share_vanishing_mid_write(session, ready, share, monkeypatch):
    real_fsync = os.fsync

    def fsync_then_unplug(fd):
        real_fsync(fd)
        shutil.rmtree(share)  # the network drive goes away between the write and the rename

    monkeypatch.setattr(fileio.os, "fsync", fsync_then_unplug)
    with pytest.raises(export.ShareUnavailable, match="cannot be reached"):
        export.export_now(session, share, unsigned=True)
    assert logged(session) == [] and not share.exists()


def test_crash_after_the_staging_write_leaves_no_file_under_a_final_name(session, ready, share, monkeypatch):
    def crash(src, dst):
        raise RuntimeError("power cut")

    monkeypatch.setattr(fileio.os, "replace", crash)
    with pytest.raises(RuntimeError):
        export.export_now(session, share, unsigned=True)
    assert finals(share) == [] and staged(share) == []


def test_killed_process_leaves_only_an_ignored_staging_file_which_is_later_cleared(db, share, data_dir):
    """A real crash: the process dies between fsync and rename, so nothing can clean up."""
    with db.session() as s:
        pseudonym.save_key(TEST_KEY)
        settings.put(s, "chair_name", "A Chair")
        settings.get(s, "device_id")
        add_completed(s, 2)
        s.commit()
    script = textwrap.dedent(
        f"""
        import os, sys
        from cpchair import fileio
        from cpchair.storage.db import open_database
        from cpchair.services import export
        fileio.os.replace = lambda src, dst: os._exit(9)
        db = open_database()
        with db.session() as s:
            export.export_now(s, {str(share)!r}, unsigned=True)
        """
    )
    env = {**os.environ, "CPCHAIR_DATA_DIR": str(data_dir)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9, proc.stderr
    assert finals(share) == []  # an importer sees nothing
    leftovers = staged(share)
    assert len(leftovers) == 1 and leftovers[0].name.endswith(".json.tmp")
    # the next export works, and clears this device's stale staging file once it is old
    os.utime(leftovers[0], (0, 0))
    with db.session() as s:
        result = export.export_now(s, share, unsigned=True)
        s.commit()
    assert finals(share) == [result.path] and result.sequence == 1  # no file was published: 1 is still free
    assert staged(share) == []


def test_a_restored_database_takes_the_next_sequence_after_the_files_on_the_share(session, ready, share):
    first = export.export_now(session, share, now=NOW, unsigned=True)
    session.rollback()  # e.g. a restored database: the log forgets, the share remembers
    second = export.export_now(session, share, now=NOW, unsigned=True)  # the same second
    assert second.sequence == 2 and second.path != first.path
    assert sorted(finals(share)) == sorted([first.path, second.path])


def test_an_existing_file_is_never_overwritten(session, ready, share, monkeypatch):
    first = export.export_now(session, share, now=NOW, unsigned=True)
    session.rollback()
    victim = first.path.read_bytes()
    with monkeypatch.context() as m, pytest.raises(ExportError, match="never overwrites"):
        m.setattr(export, "next_sequence", lambda *_a: 1)  # another writer took the name meanwhile
        export.export_now(session, share, now=NOW, unsigned=True)
    assert first.path.read_bytes() == victim
    assert finals(share) == [first.path] and staged(share) == []
    assert (
        export.export_now(session, share, now="2026-11-20T14:02:04Z", unsigned=True).sequence == 2
    )  # a second later: fine


def test_windows_sharing_violations_are_retried_briefly(session, ready, share, monkeypatch):
    real_replace = os.replace
    calls = []

    def busy_twice(src, dst):
        calls.append(dst)
        if len(calls) <= 2:
            exc = PermissionError(errno.EACCES, "The process cannot access the file")
            exc.winerror = 32
            raise exc
        real_replace(src, dst)

    monkeypatch.setattr(fileio, "IS_WINDOWS", True)
    monkeypatch.setattr(fileio, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    monkeypatch.setattr(fileio.os, "replace", busy_twice)
    result = export.export_now(session, share, unsigned=True)
    assert len(calls) == 3 and finals(share) == [result.path]


def test_sharing_violations_give_up_after_the_retries_and_other_errors_are_not_retried(tmp_path, monkeypatch):
    calls = []

    def always_busy():
        calls.append(1)
        exc = OSError(errno.EACCES, "busy")
        exc.winerror = 32
        raise exc

    monkeypatch.setattr(fileio, "IS_WINDOWS", True)
    with pytest.raises(OSError):
        fileio.retry_sharing_violations(always_busy, delays=(0.0, 0.0))
    assert len(calls) == 3
    calls.clear()

    def full():
        calls.append(1)
        raise OSError(errno.ENOSPC, "full")

    with pytest.raises(OSError):
        fileio.retry_sharing_violations(full, delays=(0.0, 0.0))
    assert len(calls) == 1
    monkeypatch.setattr(fileio, "IS_WINDOWS", False)
    calls.clear()
    with pytest.raises(OSError):
        fileio.retry_sharing_violations(always_busy, delays=(0.0, 0.0))
    assert len(calls) == 1  # only Windows has sharing violations


def test_the_writer_prunes_only_its_own_old_files_keeping_the_newest_five(session, ready, share):
    other_device = share / "cpchair-someone-else-1234abcd-20200101T000000Z-000001.json"
    other_device.write_text("{}")
    written = [export.export_now(session, share, now=f"2026-11-20T14:0{i}:00Z", unsigned=True) for i in range(7)]
    session.commit()
    conflict_copy = share / (written[-1].path.stem + " (1).json")
    shutil.copy(written[-1].path, conflict_copy)
    assert written[-1].pruned == (written[1].path.name,)
    kept = {p.name for p in finals(share)}
    assert kept == {r.path.name for r in written[2:]} | {other_device.name, conflict_copy.name}


def test_a_file_that_cannot_be_pruned_does_not_fail_the_export(session, ready, share, monkeypatch):
    for i in range(5):
        export.export_now(session, share, now=f"2026-11-20T14:0{i}:00Z", unsigned=True)
    monkeypatch.setattr(fileio, "remove_quietly", lambda path: False)  # held open by a reader
    result = export.export_now(session, share, now="2026-11-20T14:09:00Z", unsigned=True)
    assert result.pruned == () and len(finals(share)) == 6


def test_status_reports_what_the_window_shows(session, ready, share):
    st = export.status(session)
    assert (st.last_export_at, st.has_key) == ("", True)
    settings.put(session, "shared_folder", str(share))
    result = export.export_now(session, now=NOW, unsigned=True)
    st = export.status(session)
    assert (st.shared_folder, st.last_export_at, st.last_export_path) == (str(share), NOW, str(result.path))


def test_export_error_is_a_cpchair_error_with_a_sentence():
    assert issubclass(export.ShareUnavailable, CpchairError)


def test_the_coordinators_reader_accepts_what_the_writer_wrote(session, ready, share):
    """The other side of the contract: the merge's strict reader (schema, digest, §4 rules) takes the file."""
    from cpchair.interchange import reader

    result = export.export_now(session, share, now=NOW, unsigned=True)
    parsed = reader.read_export(result.path)
    assert parsed.chair_id == settings.get(session, "chair_id")
    assert sorted(c["id"] for c in parsed.conferences) == sorted(ready["completed"])
    assert [d["id"] for d in parsed.deleted] == [ready["deleted"]]
    assert parsed.envelope["sequence"] == 1 and parsed.envelope["device_id"] == settings.get(session, "device_id")


def test_an_installation_with_nothing_completed_exports_an_empty_snapshot(session, share):
    pseudonym.save_key(TEST_KEY)
    settings.put(session, "chair_name", "New Chair")
    svc.create(session, varied_answers(0))  # only a draft
    doc = json.loads(export.export_now(session, share, unsigned=True).path.read_text("utf-8"))
    jsonschema.Draft7Validator(load_schema()).validate(doc)
    assert doc["payload"] == {"conferences": [], "deleted": []} and doc["record_count"] == 0


def _fixed_installation(session) -> None:
    """A fixed set of rows (ids, revisions, timestamps, answers) so the exported bytes are reproducible.

    Besides ordinary records it holds the odd ones the writer must treat alike whatever its speed tricks:
    entries with extra or missing keys, a blank case reference, non-ASCII text, a deleted conference and
    a draft.
    """
    from sqlalchemy import insert

    from cpchair.storage.models import Conference

    pseudonym.save_key(TEST_KEY)
    settings.put(session, "chair_name", "Siân O'Brien")
    rows = []
    for i in range(40):
        answers = varied_answers(i)
        status, deleted_at = svc.COMPLETE, None
        if i == 3:
            answers["children"][0]["nhs_number"] = "943 476 5919"  # not in the definition: never exported
            answers["agencies"][0]["extra"] = "x"
            del answers["adults"][0]["engaged_agencies"]  # missing: exported as null
            answers["quality"]["unknown"] = "y"
        if i == 4:
            answers["children"][0]["case_ref"] = "  "  # blank: a key of its own
            answers["family_ref"] = ""
        if i == 5:
            answers["escalations"][0]["subject"] = "other"
            answers["children"][0]["name"] = "Zoë – ✓"
        if i == 6:
            status = svc.DRAFT
        if i == 7:
            deleted_at = "2026-11-01T10:00:00Z"
        rows.append(
            {
                "id": f"00000000-0000-4000-8000-{i:012d}",
                "revision": 1 + i % 5,
                "status": status,
                "ever_completed": status == svc.COMPLETE,
                "answers": answers,
                "created_at": f"2026-01-{1 + i % 28:02d}T09:00:00Z",
                "updated_at": f"2026-02-{1 + i % 28:02d}T10:30:00Z",
                "deleted_at": deleted_at,
                **svc.summary_columns(answers),
            }
        )
    rows.reverse()  # inserted out of order: the export orders by id
    session.execute(insert(Conference.__table__), rows)
    session.commit()


# The SHA-256 of the payload for _fixed_installation, taken from the writer before it was made faster
# (commit 4916846), and taken again when the records became questionnaire version 2 (the plain path of the
# next test holds the writer to canonical_json). A faster writer must write the very same bytes.
FIXED_PAYLOAD_SHA256 = "e212572a7d4a50d4f62af77e504de19f70ef71203ff7f99e34b263ac81917d26"


def test_the_exported_bytes_of_a_fixed_installation_never_change(session):
    _fixed_installation(session)
    built = export.build_export(session, key=pseudonym.DEMO_KEY, now=NOW, sequence=1)
    head, payload = built.data.split(b',"payload":', 1)
    assert payload.endswith(b"}")
    assert hashlib.sha256(payload[:-1]).hexdigest() == built.envelope["payload_sha256"] == FIXED_PAYLOAD_SHA256
    assert (built.conferences, built.deleted) == (38, 1)


def test_the_writer_writes_the_canonical_json_of_the_records_made_one_by_one(session):
    """The fast path (columns read as text, one dump) against the plain one: ORM rows, ``to_record``, canonical_json."""
    from cpchair.interchange.canonical import canonical_json
    from cpchair.interchange.records import deletion_marker, to_record
    from cpchair.storage.models import Conference

    _fixed_installation(session)
    built = export.build_export(session, key=pseudonym.DEMO_KEY, now=NOW, sequence=4)
    rows = session.scalars(select(Conference).order_by(Conference.id)).all()
    expected = {
        "conferences": [
            to_record(
                conference_id=r.id,
                revision=r.revision,
                created_at=r.created_at,
                updated_at=r.updated_at,
                answers=r.answers,
                key=pseudonym.DEMO_KEY,
            )
            for r in rows
            if r.status == svc.COMPLETE and r.deleted_at is None
        ],
        "deleted": [
            deletion_marker(conference_id=r.id, revision=r.revision, deleted_at=r.deleted_at)
            for r in rows
            if r.deleted_at is not None
        ],
    }
    assert built.data.endswith(b',"payload":' + canonical_json(expected) + b"}")
    envelope = json.loads(built.data)
    assert envelope.pop("payload") == expected
    assert envelope == built.envelope
