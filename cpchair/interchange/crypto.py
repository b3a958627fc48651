"""The cryptography of interchange-v2, as thin calls into two libraries: nothing here is hand-made.

- Signatures are Ed25519 through ``cryptography``; a key is named by its ``kid``, the lower-case hex
  SHA-256 of the raw 32-byte public key (spec v2 §1), shown to people grouped in fours for reading aloud.
- Encryption is age (age-encryption.org/v1) through ``pyrage``, the binding of the reference Rust
  implementation, to X25519 recipients (``age1…``).
- The payload is gzip (RFC 1952). Decompression is bounded *while streaming* (``zlib.decompressobj`` with
  ``max_length``), so a small hostile file can never expand into gigabytes of memory.

Why a module of its own: the writer, the reader, the recipients file, the chair key file and the tests all
sign, verify, encrypt and decrypt the same way; one place keeps the base64 and canonical-JSON details equal.
No database, no Qt.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import zlib
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cpchair.interchange.canonical import canonical_json

SIG_ALG = "ed25519"
#: gzip output is at most this many times the encrypted size (spec v2 §4.3) ...
GZIP_RATIO_LIMIT = 64
#: ... and never more than 1 GiB.
GZIP_ABSOLUTE_LIMIT = 1024 * 1024 * 1024
_CHUNK = 1024 * 1024


class CryptoError(Exception):
    """A key, signature, ciphertext or compressed stream that does not check out (the message says which)."""


# --- Ed25519 ------------------------------------------------------------------------------------------


def new_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signing_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    if len(seed) != 32:
        raise CryptoError(f"a signing key has 32 bytes, not {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def seed_of(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw)


def kid_of(public: bytes) -> str:
    """The key id of spec v2 §1: lower-case hex SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(public).hexdigest()


def grouped(kid: str) -> str:
    """``b844 4c2c d01d …``: the fingerprint as people read it aloud to each other."""
    return " ".join(kid[i : i + 4] for i in range(0, len(kid), 4))


def normalise_kid(text: str) -> str:
    """A fingerprint as typed or pasted (spaces, upper case, colons) back to the 64 hex characters."""
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def sign_object(key: Ed25519PrivateKey, obj: dict[str, Any]) -> dict[str, str]:
    """The ``sig`` member for ``obj`` (which must not contain ``sig``): Ed25519 over its canonical JSON."""
    if "sig" in obj:
        raise ValueError("sign the object without its sig")
    value = key.sign(canonical_json(obj))
    return {"alg": SIG_ALG, "kid": kid_of(public_raw(key)), "value": b64encode(value)}


def signing_input(obj: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in obj.items() if k != "sig"})


def verify(public: bytes, signature_b64: str, message: bytes) -> bool:
    """Whether ``signature_b64`` is a valid Ed25519 signature by ``public`` over ``message``."""
    try:
        sig = b64decode(signature_b64)
        Ed25519PublicKey.from_public_bytes(public).verify(sig, message)
    except (InvalidSignature, CryptoError, ValueError):
        return False
    return True


def check_sig_shape(sig: Any) -> str | None:
    """Why ``sig`` is not ``{"alg": "ed25519", "kid": 64 hex, "value": base64}``, or None."""
    if not isinstance(sig, dict) or set(sig) != {"alg", "kid", "value"}:
        return 'sig must be an object with exactly "alg", "kid" and "value"'
    if sig["alg"] != SIG_ALG:
        return f'sig.alg must be "{SIG_ALG}"'
    if not is_kid(sig["kid"]):
        return "sig.kid must be 64 lower-case hexadecimal characters"
    if not isinstance(sig["value"], str) or len(sig["value"]) != 88:
        return "sig.value must be the base64 of a 64-byte signature"
    return None


def is_kid(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


# --- base64 -------------------------------------------------------------------------------------------


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Standard base64 with padding, strictly (no stray characters, no missing padding)."""
    if not isinstance(text, str):
        raise CryptoError("not base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise CryptoError("not valid standard base64") from None


# --- age ----------------------------------------------------------------------------------------------


def new_identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


def identity_from_text(text: str) -> pyrage.x25519.Identity:
    """An ``AGE-SECRET-KEY-1…`` line (comments starting with # and blank lines are allowed, as age writes)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != 1 or not lines[0].startswith("AGE-SECRET-KEY-1"):
        raise CryptoError("it does not hold one age identity (a line starting AGE-SECRET-KEY-1)")
    try:
        return pyrage.x25519.Identity.from_str(lines[0])
    except Exception:  # noqa: BLE001 - pyrage raises its own types; all mean "not an identity"
        raise CryptoError("its AGE-SECRET-KEY-1 line is not a valid age identity") from None


def recipient_of(identity: pyrage.x25519.Identity) -> str:
    return str(identity.to_public())


def check_recipient(text: Any) -> pyrage.x25519.Recipient:
    if not isinstance(text, str) or not text.startswith("age1"):
        raise CryptoError("a recipient must be an age X25519 public key (age1…)")
    try:
        return pyrage.x25519.Recipient.from_str(text)
    except Exception:  # noqa: BLE001
        raise CryptoError(f"{text[:70]} is not a valid age recipient") from None


def encrypt(plain: bytes, recipients: list[str]) -> bytes:
    """A binary age file of ``plain`` for every recipient."""
    if not recipients:
        raise CryptoError("there is no recipient to encrypt to")
    return pyrage.encrypt(plain, [check_recipient(r) for r in recipients])


def decrypt(data: bytes, identities: list[pyrage.x25519.Identity]) -> bytes:
    """The plaintext of a binary age file, or CryptoError when no identity opens it or it was altered."""
    try:
        return pyrage.decrypt(data, identities)
    except pyrage.DecryptError as exc:
        text = str(exc).lower()
        if "no matching keys" in text or "no identity matched" in text:
            raise CryptoError(
                "none of this installation's keys can open it: it was not encrypted to this service, or (for a "
                "deputy coordinator) it was exported before the lead added your key"
            ) from None
        raise CryptoError(f"it cannot be decrypted; it was damaged or altered ({_short(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - pyrage raises for malformed headers too
        raise CryptoError(f"it cannot be decrypted ({_short(exc)})") from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --- gzip ---------------------------------------------------------------------------------------------


def gzip_bytes(data: bytes) -> bytes:
    """RFC 1952 gzip with a fixed mtime of 0, so the same payload gives the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress one gzip member, refusing (CryptoError) as soon as the output would exceed ``limit`` bytes.

    Streamed with ``max_length``, so at most ``limit`` + one chunk is ever held: a 60 kB "zip bomb" that would
    expand to gigabytes stops at the limit. Trailing data after the member, or a truncated stream, is refused.
    """
    d = zlib.decompressobj(wbits=31)  # 16 + MAX_WBITS: gzip header and trailer, CRC-32 and size checked
    parts: list[bytes] = []
    total = 0
    pending = data
    try:
        while True:
            chunk = d.decompress(pending, min(_CHUNK, limit - total + 1))
            pending = d.unconsumed_tail
            total += len(chunk)
            if total > limit:
                raise CryptoError(f"its compressed payload expands beyond {limit:,} bytes, the limit for its size")
            parts.append(chunk)
            if d.eof:
                break
            if not pending and not chunk:
                raise CryptoError("its compressed payload is incomplete")
    except zlib.error as exc:
        raise CryptoError(f"its compressed payload is damaged ({exc})") from None
    if d.unused_data:
        raise CryptoError("its compressed payload has data after its end")
    return b"".join(parts)


def gunzip_limit_for(encrypted_size: int) -> int:
    """At most 64 × the encrypted size and at most 1 GiB (spec v2 §4.3)."""
    return min(GZIP_RATIO_LIMIT * encrypted_size, GZIP_ABSOLUTE_LIMIT)
