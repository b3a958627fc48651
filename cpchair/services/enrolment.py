"""The coordinator's register of chairs' keys (interchange-v2 §2): enrol, revoke, list, and the trust a merge
runs with.

A key is enrolled from the chair's public key file only after the coordinator has compared its fingerprint
with the chair (by phone: the GUI and the CLI show it grouped in fours and ask). A revoked key stays in the
register: files it signed before ``revoked_at`` still merge, later ones are refused. A revoked key is never
enrolled again (a chair with a new laptop has a new key).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cpchair.domain import dates
from cpchair.errors import CpchairError, NotFound
from cpchair.interchange import crypto, envelope_v2
from cpchair.services import key_events, keys
from cpchair.storage.models import ChairKey, ImportedFile


class EnrolmentError(CpchairError):
    pass


@dataclass(frozen=True)
class ChairKeyFile:
    """A chair's public key file, checked (not yet enrolled)."""

    chair_id: str
    chair_name: str
    device_id: str
    public_key: bytes
    kid: str

    @property
    def fingerprint(self) -> str:
        return crypto.grouped(self.kid)


@dataclass(frozen=True)
class ChairRow:
    """One enrolled key as the Chairs view lists it."""

    kid: str
    chair_id: str
    chair_name: str
    device_id: str
    enrolled_at: str
    revoked_at: str | None
    last_merged_at: str | None
    last_merged_file: str | None

    @property
    def fingerprint(self) -> str:
        return crypto.grouped(self.kid)


def read_key_file(path: str | Path) -> ChairKeyFile:
    path = Path(path)
    try:
        doc = json.loads(path.read_bytes()[:100_000].decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise EnrolmentError(f"{path.name} cannot be read as a chair's key file ({exc}).") from None
    try:
        chair_id, name, device_id, public, kid = envelope_v2.parse_chair_key(doc)
    except envelope_v2.V2Reject as exc:
        raise EnrolmentError(f"{path.name} was not accepted: {exc}.") from None
    return ChairKeyFile(chair_id, name, device_id, public, kid)


def enrol(session: Session, key: ChairKeyFile, *, now: str | None = None, own_kid: str | None = None) -> ChairRow:
    """Enrol ``key`` (the caller has had its fingerprint confirmed) into ``session``, the merged store. The caller
    commits. A coordinator who also chairs enrols its own key like any other. ``own_kid`` is accepted from the
    callers that know this installation's key: the audit entry says whether it enrolled its own."""
    existing = session.get(ChairKey, key.kid)
    if existing is not None:
        if existing.revoked_at:
            raise EnrolmentError(
                f"The key {key.fingerprint} was revoked on {existing.revoked_at} and cannot be enrolled again: "
                "ask the chair to make a new one (a new installation)."
            )
        raise EnrolmentError(f"{existing.chair_name}'s key {key.fingerprint} is already enrolled.")
    row = ChairKey(
        kid=key.kid,
        public_key=crypto.b64encode(key.public_key),
        chair_id=key.chair_id,
        chair_name=key.chair_name,
        device_id=key.device_id,
        enrolled_at=now or dates.utc_timestamp(),
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    key_events.record(
        session,
        "chair_enrolled",
        kid=key.kid,
        chair_id=key.chair_id,
        device_id=key.device_id,
        own_key=own_kid is not None and key.kid == own_kid,
    )
    return _row(session, row)


def find(session: Session, kid_text: str) -> ChairKey:
    """An enrolled key by its fingerprint (spaces and case ignored), or a unique start of at least 16 digits."""
    kid = crypto.normalise_kid(kid_text)
    if len(kid) < 16:
        raise EnrolmentError("Give the key's fingerprint (at least its first 16 letters and digits).")
    row = session.get(ChairKey, kid)
    if row is not None:
        return row
    matches = session.scalars(select(ChairKey).where(ChairKey.kid.startswith(kid))).all()
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"No enrolled key has the fingerprint {crypto.grouped(kid)}.")
    raise EnrolmentError(f"More than one enrolled key starts {crypto.grouped(kid)}: give the whole fingerprint.")


def revoke(session: Session, kid_text: str, *, now: str | None = None) -> ChairRow:
    """Revoke a key from ``now``: files it signed at or after that time are refused. The caller commits."""
    row = find(session, kid_text)
    if row.revoked_at:
        raise EnrolmentError(
            f"{row.chair_name}'s key {crypto.grouped(row.kid)} was already revoked on {row.revoked_at}."
        )
    row.revoked_at = now or dates.utc_timestamp()
    session.flush()
    key_events.record(session, "chair_revoked", kid=row.kid, chair_id=row.chair_id, revoked_at=row.revoked_at)
    return _row(session, row)


def list_chairs(session: Session) -> list[ChairRow]:
    """Every enrolled key (revoked ones too), by chair name then enrolment."""
    rows = session.scalars(select(ChairKey).order_by(ChairKey.chair_name, ChairKey.enrolled_at)).all()
    return [_row(session, r) for r in rows]


def _row(session: Session, r: ChairKey) -> ChairRow:
    f = ImportedFile.__table__
    last = session.execute(
        select(f.c.merged_at, f.c.path)
        .where(f.c.chair_id == r.chair_id, f.c.device_id == r.device_id)
        .order_by(f.c.merged_at.desc())
        .limit(1)
    ).first()
    return ChairRow(
        kid=r.kid,
        chair_id=r.chair_id,
        chair_name=r.chair_name,
        device_id=r.device_id,
        enrolled_at=r.enrolled_at,
        revoked_at=r.revoked_at,
        last_merged_at=last[0] if last else None,
        last_merged_file=Path(last[1]).name if last else None,
    )


def enrolled_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ChairKey)) or 0


def merge_keyring(
    session: Session, recovery_identity: Any = None, *, identities: list | None = None
) -> envelope_v2.StaticKeyring:
    """The trust a merge runs with: every enrolled key (in the merged store ``session``), and the coordinator's
    daily identity (``identities``, or read through ``session`` when it is this installation's database), or
    only the recovery identity when one is given (``cpchair merge --recovery-identity``)."""
    enrolled = {
        r.kid: envelope_v2.EnrolledKey(
            kid=r.kid,
            public_key=crypto.b64decode(r.public_key),
            chair_id=r.chair_id,
            chair_name=r.chair_name,
            device_id=r.device_id,
            enrolled_at=r.enrolled_at,
            revoked_at=r.revoked_at,
        )
        for r in session.scalars(select(ChairKey))
    }
    if recovery_identity is not None:
        identities = [recovery_identity]
    elif identities is None:
        identities = keys.coordinator_identities(session)
    return envelope_v2.StaticKeyring(enrolled, tuple(identities))


def read_recovery_identity(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text("utf-8")[:10_000]
    except (OSError, UnicodeDecodeError) as exc:
        raise EnrolmentError(f"The recovery key file {path} cannot be read ({exc}).") from None
    try:
        return crypto.identity_from_text(text)
    except crypto.CryptoError as exc:
        raise EnrolmentError(f"The recovery key file {path} was not accepted: {exc}.") from None
