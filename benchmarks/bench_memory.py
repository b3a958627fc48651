"""Peak memory of ``cpchair stats --json`` and ``cpchair report`` as the merged store grows, on SQLite and on
PostgreSQL, beside the peak of a bare ``import cpchair.cli`` measured in the same run.

For each size N (default 50,000, 100,000 and 200,000 conferences) a generated service (the share of
bench_store_scale.py: a service's years cloned with fresh ids and children) is merged into a fresh SQLite
store and a fresh PostgreSQL database (a throw-away cluster, tests/pg_server.py); then each command runs as
the coordinator runs it, in a fresh process, for the reporting year 2024-25, and its wall time and peak
resident memory (``ru_maxrss``) are printed. The JSON of ``stats`` must be identical on both stores; its
SHA-256 and that of the report's text (read back with pypdf) are printed, so that runs of two versions of
cpchair on the same sizes can be compared figure for figure.

Run: ``.venv/bin/python benchmarks/bench_memory.py [N ...]`` (about 3 minutes for the default sizes on two
cores). Exits 1 only when the two stores' statistics differ.
"""

from __future__ import annotations

import gc
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_store_scale import merge_into, write_share  # noqa: E402
from cpchair.services.merge import find_export_files  # noqa: E402
from cpchair.storage.db import open_database  # noqa: E402
from cpchair.storage.store import StoreChoice, open_store  # noqa: E402
from tests.pg_server import PostgresServer, find_bindir  # noqa: E402

SIZES = (50_000, 100_000, 200_000)
PERIOD = ["--from", "2024-04-01", "--to", "2025-03-31"]
REPORT_PERIOD = ["--from", "01/04/2024", "--to", "31/03/2025"]

# ru_maxrss of RUSAGE_CHILDREN is the largest child so far: each command runs under its own helper.
PROBE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "out = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True).stdout; "
    "w = time.perf_counter() - t; "
    "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); print(out, end='')"
)


def measured(cmd: list[str], data_dir: Path, url: str | None) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and standard output of ``cmd`` in a fresh process."""
    env = dict(os.environ, CPCHAIR_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    env.pop("CPCHAIR_DATABASE_URL", None)
    if url:
        env["CPCHAIR_DATABASE_URL"] = url
    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], env=env, check=True, capture_output=True, text=True)
    first, _, rest = out.stdout.partition("\n")
    wall, peak = (float(x) for x in first.split())
    return wall, peak, rest


def report_text_digest(pdf: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(database) -> str:
    """How the store reads the statistics' rows (EXPLAIN of the ordered query), where this cpchair has one."""
    from datetime import date

    from sqlalchemy import select, text

    from cpchair.services import stats

    if not hasattr(stats, "order_by"):
        return "(no ordered read in this version)"
    with database.session() as s:
        c = stats.conf_t.c
        stmt = (
            select(c.id, c.conference_date, c.updated_at, c.chair_id, c.record)
            .where(c.conference_date <= date(2025, 3, 31))
            .order_by(*stats.order_by(s))
        )
        bind = s.get_bind()
        sql = str(stmt.compile(bind, compile_kwargs={"literal_binds": True}))
        if bind.dialect.name == "sqlite":
            return "; ".join(str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
        s.execute(text("ANALYZE merged_conference"))  # the plan of the server-side cursor the stream reads with
        return "; ".join(r[0].strip() for r in s.execute(text("EXPLAIN DECLARE plan_probe CURSOR FOR " + sql)))


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL is not installed (apt-get install postgresql): nothing to compare with.")
        return 1
    cli = [sys.executable, "-m", "cpchair"]
    ok = True
    rows = []
    server = PostgresServer(bindir).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            _w, base_peak, _ = measured([sys.executable, "-c", "import cpchair.cli"], tmp_path, None)
            print(f"baseline: python -c 'import cpchair.cli' peaks at {base_peak:.0f} MB")
            for n in sizes:
                share = tmp_path / f"share{n}"
                share.mkdir()
                t = time.perf_counter()
                count = write_share(share, n)
                files = len(find_export_files(share))
                print(f"{count} conferences in {files} files, written in {time.perf_counter() - t:.0f} s", flush=True)
                gc.collect()
                data = tmp_path / f"data{n}"
                data.mkdir()
                os.environ["CPCHAIR_DATA_DIR"] = str(data)
                local = open_database(data / "cpchair.sqlite")
                pg_url = server.create_database()
                pg = open_store(StoreChoice(pg_url, "option"), local)
                m_sqlite, m_pg = merge_into(local, share), merge_into(pg, share)
                print(f"  merged in {m_sqlite:.0f} s (SQLite), {m_pg:.0f} s (PostgreSQL)")
                print(f"  SQLite plan: {plan(local)}")
                print(f"  PostgreSQL plan: {plan(pg)}")
                pg.dispose()
                local.dispose()
                outputs = {}
                for store, url in (("SQLite", None), ("PostgreSQL", pg_url)):
                    s_wall, s_peak, s_json = measured([*cli, "stats", *PERIOD, "--json"], data, url)
                    pdf = tmp_path / f"report-{n}-{store}.pdf"
                    r_wall, r_peak, _ = measured([*cli, "report", *REPORT_PERIOD, "-o", str(pdf)], data, url)
                    digest = hashlib.sha256(s_json.encode()).hexdigest()[:16]
                    outputs[store] = s_json
                    rows.append((n, store, s_wall, s_peak, r_wall, r_peak, digest, report_text_digest(pdf)))
                    print("  " + "  ".join(str(x) if isinstance(x, str) else f"{x:.1f}" for x in rows[-1][1:]),
                          flush=True)  # fmt: skip
                ok = ok and outputs["SQLite"] == outputs["PostgreSQL"]
                for path in share.iterdir():
                    path.unlink()
                share.rmdir()
    finally:
        server.stop()

    print()
    print(f"peak resident memory of a bare 'import cpchair.cli': {base_peak:.0f} MB")
    head = f"{'conferences':>11} {'store':<10} {'stats s':>8} {'stats MB':>9} {'report s':>9} {'report MB':>10}"
    print(f"{head}  stats JSON sha256  report text sha256")
    for n, store, s_wall, s_peak, r_wall, r_peak, digest, r_digest in rows:
        print(f"{n:>11,} {store:<10} {s_wall:8.1f} {s_peak:9.0f} {r_wall:9.1f} {r_peak:10.0f}  {digest}   {r_digest}")
    print("the two stores' statistics are identical" if ok else "THE TWO STORES' STATISTICS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
