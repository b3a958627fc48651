"""Merging 20,000 conferences must take at most 2× a plain-Python floor measured in the same run.

The floor is the least any plain-Python importer must do with the same files: read the bytes, ``json.loads``, make each
record's canonical JSON once and check the payload digest from them, then ``executemany`` the rows into a
plain SQLite table (same pragmas as cpchair's database). The merge does that plus the strict schema, the
cross-field rules, the comparison with what is stored, and SQLAlchemy Core.

Same garbage-collector policy on both sides: the merge pauses the collector while parsing and applying
(parsed JSON has no cycles), so the judged comparison runs BOTH the floor and the merge with the collector
paused for their whole duration. Both are also shown with the collector left on by the benchmark, for
information. Judged on CPU time (``time.process_time``), median of three interleaved runs: other processes
on a shared machine stretch the wall clock of whichever run they overlap. A second merge of the same folder
(everything already known) is timed too.

Run: ``.venv/bin/python benchmarks/bench_merge.py [N]`` (a few seconds). Exit status 1 when over 2×.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpchair.interchange.canonical import canonical_json  # noqa: E402
from cpchair.services.merge import find_export_files, merge_folder  # noqa: E402
from cpchair.storage.db import PRAGMAS, open_database  # noqa: E402
from tests.domain.generated_records import export_document, generate  # noqa: E402

LIMIT = 2.0


def write_share(folder: Path, n: int, v2: float = 0.0) -> int:
    """Export files of ``n`` generated records in ``folder``; ``v2`` the share of families on questionnaire 2."""
    by_chair: dict[int, list[dict]] = defaultdict(list)
    for chair, rec in generate(n, seed=11, chairs=4, v2=v2)[:n]:
        by_chair[chair].append(rec)
    for chair, records in by_chair.items():
        doc = export_document(records, chair=chair)
        (folder / f"cpchair-chair-{chair}-bench-000001.json").write_text(json.dumps(doc), "utf-8")
    return sum(len(r) for r in by_chair.values())


class Clock:
    """Wall and CPU time of a block. CPU time is what the check uses: on a shared machine other processes
    stretch the wall clock of whichever run they happen to overlap, the CPU time of a run much less."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def floor(folder: Path, db_path: Path, *, gc_paused: bool = False) -> Clock:
    if gc_paused:
        gc.disable()
    try:
        with Clock() as clock:
            _floor(folder, db_path)
        return clock
    finally:
        gc.enable()


def _floor(folder: Path, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE plain (id TEXT PRIMARY KEY, revision INTEGER, conference_date TEXT, record TEXT)")
    for path in find_export_files(folder):
        doc = json.loads(path.read_bytes())
        payload = doc["payload"]
        raw = [canonical_json(r) for r in payload["conferences"]]
        deleted = b",".join(canonical_json(m) for m in payload["deleted"])
        canonical = b'{"conferences":[' + b",".join(raw) + b'],"deleted":[' + deleted + b"]}"
        assert hashlib.sha256(canonical).hexdigest() == doc["payload_sha256"]
        with conn:
            conn.executemany(
                "INSERT INTO plain VALUES (?, ?, ?, ?)",
                [
                    (r["id"], r["revision"], r["conference_date"], t.decode())
                    for r, t in zip(payload["conferences"], raw, strict=True)
                ],
            )
    conn.close()


def merge(folder: Path, db_path: Path, *, gc_paused: bool = False) -> tuple[Clock, Clock]:
    db = open_database(db_path)  # created and migrated outside the timing
    try:
        with db.session() as session:
            if gc_paused:
                gc.disable()
            try:
                with Clock() as first:
                    summary = merge_folder(session, folder, allow_unsigned=True)
            finally:
                gc.enable()
            assert not summary.rejected, summary.rejected
            with Clock() as second:
                again = merge_folder(session, folder, allow_unsigned=True)
            assert all(f.status == "unchanged" for f in again.files)
    finally:
        db.dispose()
    return first, second


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        share = tmp_path / "share"
        share.mkdir()
        count = write_share(share, n)
        merge(share, tmp_path / "warm.sqlite")  # imports, schema compile, holiday table: not what we measure
        floors, paused, merges, merges_gc, agains = [], [], [], [], []
        for i in range(3):  # interleaved, so that a disturbance hits each kind of run alike
            floors.append(floor(share, tmp_path / f"floor{i}.sqlite"))
            paused.append(floor(share, tmp_path / f"paused{i}.sqlite", gc_paused=True))
            m, a = merge(share, tmp_path / f"merge{i}.sqlite", gc_paused=True)
            merges.append(m)
            agains.append(a)
            merges_gc.append(merge(share, tmp_path / f"mergegc{i}.sqlite")[0])

    def mid(clocks: list[Clock]) -> tuple[float, float]:
        return statistics.median(c.wall for c in clocks), statistics.median(c.cpu for c in clocks)

    (fw, fc), (pw, pc), (mw, mc), (gw, gcpu), (aw, _ac) = (
        mid(floors),
        mid(paused),
        mid(merges),
        mid(merges_gc),
        mid(agains),
    )
    ratio = mc / pc
    print(f"conferences merged: {count}; medians of 3 runs                    wall s   cpu s")
    print(f"floor (parse + digest + executemany), collector paused:      {pw:7.3f} {pc:7.3f}")
    print(f"cpchair merge, first time, collector paused:                 {mw:7.3f} {mc:7.3f}")
    print(f"floor, collector left on:                                    {fw:7.3f} {fc:7.3f}")
    print(f"cpchair merge, collector left on (it pauses it inside):      {gw:7.3f} {gcpu:7.3f}")
    print(f"cpchair merge again (every file already known):              {aw:7.3f}")
    print(f"ratio merge/floor, same policy (paused): cpu {ratio:.2f}, wall {mw / pw:.2f}")
    print(f"ratio with the collector left on (for information): cpu {gcpu / fc:.2f}")
    print(f"{'PASS' if ratio <= LIMIT else 'FAIL'} (limit {LIMIT:.1f}x, on CPU time, same collector policy)")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
