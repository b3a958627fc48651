"""The coordinator's merge (interchange-v1 §6.1): every chair's export files into one store.

Version 2 files are verified and decrypted by the reader with the enrolled chairs' keys and the coordinator's
identity (``trust``, read once per merge); version 1 files only with ``allow_unsigned``. Ownership (spec v2
§4): a conference first merged from one ``chair_id`` is changed or deleted only by that chair's files, so a
file claiming another chair's conferences is rejected whole, whatever its version.

Rules, in short: records match on ``id``; a higher ``revision`` replaces the stored record, a lower one is
stale and ignored; the same revision with the same content changes nothing; the same revision with
different content is a conflict (the stored record stays, the incoming one is kept in ``merge_conflict``
for a person to resolve). A deletion marker whose revision is at least the stored one removes the record
and is itself kept in ``merged_deletion``, so an older file can never bring the record back.

Why these choices:
- Each file is checked completely by ``interchange.reader`` before anything is written, so a bad file is
  rejected whole; a whole merge is one transaction, so a crash half-way leaves nothing half-merged and
  other readers of a shared store see it all or none of it.
- Idempotence in any order: every rule is monotone (revisions only rise, markers and conflicts are
  remembered, rows are only written when something is new), so merging the same files again, in any order,
  writes nothing. A file whose exact bytes were merged before is recognised by its SHA-256 in
  ``imported_file`` and skipped without parsing. Rejected files are NOT recorded: hostile input changes
  nothing in the database; the rejection is reported in the summary.
- Speed and portability: SQLAlchemy Core only (no ORM objects per record, no SQLite-only SQL, so the same
  code runs on PostgreSQL): one ``IN`` query per 500 ids to fetch what is stored, then ``executemany``
  inserts and updates. Content is compared by the SHA-256 of each record's canonical JSON.
- "deleted" in the summary counts deletion markers that were new (or raised a stored marker's revision):
  unlike "records removed", that total does not depend on the order the files were merged in.
- Resolving a conflict by taking the incoming version swaps it with the stored one, so the conflict row then
  holds the version that is NOT in the statistics; merging either file again is still recognised as known.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from cpchair.domain.dates import utc_timestamp
from cpchair.errors import CpchairError, DatabaseError, FormatError, NotFound
from cpchair.gcpause import paused_gc
from cpchair.interchange import files
from cpchair.interchange.envelope_v2 import RECIPIENTS_FILE, Keyring
from cpchair.interchange.reader import DEFAULT_MAX_BYTES, ExportFile, parse_export, read_bytes
from cpchair.services import audit
from cpchair.storage.db import begin_write, describe_error
from cpchair.storage.locks import merge_lock
from cpchair.storage.models import ImportedFile, MergeConflict, MergedConference, MergedDeletion
from cpchair.storage.store import analyze_merged_tables

MERGED, UNCHANGED, REJECTED = "merged", "unchanged", "rejected"
KEEP_STORED, TAKE_INCOMING = "keep_stored", "take_incoming"
_RESOLUTION = {KEEP_STORED: "kept_stored", TAKE_INCOMING: "took_incoming"}
_CHUNK = 500  # ids per IN (...) query: well under every database's parameter limit

conf_t = MergedConference.__table__
del_t = MergedDeletion.__table__
conflict_t = MergeConflict.__table__
file_t = ImportedFile.__table__


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: str  # merged | unchanged | rejected
    reason: str | None = None


FileCallback = Callable[[int, int, "FileOutcome"], None]


@dataclass
class MergeSummary:
    files: list[FileOutcome] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == REJECTED]

    def to_json(self) -> dict[str, Any]:
        """The ``cpchair merge --json`` shape of spec §7."""
        return {
            "files": [{"path": f.path, "status": f.status, "reason": f.reason} for f in self.files],
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True)
class Conflict:
    """A conflict as the coordinator's screen lists it (plain data, no ORM object)."""

    pk: int
    conference_id: str
    revision: int
    chair_name: str
    source_path: str
    detected_at: str
    resolved_at: str | None
    resolution: str | None
    incoming: dict[str, Any]
    stored: dict[str, Any] | None
    superseded: bool = False  # a newer revision or a deletion arrived since: nothing left to decide


def find_export_files(folder: str | Path) -> list[Path]:
    """Every regular ``*.json`` file below ``folder``, recursively, skipping folders whose name starts with
    ``.`` (the writers' ``.staging``, sync clients' hidden folders), in a stable order, never following a
    link (see ``interchange.files``; ``merge_folder`` also reports what was passed over). The coordinator's
    recipients file at the top of the share is passed over: it is not an export (spec v2 §3)."""
    return _exports(folder, files.find_export_files(folder).files)


def _exports(folder: str | Path, found: list[Path]) -> list[Path]:
    top = Path(folder)
    return [p for p in found if not (p.name == RECIPIENTS_FILE and p.parent == top)]


def merge_folder(
    session: Session,
    folder: str | Path,
    *,
    allow_unsigned: bool = False,
    recovery_identity: object | None = None,
    identities: list | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_start: Callable[[int], None] | None = None,
    on_file: FileCallback | None = None,
    on_wait: Callable[[], None] | None = None,
) -> MergeSummary:
    """Merge every export below ``folder`` as one transaction (see ``merge_files``).

    Links, FIFOs, devices, names that are not valid text and folders that cannot be read are listed first
    in the summary, as rejected with the reason, and never opened (``interchange.files``). ``on_start(n)``
    is told how many entries there are before the first ``on_file``.

    Version 2 files are opened with the enrolled chairs' keys and the coordinator's identity (or
    ``recovery_identity`` alone); version 1 files, which are never signed, only with ``allow_unsigned``.
    ``identities``: the coordinator's identities when ``session`` is a shared store rather than this
    installation's database (the private key stays with the installation).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotFound(f"{folder} is not a folder: choose the shared export folder.")
    found = files.find_export_files(folder)
    paths = _exports(folder, found.files)
    keys = trust(session, recovery_identity, identities=identities)
    skipped = [FileOutcome(s.path, REJECTED, s.reason) for s in found.skipped]
    total = len(skipped) + len(paths)
    if on_start is not None:
        on_start(total)

    def progress(done: int, _total: int, outcome: FileOutcome) -> None:
        if on_file is not None:
            on_file(done + len(skipped), total, outcome)

    summary = merge_files(
        session,
        paths,
        max_bytes=max_bytes,
        on_file=progress,
        on_wait=on_wait,
        keys=keys,
        allow_unsigned=allow_unsigned,
    )
    for done, outcome in enumerate(skipped, start=1):  # reported once the merge holds the store
        if on_file is not None:
            on_file(done, total, outcome)
    summary.files[:0] = skipped
    return summary


def trust(session: Session, recovery_identity: object | None = None, *, identities: list | None = None) -> Keyring:
    """The keys a merge runs with, read once before it starts (see ``services.enrolment.merge_keyring``)."""
    from cpchair.services.enrolment import merge_keyring

    try:
        return merge_keyring(session, recovery_identity, identities=identities)
    except (OperationalError, InterfaceError) as exc:  # the store failed before the merge began: say so plainly
        raise _stopped(exc) from exc
    finally:
        session.rollback()  # end the read-only transaction; the merge's own one starts afresh


def merge_files(
    session: Session,
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: FileCallback | None = None,
    on_wait: Callable[[], None] | None = None,
    keys: Keyring | None = None,
    allow_unsigned: bool = False,
) -> MergeSummary:
    """Merge ``paths`` in order, all in one transaction, committed at the end.

    Why one transaction: on a shared store (PostgreSQL) other coordinators read the dashboard while a merge
    runs, and must see the figures before it or after it, never half-way through. Each file is still all or
    nothing: a file is checked completely before any of it is written, and a rejected file writes nothing.
    A failure of the database itself rolls the whole merge back; merging again is idempotent.
    Merges into one store are serialised (``storage.locks.merge_lock``): the second waits, ``on_wait``
    telling its caller so, or is told after a while. ``on_file(done, total, outcome)`` reports progress.
    ``keys`` (read once by ``trust`` when not given) opens version 2 files; version 1 files only with
    ``allow_unsigned``.
    """
    paths = [Path(p) for p in paths]
    summary = MergeSummary()
    keys = keys if keys is not None else trust(session)
    try:
        with merge_lock(session, on_wait=on_wait):
            begin_write(session)
            planned_at = _refresh_plans(session, 0)
            for done, path in enumerate(paths, start=1):
                with paused_gc():
                    outcome = _merge_file(session, path, summary, max_bytes, keys, allow_unsigned)
                summary.files.append(outcome)
                planned_at = _refresh_plans(session, planned_at, summary.added)
                if on_file is not None:
                    on_file(done, len(paths), outcome)
            session.commit()
    except (OperationalError, InterfaceError, OSError) as exc:  # locked, full, read-only: the store, not a file
        session.rollback()
        raise _stopped(exc) from exc
    except BaseException:
        session.rollback()
        raise
    return summary


def _refresh_plans(session: Session, planned_at: int, added: int = 0) -> int:
    """On PostgreSQL, analyse the merged tables at the start and whenever this merge has doubled what it added.

    Why: a merge is one transaction, so autovacuum never sees the rows it adds, and the planner kept
    believing the table small and scanned it for every ``id IN (…)`` look-up: 200,000 conferences merged
    at 9× the COPY floor against 1.4× at 30,000. ANALYZE inside the transaction counts its own rows.
    Returns the row count the plans now reflect."""
    if session.get_bind().dialect.name != "postgresql":
        return planned_at
    if planned_at and added < 2 * planned_at:
        return planned_at
    analyze_merged_tables(session)
    return max(added, 1000)


def _stopped(exc: BaseException) -> DatabaseError:
    return DatabaseError(
        f"The merge stopped: {describe_error(exc)}. Nothing of this merge was kept; merge again once that is "
        "put right (files already merged before are unaffected)."
    )


def merge_file(
    session: Session,
    path: Path,
    summary: MergeSummary | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keys: Keyring | None = None,
    allow_unsigned: bool = False,
) -> FileOutcome:
    """Check and apply one file, all or nothing, and commit. Counts go into ``summary``.

    The garbage collector stays paused from parsing to commit (see ``cpchair.gcpause``): re-enabled between
    the two, its next full pass walked the whole parsed file once more and found nothing to free."""
    summary = summary if summary is not None else MergeSummary()
    keys = keys if keys is not None else trust(session)
    try:
        with merge_lock(session), paused_gc():
            begin_write(session)
            outcome = _merge_file(session, path, summary, max_bytes, keys, allow_unsigned)
            session.commit()
    except (OperationalError, InterfaceError, OSError) as exc:
        session.rollback()
        raise _stopped(exc) from exc
    except BaseException:
        session.rollback()
        raise
    return outcome


def _merge_file(
    session: Session, path: Path, summary: MergeSummary, max_bytes: int, keys: Keyring, allow_unsigned: bool
) -> FileOutcome:
    """Check and apply one file inside the caller's transaction (which commits or rolls back).

    The file's writes run in a savepoint: whatever its content provokes past the reader's checks rolls back
    that file alone (it is rejected with the reason) and the merge goes on; a failure of the database itself
    (locked, full, read-only) propagates and rolls the whole merge back."""
    shown = files.display_path(path)  # what is printed and stored: valid text even if a folder above is not
    if not files.is_valid_unicode(path.name):
        return FileOutcome(shown, REJECTED, files.bad_name_reason("file"))
    try:
        data = read_bytes(path, max_bytes=max_bytes)
        digest = hashlib.sha256(data).hexdigest()
        if _already_merged(session, digest):
            return FileOutcome(shown, UNCHANGED)
        export = parse_export(data, path, sha256=digest, keys=keys, allow_unsigned=allow_unsigned)
    except FormatError as exc:
        return FileOutcome(shown, REJECTED, getattr(exc, "reason", str(exc)))
    try:
        with session.begin_nested():
            counts = _apply(session, export)
            status = MERGED if any(counts) else UNCHANGED
            session.execute(
                insert(file_t).values(
                    sha256=export.sha256,
                    export_id=export.envelope["export_id"],
                    chair_id=export.chair_id,
                    device_id=export.envelope["device_id"],
                    sequence=export.envelope["sequence"],
                    path=shown,
                    status=status,
                    reason=None,
                    merged_at=utc_timestamp(),
                )
            )
            if status == MERGED:
                audit.record_event(session, "merge", detail=_audit_detail(export, counts))
    except _NotOwner as exc:  # raised before anything of the file was written (the savepoint undoes nothing)
        return FileOutcome(shown, REJECTED, str(exc))
    except (OperationalError, InterfaceError, OSError, SQLAlchemyError) as exc:
        if not _data_error(session, exc):
            raise
        return FileOutcome(shown, REJECTED, f"it could not be merged ({type(exc).__name__}); nothing of it was applied")
    except Exception as exc:  # noqa: BLE001 - whatever a file's content provokes rejects that file alone
        if _is_driver_failure(session, exc):
            raise OperationalError("merge", {}, exc) from exc  # a driver error that reached us unwrapped
        return FileOutcome(shown, REJECTED, f"it could not be merged ({type(exc).__name__}); nothing of it was applied")
    summary.added += counts[0]
    summary.updated += counts[1]
    summary.deleted += counts[2]
    summary.conflicts += counts[3]
    return FileOutcome(shown, status)


def _data_error(session: Session, exc: BaseException) -> bool:
    """A database error caused by the file's data (an integrity or data error), not by the store's state."""
    return isinstance(exc, SQLAlchemyError) and not isinstance(exc, (OperationalError, InterfaceError))


def _is_driver_failure(session: Session, exc: BaseException) -> bool:
    dbapi = session.get_bind().dialect.dbapi
    return dbapi is not None and isinstance(exc, (dbapi.OperationalError, dbapi.InterfaceError))


def _audit_detail(export: ExportFile, counts: tuple[int, int, int, int]) -> dict[str, Any]:
    """What the audit log says about a merged file: whose export, which one, and the counts (no records)."""
    return {
        "chair_id": export.chair_id,
        "sequence": export.envelope["sequence"],
        "added": counts[0],
        "updated": counts[1],
        "deleted": counts[2],
        "conflicts": counts[3],
    }


def _already_merged(session: Session, sha256: str) -> bool:
    """Whether these exact bytes were merged before, in an earlier merge or earlier in this one (a copy or a
    renamed file): nothing to do again."""
    return session.execute(select(file_t.c.sha256).where(file_t.c.sha256 == sha256)).first() is not None


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class _NotOwner(Exception):
    """The file would change or delete a conference another chair's files brought (spec v2 §4, ownership)."""


def _apply(session: Session, export: ExportFile) -> tuple[int, int, int, int]:
    """Write what is new in ``export``; returns (added, updated, deleted, conflicts).

    Ownership first, before anything is written: a conference id first merged from one ``chair_id`` can be
    changed or deleted only by files of that ``chair_id``, whether they are version 1 or 2; a file that tries
    is rejected as a whole (``_NotOwner``)."""
    env = export.envelope
    conf_ids = [r["id"] for r in export.conferences]
    all_ids = conf_ids + [m["id"] for m in export.deleted]
    stored: dict[str, tuple[int, str]] = {}
    markers: dict[str, int] = {}
    chair = env["chair_id"]
    known: set[tuple[str, int, str]] = set()
    # The statements are built once with an expanding parameter: SQLAlchemy caches their compiled form and
    # only spreads each chunk's ids at execution (``in_(list)`` coerced every id into a literal first).
    ids = bindparam("ids", expanding=True)
    stored_q = select(conf_t.c.id, conf_t.c.revision, conf_t.c.content_sha256, conf_t.c.chair_id).where(
        conf_t.c.id.in_(ids)
    )
    markers_q = select(del_t.c.id, del_t.c.revision, del_t.c.chair_id).where(del_t.c.id.in_(ids))
    known_q = select(conflict_t.c.conference_id, conflict_t.c.revision, conflict_t.c.content_sha256).where(
        conflict_t.c.conference_id.in_(ids)
    )
    for chunk in _chunks(all_ids):
        for rid, rev, sha, owner in session.execute(stored_q, {"ids": chunk}):
            if owner != chair:
                raise _NotOwner(f"conference {rid} belongs to another chair; this file may not change it")
            stored[rid] = (rev, sha)
        for rid, rev, owner in session.execute(markers_q, {"ids": chunk}):
            if owner != chair:
                raise _NotOwner(f"conference {rid} belongs to another chair; this file may not change or delete it")
            markers[rid] = rev
    for chunk in _chunks(conf_ids):
        known.update(session.execute(known_q, {"ids": chunk}).tuples())

    provenance = {
        "chair_id": env["chair_id"],
        "chair_name": env["chair_name"],
        "device_id": env["device_id"],
        "export_id": env["export_id"],
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    now = utc_timestamp()
    for rec, text, sha in zip(export.conferences, export.texts, export.digests, strict=True):
        rid, rev = rec["id"], rec["revision"]
        if markers.get(rid, 0) >= rev:
            continue  # deleted at this revision or later: never brought back
        row = {
            "revision": rev,
            "content_sha256": sha,
            "conference_type": rec["conference_type"],
            "conference_date": date.fromisoformat(rec["conference_date"]),
            "updated_at": rec["updated_at"],
            "record": text,
            **provenance,
        }
        old = stored.get(rid)
        if old is None:
            inserts.append({"id": rid, **row})
        elif rev > old[0]:
            updates.append({"b_id": rid, **row})
        elif rev == old[0] and sha != old[1] and (rid, rev, sha) not in known:
            known.add((rid, rev, sha))
            conflicts.append(
                {
                    "conference_id": rid,
                    "revision": rev,
                    "content_sha256": sha,
                    "chair_id": env["chair_id"],
                    "chair_name": env["chair_name"],
                    "export_id": env["export_id"],
                    "source_path": files.display_path(export.path),
                    "detected_at": now,
                    "resolved_at": None,
                    "resolution": None,
                    "record": text,
                }
            )

    marker_inserts: list[dict[str, Any]] = []
    marker_updates: list[dict[str, Any]] = []
    removals: list[str] = []
    for m in export.deleted:
        rid, rev = m["id"], m["revision"]
        row = {
            "revision": rev,
            "deleted_at": m["deleted_at"],
            "chair_id": env["chair_id"],
            "export_id": env["export_id"],
        }
        if rid not in markers:
            marker_inserts.append({"id": rid, **row})
        elif rev > markers[rid]:
            marker_updates.append({"b_id": rid, **row})
        else:
            continue
        old = stored.get(rid)
        if old is not None and old[0] <= rev:
            removals.append(rid)

    if inserts:
        session.execute(insert(conf_t), inserts)
    if updates:
        cols = {c: bindparam(c) for c in updates[0] if c != "b_id"}
        session.execute(update(conf_t).where(conf_t.c.id == bindparam("b_id")).values(cols), updates)
    if conflicts:
        session.execute(insert(conflict_t), conflicts)
    if marker_inserts:
        session.execute(insert(del_t), marker_inserts)
    if marker_updates:
        cols = {c: bindparam(c) for c in marker_updates[0] if c != "b_id"}
        session.execute(update(del_t).where(del_t.c.id == bindparam("b_id")).values(cols), marker_updates)
    for chunk in _chunks(removals):
        session.execute(delete(conf_t).where(conf_t.c.id.in_(chunk)))
    return len(inserts), len(updates), len(marker_inserts) + len(marker_updates), len(conflicts)


# --- conflicts ---------------------------------------------------------------------------------------


def list_conflicts(session: Session, *, include_resolved: bool = False) -> list[Conflict]:
    """Conflicts for the coordinator to resolve (oldest first), each with both versions as dicts.

    A conflict whose conference has since moved to a newer revision, or been deleted, needs no decision and
    is listed only with ``include_resolved`` (marked ``superseded``)."""
    import json

    stmt = select(conflict_t).order_by(conflict_t.c.pk)
    if not include_resolved:
        stmt = stmt.where(conflict_t.c.resolved_at.is_(None))
    rows = session.execute(stmt).mappings().all()
    ids = sorted({r["conference_id"] for r in rows})
    stored: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        for rid, rev, text in session.execute(
            select(conf_t.c.id, conf_t.c.revision, conf_t.c.record).where(conf_t.c.id.in_(chunk))
        ):
            stored[rid] = (rev, text)
    out = []
    for r in rows:
        current = stored.get(r["conference_id"])
        superseded = current is None or current[0] != r["revision"]
        if superseded and not include_resolved:
            continue
        out.append(
            Conflict(
                pk=r["pk"],
                conference_id=r["conference_id"],
                revision=r["revision"],
                chair_name=r["chair_name"],
                source_path=r["source_path"],
                detected_at=r["detected_at"],
                resolved_at=r["resolved_at"],
                resolution=r["resolution"],
                incoming=json.loads(r["record"]),
                stored=json.loads(current[1]) if current else None,
                superseded=superseded,
            )
        )
    return out


def resolve_conflict(session: Session, pk: int, choice: str) -> None:
    """Settle a conflict: ``keep_stored`` leaves the statistics as they are, ``take_incoming`` puts the
    incoming version in the stored one's place (and keeps the displaced version in the conflict row).
    Commits."""
    if choice not in _RESOLUTION:
        raise CpchairError(f"'{choice}' is not a way to resolve a conflict: use keep_stored or take_incoming.")
    row = session.execute(select(conflict_t).where(conflict_t.c.pk == pk)).mappings().first()
    if row is None:
        raise NotFound("That conflict no longer exists: refresh the list.")
    if row["resolved_at"] is not None:
        raise CpchairError("That conflict has already been resolved.")
    now = utc_timestamp()
    try:
        if choice == TAKE_INCOMING:
            current = session.execute(select(conf_t).where(conf_t.c.id == row["conference_id"])).mappings().first()
            if current is None:
                raise CpchairError("That conference has since been deleted, so there is nothing to replace.")
            if current["revision"] != row["revision"]:
                raise CpchairError(
                    "That conference has since been replaced by a newer revision: keep the stored version."
                )
            import json

            incoming = json.loads(row["record"])
            session.execute(
                update(conf_t)
                .where(conf_t.c.id == row["conference_id"])
                .values(
                    content_sha256=row["content_sha256"],
                    conference_type=incoming["conference_type"],
                    conference_date=date.fromisoformat(incoming["conference_date"]),
                    updated_at=incoming["updated_at"],
                    chair_id=row["chair_id"],
                    chair_name=row["chair_name"],
                    export_id=row["export_id"],
                    record=row["record"],
                )
            )
            displaced = {
                "content_sha256": current["content_sha256"],
                "chair_id": current["chair_id"],
                "chair_name": current["chair_name"],
                "export_id": current["export_id"],
                "record": current["record"],
            }
        else:
            displaced = {}
        session.execute(
            update(conflict_t)
            .where(conflict_t.c.pk == pk)
            .values(resolved_at=now, resolution=_RESOLUTION[choice], **displaced)
        )
        audit.record_event(
            session, "merge", conference_id=row["conference_id"], detail={"conflict": _RESOLUTION[choice]}, now=now
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def pending_conflict_count(session: Session) -> int:
    """How many conflicts wait for the coordinator (as ``list_conflicts`` lists them)."""
    return len(list_conflicts(session))
