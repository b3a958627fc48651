"""Typing is never lost: what happens when changes on screen cannot be saved.

A save can fail (another program holds the database, the disk is full, the folder became read-only). The
editors keep what is on screen and retry on their own, waiting longer after each failure (``retry_delay_ms``)
so a lasting fault does not freeze the window every second. Before anything would replace the screen
(closing the window, opening another conference, showing the minutes), ``settle`` saves what is pending and,
while that fails, asks the chair: Try again, Keep editing or Discard (``prompts.unsaved``). Nothing is
dropped without that answer.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from cpchair.gui import prompts

RETRY_CAP_MS = 30_000


def retry_delay_ms(base_ms: int, failures: int, cap_ms: int = RETRY_CAP_MS) -> int:
    """The wait before the next automatic try: ``base_ms`` after a change, doubling after each failure."""
    return min(cap_ms, base_ms * 2 ** max(0, failures - 1)) if failures else base_ms


class Savable(Protocol):
    """An editor holding changes that may not be saved yet (the questionnaire, the minutes)."""

    #: what the chair calls it ("the questionnaire", "the minutes")
    unsaved_what: str

    def try_save(self) -> bool:
        """Save what is pending now; True when nothing unsaved is left."""

    def unsaved_reason(self) -> str:
        """Why the last save failed, in the chair's words."""

    def discard_changes(self) -> None:
        """Drop the unsaved changes and show what is stored."""


def settle(parent: QWidget | None, editors: list[Savable], doing: str) -> bool:
    """Save every editor's pending changes; ask while one cannot be saved.

    Returns True when nothing unsaved is left (saved, or discarded on the chair's say): the caller may go on
    and ``doing`` (e.g. "close cpchair"). False when the chair chose to keep editing: the caller must stay.
    """
    for editor in editors:
        while not editor.try_save():
            reason = editor.unsaved_reason() or "the database reported a problem"
            text = (
                f"Your changes to {editor.unsaved_what} could not be saved: {reason}.\n\n"
                f"Try again to save them now, Keep editing to go back to them, or Discard changes to throw "
                f"them away and {doing}."
            )
            choice = prompts.unsaved(parent, "Changes not saved", text)
            if choice == prompts.RETRY:
                continue
            if choice == prompts.DISCARD:
                editor.discard_changes()
                break
            return False
    return True
