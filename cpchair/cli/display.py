"""Whether the window can open at all: on Linux, without a display, Qt aborts with a long xcb message.

Why check before Qt: ``make run`` over SSH or in a container without a desktop used to end in Qt's "could not
connect to display … no Qt platform plugin could be initialized" abort (and a core dump). One plain line that
says what is missing, and that the commands still work, serves the newcomer better.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def missing_display(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """The sentence to print when no window can be shown, or None when one can (or Qt is told where to draw)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "darwin", "cygwin"):
        return None  # a desktop session always has its display
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): start cpchair from a "
        "desktop session; the commands (`cpchair --help`) work without one."
    )
