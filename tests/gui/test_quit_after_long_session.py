"""Quitting after a long session ends cleanly: the real application in its own process, offscreen, with
faulthandler on, driven through many rounds of typing, autosave, minutes, sync, merge and dashboard
recalculations, then closed while an export, a merge and a calculation are all still running.

Why a subprocess: the crash seen once (a segfault in libQt6Core on quitting) happens in the teardown of the
QApplication and the interpreter, which a test inside pytest's own long-lived QApplication never reaches.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("long_session_script.py")
ROUNDS = 6

pytestmark = pytest.mark.gui


def test_a_long_session_quits_with_exit_code_0_and_keeps_the_last_typing(tmp_path):
    data, share = tmp_path / "data", tmp_path / "share"
    data.mkdir()
    share.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CPCHAIR_DATA_DIR"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(SCRIPT), str(data), str(share), str(ROUNDS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = f"exit {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-6000:]}"
    assert proc.returncode == 0, report
    assert "Fatal Python error" not in proc.stderr, report
    assert "QThread: Destroyed while thread is still running" not in proc.stderr, report
    assert f"round {ROUNDS} done" in proc.stdout and "session done" in proc.stdout, report

    # What the chair did is in the database: the last typing, saved as the window closed, and the minutes.
    from cpchair import paths
    from cpchair.services import conferences
    from cpchair.storage.db import open_database

    paths.set_data_dir(data)
    db = open_database()
    try:
        with db.session() as s:
            rows = [conferences.get(s, c.id) for c in conferences.list_summaries(s, limit=40)]
    finally:
        db.dispose()
    names = [r.answers.get("family_name") or "" for r in rows]
    assert any(n.endswith(" last") for n in names), names
    assert sum(" r" in n for n in names) >= ROUNDS - 1
    assert any("room" in (r.minutes or {}).get("venue", "") for r in rows)
    # The syncs wrote export files to the share, which the merges read.
    assert list(share.glob("*.json"))
