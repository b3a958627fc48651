"""Interchange-v2 envelopes (spec v2 §1, §3, §4 steps 1–4) and the two small signed documents beside them.

Version 2 changes only the envelope of v1: the payload ``{"chair_name", "conferences", "deleted"}`` travels
as gzip inside an age file (``payload_age``), and the envelope is signed by the chair's Ed25519 key. This
module writes such envelopes and opens them, in the spec's order, each failure a ``V2Reject`` with a
reason the coordinator can act on:

1. the envelope's exact keys and types;
2. ``sig.kid`` is enrolled, not revoked at ``created_at``, enrolled for this ``chair_id`` and ``device_id``,
   and the signature verifies;
3. ``payload_age`` decrypts with the coordinator's (or the recovery) identity, and its gzip is expanded only
   up to 64 × the encrypted size and at most 1 GiB;
4. (with the reader) the canonical JSON of the plaintext matches ``payload_sha256``; ``record_count``
   matches;

after which the reader runs the v1 record rules on the opened payload exactly as for a v1 file (step 5).

Also here: the recipients file the coordinator signs and writes at the top of the share (§3), and the
chair's public key file (§2). Nothing here touches the database: who is enrolled comes in through the
``Keyring`` protocol, so the reader stays a pure function of bytes and trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from cpchair.interchange import crypto
from cpchair.interchange.canonical import canonical_json

FORMAT_VERSION_2 = 2
RECIPIENTS_FORMAT = "cpchair-recipients"
RECIPIENTS_FILE = "cpchair-recipients.json"
CHAIR_KEY_FORMAT = "cpchair-chair-key"

ENVELOPE_KEYS = frozenset(
    {
        "format",
        "format_version",
        "export_id",
        "app_version",
        "chair_id",
        "device_id",
        "sequence",
        "created_at",
        "record_count",
        "payload_sha256",
        "payload_age",
        "sig",
    }
)
PAYLOAD_KEYS = frozenset({"chair_name", "conferences", "deleted"})
RECIPIENTS_KEYS = frozenset({"format", "version", "issued_at", "recipients", "coordinator_kid", "sig"})
CHAIR_KEY_KEYS = frozenset({"format", "chair_id", "chair_name", "device_id", "public_key", "kid"})

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STAMP = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_INT_MAX = 2147483647


class V2Reject(Exception):
    """The first reason a v2 document is refused (the caller adds the file's name)."""


@dataclass(frozen=True)
class EnrolledKey:
    """A chair's key as the coordinator enrolled it (spec v2 §2)."""

    kid: str
    public_key: bytes
    chair_id: str
    chair_name: str
    device_id: str
    enrolled_at: str
    revoked_at: str | None = None


class Keyring(Protocol):
    """What opening a v2 export needs to know: the enrolled keys, and the identities that can decrypt."""

    def enrolled(self, kid: str) -> EnrolledKey | None: ...

    @property
    def identities(self) -> list[Any]: ...


@dataclass(frozen=True)
class StaticKeyring:
    """A ``Keyring`` of plain values (the merge builds one per run from the coordinator's store)."""

    keys: dict[str, EnrolledKey]
    age_identities: tuple[Any, ...]

    def enrolled(self, kid: str) -> EnrolledKey | None:
        return self.keys.get(kid)

    @property
    def identities(self) -> list[Any]:
        return list(self.age_identities)


# --- writing an export ----------------------------------------------------------------------------------


def plain_payload_bytes(chair_name: str, conferences_and_deleted: bytes) -> bytes:
    """The canonical JSON of ``{"chair_name", "conferences", "deleted"}`` from the canonical JSON of the v1
    payload ``{"conferences": …, "deleted": …}`` (keys sort as chair_name < conferences < deleted)."""
    if not conferences_and_deleted.startswith(b'{"conferences":'):
        raise ValueError("expected the canonical v1 payload")
    return b'{"chair_name":' + canonical_json(chair_name) + b"," + conferences_and_deleted[1:]


def seal_export(
    head: dict[str, Any],
    plain: bytes,
    *,
    recipients: list[str],
    signing_key: Any,
) -> tuple[dict[str, Any], bytes]:
    """The signed envelope and the file's bytes for a payload whose canonical JSON is ``plain``.

    ``head`` holds the v1 envelope keys (``chair_name`` is dropped: it travels inside the payload) and the
    ``payload_sha256`` of ``plain``. The file is the canonical JSON of the signed envelope: compact, and the
    exact bytes any reader re-creates to check the signature.
    """
    envelope = {k: v for k, v in head.items() if k != "chair_name"}
    envelope["format_version"] = FORMAT_VERSION_2
    envelope["payload_age"] = crypto.b64encode(crypto.encrypt(crypto.gzip_bytes(plain), recipients))
    missing = ENVELOPE_KEYS - {"sig"} - set(envelope)
    if missing or set(envelope) - ENVELOPE_KEYS:
        raise ValueError(f"envelope keys wrong: missing {sorted(missing)}")
    envelope["sig"] = crypto.sign_object(signing_key, envelope)
    return envelope, canonical_json(envelope)


# --- opening an export (steps 1–3) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A v2 export whose envelope, signature and encryption checked out: the v1-shaped document to run the
    record rules on, and the signer."""

    doc: dict[str, Any]  # v1 envelope keys + chair_name + payload {conferences, deleted}
    digest_prefix: bytes  # what precedes "conferences" in the canonical plain payload
    signer: EnrolledKey


def check_envelope(doc: dict[str, Any]) -> None:
    """Step 1: exactly the v2 keys, each of its type (V2Reject otherwise)."""
    keys = set(doc)
    if "sig" not in keys and keys == ENVELOPE_KEYS - {"sig"}:
        raise V2Reject("it is a version 2 file without a signature; version 2 files are only accepted signed")
    extra = sorted(keys - ENVELOPE_KEYS)
    if extra:
        raise V2Reject(f"it has a key the format does not name ({_cut(extra[0])})")
    missing = sorted(ENVELOPE_KEYS - keys)
    if missing:
        raise V2Reject(f"it lacks the envelope key {missing[0]}")
    for key in ("export_id", "chair_id", "device_id"):
        if not isinstance(doc[key], str) or not _UUID.fullmatch(doc[key]):
            raise V2Reject(f"{key} must be a lower-case UUID")
    if not isinstance(doc["app_version"], str) or not 1 <= len(doc["app_version"]) <= 64:
        raise V2Reject("app_version must be a text of 1 to 64 characters")
    for key, low in (("sequence", 1), ("record_count", 0)):
        value = doc[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= _INT_MAX:
            raise V2Reject(f"{key} must be a whole number from {low}")
    if not isinstance(doc["created_at"], str) or not _STAMP.fullmatch(doc["created_at"]):
        raise V2Reject("created_at must be a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)")
    if not isinstance(doc["payload_sha256"], str) or not _HEX64.fullmatch(doc["payload_sha256"]):
        raise V2Reject("payload_sha256 must be 64 lower-case hexadecimal characters")
    if not isinstance(doc["payload_age"], str) or not doc["payload_age"]:
        raise V2Reject("payload_age must be base64 text")
    problem = crypto.check_sig_shape(doc["sig"])
    if problem:
        raise V2Reject(problem)


def check_signer(doc: dict[str, Any], keys: Keyring) -> EnrolledKey:
    """Step 2: an enrolled, unrevoked key of this chair and device, whose signature verifies."""
    sig = doc["sig"]
    signer = keys.enrolled(sig["kid"])
    if signer is None:
        raise V2Reject(
            f"it is signed by a key that is not enrolled (fingerprint {crypto.grouped(sig['kid'])[:19]}…); "
            "enrol that chair's key first if the chair confirms it"
        )
    if signer.revoked_at is not None and doc["created_at"] >= signer.revoked_at:
        raise V2Reject(
            f"it is signed by {signer.chair_name}'s key, revoked at {signer.revoked_at}, and was written after that"
        )
    if signer.chair_id != doc["chair_id"] or signer.device_id != doc["device_id"]:
        raise V2Reject(
            f"it is signed by {signer.chair_name}'s key but claims another chair or computer "
            "(chair_id or device_id differ from the enrolled key's)"
        )
    if not crypto.verify(signer.public_key, sig["value"], crypto.signing_input(doc)):
        raise V2Reject("its signature does not verify: the file was changed after it was signed, or forged")
    return signer


def decrypt_payload(doc: dict[str, Any], identities: list[Any]) -> bytes:
    """Step 3: base64 → age → bounded gunzip. Returns the plaintext bytes."""
    if not identities:
        raise V2Reject(
            "this installation has no coordinator identity to decrypt it (run cpchair keys coordinator-init, or "
            "keys deputy-init on a deputy coordinator's computer)"
        )
    try:
        encrypted = crypto.b64decode(doc["payload_age"])
    except crypto.CryptoError:
        raise V2Reject("payload_age is not valid standard base64") from None
    try:
        compressed = crypto.decrypt(encrypted, identities)
        return crypto.gunzip_limited(compressed, crypto.gunzip_limit_for(len(encrypted)))
    except crypto.CryptoError as exc:
        raise V2Reject(str(exc)) from None


def open_export(doc: dict[str, Any], keys: Keyring, loads: Any) -> Opened:
    """Steps 1–3 and the payload's shape; ``loads`` parses the plaintext as the reader parses files (no
    NaN, decimals marked). Step 4, the digest, is checked by the reader on the canonical bytes it makes."""
    check_envelope(doc)
    signer = check_signer(doc, keys)
    plain = decrypt_payload(doc, keys.identities)
    try:
        text = plain.decode("utf-8")
    except UnicodeDecodeError:
        raise V2Reject("its decrypted payload is not UTF-8 text") from None
    payload = loads(text, "its decrypted payload")
    if not isinstance(payload, dict) or set(payload) != PAYLOAD_KEYS:
        raise V2Reject('its decrypted payload must be an object with exactly "chair_name", "conferences", "deleted"')
    if not isinstance(payload["conferences"], list) or not isinstance(payload["deleted"], list):
        raise V2Reject("its decrypted payload's conferences and deleted must be lists")
    name = payload["chair_name"]
    if not isinstance(name, str):
        raise V2Reject("its decrypted payload's chair_name must be text")
    v1 = {k: v for k, v in doc.items() if k not in ("payload_age", "sig")}
    v1["format_version"] = 1
    v1["chair_name"] = name
    v1["payload"] = {"conferences": payload["conferences"], "deleted": payload["deleted"]}
    return Opened(v1, b'"chair_name":' + canonical_json(name) + b",", signer)


# --- the recipients file (§3) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipients:
    version: int
    issued_at: str
    recipients: tuple[str, ...]
    coordinator_kid: str


def build_recipients(version: int, issued_at: str, recipients: list[str], signing_key: Any) -> bytes:
    doc: dict[str, Any] = {
        "format": RECIPIENTS_FORMAT,
        "version": version,
        "issued_at": issued_at,
        "recipients": list(recipients),
        "coordinator_kid": crypto.kid_of(crypto.public_raw(signing_key)),
    }
    doc["sig"] = crypto.sign_object(signing_key, doc)
    return canonical_json(doc)


def parse_recipients(doc: Any, public_key: bytes | None = None) -> Recipients:
    """Check a recipients document's shape and its self-signature (V2Reject with a reason otherwise).

    The signature is checked against ``public_key`` when given (the pinned coordinator's key); a recipients
    file carries no public key of its own, so without one only the shape is checked and the caller must not
    use it until a person has confirmed ``coordinator_kid`` (pinning).
    """
    if not isinstance(doc, dict) or doc.get("format") != RECIPIENTS_FORMAT:
        raise V2Reject(f'it is not a recipients file (no "format": "{RECIPIENTS_FORMAT}")')
    if "sig" not in doc:
        raise V2Reject("the recipients file is not signed")
    if set(doc) != RECIPIENTS_KEYS:
        raise V2Reject("the recipients file has keys the format does not name, or lacks some")
    version = doc["version"]
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= _INT_MAX:
        raise V2Reject("the recipients file's version must be a whole number from 1")
    if not isinstance(doc["issued_at"], str) or not _STAMP.fullmatch(doc["issued_at"]):
        raise V2Reject("the recipients file's issued_at must be a UTC timestamp")
    recipients = doc["recipients"]
    if not isinstance(recipients, list) or not recipients or len(recipients) > 16:
        raise V2Reject("the recipients file must list between 1 and 16 recipients")
    for r in recipients:
        try:
            crypto.check_recipient(r)
        except crypto.CryptoError as exc:
            raise V2Reject(f"the recipients file lists a bad recipient: {exc}") from None
    if not crypto.is_kid(doc["coordinator_kid"]):
        raise V2Reject("the recipients file's coordinator_kid is not a fingerprint")
    problem = crypto.check_sig_shape(doc["sig"])
    if problem:
        raise V2Reject(f"the recipients file's {problem}")
    if doc["sig"]["kid"] != doc["coordinator_kid"]:
        raise V2Reject("the recipients file is signed by a key other than the coordinator_kid it names")
    if public_key is not None:
        if crypto.kid_of(public_key) != doc["coordinator_kid"]:
            raise V2Reject("the recipients file on the share is not signed by your coordinator")
        if not crypto.verify(public_key, doc["sig"]["value"], crypto.signing_input(doc)):
            raise V2Reject("the recipients file's signature does not verify: it was changed or forged")
    return Recipients(version, doc["issued_at"], tuple(recipients), doc["coordinator_kid"])


# --- the chair's public key file (§2) -------------------------------------------------------------------


def chair_key_document(chair_id: str, chair_name: str, device_id: str, public_key: bytes) -> dict[str, Any]:
    return {
        "format": CHAIR_KEY_FORMAT,
        "chair_id": chair_id,
        "chair_name": chair_name,
        "device_id": device_id,
        "public_key": crypto.b64encode(public_key),
        "kid": crypto.kid_of(public_key),
    }


def parse_chair_key(doc: Any) -> tuple[str, str, str, bytes, str]:
    """(chair_id, chair_name, device_id, public key bytes, kid) from a chair's key file, checked."""
    if not isinstance(doc, dict) or doc.get("format") != CHAIR_KEY_FORMAT:
        raise V2Reject(f'it is not a chair key file (no "format": "{CHAIR_KEY_FORMAT}")')
    if set(doc) != CHAIR_KEY_KEYS:
        raise V2Reject("the chair key file has keys the format does not name, or lacks some")
    for key in ("chair_id", "device_id"):
        if not isinstance(doc[key], str) or not _UUID.fullmatch(doc[key]):
            raise V2Reject(f"its {key} is not a lower-case UUID")
    name = doc["chair_name"]
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise V2Reject("its chair_name must be a name of 1 to 200 characters")
    try:
        public = crypto.b64decode(doc["public_key"])
    except crypto.CryptoError:
        raise V2Reject("its public_key is not base64") from None
    if len(public) != 32:
        raise V2Reject("its public_key is not a 32-byte Ed25519 key")
    if doc["kid"] != crypto.kid_of(public):
        raise V2Reject("its kid is not the fingerprint of its public_key: the file was altered")
    return doc["chair_id"], name, doc["device_id"], public, doc["kid"]


def _cut(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
