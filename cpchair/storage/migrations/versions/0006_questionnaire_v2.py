"""Carry every conference to questionnaire version 2.

Each conference's answers keep every version 1 answer exactly as it was (the typed quorum too) and gain
the version 2 questions, blank, with ``carried_from_version = 1``: the record says those questions were
never asked, so the rules do not require them and the statistics can say how many records could be
counted. The one version 2 answer that version 1 already held is filled in: the category a plan started
with, for a plan started at that conference. The revision goes up by one, so that the coordinator takes the
version 2 record in place of the version 1 one it holds (the same revision with different content would be
a conflict).

Columns: ``conference.next_review_local_due`` (the service's local target; until now ``next_review_due``
held it, and from now on holds the statutory date) and, on ``conference_child``, the real start of a plan
taken over from another authority and a plan ended without a conference.

The version 2 keys are written out here, not read from the definition, so that this migration does what it
did on the day it was written whatever the definition becomes.

Revision ID: 0006
Revises: 0004 (written against 0002; chained after the audit migration 0004 of main)
"""

from __future__ import annotations

import calendar
import copy
import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

TOP = {
    "carried_from_version": 1,
    "expected_delivery_date": None,
    "weeks_before_edd": None,
    "transfer_notified_date": None,
    "review_number": None,
    "previous_conference_date": None,
    "review_due_date": None,
    "review_within_timescale": None,
    "review_local_due_date": None,
    "review_within_local_target": None,
    "adjourned": False,
    "adjournment_reason": None,
    "reconvene_date": None,
    "social_worker_attendance": None,
    "team_manager_attendance": None,
    "not_quorate_reason": None,
    "lead_practitioner_role": None,
    "lead_practitioner_agency": None,
    "parent_advocacy": None,
    "chair_met_parents": None,
    "reports_shared_with_family": None,
    "family_network_meeting": None,
    "dissent_agencies": [],
}
CHILD = {
    "category_components": [],
    "category_at_plan_start": None,
    "category_changed_from": None,
    "original_plan_start_date": None,
    "child_seen": None,
    "views_route": None,
    "plan_end_reason": None,
    "plan_end_date": None,
}
ADULT = {
    "parental_responsibility": None,
    "lives_in_household": None,
    "exclusion_reason": None,
    "not_relevant_rationale": "",
}
ESCALATION = {"directed_at": None, "from_dissent": False, "resolved_on": None, "outcome": None}
REPEATS = {"children": CHILD, "adults": ADULT, "escalations": ESCALATION}


def carry(answers: dict) -> dict:
    """Version 1 answers -> version 2: every old answer kept, every new key added (an existing key is never
    overwritten, so running it twice changes nothing)."""
    out = copy.deepcopy(answers)
    for key, blank in TOP.items():
        out.setdefault(key, copy.deepcopy(blank))
    if out.get("quorate") is None:
        out["quorate"] = False
    for repeat, blanks in REPEATS.items():
        for entry in out.get(repeat) or []:
            if isinstance(entry, dict):
                for key, blank in blanks.items():
                    entry.setdefault(key, copy.deepcopy(blank))
    for child in out.get("children") or []:
        if (
            isinstance(child, dict)
            and child.get("decision") == "plan_started"
            and child["category_at_plan_start"] is None
        ):
            child["category_at_plan_start"] = child.get("category")
    return out


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_review_local_due", sa.Date(), nullable=True))
    with op.batch_alter_table("conference_child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_plan_start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("plan_end_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("plan_end_date", sa.Date(), nullable=True))

    conn = op.get_bind()
    conference = sa.table(
        "conference",
        sa.column("id", sa.String),
        sa.column("revision", sa.Integer),
        sa.column("answers", sa.JSON),
        sa.column("conference_type", sa.String),
        sa.column("conference_date", sa.Date),
        sa.column("next_review_due", sa.Date),
        sa.column("next_review_local_due", sa.Date),
    )
    rows = conn.execute(
        sa.select(
            conference.c.id,
            conference.c.revision,
            conference.c.answers,
            conference.c.conference_type,
            conference.c.conference_date,
            conference.c.next_review_due,
        )
    ).all()
    for cid, rev, answers, ctype, conf_date, due in rows:
        if isinstance(answers, str):
            answers = json.loads(answers)
        values: dict = {"next_review_local_due": due}
        # Until now the due date after a review followed the service's interval; it is the local target
        # from now on, and next_review_due holds the statutory 6 months.
        conf_date, due = _as_date(conf_date), _as_date(due)
        if due is not None and ctype == "review" and conf_date is not None:
            values["next_review_due"] = _add_months(conf_date, 6)
        if answers:  # a deletion marker keeps no answers: nothing to carry
            values["answers"] = carry(answers)
            values["revision"] = rev + 1
        conn.execute(sa.update(conference).where(conference.c.id == cid).values(**values))


def downgrade() -> None:
    """Back to version 1 answers: the version 2 answers are dropped (the revision goes up again, so that
    the coordinator takes the version 1 record)."""
    conn = op.get_bind()
    conference = sa.table(
        "conference",
        sa.column("id", sa.String),
        sa.column("revision", sa.Integer),
        sa.column("answers", sa.JSON),
        sa.column("next_review_local_due", sa.Date),
        sa.column("next_review_due", sa.Date),
    )
    for cid, rev, answers, local_due in conn.execute(
        sa.select(conference.c.id, conference.c.revision, conference.c.answers, conference.c.next_review_local_due)
    ).all():
        if isinstance(answers, str):
            answers = json.loads(answers)
        values: dict = {"next_review_due": local_due}
        if answers:
            old = {k: v for k, v in answers.items() if k not in TOP}
            for repeat, blanks in REPEATS.items():
                old[repeat] = [{k: v for k, v in e.items() if k not in blanks} for e in old.get(repeat) or []]
            values.update(answers=old, revision=rev + 1)
        conn.execute(sa.update(conference).where(conference.c.id == cid).values(**values))
    with op.batch_alter_table("conference_child", schema=None) as batch_op:
        batch_op.drop_column("plan_end_date")
        batch_op.drop_column("plan_end_reason")
        batch_op.drop_column("original_plan_start_date")
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.drop_column("next_review_local_due")
