"""Write this installation's export file into the shared folder (interchange-v1 §1-4, the writer side).

One call writes one new, uniquely named file holding the full current snapshot: every completed
conference as a pseudonymous record and every deleted one as a deletion marker; drafts never leave.
The file is written through ``.staging/`` with fsync and an atomic rename (``cpchair.fileio``), recorded
in ``export_log`` (its sequence is the last one + 1) and in the settings the window reads, and the
writer's own files beyond the newest five are pruned.

Why the care about speed: a coordinator-sized installation can hold tens of thousands of records, so
rows are read as plain columns (no ORM objects) and the payload is serialised once: the canonical bytes
that are hashed are the very bytes written into the file.

Once the chair has pinned a coordinator (``services.keys``), the file is interchange-v2: the same payload,
with the chair's name inside it, gzipped, encrypted to the recipients of the share's signed recipients file,
and the envelope signed with this installation's key. A version 1 file is written only when asked for
(``unsigned``, for tests and migration). An installation holding sample data exports only as a sample
export (``services.sample_data``).

Failures raise ``ExportError`` (or ``KeyMissing``) with a sentence the chair can act on. Failures of the
share itself (missing, read-only, full, vanishing) are ``ShareUnavailable``, which the window retries
quietly later; whatever failed, no file is left under a final name.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

import cpchair
from cpchair import fileio, settings
from cpchair.domain import dates
from cpchair.errors import ExportError
from cpchair.gcpause import paused_gc
from cpchair.interchange import FORMAT, FORMAT_VERSION, envelope_v2
from cpchair.interchange.canonical import canonical_json
from cpchair.interchange.names import export_file_name, parse_export_name
from cpchair.interchange.records import deletion_marker, record_maker
from cpchair.interchange.text import name_problem
from cpchair.services import audit, keys, pseudonym, sample_data
from cpchair.services.conferences import COMPLETE
from cpchair.storage.models import Conference, ExportLog

KEEP_NEWEST = 5
CHAIR_NAME_MAX = 200  # as the schema allows
STALE_STAGING_SECONDS = 3600


class ShareUnavailable(ExportError):
    """The shared folder is missing, read-only, full or went away: worth trying again later."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    export_id: str
    sequence: int
    created_at: str
    conferences: int
    deleted: int
    payload_sha256: str
    pruned: tuple[str, ...] = ()
    format_version: int = 1

    @property
    def record_count(self) -> int:
        return self.conferences + self.deleted


@dataclass(frozen=True)
class ExportStatus:
    """What the window shows about syncing."""

    shared_folder: str
    last_export_at: str
    last_export_path: str
    has_key: bool


@dataclass(frozen=True)
class BuiltExport:
    """An export ready to write: its envelope (without the payload) and the file's bytes."""

    envelope: dict[str, Any]
    data: bytes
    conferences: int
    deleted: int


def status(session: Session) -> ExportStatus:
    return ExportStatus(
        shared_folder=settings.get(session, "shared_folder") or "",
        last_export_at=settings.get(session, "last_export_at") or "",
        last_export_path=settings.get(session, "last_export_path") or "",
        has_key=pseudonym.has_key(),
    )


def ensure_identity(session: Session) -> tuple[str, str]:
    """Make (once) and return this installation's ``chair_id`` and ``device_id``.

    Callers commit this before exporting, so that a failed export (rolled back) cannot leave a file in
    the share under a device id the database then forgets.
    """
    return settings.get(session, "chair_id"), settings.get(session, "device_id")


def build_payload(session: Session, key: bytes, *, sample: bool = False) -> dict[str, list[dict[str, Any]]]:
    """``{"conferences": [...], "deleted": [...]}``: completed, non-deleted records and deletion markers.

    Reads plain columns and parses ``answers`` itself (``type_coerce`` to text skips the ORM's per-row
    JSON processing), and shares one record maker so each case reference is hashed once. Rows are sorted
    by id here rather than by SQLite: the same order (UUIDs are ASCII, so code points and bytes agree),
    without a temporary B-tree over 20,000 wide rows. ``sample``: only the demo's sample conferences.
    """
    query = select(
        Conference.id,
        Conference.revision,
        Conference.created_at,
        Conference.updated_at,
        type_coerce(Conference.answers, Text),
    ).where(Conference.status == COMPLETE, Conference.deleted_at.is_(None))
    if sample:
        query = query.where(Conference.id.in_(sample_data.sample_ids_query()))
    rows = session.execute(query).all()
    rows.sort(key=itemgetter(0))
    make = record_maker(key)
    loads = json.loads
    conferences = [make(i, r, c, u, loads(a)) for i, r, c, u, a in rows]
    del rows
    marker_query = select(Conference.id, Conference.revision, Conference.deleted_at).where(
        Conference.deleted_at.is_not(None)
    )
    if sample:
        marker_query = marker_query.where(Conference.id.in_(sample_data.sample_ids_query()))
    markers = session.execute(marker_query.order_by(Conference.id))
    deleted = [deletion_marker(conference_id=i, revision=r, deleted_at=d) for i, r, d in markers]
    return {"conferences": conferences, "deleted": deleted}


def next_sequence(session: Session, folder: Path | None = None, device_id: str | None = None) -> int:
    """One more than the highest sequence this device is known to have used: in ``export_log`` and, when
    ``folder`` is given, in the names of this device's files there.

    Why the share too: an export killed between writing its file and committing its ``export_log`` row (or
    a database restored from a backup) leaves a file the log does not know; taking the log alone would give
    the next export the same sequence, and the coordinator would see two different files claiming one place
    in this device's series. A write that failed left no file, so its number is used again."""
    logged = session.scalar(select(func.max(ExportLog.sequence))) or 0
    on_share = highest_sequence_on_share(folder, device_id) if folder is not None and device_id else 0
    return max(logged, on_share) + 1


def highest_sequence_on_share(folder: Path, device_id: str) -> int:
    """The highest sequence in the names of this device's export files directly in ``folder`` (0 if none)."""
    device8 = device_id.replace("-", "").lower()[:8]
    highest = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                parsed = parse_export_name(entry.name)
                if parsed is not None and parsed.device8 == device8:
                    highest = max(highest, parsed.sequence)
    except OSError:
        return 0  # an unreadable share fails the write itself, with the reason
    return highest


@dataclass(frozen=True)
class Seal:
    """What makes a version 2 file: the recipients to encrypt to and this installation's signing key."""

    recipients: list[str]
    signing_key: Any


def build_export(
    session: Session, *, key: bytes, now: str, sequence: int, seal: Seal | None = None, sample: bool = False
) -> BuiltExport:
    """The envelope of spec §2 and the file's UTF-8 bytes (no BOM); signed and encrypted (v2) with ``seal``.

    The payload is serialised once, canonically; the file is the envelope's other keys followed by
    ``"payload": <those canonical bytes>``, so the digest is of exactly what the file holds. For version 2
    the same canonical bytes, with ``chair_name`` put in front, are the plaintext that is gzipped and
    encrypted, and the digest is of them.
    """
    chair_name = (settings.get(session, "chair_name") or "").strip()
    if not chair_name:
        raise ExportError(
            "Enter your name as chair in Settings before exporting: the coordinator's figures are kept per chair."
        )
    if len(chair_name) > CHAIR_NAME_MAX:
        raise ExportError(f"Your name as chair is longer than {CHAIR_NAME_MAX} characters: shorten it in Settings.")
    problem = name_problem(chair_name, "your name as chair")
    if problem is not None:  # the coordinator's merge would refuse the file for it (interchange.text)
        raise ExportError(f"{problem[0].upper()}{problem[1:]}: correct it in Settings before exporting.")
    with paused_gc():
        payload = build_payload(session, key, sample=sample)
        payload_bytes = canonical_json(payload)
        conferences = len(payload["conferences"])
        del payload["conferences"]  # freed while the collector is still paused: nothing to scan
    envelope: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "export_id": str(uuid.uuid4()),
        "app_version": cpchair.__version__,
        "chair_id": settings.get(session, "chair_id"),
        "chair_name": chair_name,
        "device_id": settings.get(session, "device_id"),
        "sequence": sequence,
        "created_at": now,
        "record_count": conferences + len(payload["deleted"]),
        "payload_sha256": hashlib.sha256(payload_bytes).hexdigest(),
    }
    if seal is not None:
        plain = envelope_v2.plain_payload_bytes(chair_name, payload_bytes)
        del payload_bytes
        envelope["payload_sha256"] = hashlib.sha256(plain).hexdigest()
        signed, data = envelope_v2.seal_export(
            envelope, plain, recipients=seal.recipients, signing_key=seal.signing_key
        )
        signed.pop("payload_age")  # the log and the result need the envelope's plain fields only
        return BuiltExport({**signed, "chair_name": chair_name}, data, conferences, len(payload["deleted"]))
    head = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    data = head[:-1] + b',"payload":' + payload_bytes + b"}"
    return BuiltExport(envelope, data, conferences, len(payload["deleted"]))


def _share_error(exc: OSError, folder: Path, name: str) -> ExportError:
    """A sentence for what went wrong with the share; nothing was left under a final name in any case."""
    if isinstance(exc, FileExistsError):
        return ExportError(
            f"A file named {name} already exists in {folder}; cpchair never overwrites an export file. "
            "Try again in a moment."
        )
    if exc.errno == errno.ENOSPC or getattr(exc, "winerror", None) in (39, 112):
        return ShareUnavailable(
            f"The shared folder {folder} is full, so the export could not be written. "
            "Free some space there, or ask IT to."
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ShareUnavailable(
            f"cpchair is not allowed to write to the shared folder {folder}. "
            "Check that you have write access to it, or ask IT."
        )
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        return ShareUnavailable(
            f"The shared folder {folder} cannot be reached. "
            "Check that the network or the drive is connected, and that the folder still exists."
        )
    return ShareUnavailable(f"The export could not be written to {folder} ({exc.strerror or exc}). Try again later.")


def resolve_folder(session: Session, folder: str | Path | None) -> Path:
    chosen = str(folder) if folder else (settings.get(session, "shared_folder") or "")
    if not chosen.strip():
        raise ExportError("No shared export folder is set. Choose one in Settings, or give `--to FOLDER`.")
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def export_now(
    session: Session,
    folder: str | Path | None = None,
    *,
    now: str | None = None,
    key: bytes | None = None,
    unsigned: bool = False,
    sample: bool = False,
) -> ExportResult:
    """Write one export file into ``folder`` (default: the shared folder setting) and log it.

    Version 2 (signed, encrypted to the share's recipients) unless ``unsigned``; refused while no coordinator
    is pinned or the recipients file is not signed by the pinned one (``keys.recipients_for_export``), and
    while sample data and real work would mix (``sample_data.check_export``). ``sample`` exports the demo's
    sample conferences only.

    Flushes but does not commit: the caller commits. A process killed between the write and that commit
    leaves a file the log does not know, so the next sequence also looks at this device's files in the
    share (``next_sequence``) and is never used twice.
    """
    target = resolve_folder(session, folder)
    key = key if key is not None else pseudonym.load_key()
    sample_data.check_export(session, key, sample=sample)
    if not target.is_dir():
        raise _share_error(FileNotFoundError(errno.ENOENT, "not found"), target, "")
    seal = None
    if not unsigned:
        recipients = keys.recipients_for_export(session, target)
        seal = Seal(recipients, keys.signing_key(session)[0])
    stamp = now or dates.utc_timestamp()
    sequence = next_sequence(session, target, settings.get(session, "device_id"))
    built = build_export(session, key=key, now=stamp, sequence=sequence, seal=seal, sample=sample)
    env = built.envelope
    name = export_file_name(env["chair_name"], env["device_id"], stamp, sequence)
    try:
        path = fileio.write_new_file(target, name, built.data)
    except OSError as exc:
        raise _share_error(exc, target, name) from exc
    session.add(
        ExportLog(
            sequence=sequence,
            export_id=env["export_id"],
            file_name=name,
            folder=str(target),
            created_at=stamp,
            record_count=env["record_count"],
            sha256=env["payload_sha256"],
        )
    )
    settings.put(session, "last_export_at", stamp)
    settings.put(session, "last_export_path", str(path))
    audit.record_event(
        session,
        "export",
        detail={"sequence": sequence, "conferences": built.conferences, "deleted": built.deleted},
        now=stamp,
    )
    session.flush()
    pruned = prune(session, target, device_id=env["device_id"])
    return ExportResult(
        path=path,
        export_id=env["export_id"],
        sequence=sequence,
        created_at=stamp,
        conferences=built.conferences,
        deleted=built.deleted,
        payload_sha256=env["payload_sha256"],
        pruned=pruned,
        format_version=env["format_version"],
    )


def prune(session: Session, folder: Path, *, device_id: str, keep: int = KEEP_NEWEST) -> tuple[str, ...]:
    """Delete this writer's own files in ``folder`` beyond the newest ``keep`` (by sequence).

    Only names this installation logged are touched, so another chair's file, a renamed copy or a
    sync client's conflict copy is never deleted. Stale staging files of this device are cleared too.
    A file that cannot be deleted now (held open by a reader) is simply left for next time.
    """
    rows = session.execute(
        select(ExportLog.file_name).where(ExportLog.folder == str(folder)).order_by(ExportLog.sequence.desc())
    ).scalars()
    removed: list[str] = []
    for name in list(rows)[keep:]:
        path = folder / name
        if path.exists() and fileio.remove_quietly(path):
            removed.append(name)
    device8 = device_id.replace("-", "")[:8]
    staging = folder / fileio.STAGING
    if staging.is_dir():
        cutoff = time.time() - STALE_STAGING_SECONDS
        for tmp in staging.glob("*.json.tmp"):
            parsed = parse_export_name(tmp.name[: -len(".tmp")])
            try:
                stale = parsed is not None and parsed.device8 == device8 and tmp.stat().st_mtime < cutoff
            except OSError:
                continue
            if stale:
                fileio.remove_quietly(tmp)
    return tuple(removed)
