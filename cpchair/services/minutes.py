"""The conference minutes: the chair's own text joined with what the questionnaire already knows.

Why a plain ``MinutesDocument``: attendance, agencies, decisions, categories and dates are answered once, in
the QA form, and the minutes read them from there ("never typed twice"). This module joins the answers, the
minutes' own text (``Conference.minutes``, a JSON dict) and the service's settings into one frozen dataclass.
The PDF renderer, the preview and the tests all read that dataclass only, so none of them re-derives a rule.

The minutes are the case record, so they carry names; the PDF's metadata and the suggested file name do not
(see ``pdf_title`` and ``suggested_filename``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cpchair import settings
from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.errors import InvalidRecord
from cpchair.services import conferences
from cpchair.services.minutes_record import (
    ATTENDANCE,
    CSC,
    CSC_LABEL,
    METHODS,
    PRESENT,
    S47_OUTCOMES,
    LocalRecord,
)

# The minutes' own free-text fields, in the order the form and the PDF show them: (key, label, multiline).
TEXT_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("time", "Time", False),
    ("venue", "Venue", False),
    ("chair", "Chair", False),
    ("minute_taker", "Minute-taker", False),
    ("household", "Household and family network", True),
    ("others_present", "Others present (interpreter, advocate, supporter)", True),
    ("purpose", "Purpose of the conference and reason for it", True),
    ("sw_report", "Social work report", True),
    ("parents_views", "Parents' views", True),
    ("childs_views", "The child's views", True),
    ("worries", "What are we worried about?", True),
    ("working_well", "What is working well?", True),
    ("needs_to_happen", "What needs to happen?", True),
    ("decision_reasons", "Reasons for the decision", True),
    ("lead_practitioner", "Lead social worker / lead practitioner", False),
    ("dissent_detail", "Dissent recorded", True),
    ("contingency", "Contingency plan", True),
    ("core_group_members", "Core group members", True),
    ("distribution", "Distribution list", True),
)
LABELS = {key: label for key, label, _ in TEXT_FIELDS} | {
    "agency_contributions": "Agency contributions",
    "scaling": "Scaling",
    "plan": "Outline plan",
    "first_core_group": "First core group",
    "virtual": "Held virtually",
}
PLAN_KEYS = ("outcome", "action", "who", "by_when")
PLAN_LABELS = {"outcome": "Outcome", "action": "Action", "who": "Who", "by_when": "By when"}


def blank_minutes() -> dict[str, Any]:
    """Minutes with every key present and nothing written."""
    m: dict[str, Any] = {key: "" for key, _, _ in TEXT_FIELDS}
    m.update(virtual=False, agency_contributions={}, scaling=[], plan=[], first_core_group=None)
    return m


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def normalise(minutes: dict[str, Any] | None) -> dict[str, Any]:
    """A complete minutes dict from a stored or edited one: unknown keys kept, missing keys filled, types checked.

    Raises InvalidRecord listing what a chair must fix (a score outside 0-10, a date that is not a date)."""
    out = blank_minutes()
    problems: list[str] = []
    src = copy.deepcopy(minutes or {})
    for key, value in src.items():
        out[key] = value
    for key, _, _ in TEXT_FIELDS:
        out[key] = _text(out.get(key))
    out["virtual"] = bool(out.get("virtual"))
    contributions = out.get("agency_contributions") or {}
    out["agency_contributions"] = {str(k): _text(v) for k, v in dict(contributions).items()}
    scaling = []
    for row in out.get("scaling") or []:
        who, score = _text(row.get("who")).strip(), row.get("score")
        if not who and score in (None, ""):
            continue
        if score in (None, ""):
            score = None
        else:
            try:
                score = int(score)
            except (TypeError, ValueError):
                score = -1
            if not 0 <= score <= 10:
                problems.append(f"Scaling for {who or 'a participant'}: the score must be a whole number from 0 to 10.")
        scaling.append({"who": who, "score": score})
    out["scaling"] = scaling
    plan = []
    for row in out.get("plan") or []:
        clean = {k: _text(row.get(k)) for k in PLAN_KEYS}
        if any(v.strip() for v in clean.values()):
            plan.append(clean)
    out["plan"] = plan
    first = out.get("first_core_group")
    if first in ("", None):
        out["first_core_group"] = None
    else:
        try:
            dates.parse_iso(str(first))
        except ValueError:
            problems.append("The first core group date is not a date: enter it as dd/mm/yyyy.")
    if problems:
        raise InvalidRecord(" ".join(problems), problems)
    return out


def save(session: Session, conference_id: str, minutes: dict[str, Any]) -> dict[str, Any]:
    """Check and store the minutes' own text; returns what was stored."""
    clean = normalise(minutes)
    conferences.save_minutes(session, conference_id, clean)
    return clean


# --------------------------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChildLine:
    name: str
    age: str
    decision: str
    category: str
    plan_start: date | None
    plan_sequence: str
    participation: str
    on_plan: bool
    born: str = ""  # "04/05/2019", or "Expected 01/04/2026" for an unborn baby (local facts)
    decision_code: str = ""
    case_ref: str = ""
    unborn: bool = False
    age_years: int | None = None


@dataclass(frozen=True)
class AdultLine:
    name: str
    relationship: str
    attendance: str
    not_invited_reason: str


@dataclass(frozen=True)
class AgencyLine:
    code: str
    agency: str
    invited: bool
    attendance: str
    report: str


@dataclass(frozen=True)
class AttendeeLine:
    """A professional present (or sending apologies), recorded by name in the minutes (local only)."""

    name: str
    role: str
    agency: str
    attendance: str


@dataclass(frozen=True)
class PartLine:
    """A part of a split conference: who attended it and what was said there."""

    title: str
    attended: str
    text: str


@dataclass(frozen=True)
class SentLine:
    """One copy sent, as the distribution record prints it."""

    recipient: str
    version: str
    method: str
    sent_on: date


@dataclass(frozen=True)
class Contribution:
    heading: str
    text: str


@dataclass(frozen=True)
class ScaleLine:
    who: str
    score: int | None


@dataclass(frozen=True)
class PlanLine:
    outcome: str
    action: str
    who: str
    by_when: str


@dataclass(frozen=True)
class MinutesDocument:
    """Everything the minutes print, already in words a reader understands (labels, not codes)."""

    conference_id: str
    service_name: str
    logo_path: str
    conference_type: str
    type_label: str
    conference_date: date | None
    time: str
    venue: str
    virtual: bool
    chair: str
    minute_taker: str
    family_name: str
    family_ref: str
    children: tuple[ChildLine, ...]
    household: str
    adults: tuple[AdultLine, ...]
    agencies: tuple[AgencyLine, ...]
    others_present: str
    interpreter: str
    quorate: bool
    sw_report_to_chair: str
    sw_report_shared: str
    issues: tuple[str, ...]
    purpose: str
    sw_report: str
    contributions: tuple[Contribution, ...]
    parents_views: str
    childs_views: str
    worries: str
    working_well: str
    needs_to_happen: str
    scaling: tuple[ScaleLine, ...]
    decision_reasons: str
    lead_practitioner: str
    dissent: str
    dissent_detail: str
    plan: tuple[PlanLine, ...]
    contingency: str
    core_group_members: str
    first_core_group: date | None
    review_due: date | None
    distribution: str
    # The minutes' local record (services.minutes_record): who was there, local facts, sign-off, distribution.
    version: str = "full"
    version_for: str = "Professionals (full version)"
    notice: str = ""  # what this copy is and what it leaves out, for a family member's version
    draft: bool = True
    signed_by: str = ""
    signed_at: str = ""
    address: str = ""
    social_worker: str = ""
    team_manager: str = ""
    attendees: tuple[AttendeeLine, ...] = ()
    quorum_note: str = ""
    strategy_date: date | None = None
    s47_outcome: str = ""
    timescale: str = ""
    review_booked: date | None = None
    review_time: str = ""
    review_venue: str = ""
    sent: tuple[SentLine, ...] = ()
    split_parts: tuple[PartLine, ...] = ()
    # Not printed: a fingerprint (never the text) of the restrictions and parts, so changing them needs a new sign-off.
    restrictions_key: str = ""

    @property
    def any_plan(self) -> bool:
        """Whether any child is (still) on a child protection plan after this conference."""
        return any(c.on_plan for c in self.children)

    @property
    def apologies(self) -> tuple[str, ...]:
        """Professionals and agencies that sent apologies and adults invited who did not attend, as the minutes
        list them."""
        q = load()
        sent = [p for p in self.attendees if p.attendance == ATTENDANCE["apologies"]]
        people = [f"{p.name} ({', '.join(dict.fromkeys(x for x in (p.role, p.agency) if x))})" for p in sent]
        named = {p.agency for p in sent}  # an agency whose professional is named above is not listed again
        agencies = [
            a.agency
            for a in self.agencies
            if a.attendance == q.label("agency_attendance", "apologies") and a.agency not in named
        ]
        adults = [
            f"{a.name or a.relationship} ({a.relationship})"
            for a in self.adults
            if a.attendance == q.label("adult_attendance", "did_not_attend")
        ]
        return tuple(people + agencies + adults)

    @property
    def pdf_title(self) -> str:
        """Document title for PDF metadata: the date only, never a name."""
        return f"Conference minutes {dates.format_uk(self.conference_date)}".strip()

    @property
    def suggested_filename(self) -> str:
        """A file name that identifies the minutes without naming anyone."""
        when = self.conference_date.isoformat() if self.conference_date else "undated"
        suffix = "" if self.version == "full" else f"-{self.version}"
        return f"minutes-{when}-{self.conference_id[:8]}{suffix}.pdf"

    def labelled_text(self) -> list[tuple[str, str]]:
        """Every piece of free text with the label a chair knows it by (for checks that must name a field)."""
        out = [(label, getattr(self, key)) for key, label, _ in TEXT_FIELDS if key not in ("time", "chair")]
        out += [("Time", self.time), ("Chair", self.chair), ("Service name", self.service_name)]
        out += [("Family name", self.family_name), ("Family reference", self.family_ref)]
        out += [(f"{c.heading} contribution", c.text) for c in self.contributions]
        out += [(f"Name of child {i}", c.name) for i, c in enumerate(self.children, 1)]
        out += [(f"Name of adult {i}", a.name) for i, a in enumerate(self.adults, 1)]
        out += [(f"Scaling row {i}", s.who) for i, s in enumerate(self.scaling, 1)]
        out += [("Address", self.address), ("Social worker", self.social_worker), ("Team manager", self.team_manager)]
        out += [("Booked review time", self.review_time), ("Booked review venue", self.review_venue)]
        for i, p in enumerate(self.attendees, 1):
            out += [(f"Professional {i} (name)", p.name), (f"Professional {i} (role)", p.role)]
        out += [(f"Distribution row {i}", d.recipient) for i, d in enumerate(self.sent, 1)]
        out += [(f"{p.title} (notes)", p.text) for p in self.split_parts]
        for i, p in enumerate(self.plan, 1):
            out += [(f"Plan row {i} ({PLAN_LABELS[k].lower()})", getattr(p, k)) for k in PLAN_KEYS]
        return out


def _age(child: dict[str, Any]) -> str:
    if child.get("unborn"):
        return "Unborn"
    age = child.get("age_years")
    return "" if age is None else str(age)


def _decision_label(code: str | None) -> str:
    """The label of a decision from whichever list holds it (a draft may mix them up; show it anyway)."""
    codes = load().codes
    return codes["decision_initial"].get(code or "") or codes["decision_review"].get(code or "") or (code or "")


def build_document(
    conference_id: str,
    answers: dict[str, Any],
    minutes: dict[str, Any] | None,
    *,
    service_name: str,
    logo_path: str = "",
    chair_name: str = "",
    review_interval_months: int = dates.DEFAULT_REVIEW_INTERVAL_MONTHS,
    local: LocalRecord | None = None,
) -> MinutesDocument:
    """Join answers, minutes, settings and the local record. Pure: the same inputs give an equal document.

    This is the professionals' full version; ``minutes_versions.for_version`` derives every other copy from it."""
    q = load()
    m = normalise(minutes)
    conf_type = answers.get("conference_type") or ""
    conf_date = dates.parse_iso(answers.get("conference_date"))
    plan_codes = set(q.group("plan_decisions"))

    facts = (local.data if local else {}).get("facts") or {}
    child_facts = list(facts.get("children") or [])
    children = []
    for i, c in enumerate(answers.get("children") or [], 1):
        extra = child_facts[i - 1] if i <= len(child_facts) else {}
        name = (c.get("name") or "").strip() or ("Unborn baby" if c.get("unborn") else f"Child {i}")
        decision = c.get("decision")
        children.append(
            ChildLine(
                name=name,
                age=_age(c),
                decision=_decision_label(decision),
                category=q.label("category", c.get("category")),
                plan_start=dates.parse_iso(c.get("plan_start_date")),
                plan_sequence=q.label("plan_sequence", c.get("plan_sequence")),
                participation=q.label("participation", c.get("participation")),
                on_plan=decision in plan_codes,
                born=_born(c, extra),
                decision_code=decision or "",
                case_ref=(c.get("case_ref") or "").strip(),
                unborn=bool(c.get("unborn")),
                age_years=c.get("age_years"),
            )
        )
    adults = tuple(
        AdultLine(
            name=(a.get("name") or "").strip(),
            relationship=q.label("relationship", a.get("relationship")),
            attendance=q.label("adult_attendance", a.get("attendance")),
            not_invited_reason=q.label("not_invited_reason", a.get("not_invited_reason")),
        )
        for a in answers.get("adults") or []
    )
    agencies = tuple(
        AgencyLine(
            code=a.get("agency") or "",
            agency=q.label("agency", a.get("agency")),
            invited=bool(a.get("invited")),
            attendance=q.label("agency_attendance", a.get("attendance")) if a.get("invited") else "Not invited",
            report=q.label("agency_report", a.get("report")) if a.get("invited") else "",
        )
        for a in answers.get("agencies") or []
    )
    # Each agency's contribution under its own heading, in the order the agencies were recorded; any text
    # for an agency no longer on the form is still printed (never silently dropped).
    texts = m["agency_contributions"]
    order = [a.code for a in agencies] + sorted(k for k in texts if k not in {a.code for a in agencies})
    contributions = tuple(
        Contribution(heading=q.label("agency", code), text=texts[code]) for code in order if texts.get(code, "").strip()
    )
    quality = answers.get("quality") or {}
    attendees = tuple(
        AttendeeLine(
            name=p["name"],
            role=p["role"],
            agency=CSC_LABEL if p["agency"] == CSC else (q.label("agency", p["agency"]) if p["agency"] else ""),
            attendance=ATTENDANCE.get(p["attendance"], ""),
        )
        for p in (local.data.get("attendees") if local else None) or []
    )
    quorate, quorum_note = quorum(answers, (local.data.get("attendees") if local else None) or [])
    sign = local.sign_off if local else None
    doc = MinutesDocument(
        conference_id=conference_id,
        service_name=service_name,
        logo_path=logo_path,
        conference_type=conf_type,
        type_label=q.label("conference_type", conf_type) if conf_type else "Conference",
        conference_date=conf_date,
        time=m["time"].strip(),
        venue=m["venue"].strip(),
        virtual=m["virtual"],
        chair=m["chair"].strip() or chair_name.strip(),
        minute_taker=m["minute_taker"].strip(),
        family_name=(answers.get("family_name") or "").strip(),
        family_ref=(answers.get("family_ref") or "").strip(),
        children=tuple(children),
        household=m["household"],
        adults=adults,
        agencies=agencies,
        others_present=m["others_present"],
        interpreter=q.label("interpreter", quality.get("interpreter")),
        quorate=quorate,
        quorum_note=quorum_note,
        sw_report_to_chair=q.label("sw_report_to_chair", quality.get("sw_report_to_chair")),
        sw_report_shared=q.label("sw_report_shared_with_parents", quality.get("sw_report_shared_with_parents")),
        issues=tuple(q.label("issue", code) for code in answers.get("issues") or []),
        purpose=m["purpose"],
        sw_report=m["sw_report"],
        contributions=contributions,
        parents_views=m["parents_views"],
        childs_views=m["childs_views"],
        worries=m["worries"],
        working_well=m["working_well"],
        needs_to_happen=m["needs_to_happen"],
        scaling=tuple(ScaleLine(s["who"], s["score"]) for s in m["scaling"]),
        decision_reasons=m["decision_reasons"],
        lead_practitioner=m["lead_practitioner"].strip(),
        dissent=q.label("dissent", quality.get("dissent")),
        dissent_detail=m["dissent_detail"],
        plan=tuple(PlanLine(**p) for p in m["plan"]),
        contingency=m["contingency"],
        core_group_members=m["core_group_members"],
        first_core_group=dates.parse_iso(m["first_core_group"]),
        review_due=conferences.review_due(answers, review_interval_months),
        distribution=m["distribution"],
        signed_by=sign.signed_by if sign else "",
        signed_at=sign.signed_at if sign else "",
        address=facts.get("address") or "",
        social_worker=facts.get("social_worker") or "",
        team_manager=facts.get("team_manager") or "",
        attendees=attendees,
        strategy_date=dates.parse_iso(answers.get("strategy_discussion_date")),
        s47_outcome=S47_OUTCOMES.get(facts.get("s47_outcome") or "", ""),
        timescale=timescale(answers),
        review_booked=dates.parse_iso(facts.get("review_date") or None),
        review_time=facts.get("review_time") or "",
        review_venue=facts.get("review_venue") or "",
        sent=tuple(
            SentLine(d.recipient, d.version, METHODS.get(d.method, d.method), d.sent_on)
            for d in (local.distribution if local else ())
        ),
        split_parts=tuple(
            PartLine(
                title=part["title"],
                attended=", ".join(part["names"].get(w, w) for w in part["attended"]) or "Professionals only",
                text=part.get("text") or "",
            )
            for part in (local.data.get("split") if local else None) or []
        ),
        restrictions_key=hashlib.sha256(
            json.dumps(
                {k: (local.data.get(k) if local else None) or [] for k in ("restrictions", "split")}, sort_keys=True
            ).encode()
        ).hexdigest(),
    )
    return replace(doc, draft=not (sign and sign.sha256 == content_sha256(doc)))


# Fields that may change after sign-off without changing what was approved.
_NOT_SIGNED = (
    "draft",
    "signed_by",
    "signed_at",
    "sent",
    "logo_path",
    "service_name",
    "version",
    "version_for",
    "notice",
)


def content_sha256(doc: MinutesDocument) -> str:
    """A fingerprint of what the chair approves when signing off: any later change to the minutes' text, the
    questionnaire's facts or the restrictions' effect makes the minutes a draft again."""
    data = {k: v for k, v in asdict(doc).items() if k not in _NOT_SIGNED}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _born(child: dict[str, Any], extra: dict[str, Any]) -> str:
    """The date of birth, or the expected date of delivery for an unborn baby, as the minutes print it."""
    dob, edd = dates.parse_iso(extra.get("dob") or None), dates.parse_iso(extra.get("edd") or None)
    if child.get("unborn"):
        return f"Expected {dates.format_uk(edd)}" if edd else ""
    return dates.format_uk(dob) if dob else ""


def quorum_from_attendance(attendees: list[dict[str, Any]]) -> bool | None:
    """Working Together's quorum: Children's Social Care and at least two other agencies present (in person or
    virtually). None when no professional is recorded, so the questionnaire's answer stands."""
    present = {p.get("agency") or p.get("name") for p in attendees if p.get("attendance") in PRESENT}
    if not attendees:
        return None
    return CSC in present and len(present - {CSC}) >= 2


def quorum(answers: dict[str, Any], attendees: list[dict[str, Any]]) -> tuple[bool, str]:
    """Whether the conference was quorate, and how that is known. The one place to switch when the
    questionnaire computes quorum itself (questionnaire v2): prefer its answer there."""
    computed = quorum_from_attendance(attendees)
    if computed is None:
        return bool(answers.get("quorate", True)), "as recorded in the questionnaire"
    present = sorted({p.get("agency") for p in attendees if p.get("attendance") in PRESENT and p.get("agency")})
    others = len([a for a in present if a != CSC])
    csc = "Children's Social Care and " if CSC in present else "no one from Children's Social Care; "
    return computed, f"from the professionals present: {csc}{others} other agenc{'y' if others == 1 else 'ies'}"


def timescale(answers: dict[str, Any]) -> str:
    """Whether an initial conference was held within 15 working days of the strategy discussion, in words
    ("" for conferences without that timescale)."""
    q = load()
    if answers.get("conference_type") not in q.group("timed_types"):
        return ""
    strategy = dates.parse_iso(answers.get("strategy_discussion_date"))
    held = dates.parse_iso(answers.get("conference_date"))
    if strategy is None or held is None:
        return "Not known: the strategy discussion date is not recorded."
    days = dates.working_days_between(strategy, held)
    if days <= dates.ICPC_WORKING_DAYS:
        return f"Yes: {days} working days after the strategy discussion (within {dates.ICPC_WORKING_DAYS})."
    reason = q.label("delay_reason", answers.get("delay_reason")) if answers.get("delay_reason") else "not recorded"
    return f"No: {days} working days after the strategy discussion. Reason for the delay: {reason}."


def document_for(session: Session, conference_id: str) -> MinutesDocument:
    """The professionals' full minutes of a stored conference (NotFound if there is none). Other copies:
    ``minutes_versions.document_for``."""
    from cpchair.services import minutes_record

    detail = conferences.get(session, conference_id)
    return build_document(
        detail.id,
        detail.answers,
        detail.minutes,
        service_name=settings.get(session, "service_name"),
        logo_path=settings.get(session, "logo_path"),
        chair_name=settings.get(session, "chair_name"),
        review_interval_months=settings.get(session, "review_interval_months"),
        local=minutes_record.get(session, conference_id),
    )


def resolve_id(session: Session, text: str) -> str:
    """A conference id from a full id or an unambiguous prefix of at least 8 characters (as the CLI prints)."""
    from sqlalchemy import select

    from cpchair.errors import NotFound
    from cpchair.storage.models import Conference

    text = text.strip()
    if len(text) < 8:
        raise NotFound(f"'{text}' is too short: give the conference id (at least its first 8 characters).")
    ids = session.scalars(
        select(Conference.id).where(Conference.id.startswith(text, autoescape=True), Conference.deleted_at.is_(None))
    ).all()
    if not ids:
        raise NotFound(f"No conference with id {text}. `cpchair list` shows the ids.")
    if len(ids) > 1:
        raise NotFound(f"More than one conference id starts with {text}: give more of the id.")
    return ids[0]
