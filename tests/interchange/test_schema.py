"""The committed JSON Schema says what interchange-v1 says, and agrees with the questionnaire definition."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from cpchair.domain import questionnaire
from cpchair.interchange.canonical import payload_sha256
from cpchair.interchange.schema_build import build_schema, load_schema, render
from cpchair.interchange.schema_validation import first_violation
from tests.conftest import CONFORMANCE


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def sample(conformance_dir):
    """A small valid file (three records, one deletion marker) to mutate."""
    path = sorted((conformance_dir / "share").glob("*.json"))[1]
    doc = json.loads(path.read_text("utf-8"))
    doc["payload"]["conferences"] = doc["payload"]["conferences"][:3]
    doc["payload"]["deleted"] = doc["payload"]["deleted"][:1]
    return doc


@pytest.fixture(scope="module")
def conformance_dir():
    path = CONFORMANCE
    assert path.is_dir(), f"conformance vectors missing at {path}"
    return path


def test_committed_schema_is_up_to_date_with_the_definition(schema):
    from importlib import resources

    text = resources.files("cpchair.interchange").joinpath("schema_v1.json").read_text("utf-8")
    assert text == render(build_schema()), (
        "schema_v1.json is stale: run `python -m cpchair.interchange.schema_build` and commit it"
    )


@pytest.mark.parametrize("version", [1, 2])
def test_every_code_list_of_the_definition_is_an_enum_in_the_schema(schema, version):
    q = questionnaire.load(version)
    d = {k.removesuffix(f"_v{version}"): v for k, v in schema["definitions"].items() if k.endswith(f"_v{version}")}

    def enum(s):
        return set((s.get("anyOf", [s])[0]).get("enum") or s["items"]["enum"])

    assert d["conference"]["properties"]["questionnaire_version"] == {"const": version}
    assert enum(d["conference"]["properties"]["conference_type"]) == set(q.codes["conference_type"])
    assert enum(d["conference"]["properties"]["delay_reason"]) == set(q.codes["delay_reason"])
    assert enum(d["conference"]["properties"]["issues"]) == set(q.codes["issue"])
    assert enum(d["child"]["properties"]["decision"]) == set(q.codes["decision_initial"]) | set(
        q.codes["decision_review"]
    )
    assert enum(d["child"]["properties"]["category"]) == set(q.codes["category"])
    assert enum(d["adult"]["properties"]["engaged_agencies"]) == set(q.codes["agency"])
    assert enum(d["agency"]["properties"]["agency"]) == set(q.codes["agency"])
    assert enum(d["escalation"]["properties"]["subject"]) == set(q.codes["escalation_subject"])
    for key in q.quality_keys:
        assert enum(d["quality"]["properties"][key]) == set(q.codes[key])
    # every exported question of the definition, with its own code list, is in the record's schema
    for f in q.all_fields():
        if f.local or f.key.startswith("quality.") or f.kind == "repeat":
            continue
        assert f.key in d["conference"]["properties"], f.key
        if f.kind in ("choice", "multi"):
            assert enum(d["conference"]["properties"][f.key]) == set(q.codes_of(f)), f.key


def test_no_local_field_appears_in_the_schema(schema):
    text = json.dumps(schema)
    for key in ("family_ref", "family_name", "case_ref", '"name"', "notes"):
        assert key not in text


def test_every_object_is_closed(schema):
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, node
                assert set(node["required"]) == set(node["properties"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)


def test_the_six_conformance_files_validate_and_their_digests_match(validator, conformance_dir):
    files = sorted((conformance_dir / "share").glob("*.json"))
    assert len(files) == 6
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        assert list(validator.iter_errors(doc)) == [], path.name
        assert first_violation(load_schema(), doc) is None, path.name  # the importer's check (jsonschema-rs)
        assert payload_sha256(doc["payload"]) == doc["payload_sha256"], path.name


def test_digest_mismatch_is_schema_valid_but_its_digest_is_wrong(validator, conformance_dir):
    doc = json.loads((conformance_dir / "bad" / "digest-mismatch.json").read_text("utf-8"))
    assert list(validator.iter_errors(doc)) == []
    assert payload_sha256(doc["payload"]) != doc["payload_sha256"]


def test_unknown_category_fails_the_schema_at_the_category(validator, conformance_dir):
    doc = json.loads((conformance_dir / "bad" / "unknown-category.json").read_text("utf-8"))
    errors = list(validator.iter_errors(doc))
    assert errors
    assert any(list(e.absolute_path)[-1] == "category" for e in errors)
    found = first_violation(load_schema(), doc)
    assert found is not None and found.path.endswith(".category") and "not one the format allows" in found.message


def _first_conference(doc):
    return doc["payload"]["conferences"][0]


def test_the_sample_is_valid_before_mutation(validator, sample):
    assert list(validator.iter_errors(sample)) == []


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: d.__setitem__("extra", 1), id="unknown-envelope-key"),
        pytest.param(lambda d: _first_conference(d).__setitem__("family_name", "Smith"), id="name-in-record"),
        pytest.param(lambda d: _first_conference(d)["children"][0].__setitem__("case_ref", "C1"), id="case-ref"),
        pytest.param(lambda d: _first_conference(d).__setitem__("notes", "x"), id="notes"),
        pytest.param(lambda d: d.__setitem__("format_version", 2), id="newer-version"),
        pytest.param(lambda d: d.__setitem__("format", "other"), id="not-this-format"),
        pytest.param(lambda d: d.__setitem__("sequence", 0), id="sequence-zero"),
        pytest.param(lambda d: d.__setitem__("sequence", True), id="sequence-bool"),
        pytest.param(lambda d: d.__setitem__("export_id", "not-a-uuid"), id="bad-uuid"),
        pytest.param(lambda d: d.__setitem__("created_at", "2025-01-30 12:51:56"), id="bad-timestamp"),
        pytest.param(lambda d: d.__setitem__("created_at", "2025-01-30T12:51:56Z\n"), id="timestamp-newline"),
        pytest.param(lambda d: _first_conference(d).__setitem__("conference_date", "2025-13-01"), id="bad-month"),
        pytest.param(lambda d: _first_conference(d).__setitem__("family_key", "fk_" + "a" * 62), id="key-too-long"),
        pytest.param(lambda d: _first_conference(d).__setitem__("family_key", "ab12"), id="key-no-prefix"),
        pytest.param(lambda d: _first_conference(d)["children"][0].__setitem__("child_key", "fk_ab"), id="key-prefix"),
        pytest.param(lambda d: _first_conference(d)["children"][0].__setitem__("age_years", 18), id="age-18"),
        pytest.param(lambda d: _first_conference(d).__setitem__("children", []), id="no-children"),
        pytest.param(lambda d: _first_conference(d).__setitem__("issues", ["gangs", "gangs"]), id="dup-issue"),
        pytest.param(lambda d: _first_conference(d).__delitem__("quorate"), id="missing-key"),
        pytest.param(lambda d: _first_conference(d)["quality"].__setitem__("dissent", None), id="null-quality"),
        pytest.param(lambda d: _first_conference(d).__setitem__("questionnaire_version", 2), id="questionnaire-2"),
        pytest.param(lambda d: d["payload"]["deleted"].append({"id": d["export_id"], "revision": 0}), id="bad-marker"),
        pytest.param(
            lambda d: _first_conference(d).__setitem__(
                "escalations",
                [
                    {
                        "type": "practice_alert",
                        "subject": "other",
                        "stage": 5,
                        "status": "open",
                        "raised_on": "2024-01-02",
                    }
                ],
            ),
            id="stage-5",
        ),
    ],
)
def test_the_schema_rejects_what_the_spec_forbids(validator, sample, mutate):
    doc = copy.deepcopy(sample)
    mutate(doc)
    assert list(validator.iter_errors(doc)), "expected the schema to reject this file"
