"""Read and check one export file (interchange-v1 §2–4, §6.1) before the merge may touch the database.

Why so strict: a file comes from another computer through a shared folder, so it may be truncated, garbled,
written by a newer cpchair, or tampered with, and an unknown key could carry personal data. Every check
runs here, on the bytes alone, so a rejected file changes nothing: a regular file opened without following a
link (``files``), the size (read no further than a limit), UTF-8 without a byte-order mark, JSON (no NaN, no
decimals, no runaway nesting), valid Unicode in every string (no lone surrogate from a ``\ud800`` escape,
which would break the database and every printout), a chair name fit to show (``text``), the format and its
version, the questionnaire versions of the records, the JSON Schema (checked by ``jsonschema-rs``, see
``schema_validation``), ``record_count``, ``payload_sha256``, real calendar
dates in timestamps, unique ids, and the cross-field rules of ``cpchair.domain.validation``.

Version 2 files (interchange-v2) are opened first by ``envelope_v2`` (exact envelope, enrolled signer, signature,
age decryption, bounded gunzip), their digest checked on the decrypted payload, and then go through the same
checks as a version 1 file; version 1 files are accepted only when the caller allows unsigned files.

The first problem found is the reason given, in a sentence the coordinator can act on. The canonical JSON
of each record is made once and serves both the payload digest and the merge's content comparison.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cpchair.errors import FormatError
from cpchair.gcpause import paused_gc
from cpchair.interchange import FORMAT, FORMAT_VERSION, NEWEST_FORMAT_VERSION, envelope_v2
from cpchair.interchange.canonical import canonical_fast
from cpchair.interchange.files import Unreadable, display_text, read_regular_file
from cpchair.interchange.schema_validation import first_violation
from cpchair.interchange.text import SURROGATE_ESCAPE as _SURROGATE_ESCAPE
from cpchair.interchange.text import invalid_text_in, name_problem

#: A chair's snapshot is ~2 kB per conference; 100 MB is far beyond any real service's files.
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class ExportFile:
    """A file that passed every check. ``texts[i]``/``digests[i]`` are the canonical JSON and its SHA-256
    of ``conferences[i]``: the merge stores and compares them without serialising again."""

    path: Path
    sha256: str  # of the file's bytes: recognises a copy or a renamed file already merged
    envelope: dict[str, Any]  # every envelope key except the payload
    conferences: list[dict[str, Any]]
    texts: list[str]
    digests: list[str]
    deleted: list[dict[str, Any]]
    signer_kid: str | None = None  # the enrolled key that signed a version 2 file; None for version 1

    @property
    def chair_id(self) -> str:
        return self.envelope["chair_id"]


class _Reject(Exception):
    """Internal: the first reason a file is refused (wrapped into FormatError with the file's name)."""


@cache
def schema() -> dict[str, Any]:
    text = resources.files("cpchair.interchange").joinpath("schema_v1.json").read_text("utf-8")
    return json.loads(text)


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, never reading more than ``max_bytes`` (a huge file is refused, not loaded), and only
    from a regular file: a link, a FIFO or a device is refused without being followed or waited on."""
    path = Path(path)
    try:
        return read_regular_file(path, max_bytes)
    except Unreadable as exc:
        raise _error(path, str(exc)) from None


def read_export(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keys: envelope_v2.Keyring | None = None,
    allow_unsigned: bool = True,
) -> ExportFile:
    """Read and check the file at ``path``. Raises FormatError naming the file and the first reason."""
    return parse_export(read_bytes(path, max_bytes=max_bytes), path, keys=keys, allow_unsigned=allow_unsigned)


def parse_export(
    data: bytes,
    path: str | Path = "<bytes>",
    *,
    sha256: str | None = None,
    keys: envelope_v2.Keyring | None = None,
    allow_unsigned: bool = True,
) -> ExportFile:
    """Check the bytes of one export file. Raises FormatError naming ``path`` and the first reason.
    ``sha256`` is the bytes' digest when the caller has it already (the merge looks it up first).

    A version 2 file is opened with ``keys`` (the enrolled chairs and the coordinator's identities) and is
    never accepted without a valid signature; a version 1 file is accepted only with ``allow_unsigned``
    (the merge passes the coordinator's ``--allow-unsigned``)."""
    path = Path(path)
    try:
        with paused_gc():
            return _parse(data, path, sha256, keys, allow_unsigned)
    except _Reject as exc:
        raise _error(path, str(exc)) from None
    except (RecursionError, MemoryError):
        raise _error(path, "it is nested too deeply or too large to be an export") from None
    except Exception as exc:  # noqa: BLE001 - whatever a hostile file triggers is a rejection, never a crash
        raise _error(path, f"it could not be checked ({type(exc).__name__}: {exc})") from None


def _error(path: Path, reason: str) -> FormatError:
    reason = display_text(reason)  # a hostile file's text must not break printing or storing the reason
    err = FormatError(f"{display_text(path.name)} was rejected: {reason}.")
    err.path = path  # type: ignore[attr-defined]
    err.reason = reason  # type: ignore[attr-defined]
    return err


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _no_constant(name: str) -> Any:
    raise _Reject(f"it contains {name}, which is not allowed in JSON")


class _Decimal:
    """Stands in for a decimal number: version 1 has none, and the schema refuses this type wherever it is
    (a float 1.0 would otherwise compare equal to the integer 1). Kept as a value, not raised at once, so a
    file that is not an export at all is named as such first."""

    def __init__(self, text: str) -> None:
        self.text = text[:20]

    def __repr__(self) -> str:
        return self.text


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different. Why: with a key written twice, one reader takes the first value
    and another the last, so two installations could merge different figures from the same signed file;
    JSON (RFC 8259 §4) leaves it undefined, so it is refused."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _v in pairs if k in seen or seen.add(k))
        raise _Reject(f'it has the key "{twice[:64]}" twice in one object; a well-formed export never does')
    return obj


def _loads(text: str, what: str = "it") -> Any:
    """JSON as every export is parsed: no NaN or Infinity, decimals marked (see ``_Decimal``), no key twice in
    one object (see ``_unique_keys``)."""
    try:
        doc = json.loads(text, parse_constant=_no_constant, parse_float=_Decimal, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise _Reject(
            f"{what} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "it may be incomplete or damaged"
        ) from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise _Reject(f"{what} is not valid JSON ({exc})") from None
    bad = invalid_text_in(doc) if _SURROGATE_ESCAPE.search(text) else None
    if bad is not None:
        raise _Reject(bad)
    return doc


def _parse(
    data: bytes,
    path: Path,
    sha256: str | None = None,
    keys: envelope_v2.Keyring | None = None,
    allow_unsigned: bool = True,
) -> ExportFile:
    if data.startswith(_BOM):
        raise _Reject("it starts with a byte-order mark; export files are UTF-8 without one")
    if data.startswith(_UTF16_BOMS) or b"\x00" in data[:4]:
        raise _Reject("it is UTF-16 text; export files are UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Reject(f"it is not UTF-8 text (invalid byte at position {exc.start})") from None
    if not text or text.isspace():
        raise _Reject("it is empty")
    doc = _loads(text)

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _Reject(f'it is not a cpchair export (no "format": "{FORMAT}")')
    version = doc.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > NEWEST_FORMAT_VERSION:
        raise _Reject(
            f"it was made by a newer cpchair (format version {version}; this one reads versions up to "
            f"{NEWEST_FORMAT_VERSION}). Update cpchair to merge it"
        )
    if isinstance(version, bool) or version not in (FORMAT_VERSION, envelope_v2.FORMAT_VERSION_2):
        raise _Reject(f"format_version must be {FORMAT_VERSION} or 2, not {str(version)[:40]}")
    signer_kid: str | None = None
    raw: list[bytes] | None = None
    if version == envelope_v2.FORMAT_VERSION_2:
        if keys is None:
            raise _Reject("it is a signed and encrypted (version 2) file; only a coordinator's installation opens it")
        try:
            opened = envelope_v2.open_export(doc, keys, _loads)
        except envelope_v2.V2Reject as exc:
            raise _Reject(str(exc)) from None
        doc, signer_kid = opened.doc, opened.signer.kid
        # spec v2 §4: the digest (step 4) is checked before the record rules (step 5)
        raw = _check_digest(doc, opened.digest_prefix)
    elif not allow_unsigned:
        raise _Reject(
            "it is a version 1 file, which carries no signature: it is merged only when you allow unsigned "
            "files (--allow-unsigned), once you know which chair wrote it"
        )

    _check_questionnaire_versions(doc)
    found = first_violation(schema(), doc, _Decimal)
    if found is not None:
        raise _Reject(f"it does not match the export format: {_cut(found.message)}")

    name_reason = name_problem(doc["chair_name"])
    if name_reason is not None:
        raise _Reject(f"{name_reason}; the chair can correct it in Settings and export again")

    payload = doc["payload"]
    conferences: list[dict[str, Any]] = payload["conferences"]
    deleted: list[dict[str, Any]] = payload["deleted"]
    if doc["record_count"] != len(conferences) + len(deleted):
        raise _Reject(
            f"record_count says {doc['record_count']} but the file holds {len(conferences) + len(deleted)} records; "
            "it may be incomplete"
        )

    if raw is None:
        raw = _check_digest(doc)
    texts = [b.decode("utf-8") for b in raw]  # kept as text too: the merge stores it

    _check_timestamp("created_at", doc["created_at"])
    seen: set[str] = set()
    for rec in conferences:
        rid = rec["id"]
        if rid in seen:
            raise _Reject(f"conference {rid} appears more than once")
        seen.add(rid)
        _check_timestamp(f"conference {rid}: created_at", rec["created_at"])
        _check_timestamp(f"conference {rid}: updated_at", rec["updated_at"])
    for m in deleted:
        if m["id"] in seen:
            raise _Reject(f"record {m['id']} appears more than once")
        seen.add(m["id"])
        _check_timestamp(f"deletion marker {m['id']}: deleted_at", m["deleted_at"])

    from cpchair.domain.questionnaire import for_record
    from cpchair.domain.validation import first_error

    for rec in conferences:
        # The same rules as the form, of the record's own questionnaire version; the walk stops at the first.
        first = first_error(rec, for_record(rec))
        if first is not None:
            raise _Reject(f"conference {rec['id']} breaks a rule at {first.path}: {first.message}")

    envelope = {k: v for k, v in doc.items() if k != "payload"}
    if signer_kid is not None:
        envelope["format_version"] = envelope_v2.FORMAT_VERSION_2  # checked as v1 inside; it came as v2
    digests = [hashlib.sha256(b).hexdigest() for b in raw]
    return ExportFile(
        path=path,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        envelope=envelope,
        conferences=conferences,
        texts=texts,
        digests=digests,
        deleted=deleted,
        signer_kid=signer_kid,
    )


def _check_questionnaire_versions(doc: dict[str, Any]) -> None:
    """A record of a questionnaire newer than this release knows: refused with the same advice as a newer
    format, before the schema would call it merely wrong."""
    from cpchair.domain.questionnaire import KNOWN_VERSIONS

    payload = doc.get("payload")
    conferences = payload.get("conferences") if isinstance(payload, dict) else None
    if not isinstance(conferences, list):
        return
    newest = KNOWN_VERSIONS[-1]
    for rec in conferences:
        version = rec.get("questionnaire_version") if isinstance(rec, dict) else None
        if version.__class__ is int and version > newest:
            raise _Reject(
                f"it holds conferences recorded on a newer questionnaire (version {version}; this cpchair reads "
                f"versions up to {newest}). Update cpchair to merge it"
            )


def _record_bytes(items: list[Any]) -> list[bytes]:
    """Each item's canonical JSON (``canonical_fast``: orjson, byte-identical for parsed JSON, as the tests
    prove; a value it cannot encode the same way, such as a huge integer, is refused, never re-encoded)."""
    try:
        return [canonical_fast(item) for item in items]
    except (TypeError, ValueError) as exc:
        raise _Reject(f"a record holds a value that is not allowed ({_cut(str(exc))})") from None


def _check_digest(doc: dict[str, Any], prefix: bytes = b"") -> list[bytes]:
    """The payload's canonical bytes against ``payload_sha256``; returns the conferences' canonical bytes.

    Canonical JSON of a list is "[" + items joined by "," + "]" (compact separators), and the payload's keys
    are few and in sorted order, so its canonical bytes assemble from the records' own (``prefix`` is the
    ``"chair_name":…,`` a version 2 payload holds before them). The records' bytes serve the merge too."""
    payload = doc["payload"]
    raw = _record_bytes(payload["conferences"])
    deleted_raw = _record_bytes(payload["deleted"])
    canonical = b"{" + prefix + b'"conferences":[' + b",".join(raw) + b'],"deleted":[' + b",".join(deleted_raw) + b"]}"
    if hashlib.sha256(canonical).hexdigest() != doc["payload_sha256"]:
        raise _Reject("payload_sha256 does not match its content; the file was changed or damaged after it was written")
    return raw


def _check_timestamp(what: str, value: str) -> None:
    """The schema checks the shape; this checks the calendar (no 31 February)."""
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        raise _Reject(f"{what} is not a real date and time ({value})") from None


def _cut(text: str) -> str:
    """Never echo a long hostile value: a reason stays readable in the coordinator's summary."""
    return text if len(text) <= 300 else text[:297] + "..."
