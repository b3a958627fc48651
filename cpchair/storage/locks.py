"""Merges into one store, one at a time.

On a PostgreSQL store several coordinators may press Merge at once. Each merge runs in one transaction
(``services.merge.merge_files``) that first takes a transaction-scoped advisory lock: released by the
server at commit, at rollback, or when a coordinator's laptop drops off the network, so it can never be
left behind. A second merge waits for the first (its caller is told it is waiting) for up to
``MERGE_WAIT_SECONDS``, then is told plainly to try again later; nothing of it was applied.

On SQLite the database's own write lock already serialises merges; this module adds nothing there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cpchair.errors import CpchairError

#: The advisory lock key of "merging into this store" (shared by every cpchair release).
MERGE_LOCK = 0x63706368_0002
MERGE_WAIT_SECONDS = 600


class MergeBusy(CpchairError):
    """Another merge into the same store is still running."""


@contextmanager
def merge_lock(
    session: Session, *, on_wait: Callable[[], None] | None = None, wait_seconds: float | None = None
) -> Iterator[None]:
    """Hold the store's merge lock for the rest of the session's current transaction."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    if not session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": MERGE_LOCK}).scalar():
        if on_wait is not None:
            on_wait()
        seconds = MERGE_WAIT_SECONDS if wait_seconds is None else wait_seconds
        session.execute(text(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'"))
        try:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MERGE_LOCK})
        except OperationalError as exc:
            session.rollback()
            raise MergeBusy(
                f"Another coordinator has been merging into the shared store for over {int(seconds)} seconds. "
                "Nothing was merged from here: try again when their merge has finished."
            ) from exc
        session.execute(text("SET LOCAL lock_timeout = 0"))
    yield
