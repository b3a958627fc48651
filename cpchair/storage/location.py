"""Refuse a data folder where SQLite is not safe: a network drive or a synced (cloud) folder.

Why: SQLite's locking is unreliable over network filesystems and WAL does not work there at all, so the
database can be corrupted silently; a sync client (OneDrive, Dropbox, Google Drive, iCloud) uploads the
database without its ``-wal`` file and makes conflict copies of it. Windows "Known Folder Move" quietly
puts Documents and Desktop inside OneDrive, so a folder that looks local may not be. Exports go to the
share; the database stays on this computer's own disk.

Detection, cheapest first: UNC paths; known sync roots (folder names and the OneDrive environment
variables); then the drive type (Windows ``GetDriveTypeW``) or the filesystem type of the mount holding
the folder (``/proc/mounts`` on Linux, ``mount`` on macOS).
"""

from __future__ import annotations

import ntpath
import os
import subprocess
import sys
from pathlib import Path, PurePath

from cpchair.errors import UnsafeDataDir

# Filesystem types of network (or remote FUSE) mounts.
NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "afpfs",
        "webdav",
        "davfs",
        "coda",
        "glusterfs",
        "ceph",
        "lustre",
        "gpfs",
        "fuse.sshfs",
        "sshfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.onedriver",
        "fuse.google-drive-ocamlfuse",
    }
)
# Folder names that are (or sit inside) a sync client's root, compared case-insensitively.
SYNC_PREFIXES = ("onedrive",)  # "OneDrive", "OneDrive - Contoso", "OneDrive-Personal"
SYNC_NAMES = frozenset(
    {
        "dropbox",
        "google drive",
        "googledrive",
        "my drive",
        "icloud drive",
        "iclouddrive",
        "mobile documents",  # ~/Library/Mobile Documents (iCloud)
        "cloudstorage",  # ~/Library/CloudStorage (macOS File Provider: OneDrive, Dropbox, Google Drive)
        "box sync",
        "pcloud drive",
        "nextcloud",
        "owncloud",
    }
)
SYNC_ENV_VARS = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
DRIVE_REMOTE = 4
IS_WINDOWS = os.name == "nt"


def _is_unc(p: str) -> bool:
    return p.startswith("\\\\") or p.startswith("//")


def _inside(path: PurePath, root: PurePath) -> bool:
    parts, root_parts = [s.casefold() for s in path.parts], [s.casefold() for s in root.parts]
    return len(root_parts) > 0 and parts[: len(root_parts)] == root_parts


def sync_root_reason(path: str | os.PathLike[str], environ: dict[str, str] | None = None) -> str | None:
    """Why ``path`` is inside a synced folder, or None."""
    env = os.environ if environ is None else environ
    p = PurePath(os.path.abspath(os.path.expanduser(str(path))))
    for var in SYNC_ENV_VARS:
        root = env.get(var)
        if root and _inside(p, PurePath(os.path.abspath(root))):
            return f"it is inside your OneDrive folder ({root})"
    for part in p.parts[1:]:
        low = part.casefold().strip()
        if low.startswith(SYNC_PREFIXES) or low in SYNC_NAMES:
            return f"it is inside a synced folder ({part})"
    return None


def _existing(path: Path) -> Path:
    """The nearest folder that exists (the data folder may not be made yet)."""
    p = path
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    for code, ch in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, ch)
    return field


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) pairs from the text of ``/proc/mounts``."""
    out = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            out.append((_unescape_mount(fields[1]), fields[2]))
    return out


def parse_mount_output(text: str) -> list[tuple[str, str]]:
    """(mount point, type) pairs from macOS/BSD ``mount`` output: ``//u@srv/share on /Volumes/s (smbfs, ...)``."""
    out = []
    for line in text.splitlines():
        if " on " not in line or "(" not in line:
            continue
        rest = line.split(" on ", 1)[1]
        point, _, opts = rest.rpartition(" (")
        out.append((point, opts.split(",")[0].strip(" )")))
    return out


def mount_table() -> list[tuple[str, str]]:
    """This computer's mounts, or [] when they cannot be listed (then only names and UNC paths are checked)."""
    try:
        if sys.platform.startswith("linux"):
            return parse_proc_mounts(Path("/proc/mounts").read_text("utf-8", errors="replace"))
        if sys.platform == "darwin" or "bsd" in sys.platform:
            text = subprocess.run(["mount"], capture_output=True, text=True, timeout=5, check=False).stdout
            return parse_mount_output(text)
    except (OSError, subprocess.SubprocessError):
        return []
    return []


def filesystem_type(path: Path, mounts: list[tuple[str, str]]) -> str | None:
    """The type of the mount that holds ``path`` (the longest matching mount point)."""
    target = str(path)
    best: tuple[int, str] | None = None
    for point, fstype in mounts:
        holds = target == point or target.startswith(point.rstrip("/") + "/") or point == "/"
        if holds and (best is None or len(point) > best[0]):
            best = (len(point), fstype)
    return best[1] if best else None


def windows_drive_is_remote(path: str) -> bool:
    """True for a mapped network drive (``GetDriveTypeW`` says DRIVE_REMOTE)."""
    import ctypes

    drive = ntpath.splitdrive(path)[0]
    if not drive:
        return False
    return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE  # type: ignore[attr-defined]


def network_reason(path: str | os.PathLike[str], mounts: list[tuple[str, str]] | None = None) -> str | None:
    """Why ``path`` is on a network drive, or None."""
    raw = os.path.expanduser(str(path))
    if _is_unc(raw):
        return "it is a network path"
    if IS_WINDOWS:
        return "it is on a network drive" if windows_drive_is_remote(os.path.abspath(raw)) else None
    absolute = Path(os.path.abspath(raw))
    existing = _existing(absolute)  # resolve links in the part that exists; the rest is made later
    real = Path(os.path.realpath(existing)) / absolute.relative_to(existing)
    fstype = filesystem_type(real, mount_table() if mounts is None else mounts)
    if fstype and fstype.lower() in NETWORK_FS:
        return f"it is on a network drive ({fstype})"
    return None


def check_data_dir(
    path: str | os.PathLike[str],
    *,
    mounts: list[tuple[str, str]] | None = None,
    environ: dict[str, str] | None = None,
) -> None:
    """Raise UnsafeDataDir, with the reason and the remedy, when ``path`` must not hold the database."""
    shown = os.path.expanduser(str(path))
    reason = network_reason(shown, mounts) or sync_root_reason(shown, environ)
    if reason:
        raise UnsafeDataDir(
            f"cpchair cannot keep its database in {shown}: {reason}. A database there can be damaged by the "
            "network or the sync client. Choose a folder on this computer's own disk for --data-dir; "
            "exports go to the shared folder, which is set separately."
        )
