"""A share anyone can write to (v1 §6.1): text that is not valid Unicode, names that are not text, links,
FIFOs and devices are refused or passed over with a reason, never followed, never waited on, and never stop
the valid files beside them, now or on any later run. Real files in a real folder, real SQLite, and the real
command line in a separate process where a hang or a traceback would show."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cpchair.cli import main
from cpchair.interchange import files
from cpchair.interchange.reader import parse_export
from cpchair.services import merge
from cpchair.storage.models import ImportedFile, MergedConference
from tests.domain.generated_records import export_document, generate
from tests.services.test_merge import dump

POSIX = os.name == "posix"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def records():
    return [r for _c, r in generate(30, seed=21)]


def valid(records, chair: int, n: int = 3) -> dict:
    """A valid export of ``n`` records for ``chair`` (each chair gets records of its own)."""
    return export_document(copy.deepcopy(records[chair * n : chair * n + n]), chair=chair)


def with_bad_chair_name(records, chair: int, name: str) -> bytes:
    doc = valid(records, chair)
    doc["chair_name"] = name
    return json.dumps(doc).encode()  # ensure_ascii: a lone surrogate travels as the escape "\ud800"


def cli(*argv: str, data: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    """`python -m cpchair` in its own process: a hang shows as a timeout, a crash as a traceback."""
    return subprocess.run(
        [sys.executable, "-m", "cpchair", "--data-dir", str(data), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )


def merged_ids(session) -> set[str]:
    return set(session.scalars(select(MergedConference.id)))


# --- the reported bug: one file with a lone surrogate stopped every merge --------------------------------


def test_a_lone_surrogate_in_the_chair_name_is_refused_and_the_file_beside_it_merges_on_every_run(tmp_path, records):
    share = tmp_path / "share"
    share.mkdir()
    (share / "a-crafted.json").write_bytes(with_bad_chair_name(records, 0, "Bad \ud800 chair"))
    (share / "b-good.json").write_text(json.dumps(valid(records, 1)), "utf-8")
    data = tmp_path / "data"

    first = cli("merge", str(share), "--allow-unsigned", data=data)
    assert first.returncode == 3, first.stderr
    assert "Traceback" not in first.stderr
    assert "a-crafted.json: it contains text that is not valid Unicode" in first.stdout
    assert "in chair_name" in first.stdout
    assert "merged    " in first.stdout and "b-good.json" in first.stdout
    assert "added 3" in first.stdout

    (share / "c-later.json").write_text(json.dumps(valid(records, 2)), "utf-8")
    second = cli("merge", str(share), "--allow-unsigned", "--json", data=data)
    assert second.returncode == 3 and "Traceback" not in second.stderr
    statuses = {Path(f["path"]).name: f["status"] for f in json.loads(second.stdout)["files"]}
    assert statuses == {"a-crafted.json": "rejected", "b-good.json": "unchanged", "c-later.json": "merged"}
    assert json.loads(second.stdout)["added"] == 3


@pytest.mark.parametrize(
    ("label", "spoil"),
    [
        ("surrogate in a record's code", lambda d: d["payload"]["conferences"][0].update(conference_type="x\udfff")),
        ("surrogate in a key", lambda d: d["payload"]["conferences"][0].update({"k\ud800": 1})),
        ("surrogate in app_version", lambda d: d.update(app_version="1.\udc80")),
        ("surrogate in a deep list", lambda d: d.update(extra=[[["\ud83d"]]])),
    ],
)
def test_a_lone_surrogate_anywhere_is_refused_with_a_printable_reason(records, label, spoil):
    doc = valid(records, 0)
    spoil(doc)
    data = json.dumps(doc).encode()
    with pytest.raises(Exception) as info:
        parse_export(data, "crafted.json")
    reason = info.value.reason
    assert "not valid Unicode" in reason, label
    reason.encode("utf-8")  # printable and storable: nothing of the hostile text is echoed raw
    str(info.value).encode("utf-8")


def test_a_valid_surrogate_pair_escape_is_an_ordinary_character(records):
    doc = valid(records, 0)
    doc["chair_name"] = "Chair \U0001f600"
    export = parse_export(json.dumps(doc).encode(), "emoji.json")  # "\ud83d\ude00": one valid character
    assert export.envelope["chair_name"] == "Chair \U0001f600"


def test_invalid_utf8_bytes_are_refused_and_name_the_position(records, session, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    good = json.dumps(valid(records, 0)).encode()
    (share / "overlong.json").write_bytes(good.replace(b'"Chair 1"', b'"Chair \xc0\xaf"'))
    (share / "encoded-surrogate.json").write_bytes(good.replace(b'"Chair 1"', b'"Chair \xed\xa0\x80"'))
    (share / "latin1.json").write_bytes(good.replace(b'"Chair 1"', b'"Sian \xe9"'))
    (share / "z-good.json").write_bytes(json.dumps(valid(records, 1)).encode())
    summary = merge.merge_folder(session, share, allow_unsigned=True)
    outcome = {Path(f.path).name: f for f in summary.files}
    for name in ("overlong.json", "encoded-surrogate.json", "latin1.json"):
        assert outcome[name].status == "rejected"
        assert "not UTF-8 text (invalid byte at position" in outcome[name].reason
    assert outcome["z-good.json"].status == "merged"
    assert session.scalar(select(func.count()).select_from(MergedConference)) == 3


# --- chair names: printable, no controls, no bidi overrides ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Evil\u202eriahc", "reverses or reorders text (U+202E)"),
        ("Chair\u2066 1", "reverses or reorders text (U+2066)"),
        ("Chair\x00One", "control character (U+0000)"),
        ("Chair\x1b[31m", "control character (U+001B)"),
        ("Two\nLines", "control character (U+000A)"),
        ("Zero\u200bwidth", "invisible or unassigned character (U+200B)"),
        ("Private\ue000", "invisible or unassigned character (U+E000)"),
        ("   ", "is empty"),
        (" Padded", "starts or ends with a space"),
        ("x" * 201, None),  # the schema's maxLength refuses it first
    ],
)
def test_a_chair_name_that_could_mislead_or_break_the_display_is_refused(records, session, tmp_path, name, expected):
    share = tmp_path / "share"
    share.mkdir()
    (share / "named.json").write_bytes(with_bad_chair_name(records, 0, name))
    (share / "z-good.json").write_bytes(json.dumps(valid(records, 1)).encode())
    summary = merge.merge_folder(session, share, allow_unsigned=True)
    named, good = summary.files
    assert named.status == "rejected"
    if expected:
        assert expected in named.reason and "correct it in Settings" in named.reason
    assert good.status == "merged"
    assert {r["chair_name"] for r in session.execute(select(MergedConference.chair_name)).mappings()} == {"Chair 2"}


@pytest.mark.parametrize("name", ["Siân O'Brien", "Zoë Ng-Smith", "محمد", "می\u200cخواهم", "张伟", "Ó Súilleabháin"])
def test_real_names_in_any_script_are_accepted(records, name):
    doc = valid(records, 0)
    doc["chair_name"] = name
    assert parse_export(json.dumps(doc, ensure_ascii=False).encode(), "ok.json").envelope["chair_name"] == name


# --- links, FIFOs, devices and names that are not text ----------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="symbolic links, FIFOs and byte names are POSIX features")
def test_links_fifos_devices_and_byte_names_are_passed_over_with_reasons_and_never_followed(tmp_path, records):
    share = tmp_path / "share"
    share.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text(json.dumps(valid(records, 5)), "utf-8")
    (share / "a-good.json").write_text(json.dumps(valid(records, 0)), "utf-8")
    (share / "link-to-file.json").symlink_to(outside / "secret.json")
    (share / "zero.json").symlink_to("/dev/zero")
    (share / "dangling.json").symlink_to(tmp_path / "nothing-here.json")
    (share / "linked-folder").symlink_to(outside, target_is_directory=True)
    (share / "loop").symlink_to(share, target_is_directory=True)
    os.mkfifo(share / "pipe.json")
    sub = share / "sub"
    sub.mkdir()
    (sub / "b-good.json").write_text(json.dumps(valid(records, 1)), "utf-8")
    raw_share = os.fsencode(share)
    with open(os.path.join(raw_share, b"bad-\xff\xfe-name.json"), "wb") as f:
        f.write(json.dumps(valid(records, 2)).encode())
    os.mkdir(os.path.join(raw_share, b"folder-\xe9"))
    with open(os.path.join(raw_share, b"folder-\xe9", b"c.json"), "wb") as f:
        f.write(json.dumps(valid(records, 3)).encode())
    data = tmp_path / "data"

    result = cli(
        "merge", str(share), "--allow-unsigned", "--json", data=data, timeout=60
    )  # a FIFO that blocked would time out
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    outcome = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert outcome["a-good.json"]["status"] == "merged" and outcome["b-good.json"]["status"] == "merged"
    for name in ("link-to-file.json", "zero.json", "dangling.json", "linked-folder", "loop"):
        assert outcome[name]["status"] == "rejected"
        assert "never follows links" in outcome[name]["reason"], name
    assert outcome["pipe.json"]["reason"] == "it is a pipe (FIFO), not an ordinary file"
    assert "name is not valid text" in outcome["bad-\\xff\\xfe-name.json"]["reason"]
    assert "folder's name is not valid text" in outcome["folder-\\xe9"]["reason"]
    assert "secret.json" not in result.stdout and "c.json" not in result.stdout

    plain = cli("merge", str(share), "--allow-unsigned", data=data, timeout=60)  # the text output prints every name too
    assert plain.returncode == 3 and "Traceback" not in plain.stderr
    assert "bad-\\xff\\xfe-name.json: the file's name is not valid text" in plain.stdout
    assert "added 0" in plain.stdout and "rejected 8" in plain.stdout

    from cpchair.storage.db import open_database

    db = open_database(data / "cpchair.sqlite")
    try:
        with db.session() as s:
            assert merged_ids(s) == {r["id"] for r in records[0:6]}  # chairs 0 and 1 only
            assert s.scalar(select(func.count()).select_from(ImportedFile)) == 2
    finally:
        db.dispose()


@pytest.mark.skipif(not POSIX, reason="O_NOFOLLOW and FIFOs are POSIX features")
def test_the_opener_refuses_a_link_swapped_in_after_the_walk_and_never_waits_on_a_fifo(tmp_path, records):
    target = tmp_path / "real.json"
    target.write_text(json.dumps(valid(records, 0)), "utf-8")
    link = tmp_path / "swapped.json"
    link.symlink_to(target)
    with pytest.raises(files.Unreadable, match="never follows links"):
        files.read_regular_file(link, 1_000_000)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(files.Unreadable, match="pipe"):
        files.read_regular_file(fifo, 1_000_000)  # returns at once: O_NONBLOCK, then fstat
    with pytest.raises(files.Unreadable, match="device"):
        files.read_regular_file("/dev/null", 1_000_000)
    with pytest.raises(files.Unreadable, match="larger than the 10 bytes"):
        files.read_regular_file(target, 10)
    assert files.read_regular_file(target, 1_000_000) == target.read_bytes()


def test_what_a_refused_file_leaves_behind_cannot_poison_a_later_run(db, tmp_path, records):
    """Nothing of a rejected file is stored; what is stored (paths, chair names, conflicts) is always valid
    text, so the next merge, the conflict list and the figures read it back without trouble."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.json").write_bytes(with_bad_chair_name(records, 0, "Bad \ud800"))
    (share / "b.json").write_bytes(with_bad_chair_name(records, 1, "Bidi\u202e"))
    (share / "c.json").write_text(json.dumps(valid(records, 2)), "utf-8")
    with db.session() as s:
        merge.merge_folder(s, share, allow_unsigned=True)
        before = dump(s)
    assert len(before["imported_file"]) == 1
    for rows in before.values():
        for row in rows:
            for value in row:
                if isinstance(value, str):
                    value.encode("utf-8")
                    assert "\u202e" not in value
    conflicting = valid(records, 2)
    conflicting["payload"]["conferences"][0]["quorate"] = not conflicting["payload"]["conferences"][0]["quorate"]
    from cpchair.interchange.canonical import payload_sha256

    conflicting["payload_sha256"] = payload_sha256(conflicting["payload"])
    conflicting["export_id"] = "0f0e0d0c-0b0a-4908-8706-050403020100"
    (share / "d-conflict.json").write_text(json.dumps(conflicting), "utf-8")
    with db.session() as s:
        summary = merge.merge_folder(s, share, allow_unsigned=True)
        assert [f.status for f in summary.files] == ["rejected", "rejected", "unchanged", "merged"]
        assert summary.conflicts == 1
        assert [c.chair_name for c in merge.list_conflicts(s)] == ["Chair 3"]
        assert len(merged_ids(s)) == 3


def test_the_merge_in_the_app_goes_past_a_crafted_file(qtbot, db, tmp_path, records):
    """The window's merge (a worker thread) refuses the crafted file and merges the good one, twice."""
    from cpchair.gui.coordinator.merge_panel import MergePanel

    share = tmp_path / "share"
    share.mkdir()
    (share / "a-crafted.json").write_bytes(with_bad_chair_name(records, 0, "x\udbff"))
    (share / "b-good.json").write_text(json.dumps(valid(records, 1)), "utf-8")
    panel = MergePanel(db)
    panel.allow_unsigned.setChecked(True)  # these test files are version 1 (unsigned)
    qtbot.addWidget(panel)
    panel.folder.setText(str(share))
    for expected in ("Merged", "Unchanged"):
        with qtbot.waitSignal(panel.merged, timeout=30_000) as signal:
            panel.merge_button.click()
        qtbot.waitUntil(lambda: not panel.is_running(), timeout=30_000)
        assert [panel.results.item(r, 1).text() for r in range(2)] == ["Rejected", expected]
        assert "not valid Unicode" in panel.results.item(0, 2).text()
        assert "1 file(s) rejected" in panel.summary.text()
        assert len(signal.args[0]["files"]) == 2
    with db.session() as s:
        assert merged_ids(s) == {r["id"] for r in records[3:6]}


def test_cli_main_in_process_reports_the_crafted_file_without_a_traceback(data_dir, tmp_path, records, capsys):
    share = tmp_path / "share"
    share.mkdir()
    (share / "crafted.json").write_bytes(with_bad_chair_name(records, 0, "\udc00"))
    assert main(["merge", str(share), "--allow-unsigned"]) == 3
    out = capsys.readouterr()
    assert "crafted.json: it contains text that is not valid Unicode" in out.out


@pytest.mark.skipif(not POSIX, reason="byte names are a POSIX feature")
def test_a_share_whose_own_name_is_not_text_still_merges_and_stores_printable_paths(db, tmp_path, records):
    raw = os.path.join(os.fsencode(tmp_path), b"share-\xe9")
    os.mkdir(raw)
    share = Path(os.fsdecode(raw))
    (share / "a.json").write_text(json.dumps(valid(records, 0)), "utf-8")
    conflicting = valid(records, 0)
    conflicting["payload"]["conferences"][0]["quorate"] = not conflicting["payload"]["conferences"][0]["quorate"]
    from cpchair.interchange.canonical import payload_sha256

    conflicting["payload_sha256"] = payload_sha256(conflicting["payload"])
    (share / "b.json").write_text(json.dumps(conflicting), "utf-8")
    with db.session() as s:
        summary = merge.merge_folder(s, share, allow_unsigned=True)
        assert [f.status for f in summary.files] == ["merged", "merged"] and summary.conflicts == 1
        assert summary.files[0].path.endswith("share-\\xe9/a.json")
        stored = list(s.scalars(select(ImportedFile.path))) + [c.source_path for c in merge.list_conflicts(s)]
        assert len(stored) == 3 and all("share-\\xe9" in p for p in stored)
        for p in stored:
            p.encode("utf-8")


def test_a_file_that_breaks_the_merge_past_the_checks_is_rolled_back_alone_and_the_others_merge(
    db, tmp_path, records, monkeypatch
):
    """The whole merge is one transaction; each file's writes sit in a savepoint, so a file whose content
    trips something after the reader's checks is undone alone and reported, and the files around it stay."""
    share = tmp_path / "share"
    share.mkdir()
    for chair, name in ((0, "a.json"), (1, "b-breaks.json"), (2, "c.json")):
        (share / name).write_text(json.dumps(valid(records, chair)), "utf-8")
    real_apply = merge._apply

    def apply_then_break(session, export):
        counts = real_apply(session, export)  # every row of the file is written...
        if export.path.name == "b-breaks.json":
            raise ValueError("something in this file's data")  # ...then its content trips a later step
        return counts

    monkeypatch.setattr(merge, "_apply", apply_then_break)
    with db.session() as s:
        summary = merge.merge_folder(s, share, allow_unsigned=True)
        assert [(Path(f.path).name, f.status) for f in summary.files] == [
            ("a.json", "merged"),
            ("b-breaks.json", "rejected"),
            ("c.json", "merged"),
        ]
        assert summary.files[1].reason == "it could not be merged (ValueError); nothing of it was applied"
        assert merged_ids(s) == {r["id"] for r in records[0:3] + records[6:9]}
        assert s.scalar(select(func.count()).select_from(ImportedFile)) == 2
    monkeypatch.undo()
    with db.session() as s:
        again = merge.merge_folder(s, share, allow_unsigned=True)
        assert [f.status for f in again.files] == ["unchanged", "merged", "unchanged"]
