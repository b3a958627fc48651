"""Two merges on one data folder (v1 §6.1): the second waits, saying so, or after a while is told in plain
words; neither ends with a traceback, and together they lose nothing. Real processes (`python -m cpchair
merge`) on a large share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cpchair.services import merge
from cpchair.storage import locks
from cpchair.storage.db import open_database
from cpchair.storage.models import ImportedFile, MergedConference
from tests.domain.generated_records import export_document, generate

REPO = Path(__file__).resolve().parents[2]
FILES, PER_FILE = 40, 100


@pytest.fixture(scope="module")
def big_share(tmp_path_factory) -> Path:
    share = tmp_path_factory.mktemp("big") / "share"
    share.mkdir()
    records = [r for _c, r in generate(FILES * PER_FILE, seed=3)]
    for i in range(FILES):
        doc = export_document(records[i * PER_FILE : (i + 1) * PER_FILE], chair=i)
        (share / f"chair-{i:02d}.json").write_text(json.dumps(doc), "utf-8")
    return share


def start_merge(share: Path, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cpchair", "--data-dir", str(data), "merge", str(share), "--json", "--allow-unsigned"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def counts(data: Path) -> tuple[int, int]:
    db = open_database(data / "cpchair.sqlite")
    try:
        with db.session() as s:
            return (
                s.scalar(select(func.count()).select_from(MergedConference)),
                s.scalar(select(func.count()).select_from(ImportedFile)),
            )
    finally:
        db.dispose()


def test_a_merge_while_another_holds_the_data_folder_waits_says_so_and_then_merges(big_share, tmp_path):
    data = tmp_path / "data"
    db = open_database(data / "cpchair.sqlite")
    try:
        with db.session() as s, locks.merge_lock(s):  # this test process is "the other merge"
            proc = start_merge(big_share, data)
            deadline = time.monotonic() + 120
            line = ""
            while "waiting" not in line and time.monotonic() < deadline:
                line = proc.stderr.readline()
            assert line == "cpchair merge: another merge into this store is running; waiting for it to finish…\n"
            time.sleep(1)
            assert proc.poll() is None and counts(data) == (0, 0)  # it waits, and has written nothing
        out, err = proc.communicate(timeout=300)  # let go: it goes on
    finally:
        db.dispose()
    assert proc.returncode == 0 and "Traceback" not in err
    assert {f["status"] for f in json.loads(out)["files"]} == {"merged"}
    assert counts(data) == (FILES * PER_FILE, FILES)


def test_a_merge_that_waits_too_long_is_told_plainly_and_changes_nothing(big_share, tmp_path, monkeypatch):
    db = open_database(tmp_path / "data" / "cpchair.sqlite")
    monkeypatch.setattr(locks, "MERGE_WAIT_SECONDS", 0.5)
    told: list[str] = []
    try:
        with (
            db.session() as holder,
            locks.merge_lock(holder),
            db.session() as s,
            pytest.raises(locks.MergeBusy) as info,
        ):
            merge.merge_folder(s, big_share, allow_unsigned=True, on_wait=lambda: told.append("waiting"))
        assert told == ["waiting"]
        assert str(info.value).startswith(f"Another merge into this store (process {os.getpid()}, since ")
        assert "Nothing was merged from here: try again when it has finished." in str(info.value)
    finally:
        db.dispose()
    assert counts(tmp_path / "data") == (0, 0)


def test_two_merges_started_together_both_end_cleanly_and_lose_nothing(big_share, tmp_path):
    data = tmp_path / "data"
    open_database(data / "cpchair.sqlite").dispose()  # both find the database made; neither migrates
    first, second = start_merge(big_share, data), start_merge(big_share, data)
    results = [(p, *p.communicate(timeout=300)) for p in (first, second)]
    for proc, out, err in results:
        assert proc.returncode == 0, err  # one merged, the other waited for it, then found it all known
        assert "Traceback" not in err
        assert {f["status"] for f in json.loads(out)["files"]} <= {"merged", "unchanged"}
    statuses = [f["status"] for _p, out, _e in results for f in json.loads(out)["files"]]
    assert statuses.count("merged") == FILES  # each file merged exactly once between them
    assert counts(data) == (FILES * PER_FILE, FILES)
    again = start_merge(big_share, data)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert {f["status"] for f in json.loads(out)["files"]} == {"unchanged"}


def test_the_app_says_it_waits_for_another_merge_then_says_it_gave_up(qtbot, db, big_share, monkeypatch):
    from cpchair.gui.coordinator.merge_panel import MergePanel

    monkeypatch.setattr(locks, "MERGE_WAIT_SECONDS", 1)
    panel = MergePanel(db)
    panel.allow_unsigned.setChecked(True)  # these test files are version 1 (unsigned)
    qtbot.addWidget(panel)
    panel.folder.setText(str(big_share))
    with db.session() as s, locks.merge_lock(s):
        panel.merge_button.click()
        qtbot.waitUntil(lambda: "starts as soon as that one ends" in panel.summary.text(), timeout=30_000)
        qtbot.waitUntil(lambda: not panel.is_running(), timeout=30_000)
    assert panel.summary.text().startswith("Another merge into this store (process ")
    assert panel.merge_button.isEnabled() and panel.results.rowCount() == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(MergedConference)) == 0
