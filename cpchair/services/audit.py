"""The audit log: who created, changed, completed, deleted, printed, exported, merged or removed what, and
when, as an append-only chain of hashes.

Why a chain: the log lives in the same SQLite file as the records it describes, so anyone who can edit the
records can edit the log. Each entry's ``hash`` is SHA-256 over its canonical form and the previous entry's
hash, so changing, removing or reordering an entry breaks every later link, and ``verify`` names the first
break. The database refuses UPDATE and DELETE on the table (triggers, migration 0004), and the highest
``seq`` ever issued is kept by SQLite (AUTOINCREMENT), so removing the newest entries is caught as well.

Why no content: the log says *that* conference X was changed, never what it says. ``detail`` holds codes,
counts and revision numbers only, so the log can be shown or sent to an auditor without a child's name in it.

Entries are written in the caller's transaction (``record_event``), so an entry exists exactly when the
change it records was committed. Autosave writes a conference every second or two while the chair types,
so changes to one conference by one person within ``COALESCE_SECONDS`` of its last recorded change are one
entry (the entry's detail says from which revision); any other event in between starts a new one.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cpchair.domain import dates
from cpchair.interchange.canonical import canonical_json
from cpchair.storage.models import AuditEvent, Setting

#: What the log records (the key-management code records ``key``; the retention rules ``retention``).
ACTIONS = (
    "create", "change", "complete", "delete", "print", "export", "merge", "key", "retention", "backup", "restore",
)  # fmt: skip
ACTION_LABELS = {
    "create": "Created",
    "change": "Changed",
    "complete": "Marked complete",
    "delete": "Deleted",
    "print": "Printed or saved as PDF",
    "export": "Exported",
    "merge": "Merged",
    "key": "Keys (pseudonymisation, signing, enrolment)",
    "retention": "Names and minutes removed (retention)",
    "backup": "Backed up",
    "restore": "Restored from a backup",
}
GENESIS = "0" * 64
COALESCE_SECONDS = 15 * 60
TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")

audit_t = AuditEvent.__table__


@dataclass(frozen=True)
class Entry:
    """One entry as stored (``detail`` parsed)."""

    seq: int
    at: str
    actor: str
    action: str
    conference_id: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "conference_id": self.conference_id,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    def describe(self) -> str:
        """The detail in words for the log's view (codes and counts only, as stored)."""
        return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(self.detail.items()))


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: ``ok``, how many entries it read, and the first break (its ``seq`` and why)."""

    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"The audit log is intact: {self.entries} entries, each linked to the one before."
        if self.broken_seq is None:
            return f"The audit log is not intact: {self.reason}"
        return f"The audit log is broken at entry {self.broken_seq}: {self.reason}"


class AuditError(Exception):
    """An action that is not one the log knows (a programming error, never shown to a chair)."""


def entry_hash(
    seq: int, at: str, actor: str, action: str, conference_id: str | None, detail: str, prev_hash: str
) -> str:
    """SHA-256 over the canonical JSON of the entry's fields followed by the previous entry's hash."""
    body = canonical_json([seq, at, actor, action, conference_id, detail])
    return hashlib.sha256(body + prev_hash.encode("ascii")).hexdigest()


def actor_name(session: Session) -> str:
    """Who is acting: the chair's (or coordinator's) name from Settings, else the computer's login name."""
    row = session.get(Setting, "chair_name")
    name = (row.value if row is not None and isinstance(row.value, str) else "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account): still say something
        return "unknown user"


def _head(session: Session):
    return session.execute(select(audit_t).order_by(audit_t.c.seq.desc()).limit(1)).mappings().first()


def _seconds_between(earlier: str, later: str) -> float:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    try:
        return (datetime.strptime(later, fmt) - datetime.strptime(earlier, fmt)).total_seconds()
    except ValueError:
        return float("inf")


def _part(detail_text: str) -> Any:
    try:
        return json.loads(detail_text).get("part")
    except (ValueError, AttributeError):
        return None


def record_event(
    session: Session,
    action: str,
    *,
    conference_id: str | None = None,
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
    now: str | None = None,
    coalesce: bool = False,
) -> Entry | None:
    """Append an entry in the caller's transaction (the caller commits with the change it records).

    ``detail`` holds codes, counts and revision numbers only: never names, references or free text.
    With ``coalesce`` (autosaved changes), nothing is added when the newest entry is the same action on the
    same conference by the same person less than ``COALESCE_SECONDS`` ago; returns None then.
    This is the function the key-management code calls for key events (``action="key"``).
    """
    if action not in ACTIONS:
        raise AuditError(f"unknown audit action {action!r}")
    stamp = now or dates.utc_timestamp()
    who = actor if actor is not None else actor_name(session)
    head = _head(session)
    if (
        coalesce
        and head is not None
        and head["action"] == action
        and head["conference_id"] == conference_id
        and head["actor"] == who
        and _part(head["detail"]) == (detail or {}).get("part")
        and _seconds_between(head["at"], stamp) < COALESCE_SECONDS
    ):
        return None
    seq = head["seq"] + 1 if head is not None else 1
    prev = head["hash"] if head is not None else GENESIS
    detail_text = canonical_json(detail or {}).decode("utf-8")
    digest = entry_hash(seq, stamp, who, action, conference_id, detail_text, prev)
    session.execute(
        audit_t.insert().values(
            seq=seq,
            at=stamp,
            actor=who,
            action=action,
            conference_id=conference_id,
            detail=detail_text,
            prev_hash=prev,
            hash=digest,
        )
    )
    return Entry(seq, stamp, who, action, conference_id, dict(detail or {}), prev, digest)


#: The short name the brief and the key-management code use.
record = record_event


def record_backup(session: Session, path: Path, label: str) -> None:
    """A backup made on request (``cpchair backup``): which file, so a later restore can be traced to it.
    The daily and pre-migration backups are made by the storage layer before a session exists and are not
    recorded; their files are listed by ``cpchair backup --list``."""
    record_event(session, "backup", detail={"file": Path(path).name, "label": label})


def record_restore(session: Session, source: Path, kept_aside: list[Path]) -> None:
    """A restore, recorded in the restored database once it is open: the chain then says why the entries
    made after that backup are missing (they are in the copy kept aside, named here)."""
    aside = [Path(p).name for p in kept_aside]
    record_event(session, "restore", detail={"from": Path(source).name, "kept_aside": aside})


def record_events(
    session: Session, events: list[tuple[str, str | None, dict[str, Any]]], *, now: str | None = None
) -> int:
    """Append many ``(action, conference_id, detail)`` entries at once (one removal per conference), chained
    in order, in the caller's transaction; returns how many."""
    if not events:
        return 0
    stamp = now or dates.utc_timestamp()
    who = actor_name(session)
    head = _head(session)
    seq = head["seq"] if head is not None else 0
    prev = head["hash"] if head is not None else GENESIS
    rows = []
    for action, conference_id, detail in events:
        if action not in ACTIONS:
            raise AuditError(f"unknown audit action {action!r}")
        seq += 1
        detail_text = canonical_json(detail or {}).decode("utf-8")
        digest = entry_hash(seq, stamp, who, action, conference_id, detail_text, prev)
        rows.append(
            {
                "seq": seq,
                "at": stamp,
                "actor": who,
                "action": action,
                "conference_id": conference_id,
                "detail": detail_text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.execute(audit_t.insert(), rows)
    return len(rows)


def _entry(row) -> Entry:
    try:
        detail = json.loads(row["detail"])
    except ValueError:
        detail = {"unreadable": True}
    return Entry(
        row["seq"],
        row["at"],
        row["actor"],
        row["action"],
        row["conference_id"],
        detail if isinstance(detail, dict) else {"unreadable": True},
        row["prev_hash"],
        row["hash"],
    )


def entries(
    session: Session, *, conference_id: str | None = None, newest_first: bool = False, limit: int | None = None
) -> list[Entry]:
    """The log's entries (optionally one conference's), oldest first unless ``newest_first``."""
    stmt = select(audit_t)
    if conference_id is not None:
        stmt = stmt.where(audit_t.c.conference_id == conference_id)
    stmt = stmt.order_by(audit_t.c.seq.desc() if newest_first else audit_t.c.seq)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_entry(r) for r in session.execute(stmt).mappings()]


def verify(session: Session) -> Verdict:
    """Walk the chain from the first entry; the first entry out of place, changed or missing is named.

    Checked in this order for each entry: its number follows the previous one (else an entry is missing),
    it names the previous entry's hash (else entries were removed or reordered before it), and its own
    hash matches its content (else it was changed). Then: no newer entry was ever issued than the last one
    present, and the append-only triggers are still in place.
    """
    prev_seq, prev_hash, count = 0, GENESIS, 0
    stmt = select(audit_t).order_by(audit_t.c.seq)
    for row in session.execute(stmt.execution_options(yield_per=2000)).mappings():
        count += 1
        seq = row["seq"]
        if seq != prev_seq + 1:
            missing = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1} to {seq - 1}"
            return Verdict(False, count, prev_seq + 1, f"entry {missing} is missing (removed from the log).")
        if row["prev_hash"] != prev_hash:
            return Verdict(
                False,
                count,
                seq,
                f"it does not follow entry {prev_seq} (entries were removed, reordered or replaced before it).",
            )
        expected = entry_hash(
            seq, row["at"], row["actor"], row["action"], row["conference_id"], row["detail"], row["prev_hash"]
        )
        if expected != row["hash"]:
            return Verdict(False, count, seq, "its content was changed after it was written.")
        prev_seq, prev_hash = seq, row["hash"]
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        issued = session.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'audit_event'")).scalar()
        if issued is not None and issued > prev_seq:
            missing = f"{prev_seq + 1}" if issued == prev_seq + 1 else f"{prev_seq + 1} to {issued}"
            return Verdict(False, count, prev_seq + 1, f"entry {missing} is missing (the newest were removed).")
        names = set(
            session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"))
            .scalars()
            .all()
        )
        if not set(TRIGGERS) <= names:
            return Verdict(False, count, None, "its protection against changes (the database triggers) was removed.")
    return Verdict(True, count)
