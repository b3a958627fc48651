"""A chair's local answers -> an interchange-v1 record (spec §4), and deletion markers (spec §6.1).

Why a whitelist built from the definition rather than "copy and delete the local keys": the answers
document may grow keys (a form helper, a future local field) and anything not named by the spec must
never leave the laptop. So the exported keys are exactly the definition's non-local fields, plus the
pseudonymous keys and the row's identity columns; local-only fields (family and case references, names,
notes) are dropped because they are marked ``local`` in the definition, and the case references are
replaced by HMAC keys (``interchange/keys.py``).

Built for speed: the exporter calls ``to_record`` 20,000 times, so the field lists are computed once and
each call is plain dict work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cpchair.domain import questionnaire
from cpchair.interchange.keys import child_key, family_key


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
    return record_maker(key)(conference_id, revision, created_at, updated_at, answers)


def record_maker(key: bytes | KeyMaker) -> Callable[[str, int, str, str, dict[str, Any]], dict[str, Any]]:
    """``make(conference_id, revision, created_at, updated_at, answers)``: ``to_record`` for many records.

    Why a closure: the exporter makes 20,000 records in one go, and binding the definition's field lists,
    the key caches and the checks to local names once makes each record plain dict work (a quarter faster
    than looking them up per record). ``to_record`` is this with a maker of one.
    """
    s = shape()
    keys = key if isinstance(key, KeyMaker) else KeyMaker(key)
    child_key_of, family_key_of = keys.child, keys.family
    child_keys, family_keys = keys._children, keys._families
    top, version = s.top, s.version
    cg = s.children
    c_stored, c_exported, c_local = cg.stored_set, cg.exported, cg.local
    repeats = tuple((g.key, g.exported_set, g.stored_set, g.local, g.exported) for g in s.repeats)
    quality_set, quality_keys = s.quality_set, s.quality

    def make(
        conference_id: str, revision: int, created_at: str, updated_at: str, answers: dict[str, Any]
    ) -> dict[str, Any]:
        get = answers.get
        ref = get("family_ref")
        if not (ref and ref.strip()):
            ref = _ref(ref, conference_id, "family")
        fk = family_keys.get(ref)
        if fk is None:
            fk = family_key_of(ref)
        rec: dict[str, Any] = {k: get(k) for k in top}
        rec["id"] = conference_id
        rec["revision"] = revision
        rec["questionnaire_version"] = version
        rec["family_key"] = fk
        children = []
        for i, c in enumerate(get("children") or ()):
            entry = dict(c) if c.keys() == c_stored else {k: c.get(k) for k in c_exported}
            for k in c_local:
                entry.pop(k, None)
            ref = c.get("case_ref")
            if not (ref and ref.strip()):
                ref = _ref(ref, conference_id, i)
            ck = child_keys.get(ref)
            entry["child_key"] = ck if ck is not None else child_key_of(ref)
            children.append(entry)
        rec["children"] = children
        for name, exported_set, stored_set, local, exported in repeats:
            out = []
            for item in get(name) or ():
                item_keys = item.keys()
                if item_keys == exported_set:
                    out.append(item)
                elif item_keys == stored_set:
                    item = dict(item)
                    for k in local:
                        del item[k]
                    out.append(item)
                else:  # an odd entry: whitelist, missing keys as null
                    out.append({k: item.get(k) for k in exported})
            rec[name] = out
        quality = get("quality") or {}
        rec["quality"] = quality if quality.keys() == quality_set else {k: quality.get(k) for k in quality_keys}
        rec["created_at"] = created_at
        rec["updated_at"] = updated_at
        return rec

    return make


def deletion_marker(*, conference_id: str, revision: int, deleted_at: str) -> dict[str, Any]:
    """``{"id", "revision", "deleted_at"}``: a deleted conference travels only as this (spec §6.1)."""
    return {"id": conference_id, "revision": revision, "deleted_at": deleted_at}
