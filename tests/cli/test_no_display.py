"""Without a display, `cpchair` says so in one plain line and exits 1, instead of Qt's xcb abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cpchair.cli.display import missing_display


def test_starting_the_window_without_a_display_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["CPCHAIR_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.run([sys.executable, "-m", "cpchair"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [proc.stderr.strip()]  # one line
    assert proc.stderr.startswith("cpchair: no display to open the window on")
    assert "xcb" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "data").exists()  # nothing was created for a window that could not open


@pytest.mark.parametrize(
    ("env", "platform", "refused"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({}, "win32", False),
        ({}, "darwin", False),
    ],
)
def test_a_display_a_wayland_socket_or_a_chosen_qt_platform_is_enough(env, platform, refused):
    assert (missing_display(env, platform) is not None) is refused
