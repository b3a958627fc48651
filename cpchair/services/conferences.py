"""Create, save, complete, list and delete a chair's conferences.

``answers`` is the questionnaire (version 2, docs/questionnaire-v2.md) plus the local-only keys of the
definition (family reference and name, each child's case reference and name, each adult's name, notes).
Blank records and defaults come from the definition. Every save runs the rules (what does not apply is
blanked, derived answers worked out), increments ``revision`` (spec §4), refreshes the columns the list
and caseload read, and keeps the record complete only while it is valid.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from cpchair import settings
from cpchair.domain import dates, rules
from cpchair.domain.local_rules import completion_problems
from cpchair.domain.questionnaire import load
from cpchair.domain.validation import Problem
from cpchair.errors import InvalidRecord, NotFound
from cpchair.services import audit
from cpchair.storage.models import Conference, ConferenceChild

DRAFT = "draft"
COMPLETE = "complete"


@dataclass(frozen=True)
class ConferenceSummary:
    """One row of the conference list."""

    id: str
    conference_type: str | None
    conference_date: date | None
    family_ref: str
    family_name: str
    status: str
    next_review_due: date | None
    updated_at: str


@dataclass(frozen=True)
class ConferenceDetail:
    id: str
    revision: int
    status: str
    answers: dict[str, Any]
    minutes: dict[str, Any] | None
    created_at: str
    updated_at: str


def blank_child() -> dict[str, Any]:
    """A new child, as the definition's defaults make it."""
    return load().blank_entry("children")


def blank_adult() -> dict[str, Any]:
    return load().blank_entry("adults")


def blank_agency(agency: str | None = None) -> dict[str, Any]:
    return load().blank_entry("agencies", agency=agency)


def blank_escalation() -> dict[str, Any]:
    return load().blank_entry("escalations")


def blank_answers(conference_type: str | None = None) -> dict[str, Any]:
    """A new questionnaire: every key present, nothing answered but the definition's defaults."""
    return load().blank(conference_type)


def _plan_children(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Children on a plan after this conference whose plan did not end later without a conference."""
    plan = load().group("plan_decisions")
    return [c for c in answers.get("children") or [] if c.get("decision") in plan and not c.get("plan_end_reason")]


def next_review(
    answers: dict[str, Any], interval_months: int = dates.DEFAULT_REVIEW_INTERVAL_MONTHS
) -> tuple[date | None, date | None]:
    """(statutory, local target) dates the next review conference is due by; (None, None) when no child
    stays on a plan.

    After an initial, pre-birth or transfer-in conference that starts a plan: 3 months (both). After a
    review where a plan continues: 6 months, and the service's local interval as a second, earlier target.
    An adjourned conference is due again on the date it reconvenes.
    """
    conf = dates.parse_iso(answers.get("conference_date") or None)
    if conf is None:
        return None, None
    if answers.get("adjourned") is True:
        again = dates.parse_iso(answers.get("reconvene_date") or None)
        return again, again
    on_plan = _plan_children(answers)
    if not on_plan:
        return None, None
    if answers.get("conference_type") == "review":
        statutory, local = rules.review_months(2, interval_months)
    else:
        statutory = local = dates.FIRST_REVIEW_MONTHS
    return dates.add_months(conf, statutory), dates.add_months(conf, local)


def review_due(answers: dict[str, Any], interval_months: int = dates.DEFAULT_REVIEW_INTERVAL_MONTHS) -> date | None:
    """The date the chair schedules the next review for: the local target (the statutory date when the
    service keeps the statutory 6 months)."""
    return next_review(answers, interval_months)[1]


def summary_columns(
    answers: dict[str, Any], interval_months: int = dates.DEFAULT_REVIEW_INTERVAL_MONTHS
) -> dict[str, Any]:
    """The ``conference`` columns derived from ``answers`` (what the list and caseload read).

    One definition serves the ORM save below and bulk writers (the demo data), so they cannot drift.
    """
    conf = answers.get("conference_date")
    statutory, local = next_review(answers, interval_months)
    return {
        "conference_type": answers.get("conference_type"),
        "conference_date": date.fromisoformat(conf) if conf else None,
        "family_ref": (answers.get("family_ref") or "").strip(),
        "family_name": (answers.get("family_name") or "").strip(),
        "next_review_due": statutory,
        "next_review_local_due": local,
    }


def recompute_review_targets(session: Session) -> int:
    """After the service's review interval changed: every conference's next review dates again (the open
    ones are what the caseload flags). A review already held keeps the due dates it was held against, and
    whether it was late, in its answers: lateness is never rewritten. Returns how many rows changed."""
    interval = settings.get(session, "review_interval_months")
    changed = 0
    rows = session.execute(
        select(Conference.id, Conference.answers, Conference.next_review_due, Conference.next_review_local_due).where(
            Conference.deleted_at.is_(None)
        )
    ).all()
    for cid, answers, due, local_due in rows:
        statutory, local = next_review(answers or {}, interval)
        if (statutory, local) != (due, local_due):
            session.execute(
                update(Conference)
                .where(Conference.id == cid)
                .values(next_review_due=statutory, next_review_local_due=local)
            )
            changed += 1
    session.flush()
    return changed


def child_columns(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``conference_child`` rows (without ``conference_id``) derived from ``answers``."""
    rows = []
    for i, child in enumerate(answers.get("children") or []):
        start = child.get("plan_start_date")
        rows.append(
            {
                "position": i,
                "case_ref": (child.get("case_ref") or "").strip(),
                "child_name": (child.get("name") or "").strip(),
                "decision": child.get("decision"),
                "category": child.get("category"),
                "plan_start_date": date.fromisoformat(start) if start else None,
                "original_plan_start_date": dates.parse_iso(child.get("original_plan_start_date") or None),
                "plan_end_reason": child.get("plan_end_reason"),
                "plan_end_date": dates.parse_iso(child.get("plan_end_date") or None),
            }
        )
    return rows


def prepare(session: Session, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as they are saved: the rules (``domain.rules.normalise``) blank what does not apply and
    work out what is derived (quorum, due dates), on every save, whoever calls."""
    return rules.normalise(answers, load(), local_interval_months=settings.get(session, "review_interval_months"))


def _apply(session: Session, row: Conference, answers: dict[str, Any]) -> None:
    row.answers = copy.deepcopy(answers)
    for column, value in summary_columns(answers, settings.get(session, "review_interval_months")).items():
        setattr(row, column, value)
    row.children.clear()
    session.flush()
    for values in child_columns(answers):
        row.children.append(ConferenceChild(**values))


def create(
    session: Session, answers: dict[str, Any] | None = None, *, now: str | None = None, conference_id: str | None = None
) -> str:
    """A new draft; returns its id (a UUID made now and never reused)."""
    stamp = now or dates.utc_timestamp()
    row = Conference(
        id=conference_id or str(uuid.uuid4()),
        revision=1,
        status=DRAFT,
        ever_completed=False,
        created_at=stamp,
        updated_at=stamp,
        answers={},
    )
    session.add(row)
    _apply(session, row, prepare(session, answers or blank_answers()))
    session.flush()
    audit.record_event(session, "create", conference_id=row.id, now=stamp)
    return row.id


def _row(session: Session, conference_id: str) -> Conference:
    row = session.get(Conference, conference_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"No conference with id {conference_id}.")
    return row


def get(session: Session, conference_id: str) -> ConferenceDetail:
    row = _row(session, conference_id)
    return ConferenceDetail(
        row.id,
        row.revision,
        row.status,
        copy.deepcopy(row.answers),
        copy.deepcopy(row.minutes),
        row.created_at,
        row.updated_at,
    )


def save(session: Session, conference_id: str, answers: dict[str, Any], *, now: str | None = None) -> ConferenceDetail:
    """Save answers (a draft may be incomplete). A complete record that becomes invalid returns to draft."""
    row = _row(session, conference_id)
    answers = prepare(session, answers)
    if row.answers == answers:
        return get(session, conference_id)
    _apply(session, row, answers)
    row.revision += 1
    row.updated_at = now or dates.utc_timestamp()
    if row.status == COMPLETE and completion_problems(answers):
        row.status = DRAFT
    session.flush()
    detail = {"revision": row.revision, "status": row.status}
    audit.record_event(session, "change", conference_id=row.id, detail=detail, now=row.updated_at, coalesce=True)
    return get(session, conference_id)


def complete(session: Session, conference_id: str, *, now: str | None = None) -> ConferenceDetail:
    """Mark complete; raises InvalidRecord listing every problem when the answers are not valid."""
    row = _row(session, conference_id)
    problems: list[Problem] = completion_problems(row.answers)
    if problems:
        raise InvalidRecord(
            f"{len(problems)} answer(s) need attention before this conference can be completed.", problems
        )
    if row.status != COMPLETE:
        row.status = COMPLETE
        row.ever_completed = True
        row.revision += 1
        row.updated_at = now or dates.utc_timestamp()
        session.flush()
        audit.record_event(session, "complete", conference_id=row.id, detail={"revision": row.revision}, now=now)
    return get(session, conference_id)


def save_minutes(session: Session, conference_id: str, minutes: dict[str, Any], *, now: str | None = None) -> None:
    """Minutes are local (never exported), so saving them does not change the QA record's revision."""
    row = _row(session, conference_id)
    if row.minutes == minutes:
        return
    row.minutes = copy.deepcopy(minutes)
    session.flush()
    audit.record_event(session, "change", conference_id=row.id, detail={"part": "minutes"}, now=now, coalesce=True)


def delete(session: Session, conference_id: str, *, now: str | None = None) -> None:
    """Delete a conference. One that was ever complete stays as a deletion marker (revision + 1) so the
    deletion reaches the coordinator; a draft that never left the laptop is removed outright."""
    row = _row(session, conference_id)
    audit.record_event(session, "delete", conference_id=row.id, detail={"was": row.status}, now=now)
    if row.ever_completed:
        row.deleted_at = now or dates.utc_timestamp()
        row.revision += 1
        row.status = DRAFT
        row.answers = {}
        row.minutes = None
        row.family_ref = row.family_name = ""
        row.children.clear()
    else:
        session.delete(row)
    session.flush()


def _summary_query(search: str | None):
    cols = (
        Conference.id,
        Conference.conference_type,
        Conference.conference_date,
        Conference.family_ref,
        Conference.family_name,
        Conference.status,
        Conference.next_review_due,
        Conference.updated_at,
    )
    stmt = select(*cols).where(Conference.deleted_at.is_(None))
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Conference.family_ref.ilike(like), Conference.family_name.ilike(like)))
    return stmt


SORT_COLUMNS = {
    "conference_date": Conference.conference_date,
    "conference_type": Conference.conference_type,
    "family_ref": Conference.family_ref,
    "family_name": Conference.family_name,
    "status": Conference.status,
    "next_review_due": Conference.next_review_due,
}


def count(session: Session, search: str | None = None) -> int:
    if not (search or "").strip():
        # Fast path for the list's start-up: ``deleted_at`` sits after the large JSON columns, so testing it
        # on every row reads the whole file (~0.1 s at 20,000 conferences). All rows are counted from an
        # index instead, less the deletion markers, which ``delete`` leaves as drafts (an indexed status).
        total = session.scalar(select(func.count()).select_from(Conference))
        markers = session.scalar(
            select(func.count()).where(Conference.status == DRAFT, Conference.deleted_at.is_not(None))
        )
        return total - markers
    return session.scalar(select(func.count()).select_from(_summary_query(search).subquery()))


def list_summaries(
    session: Session,
    search: str | None = None,
    *,
    sort: str = "conference_date",
    descending: bool = True,
    offset: int = 0,
    limit: int | None = None,
) -> list[ConferenceSummary]:
    """Rows for the list, sorted in SQL; ``offset``/``limit`` let a view fetch a page at a time."""
    col = SORT_COLUMNS[sort]
    order = [col.desc() if descending else col.asc(), Conference.id]
    stmt = _summary_query(search).order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [ConferenceSummary(*r) for r in session.execute(stmt)]
