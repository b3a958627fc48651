"""Finding and opening export files in a shared folder that anyone may have written to.

Why so wary: the share is writable by every chair's computer, by sync clients and by whoever else has
access, so besides export files it can hold symbolic links (to ``/dev/zero``, to a chair's own database,
to a folder that loops back), FIFOs that block whoever opens them, device files, and names that are not
valid text at all (on Linux a name is bytes; Python hands the undecodable ones over as lone surrogates,
which then break printing, logging and the database). None of these may stop, hang or mislead the merge:

- The walk never follows a link, into a folder or to a file; a link or any other non-regular file named
  ``*.json`` is reported with a reason, as is a name that is not valid text, and the walk goes on.
- A file is opened with ``O_NOFOLLOW`` (a link swapped in after the walk is refused by the kernel) and
  ``O_NONBLOCK`` (opening a FIFO returns at once instead of waiting for a writer), and the *opened* file is
  checked with ``fstat`` to be a regular file before one byte is read, so nothing can change between the
  check and the read. Reading stops one byte past the size limit.

On Windows there is no ``O_NOFOLLOW``; there the walk's ``lstat`` check (links and junctions are reparse
points) stands in for it, and FIFOs do not exist in the filesystem.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_REPARSE = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)
_CHUNK = 1024 * 1024


class Unreadable(Exception):
    """A file that is not opened or not read; ``str()`` is the reason, in words for the coordinator."""


@dataclass(frozen=True)
class Skipped:
    """Something in the share the merge will not read, and why (shown like a rejected file)."""

    path: str  # display_text of the path: always printable and storable
    reason: str


@dataclass
class Found:
    """The walk's result: the files to read, in a stable order, and what was passed over with a reason."""

    files: list[Path]
    skipped: list[Skipped]


def display_text(text: str) -> str:
    """``text`` made safe to print, log or store: the bytes of an undecodable file name (Python's
    ``surrogateescape``) shown as ``\\xff``, any other lone surrogate as ``\\ud800``; valid text unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as ``display_text`` shows it (unchanged when its name is valid text)."""
    return display_text(os.fspath(path))


def is_valid_unicode(text: str) -> bool:
    """True when ``text`` is valid Unicode (no lone surrogates), so it can be encoded, stored and printed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "a link to somewhere else"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not an ordinary file"


def _is_link(st: os.stat_result) -> bool:
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & _REPARSE)


def find_export_files(folder: str | Path, *, suffix: str = ".json") -> Found:
    """Every regular ``*.json`` file below ``folder``, recursively and in a stable order, never following
    a link; folders whose name starts with ``.`` are passed over silently (the writers' ``.staging``, sync
    clients' hidden folders). Links, FIFOs and other non-regular files named ``*.json``, links to folders,
    names that are not valid text and folders that cannot be listed are returned in ``skipped``."""
    found = Found([], [])
    _walk(Path(folder), suffix.lower(), found)
    return found


def _walk(folder: Path, suffix: str, found: Found) -> None:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        found.skipped.append(Skipped(display_text(str(folder)), f"the folder cannot be read ({_why(exc)})"))
        return
    subfolders: list[Path] = []
    for entry in entries:
        name = entry.name
        path = Path(entry.path)
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            if name.lower().endswith(suffix):
                found.skipped.append(Skipped(display_text(entry.path), f"it cannot be examined ({_why(exc)})"))
            continue
        if stat.S_ISDIR(st.st_mode) and not _is_link(st):
            if name.startswith("."):
                continue
            if not is_valid_unicode(name):
                found.skipped.append(Skipped(display_text(entry.path), bad_name_reason("folder")))
                continue
            subfolders.append(path)
            continue
        if _is_link(st):
            if name.lower().endswith(suffix) or (not name.startswith(".") and _points_to_folder(path)):
                found.skipped.append(
                    Skipped(display_text(entry.path), "it is a link to somewhere else; cpchair never follows links")
                )
            continue
        if not name.lower().endswith(suffix):
            continue
        if not is_valid_unicode(name):
            found.skipped.append(Skipped(display_text(entry.path), bad_name_reason("file")))
        elif not stat.S_ISREG(st.st_mode):
            found.skipped.append(
                Skipped(display_text(entry.path), f"it is {kind_of(st.st_mode)}, not an ordinary file")
            )
        else:
            found.files.append(path)
    for sub in subfolders:
        _walk(sub, suffix, found)


def _points_to_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def bad_name_reason(what: str) -> str:
    return (
        f"the {what}'s name is not valid text (it holds bytes that are not UTF-8); "
        "cpchair names its exports in plain letters and digits, so rename it or remove it"
    )


def _why(exc: OSError) -> str:
    return display_text(exc.strerror or type(exc).__name__)


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Raises Unreadable with the reason when ``path`` is a link, a FIFO, a device or any other non-regular
    file, larger than ``max_bytes``, or cannot be opened or read. Never blocks on a FIFO and never follows
    a link in the last part of the path."""
    path = os.fspath(path)
    if not hasattr(os, "O_NOFOLLOW"):  # Windows: refuse a link or junction before opening
        try:
            st = os.lstat(path)
        except OSError as exc:
            raise Unreadable(f"it cannot be read ({_why(exc)})") from None
        if _is_link(st):
            raise Unreadable("it is a link to somewhere else; cpchair never follows links")
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if os.path.islink(path):  # ELOOP from O_NOFOLLOW
            raise Unreadable("it is a link to somewhere else; cpchair never follows links") from None
        raise Unreadable(f"it cannot be read ({_why(exc)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"it is {kind_of(st.st_mode)}, not an ordinary file")
        if st.st_size > max_bytes:
            raise Unreadable(f"it is {_size(st.st_size)}, larger than the {_size(max_bytes)} an export can be")
        parts: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # it grew while being read
            raise Unreadable(f"it is larger than the {_size(max_bytes)} an export can be")
        return b"".join(parts)
    except OSError as exc:
        raise Unreadable(f"it cannot be read ({_why(exc)})") from None
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
