"""Merge the chairs' exports from the shared folder, with a progress bar and a result for every file.

Why a worker thread with its own session: a share may hold hundreds of files and a slow network drive, and
the window must stay responsive (and repaint the progress bar) meanwhile. The worker opens its own database
session (a Session must never cross threads) and reports back only through Qt signals carrying plain values.
Each file is merged in its own transaction by the merge service, so stopping half-way loses nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpchair import settings
from cpchair.errors import DatabaseError, NotFound
from cpchair.gui import theme
from cpchair.services import merge
from cpchair.storage.locks import MergeBusy

STATUS_TEXT = {merge.MERGED: "Merged", merge.UNCHANGED: "Unchanged", merge.REJECTED: "Rejected"}


def choose_folder(parent: QWidget | None, start: str) -> str | None:
    """Ask for the shared export folder (one wrapper, so tests replace it instead of a native dialog)."""
    folder = QFileDialog.getExistingDirectory(parent, "Choose the shared export folder", start)
    return folder or None


class MergeStopped(Exception):
    """The window closed during a merge: nothing of it was applied (merging again is safe)."""

    def __str__(self) -> str:
        return "cpchair was closed during the merge, so nothing of it was applied. Merge again."


class MergeWorker(QObject):
    """Merges every export below ``folder``, one file at a time, in the thread it is moved to."""

    started = Signal(int)  # how many files
    file_done = Signal(int, str, str, str)  # done so far, path, status, reason
    finished = Signal(dict)  # the summary in the ``cpchair merge --json`` shape
    failed = Signal(str)  # the sentence to show
    waiting = Signal()  # another coordinator's merge into the shared store is running: this one waits

    def __init__(self, db, folder: str, *, allow_unsigned: bool = False, identities: list | None = None) -> None:
        super().__init__()
        self.db = db  # the merged store
        self.folder = folder
        self.allow_unsigned = allow_unsigned
        self.identities = identities  # the coordinator's age identity, kept by this installation

    @Slot()
    def run(self) -> None:
        try:
            if not Path(self.folder).is_dir():
                raise NotFound(f"{self.folder} is not a folder: choose the shared export folder.")

            def progress(done: int, _total: int, outcome: merge.FileOutcome) -> None:
                self.file_done.emit(done, outcome.path, outcome.status, outcome.reason or "")
                if QThread.currentThread().isInterruptionRequested():
                    raise MergeStopped()  # the window is closing: the merge's one transaction is rolled back

            with self.db.session() as session:
                summary = merge.merge_folder(
                    session,
                    self.folder,
                    on_start=self.started.emit,
                    on_file=progress,
                    on_wait=self.waiting.emit,
                    identities=self.identities,
                    allow_unsigned=self.allow_unsigned,
                )
            self.finished.emit(summary.to_json())
        except (MergeBusy, DatabaseError) as exc:  # their messages say what happened and what to do
            self.failed.emit(str(exc))
        except Exception as exc:  # the window must hear of any failure, never hang on a silent thread
            message = str(exc) or exc.__class__.__name__
            self.failed.emit(f"The merge stopped: {message} Nothing of this merge was applied; merge again to retry.")


class MergePanel(QWidget):
    """Folder, Merge button, progress bar, a summary line and the per-file result table."""

    merged = Signal(dict)  # the summary, after a merge that ran to the end

    def __init__(self, db, parent: QWidget | None = None, *, store=None) -> None:
        """``db`` holds the settings (the shared folder); merges go into ``store`` (default: ``db``)."""
        super().__init__(parent)
        self.db = db
        self.store = store if store is not None else db
        self._thread: QThread | None = None
        self._worker: MergeWorker | None = None
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Shared export folder")
        self.folder.setPlaceholderText("The shared folder the chairs export to")
        with db.session() as s:
            self.folder.setText(settings.get(s, "shared_folder") or "")
        self.choose_button = QPushButton("&Choose…")
        self.merge_button = QPushButton("Me&rge")
        self.merge_button.setDefault(True)
        self.allow_unsigned = QCheckBox("Also merge &unsigned (version 1) files")
        self.allow_unsigned.setAccessibleName("Also merge unsigned version 1 files")
        self.allow_unsigned.setToolTip(
            "Version 1 files carry no signature, so anyone who can write to the share could have made them. "
            "Tick this only while chairs move to signed exports, for files you know the origin of."
        )
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Merge progress")
        self.progress.setFormat("%v of %m files")
        self.progress.setValue(0)
        self.summary = QLabel("Merge reads every chair's export file in the folder. Files already merged are skipped.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results = QTableWidget(0, 3)
        self.results.setAccessibleName("Result for each file")
        self.results.setHorizontalHeaderLabels(["File", "Result", "Reason"])
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.verticalHeader().setVisible(False)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.results.setColumnWidth(0, 420)

        row = QHBoxLayout()
        label = QLabel("Shared fo&lder:")
        label.setBuddy(self.folder)
        row.addWidget(label)
        row.addWidget(self.folder, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.allow_unsigned)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

        self.choose_button.clicked.connect(self._choose)
        self.merge_button.clicked.connect(self.start_merge)

    def _choose(self) -> None:
        folder = choose_folder(self, self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _identities(self) -> list:
        """The coordinator's daily identity, from this installation (the merged store may be shared)."""
        from cpchair.services import keys

        with self.db.session() as s:
            return keys.coordinator_identities(s)

    def is_running(self) -> bool:
        return self._thread is not None

    def start_merge(self) -> None:
        folder = self.folder.text().strip()
        if not folder:
            self.summary.setText("Choose the shared export folder first.")
            return
        if self.is_running():
            return
        self.results.setRowCount(0)
        self.progress.setRange(0, 0)  # busy until the files are counted
        self.summary.setText(f"Merging the exports in {folder}…")
        self.merge_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self._thread = QThread(self)
        self._worker = MergeWorker(
            self.store, folder, allow_unsigned=self.allow_unsigned.isChecked(), identities=self._identities()
        )
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.started.connect(self._on_started)
        self._worker.file_done.connect(self._on_file)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.waiting.connect(self._on_waiting)
        self._thread.start()

    @Slot(int)
    def _on_started(self, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        if not total:
            self.progress.setFormat("No export files")

    @Slot(int, str, str, str)
    def _on_file(self, done: int, path: str, status: str, reason: str) -> None:
        self.progress.setValue(done)
        row = self.results.rowCount()
        self.results.insertRow(row)
        name = QTableWidgetItem(Path(path).name)
        name.setToolTip(path)
        state = QTableWidgetItem(STATUS_TEXT.get(status, status))
        if status == merge.REJECTED:
            state.setForeground(theme.colours().error)  # from the palette: 4.5:1 in light, dark, high contrast
        for col, item in enumerate((name, state, QTableWidgetItem(reason))):
            self.results.setItem(row, col, item)

    @Slot(dict)
    def _on_finished(self, summary: dict) -> None:
        files = summary["files"]
        rejected = sum(f["status"] == merge.REJECTED for f in files)
        parts = [
            f"{len(files)} file(s) read",
            f"{summary['added']} conference(s) added",
            f"{summary['updated']} updated",
            f"{summary['deleted']} deleted",
        ]
        text = ", ".join(parts) + "."
        if summary["conflicts"]:
            text += f" {summary['conflicts']} conflict(s) to resolve: see Conflicts."
        if rejected:
            text += f" {rejected} file(s) rejected (nothing of them was applied): see the reasons below."
        self.summary.setText(text)
        self.progress.setFormat("%v of %m files")
        self._stop()
        self.merged.emit(summary)

    @Slot()
    def _on_waiting(self) -> None:
        self.summary.setText(
            "Another merge into this store is running (another coordinator, or another cpchair window). "
            "This merge starts as soon as that one ends."
        )

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.summary.setText(message)
        self.progress.setRange(0, 1)
        self._stop()

    def _stop(self) -> None:
        self.merge_button.setEnabled(True)
        self.choose_button.setEnabled(True)
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(10_000)
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._thread = None
        self._worker = None
