"""Background threads of the window, and the orderly shutdown that waits for them before Qt is torn down.

Why this exists: a chair once saw a segfault in libQt6Core on quitting after a six-minute session. The window
ran its slow work (the sync panel's export, the dashboard's figures) on daemon threads that nobody waited for.
Quitting right after completing a conference (the export starts two seconds later) or while the dashboard was
calculating left a thread running while the window and then the QApplication were destroyed: its last act,
emitting a signal to tell the window it had finished, then touched freed Qt objects, or the thread was cut off
by the interpreter's finalisation in the middle of Qt code. The merge panel's QThread, destroyed while still
running, aborts the process the same way. So every worker is started here, and ``shutdown`` stops the timers
(whose Python callbacks must not fire into a half-destroyed window), asks running work to stop, and waits for
it, before the window is deleted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer

log = logging.getLogger(__name__)

_threads: list[threading.Thread] = []
_lock = threading.Lock()

#: how long quitting waits for a running export or calculation (a hung network share may block an export)
SHUTDOWN_WAIT_S = 30.0


def start(target: Callable[..., Any], *args: Any, name: str) -> threading.Thread:
    """Run ``target(*args)`` on a worker thread that ``wait_all`` (so quitting) will wait for."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    with _lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()
    return thread


def running() -> list[threading.Thread]:
    with _lock:
        return [t for t in _threads if t.is_alive()]


def wait_all(timeout: float = SHUTDOWN_WAIT_S) -> bool:
    """Wait for every worker started here; True when none is left running."""
    import time

    deadline = time.monotonic() + timeout
    for thread in running():
        thread.join(max(0.0, deadline - time.monotonic()))
    left = running()
    for thread in left:
        log.warning("worker %s still running at shutdown", thread.name)
    return not left


def stop_timers(root: QObject) -> None:
    """Stop every QTimer below ``root``, so no Python callback fires while the window is being destroyed."""
    for timer in root.findChildren(QTimer):
        timer.stop()


def stop_qthreads(root: QObject, timeout_ms: int = int(SHUTDOWN_WAIT_S * 1000)) -> bool:
    """Ask every running QThread below ``root`` to stop and wait for it (a QThread destroyed running aborts)."""
    ok = True
    for thread in root.findChildren(QThread):
        if thread.isRunning():
            thread.requestInterruption()
            thread.quit()
            ok = thread.wait(timeout_ms) and ok
    return ok


def shutdown(root: QObject) -> bool:
    """Stop ``root``'s timers and background work and wait for it; True when nothing is left running."""
    stop_timers(root)
    threads_ok = stop_qthreads(root)
    workers_ok = wait_all()
    return threads_ok and workers_ok
