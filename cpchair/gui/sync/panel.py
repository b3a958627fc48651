"""GUI: the sync panel in the status bar: "Sync now", when the last export was written, quiet retries.

Why it is quiet: the chair's work must never wait for the share. A conference completed or changed asks
for an export a moment later (changes in quick succession make one export); the export runs on a worker
thread with its own database session (SQLite objects never cross threads); when the share is missing,
read-only or full the panel says so in one line and tries again later with a growing interval, never with
a dialog. Problems only the chair can fix (no key, no name, no folder chosen) are shown the same way,
with the full sentence as the tooltip, and are not retried blindly: the panel looks for the key file
every few seconds and exports as soon as the coordinator's key has been imported.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from cpchair import settings
from cpchair.errors import CpchairError, ExportError
from cpchair.gui import workers
from cpchair.services import pseudonym
from cpchair.services.pseudonym import KeyMissing

UNREACHABLE = "Shared folder not reachable — will retry"
NOT_TRUSTED = "Not exported: no coordinator trusted yet"
RECIPIENTS_REFUSED = "Not exported: the share's recipients file was refused"
SAMPLE_HELD = "Not exported: this installation holds sample data"
DEMO_KEY = "Not exported: the demo key cannot key real work"


def _export():
    """``cpchair.services.export``, imported when first needed: the window's start-up only shows two settings."""
    from cpchair.services import export

    return export


def describe_last_export(stamp: str, now: datetime | None = None) -> str:
    """ "Last export: today 14:02" (local time), "yesterday 09:15", "12/03/2026 14:02", or "Not exported yet"."""
    if not stamp:
        return "Not exported yet"
    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone()
    except ValueError:
        return "Not exported yet"
    today: date = (now or datetime.now(UTC)).astimezone().date()
    clock = when.strftime("%H:%M")
    if when.date() == today:
        day = "today"
    elif when.date() == today - timedelta(days=1):
        day = "yesterday"
    else:
        day = when.strftime("%d/%m/%Y")
    return f"Last export: {day} {clock}"


NO_FOLDER = "No shared folder set: choose one in Settings"


def _refusal(error: CpchairError) -> str | None:
    """The status line for an export refused until the chair acts (interchange-v2 keys, sample data)."""
    from cpchair.services import keys, sample_data

    if isinstance(error, keys.NotPinned):
        return NOT_TRUSTED
    if isinstance(error, keys.RecipientsRefused):
        return RECIPIENTS_REFUSED
    if isinstance(error, sample_data.SampleDataHeld):
        return SAMPLE_HELD
    if isinstance(error, sample_data.DemoKeyRefused):
        return DEMO_KEY
    return None


class SyncPanel(QWidget):
    """Sits in the main window's status bar. ``request_export()`` is the Sync action; the main window
    calls ``conference_changed(id)`` after a conference is completed or a completed one changes."""

    #: an export was written (the ExportResult)
    export_finished = Signal(object)
    #: an export failed (the error: ShareUnavailable is retried, others wait for the chair)
    export_failed = Signal(object)
    _worker_done = Signal(object, object)  # (result, error), from the worker thread to the GUI thread

    #: wait this long after a change before exporting, so a burst of saves makes one file
    auto_delay_ms = 2_000
    #: retry intervals after the share was unreachable (the last one repeats)
    retry_delays_ms: tuple[int, ...] = (30_000, 60_000, 120_000, 300_000, 600_000, 900_000)

    #: how often to look for a newly imported key after an export failed for want of one
    key_poll_ms = 3_000

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._running = False
        self._again = False  # a change arrived while an export was running
        self._failures = 0
        self.last_error: CpchairError | None = None

        self.status_label = QLabel()
        self.status_label.setAccessibleName("Sync status")
        # wide enough for the longest message, so the status bar does not jump or clip as the text changes
        self.status_label.setMinimumWidth(self.status_label.fontMetrics().horizontalAdvance(UNREACHABLE) + 8)
        self.sync_button = QToolButton()
        self.sync_button.setText("Sync now")
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.setToolTip("Write an export file to the shared folder now")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.status_label)
        row.addWidget(self.sync_button)

        self.auto_timer = QTimer(self)
        self.auto_timer.setSingleShot(True)
        self.auto_timer.timeout.connect(self._start)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self._start)
        # after "no key", look for the key file now and then, and export as soon as it has been imported
        self._waiting_for_trust = False  # the key timer looks for a trusted coordinator instead of the key file
        self.key_timer = QTimer(self)
        self.key_timer.setInterval(self.key_poll_ms)
        self.key_timer.timeout.connect(self._check_key)
        self.sync_button.clicked.connect(self.request_export)
        self._worker_done.connect(self._finished)
        self.refresh()

    # --- what the window calls ------------------------------------------------------------------------
    def request_export(self) -> None:
        """Export now (the Sync button and action)."""
        self.auto_timer.stop()
        self.retry_timer.stop()
        if self._folder_set():
            self._start()

    def conference_changed(self, conference_id: str) -> None:
        """A conference was completed, changed or deleted: export shortly, if a shared folder is set."""
        if not self._folder_set():
            return
        if self._running:
            self._again = True
            return
        self.retry_timer.stop()
        self.auto_timer.start(self.auto_delay_ms)

    def _folder_set(self) -> bool:
        """Whether a shared folder is set; if not, say where to set it (trying would only fail)."""
        with self.db.session() as s:
            folder = settings.get(s, "shared_folder") or ""
        if not folder.strip():
            self._show(NO_FOLDER, "Choose the shared export folder in Settings to send your exports.")
            return False
        return True

    def refresh(self) -> None:
        """Show when the last export was written (after start-up or a change of settings)."""
        with self.db.session() as s:  # the two settings export.status would read, without its imports
            last_at, last_path = settings.get(s, "last_export_at"), settings.get(s, "last_export_path")
        self._show(describe_last_export(last_at or ""), last_path or "")

    @property
    def busy(self) -> bool:
        return self._running

    # --- the work -------------------------------------------------------------------------------------
    def _show(self, text: str, tooltip: str = "") -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(tooltip)
        self.status_label.setAccessibleDescription(tooltip)

    def _start(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self._again = False
        self.sync_button.setEnabled(False)
        self._show("Exporting…", "Writing an export file to the shared folder")
        workers.start(self._work, name="cpchair-export")

    def _work(self) -> None:
        """Runs on the worker thread: its own session, plain results back through a queued signal."""
        result, error = None, None
        export = _export()
        try:
            with self.db.session() as s:
                export.ensure_identity(s)
                s.commit()
                result = export.export_now(s)
                s.commit()
        except CpchairError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - never let a worker die silently
            error = ExportError(f"The export failed unexpectedly ({type(exc).__name__}: {exc}).")
        # RuntimeError: the window was closed while exporting; the file (if any) is complete regardless
        with contextlib.suppress(RuntimeError):
            self._worker_done.emit(result, error)

    def _finished(self, result, error) -> None:
        self._running = False
        self.sync_button.setEnabled(True)
        self.last_error = error
        self.key_timer.stop()
        if error is None:
            self._failures = 0
            self._show(describe_last_export(result.created_at), str(result.path))
            self.export_finished.emit(result)
        else:
            self._failed(error)
            self.export_failed.emit(error)
        if self._again and not self.retry_timer.isActive():
            self._again = False
            self.auto_timer.start(self.auto_delay_ms)

    def _check_key(self) -> None:
        if self._waiting_for_trust:
            with self.db.session() as s:
                ready = bool(settings.get(s, "coordinator_kid"))
        else:
            ready = pseudonym.has_key()
        if ready:
            self.key_timer.stop()
            self.request_export()

    def _failed(self, error: CpchairError) -> None:
        export = _export()
        with self.db.session() as s:
            last = describe_last_export(export.status(s).last_export_at)
        if isinstance(error, export.ShareUnavailable):
            delay = self.retry_delays_ms[min(self._failures, len(self.retry_delays_ms) - 1)]
            self._failures += 1
            self.retry_timer.start(delay)
            self._show(UNREACHABLE, f"{error}\n{last}.")
        elif isinstance(error, KeyMissing):
            self._show("Not exported: no pseudonymisation key", str(error))
            self._waiting_for_trust = False
            self.key_timer.start()
        elif (short := _refusal(error)) is not None:
            # the keys or sample data need the chair (Settings, File menu): said in words, never retried blindly;
            # once a coordinator is trusted (Settings), the export follows by itself
            self._show(short, f"{error}\n{last}.")
            if short == NOT_TRUSTED:
                self._waiting_for_trust = True
                self.key_timer.start()
        else:
            self._show("Not exported — see details", f"{error}\n{last}.")
