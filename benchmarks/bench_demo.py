"""Benchmark: `cpchair demo --conferences 20000` (the issue asks for under 30 s).

Run: ``.venv/bin/python benchmarks/bench_demo.py [N]``. Prints the time of ``demo.generate`` + commit for N
conferences (default 20,000) in a fresh temporary data folder, and its ratio to a baseline measured in the
same run on the same machine: a plain Core ``executemany`` of N minimal conference rows (blank answers,
no children, no minutes) + commit into another fresh database, i.e. the least any bulk writer pays.
It also times the parts on their own (simulation, validation, the minutes H2 writes) so a regression
can be placed. Nothing of the installation is touched.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path


def _baseline(db, n: int) -> float:
    from sqlalchemy import insert

    from cpchair.domain import dates
    from cpchair.services.conferences import blank_answers
    from cpchair.storage.models import Conference

    stamp = dates.utc_timestamp()
    rows = [
        {
            "id": str(uuid.uuid4()),
            "revision": 1,
            "status": "draft",
            "ever_completed": False,
            "answers": blank_answers("initial"),
            "minutes": None,
            "created_at": stamp,
            "updated_at": stamp,
            "deleted_at": None,
            "conference_type": "initial",
            "conference_date": date(2026, 1, 5),
            "family_ref": "",
            "family_name": "",
            "next_review_due": None,
        }
        for _ in range(n)
    ]
    t = time.perf_counter()
    with db.session() as s:
        s.execute(insert(Conference.__table__), rows)
        s.commit()
    return time.perf_counter() - t


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory(prefix="cpchair-bench-") as tmp:
        os.environ["CPCHAIR_DATA_DIR"] = str(Path(tmp) / "data")
        from cpchair.domain.questionnaire import load
        from cpchair.domain.validation import errors
        from cpchair.services import demo
        from cpchair.services.demo_minutes import demo_minutes
        from cpchair.storage.db import open_database

        db = open_database()
        base_db = open_database(Path(tmp) / "baseline.sqlite")
        baseline = _baseline(base_db, n)

        t = time.perf_counter()
        with db.session() as s:
            summary = demo.generate(s, n, seed=1)
            s.commit()
        total = time.perf_counter() - t

        q = load()
        t = time.perf_counter()
        gen = demo._Generator(q, random.Random(1), date.today(), 6, datetime.now(UTC))
        gen.run(n)
        simulate = time.perf_counter() - t
        t = time.perf_counter()
        for rec in gen.records:
            errors(rec.answers, q)
        validate = time.perf_counter() - t
        t = time.perf_counter()
        rng = random.Random(1)
        for rec in gen.records:
            demo_minutes(rec.answers, rng, "Demo Chair")
        minutes = time.perf_counter() - t

        print(f"demo.generate + commit, {summary.conferences:,} conferences: {total:.2f} s (target < 30 s)")
        print(f"baseline (executemany of {n:,} minimal rows + commit): {baseline:.2f} s")
        print(f"ratio demo / baseline: {total / baseline:.1f}x")
        print(
            f"  parts: simulation {simulate:.2f} s, validation {validate:.2f} s, minutes {minutes:.2f} s, "
            f"rest (rows, JSON, insert, commit) {max(0.0, total - simulate - validate - minutes):.2f} s"
        )
        db.dispose()
        base_db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
