"""`cpchair demo`: in a fresh process, without Qt, the data it makes is what `cpchair list --json` shows."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter

from cpchair.cli import main

RUN = (
    "import sys\n"
    "from cpchair.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "assert not [m for m in sys.modules if m.startswith('PySide6')], 'the CLI imported Qt'\n"
    "sys.exit(rc)\n"
)


def _cpchair(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CPCHAIR_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-c", RUN, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def test_demo_then_list_shows_the_conferences_it_made(tmp_path):
    data = tmp_path / "data"
    made = _cpchair("--data-dir", str(data), "demo", "--conferences", "300")
    assert made.returncode == 0, made.stderr
    assert "Made 300 demo conferences" in made.stdout
    assert "Review conference (RCPC)" in made.stdout and "Data folder:" in made.stdout

    listed = _cpchair("--data-dir", str(data), "list", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 300 and len({i["id"] for i in items}) == 300
    assert set(Counter(i["conference_type"] for i in items)) == {
        "initial",
        "pre_birth_initial",
        "review",
        "transfer_in",
    }
    statuses = Counter(i["status"] for i in items)
    assert statuses["complete"] > 270 and statuses["complete"] + statuses["draft"] == 300
    dates = [i["conference_date"] for i in items]
    assert dates == sorted(dates)
    assert (data / "pseudonymisation.key").is_file()


def test_a_second_run_refuses_and_replace_starts_again(tmp_path):
    data = tmp_path / "data"
    assert _cpchair("--data-dir", str(data), "demo", "--conferences", "40").returncode == 0
    again = _cpchair("--data-dir", str(data), "demo", "--conferences", "40")
    assert again.returncode == 1
    assert "already holds 40 conference(s)" in again.stderr and "--replace" in again.stderr
    with sqlite3.connect(data / "cpchair.sqlite") as con:
        before = {r for (r,) in con.execute("SELECT id FROM conference")}
    assert len(before) == 40

    replaced = _cpchair("--data-dir", str(data), "demo", "--conferences", "25", "--seed", "9", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert "Deleted the 40 conference(s)" in replaced.stdout
    with sqlite3.connect(data / "cpchair.sqlite") as con:
        after = {r for (r,) in con.execute("SELECT id FROM conference")}
    assert len(after) == 25 and not after & before


def test_a_bad_count_is_a_usage_error(tmp_path, capsys):
    for bad in ("0", "lots", "-5"):
        try:
            main(["--data-dir", str(tmp_path / "d"), "demo", "--conferences", bad])
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError(f"--conferences {bad} was accepted")
    assert "--conferences" in capsys.readouterr().err
    assert not (tmp_path / "d" / "cpchair.sqlite").exists()
