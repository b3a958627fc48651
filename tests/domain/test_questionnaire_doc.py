"""docs/questionnaire-v2.md, the format a council's BI team implements from, says what the definition says."""

from __future__ import annotations

import re

from cpchair.domain.questionnaire import load
from cpchair.domain.questionnaire_doc import DOC, render


def test_the_committed_page_is_generated_from_the_definition():
    assert DOC.read_text("utf-8") == render(), (
        "docs/questionnaire-v2.md is stale: run `python -m cpchair.domain.questionnaire_doc` and commit it"
    )


def test_every_exported_key_every_code_and_every_rule_is_on_the_page():
    q = load(2)
    text = DOC.read_text("utf-8")
    keys = set(re.findall(r"^\| `([\w.]+)` \|", text, flags=re.M))
    for f in q.all_fields():
        if f.kind == "repeat":
            assert f"`{f.key}`: array of objects" in text
        else:
            assert (f.key in keys) != f.local, f.key  # exported keys listed, local ones not in a table
        for sub in f.fields:
            assert (sub.key in keys) != sub.local, (f.key, sub.key)
    for name, items in q.codes.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"- **`{name}`**"))
        assert re.findall(r"`(\w+)`:", line) == list(items), name
    for code in q.messages:
        assert f"| `{code}` |" in text
    for local in ("expected_delivery_date", "not_relevant_rationale", "case_ref", "notes"):
        assert f"`{local}`" in text.split("Local only", 1)[1] or f"[].{local}`" in text, local
