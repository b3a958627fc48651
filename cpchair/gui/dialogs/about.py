"""The About box: version, where the data lives, and the versions a support call needs."""

from __future__ import annotations

from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox, QWidget

from cpchair import __version__, paths


def about_text() -> str:
    import sqlalchemy

    return (
        f"<h3>cpchair {escape(__version__)}</h3>"
        "<p>Quality assurance, minutes and statistics for Independent Child Protection Conference Chairs.</p>"
        f"<p>Your data folder: <code>{escape(str(paths.data_dir()))}</code></p>"
        f"<p><small>PySide6 {escape(pyside_version)} · SQLAlchemy {escape(sqlalchemy.__version__)}</small></p>"
    )


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About cpchair", about_text())
