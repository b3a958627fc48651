"""The questionnaire definition, loaded once from ``definitions/questionnaire_v1.toml``.

Why data and not code: the same questions, codes, labels, help and messages feed the form, the
validation, the export, the minutes and the statistics. Keeping them in one file means a label changed
here changes everywhere, and a code can never drift between the form and the export.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

QUESTIONNAIRE_VERSION = 1


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
    fields: tuple[Field, ...] = ()

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


def _field(raw: dict) -> Field:
    sub = tuple(_field(f) for f in raw.get("fields", ()))
    known = {k: v for k, v in raw.items() if k != "fields"}
    return Field(fields=sub, **known)


@cache
def load() -> Questionnaire:
    """Parse the definition once per process."""
    text = resources.files("cpchair.domain.definitions").joinpath("questionnaire_v1.toml").read_text("utf-8")
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
        codes={name: dict(items) for name, items in raw["codes"].items()},
        groups={name: tuple(v) for name, v in raw["groups"].items()},
        sections=sections,
        guidance={k: Guidance(**v) for k, v in raw["guidance"].items()},
        messages=dict(raw["messages"]),
        _by_key=by_key,
    )
