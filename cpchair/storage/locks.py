"""Merges into one store, one at a time.

On a PostgreSQL store several coordinators may press Merge at once. Each merge runs in one transaction
(``services.merge.merge_files``) that first takes a transaction-scoped advisory lock: released by the
server at commit, at rollback, or when a coordinator's laptop drops off the network, so it can never be
left behind. A second merge waits for the first (its caller is told it is waiting) for up to
``MERGE_WAIT_SECONDS``, then is told plainly to try again later; nothing of it was applied.

On SQLite the merge holds an exclusive lock on a file beside the database (``merge.lock``) for the same
purpose: SQLite's own write lock is not enough, because a merge reads before it writes, and in WAL mode a
reader that wants to write after another connection committed is refused at once ("database is locked")
instead of waiting. The lock is the operating system's (``flock`` on POSIX, ``msvcrt.locking`` on
Windows), held on an open file: it goes when the process ends, however it ends, so a killed merge never
leaves a stale lock. The second merge waits, told so, as on PostgreSQL, then is told to try again later.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cpchair.errors import CpchairError

#: The advisory lock key of "merging into this store" (shared by every cpchair release).
MERGE_LOCK = 0x63706368_0002
MERGE_WAIT_SECONDS = 600
MERGE_LOCK_FILE = "merge.lock"
IS_WINDOWS = os.name == "nt"
_POLL = 0.2


class MergeBusy(CpchairError):
    """Another merge into the same store is still running."""


@contextmanager
def merge_lock(
    session: Session, *, on_wait: Callable[[], None] | None = None, wait_seconds: float | None = None
) -> Iterator[None]:
    """Hold the store's merge lock for the rest of the session's current transaction."""
    bind = session.get_bind()
    seconds = MERGE_WAIT_SECONDS if wait_seconds is None else wait_seconds
    if bind.dialect.name == "sqlite" and bind.url.database and bind.url.database != ":memory:":
        with _file_lock(Path(bind.url.database).parent / MERGE_LOCK_FILE, on_wait, seconds):
            yield
        return
    if bind.dialect.name != "postgresql":
        yield
        return
    if not session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": MERGE_LOCK}).scalar():
        if on_wait is not None:
            on_wait()
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


@contextmanager
def _file_lock(path: Path, on_wait: Callable[[], None] | None, seconds: float) -> Iterator[None]:
    """An exclusive lock on ``path`` for the ``with`` block; waits up to ``seconds`` (``on_wait`` told once)
    for another process to let go, then raises MergeBusy naming the holder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        if not _try_lock(fd):
            if on_wait is not None:
                on_wait()
            deadline = time.monotonic() + seconds
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise MergeBusy(
                        f"Another merge into this store{_holder(path)} has been running for over {int(seconds)} "
                        "seconds. Nothing was merged from here: try again when it has finished."
                    )
                time.sleep(_POLL)
        _note_holder(fd)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        if IS_WINDOWS:
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if IS_WINDOWS:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _note_holder(fd: int) -> None:
    """Write who holds the lock into the file, for the message another merge shows (byte 0 is the locked
    one on Windows, so the note goes after it there)."""
    note = f"process {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode()
    start = 1 if IS_WINDOWS else 0
    try:
        os.lseek(fd, start, os.SEEK_SET)
        os.write(fd, note)
        os.ftruncate(fd, start + len(note))
    except OSError:
        pass  # the note is only for the message; the lock is what matters


def _holder(path: Path) -> str:
    try:
        text_ = path.read_text("utf-8", errors="replace").strip("\x00 \n")
    except OSError:
        return ""
    return f" ({text_[:80]})" if text_ else ""
