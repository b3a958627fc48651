"""The keys of an installation (interchange-v2 §2, §3): the chair's signing key, the coordinator's keys and
recipients file, and a chair's pinned coordinator.

- Every installation has one Ed25519 signing key, made at first use, its private half kept by
  ``secret_store`` (the OS credential store, else a 0600 file). Its ``kid`` is shown grouped in fours.
- A coordinator's installation also has an age identity for daily use (kept the same way) and publishes a
  signed ``cpchair-recipients.json`` at the top of the share: its daily recipient and the recovery
  recipient. The recovery identity is handed back once, to be written to a file and printed, and is never
  kept here. Beside the recipients file goes the coordinator's public key (``.cpchair/coordinator-key.json``,
  in a dot-folder the merge never reads): a recipients file names only a fingerprint, and a signature can
  only be checked against the key itself. A chair's installation uses that key only if its fingerprint is
  the one the chair confirmed with the coordinator.
- A chair pins the coordinator (``trust``) after confirming the fingerprint. Before every export the
  recipients file is checked against the pinned key and the last version used; anything else is refused in
  plain words and nothing is exported until it is resolved.

A service with several coordinators (a deputy, a service manager) merging into one store (issue 14): each
deputy's installation makes its own age identity (``deputy_init``) and hands the lead a deputy key file
holding only its public recipient; the lead adds it to the recipients file (``add_deputy``: a new signed
version, which the chairs' installations accept because it is signed by the key they pinned) and can take it
out again (``remove_deputy``). No private key ever leaves the computer it was made on; enrolled chairs' keys
live in the shared merged store, so every coordinator checks the same signatures.

Key events (made, pinned, published, deputies added and removed) go through ``key_events.record``. No Qt, no
hand-made cryptography.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cpchair import fileio, settings
from cpchair.domain import dates
from cpchair.errors import CpchairError, ExportError
from cpchair.interchange import crypto, envelope_v2
from cpchair.services import key_events, secret_store

SIGNING = "signing-key"
AGE_IDENTITY = "age-identity"
KEY_FOLDER = ".cpchair"
COORDINATOR_KEY_FILE = "coordinator-key.json"
COORDINATOR_KEY_FORMAT = "cpchair-coordinator-key"
DEPUTY_KEY_FORMAT = "cpchair-deputy-key"


class KeysError(CpchairError):
    """A key operation that cannot go ahead; the message says why and what to do."""


class NotPinned(ExportError):
    """No coordinator is trusted yet: nothing can be encrypted for one."""


class RecipientsRefused(ExportError):
    """The recipients file on the share is unsigned, foreign, damaged or older than the one last used."""


@dataclass(frozen=True)
class InstallationKey:
    kid: str
    public_key: bytes
    stored_in: str  # "keyring" or "file"

    @property
    def fingerprint(self) -> str:
        return crypto.grouped(self.kid)


@dataclass(frozen=True)
class CoordinatorKeys:
    """What ``coordinator_init`` made. ``recovery_identity`` is the only copy: write it out, then drop it."""

    kid: str
    recipients: tuple[str, ...]
    recovery_identity: str
    recovery_recipient: str
    recipients_path: Path


@dataclass(frozen=True)
class ShareRecipients:
    """The recipients file found on a share, checked for shape, and the coordinator key file beside it."""

    recipients: envelope_v2.Recipients
    document: dict[str, Any]
    public_key: bytes | None
    path: Path

    @property
    def fingerprint(self) -> str:
        return crypto.grouped(self.recipients.coordinator_kid)


# --- this installation's signing key -------------------------------------------------------------------


def _name(session: Session, purpose: str) -> str:
    return f"{purpose}-{settings.get(session, 'device_id')}"


def signing_key(session: Session) -> tuple[Any, InstallationKey]:
    """This installation's Ed25519 key (made and stored at first use) and what may be shown of it."""
    name = _name(session, SIGNING)
    stored = secret_store.get(name)
    if stored is None:
        key = crypto.new_signing_key()
        where = secret_store.put(name, crypto.b64encode(crypto.seed_of(key)))
        info = InstallationKey(crypto.kid_of(crypto.public_raw(key)), crypto.public_raw(key), where)
        settings.put(session, "signing_kid", info.kid)
        key_events.record(session, "signing_key_made", kid=info.kid, stored_in=where)
        return key, info
    try:
        key = crypto.signing_key_from_seed(crypto.b64decode(stored))
    except crypto.CryptoError:
        raise KeysError(
            "This installation's signing key is damaged, so nothing can be signed. Ask your coordinator to revoke "
            "its fingerprint; then remove the damaged key and enrol the new one cpchair makes."
        ) from None
    info = InstallationKey(
        crypto.kid_of(crypto.public_raw(key)), crypto.public_raw(key), secret_store.where(name) or ""
    )
    if settings.get(session, "signing_kid") != info.kid:
        settings.put(session, "signing_kid", info.kid)
    return key, info


def installation_key(session: Session) -> InstallationKey:
    return signing_key(session)[1]


def chair_key_document(session: Session) -> dict[str, Any]:
    """The public key file of spec v2 §2, for the coordinator to enrol."""
    name = (settings.get(session, "chair_name") or "").strip()
    if not name:
        raise KeysError("Enter your name as chair in Settings first: the coordinator enrols your key under it.")
    info = installation_key(session)
    return envelope_v2.chair_key_document(
        settings.get(session, "chair_id"), name, settings.get(session, "device_id"), info.public_key
    )


def write_chair_key(session: Session, out: str | Path) -> Path:
    out = Path(out)
    data = json.dumps(chair_key_document(session), indent=1).encode("utf-8") + b"\n"
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise KeysError(f"The key file could not be written to {out} ({exc.strerror or exc}).") from None
    return out


# --- the coordinator's keys -------------------------------------------------------------------------------


def is_coordinator(session: Session) -> bool:
    return settings.get(session, "own_recipients_version") > 0


def coordinator_identities(session: Session) -> list[Any]:
    """The daily age identity (empty when this installation has no coordinator keys)."""
    text = secret_store.get(_name(session, AGE_IDENTITY))
    if text is None:
        return []
    try:
        return [crypto.identity_from_text(text)]
    except crypto.CryptoError:
        raise KeysError("The coordinator's decryption key kept on this computer is damaged.") from None


def coordinator_init(
    session: Session, share: str | Path, recovery_out: str | Path, *, now: str | None = None
) -> CoordinatorKeys:
    """Make the coordinator's keys once, write the recovery identity to ``recovery_out`` (never kept here)
    and publish the signed recipients file into ``share``. The caller commits."""
    share, recovery_out = Path(share), Path(recovery_out)
    if is_coordinator(session) or coordinator_identities(session):
        raise KeysError(
            "This installation already has coordinator keys; making new ones would lock you out of files "
            "encrypted to the old ones. Nothing was changed."
        )
    if not share.is_dir():
        raise KeysError(f"{share} is not a folder: give the shared export folder.")
    if recovery_out.exists():
        raise KeysError(f"{recovery_out} already exists; cpchair never overwrites a recovery key. Choose a new name.")
    key, info = signing_key(session)
    daily, recovery = crypto.new_identity(), crypto.new_identity()
    recovery_text = str(recovery)
    write_recovery_file(recovery_out, recovery_text, crypto.recipient_of(recovery), now or dates.utc_timestamp())
    secret_store.put(_name(session, AGE_IDENTITY), str(daily))
    recipients = [crypto.recipient_of(daily), crypto.recipient_of(recovery)]
    settings.put(session, "own_recipients", recipients)
    path = publish_recipients(session, share, now=now, signing=key)
    key_events.record(session, "coordinator_keys_made", kid=info.kid, recipients=len(recipients))
    return CoordinatorKeys(info.kid, tuple(recipients), recovery_text, recipients[1], path)


# --- deputy coordinators ----------------------------------------------------------------------------------


def recipient_fingerprint(recipient: str) -> str:
    """A deputy's recipient as two people compare it over the phone: 24 hex digits of its SHA-256, in fours
    (an ``age1…`` key is 62 characters, too long to read aloud reliably)."""
    import hashlib

    return crypto.grouped(hashlib.sha256(recipient.encode("ascii")).hexdigest()[:24])


@dataclass(frozen=True)
class DeputyKey:
    name: str
    recipient: str

    @property
    def fingerprint(self) -> str:
        return recipient_fingerprint(self.recipient)


def deputy_init(session: Session, out: str | Path, name: str, *, now: str | None = None) -> DeputyKey:
    """Make this installation's age identity as a deputy coordinator and write the deputy key file (its public
    recipient and the deputy's name, nothing secret) to ``out`` for the lead coordinator. The caller commits."""
    out = Path(out)
    name = " ".join(name.split())
    if not name or len(name) > 200 or not name.isprintable():
        raise KeysError("Give the deputy's name (printable, at most 200 characters): the lead sees it when adding.")
    if coordinator_identities(session):
        raise KeysError(
            "This installation already has a coordinator's decryption key; making another would lock you out of "
            "files encrypted to it. Nothing was changed."
        )
    identity = crypto.new_identity()
    recipient = crypto.recipient_of(identity)
    doc = {"format": DEPUTY_KEY_FORMAT, "name": name, "recipient": recipient, "made_at": now or dates.utc_timestamp()}
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise KeysError(f"{out} already exists; choose a new name for the deputy key file.") from None
    except OSError as exc:
        raise KeysError(f"The deputy key file could not be written to {out} ({exc.strerror or exc}).") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=1) + "\n")
    secret_store.put(_name(session, AGE_IDENTITY), str(identity))
    settings.put(session, "deputy_recipient", recipient)
    key_events.record(session, "deputy_identity_made", recipient=recipient_fingerprint(recipient))
    return DeputyKey(name, recipient)


def read_deputy_file(path: str | Path) -> DeputyKey:
    """A deputy key file (``deputy_init``), checked: its format, a printable name and a real age recipient."""
    path = Path(path)
    try:
        doc = json.loads(path.read_bytes()[:10_000].decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeysError(f"The deputy key file {path} cannot be read ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") != DEPUTY_KEY_FORMAT:
        raise KeysError(f"{path} is not a deputy key file (made by `cpchair keys deputy-init`).")
    name, recipient = doc.get("name"), doc.get("recipient")
    if not isinstance(name, str) or not name.strip() or len(name) > 200 or not name.isprintable():
        raise KeysError(f"The deputy key file {path} has no usable name.")
    try:
        crypto.check_recipient(recipient)
    except crypto.CryptoError as exc:
        raise KeysError(f"The deputy key file {path} was not accepted: {exc}.") from None
    return DeputyKey(" ".join(name.split()), recipient)


def deputies(session: Session) -> list[DeputyKey]:
    """The deputies the lead added, in the order they were added (after the lead's daily and recovery
    recipients, which are always the first two and cannot be removed)."""
    names = settings.get(session, "deputy_names") or {}
    return [DeputyKey(names.get(r, ""), r) for r in list(settings.get(session, "own_recipients") or [])[2:]]


def _require_lead(session: Session) -> None:
    if not is_coordinator(session):
        raise KeysError(
            "Only the lead coordinator's installation (the one that ran coordinator-init) can change who the "
            "exports are encrypted to."
        )


def add_deputy(session: Session, share: str | Path, deputy: DeputyKey, *, now: str | None = None) -> Path:
    """Add a deputy's recipient to the recipients file and publish the next signed version. The caller commits.

    From the chairs' next export on, their files open with the deputy's key too; files exported before stay
    readable only by the keys they were made for."""
    _require_lead(session)
    recipients = list(settings.get(session, "own_recipients"))
    if deputy.recipient in recipients:
        raise KeysError(
            f"{deputy.name or 'This deputy'} ({deputy.fingerprint}) is already a recipient. Nothing changed."
        )
    names = dict(settings.get(session, "deputy_names") or {})
    names[deputy.recipient] = deputy.name
    settings.put(session, "own_recipients", [*recipients, deputy.recipient])
    settings.put(session, "deputy_names", names)
    path = publish_recipients(session, share, now=now)
    key_events.record(session, "deputy_added", recipient=deputy.fingerprint)
    return path


def remove_deputy(session: Session, share: str | Path, fingerprint: str, *, now: str | None = None) -> DeputyKey:
    """Take a deputy out of the recipients file (by the fingerprint ``recipient_fingerprint`` shows) and publish
    the next signed version. Files exported before stay readable with the deputy's key: say so to the user."""
    _require_lead(session)
    wanted = crypto.normalise_kid(fingerprint)
    found = [d for d in deputies(session) if crypto.normalise_kid(d.fingerprint) == wanted]
    if not wanted or not found:
        raise KeysError(f"No deputy has the fingerprint {fingerprint!r}: `cpchair keys show` lists them.")
    gone = found[0]
    recipients = [r for r in settings.get(session, "own_recipients") if r != gone.recipient]
    names = dict(settings.get(session, "deputy_names") or {})
    names.pop(gone.recipient, None)
    settings.put(session, "own_recipients", recipients)
    settings.put(session, "deputy_names", names)
    publish_recipients(session, share, now=now)
    key_events.record(session, "deputy_removed", recipient=gone.fingerprint)
    return gone


def recovery_text(identity: str, recipient: str, made_at: str) -> str:
    return (
        "# cpchair RECOVERY identity: opens every export made for this service.\n"
        "# Lock it away (a safe, not a shared drive). cpchair does not keep a copy.\n"
        f"# made: {made_at}\n"
        f"# public key: {recipient}\n"
        f"{identity}\n"
    )


def write_recovery_file(path: Path, identity: str, recipient: str, made_at: str) -> None:
    """Written once, 0600, refusing to replace an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeysError(f"{path} already exists; cpchair never overwrites a recovery key.") from None
    except OSError as exc:
        raise KeysError(f"The recovery key could not be written to {path} ({exc.strerror or exc}).") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(recovery_text(identity, recipient, made_at))
        f.flush()
        os.fsync(f.fileno())


def publish_recipients(session: Session, share: str | Path, *, now: str | None = None, signing: Any = None) -> Path:
    """Write the signed recipients file (next version) and the coordinator's public key into ``share``."""
    share = Path(share)
    recipients = list(settings.get(session, "own_recipients") or [])
    if not recipients:
        raise KeysError("This installation has no coordinator keys yet: run coordinator-init (Settings) first.")
    key = signing if signing is not None else signing_key(session)[0]
    version = settings.get(session, "own_recipients_version") + 1
    data = envelope_v2.build_recipients(version, now or dates.utc_timestamp(), recipients, key)
    public = crypto.public_raw(key)
    key_doc = {"format": COORDINATOR_KEY_FORMAT, "public_key": crypto.b64encode(public), "kid": crypto.kid_of(public)}
    try:
        (share / KEY_FOLDER).mkdir(exist_ok=True)
        fileio.replace_file(share / KEY_FOLDER, COORDINATOR_KEY_FILE, json.dumps(key_doc, indent=1).encode() + b"\n")
        path = fileio.replace_file(share, envelope_v2.RECIPIENTS_FILE, data)
    except OSError as exc:
        raise KeysError(f"The recipients file could not be written to {share} ({exc.strerror or exc}).") from None
    settings.put(session, "own_recipients_version", version)
    key_events.record(session, "recipients_published", version=version)
    return path


# --- a chair's pinned coordinator ---------------------------------------------------------------------------


def read_share(folder: str | Path) -> ShareRecipients:
    """The recipients file at the top of ``folder`` (shape checked, signature not yet) and the coordinator's
    public key beside it, if any. RecipientsRefused, in plain words, when there is none or it is not one."""
    folder = Path(folder)
    path = folder / envelope_v2.RECIPIENTS_FILE
    try:
        doc = json.loads(path.read_bytes()[:1_000_000].decode("utf-8"))
    except FileNotFoundError:
        raise RecipientsRefused(
            f"There is no {envelope_v2.RECIPIENTS_FILE} in {folder}: your coordinator has not set up signed "
            "exports there yet. Nothing was exported."
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RecipientsRefused(
            f"The recipients file in {folder} cannot be read ({exc}). Nothing was exported."
        ) from None
    try:
        recipients = envelope_v2.parse_recipients(doc)
    except envelope_v2.V2Reject as exc:
        raise RecipientsRefused(
            f"The recipients file on the share is not signed by your coordinator ({exc}). Nothing was exported: "
            "tell your coordinator."
        ) from None
    public = _coordinator_public_key(folder)
    return ShareRecipients(recipients, doc, public, path)


def _coordinator_public_key(folder: Path) -> bytes | None:
    try:
        doc = json.loads((folder / KEY_FOLDER / COORDINATOR_KEY_FILE).read_text("utf-8")[:10_000])
        public = crypto.b64decode(doc["public_key"])
    except (OSError, ValueError, KeyError, TypeError, crypto.CryptoError):
        return None
    return public if len(public) == 32 and doc.get("format") == COORDINATOR_KEY_FORMAT else None


def pinned(session: Session) -> tuple[str, bytes] | None:
    kid = settings.get(session, "coordinator_kid") or ""
    if not kid:
        return None
    return kid, crypto.b64decode(settings.get(session, "coordinator_public_key"))


def trust(session: Session, folder: str | Path, fingerprint: str, *, replace: bool = False) -> ShareRecipients:
    """Pin the coordinator whose signed recipients file is in ``folder``, if its fingerprint is the one the
    chair confirmed (``fingerprint``, spaces and case ignored). The caller commits."""
    wanted = crypto.normalise_kid(fingerprint)
    if len(wanted) != 64:
        raise KeysError(
            "A coordinator's fingerprint has 64 letters and digits (16 groups of 4): check the one you were given."
        )
    found = read_share(folder)
    kid = found.recipients.coordinator_kid
    if kid != wanted:
        raise KeysError(
            f"The recipients file in {folder} is signed by fingerprint {crypto.grouped(kid)}, not the one you "
            "confirmed with your coordinator. Nothing was trusted: call your coordinator."
        )
    if found.public_key is None or crypto.kid_of(found.public_key) != kid:
        raise KeysError(
            f"The coordinator's public key ({KEY_FOLDER}/{COORDINATOR_KEY_FILE}) is missing from {folder} or is "
            "not the one with that fingerprint. Nothing was trusted: ask your coordinator to publish it again."
        )
    try:
        envelope_v2.parse_recipients(found.document, found.public_key)
    except envelope_v2.V2Reject as exc:
        raise KeysError(f"The recipients file in {folder} was refused: {exc}. Nothing was trusted.") from None
    current = pinned(session)
    if current is not None and current[0] != kid and not replace:
        raise KeysError(
            f"You already trust coordinator {crypto.grouped(current[0])}. Trusting another replaces it: do that only "
            "if your coordinator has told you their key changed."
        )
    settings.put(session, "coordinator_kid", kid)
    settings.put(session, "coordinator_public_key", crypto.b64encode(found.public_key))
    settings.put(session, "recipients_version", found.recipients.version)
    key_events.record(session, "coordinator_pinned", kid=kid, version=found.recipients.version)
    return found


def recipients_for_export(session: Session, folder: str | Path) -> list[str]:
    """The recipients to encrypt an export to: from the share's recipients file, only when it is signed by the
    pinned coordinator and not older than the last one used. Raises NotPinned or RecipientsRefused."""
    checked = check_share(session, folder)
    if checked.version > settings.get(session, "recipients_version"):
        settings.put(session, "recipients_version", checked.version)
    return list(checked.recipients)


def share_problem(session: Session, folder: str | Path) -> str | None:
    """Why an export to ``folder`` would be refused for its keys, in plain words, or None (Settings shows it)."""
    try:
        check_share(session, folder)
    except (NotPinned, RecipientsRefused) as exc:
        return str(exc)
    return None


def check_share(session: Session, folder: str | Path) -> envelope_v2.Recipients:
    """The share's recipients file, checked against the pinned coordinator and the last version used."""
    pin = pinned(session)
    if pin is None:
        raise NotPinned(
            "No coordinator is trusted yet, so nothing can be exported. In Settings, compare your coordinator's "
            "fingerprint with them and choose Trust (or run `cpchair keys trust`)."
        )
    kid, public = pin
    found = read_share(folder)
    try:
        checked = envelope_v2.parse_recipients(found.document, public)
    except envelope_v2.V2Reject as exc:
        raise RecipientsRefused(
            f"The recipients file on the share is not signed by your coordinator ({exc}). Nothing was exported: "
            f"tell your coordinator (their fingerprint is {crypto.grouped(kid)})."
        ) from None
    last = settings.get(session, "recipients_version")
    if checked.version < last:
        raise RecipientsRefused(
            f"The recipients file on the share is older (version {checked.version}) than the one this computer "
            f"last used (version {last}); it may have been put back by someone. Nothing was exported: tell your "
            "coordinator."
        )
    return checked


def describe(session: Session) -> dict[str, Any]:
    """``cpchair keys show --json``: this installation's key and, as they apply, its coordinator role or pin."""
    info = installation_key(session)
    out: dict[str, Any] = {
        "kid": info.kid,
        "fingerprint": info.fingerprint,
        "public_key": crypto.b64encode(info.public_key),
        "stored_in": info.stored_in,
        "chair_id": settings.get(session, "chair_id"),
        "device_id": settings.get(session, "device_id"),
    }
    if is_coordinator(session):
        out["coordinator_kid"] = info.kid
        out["recipients"] = list(settings.get(session, "own_recipients"))
        out["recipients_version"] = settings.get(session, "own_recipients_version")
        out["deputies"] = [
            {"name": d.name, "fingerprint": d.fingerprint, "recipient": d.recipient} for d in deputies(session)
        ]
    deputy = settings.get(session, "deputy_recipient")
    if deputy:
        out["deputy"] = {"recipient": deputy, "fingerprint": recipient_fingerprint(deputy)}
    pin = pinned(session)
    out["pinned_coordinator"] = (
        {
            "kid": pin[0],
            "fingerprint": crypto.grouped(pin[0]),
            "recipients_version": settings.get(session, "recipients_version"),
        }
        if pin
        else None
    )
    return out
