"""The chair's caseload: every child currently on a child protection plan from this chair's conferences.

Why it is computed and not stored: a child's position is simply what their latest completed conference
decided, so keeping a second copy would only let the two drift. For each child (by case reference) the
latest complete conference counts; the child is on a plan when its decision there is one of the
questionnaire's ``plan_decisions``. Drafts never count: an unfinished questionnaire is not a decision.

Flags are what a chair or manager reviews a caseload for: plans running 15, 18 and 24 months or more
(long plans are the service report's concern; counted from the real start of a plan taken over from
another authority) and reviews that should already have happened (the statutory date, or the service's
earlier local target). A plan that ended without a conference (the child turned 18, moved away, became
looked after, ...) takes the child off the caseload from that date.
``today`` is a parameter so tests, and a report "as at" a date, get the same answer every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.storage.models import Conference, ConferenceChild

#: Months on plan at which a child is flagged; the highest reached is the one shown.
PLAN_LENGTH_FLAGS = (15, 18, 24)
OVERDUE = "overdue"
PAST_LOCAL = "past_local_target"  # the service's own (earlier) review target has passed, the statutory not yet


@dataclass(frozen=True)
class CaseloadEntry:
    """One child on a plan, as the caseload page shows it."""

    case_ref: str
    child_name: str
    family_ref: str
    family_name: str
    category: str | None
    category_label: str
    plan_start: date | None  # the real start: in another authority for a plan taken over at a transfer-in
    months_on_plan: int | None
    next_review_due: date | None
    conference_id: str
    conference_date: date
    flags: tuple[str, ...]
    next_review_local_due: date | None = None
    started_elsewhere: bool = False  # the plan began in another authority (transfer-in)

    @property
    def plan_start_text(self) -> str:
        text = dates.format_uk(self.plan_start)
        return f"{text} (in another authority)" if self.started_elsewhere and text else text

    @property
    def review_overdue(self) -> bool:
        return OVERDUE in self.flags

    @property
    def flag_text(self) -> str:
        """The flags as words, so that nothing depends on colour alone."""
        return describe_flags(self.flags)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when end is before start+1 month).

    Counted with ``dates.add_months`` so that 31 January + 1 month (28/29 February) counts as one month.
    """
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and dates.add_months(start, months) > end:
        months -= 1
    return months


def plan_flags(
    months: int | None, next_review_due: date | None, today: date, local_due: date | None = None
) -> tuple[str, ...]:
    """``("24",)``-style plan-length flag (the highest threshold reached), ``"overdue"`` when the statutory
    review date passed before today, else ``"past_local_target"`` when the service's earlier target did."""
    flags: list[str] = []
    if months is not None:
        reached = [m for m in PLAN_LENGTH_FLAGS if months >= m]
        if reached:
            flags.append(str(reached[-1]))
    if next_review_due is not None and next_review_due < today:
        flags.append(OVERDUE)
    elif local_due is not None and local_due < today:
        flags.append(PAST_LOCAL)
    return tuple(flags)


def describe_flags(flags: tuple[str, ...]) -> str:
    words = []
    for f in flags:
        if f == OVERDUE:
            words.append("Review overdue")
        elif f == PAST_LOCAL:
            words.append("Past the local review target")
        else:
            words.append(f"On plan {f}+ months")
    return "; ".join(words)


def _child_key(case_ref: str, family_ref: str, child_name: str, conference_id: str, position: int) -> str:
    """A child is followed by case reference; without one, by family and name; failing that, only within
    its own conference (nothing else can safely say two rows are the same child)."""
    if case_ref:
        return "ref:" + case_ref.casefold()
    if child_name:
        return f"name:{family_ref.casefold()}|{child_name.casefold()}"
    return f"row:{conference_id}#{position}"


def caseload(session: Session, today: date) -> list[CaseloadEntry]:
    """Children on a plan as at ``today``, the longest-running plans first."""
    q = load()
    plan_decisions = set(q.group("plan_decisions"))
    stmt = (
        select(
            ConferenceChild.case_ref,
            ConferenceChild.child_name,
            ConferenceChild.decision,
            ConferenceChild.category,
            ConferenceChild.plan_start_date,
            ConferenceChild.original_plan_start_date,
            ConferenceChild.plan_end_reason,
            ConferenceChild.plan_end_date,
            ConferenceChild.position,
            Conference.id,
            Conference.family_ref,
            Conference.family_name,
            Conference.conference_date,
            Conference.next_review_due,
            Conference.next_review_local_due,
            Conference.updated_at,
        )
        .join(Conference, Conference.id == ConferenceChild.conference_id)
        .where(
            Conference.status == "complete",
            Conference.deleted_at.is_(None),
            Conference.conference_date.is_not(None),
            Conference.conference_date <= today,
        )
    )
    latest: dict[str, tuple] = {}
    for row in session.execute(stmt):
        key = _child_key(row.case_ref, row.family_ref, row.child_name, row.id, row.position)
        rank = (row.conference_date, row.updated_at, row.id)
        held = latest.get(key)
        if held is None or rank > held[0]:
            latest[key] = (rank, row)

    entries = []
    for _rank, row in latest.values():
        if row.decision not in plan_decisions:
            continue
        if row.plan_end_reason and (row.plan_end_date is None or row.plan_end_date <= today):
            continue  # the plan ended without a conference: the child has left the caseload
        start = row.original_plan_start_date or row.plan_start_date
        if start is None and row.decision == "plan_started":
            start = row.conference_date
        months = months_between(start, today) if start else None
        entries.append(
            CaseloadEntry(
                case_ref=row.case_ref,
                child_name=row.child_name,
                family_ref=row.family_ref,
                family_name=row.family_name,
                category=row.category,
                category_label=q.label("category", row.category),
                plan_start=start,
                months_on_plan=months,
                next_review_due=row.next_review_due,
                conference_id=row.id,
                conference_date=row.conference_date,
                flags=plan_flags(months, row.next_review_due, today, row.next_review_local_due),
                next_review_local_due=row.next_review_local_due,
                started_elsewhere=row.original_plan_start_date is not None,
            )
        )
    entries.sort(key=lambda e: (-(e.months_on_plan or 0), e.family_ref, e.case_ref, e.child_name))
    return entries


@dataclass(frozen=True)
class EndedPlan:
    """A plan that ended without a conference, as the caseload page lists it under the children on plans."""

    case_ref: str
    child_name: str
    family_ref: str
    reason_label: str
    ended_on: date | None
    conference_id: str


def ended_without_conference(session: Session, today: date, since: date | None = None) -> list[EndedPlan]:
    """Plans that ended without a conference on or before ``today`` (and on or after ``since``), newest first:
    only where that conference is still the child's latest, so a later conference supersedes the ending."""
    q = load()
    stmt = (
        select(
            ConferenceChild.case_ref,
            ConferenceChild.child_name,
            ConferenceChild.plan_end_reason,
            ConferenceChild.plan_end_date,
            ConferenceChild.position,
            Conference.id,
            Conference.family_ref,
            Conference.conference_date,
            Conference.updated_at,
        )
        .join(Conference, Conference.id == ConferenceChild.conference_id)
        .where(Conference.status == "complete", Conference.deleted_at.is_(None), Conference.conference_date <= today)
    )
    latest: dict[str, tuple] = {}
    for row in session.execute(stmt):
        key = _child_key(row.case_ref, row.family_ref, row.child_name, row.id, row.position)
        rank = (row.conference_date, row.updated_at, row.id)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, row)
    out = [
        EndedPlan(
            row.case_ref,
            row.child_name,
            row.family_ref,
            q.label("plan_end_without_conference", row.plan_end_reason),
            row.plan_end_date,
            row.id,
        )
        for _rank, row in latest.values()
        if row.plan_end_reason
        and (row.plan_end_date is None or row.plan_end_date <= today)
        and (since is None or (row.plan_end_date or today) >= since)
    ]
    out.sort(key=lambda e: e.ended_on or date.min, reverse=True)
    return out


def latest_conference_dates(
    session: Session, family_refs: list[str] | set[str], after: date | None = None
) -> dict[str, date]:
    """The date of each family's latest complete conference, for the list's "next review" column: a review
    date set by a conference that a later one has replaced is no longer due.

    With ``after``, only conferences after that date are considered (families with none are left out); the
    list passes its page's earliest date, which lets SQLite walk the date index instead of every row.
    """
    refs = sorted({r for r in family_refs if r})
    if not refs:
        return {}
    conditions = [
        Conference.family_ref.in_(refs),
        Conference.status == "complete",  # deletion markers are drafts with no family_ref: never matched
    ]
    if after is not None:
        conditions.append(Conference.conference_date > after)
    stmt = (
        select(Conference.family_ref, func.max(Conference.conference_date))
        .where(*conditions)
        .group_by(Conference.family_ref)
    )
    return {ref: day for ref, day in session.execute(stmt) if day is not None}
