"""How much the dashboard and the service report cost, as multiples of one statistics run over the same records.

Why ratios: the dashboard recomputes the §6.2 statistics for every month, quarter and chair (about 20 runs for
a year), and the report lays out about 15 pages of charts. Both must stay a small, predictable multiple of the
statistics themselves on a large service's data. The records are the conformance share's, copied ``SCALE``
times with fresh ids and child keys (about 400 conferences per copy), so the numbers are realistic in shape.

Run: ``.venv/bin/python benchmarks/bench_report.py [SCALE]``
"""

from __future__ import annotations

import copy
import json
import sys
import time
from datetime import date
from pathlib import Path

from cpchair.domain.statistics import compute
from cpchair.reports.service_report import build_report
from cpchair.reports.workbook import build_workbook
from cpchair.services import dashboard

SHARE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "conformance" / "share"
YEAR = (date(2024, 4, 1), date(2025, 3, 31))


def conformance_records() -> tuple[list[dict], dict[str, str]]:
    records: dict[str, dict] = {}
    chair_of: dict[str, str] = {}
    for path in sorted(SHARE.glob("*.json")):
        env = json.loads(path.read_text("utf-8"))
        for r in env["payload"]["conferences"]:
            if r["id"] not in records or records[r["id"]]["revision"] < r["revision"]:
                records[r["id"]] = r
                chair_of[r["id"]] = env["chair_name"]
        for marker in env["payload"]["deleted"]:
            if marker["id"] in records and records[marker["id"]]["revision"] <= marker["revision"]:
                del records[marker["id"]]
    return list(records.values()), chair_of


def scaled(scale: int) -> tuple[list[dict], dict[str, str]]:
    base, base_chairs = conformance_records()
    records, chair_of = [], {}
    for k in range(scale):
        for r in base:
            c = copy.deepcopy(r)
            c["id"] = f"{k:04d}{r['id'][4:]}"
            c["family_key"] = f"{r['family_key']}_{k}"[:64]
            for child in c["children"]:
                child["child_key"] = f"{child['child_key']}_{k}"[:64]
            records.append(c)
            chair_of[c["id"]] = f"{base_chairs[r['id']]} team {k % 4 + 1}"
    return records, chair_of


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    records, chair_of = scaled(scale)
    baseline = timed(lambda: compute(records, *YEAR))
    dash = dashboard.build(records, chair_of, *YEAR)
    rows = [
        ("dashboard (period only)", timed(lambda: dashboard.build(records, chair_of, *YEAR, with_series=False))),
        ("dashboard (with months, quarters, chairs)", timed(lambda: dashboard.build(records, chair_of, *YEAR), 1)),
        ("report PDF", timed(lambda: build_report(dash, today=date(2025, 4, 20)), 1)),
        ("report PDF, suppressed", timed(lambda: build_report(dash, suppress=True, today=date(2025, 4, 20)), 1)),
        ("workbook", timed(lambda: build_workbook(dash), 1)),
    ]
    print(f"{len(records)} conferences, {len(dash.chairs)} chairs; one statistics run: {baseline * 1000:.0f} ms")
    for name, seconds in rows:
        print(f"  {name:45s} {seconds * 1000:7.0f} ms  = {seconds / baseline:5.1f} x one statistics run")


if __name__ == "__main__":
    main()
