"""Errors the layers below the GUI raise. Each message says what went wrong and what to do about it."""

from __future__ import annotations


class CpchairError(Exception):
    """Base class: ``str(error)`` is a sentence fit to show a chair or coordinator."""


class DatabaseTooNew(CpchairError):
    """The database was written by a newer cpchair: opening it with this one could damage it."""


class DatabaseError(CpchairError):
    """The database cannot be opened or upgraded."""


class UnsafeDataDir(CpchairError):
    """The data folder is on a network drive or inside a synced folder, where SQLite is not safe."""


class NotFound(CpchairError):
    pass


class InvalidRecord(CpchairError):
    """A record breaks the questionnaire's rules; ``problems`` lists them."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class ExportError(CpchairError):
    """An export could not be written; nothing under a final name was left behind."""


class FormatError(CpchairError):
    """An export file is not one this version can accept (the message names the first reason)."""
