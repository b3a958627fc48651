"""The PyInstaller bundle against the installed app (``python -m cpchair`` from the venv), in the same run.

Two measurements, each a fresh process, alternating between the two sides after one warm-up of each, medians
of 5 with their range:
- start-up: from launch until the app reports its window shown and drawn (``CPCHAIR_STARTUP_PROBE``: the
  app prints "shown" after the first paint, then quits), offscreen, on a data folder of 600 demo conferences;
- ``--self-test``: the whole command, launch to exit.
Also prints the bundle's size. Needs ``make bundle`` first (it says so and stops otherwise).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_bundle.py``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "cpchair" / "cpchair"
RUNS = 5


def until_shown(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    shown = time.perf_counter() - start
    proc.communicate(timeout=120)
    if line.strip() != "shown" or proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} did not report its window (got {line!r}, exit {proc.returncode})")
    return shown


def whole(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def compare(name: str, measure, venv_cmd: list[str], bundle_cmd: list[str], env: dict[str, str]) -> None:
    measure(venv_cmd, env), measure(bundle_cmd, env)  # warm-up: the file cache, for both alike
    venv, bundle = [], []
    for _ in range(RUNS):
        venv.append(measure(venv_cmd, env))
        bundle.append(measure(bundle_cmd, env))
    v, b = statistics.median(venv), statistics.median(bundle)
    print(
        f"{name}: venv {v:.2f} s ({min(venv):.2f}-{max(venv):.2f}), bundle {b:.2f} s ({min(bundle):.2f}-"
        f"{max(bundle):.2f}): bundle/venv {b / v:.2f}x"
    )


def main() -> int:
    if not BUNDLE.exists():
        print(f"bench_bundle: no bundle at {BUNDLE}; build it with `make bundle` first.")
        return 0
    size = subprocess.run(["du", "-sh", str(BUNDLE.parent)], capture_output=True, text=True).stdout.split()[0]
    print(f"bundle size (du -sh dist/cpchair): {size}")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CPCHAIR_DATA_DIR=tmp, QT_QPA_PLATFORM="offscreen", CPCHAIR_STARTUP_PROBE="1")
        subprocess.run([sys.executable, "-m", "cpchair", "demo", "--conferences", "600"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        compare("start-up to the first window", until_shown, [sys.executable, "-m", "cpchair"], [str(BUNDLE)], env)
        compare(
            "--self-test", whole, [sys.executable, "-m", "cpchair", "--self-test"], [str(BUNDLE), "--self-test"], env
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
