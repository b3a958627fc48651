"""Benchmark: exporting 20,000 conferences (the issue asks for under 2 s).

Run: ``.venv/bin/python benchmarks/bench_export.py [N]``. Prints the export time (median of 3) and its ratio to a
baseline measured in the same run on the same machine: ``json.dumps`` of the same payload written to a
file with fsync (the least any exporter must do), so a slow or busy machine shows in both.

Data: the demo generator makes 500 realistic conferences, which are then copied under new ids up to N
with one bulk insert (the generator itself would take far longer than the export). Everything happens
in a temporary data folder; the installation is not touched.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

SEED_CONFERENCES = 500


def fill(db, n: int) -> None:
    from sqlalchemy import insert, select

    from cpchair.services import demo
    from cpchair.storage.models import Conference

    with db.session() as s:
        demo.generate(s, SEED_CONFERENCES, seed=1)
        s.flush()
        rows = [dict(r._mapping) for r in s.execute(select(Conference.__table__))]
        copies = []
        for i in range(n - len(rows)):
            row = dict(rows[i % len(rows)])
            row["id"] = str(uuid.uuid4())
            copies.append(row)
        if copies:
            s.execute(insert(Conference.__table__), copies)
        s.commit()


def treat_as_real_work(db) -> None:
    """The demo's conferences are sample data, which an ordinary export refuses (and the demo key never keys
    real work): here they stand for a real installation, so they are unmarked and a random key installed."""
    import secrets

    from sqlalchemy import delete

    from cpchair.services import pseudonym
    from cpchair.storage.models import SampleConference

    with db.session() as s:
        s.execute(delete(SampleConference))
        s.commit()
    pseudonym.save_key(secrets.token_bytes(32))


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory(prefix="cpchair-bench-") as tmp:
        os.environ["CPCHAIR_DATA_DIR"] = str(Path(tmp) / "data")
        from cpchair.services import export, pseudonym
        from cpchair.storage.db import open_database

        db = open_database()
        t = time.perf_counter()
        fill(db, n)
        print(f"made {n:,} conferences in {time.perf_counter() - t:.1f} s")
        treat_as_real_work(db)
        key = pseudonym.load_key()
        share = Path(tmp) / "share"
        share.mkdir()

        runs, baselines, cpu, base_cpu = [], [], [], []
        for _ in range(3):
            with db.session() as s:
                export.ensure_identity(s)
                s.commit()
                t, c = time.perf_counter(), time.process_time()
                result = export.export_now(s, share, key=key, unsigned=True)  # the v1 writer, as measured before
                runs.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                s.commit()
            size = result.path.stat().st_size
            payload = json.loads(result.path.read_text("utf-8"))["payload"]
            base = Path(tmp) / "baseline.json"
            t, c = time.perf_counter(), time.process_time()
            with open(base, "w", encoding="utf-8") as f:
                f.write(json.dumps(payload))
                f.flush()
                os.fsync(f.fileno())
            baselines.append(time.perf_counter() - t)
            base_cpu.append(time.process_time() - c)
            del payload
        db.dispose()

    med, baseline = statistics.median(runs), statistics.median(baselines)
    print(f"file: {result.path.name} ({size / 1e6:.1f} MB)")
    print(f"records exported: {result.record_count:,} ({result.conferences:,} conferences, {result.deleted} deleted)")
    print(f"export: median {med:.3f} s of {len(runs)}, best {min(runs):.3f} s (target: under 2 s for 20,000)")
    print(f"baseline (json.dumps + write + fsync of the same payload): median {baseline:.3f} s")
    print(f"ratio export / baseline: {med / baseline:.2f}x (wall clock, medians)")
    cpu_med, base_cpu = statistics.median(cpu), statistics.median(base_cpu)
    print(f"CPU time: export {cpu_med:.3f} s, baseline {base_cpu:.3f} s, ratio {cpu_med / base_cpu:.2f}x (medians)")
    load = os.getloadavg()[0]
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} CPUs (a busy machine inflates wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
