"""Benchmark: what the audit log costs an autosave, and how long `cpchair audit verify` and the retention
review take on a large installation.

Run: ``.venv/bin/python benchmarks/bench_audit.py [N]``. In a fresh temporary data folder:
1. M autosaves of one conference (each its own transaction, as the editor does), with the audit entry
   (coalesced, so one head read per save) and, as the baseline in the same run, with ``record_event``
   replaced by a no-op; prints both per save and their ratio.
2. ``audit.verify`` over N entries, against the baseline of reading the same rows without hashing.
3. ``retention.review`` and ``apply`` on the demo's N conferences, exported once.
Nothing of the installation is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SAVES = 300


def _saves(db, cid: str, conferences, answers: dict) -> float:
    t = time.perf_counter()
    for i in range(SAVES):
        with db.session() as s, s.begin():
            conferences.save(s, cid, answers | {"notes": f"typing {i}"})
    return (time.perf_counter() - t) / SAVES


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory(prefix="cpchair-bench-") as tmp:
        os.environ["CPCHAIR_DATA_DIR"] = str(Path(tmp) / "data")
        from sqlalchemy import select

        from cpchair.services import audit, conferences, demo, export, retention
        from cpchair.storage.db import open_database
        from cpchair.storage.models import AuditEvent

        db = open_database()
        with db.session() as s, s.begin():
            cid = conferences.create(s)
            answers = conferences.get(s, cid).answers
        real = audit.record_event
        with_audit, without = [], []
        for _round in range(3):  # interleaved, best of three: neither side gets the warm caches alone
            with_audit.append(_saves(db, cid, conferences, answers))
            audit.record_event = lambda *a, **k: None
            try:
                without.append(_saves(db, cid, conferences, answers))
            finally:
                audit.record_event = real
        with_audit, without = min(with_audit), min(without)
        print(
            f"autosave: {with_audit * 1000:.2f} ms with the audit entry, {without * 1000:.2f} ms without "
            f"(ratio {with_audit / without:.2f})"
        )

        with db.session() as s, s.begin():
            audit.record_events(s, [("change", cid, {"revision": i}) for i in range(n)])
        with db.session() as s:
            t = time.perf_counter()
            rows = s.execute(select(AuditEvent.__table__)).mappings().all()
            base = time.perf_counter() - t
            t = time.perf_counter()
            verdict = audit.verify(s)
            took = time.perf_counter() - t
        assert verdict.ok, verdict.message()
        print(
            f"audit verify: {len(rows)} entries in {took:.3f} s; reading them alone {base:.3f} s "
            f"(ratio {took / base:.1f})"
        )

        with db.session() as s, s.begin():
            demo.generate(s, n, seed=1, today=date(2026, 11, 27), replace=True)
            share = Path(tmp) / "share"
            share.mkdir()
            t = time.perf_counter()
            export.export_now(s, share, now="2026-11-27T12:00:00Z")
            exported = time.perf_counter() - t
        with db.session() as s, s.begin():
            t = time.perf_counter()
            found = retention.review(s, date(2026, 11, 27))
            reviewed = time.perf_counter() - t
            t = time.perf_counter()
            done = retention.apply(s, date(2026, 11, 27), conference_ids=[d.conference_id for d in found.due])
            applied = time.perf_counter() - t
        print(
            f"retention on {n} conferences: review {reviewed:.2f} s ({len(found.due)} due), apply {applied:.2f} s "
            f"({len(done)} removed, review included); the export of the same data took {exported:.2f} s"
        )
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
