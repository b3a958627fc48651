"""The minutes page's modal dialogs (file picker, print dialog), in one small module.

Why: a modal dialog would block an offscreen test, so tests replace these two functions; the page always calls
them through this module (``files.ask_save_path``), never through a name imported elsewhere.
"""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget


def ask_save_path(parent: QWidget | None, suggested: str) -> str | None:
    """Where to save the minutes PDF, or None when the chair cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save the minutes as PDF", suggested, "PDF files (*.pdf)")
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else path + ".pdf"


def ask_print(printer: QPrinter, parent: QWidget | None) -> bool:
    """Let the chair choose a printer and options; True to print."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the minutes")
    return dialog.exec() == QDialog.DialogCode.Accepted
