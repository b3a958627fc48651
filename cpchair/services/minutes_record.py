"""The minutes' local record: restrictions, split-conference parts, professionals present, local facts, the
chair's words for the letters, sign-off and distribution.

Why a record of its own (table ``minutes_local``): these are case details that stay on the laptop (a mother's
address, a reason she gave for not inviting the father, the names of the professionals) and are never exported;
and they are edited from their own panels, so the minutes editor's autosave (which writes ``Conference.minutes``
whole) can never overwrite a restriction the chair has just marked.

A split conference's parts: ``{"title", "attended": [who], "text": what was said, "sections": [refs]}``; a
family member's copy leaves out the parts they did not attend (and the listed sections of them).

A restriction is data, not formatting: ``{"ref": where, "passage": exact words or "", "from": [who]}``.
``ref`` names a part of the minutes (``text:parents_views``, ``contribution:police``, ``attendee:2``) or a fact
drawn from the questionnaire (``adult:2:reason``, ``child:1:dob``, ``address``); ``passage`` narrows it to some
words inside that part; ``from`` holds ``family`` (every parent, carer and the young person), ``young_person``
or ``adult:N`` (the Nth parent or carer as the questionnaire lists them, with their name kept beside it in
``names`` so that a reordered list can never send a passage to the wrong person). ``services.minutes_versions``
applies them, once, when the document is assembled for a recipient.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cpchair.domain import dates
from cpchair.errors import InvalidRecord
from cpchair.storage.models import MinutesDistribution, MinutesLocal

FAMILY = "family"
YOUNG_PERSON = "young_person"
S47_OUTCOMES = {
    "significant_harm": "Concerns substantiated: the child is judged to be suffering, or likely to suffer, "
    "significant harm",
    "substantiated_not_significant": "Concerns substantiated, but the child is not judged likely to suffer "
    "significant harm",
    "not_substantiated": "Concerns not substantiated",
}
ATTENDANCE = {"attended": "Attended", "attended_virtually": "Attended virtually", "apologies": "Sent apologies"}
PRESENT = ("attended", "attended_virtually")
CSC = "csc"
CSC_LABEL = "Children's Social Care"
METHODS = {"post": "Post", "secure_email": "Secure email", "by_hand": "By hand", "collected": "Collected"}
FACT_KEYS = ("address", "social_worker", "team_manager", "s47_outcome", "review_date", "review_time", "review_venue")


def blank_local() -> dict[str, Any]:
    """A local record with every key present and nothing recorded."""
    return {
        "facts": {key: "" for key in FACT_KEYS} | {"children": []},
        "attendees": [],
        "restrictions": [],
        "split": [],
        "child_letter": "",
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def normalise(data: dict[str, Any] | None) -> dict[str, Any]:
    """A complete local record; InvalidRecord (listing every problem) for a date that is not a date, an unknown
    code or a restriction that withholds from nobody."""
    out = blank_local()
    src = copy.deepcopy(data or {})
    problems: list[str] = []
    facts = src.get("facts") or {}
    for key in FACT_KEYS:
        out["facts"][key] = _text(facts.get(key)).strip()
    if out["facts"]["s47_outcome"] and out["facts"]["s47_outcome"] not in S47_OUTCOMES:
        problems.append("The outcome of the section 47 enquiry is not one of the listed outcomes.")
    if out["facts"]["review_date"]:
        try:
            dates.parse_iso(out["facts"]["review_date"])
        except ValueError:
            problems.append("The booked review date is not a date: enter it as dd/mm/yyyy.")
    children = []
    for i, child in enumerate(facts.get("children") or [], 1):
        row = {"dob": _text(child.get("dob")).strip(), "edd": _text(child.get("edd")).strip()}
        for key, what in (("dob", "date of birth"), ("edd", "expected date of delivery")):
            try:
                dates.parse_iso(row[key] or None)
            except ValueError:
                problems.append(f"Child {i}'s {what} is not a date: enter it as dd/mm/yyyy.")
        children.append(row)
    out["facts"]["children"] = children
    attendees = []
    for i, row in enumerate(src.get("attendees") or [], 1):
        clean = {k: _text(row.get(k)).strip() for k in ("name", "role", "agency", "attendance")}
        if not any(clean.values()):
            continue
        if clean["attendance"] not in ATTENDANCE:
            problems.append(
                f"Professional {i} ({clean['name'] or 'no name'}): choose attended, virtually or apologies."
            )
        if not clean["name"]:
            problems.append(f"Professional {i}: enter their name.")
        attendees.append(clean)
    out["attendees"] = attendees
    for i, row in enumerate(src.get("restrictions") or [], 1):
        ref = _text(row.get("ref")).strip()
        who = [w for w in (row.get("from") or []) if w]
        if not ref:
            problems.append(f"Restriction {i} does not say which part of the minutes it withholds.")
        if not who:
            problems.append(f"Restriction {i} does not say who it is withheld from.")
        out["restrictions"].append(
            {
                "ref": ref,
                "passage": _text(row.get("passage")).strip(),
                "from": sorted(set(who), key=who.index),
                "names": {str(k): _text(v) for k, v in (row.get("names") or {}).items()},
            }
        )
    for i, part in enumerate(src.get("split") or [], 1):
        title = _text(part.get("title")).strip() or f"Part {i}"
        attended = [w for w in (part.get("attended") or []) if w]
        out["split"].append(
            {
                "title": title,
                "attended": attended,
                "sections": [s for s in (part.get("sections") or []) if s],
                "text": _text(part.get("text")),
                "names": {str(k): _text(v) for k, v in (part.get("names") or {}).items()},
            }
        )
    out["child_letter"] = _text(src.get("child_letter"))
    if problems:
        raise InvalidRecord(" ".join(problems), problems)
    return out


@dataclass(frozen=True)
class SignOff:
    signed_by: str
    signed_at: str
    sha256: str


@dataclass(frozen=True)
class Distribution:
    pk: int
    recipient: str
    version: str
    method: str
    sent_on: date


@dataclass(frozen=True)
class LocalRecord:
    """The local record of one conference, as the document builder reads it."""

    data: dict[str, Any]
    sign_off: SignOff | None
    distribution: tuple[Distribution, ...]


def _row(session: Session, conference_id: str) -> MinutesLocal | None:
    return session.get(MinutesLocal, conference_id)


def get(session: Session, conference_id: str) -> LocalRecord:
    """The conference's local record (blank when nothing is recorded yet)."""
    row = _row(session, conference_id)
    try:
        data = normalise(row.data if row else None)
    except InvalidRecord:  # stored by an older or hand-edited database: show it rather than lose it
        data = blank_local() | dict(row.data if row else {})
    sign = SignOff(row.signed_by, row.signed_at, row.signed_sha256 or "") if row and row.signed_by else None
    dist = session.scalars(
        select(MinutesDistribution)
        .where(MinutesDistribution.conference_id == conference_id)
        .order_by(MinutesDistribution.sent_on, MinutesDistribution.pk)
    ).all()
    return LocalRecord(
        data=data,
        sign_off=sign,
        distribution=tuple(Distribution(d.pk, d.recipient, d.version, d.method, d.sent_on) for d in dist),
    )


def _ensure(session: Session, conference_id: str) -> MinutesLocal:
    from cpchair.services import conferences

    conferences.get(session, conference_id)  # NotFound for an unknown or deleted conference
    row = _row(session, conference_id)
    if row is None:
        row = MinutesLocal(conference_id=conference_id, data=blank_local(), updated_at=dates.utc_timestamp())
        session.add(row)
    return row


def save(session: Session, conference_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check and store the local record; returns what was stored. The sign-off stays: whether the minutes are
    still signed is decided by comparing content (see ``minutes_versions.is_draft``)."""
    from cpchair.services import audit

    clean = normalise(data)
    row = _ensure(session, conference_id)
    row.data = clean
    row.updated_at = dates.utc_timestamp()
    audit.record_event(session, "change", conference_id=conference_id, detail={"part": "minutes_record"}, coalesce=True)
    session.flush()
    return clean


def update(session: Session, conference_id: str, **parts: Any) -> dict[str, Any]:
    """Replace some top-level parts (``restrictions=[...]``, ``attendees=[...]``) and keep the rest."""
    data = get(session, conference_id).data | parts
    return save(session, conference_id, data)


def sign_off(session: Session, conference_id: str, signed_by: str, sha256: str, *, now: str | None = None) -> SignOff:
    """Record that ``signed_by`` approved the minutes whose content hashes to ``sha256``."""
    if not signed_by.strip():
        raise InvalidRecord("Enter the name of the chair signing off the minutes.", ["signed_by"])
    from cpchair.services import audit

    row = _ensure(session, conference_id)
    row.signed_by = signed_by.strip()
    row.signed_at = now or dates.utc_timestamp()
    row.signed_sha256 = sha256
    audit.record_event(session, "change", conference_id=conference_id, detail={"part": "sign_off"})
    session.flush()
    return SignOff(row.signed_by, row.signed_at, sha256)


def withdraw_sign_off(session: Session, conference_id: str) -> None:
    from cpchair.services import audit

    row = _row(session, conference_id)
    if row is not None and row.signed_by:
        row.signed_by = row.signed_at = row.signed_sha256 = None
        audit.record_event(session, "change", conference_id=conference_id, detail={"part": "sign_off_withdrawn"})
        session.flush()


def record_distribution(
    session: Session, conference_id: str, recipient: str, version: str, method: str, sent_on: date
) -> Distribution:
    """Record one copy sent. The version must be one this conference has (see ``minutes_versions``)."""
    from cpchair.services import conferences

    detail = conferences.get(session, conference_id)
    problems = []
    if not recipient.strip():
        problems.append("Enter who the copy was sent to.")
    if method not in METHODS:
        problems.append(f"Choose how it was sent: {', '.join(METHODS.values()).lower()}.")
    from cpchair.services.minutes_versions import version_codes

    if version not in version_codes(detail.answers):
        problems.append(f"There is no version {version!r} of these minutes.")
    if problems:
        raise InvalidRecord(" ".join(problems), problems)
    row = MinutesDistribution(
        conference_id=conference_id,
        recipient=recipient.strip(),
        version=version,
        method=method,
        sent_on=sent_on,
        recorded_at=dates.utc_timestamp(),
    )
    session.add(row)
    from cpchair.services import audit

    detail = {"part": "distribution", "version": version, "method": method}
    audit.record_event(session, "change", conference_id=conference_id, detail=detail)
    session.flush()
    return Distribution(row.pk, row.recipient, row.version, row.method, row.sent_on)


def delete_distribution(session: Session, conference_id: str, pk: int) -> None:
    row = session.get(MinutesDistribution, pk)
    if row is not None and row.conference_id == conference_id:
        session.delete(row)
        session.flush()
