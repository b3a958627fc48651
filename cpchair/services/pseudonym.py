"""The service's pseudonymisation key and the keys it makes (interchange-v1 §3).

``child_key``/``family_key`` (HMAC-SHA256 of the local case reference under the service's key; derived
in ``cpchair.interchange.keys``, re-exported here). The coordinator hands every chair the same key file, so the
same child gets the same key on every laptop and can be linked across chairs without a name leaving any of
them. The key lives beside the database (never in the share) and is shown only as a fingerprint.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cpchair import paths
from cpchair.errors import CpchairError
from cpchair.interchange.keys import (  # noqa: F401 - the key derivation lives with the format
    REMOVED_PREFIX,
    child_key,
    family_key,
    normalise_ref,
    removed_ref,
)

KEY_BYTES = 32
DEMO_KEY = hashlib.sha256(b"cpchair demo pseudonymisation key - not for real data").digest()


class KeyMissing(CpchairError):
    pass


def fingerprint(key: bytes) -> str:
    """What the settings show: enough to compare with the coordinator's, useless to an attacker."""
    digest = hashlib.sha256(b"cpchair-fingerprint" + key).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def parse_key_text(text: str) -> bytes:
    """A key file holds 64 hex characters (comment lines starting with # are allowed)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    try:
        key = bytes.fromhex("".join(lines))
    except ValueError:
        raise CpchairError("This is not a cpchair key file: it should hold 64 hexadecimal characters.") from None
    if len(key) != KEY_BYTES:
        raise CpchairError(f"This key file holds {len(key)} bytes; a cpchair key has {KEY_BYTES}.")
    return key


def new_key_text() -> str:
    """A fresh key file's text, for the coordinator to hand out."""
    return (
        "# cpchair pseudonymisation key: keep it secret, give it only to the service's chairs\n"
        + secrets.token_hex(KEY_BYTES)
        + "\n"
    )


def save_key(key: bytes, path: Path | None = None) -> None:
    path = path or paths.key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def import_key_file(source: Path) -> str:
    """Install the key from the coordinator's file; returns its fingerprint."""
    try:
        text = Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CpchairError(f"The key file {source} cannot be read ({exc}).") from exc
    key = parse_key_text(text)
    save_key(key)
    return fingerprint(key)


def load_key(path: Path | None = None) -> bytes:
    path = path or paths.key_path()
    try:
        return parse_key_text(path.read_text("utf-8"))
    except FileNotFoundError:
        raise KeyMissing(
            "No pseudonymisation key is set. Import the key file your coordinator gave you (Settings), "
            "so that exports carry the service's pseudonymous keys."
        ) from None


def has_key() -> bool:
    return paths.key_path().exists()


def install_demo_key() -> str:
    save_key(DEMO_KEY)
    return fingerprint(DEMO_KEY)
