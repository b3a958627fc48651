"""Start-up: the real main window on 20,000 conferences against an empty QMainWindow (target: at most 1.5x).

Each measurement is a fresh interpreter (``subprocess``), timed from launch until the child reports that the
window has been shown and the event queue drained (the first paint): Python's own start, every import, the
database and the first page of the list, as a chair would feel it. The interpreter's teardown afterwards is
what quitting costs, so it is printed but not compared.

Two baselines, both an empty QMainWindow with SQLAlchemy imported (the issue's yardstick):
- "as the issue words it": PySide6 imported first, then SQLAlchemy, as this benchmark has always done;
- "stricter": SQLAlchemy first. PySide6's import hook reads the source of every module imported after
  it, so this order is faster (the app itself now imports SQLAlchemy and its own modules first); comparing
  with it shows what the app costs beyond Qt + SQLAlchemy without crediting the import-order gain.
The target is checked against the first; both ratios are printed. Runs alternate (after one warm-up of
each), so a busy moment on the machine hits every side alike; medians of 5 with their range are printed.

The 20,000-conference database is made once with H6's demo generator (``cpchair.services.demo.generate``)
when it is there, otherwise with minimal rows bulk-inserted through SQLAlchemy Core, and kept in the
system's temp folder between runs (delete it, or pass ``--rebuild``, to make it again).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

CONFERENCES = 20_000
RUNS = 5
TARGET = 1.5

_WINDOW = """
app = QApplication(sys.argv)
w = QMainWindow()
w.resize(1366, 768)
w.show()
app.processEvents()
print("shown", flush=True)
"""
# The same empty window, with the two imports in either order (the order changes PySide6's import cost).
BASELINE = (
    "import sys\nfrom PySide6.QtWidgets import QApplication, QMainWindow\nimport sqlalchemy, sqlalchemy.orm" + _WINDOW
)
STRICT_BASELINE = (
    "import sys\nimport sqlalchemy, sqlalchemy.orm\nfrom PySide6.QtWidgets import QApplication, QMainWindow" + _WINDOW
)

REAL = """
import sys
from cpchair.gui.app import make_application, open_database_for_gui
app = make_application(sys.argv)
db = open_database_for_gui()
from cpchair.gui.main_window import MainWindow
w = MainWindow(db)
w.show()
app.processEvents()
assert w.list_page.model.total >= {n}, w.list_page.model.total
assert w.list_page.model.rowCount() < w.list_page.model.total  # paged, not all rows
print("shown", flush=True)
"""


def _bulk_insert(db, n: int) -> None:
    """Minimal, plausible rows: enough for the list to sort, search and page over."""
    from sqlalchemy import insert

    from cpchair.services.conferences import blank_answers
    from cpchair.storage.models import Conference

    start = date(2022, 4, 4)
    rows = []
    for i in range(n):
        day = start + timedelta(days=(i * 7) % 1400)
        answers = blank_answers("review" if i % 3 else "initial")
        answers.update(family_ref=f"FAM-{10000 + i // 3}", family_name=f"Family {i // 3}")
        answers["conference_date"] = day.isoformat()
        rows.append(
            {
                "id": str(uuid.UUID(int=i + 1)),
                "revision": 1,
                "status": "complete" if i % 10 else "draft",
                "ever_completed": bool(i % 10),
                "conference_type": answers["conference_type"],
                "conference_date": day,
                "family_ref": answers["family_ref"],
                "family_name": answers["family_name"],
                "next_review_due": day + timedelta(days=182),
                "answers": answers,
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
            }
        )
    with db.session() as s:
        s.execute(insert(Conference), rows)
        s.commit()


def build_database(folder: Path, n: int) -> str:
    """Fill ``folder`` with an installation holding ``n`` conferences; returns how it was made."""
    from cpchair import settings
    from cpchair.services import conferences
    from cpchair.storage.db import open_database

    db = open_database(folder / "cpchair.sqlite")
    try:
        try:
            from cpchair.services.demo import generate
        except (ImportError, AttributeError):
            generate = None
        with db.session() as s:
            if generate is not None:
                generate(s, conferences=n, seed=1)
                how = "demo generator"
            s.commit()
        if generate is None:
            _bulk_insert(db, n)
            how = "bulk insert"
        with db.session() as s:
            settings.put(s, "chair_name", "Benchmark Chair")
            settings.put(s, "first_run_done", True)
            s.commit()
            assert conferences.count(s) >= n * 0.95
    finally:
        db.dispose()
    return how


def time_script(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(seconds until the window is shown, seconds until the process has exited).

    The window has appeared when the child says "shown" (after the first paint); the interpreter's
    teardown afterwards is what quitting costs, not starting, so it is reported but not compared.
    """
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = child.stdout.readline()
    shown = time.perf_counter() - t0
    _out, err = child.communicate()
    ended = time.perf_counter() - t0
    if child.returncode != 0 or line.strip() != "shown":
        raise SystemExit(f"the measured script failed (exit {child.returncode}):\n{err}")
    return shown, ended


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conferences", type=int, default=CONFERENCES)
    parser.add_argument("--rebuild", action="store_true", help="make the benchmark database again")
    args = parser.parse_args()

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    folder = Path(tempfile.gettempdir()) / f"cpchair-bench-startup-{args.conferences}"
    if args.rebuild and folder.exists():
        for p in folder.rglob("*"):
            if p.is_file():
                p.unlink()
    if not (folder / "cpchair.sqlite").exists():
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        how = build_database(folder, args.conferences)
        print(f"made {args.conferences:,} conferences with the {how} in {time.perf_counter() - t0:.1f} s ({folder})")
    env["CPCHAIR_DATA_DIR"] = str(folder)

    scripts = {
        "baseline": BASELINE,
        "strict": STRICT_BASELINE,
        "real": REAL.format(n=int(args.conferences * 0.95)),
    }
    for code in scripts.values():
        time_script(code, env)  # warm the file cache for every side
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in scripts}
    for _ in range(RUNS):  # interleaved, so a busy moment on the machine hits every side alike
        for name, code in scripts.items():
            runs[name].append(time_script(code, env))
    shown = {name: [s for s, _e in r] for name, r in runs.items()}
    med = {name: statistics.median(v) for name, v in shown.items()}
    ended = {name: statistics.median(e for _s, e in r) for name, r in runs.items()}

    def line(label: str, name: str) -> str:
        v = shown[name]
        return f"  {label:52s} {med[name] * 1000:4.0f} ms ({min(v) * 1000:.0f}-{max(v) * 1000:.0f} ms)"

    print(f"time until the window is shown, median of {RUNS} (range):")
    print(line("baseline (PySide6, then SQLAlchemy; as the issue words it)", "baseline"))
    print(line("stricter baseline (SQLAlchemy, then PySide6)", "strict"))
    print(line(f"main window, {args.conferences:,} conferences", "real"))
    print(
        "until the process has exited (teardown included): "
        + ", ".join(f"{name} {ended[name] * 1000:.0f} ms" for name in scripts)
    )
    ratio, strict = med["real"] / med["baseline"], med["real"] / med["strict"]
    print(f"ratio against the stricter baseline: {strict:.2f}x")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x) {'OK' if ratio <= TARGET else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
