"""The coordinator's statistics (spec §6.2) over the merged store: load the records, call the pure function.

Why a thin layer: ``cpchair.domain.statistics.compute`` holds every definition and is tested on its own;
this module only decides which rows to read, and reads them in the §6.2 order so that the pure function
keeps a small state per child instead of every conference (``records_in_order``). Records dated after the
period's end can never count (even ``plans_open_at_end`` looks only on or before ``to``), so they are not
read; everything on or before it is, because a child's latest conference may lie years before the period
(only the children of those older records are parsed). Parsing uses the standard library's ``json`` on the
canonical text the merge stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cpchair.domain import dates, statistics
from cpchair.gcpause import paused_gc
from cpchair.storage.models import MergedConference

conf_t = MergedConference.__table__


def default_period(today: date | None = None) -> tuple[date, date]:
    """The reporting year (1 April–31 March) containing ``today``: the period when none is given."""
    return dates.reporting_year(today or date.today())


def iter_records(session: Session, up_to: date | None = None, *, chair_id: str | None = None) -> Iterator[dict]:
    """Every merged, non-deleted record (a deletion marker removes its record from the store at merge time),
    optionally only those dated on or before ``up_to`` or from one chair, parsed in full."""
    stmt = select(conf_t.c.record)
    if up_to is not None:
        stmt = stmt.where(conf_t.c.conference_date <= up_to)
    if chair_id is not None:
        stmt = stmt.where(conf_t.c.chair_id == chair_id)
    loads = json.loads
    for (text,) in session.execute(stmt.execution_options(yield_per=2000)):
        yield loads(text)


_CHILDREN = '"children":'
_DECODE = json.JSONDecoder().raw_decode


def records_for_period(session: Session, period_from: date, period_to: date) -> Iterator[dict[str, Any]]:
    """What ``statistics.compute_ordered`` needs for the period, one record at a time in the §6.2 order:
    records in it parsed in full, and records before it reduced to the keys a child's history and the
    "plans open at the end" figure read (id, date, updated_at, children)."""
    for rec, _chair_id in records_in_order(session, period_to, full_from=period_from):
        yield rec


def order_by(session: Session) -> tuple:
    """The §6.2 order (``statistics.conference_order``: date, then updated_at, then id) as SQL.

    The text columns are compared byte by byte, as Python compares them: SQLite's default collation does
    that already; PostgreSQL's depends on how the council made the database, so the query asks for
    ``COLLATE "C"``, which the order index of migration 0009 is built with."""
    if session.get_bind().dialect.name == "postgresql":
        return (conf_t.c.conference_date, conf_t.c.updated_at.collate("C"), conf_t.c.id.collate("C"))
    return (conf_t.c.conference_date, conf_t.c.updated_at, conf_t.c.id)


def records_in_order(
    session: Session, up_to: date, *, full_from: date | None = None
) -> Iterator[tuple[dict[str, Any], str]]:
    """(record, chair_id) of every merged record dated on or before ``up_to``, in the §6.2 order, records
    dated before ``full_from`` reduced to id, date, updated_at and children.

    Why a stream in that order: a region's merged store holds a million conferences, and holding them parsed
    took gigabytes. In the §6.2 order each child's history is a small running state (``ChildHistory``),
    so memory follows the number of children, not of conferences. The rows come in batches (a server-side
    cursor on PostgreSQL), walked along the order index (migration 0009), never sorted whole.

    Why reduce: a service's history is mostly before the period, and parsing whole records was most of the
    time of ``cpchair stats``. The merge stores canonical JSON whose every value passed the schema (codes,
    dates and keys, none holding a quotation mark), so the top-level key ``"children":`` occurs once; the
    JSON decoder parses the one value that starts after it (``raw_decode``), however it nests: a version 2
    child holds lists of its own (``category_components``), which cutting the text at the next ``]`` would
    break. Records after ``up_to`` can never count (even ``plans_open_at_end`` looks only on or before it).
    """
    c = conf_t.c
    stmt = (
        select(c.id, c.conference_date, c.updated_at, c.chair_id, c.record)
        .where(c.conference_date <= up_to)
        .order_by(*order_by(session))
    )
    loads = json.loads
    for rid, conf_date, updated_at, chair_id, text in session.execute(stmt.execution_options(yield_per=2000)):
        if full_from is None or conf_date >= full_from:
            yield loads(text), chair_id
            continue
        start = text.find(_CHILDREN)
        if start < 0:  # not canonical text (cannot happen for merged records): parse it all
            yield loads(text), chair_id
            continue
        children, _end = _DECODE(text, start + len(_CHILDREN))
        yield {"id": rid, "conference_date": conf_date, "updated_at": updated_at, "children": children}, chair_id


def compute_stats(session: Session, period_from: date | None = None, period_to: date | None = None) -> dict[str, Any]:
    """The §6.2 statistics for the period (default: the current reporting year), streamed from the store in
    the §6.2 order: memory follows the number of children, not the store's years of conferences."""
    default_from, default_to = default_period()
    period_from = period_from or default_from
    period_to = period_to or default_to
    with paused_gc():  # parsed JSON holds no cycles: reference counting frees each record after its turn
        return statistics.compute_ordered(records_for_period(session, period_from, period_to), period_from, period_to)


@dataclass
class ChairRecords:
    chair_id: str
    chair_name: str
    records: list[dict[str, Any]] = field(default_factory=list)


def count_records(session: Session) -> int:
    """How many merged, non-deleted records the store holds (told while the report is worked out)."""
    return session.execute(select(func.count()).select_from(conf_t)).scalar_one()


def chairs(session: Session) -> list[tuple[str, str]]:
    """(chair_id, chair_name) of every chair with merged records, by name."""
    rows = session.execute(select(conf_t.c.chair_id, conf_t.c.chair_name).distinct()).tuples().all()
    names: dict[str, str] = {}
    for cid, name in rows:
        names[cid] = max(names.get(cid, ""), name)  # a renamed chair: one stable name per id
    return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))


def chair_display_names(session: Session) -> dict[str, str]:
    """Each chair's name as the dashboard shows it, by chair id: two chairs who share a display name are
    "Name" and "Name (2)" (in the order of ``chairs``), so chairs are told apart by id."""
    seen: dict[str, int] = {}
    out: dict[str, str] = {}
    for cid, name in chairs(session):
        seen[name] = seen.get(name, 0) + 1
        out[cid] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return out


def records_by_chair(session: Session, up_to: date | None = None) -> dict[str, ChairRecords]:
    """Merged records grouped by the chair whose file brought them, for per-chair tables and charts.
    Feed ``statistics.compute(group.records, from, to)`` for one chair's figures."""
    out: dict[str, ChairRecords] = {cid: ChairRecords(cid, name) for cid, name in chairs(session)}
    stmt = select(conf_t.c.chair_id, conf_t.c.record)
    if up_to is not None:
        stmt = stmt.where(conf_t.c.conference_date <= up_to)
    for cid, text in session.execute(stmt):
        out[cid].records.append(json.loads(text))
    return out


def stats_by_chair(session: Session, period_from: date, period_to: date) -> dict[str, dict[str, Any]]:
    """The §6.2 statistics per chair id (each chair's own records only)."""
    return {
        cid: statistics.compute(group.records, period_from, period_to)
        for cid, group in records_by_chair(session, period_to).items()
    }
