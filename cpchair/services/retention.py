"""Kept no longer than needed: names, case references, notes and minutes leave the laptop after a while.

A lost laptop should not hold years of children's names and minutes. A conference's personal details are
removed ``retention_months`` (Settings, default 12) after the end of the episode it belongs to: for each
child, the date their plan ended (the first later conference deciding no plan) or, where no plan followed,
the conference's own date. Every child at the conference must have reached that point; a child still on a
plan, or one who cannot be followed (no case reference), keeps the whole conference. And only once the
conference was exported: the export log's newest export must be later than its last change, so the
coordinator holds its final revision.

What goes: every field the questionnaire marks ``local`` (family and child case references, names, notes)
and the minutes. What stays: the questionnaire's codes and dates, so the chair's own figures and every
later export are unchanged. A removed reference is replaced by the pseudonymous key it made
(``removed:ck_…``, see ``pseudonym.removed_ref``): the export carries that same key, children are still
followed from conference to conference, and revision and ``updated_at`` stay as they were, so the
coordinator sees no change at all.

Nothing is removed without the chair's say: ``review`` lists what is due (the dialog and ``cpchair
retention --dry-run`` show it), ``apply`` removes only the conferences it is given that are still due, and
records each removal in the audit log, in the same transaction.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Text, bindparam, delete, func, select, text, type_coerce, update
from sqlalchemy.orm import Session

from cpchair import settings
from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.interchange.records import KeyMaker
from cpchair.services import audit, pseudonym
from cpchair.services.conferences import COMPLETE
from cpchair.storage.models import Conference, ConferenceChild, ExportLog, MinutesDistribution, MinutesLocal

#: What the chair is told goes (and the audit log's detail says went).
REMOVED = ("names", "case references", "notes", "minutes")


@dataclass(frozen=True)
class Due:
    """A conference whose personal details are due for removal, as the chair is shown it."""

    conference_id: str
    conference_date: date
    conference_type: str | None
    type_label: str
    family_ref: str
    ended: date  # the end of its episode: plan ended, or the conference itself where no plan followed
    remove_from: date  # ended + the retention period

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.conference_id,
            "conference_date": self.conference_date.isoformat(),
            "conference_type": self.conference_type,
            "ended": self.ended.isoformat(),
            "remove_from": self.remove_from.isoformat(),
        }


@dataclass(frozen=True)
class Review:
    """What ``review`` found as at ``today``: the conferences due, and how many were kept and why."""

    today: date
    months: int
    due: list[Due] = field(default_factory=list)
    not_exported: int = 0  # past the period but their last change was never exported: kept
    open_plans: int = 0  # a child still on a plan, or one who cannot be followed: kept
    within_period: int = 0  # ended less than the period ago: kept for now
    already_removed: int = 0
    note: str = ""

    def summary(self) -> str:
        if self.note:
            return self.note
        parts = [
            f"{len(self.due)} conference(s) past the retention period of {self.months} months and exported: "
            "their names, case references, notes and minutes can be removed."
        ]
        kept = []
        if self.not_exported:
            kept.append(f"{self.not_exported} past the period but not exported since their last change")
        if self.open_plans:
            kept.append(f"{self.open_plans} with a child still on a plan (or without a case reference)")
        if self.within_period:
            kept.append(f"{self.within_period} within the period")
        if self.already_removed:
            kept.append(f"{self.already_removed} whose details were removed before")
        if kept:
            parts.append("Kept: " + "; ".join(kept) + ".")
        return " ".join(parts)


def retention_months(session: Session) -> int:
    return int(settings.get(session, "retention_months"))


def last_export_at(session: Session) -> str | None:
    """When the newest export was written: every export holds every completed conference at that moment."""
    return session.scalar(select(func.max(ExportLog.created_at)))


def _is_removed_ref(ref: str) -> bool:
    return ref.startswith(pseudonym.REMOVED_PREFIX)


def _episode_ends(session: Session, keys: KeyMaker, plan_decisions: frozenset[str]) -> dict[str, date | None]:
    """Each completed conference's episode end (None while a child's plan is open or cannot be followed).

    Children are followed by their pseudonymous key, so a reference already replaced by its key (an older
    conference of the same episode) still links up with the live reference of a newer one.
    """
    rows = session.execute(
        select(
            Conference.id,
            Conference.conference_date,
            Conference.updated_at,
            ConferenceChild.case_ref,
            ConferenceChild.decision,
        )
        .join(ConferenceChild, ConferenceChild.conference_id == Conference.id, isouter=True)
        .where(Conference.status == COMPLETE, Conference.deleted_at.is_(None), Conference.conference_date.is_not(None))
    ).all()
    ends: dict[str, date | None] = {}

    def settle(cid: str, end: date | None) -> None:
        held = ends.get(cid, end)
        ends[cid] = None if end is None or held is None else max(held, end)

    histories: dict[str, list[tuple[date, str, str, bool]]] = defaultdict(list)
    for cid, day, updated, ref, decision in rows:
        on_plan = decision in plan_decisions
        if not on_plan:
            settle(cid, day)  # no plan followed this conference for this child (or it has no children)
        elif not (ref or "").strip():
            settle(cid, None)  # on a plan but cannot be followed to its end: kept
        if (ref or "").strip():
            histories[keys.child(ref)].append((day, updated, cid, on_plan))
    for history in histories.values():
        history.sort()
        next_end: date | None = None  # the first later conference deciding no plan
        for day, _updated, cid, on_plan in reversed(history):
            if on_plan:
                settle(cid, next_end)
            else:
                next_end = day
    return ends


def review(session: Session, today: date | None = None, *, months: int | None = None) -> Review:
    """The conferences whose personal details are due for removal as at ``today`` (nothing is changed)."""
    today = today or date.today()
    months = months if months is not None else retention_months(session)
    try:
        key = pseudonym.load_key()
    except pseudonym.KeyMissing:
        return Review(
            today, months, note="No pseudonymisation key is installed, so nothing was exported: nothing is removed."
        )
    exported_at = last_export_at(session)
    q = load()
    ends = _episode_ends(session, KeyMaker(key), frozenset(q.group("plan_decisions")))
    rows = session.execute(
        select(
            Conference.id,
            Conference.conference_date,
            Conference.conference_type,
            Conference.family_ref,
            Conference.updated_at,
            func.coalesce(type_coerce(Conference.minutes, Text), "null") != "null",
        )
        .where(Conference.status == COMPLETE, Conference.deleted_at.is_(None), Conference.conference_date.is_not(None))
        .order_by(Conference.conference_date, Conference.id)
    ).all()
    due: list[Due] = []
    has_minutes: set[str] = set()
    counts = defaultdict(int)
    for cid, day, ctype, family_ref, updated, minutes in rows:
        if minutes:
            has_minutes.add(cid)
        end = ends.get(cid)
        if end is None:
            counts["open"] += 1
            continue
        remove_from = dates.add_months(end, months)
        if remove_from > today:
            counts["within"] += 1
            continue
        if exported_at is None or exported_at <= updated:
            counts["not_exported"] += 1
            continue
        due.append(Due(cid, day, ctype, q.label("conference_type", ctype), family_ref, end, remove_from))
    left = _with_something_to_remove(session, due, has_minutes)
    removed = len(due) - len(left)
    due = [d for d in due if d.conference_id in left]
    return Review(
        today,
        months,
        due,
        not_exported=counts["not_exported"],
        open_plans=counts["open"],
        within_period=counts["within"],
        already_removed=removed,
    )


def _with_something_to_remove(session: Session, due: list[Due], has_minutes: set[str]) -> set[str]:
    """The conferences among ``due`` that still hold something to remove.

    Why not parse every record: most due conferences have minutes (an indexed-free column test in SQL says
    so), and one removed before and not changed since has nothing left (the audit log knows when it was
    removed); only the rest are read and looked through.
    """
    out = {d.conference_id for d in due if d.conference_id in has_minutes}
    out |= _with_local_record(session, [d.conference_id for d in due if d.conference_id not in out])
    removed_at: dict[str, str] = dict(
        session.execute(
            select(audit.audit_t.c.conference_id, func.max(audit.audit_t.c.at))
            .where(audit.audit_t.c.action == "retention")
            .group_by(audit.audit_t.c.conference_id)
        ).all()
    )
    updated = {}
    rest = [d.conference_id for d in due if d.conference_id not in out]
    for i in range(0, len(rest), 500):
        chunk = rest[i : i + 500]
        updated.update(
            session.execute(select(Conference.id, Conference.updated_at).where(Conference.id.in_(chunk))).all()
        )
    look = [cid for cid in rest if cid not in removed_at or updated.get(cid, "") > removed_at[cid]]
    for i in range(0, len(look), 500):
        stmt = select(Conference.id, type_coerce(Conference.answers, Text)).where(Conference.id.in_(look[i : i + 500]))
        for cid, answers_text in session.execute(stmt):
            answers = json.loads(answers_text or "{}")
            if _scrub(answers, None) != answers:
                out.add(cid)
    return out


def _with_local_record(session: Session, ids: list[str]) -> set[str]:
    """Those of ``ids`` that still have a minutes' local record or a distribution record (names, addresses)."""
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for table in (MinutesLocal, MinutesDistribution):
            out.update(session.scalars(select(table.conference_id).where(table.conference_id.in_(chunk))))
    return out


def _scrub(answers: dict[str, Any], keys: KeyMaker | None) -> dict[str, Any]:
    """``answers`` without its local-only fields: references become ``removed:<key>``, the rest blank.

    With ``keys`` None the references are left as they are when already removed and marked with a
    placeholder otherwise (enough to tell whether anything is left to remove)."""
    q = load()
    out = copy.deepcopy(answers)

    def blank(container: dict[str, Any], local: frozenset[str], kind: str) -> None:
        for k in local:
            value = container.get(k)
            if k.endswith("_ref") and kind in ("family", "child"):  # the references the export pseudonymises
                if isinstance(value, str) and value.strip() and not _is_removed_ref(value):
                    if keys is None:
                        container[k] = pseudonym.removed_ref("?")
                    else:
                        made = keys.family(value) if kind == "family" else keys.child(value)
                        container[k] = pseudonym.removed_ref(made)
            elif isinstance(value, str) and value:
                container[k] = ""
            elif value not in (None, "") and not isinstance(value, str):
                container[k] = None

    top_local = frozenset(k for k in q.local_keys() if "." not in k)
    blank(out, top_local, "family")
    for section in q.sections:
        for f in section.fields:
            if f.kind != "repeat":
                continue
            local = q.local_keys(f.key)
            if not local:
                continue
            for item in out.get(f.key) or []:
                if isinstance(item, dict):
                    blank(item, local, "child" if f.key == "children" else "other")
    return out


def apply(
    session: Session,
    today: date | None = None,
    *,
    conference_ids: Iterable[str] | None = None,
    months: int | None = None,
    now: str | None = None,
) -> list[str]:
    """Remove the personal details of the conferences due (only those in ``conference_ids`` when given:
    the ones the chair was shown); returns the ids done. Each removal is recorded in the audit log; the
    caller commits. The pseudonymous record, its revision and ``updated_at`` are left exactly as they were."""
    found = review(session, today, months=months)
    wanted = set(conference_ids) if conference_ids is not None else None
    due = [d for d in found.due if wanted is None or d.conference_id in wanted]
    if not due:
        return []
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))  # freed pages are overwritten, not left readable
    keys = KeyMaker(pseudonym.load_key())
    conf_t, child_t = Conference.__table__, ConferenceChild.__table__
    conference_rows: list[dict[str, Any]] = []
    child_rows: list[dict[str, Any]] = []
    ids = [d.conference_id for d in due]
    for i in range(0, len(ids), 500):
        stmt = select(conf_t.c.id, type_coerce(conf_t.c.answers, Text)).where(conf_t.c.id.in_(ids[i : i + 500]))
        for cid, answers_text in session.execute(stmt):
            answers = _scrub(json.loads(answers_text or "{}"), keys)
            conference_rows.append(
                {
                    "b_id": cid,
                    "answers": answers,
                    "family_ref": (answers.get("family_ref") or "").strip(),
                    "family_name": (answers.get("family_name") or "").strip(),
                }
            )
            for position, c in enumerate(answers.get("children") or []):
                child_rows.append(
                    {
                        "b_id": cid,
                        "b_position": position,
                        "case_ref": (c.get("case_ref") or "").strip(),
                        "child_name": (c.get("name") or "").strip(),
                    }
                )
    session.execute(
        update(conf_t)
        .where(conf_t.c.id == bindparam("b_id"))
        .values(answers=bindparam("answers"), minutes=None, family_ref=bindparam("family_ref"))
        .values(family_name=bindparam("family_name")),
        conference_rows,
    )
    if child_rows:
        session.execute(
            update(child_t)
            .where(child_t.c.conference_id == bindparam("b_id"), child_t.c.position == bindparam("b_position"))
            .values(case_ref=bindparam("case_ref"), child_name=bindparam("child_name")),
            child_rows,
        )
    for i in range(0, len(ids), 500):  # the minutes' local record (restrictions, addresses, people) goes with them
        chunk = ids[i : i + 500]
        session.execute(delete(MinutesLocal.__table__).where(MinutesLocal.__table__.c.conference_id.in_(chunk)))
        distribution = MinutesDistribution.__table__
        session.execute(delete(distribution).where(distribution.c.conference_id.in_(chunk)))
    detail = {"months": found.months, "removed": ", ".join(REMOVED)}
    events = [("retention", d.conference_id, detail | {"ended": d.ended.isoformat()}) for d in due]
    audit.record_events(session, events, now=now)
    session.expire_all()  # ORM objects read before now must not carry the removed text back
    return ids


def clear_leftovers(db) -> None:
    """After removing: fold the write-ahead log back into the database file and empty it, so the removed
    text does not linger in the ``-wal`` file (``secure_delete`` overwrote the freed pages)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
