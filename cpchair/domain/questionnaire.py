"""The questionnaire definitions, loaded once each from ``definitions/questionnaire_v<N>.toml``.

Why data and not code: the same questions, codes, labels, help and messages feed the form, the
validation, the export, the minutes and the statistics. Keeping them in one file means a label changed
here changes everywhere, and a code can never drift between the form and the export. The definition also
carries what used to be copied by hand: defaults and blank records (``blank``), limits, which code list a
field uses, which conference types a question applies to, and the editor's layout hints.

Why one file per version rather than one file with per-version fields: a published version is a contract
(records of ``questionnaire_version`` 1 are read and counted for ever, by the rules of version 1), so its
file is frozen as it was published, and the current questionnaire can change without any chance of
changing what an old record means. ``load()`` is the questionnaire a chair fills in today; ``load(1)``
is the one version 1 records are checked against.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

QUESTIONNAIRE_VERSION = 2
#: Every version this release reads; a record of a newer one is refused ("update cpchair").
KNOWN_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Field:
    """One question. ``codes`` names a code list (``a|b`` means either list, chosen by context)."""

    key: str
    label: str
    kind: str
    codes: str | None = None
    help: str = ""
    local: bool = False
    optional: bool = False
    multiline: bool = False
    min: int | None = None
    max: int | None = None
    default: Any = None
    derived: bool = False  # worked out by cpchair.domain.rules from other answers: shown, never typed
    hidden: bool = False  # kept in the record, not shown in the form
    types: tuple[str, ...] = ()  # the conference types it applies to (empty: all)
    required: str = ""  # "v2": required unless the record was carried from version 1
    layout: str = ""  # a repeat's layout: "cards" or "table"
    fixed: str = ""  # a table's column fixed per row (the agency a row is about)
    noun: str = ""  # what one entry of a repeat is called ("child")
    max_items: int | None = None
    lists: tuple[str, ...] = ()  # "type:list" pairs for a choice whose list depends on the conference type
    fields: tuple[Field, ...] = ()

    def blank(self) -> Any:
        """This answer in a new record: the default, an empty list for a multi, ``min`` blank entries for a
        repeat (their own defaults), a copy so callers may change it."""
        if self.kind == "repeat":
            return [blank_entry(self) for _ in range(self.min or 0)]
        if self.kind == "multi":
            return list(self.default or [])
        return self.default

    def code_list_for(self, conference_type: str | None) -> str | None:
        """The code list offered for ``conference_type`` (``lists``), else the field's own."""
        for pair in self.lists:
            kind, _, name = pair.partition(":")
            if kind == conference_type or kind == "*":
                return name
        return self.codes

    def applies_to(self, conference_type: str | None) -> bool:
        return not self.types or conference_type in self.types

    @property
    def plain_label(self) -> str:
        """The label without its ``&`` mnemonic marker, for messages, PDFs and exports."""
        return self.label.replace("&&", "\0").replace("&", "").replace("\0", "&")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Guidance:
    title: str
    text: str


@dataclass(frozen=True)
class Questionnaire:
    version: int
    codes: dict[str, dict[str, str]]
    groups: dict[str, tuple[str, ...]]
    sections: tuple[Section, ...]
    guidance: dict[str, Guidance]
    messages: dict[str, str]
    _by_key: dict[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def label(self, code_list: str, code: str | None) -> str:
        """The label people read for ``code`` in ``code_list`` (the code itself if unknown, '' for None)."""
        if code is None:
            return ""
        return self.codes[code_list].get(code, code)

    def code_set(self, code_list: str) -> frozenset[str]:
        return frozenset(self.codes[code_list])

    def group(self, name: str) -> tuple[str, ...]:
        return self.groups[name]

    def field(self, key: str) -> Field:
        """A field by its dotted key: ``conference_date``, ``quality.plan_smart``, ``children.decision``."""
        return self._by_key[key]

    def codes_of(self, f: Field) -> frozenset[str]:
        """Every code ``f`` may hold (``a|b``: either list), as the validation and the schema read it."""
        out: set[str] = set()
        for name in (f.codes or "").split("|"):
            if name:
                out.update(self.codes[name])
        return frozenset(out)

    def blank(self, conference_type: str | None = None) -> dict[str, Any]:
        """A new record: every key present, each with the definition's default (quality answers nested)."""
        rec: dict[str, Any] = {}
        for s in self.sections:
            for f in s.fields:
                head, _, rest = f.key.partition(".")
                if rest:
                    rec.setdefault(head, {})[rest] = f.blank()
                else:
                    rec[f.key] = f.blank()
        rec["conference_type"] = conference_type
        return rec

    def blank_entry(self, repeat: str, **values: Any) -> dict[str, Any]:
        """A new child, adult, agency or escalation, with ``values`` filled in."""
        entry = blank_entry(self.field(repeat))
        entry.update(values)
        return entry

    def repeats(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields if f.kind == "repeat")

    def all_fields(self) -> tuple[Field, ...]:
        """Every top-level field in form order (quality fields with their dotted keys)."""
        return tuple(f for s in self.sections for f in s.fields)

    def message(self, name: str, **kwargs: object) -> str:
        return self.messages[name].format(**kwargs)

    @property
    def quality_keys(self) -> tuple[str, ...]:
        """The keys of the ``quality`` object, in form order."""
        return tuple(f.key.split(".", 1)[1] for s in self.sections for f in s.fields if f.key.startswith("quality."))

    def local_keys(self, repeat: str | None = None) -> frozenset[str]:
        """Keys that never leave the laptop, at the top level or inside the ``repeat`` group."""
        if repeat is None:
            return frozenset(f.key for s in self.sections for f in s.fields if f.local)
        return frozenset(f.key for f in self.field(repeat).fields if f.local)


def blank_entry(f: Field) -> dict[str, Any]:
    return {sub.key: sub.blank() for sub in f.fields}


def _field(raw: dict) -> Field:
    sub = tuple(_field(f) for f in raw.get("fields", ()))
    known = {k: (tuple(v) if k in ("types", "lists") else v) for k, v in raw.items() if k != "fields"}
    return Field(fields=sub, **known)


def _code_lists(raw: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The code lists, with ``_extends = ["other"]`` replaced by the other lists' codes and labels."""
    out: dict[str, dict[str, str]] = {}
    for name, items in raw.items():
        codes = {k: v for k, v in items.items() if k != "_extends"}
        for other in items.get("_extends", ()):
            codes.update(raw[other])
        out[name] = codes
    return out


def load(version: int | None = None) -> Questionnaire:
    """The questionnaire of ``version`` (default: the current one), parsed once per process."""
    return _load(QUESTIONNAIRE_VERSION if version is None else version)


def for_record(record: dict[str, Any]) -> Questionnaire:
    """The definition a record is read by: its ``questionnaire_version`` (local answers: the current one).
    An unknown version falls back to the current definition; the reader refuses such a file first."""
    version = record.get("questionnaire_version")
    return _load(version) if version in KNOWN_VERSIONS and version.__class__ is int else load()


@cache
def _load(version: int) -> Questionnaire:
    text = resources.files("cpchair.domain.definitions").joinpath(f"questionnaire_v{version}.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    sections = tuple(
        Section(key=s["key"], title=s["title"], intro=s.get("intro", ""), fields=tuple(_field(f) for f in s["fields"]))
        for s in raw["sections"]
    )
    by_key: dict[str, Field] = {}
    for s in sections:
        for f in s.fields:
            by_key[f.key] = f
            for sub in f.fields:
                by_key[f"{f.key}.{sub.key}"] = sub
    return Questionnaire(
        version=raw["version"],
        codes=_code_lists(raw["codes"]),
        groups={name: tuple(v) for name, v in raw["groups"].items()},
        sections=sections,
        guidance={k: Guidance(**v) for k, v in raw["guidance"].items()},
        messages=dict(raw["messages"]),
        _by_key=by_key,
    )
