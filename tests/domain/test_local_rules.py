"""Completing needs the local case references the exported pseudonymous keys are made from."""

from __future__ import annotations

import pytest
from services.records import valid_answers

from cpchair.domain.local_rules import completion_problems, local_problems
from cpchair.errors import InvalidRecord
from cpchair.services import conferences


def test_a_valid_record_with_its_references_has_no_local_problems():
    assert local_problems(valid_answers()) == []
    assert completion_problems(valid_answers()) == []


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_family_and_child_references_are_reported_beside_their_fields(blank):
    answers = valid_answers()
    answers["family_ref"] = blank
    answers["children"][0]["case_ref"] = blank
    paths = [p.path for p in local_problems(answers)]
    assert paths == ["family_ref", "children[0].case_ref"]


def test_complete_refuses_a_child_without_a_case_reference_and_a_draft_keeps_it(session):
    answers = valid_answers()
    answers["children"][0]["case_ref"] = ""
    cid = conferences.create(session, answers)
    with pytest.raises(InvalidRecord) as caught:
        conferences.complete(session, cid)
    assert [p.path for p in caught.value.problems] == ["children[0].case_ref"]
    assert conferences.get(session, cid).status == "draft"
    answers["children"][0]["case_ref"] = "CH-1"
    conferences.save(session, cid, answers)
    assert conferences.complete(session, cid).status == "complete"
