"""A chair's local answers -> an interchange-v1 record (spec §4), and deletion markers (spec §6.1).

Why a whitelist built from the definition rather than "copy and delete the local keys": the answers
document may grow keys (a form helper, a future local field) and anything not named by the spec must
never leave the laptop. So the exported keys are exactly the definition's non-local fields, plus the
pseudonymous keys and the row's identity columns; local-only fields (family and case references, names,
notes) are dropped because they are marked ``local`` in the definition, and the case references are
replaced by HMAC keys (``services/pseudonym.py``).

Built for speed: the exporter calls ``to_record`` 20,000 times, so the field lists are computed once and
each call is plain dict work.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from cpchair.domain import questionnaire
from cpchair.services.pseudonym import child_key, family_key


@dataclass(frozen=True)
class _Shape:
    """The exported keys, in the order the spec lists them, derived from the questionnaire definition."""

    top: tuple[str, ...]  # plain top-level answers (codes, dates, booleans, multi lists)
    repeats: tuple[tuple[str, tuple[str, ...]], ...]  # (repeat key, its exported sub-keys) except children
    children: tuple[str, ...]
    quality: tuple[str, ...]
    local_top: frozenset[str]
    version: int


@cache
def shape() -> _Shape:
    q = questionnaire.load()
    top: list[str] = []
    repeats: list[tuple[str, tuple[str, ...]]] = []
    children: tuple[str, ...] = ()
    for section in q.sections:
        for f in section.fields:
            if f.local or f.key.startswith("quality."):
                continue
            if f.kind == "repeat":
                subs = tuple(s.key for s in f.fields if not s.local)
                if f.key == "children":
                    children = subs
                else:
                    repeats.append((f.key, subs))
            else:
                top.append(f.key)
    return _Shape(
        top=tuple(top),
        repeats=tuple(repeats),
        children=children,
        quality=q.quality_keys,
        local_top=q.local_keys(),
        version=q.version,
    )


def _ref(ref: str | None, conference_id: str, slot: object) -> str:
    """The reference to pseudonymise. A blank reference would give every unreferenced child the same key
    and merge them into one child in the statistics, so a blank one gets a stand-in unique to this
    conference and slot: counted as its own child, never linked to another conference."""
    if ref and ref.strip():
        return ref
    return f"\0unreferenced:{conference_id}:{slot}"


def to_record(
    *,
    conference_id: str,
    revision: int,
    created_at: str,
    updated_at: str,
    answers: dict[str, Any],
    key: bytes,
) -> dict[str, Any]:
    """The spec §4 record for one completed conference.

    ``family_key``/``child_key`` are made from the local family and child case references; the references
    themselves, names and notes are not copied. ``key`` is the service's pseudonymisation key.
    """
    s = shape()
    rec: dict[str, Any] = {
        "id": conference_id,
        "revision": revision,
        "questionnaire_version": s.version,
        "family_key": family_key(_ref(answers.get("family_ref"), conference_id, "family"), key),
    }
    for k in s.top:
        v = answers.get(k)
        rec[k] = list(v) if isinstance(v, list) else v
    rec["children"] = [
        {"child_key": child_key(_ref(c.get("case_ref"), conference_id, i), key), **{k: c.get(k) for k in s.children}}
        for i, c in enumerate(answers.get("children") or ())
    ]
    for group, subs in s.repeats:
        rec[group] = [
            {k: (list(v) if isinstance(v := item.get(k), list) else v) for k in subs}
            for item in answers.get(group) or ()
        ]
    quality = answers.get("quality") or {}
    rec["quality"] = {k: quality.get(k) for k in s.quality}
    rec["created_at"] = created_at
    rec["updated_at"] = updated_at
    return rec


def deletion_marker(*, conference_id: str, revision: int, deleted_at: str) -> dict[str, Any]:
    """``{"id", "revision", "deleted_at"}``: a deleted conference travels only as this (spec §6.1)."""
    return {"id": conference_id, "revision": revision, "deleted_at": deleted_at}
