"""Refuse a data folder where SQLite is not safe: a network drive or a synced (cloud) folder.

(First version: the sync work completes the detection of network drives and sync roots.)
"""

from __future__ import annotations

import os
from pathlib import Path

from cpchair.errors import UnsafeDataDir


def check_data_dir(path: str | os.PathLike[str]) -> None:
    p = str(Path(path).expanduser())
    if p.startswith("\\\\") or p.startswith("//"):
        raise UnsafeDataDir(f"{p} is a network path. Keep cpchair's data on this computer's own disk.")
