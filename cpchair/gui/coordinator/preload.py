"""Import the coordinator's workspace in the background, soon after a coordinator's window has started.

Why: the workspace's modules (the dashboard and its figure registry, the merge with its schema validator, the
chairs' keys with ``cryptography``) took 80-250 ms to import, and the main window imports them the first time
the coordinator opens the view: all of it in one slice of the GUI thread, a visible freeze. Imported in a
worker thread a second after the window is shown, they are ready when the coordinator clicks; the import only
defines classes and functions (no Qt object is made), so it is safe off the GUI thread, and it is only ever
slower (never wrong) to click before it has finished: Python's import lock makes the GUI thread wait for the
module being imported, then use it.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import QObject, QTimer

from cpchair.gui import workers

log = logging.getLogger(__name__)

#: the workspace imports every view of it and their services; ``gui.app`` opens the merged store
MODULES = ("cpchair.gui.coordinator.workspace", "cpchair.gui.app")
DELAY_MS = 1000  # after the window's first paint and the conference list's first page


def start_soon(window: QObject) -> None:
    """Import the workspace's modules in a worker thread in ``DELAY_MS``. The timer is the window's, so
    quitting stops it (``workers.stop_timers``) and then waits for the thread if it started."""
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.setInterval(DELAY_MS)
    timer.timeout.connect(lambda: workers.start(_import, name="coordinator-preload"))
    timer.timeout.connect(timer.deleteLater)
    timer.start()


def _import() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the GUI thread imports it again when the view opens, and shows the error then
            log.exception("preloading %s failed", name)
