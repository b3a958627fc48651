"""Local answers become spec records: only the keys the spec names, pseudonymous keys, nothing local."""

from __future__ import annotations

import copy
import json

import jsonschema

from cpchair.interchange.records import KeyMaker, deletion_marker, to_record
from cpchair.interchange.schema_build import load_schema
from cpchair.services.pseudonym import DEMO_KEY, child_key, family_key

from .answers import SECRET, varied_answers

ID = "0b0e5f0e-6a39-4a8b-9f43-5d0d0a2f0c11"


def _record(answers, key=DEMO_KEY):
    return to_record(
        conference_id=ID,
        revision=3,
        created_at="2026-01-02T09:00:00Z",
        updated_at="2026-01-05T10:30:00Z",
        answers=answers,
        key=key,
    )


def test_record_validates_against_the_conference_schema():
    schema = load_schema()
    conference = {"definitions": schema["definitions"], "$ref": "#/definitions/conference"}
    for i in range(4):
        jsonschema.Draft7Validator(conference).validate(_record(varied_answers(i)))


def test_no_local_value_and_no_unnamed_key_leaves():
    answers = varied_answers(1)
    answers["children"][0]["nhs_number"] = "943 476 5919"  # a key the definition does not have
    answers["minutes_draft"] = "free text"
    rec = _record(answers)
    text = json.dumps(rec)
    assert SECRET not in text
    assert "943 476 5919" not in text and "free text" not in text
    props = load_schema()["definitions"]
    assert set(rec) == set(props["conference_v2"]["properties"])
    assert set(rec["children"][0]) == set(props["child_v2"]["properties"])
    assert set(rec["adults"][0]) == set(props["adult_v2"]["properties"])


def test_keys_are_the_hmac_of_the_case_references():
    answers = varied_answers(1)
    rec = _record(answers)
    assert rec["family_key"] == family_key(answers["family_ref"], DEMO_KEY)
    assert [c["child_key"] for c in rec["children"]] == [
        child_key(c["case_ref"], DEMO_KEY) for c in answers["children"]
    ]
    assert rec["family_key"].startswith("fk_") and len(rec["family_key"]) == 35
    assert rec["children"][0]["child_key"].startswith("ck_")
    other = _record(answers, key=b"\x01" * 32)
    assert other["family_key"] != rec["family_key"]


def test_identity_columns_come_from_the_row():
    rec = _record(varied_answers(0))
    assert (rec["id"], rec["revision"], rec["questionnaire_version"]) == (ID, 3, 2)
    assert (rec["created_at"], rec["updated_at"]) == ("2026-01-02T09:00:00Z", "2026-01-05T10:30:00Z")


def test_children_without_a_case_reference_do_not_collapse_into_one_child():
    answers = varied_answers(1)
    for c in answers["children"]:
        c["case_ref"] = "  "
    answers["family_ref"] = ""
    rec = _record(answers)
    keys = [c["child_key"] for c in rec["children"]]
    assert len(set(keys)) == len(keys) == 2
    assert keys[0] != child_key("", DEMO_KEY)
    assert rec["family_key"] != family_key("", DEMO_KEY)


def test_making_a_record_leaves_the_answers_as_they_were():
    answers = varied_answers(1)
    before = copy.deepcopy(answers)
    _record(answers)
    assert answers == before


def test_odd_entries_are_whitelisted_and_missing_keys_become_null():
    answers = varied_answers(0)
    del answers["agencies"][0]["report"]
    answers["agencies"][0]["contact_name"] = "SECRET Officer"
    del answers["quality"]["dissent"]
    rec = _record(answers)
    assert rec["agencies"][0] == {"agency": "police", "invited": True, "attendance": "attended", "report": None}
    assert rec["quality"]["dissent"] is None and len(rec["quality"]) == 8


def test_a_key_maker_gives_the_same_keys_as_the_raw_key():
    answers = varied_answers(1)
    maker = KeyMaker(DEMO_KEY)
    assert _record(answers, key=maker) == _record(answers) == _record(answers, key=maker)


def test_deletion_marker_has_exactly_three_keys():
    assert deletion_marker(conference_id=ID, revision=4, deleted_at="2026-02-01T00:00:00Z") == {
        "id": ID,
        "revision": 4,
        "deleted_at": "2026-02-01T00:00:00Z",
    }
