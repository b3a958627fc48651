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
class _Group:
    """A repeated group: the keys it exports, and the key sets a stored entry normally has."""

    key: str
    exported: tuple[str, ...]
    exported_set: frozenset[str]
    local: tuple[str, ...]
    stored_set: frozenset[str]  # exported + local: an entry with exactly these keys takes the fast path


@dataclass(frozen=True)
class _Shape:
    """The exported keys, derived from the questionnaire definition."""

    top: tuple[str, ...]  # plain top-level answers (codes, dates, booleans, multi lists)
    children: _Group
    repeats: tuple[_Group, ...]  # adults, agencies, escalations
    quality: tuple[str, ...]
    quality_set: frozenset[str]
    version: int


def _group(f: questionnaire.Field) -> _Group:
    exported = tuple(s.key for s in f.fields if not s.local)
    local = tuple(s.key for s in f.fields if s.local)
    return _Group(f.key, exported, frozenset(exported), local, frozenset(exported + local))


@cache
def shape() -> _Shape:
    q = questionnaire.load()
    top: list[str] = []
    repeats: list[_Group] = []
    children: _Group | None = None
    for section in q.sections:
        for f in section.fields:
            if f.local or f.key.startswith("quality."):
                continue
            if f.kind == "repeat":
                if f.key == "children":
                    children = _group(f)
                else:
                    repeats.append(_group(f))
            else:
                top.append(f.key)
    assert children is not None, "the questionnaire has no children group"
    return _Shape(
        top=tuple(top),
        children=children,
        repeats=tuple(repeats),
        quality=q.quality_keys,
        quality_set=frozenset(q.quality_keys),
        version=q.version,
    )


class KeyMaker:
    """Makes ``child_key``/``family_key`` under the service's key, remembering each reference's key.

    Families and children recur across an installation's conferences (every review repeats them), so
    one export computes each HMAC once.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._children: dict[str, str] = {}
        self._families: dict[str, str] = {}

    def child(self, ref: str) -> str:
        k = self._children.get(ref)
        if k is None:
            k = self._children[ref] = child_key(ref, self.key)
        return k

    def family(self, ref: str) -> str:
        k = self._families.get(ref)
        if k is None:
            k = self._families[ref] = family_key(ref, self.key)
        return k


def _ref(ref: str | None, conference_id: str, slot: object) -> str:
    """The reference to pseudonymise. A blank reference would give every unreferenced child the same key
    and merge them into one child in the statistics, so a blank one gets a stand-in unique to this
    conference and slot: counted as its own child, never linked to another conference."""
    if ref and ref.strip():
        return ref
    return f"\0unreferenced:{conference_id}:{slot}"


def _entry(item: dict[str, Any], g: _Group) -> dict[str, Any]:
    """One entry of a repeated group with only its exported keys (shared when it has nothing else)."""
    keys = item.keys()
    if keys == g.exported_set:
        return item
    if keys == g.stored_set:
        out = dict(item)
        for k in g.local:
            del out[k]
        return out
    return {k: item.get(k) for k in g.exported}  # an odd entry: whitelist, missing keys as null


def to_record(
    *,
    conference_id: str,
    revision: int,
    created_at: str,
    updated_at: str,
    answers: dict[str, Any],
    key: bytes | KeyMaker,
) -> dict[str, Any]:
    """The spec §4 record for one completed conference.

    ``family_key``/``child_key`` are made from the local family and child case references; the references
    themselves, names and notes are not copied. ``key`` is the service's pseudonymisation key (or a
    KeyMaker holding it, to reuse keys across records). ``answers`` is not modified, but entries that
    need no change are shared with the record rather than copied (the exporter parses answers afresh
    for every export, and copying 20,000 records' agencies would cost more than all the rest).
    """
    s = shape()
    keys = key if isinstance(key, KeyMaker) else KeyMaker(key)
    rec: dict[str, Any] = {
        "id": conference_id,
        "revision": revision,
        "questionnaire_version": s.version,
        "family_key": keys.family(_ref(answers.get("family_ref"), conference_id, "family")),
    }
    get = answers.get
    for k in s.top:
        rec[k] = get(k)
    cg = s.children
    children = []
    for i, c in enumerate(get("children") or ()):
        entry = dict(c) if c.keys() == cg.stored_set else {k: c.get(k) for k in cg.exported}
        for k in cg.local:
            entry.pop(k, None)
        entry["child_key"] = keys.child(_ref(c.get("case_ref"), conference_id, i))
        children.append(entry)
    rec["children"] = children
    for g in s.repeats:
        rec[g.key] = [_entry(item, g) for item in get(g.key) or ()]
    quality = get("quality") or {}
    rec["quality"] = quality if quality.keys() == s.quality_set else {k: quality.get(k) for k in s.quality}
    rec["created_at"] = created_at
    rec["updated_at"] = updated_at
    return rec


def deletion_marker(*, conference_id: str, revision: int, deleted_at: str) -> dict[str, Any]:
    """``{"id", "revision", "deleted_at"}``: a deleted conference travels only as this (spec §6.1)."""
    return {"id": conference_id, "revision": revision, "deleted_at": deleted_at}
