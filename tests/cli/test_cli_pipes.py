"""`cpchair list --json | head`: a reader that stops early is not an error and prints no traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    env = dict(os.environ, CPCHAIR_DATA_DIR=str(tmp_path / "data"))
    subprocess.run(
        [sys.executable, "-m", "cpchair", "demo", "--conferences", "1200"], env=env, check=True, capture_output=True
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpchair", "list", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout.read(1) == b"["  # more than a pipe's buffer follows, so the writer meets the closed pipe
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err
