"""Rules on the local-only answers, checked before a conference can be completed.

The spec's rules (validation.py) see only what is exported. But the exported ``family_key`` and
``child_key`` are made from the local case references, so a blank reference would leave a child
unlinkable: its plan could not be followed from the ICPC to the reviews, and "time on plan", "plans open at
the end" and the caseload would all be wrong. So completing needs every reference; a draft does not.
"""

from __future__ import annotations

from typing import Any

from cpchair.domain.questionnaire import Questionnaire, load
from cpchair.domain.validation import Problem


def local_problems(answers: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    q = q or load()
    out: list[Problem] = []
    if not (answers.get("family_ref") or "").strip():
        out.append(Problem("family_ref", q.message("family_ref_required")))
    for i, child in enumerate(answers.get("children") or []):
        if not (child.get("case_ref") or "").strip():
            out.append(Problem(f"children[{i}].case_ref", q.message("case_ref_required")))
    return out


def completion_problems(answers: dict[str, Any], q: Questionnaire | None = None) -> list[Problem]:
    """Everything that stops ``answers`` being completed: the spec's errors and the local rules."""
    from cpchair.domain.validation import errors

    return errors(answers, q) + local_problems(answers, q)
