"""Long commands say what they are doing on a terminal (stderr), and nothing more when stderr is a pipe."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from cpchair.cli.progress import Progress


def _run_with_tty_stderr(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``cpchair ARGS`` with stderr on a pseudo-terminal; returns (exit code, stdout, what the tty got)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cpchair", *args], env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    return proc.returncode, out.decode(), seen.decode(errors="replace")


def test_demo_shows_progress_on_a_terminal_and_clears_it(tmp_path):
    env = dict(os.environ, CPCHAIR_DATA_DIR=str(tmp_path / "data"))
    code, out, tty = _run_with_tty_stderr(["demo", "--conferences", "250"], env)
    assert code == 0, tty
    assert "Making 250 demo conferences…" in tty
    assert "Writing the minutes and checking each record: 200 of 250…" in tty
    assert "Saving 250 conferences…" in tty
    assert tty.endswith("\r\x1b[K")  # the line is cleared before the summary is printed
    assert out.startswith("Made 250 demo conferences")  # stdout is exactly what it was


def test_demo_and_report_write_nothing_to_stderr_when_it_is_not_a_terminal(tmp_path, conformance):
    env = dict(os.environ, CPCHAIR_DATA_DIR=str(tmp_path / "data"))
    demo = subprocess.run(
        [sys.executable, "-m", "cpchair", "demo", "--conferences", "120"], env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0 and demo.stderr == ""
    merged = subprocess.run(
        [sys.executable, "-m", "cpchair", "merge", str(conformance / "share"), "--allow-unsigned"],
        env=env,
        capture_output=True,
    )
    assert merged.returncode == 0, merged.stderr
    report = subprocess.run(
        [sys.executable, "-m", "cpchair", "report", "--from", "2024-04-01", "--to", "2025-03-31",
         "-o", str(tmp_path / "r.pdf"), "--xlsx", str(tmp_path / "r.xlsx")],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert report.returncode == 0 and report.stderr == ""
    assert report.stdout.splitlines() == [str(tmp_path / "r.pdf"), str(tmp_path / "r.xlsx")]
    code, _out, tty = _run_with_tty_stderr(
        ["report", "--from", "2024-04-01", "--to", "2025-03-31", "-o", str(tmp_path / "r2.pdf")], env
    )
    assert code == 0, tty
    assert "Reading the merged conferences…" in tty and "Writing the report PDF…" in tty


def test_progress_is_silent_on_a_file():
    stream = io.StringIO()
    progress = Progress(stream)
    progress("Working…")
    progress.done()
    assert stream.getvalue() == ""
