"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void call (and to True on every
Signal.emit), so a long editing session (hundreds of thousands of widget calls) aborts Python. The pinned
PySide6 must not: this test fails if the pin is lifted to a release with that bug."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_long_session_of_widget_calls_and_signals_does_not_abort_python():
    code = (
        "import cpchair.gui\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "from PySide6.QtWidgets import QApplication, QLabel\n"
        "class Source(QObject):\n"
        "    changed = Signal()\n"
        "app = QApplication([])\n"
        "label = QLabel()\n"
        "source = Source()\n"
        "source.changed.connect(label.clear)\n"
        "for _ in range(100_000):\n"
        "    label.clear()\n"
        "    source.changed.emit()\n"
        "print('done')\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "done"
