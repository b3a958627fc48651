"""Writing a file into a shared folder so that no reader ever sees it half-written (interchange-v1 §1).

Recipe: write ``<folder>/.staging/<name>.tmp``, flush, fsync, then ``os.replace`` it to ``<folder>/<name>``
and fsync the folder (POSIX). The staging folder is on the same volume (so the rename is atomic) and
starts with a dot (so the importer, which skips dot-folders, never reads a partial file).

Never overwrite: export names are unique, and a name that already exists is refused rather than
replaced, because on SMB a rename onto an existing name can clobber another writer's file.

On Windows, antivirus, the search indexer and OneDrive/Dropbox clients hold new files open for a few
milliseconds, so the rename fails with a sharing violation (WinError 5, 32 or 33). Those errors, and only
those, are retried with a short backoff (about 2.5 s in all) before giving up.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

STAGING = ".staging"
IS_WINDOWS = os.name == "nt"
SHARING_VIOLATIONS = frozenset({5, 32, 33})  # access denied, sharing violation, lock violation
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.75, 1.0)


def is_sharing_violation(exc: OSError) -> bool:
    return getattr(exc, "winerror", None) in SHARING_VIOLATIONS


def retry_sharing_violations(action: Callable[[], None], *, delays: tuple[float, ...] | None = None) -> None:
    """Run ``action``; on Windows retry it after each of ``delays`` while it fails with a sharing violation."""
    for delay in (*(RETRY_DELAYS if delays is None else delays), None):
        try:
            action()
            return
        except OSError as exc:
            if not (IS_WINDOWS and is_sharing_violation(exc)) or delay is None:
                raise
            time.sleep(delay)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable on POSIX (a directory cannot be opened for fsync on Windows)."""
    if IS_WINDOWS:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some network filesystems refuse fsync on a directory; the file itself was fsynced
    finally:
        os.close(fd)


def staging_path(folder: Path, name: str) -> Path:
    return Path(folder) / STAGING / f"{name}.tmp"


def write_new_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` atomically and durably; never replaces an existing file.

    Raises FileNotFoundError when ``folder`` does not exist, FileExistsError when ``name`` is taken, and
    any other OSError (permission, disk full, folder vanished) after removing the staging file, so that
    nothing is ever left under the final name.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "folder not found", str(folder))
    final = folder / name
    if final.exists():
        raise FileExistsError(errno.EEXIST, "file exists", str(final))
    tmp = staging_path(folder, name)
    tmp.parent.mkdir(exist_ok=True)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if final.exists():  # someone took the name while we wrote; never replace their file
            raise FileExistsError(errno.EEXIST, "file exists", str(final))
        retry_sharing_violations(lambda: os.replace(tmp, final))
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_dir(folder)
    return final


def remove_quietly(path: Path) -> bool:
    """Delete ``path`` if possible; True when it is gone. For clean-up, where failure must not mask the cause."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def replace_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` atomically, replacing an existing file of that name.

    Only for the few files that are meant to change in place (the coordinator's recipients file and public
    key); export files are write-once and use ``write_new_file``. Same staging and fsync recipe.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "folder not found", str(folder))
    final = folder / name
    tmp = staging_path(folder, name)
    tmp.parent.mkdir(exist_ok=True)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        retry_sharing_violations(lambda: os.replace(tmp, final))
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_dir(folder)
    return final
