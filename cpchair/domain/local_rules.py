"""Rules on the local-only answers, checked before a conference can be completed.

The spec's rules (validation.py) see only what is exported. But the exported ``family_key`` and
``child_key`` are made from the local case references, so a blank reference would leave a child
unlinkable: its plan could not be followed from the ICPC to the reviews, and "time on plan", "plans open at
the end" and the caseload would all be wrong. So completing needs every reference; a draft does not. Version 2
adds the local facts the export carries only as a derived figure (the expected date of delivery) or not at
all (why an adult is not relevant to the child).
"""

from __future__ import annotations

from typing import Any

from cpchair.domain import dates, rules
from cpchair.domain.questionnaire import Questionnaire, load
from cpchair.domain.validation import Problem


def local_problems(answers: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    q = q or load()
    out: list[Problem] = []
    if not (answers.get("family_ref") or "").strip():
        out.append(Problem("family_ref", q.message("family_ref_required"), code="family_ref_required"))
    for i, child in enumerate(answers.get("children") or []):
        if not (child.get("case_ref") or "").strip():
            out.append(Problem(f"children[{i}].case_ref", q.message("case_ref_required"), code="case_ref_required"))
    if q.version < 2:
        return out
    if answers.get("conference_type") == "pre_birth_initial" and answers.get("carried_from_version") is None:
        edd = dates.parse_iso(answers.get("expected_delivery_date") or None)
        conf = dates.parse_iso(answers.get("conference_date") or None)
        if edd is None:
            out.append(Problem("expected_delivery_date", q.message("edd_required"), code="edd_required"))
        elif conf is not None and edd <= conf:
            text = q.message("edd_before_conference", edd=dates.format_uk(edd), conference=dates.format_uk(conf))
            out.append(Problem("expected_delivery_date", text, code="edd_before_conference"))
    for i, adult in enumerate(answers.get("adults") or []):
        if rules.rationale_applies(adult) and not (adult.get("not_relevant_rationale") or "").strip():
            name = "not_relevant_rationale_required"
            out.append(Problem(f"adults[{i}].not_relevant_rationale", q.message(name), code=name))
    return out


def completion_problems(answers: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    """Everything that stops ``answers`` being completed: the spec's errors and the local rules."""
    from cpchair.domain.validation import errors

    return errors(answers, q) + local_problems(answers, q)
