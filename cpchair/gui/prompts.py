"""Every message box the shell shows, in one module.

Why: tests replace these functions (a modal box would block an offscreen test), and one place keeps the
wording and buttons consistent: the action on the button ("Delete"), never a bare "OK"/"Yes".
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def warning(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before something that cannot be undone; the default button is the safe one."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    do = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is do


#: What ``unsaved`` returns: the chair's answer when changes could not be saved.
RETRY, KEEP_EDITING, DISCARD = "retry", "keep", "discard"


def unsaved(parent: QWidget | None, title: str, text: str) -> str:
    """Changes could not be saved: Try again, Keep editing (the default on Escape) or Discard.

    Enter tries again (nothing is lost by trying); closing the box keeps editing; discarding is never the
    default, so no keystroke drops typing by accident."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    retry = box.addButton("&Try again", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    discard = box.addButton("&Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(retry)
    box.setEscapeButton(keep)
    box.exec()
    clicked = box.clickedButton()
    if clicked is retry:
        return RETRY
    if clicked is discard:
        return DISCARD
    return KEEP_EDITING


def password(parent: QWidget | None, title: str, text: str) -> str | None:
    """Ask for a password (typed hidden); None when the user cancels."""
    value, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Password)
    return value if ok and value else None


def offer_restore(parent: QWidget | None, text: str) -> bool:
    """The database is damaged: restore the latest good backup (the default), or quit."""
    box = QMessageBox(
        QMessageBox.Icon.Critical, "cpchair's database is damaged", text, QMessageBox.StandardButton.NoButton, parent
    )
    restore = box.addButton("&Restore from the latest good backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def choose_backup(parent: QWidget | None, folder: str) -> str | None:
    """Pick a backup file to restore (one wrapper, so tests replace it instead of a native dialog)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "Restore from backup", folder, "cpchair backups (cpchair-*.sqlite);;All files (*)"
    )
    return path or None
