"""Where an installation keeps its private keys: the operating system's credential store, else a 0600 file.

Why both: Windows (Credential Manager) and macOS (Keychain) always have a store, reached through
``keyring``; a headless Linux machine or a CI runner usually has none, and ``keyring`` then answers with its
``fail`` backend (or a chainer with no backends). There the secret goes to a file in the data folder that
only the user can read (0600 on POSIX), which is as safe as the database beside it.

Entries are named per installation (``<purpose>-<device_id>``), so two data folders on one laptop never
share a key. ``CPCHAIR_SECRET_STORE=file`` forces the file store (the tests set it, so they never touch the
developer's real keychain).
"""

from __future__ import annotations

import os
from pathlib import Path

from cpchair import paths
from cpchair.errors import CpchairError

SERVICE = "cpchair"
ENV_FORCE = "CPCHAIR_SECRET_STORE"
KEYRING, FILE = "keyring", "file"


class SecretStoreError(CpchairError):
    """A private key could not be stored or read."""


def keyring_usable() -> bool:
    """Whether ``keyring`` has a real backend here (not the fail backend, not an empty chainer)."""
    if os.environ.get(ENV_FORCE, "").lower() == FILE:
        return False
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring installation is the same as none
        return False
    if isinstance(backend, fail.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def _file(name: str) -> Path:
    return paths.secrets_dir() / f"{name}.secret"


def put(name: str, value: str) -> str:
    """Keep ``value`` under ``name``; returns where (``keyring`` or ``file``)."""
    if keyring_usable():
        try:
            import keyring

            keyring.set_password(SERVICE, name, value)
            return KEYRING
        except Exception:  # noqa: BLE001 - a locked or refusing store: fall back to the private file
            pass
    _write_private(_file(name), value)
    return FILE


def get(name: str) -> str | None:
    path = _file(name)
    if path.exists():
        try:
            return path.read_text("ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretStoreError(f"The private key file {path} cannot be read ({exc}).") from None
    if keyring_usable():
        try:
            import keyring

            return keyring.get_password(SERVICE, name)
        except Exception as exc:  # noqa: BLE001
            raise SecretStoreError(
                f"The operating system's credential store would not give cpchair its key ({type(exc).__name__}). "
                "Unlock it (log in again) and retry."
            ) from None
    return None


def where(name: str) -> str | None:
    if _file(name).exists():
        return FILE
    if keyring_usable():
        try:
            import keyring

            return KEYRING if keyring.get_password(SERVICE, name) is not None else None
        except Exception:  # noqa: BLE001
            return None
    return None


def _write_private(path: Path, value: str) -> None:
    """Written through a temporary file created 0600, fsynced, then renamed: never readable by others, never
    half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name != "nt":
        os.chmod(path.parent, 0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
