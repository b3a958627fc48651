"""GUI: confirm a key's fingerprint by reading it aloud, before a key is trusted.

Why a dialog of its own: trusting a key is the one step an attacker with write access to the share cannot
fake, as long as a person compares the fingerprint with its owner over the phone. So the fingerprint is
shown large, in a fixed-width face, four groups of four per line (as Settings shows it on the other side),
and the action stays disabled until the person ticks that the other person read exactly these groups.
Used to enrol a chair (coordinator) and to trust a coordinator (chair).
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget


def fingerprint_lines(kid: str) -> str:
    """64 hex characters as four lines of four groups: how both sides show a fingerprint."""
    groups = [kid[i : i + 4] for i in range(0, len(kid), 4)]
    return "\n".join(" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4))


def fingerprint_label(kid: str, name: str) -> QLabel:
    label = QLabel(fingerprint_lines(kid))
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 10) * 1.4)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setAccessibleName(name)
    label.setAccessibleDescription(" ".join(kid[i : i + 4] for i in range(0, len(kid), 4)))
    return label


class FingerprintDialog(QDialog):
    """Shows ``intro`` and the fingerprint; ``action`` (e.g. "&Enrol key") is enabled once confirmed."""

    def __init__(self, title: str, intro: str, kid: str, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        text = QLabel(intro)
        text.setWordWrap(True)
        self.fingerprint = fingerprint_label(kid, "Fingerprint to compare")
        self.confirmed = QCheckBox("They read me exactly these 16 groups, in this order")
        self.confirmed.setAccessibleName("Fingerprint read aloud and identical")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.action_button = QPushButton(action)
        self.action_button.setEnabled(False)
        self.buttons.addButton(self.action_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.confirmed.toggled.connect(self.action_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.confirmed)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)


def confirm_fingerprint(parent: QWidget | None, title: str, intro: str, kid: str, action: str) -> bool:
    """Ask; True only when the person ticked the confirmation and chose ``action``. Tests replace this."""
    return FingerprintDialog(title, intro, kid, action, parent).exec() == QDialog.DialogCode.Accepted
