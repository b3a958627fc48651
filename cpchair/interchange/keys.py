"""The pseudonymous keys an export carries in place of case references (interchange-v1 §3).

``child_key``/``family_key`` are HMAC-SHA256 of the local case reference under the service's key, hex,
first 32 characters, prefixed ``ck_``/``fk_``. Pure functions of the reference and the key: they belong to
the format, so the exporter (``records``) makes them here, and the services layer, which keeps the key
file, only hands the key over.
"""

from __future__ import annotations

import hashlib
import hmac


def normalise_ref(ref: str) -> str:
    """Case references are compared without case or surrounding space ("ab123 " is "AB123")."""
    return ref.strip().upper()


def _mac(key: bytes, ref: str) -> str:
    return hmac.new(key, normalise_ref(ref).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


#: A reference the retention rules removed is replaced by this prefix and the key it made (``removed:ck_…``),
#: so the pseudonymous record, and every export of it, stays exactly as it was (services/retention.py).
REMOVED_PREFIX = "removed:"


def removed_ref(kept_key: str) -> str:
    """What stands in the answers for a reference removed after the retention period."""
    return REMOVED_PREFIX + kept_key


def _kept(ref: str, prefix: str) -> str | None:
    if not ref.startswith(REMOVED_PREFIX):
        return None
    kept = ref[len(REMOVED_PREFIX) :]
    body = kept[len(prefix) :]
    if kept.startswith(prefix) and len(body) == 32 and all(c in "0123456789abcdef" for c in body):
        return kept
    return None


def child_key(ref: str, key: bytes) -> str:
    return _kept(ref, "ck_") or "ck_" + _mac(key, ref)


def family_key(ref: str, key: bytes) -> str:
    return _kept(ref, "fk_") or "fk_" + _mac(key, ref)
