"""Write ``docs/questionnaire-v2.md``, the format of a version 2 record, from the definition itself.

Why generated: a council's BI team implements the format from this page, so it must say exactly what the
software checks. Every field, type, code list, the conference types a question applies to and every rule's
message come from ``questionnaire_v2.toml``; only the explanations of the rules the definition cannot say
(how the quorum and the due dates are worked out) are written here, once. A test holds the committed page
to what this module renders, so a change to the definition without regenerating fails the suite.

Regenerate with ``python -m cpchair.domain.questionnaire_doc``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cpchair.domain.questionnaire import Field, Questionnaire, load

DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-v2.md"

INTRO = """\
# Questionnaire version 2: the conference record

*Generated from `cpchair/domain/definitions/questionnaire_v2.toml` by `python -m cpchair.domain.questionnaire_doc`;
do not edit by hand.*

A chair's copy of cpchair records one questionnaire per child protection conference. The coordinator's
export files (`docs/spec/interchange-v1.md`, §2 the envelope) carry each completed conference as a
**record**: a JSON object whose keys are listed below. Records carry `questionnaire_version`. Version 1
records (interchange-v1 §4) are still read and counted by every release, by the rules of version 1; this
page describes version 2, which keeps every version 1 key and code with its meaning and adds what a service
records under Working Together 2023. A record whose `questionnaire_version` is newer than the reader knows
is refused with the advice to update cpchair.

Conventions (as interchange-v1 §2): dates are `YYYY-MM-DD`, timestamps UTC `YYYY-MM-DDTHH:MM:SSZ`; every
code is a stable lower-case string and a code, once published, is never reused for another meaning; an
optional answer travels as `null` (an empty list for a list), never as a missing key; a record has exactly
the keys below, no others. Children and families appear only as pseudonymous keys (`child_key`,
`family_key`, interchange-v1 §3). Nothing identifying travels: the questions marked *local* stay on the
chair's computer and are not in the record.

## Identity and version

| key | type | rule |
| --- | --- | --- |
| `id` | UUID string | made when the conference is first created; never reused |
| `revision` | integer ≥ 1 | +1 on every save of the record |
| `created_at`, `updated_at` | timestamp | |
| `questionnaire_version` | integer | `2` |
| `family_key` | key | `fk_` + 32 hex characters (HMAC-SHA256 of the family's case reference) |

The cross-field rules of interchange-v1 §4 hold for version 2 records unchanged (the decisions of each
conference type, a category exactly when a child is on a plan, the plan start, the adults not invited, one
entry per agency, ...); the rules below are added. The last table names every rule by the code a problem
carries, with the message the form shows.

## How the derived answers are worked out

Answers marked *derived* are never typed: the software works them out from other answers on every save,
and a reader checks them again (a record whose derived answer disagrees is refused).

- **Quorum** (`quorate`, `not_quorate_reason`): children's social care is present when
  `social_worker_attendance` or `team_manager_attendance` is `attended` or `attended_virtually`; other
  agencies present are the `agencies[]` entries invited with attendance `attended` or `attended_virtually`.
  Quorate means children's social care present and at least two other agencies present. Otherwise
  `not_quorate_reason` is `no_social_care`, `too_few_agencies` or `no_social_care_too_few_agencies`. A
  conference carried from version 1 (`carried_from_version` = 1) with neither attendance recorded keeps the
  quorum typed in version 1, and `not_quorate_reason` is null.
- **Review due dates** (`review` only): `review_due_date` = `previous_conference_date` + 3 calendar months
  for the first review (`review_number` = 1, after an initial, pre-birth or transfer-in conference), + 6
  months for later reviews (a day past the month's end becomes its last day);
  `review_within_timescale` = `conference_date` ≤ `review_due_date`. `review_local_due_date` is the
  service's own (earlier or equal) target, + the service's local interval for later reviews (the first
  review's is the statutory date); `review_within_local_target` = `conference_date` ≤ it. The local target
  is a second target, never a replacement; a held review keeps the dates it was held against.
- **Weeks before the expected date of delivery** (`weeks_before_edd`, `pre_birth_initial` only): whole
  weeks from `conference_date` to the expected date of delivery, which itself stays on the laptop; null when
  that date is not after the conference; at most 42.
- **The category a plan started with** (`children[].category_at_plan_start`): equals `category` when the
  decision is `plan_started`; at a review it is carried from the plan's start.

## Cases the rules cover

- **Adjourned**: when `adjourned` is true, `adjournment_reason` and `reconvene_date` (after the
  conference) are required; at an initial-type conference every child's decision is `adjourned`; at a
  review the plan continues (`plan_continues`) until the conference reconvenes.
- **Plans ending without a conference**: a child on a plan after this conference may carry
  `plan_end_reason` and `plan_end_date` (both or neither, on or after the conference): the plan counts as
  ended on that date and the child leaves the chair's caseload.
- **Pre-birth**: the child's record continues after birth under the same `child_key`; reviews carry the
  plan's start (the pre-birth conference), so no new plan starts.
- **Transfer-in**: `transfer_notified_date` (not after the conference; the conference is due within 15
  working days of it) and, for each child whose plan starts, `original_plan_start_date` (before the
  conference): time on plan and the 15/18/24-month flags run from the real start.
- **Carried from version 1**: `carried_from_version` = 1 marks a conference recorded on version 1 and
  carried to version 2 when cpchair was upgraded. Its version 2 questions were never asked: they are null
  (lists empty, `adjourned` false) and are not required. Figures that need version 2 answers should say how
  many records could be counted.
"""


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def _type(q: Questionnaire, f: Field) -> str:
    nullable = " or null" if f.optional and f.kind not in ("multi", "repeat") else ""
    if f.kind == "choice":
        lists = " or ".join(f"`{name}`" for name in (f.codes or "").split("|"))
        return f"code ({lists}){nullable}"
    if f.kind == "multi":
        return f"array of codes (`{f.codes}`), each at most once"
    if f.kind == "int":
        bounds = f" {f.min}–{f.max}" if f.min is not None and f.max is not None else ""
        return f"integer{bounds}{nullable}"
    if f.kind == "repeat":
        return "array of objects" + (f", ≥ {f.min}" if f.min else "") + (f", ≤ {f.max_items}" if f.max_items else "")
    return {"date": "date", "bool": "boolean", "text": "text"}.get(f.kind, f.kind) + nullable


def _rule(f: Field) -> str:
    notes = []
    if f.derived:
        notes.append("*derived*")
    if f.types:
        notes.append("only at " + ", ".join(f"`{t}`" for t in f.types) + " (null otherwise)")
    if f.required == "v2":
        notes.append("required unless `carried_from_version` = 1")
    elif not f.optional and f.kind not in ("repeat", "multi"):
        notes.append("required")
    if f.help:
        notes.append(f.help)
    return _cell("; ".join(notes))


def _table(q: Questionnaire, fields: tuple[Field, ...], prefix: str = "") -> list[str]:
    out = ["| key | type | rule |", "| --- | --- | --- |"]
    for f in fields:
        if f.local:
            continue
        out.append(f"| `{prefix}{f.key}` | {_type(q, f)} | {_rule(f)} |")
    return out


def render(q: Questionnaire | None = None) -> str:
    q = q or load(2)
    lines = [INTRO.rstrip("\n"), "", "## The record, section by section", ""]
    for section in q.sections:
        lines += [f"### {section.title}", "", section.intro, ""]
        plain = tuple(f for f in section.fields if f.kind != "repeat")
        if any(not f.local for f in plain):
            lines += _table(q, plain)
            lines.append("")
        for f in section.fields:
            if f.kind != "repeat":
                continue
            extra = "`child_key` (key, `ck_` + 32 hex) and " if f.key == "children" else ""
            lines += [f"`{f.key}`: {_type(q, f)}; each entry has {extra}these keys:", ""]
            lines += _table(q, f.fields)
            lines.append("")
        local = [f.key for f in section.fields if f.local] + [
            f"{r.key}[].{s.key}" for r in section.fields if r.kind == "repeat" for s in r.fields if s.local
        ]
        if local:
            lines += ["Local only (never in a record): " + ", ".join(f"`{k}`" for k in local) + ".", ""]
    lines += ["The `quality` object holds the keys above written `quality.x`, as `x`.", ""]
    lines += ["## Code lists", "", "Each list in the order the form offers it: `code`: label.", ""]
    for name, items in q.codes.items():
        lines.append(f"- **`{name}`**: " + "; ".join(f"`{code}`: {label}" for code, label in items.items()))
    lines += ["", "## Groups the rules use", ""]
    for name, codes in q.groups.items():
        lines.append(f"- **`{name}`**: " + ", ".join(f"`{c}`" for c in codes))
    lines += ["", "## Rules and their messages", "", "Each problem carries the code of its rule:", ""]
    lines += ["| code | message |", "| --- | --- |"]
    for code, message in q.messages.items():
        lines.append(f"| `{code}` | {_cell(message)} |")
    lines += [
        "",
        "## The emotional-abuse guidance",
        "",
        "Shown beside a child's category when it is `emotional` and the family's issues include `domestic_abuse`",
        "with any of `emotional_abuse_cofactors`. It never blocks; the chair's answer is `emotional_abuse_check`.",
        "",
        "> " + q.guidance["emotional_abuse"].text,
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    DOC.write_text(render(), encoding="utf-8", newline="\n")
    print(DOC)
    return 0


if __name__ == "__main__":
    sys.exit(main())
