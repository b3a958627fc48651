"""The questionnaire definition is complete and consistent with interchange-v1 §4, so a form rendered from it
shows every question the spec asks, with usable labels and mnemonics."""

from __future__ import annotations

import re

from cpchair.domain.questionnaire import load
from cpchair.services import conferences
from tests.conftest import SPEC_DIR

SPEC = SPEC_DIR / "interchange-v1.md"
KINDS = {"date", "bool", "choice", "multi", "int", "text", "repeat"}


def test_every_field_has_a_known_kind_and_its_code_lists_exist():
    q = load()
    for section in q.sections:
        assert section.title and section.fields
        for f in section.fields:
            for sub in (f, *f.fields):
                assert sub.kind in KINDS, sub.key
                if sub.kind in {"choice", "multi"}:
                    assert sub.codes, sub.key
                    for name in sub.codes.split("|"):
                        assert q.codes[name], (sub.key, name)
                assert (sub.kind == "repeat") == bool(sub.fields), sub.key


def _mnemonics(fields) -> list[str]:
    return [m.group(1).lower() for f in fields if (m := re.search(r"&(\w)", f.label))]


def test_mnemonics_are_unique_within_each_page():
    q = load()
    for section in q.sections:
        keys = _mnemonics(section.fields)
        assert len(keys) == len(set(keys)), (section.key, keys)


def test_every_question_of_a_child_or_an_adult_has_its_own_mnemonic():
    q = load()
    for repeat in ("children", "adults"):
        fields = q.field(repeat).fields
        keys = _mnemonics(fields)
        assert len(keys) == len(fields) == len(set(keys)), (repeat, keys)
        assert "a" not in keys, "Alt+A is the page's Add button"


def test_the_spec_4_4_quality_code_lists_match_the_definition():
    q = load()
    text = SPEC.read_text("utf-8")
    part = text.split("### 4.4", 1)[1].split("###", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", part, flags=re.M)
    assert len(rows) == 8
    assert tuple(k for k, _ in rows) == q.quality_keys
    for key, codes in rows:
        assert list(q.codes[key]) == re.findall(r"`(\w+)`", codes), key


def test_the_spec_4_code_lists_match_the_definition():
    q = load()
    text = SPEC.read_text("utf-8")
    # (spec key, code list, codes the row's rule text mentions that are not answers to this question)
    for key, code_list, mentioned in (
        ("conference_type", "conference_type", set()),
        ("delay_reason", "delay_reason", {"initial"}),
        ("issues", "issue", set()),
        ("category", "category", {"plan_started", "plan_continues"}),
        ("plan_sequence", "plan_sequence", set()),
        ("relationship", "relationship", set()),
        ("not_invited_reason", "not_invited_reason", set()),
        ("agency", "agency", set()),
        ("emotional_abuse_check", "emotional_abuse_check", set()),
    ):
        row = re.search(rf"^\| `{key}` \|(.+)$", text, flags=re.M).group(1)
        listed = set(re.findall(r"`(\w+)`", row)) - mentioned
        assert set(q.codes[code_list]) == listed, key


def test_local_fields_are_exactly_the_names_references_and_notes():
    q = load(1)
    assert q.local_keys() == {"family_ref", "family_name", "notes"}
    assert q.local_keys("children") == {"case_ref", "name"}
    assert q.local_keys("adults") == {"name"}
    assert q.local_keys("agencies") == frozenset()
    q2 = load()  # version 2 adds the expected date of delivery and why an adult is not relevant: local too
    assert q2.local_keys() == {"family_ref", "family_name", "notes", "expected_delivery_date"}
    assert q2.local_keys("children") == {"case_ref", "name"}
    assert q2.local_keys("adults") == {"name", "not_relevant_rationale"}
    assert q2.local_keys("agencies") == frozenset()


def test_blank_records_carry_every_field_the_form_shows():
    q = load()
    blank = conferences.blank_answers()
    for section in q.sections:
        for f in section.fields:
            head = f.key.split(".", 1)[0]
            assert head in blank, f.key
    for repeat, blank_item in (
        ("children", conferences.blank_child()),
        ("adults", conferences.blank_adult()),
        ("agencies", conferences.blank_agency()),
        ("escalations", conferences.blank_escalation()),
    ):
        assert [f.key for f in q.field(repeat).fields] == list(blank_item), repeat


def test_guidance_and_messages_are_there_for_the_form():
    q = load()
    assert "neglect" in q.guidance["emotional_abuse"].text
    assert "Working Together" in q.guidance["neglect"].text
    assert q.message("bad_date") == "Enter a date as dd/mm/yyyy."
    assert q.field("conference_date").plain_label == "Conference date"
