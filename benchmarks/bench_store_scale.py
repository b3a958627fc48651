"""A region's five years in one merged store: merge N conferences (default 1,000,000, in files of at most
2,000) into PostgreSQL and into SQLite, then ``cpchair stats --json`` for one reporting year on each.

Printed beside a floor measured in the same run on the same files:
- SQLite: read + ``json.loads`` + canonical bytes + digest check, then ``executemany`` into a plain table;
- PostgreSQL: the same parsing, then ``COPY`` of the same rows into a plain table (the fastest way in).
``stats`` runs as the coordinator runs it (a fresh ``cpchair`` process); its wall time and peak memory
(``ru_maxrss`` of the child) are printed, and the two stores' JSON must be identical.

The records are a generated service (tests/domain/generated_records.py) cloned with fresh ids and keys:
generating a million families one by one would take longer than the merge being measured.
PostgreSQL runs as a throw-away cluster in a temporary folder (tests/pg_server.py; Debian's postgresql).

Run: ``.venv/bin/python benchmarks/bench_store_scale.py [N]`` (a million takes several minutes and ~3 GB of
disk). Prints the figures; exits 1 only when the two stores disagree.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpchair.interchange.canonical import canonical_json  # noqa: E402
from cpchair.services.merge import find_export_files, merge_folder  # noqa: E402
from cpchair.storage.db import PRAGMAS, open_database  # noqa: E402
from cpchair.storage.store import StoreChoice, open_store  # noqa: E402
from tests.domain.generated_records import export_document, generate  # noqa: E402
from tests.pg_server import PostgresServer, find_bindir  # noqa: E402

PER_FILE = 2_000
BASE = 25_000
PERIOD = ["--from", "2024-04-01", "--to", "2025-03-31"]


def _rekey(key: str, k: int) -> str:
    prefix, digits = key[:3], key[3:]
    return f"{prefix}{int(digits, 16) ^ (k * 0x9E3779B97F4A7C15):032x}"[: len(key)]


def write_share(folder: Path, n: int) -> int:
    """``n`` conferences as export files of at most PER_FILE records, one chair per file's records."""
    base = generate(BASE, seed=5, chairs=4)
    written, seq, copy = 0, 0, 0
    while written < n:
        by_chair: dict[int, list[dict]] = {}
        for chair, rec in base:
            if written + sum(map(len, by_chair.values())) >= n:
                break
            clone = dict(rec, id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{rec['id']}/{copy}")))
            clone["family_key"] = _rekey(rec["family_key"], copy)
            clone["children"] = [dict(c, child_key=_rekey(c["child_key"], copy)) for c in rec["children"]]
            by_chair.setdefault(copy * 4 + chair, []).append(clone)
        for chair, records in by_chair.items():
            for i in range(0, len(records), PER_FILE):
                seq += 1
                doc = export_document(records[i : i + PER_FILE], chair=chair, sequence=seq)
                (folder / f"cpchair-c{chair}-{seq:06d}.json").write_text(json.dumps(doc), "utf-8")
                written += len(records[i : i + PER_FILE])
        copy += 1
    return written


def parsed_rows(folder: Path):
    """What any importer must do with each file: parse, make canonical bytes, check the digest."""
    for path in find_export_files(folder):
        doc = json.loads(path.read_bytes())
        payload = doc["payload"]
        raw = [canonical_json(r) for r in payload["conferences"]]
        deleted = b",".join(canonical_json(m) for m in payload["deleted"])
        canonical = b'{"conferences":[' + b",".join(raw) + b'],"deleted":[' + deleted + b"]}"
        assert hashlib.sha256(canonical).hexdigest() == doc["payload_sha256"]
        yield [
            (r["id"], r["revision"], r["conference_date"], doc["chair_id"], t.decode())
            for r, t in zip(payload["conferences"], raw, strict=True)
        ]


def floor_sqlite(folder: Path, path: Path) -> float:
    conn = sqlite3.connect(path)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(
        "CREATE TABLE plain (id TEXT PRIMARY KEY, revision INT, conference_date TEXT, chair TEXT, record TEXT)"
    )
    start = time.perf_counter()
    for rows in parsed_rows(folder):
        with conn:
            conn.executemany("INSERT INTO plain VALUES (?, ?, ?, ?, ?)", rows)
    took = time.perf_counter() - start
    conn.close()
    return took


def floor_postgres(folder: Path, server: PostgresServer) -> float:
    import psycopg
    from sqlalchemy.engine import make_url

    dbname = make_url(server.create_database()).database
    with psycopg.connect(host=str(server.sockdir), user=server.superuser, dbname=dbname) as conn:
        conn.execute(
            "CREATE TABLE plain (id varchar(36) PRIMARY KEY, revision int, conference_date date, chair varchar(36),"
            " record text)"
        )
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            for rows in parsed_rows(folder):
                with cur.copy("COPY plain FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
        return time.perf_counter() - start


def merge_into(database, folder: Path) -> float:
    with database.session() as session:
        start = time.perf_counter()
        summary = merge_folder(session, folder, allow_unsigned=True)  # generated v1 files
        took = time.perf_counter() - start
    assert not summary.rejected, summary.rejected[:3]
    return took


def stats_run(data_dir: Path, url: str | None) -> tuple[float, float, str]:
    """Wall seconds, the child's peak memory in MB, and the JSON of one ``cpchair stats`` run."""
    env = dict(os.environ, CPCHAIR_DATA_DIR=str(data_dir))
    env.pop("CPCHAIR_DATABASE_URL", None)
    if url:
        env["CPCHAIR_DATABASE_URL"] = url
    cmd = [sys.executable, "-m", "cpchair", "stats", *PERIOD, "--json"]
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run each in a fresh helper to read its own.
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "out = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True).stdout; "
        "w = time.perf_counter() - t; "
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); print(out, end='')"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *cmd], env=env, check=True, capture_output=True, text=True
    ).stdout
    first, _, rest = out.partition("\n")
    wall, peak = (float(x) for x in first.split())
    return wall, peak, rest


def _hold(data: Path, pg_url: str, tmp_path: Path) -> None:
    """With ``CPCHAIR_BENCH_HOLD=1``, keep both stores (and the PostgreSQL cluster) until ``release`` is
    created in the temporary folder: merging a million conferences takes most of an hour, and a change to the
    statistics can then be measured on the same stores (``CPCHAIR_DATA_DIR`` and ``CPCHAIR_DATABASE_URL``
    as printed) without merging again."""
    if os.environ.get("CPCHAIR_BENCH_HOLD") != "1":
        return
    release = tmp_path / "release"
    print(f"holding: CPCHAIR_DATA_DIR={data} CPCHAIR_DATABASE_URL={pg_url}; touch {release} to finish", flush=True)
    while not release.exists():
        time.sleep(5)


def _print_results(f_sqlite: float, m_sqlite: float, f_pg: float, m_pg: float, s_run: tuple, p_run: tuple) -> bool:
    s_wall, s_peak, s_json = s_run
    p_wall, p_peak, p_json = p_run
    print(f"{'':44} {'seconds':>9} {'x floor':>8}")
    print(f"{'SQLite floor (parse + digest + executemany)':44} {f_sqlite:9.1f}")
    print(f"{'SQLite merge':44} {m_sqlite:9.1f} {m_sqlite / f_sqlite:8.2f}")
    print(f"{'PostgreSQL floor (parse + digest + COPY)':44} {f_pg:9.1f}")
    print(f"{'PostgreSQL merge':44} {m_pg:9.1f} {m_pg / f_pg:8.2f}")
    print(f"{'PostgreSQL merge / SQLite merge':44} {'':9} {m_pg / m_sqlite:8.2f}")
    year = json.loads(s_json)["conferences"]["total"]
    print(f"stats --json for 2024-25 ({year} conferences in the year):")
    print(f"  SQLite      {s_wall:6.1f} s, peak {s_peak:7.0f} MB")
    print(f"  PostgreSQL  {p_wall:6.1f} s, peak {p_peak:7.0f} MB")
    same = s_json == p_json
    print("the two stores' statistics are identical" if same else "THE TWO STORES' STATISTICS DIFFER")
    return same


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL is not installed (apt-get install postgresql): nothing to compare with.")
        return 1
    server = PostgresServer(bindir).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            share = tmp_path / "share"
            share.mkdir()
            t = time.perf_counter()
            count = write_share(share, n)
            files = len(find_export_files(share))
            took = time.perf_counter() - t
            print(f"share: {count} conferences in {files} files, written in {took:.0f} s", flush=True)
            gc.collect()

            data = tmp_path / "data"
            data.mkdir()
            os.environ["CPCHAIR_DATA_DIR"] = str(data)
            local = open_database(data / "cpchair.sqlite")
            pg_url = server.create_database()
            pg = open_store(StoreChoice(pg_url, "option"), local)

            f_sqlite = floor_sqlite(share, tmp_path / "floor.sqlite")
            print(f"SQLite floor: {f_sqlite:.1f} s", flush=True)
            m_sqlite = merge_into(local, share)
            print(f"SQLite merge: {m_sqlite:.1f} s", flush=True)
            f_pg = floor_postgres(share, server)
            print(f"PostgreSQL floor: {f_pg:.1f} s", flush=True)
            m_pg = merge_into(pg, share)
            print(f"PostgreSQL merge: {m_pg:.1f} s", flush=True)
            pg.dispose()
            local.dispose()

            s_wall, s_peak, s_json = stats_run(data, None)
            p_wall, p_peak, p_json = stats_run(data, pg_url)
            same = _print_results(f_sqlite, m_sqlite, f_pg, m_pg, (s_wall, s_peak, s_json), (p_wall, p_peak, p_json))
            _hold(data, pg_url, tmp_path)
    finally:
        server.stop()

    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
