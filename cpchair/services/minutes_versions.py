"""The copies of the minutes: one for the professionals (everything), one for each parent or carer, one for the
young person; each family copy without what the chair withheld from that person, and, for a split conference,
without the parts that person did not attend.

Why one function (``for_version``) does all of it: every PDF (minutes, letters, preview) is drawn from a
``MinutesDocument``, so filtering the document once, before any renderer sees it, means no renderer can leak a
withheld passage, whatever it prints. The rules fail closed: a withheld passage that can no longer be found word
for word (the chair edited it) withholds the whole part it was marked in; a restriction naming a parent who is no
longer at that place in the questionnaire's list withholds from every family member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from cpchair.domain.questionnaire import load
from cpchair.services import minutes as minutes_service
from cpchair.services import minutes_record
from cpchair.services.minutes import TEXT_FIELDS, MinutesDocument
from cpchair.services.minutes_record import FAMILY, YOUNG_PERSON

FULL = "full"
YOUNG = "young-person"
WITHHELD_PART = "[Not included in this copy.]"
WITHHELD_WORDS = "[withheld]"
SEPARATE_PART = "[Recorded in the minutes of a part of the conference held separately.]"
_TEXT_KEYS = tuple(key for key, _, _ in TEXT_FIELDS)


@dataclass(frozen=True)
class Version:
    code: str
    for_whom: str
    recipient: str | None  # None for the professionals; "adult:N" or "young_person"


def adult_label(name: str, relationship: str) -> str:
    """How a parent or carer is named in a version's title and a restriction's snapshot."""
    return f"{name} ({relationship})" if name and relationship else (name or relationship or "Unnamed adult")


def versions_of(doc: MinutesDocument) -> list[Version]:
    """Every copy these minutes have, professionals' first."""
    out = [Version(FULL, "Professionals (full version)", None)]
    for i, adult in enumerate(doc.adults, 1):
        out.append(Version(f"parent-{i}", adult_label(adult.name, adult.relationship), f"adult:{i}"))
    if any(not c.unborn for c in doc.children):
        names = ", ".join(c.name for c in doc.children if not c.unborn)
        out.append(Version(YOUNG, f"The young person ({names})", YOUNG_PERSON))
    return out


def version_codes(answers: dict[str, Any]) -> list[str]:
    """The version codes a conference has, from its answers alone (for checking a recorded distribution)."""
    codes = [FULL] + [f"parent-{i}" for i, _ in enumerate(answers.get("adults") or [], 1)]
    if any(not c.get("unborn") for c in answers.get("children") or []):
        codes.append(YOUNG)
    return codes


def _current_labels(doc: MinutesDocument) -> dict[str, str]:
    return {f"adult:{i}": adult_label(a.name, a.relationship) for i, a in enumerate(doc.adults, 1)}


def _names_still_match(who: list[str], names: dict[str, str], doc: MinutesDocument) -> bool:
    """False when a named parent's snapshot no longer matches the questionnaire (reordered, renamed, removed)."""
    current = _current_labels(doc)
    return all(current.get(w) == names[w] for w in who if w.startswith("adult:") and w in names) and all(
        w in current for w in who if w.startswith("adult:")
    )


def withheld_from(restriction: dict[str, Any], recipient: str | None, doc: MinutesDocument) -> bool:
    """Whether ``restriction`` applies to the copy for ``recipient`` (None: the professionals, never)."""
    if recipient is None:
        return False
    who = restriction.get("from") or []
    if FAMILY in who or recipient in who:
        return True
    return not _names_still_match(who, restriction.get("names") or {}, doc)


def _attended(part: dict[str, Any], recipient: str, doc: MinutesDocument) -> bool:
    attended = part.get("attended") or []
    if recipient not in attended:
        return False
    return _names_still_match([recipient], part.get("names") or {}, doc)


# --------------------------------------------------------------------------------------------------------------
# Applying restrictions
# --------------------------------------------------------------------------------------------------------------
def _pattern(passage: str) -> re.Pattern[str]:
    """The passage's words with any whitespace between them (a line break typed since still matches)."""
    return re.compile(r"\s+".join(re.escape(w) for w in passage.split()))


class _Filter:
    """Builds one version's document from the full one, collecting the text of everything withheld."""

    def __init__(self, doc: MinutesDocument) -> None:
        self.full = doc
        self.changes: dict[str, Any] = {}
        self.withheld: list[str] = []
        q = load()
        self.contribution_codes = {label: code for code, label in q.codes["agency"].items()}

    def value(self, key: str) -> Any:
        return self.changes.get(key, getattr(self.full, key))

    def note(self, text: str) -> None:
        text = text.strip()
        if text and text not in self.withheld:
            self.withheld.append(text)

    # -- whole parts ----------------------------------------------------------------------------------------
    def part_text(self, ref: str) -> str:
        """The printed text of a part of the full minutes ("" if it has none)."""
        kind, _, rest = ref.partition(":")
        d = self.full
        if kind == "text" and rest in _TEXT_KEYS:
            return getattr(d, rest)
        if kind == "contribution":
            return next(
                (c.text for c in d.contributions if self.contribution_codes.get(c.heading, c.heading) == rest), ""
            )
        if kind == "attendee" and rest.isdigit() and 0 < int(rest) <= len(d.attendees):
            p = d.attendees[int(rest) - 1]
            return ", ".join(x for x in (p.name, p.role, p.agency) if x)
        if kind == "adult":
            index, _, what = rest.partition(":")
            if index.isdigit() and 0 < int(index) <= len(d.adults) and what == "reason":
                return d.adults[int(index) - 1].not_invited_reason
        if kind == "child":
            index, _, what = rest.partition(":")
            if index.isdigit() and 0 < int(index) <= len(d.children):
                child = d.children[int(index) - 1]
                return {"dob": child.born, "case_ref": child.case_ref}.get(what, "")
        if ref == "address":
            return d.address
        return ""

    def withhold_part(self, ref: str, mark: str = WITHHELD_PART) -> None:
        text = self.part_text(ref)
        self.note(text)
        kind, _, rest = ref.partition(":")
        if kind == "text" and rest in _TEXT_KEYS:
            self.changes[rest] = mark if text.strip() else ""
        elif kind == "contribution":
            self.changes["contributions"] = tuple(
                replace(c, text=mark) if self.contribution_codes.get(c.heading, c.heading) == rest else c
                for c in self.value("contributions")
            )
        elif kind == "attendee" and rest.isdigit():
            n = int(rest)
            gone = self.full.attendees[n - 1] if 0 < n <= len(self.full.attendees) else None
            self.changes["attendees"] = tuple(p for p in self.value("attendees") if p is not gone)
        elif kind == "adult":
            index = int(rest.partition(":")[0]) if rest.partition(":")[0].isdigit() else 0
            self.changes["adults"] = tuple(
                replace(a, not_invited_reason=mark if a.not_invited_reason else "") if i == index else a
                for i, a in enumerate(self.value("adults"), 1)
            )
        elif kind == "child":
            index, _, what = rest.partition(":")
            field = {"dob": "born", "case_ref": "case_ref"}.get(what)
            if field and index.isdigit():
                self.changes["children"] = tuple(
                    replace(c, **{field: ""}) if i == int(index) else c for i, c in enumerate(self.value("children"), 1)
                )
        elif ref == "address":
            self.changes["address"] = ""
        # A withheld fact (an address, a name, a date of birth, a reason) is withheld wherever it was also typed:
        # in the household text, the distribution list, a copy sent to that professional.
        if kind == "attendee" and rest.isdigit() and 0 < int(rest) <= len(self.full.attendees):
            self.scrub(_pattern(self.full.attendees[int(rest) - 1].name))
        elif (kind in ("adult", "child") or ref == "address") and text.strip():
            self.scrub(_pattern(text))

    # -- passages -------------------------------------------------------------------------------------------
    def _texts(self) -> list[tuple[str, str]]:
        """(key, text) of every free text a passage may sit in."""
        out = [(k, self.value(k)) for k in _TEXT_KEYS]
        out += [(f"contribution:{i}", c.text) for i, c in enumerate(self.value("contributions"))]
        out += [
            (f"plan:{i}", "\x1f".join((p.outcome, p.action, p.who, p.by_when)))
            for i, p in enumerate(self.value("plan"))
        ]
        out += [("address", self.value("address")), ("review_venue", self.value("review_venue"))]
        out += [(f"part:{i}", p.text) for i, p in enumerate(self.value("split_parts"))]
        return out

    def withhold_passage(self, ref: str, passage: str) -> None:
        pattern = _pattern(passage)
        found = any(pattern.search(text) for _, text in self._texts())
        if not found:
            # Edited since it was marked: withhold the whole part it was marked in, never the changed words.
            self.withhold_part(ref)
            self.note(passage)
            return
        self.note(passage)
        self.scrub(pattern)

    def scrub(self, pattern: re.Pattern[str]) -> None:
        """Replace the words wherever free text may hold them: every text field, contribution, plan cell,
        scaling row, split part, the address and venue, and the recipients of copies sent."""
        sub = lambda text: pattern.sub(WITHHELD_WORDS, text)  # noqa: E731
        for key in _TEXT_KEYS + ("address", "review_venue", "social_worker", "team_manager"):
            self.changes[key] = sub(self.value(key))
        self.changes["contributions"] = tuple(replace(c, text=sub(c.text)) for c in self.value("contributions"))
        self.changes["plan"] = tuple(
            replace(p, **{k: sub(getattr(p, k)) for k in ("outcome", "action", "who", "by_when")})
            for p in self.value("plan")
        )
        self.changes["scaling"] = tuple(replace(r, who=sub(r.who)) for r in self.value("scaling"))
        self.changes["split_parts"] = tuple(replace(p, text=sub(p.text)) for p in self.value("split_parts"))
        self.changes["sent"] = tuple(replace(d, recipient=sub(d.recipient)) for d in self.value("sent"))

    def document(self, **extra: Any) -> MinutesDocument:
        return replace(self.full, **self.changes, **extra)


def for_version(doc: MinutesDocument, local: dict[str, Any], code: str = FULL) -> tuple[MinutesDocument, list[str]]:
    """The copy ``code`` of the minutes and the text of each passage withheld from it.

    ``doc`` is the professionals' full document; ``local`` the local record's data (restrictions and split)."""
    versions = {v.code: v for v in versions_of(doc)}
    if code not in versions:
        from cpchair.errors import NotFound

        known = ", ".join(versions)
        raise NotFound(f"These minutes have no version {code!r}. The versions are: {known}.")
    version = versions[code]
    recipients = [] if version.recipient is None else [version.recipient]
    return for_recipients(doc, local, recipients, code, version.for_whom)


def for_recipients(
    doc: MinutesDocument, local: dict[str, Any], recipients: list[str], code: str, for_whom: str
) -> tuple[MinutesDocument, list[str]]:
    """The document as every one of ``recipients`` may see it (all their restrictions applied; only the parts
    of a split conference they all attended). No recipients: the professionals' full document. Used for one
    person's copy and for a letter to several parents at once."""
    f = _Filter(doc)
    attended_parts: list[str] = []
    if recipients:
        kept = []
        for part, line in zip(local.get("split") or [], doc.split_parts, strict=False):
            if all(_attended(part, r, doc) for r in recipients):
                attended_parts.append(part["title"])
                kept.append(line)
                continue
            f.note(line.text)
            for ref in part.get("sections") or []:
                f.withhold_part(ref, SEPARATE_PART)
        f.changes["split_parts"] = tuple(kept)
        # Whole parts first, so a passage inside a part withheld anyway is not reported twice as found.
        rules = [r for r in local.get("restrictions") or [] if any(withheld_from(r, x, doc) for x in recipients)]
        for r in rules:
            if not r.get("passage"):
                f.withhold_part(r["ref"])
        for r in rules:
            if r.get("passage"):
                f.withhold_passage(r["ref"], r["passage"])
    notice = ""
    if recipients:
        notice = f"This copy of the minutes is for {for_whom}."
        if local.get("split"):
            notice += " The conference was held in parts. " + (
                f"This copy records the parts attended by the person it is for ({'; '.join(attended_parts)}) "
                "and what was decided."
                if attended_parts
                else "This copy leaves out the parts held separately with other family members."
            )
        if f.withheld:
            notice += " Some information is not included in this copy."
    return f.document(version=code, version_for=for_whom, notice=notice), f.withheld


def describe(doc: MinutesDocument, local: dict[str, Any]) -> list[dict[str, Any]]:
    """Each version as ``{"version", "for", "withheld"}`` (the CLI's ``--versions --json``)."""
    return [
        {"version": v.code, "for": v.for_whom, "withheld": for_version(doc, local, v.code)[1]} for v in versions_of(doc)
    ]


def document_for(session: Session, conference_id: str, code: str = FULL) -> MinutesDocument:
    """The copy ``code`` of a stored conference's minutes."""
    full = minutes_service.document_for(session, conference_id)
    return for_version(full, minutes_record.get(session, conference_id).data, code)[0]


def describe_for(session: Session, conference_id: str) -> list[dict[str, Any]]:
    full = minutes_service.document_for(session, conference_id)
    return describe(full, minutes_record.get(session, conference_id).data)
