"""Reading one export file: every hostile input is rejected with a reason, never a crash.

Files are built here from generated valid records (``export_document`` fills in the digest), then spoiled
one way each. A spoiled file gets a fresh digest unless the test is about the digest, so that the check
under test, not the digest, is what rejects it.
"""

from __future__ import annotations

import copy
import json
import random

import jsonschema
import pytest

from cpchair.errors import FormatError
from cpchair.interchange import reader
from cpchair.interchange.canonical import payload_sha256
from cpchair.interchange.schema_validation import first_violation
from tests.domain.generated_records import export_document, generate


@pytest.fixture(scope="module")
def records():
    """Valid records including at least one with adults, agencies and escalations."""
    recs = [r for _c, r in generate(60, seed=5)]
    full = next(r for r in recs if r["adults"] and r["agencies"] and r["escalations"])
    return [full] + [r for r in recs if r is not full][:20]


@pytest.fixture
def doc(records):
    return copy.deepcopy(export_document(records, deleted=[marker()]))


def marker(rid="0b8f3c7e-6a1d-4c8e-9a4b-2f1e0d9c8b7a", revision=3):
    return {"id": rid, "revision": revision, "deleted_at": "2025-06-02T10:00:00Z"}


def encode(doc: dict, *, redigest: bool = True) -> bytes:
    if redigest:
        payload = doc["payload"]
        doc["record_count"] = len(payload["conferences"]) + len(payload["deleted"])
        doc["payload_sha256"] = payload_sha256(payload)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def rejected(data: bytes, **kwargs) -> str:
    with pytest.raises(FormatError) as info:
        reader.parse_export(data, "cpchair-x.json", **kwargs)
    reason = info.value.reason
    assert reason and str(info.value).startswith("cpchair-x.json was rejected: ")
    return reason


# --- valid files ----------------------------------------------------------------------------------------


def test_a_valid_file_is_read_with_canonical_text_and_digest_per_record(doc):
    export = reader.parse_export(encode(doc), "f.json")
    assert len(export.conferences) == len(doc["payload"]["conferences"])
    assert export.deleted == [marker()]
    first = export.conferences[0]
    assert export.texts[0] == json.dumps(first, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "payload" not in export.envelope and export.chair_id == doc["chair_id"]
    # the digest assembled from the records' own canonical bytes equals the spec's definition
    assert payload_sha256(doc["payload"]) == doc["payload_sha256"]


def test_the_conformance_files_are_read_and_the_bad_ones_rejected(conformance):
    for path in sorted((conformance / "share").glob("*.json")):
        assert reader.read_export(path).conferences
    with pytest.raises(FormatError, match="payload_sha256 does not match"):
        reader.read_export(conformance / "bad" / "digest-mismatch.json")
    with pytest.raises(FormatError, match='category has the value "spiritual"'):
        reader.read_export(conformance / "bad" / "unknown-category.json")


# --- hostile bytes --------------------------------------------------------------------------------------


def test_garbage_bytes():
    data = random.Random(1).randbytes(5000)
    assert rejected(data)


def test_empty_and_whitespace_files():
    assert "empty" in rejected(b"")
    assert "empty" in rejected(b"  \n ")


def test_truncated_json(doc):
    data = encode(doc)
    assert "not valid JSON" in rejected(data[: len(data) // 2])
    assert "not valid JSON" in rejected(data[:-1])


def test_utf16_with_and_without_bom(doc):
    text = json.dumps(doc)
    assert "UTF-16" in rejected(text.encode("utf-16"))
    assert "UTF-16" in rejected(text.encode("utf-16-le"))


def test_byte_order_mark(doc):
    assert "byte-order mark" in rejected(b"\xef\xbb\xbf" + encode(doc))


def test_invalid_utf8(doc):
    doc["chair_name"] = "Zoë"
    data = encode(doc).replace("Zoë".encode(), "Zoë".encode("latin-1"))
    assert "not UTF-8" in rejected(data)


def test_nested_arrays_10_and_100000_deep(doc):
    assert "not a cpchair export" in rejected(b"[" * 10 + b"]" * 10)
    assert "nested too deeply" in rejected(b"[" * 100_000 + b"]" * 100_000)
    # deep nesting where the format expects a code
    doc["payload"]["conferences"][0]["issues"] = json.loads("[" * 10 + "]" * 10)
    assert "issues" in rejected(encode(doc))
    head = json.dumps({"format": "cpchair-export", "format_version": 1, "payload": 0})[:-2]
    assert rejected((head + "[" * 100_000 + "]" * 100_000 + "}").encode())


def test_a_file_over_the_size_limit_is_not_read(tmp_path, doc):
    path = tmp_path / "big.json"
    path.write_bytes(encode(doc))
    limit = path.stat().st_size - 1
    with pytest.raises(FormatError, match="larger than"):
        reader.read_export(path, max_bytes=limit)
    assert reader.read_export(path, max_bytes=limit + 1).conferences


def test_nan_decimals_and_endless_integers(doc):
    assert "NaN" in rejected(encode(doc).replace(b'"revision": 1,', b'"revision": NaN,', 1))
    data = encode(doc).replace(b'"revision": 1,', b'"revision": 1.0,', 1)
    assert "revision must be integer" in rejected(data)
    assert rejected(encode(doc).replace(b'"sequence": 1,', b'"sequence": ' + b"9" * 5000 + b",", 1))


@pytest.mark.parametrize(
    ("find", "twice"),
    [
        (b'"format_version": 1,', b'"format_version": 1, "format_version": 1,'),  # the envelope
        (b'"revision": 1,', b'"revision": 1, "revision": 2,'),  # a record
        (b'"child_key": "', b'"child_key": "ck_0", "child_key": "'),  # a child inside a record
    ],
)
def test_a_key_written_twice_in_one_object_is_a_rejection(doc, find, twice):
    data = encode(doc)
    assert find in data
    reason = rejected(data.replace(find, twice, 1))
    key = find.split(b'"')[1].decode()
    assert f'the key "{key}" twice in one object' in reason


def test_wrong_digest_and_record_count(doc):
    data = encode(doc)
    doc2 = json.loads(data)
    doc2["payload"]["conferences"][0]["quorate"] = not doc2["payload"]["conferences"][0]["quorate"]
    assert "payload_sha256 does not match" in rejected(encode(doc2, redigest=False))
    doc3 = json.loads(data)
    doc3["record_count"] += 1
    assert "record_count" in rejected(json.dumps(doc3).encode())


def test_not_an_export_and_newer_versions(doc):
    assert "not a cpchair export" in rejected(b'{"hello": 1}')
    assert "not a cpchair export" in rejected(b"[1, 2]")
    doc["format_version"] = 3
    reason = rejected(encode(doc))
    assert "newer cpchair" in reason and "version 3" in reason
    doc["format_version"] = "1"
    assert "format_version" in rejected(encode(doc))
    doc["format_version"] = True
    assert "format_version" in rejected(encode(doc))


LEVELS = {
    "envelope": lambda d: d,
    "payload": lambda d: d["payload"],
    "record": lambda d: d["payload"]["conferences"][0],
    "child": lambda d: d["payload"]["conferences"][0]["children"][0],
    "adult": lambda d: d["payload"]["conferences"][0]["adults"][0],
    "agency": lambda d: d["payload"]["conferences"][0]["agencies"][0],
    "quality": lambda d: d["payload"]["conferences"][0]["quality"],
    "escalation": lambda d: d["payload"]["conferences"][0]["escalations"][0],
    "deletion marker": lambda d: d["payload"]["deleted"][0],
}


@pytest.mark.parametrize("level", LEVELS)
def test_an_unknown_key_at_every_level_is_a_rejection(doc, level):
    LEVELS[level](doc)["child_name"] = "Amy Smith"
    assert "must not contain" in rejected(encode(doc))


def test_duplicate_ids(doc):
    confs = doc["payload"]["conferences"]
    confs[1]["id"] = confs[0]["id"]
    assert "appears more than once" in rejected(encode(doc))
    doc["payload"]["conferences"][1]["id"] = "11111111-2222-4333-8444-555555555555"
    doc["payload"]["deleted"][0]["id"] = confs[0]["id"]
    assert "appears more than once" in rejected(encode(doc))


def test_keys_longer_than_64_characters(doc):
    doc["payload"]["conferences"][0]["children"][0]["child_key"] = "ck_" + "a" * 62
    assert "child_key" in rejected(encode(doc))
    doc["payload"]["conferences"][0]["children"][0]["child_key"] = "ck_" + "a" * 61  # 64: allowed
    doc["payload"]["conferences"][0]["family_key"] = "fk_" + "b" * 200
    assert "family_key" in rejected(encode(doc))


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (lambda r: r, ("quorate", 1)),
        (lambda r: r["children"][0], ("unborn", 0)),
        (lambda r: r["agencies"][0], ("invited", 1)),
        (lambda r: r, ("revision", True)),
        (lambda r: r["escalations"][0], ("stage", False)),
        (lambda r: r["children"][0], ("age_years", "7")),
    ],
    ids=["quorate=1", "unborn=0", "invited=1", "revision=true", "stage=false", "age='7'"],
)
def test_numbers_as_booleans_and_booleans_as_numbers(doc, where, value):
    key, bad = value
    where(doc["payload"]["conferences"][0])[key] = bad
    assert key in rejected(encode(doc))


def test_dates_that_do_not_exist_and_dates_with_a_trailing_newline(doc):
    rec = doc["payload"]["conferences"][0]
    rec["conference_date"] = "2023-02-30"
    assert "conference_date" in rejected(encode(doc))
    rec["conference_date"] = "2024-01-02\n"
    assert "conference_date" in rejected(encode(doc))
    doc2 = copy.deepcopy(doc)
    doc2["payload"]["conferences"][0] = copy.deepcopy(doc2["payload"]["conferences"][1])
    doc2["payload"]["conferences"][0]["id"] = "11111111-2222-4333-8444-555555555555"
    doc2["payload"]["conferences"][0]["updated_at"] = "2023-02-29T10:00:00Z"
    assert "not a real date" in rejected(encode(doc2))


def test_a_cross_field_rule_broken_names_the_record_and_field(doc):
    rec = doc["payload"]["conferences"][0]
    rec["conference_type"] = "review"
    rec["children"][0]["decision"] = "plan_continues"
    rec["children"][0]["category"] = None
    reason = rejected(encode(doc))
    assert rec["id"] in reason and "children[0]" in reason


def test_a_long_hostile_value_is_not_echoed_in_full(doc):
    doc["payload"]["conferences"][0]["children"][0]["category"] = "x" * 10_000
    assert len(rejected(encode(doc))) < 400


# --- the importer's check (jsonschema-rs) says exactly what the reference says ----------------------------

ODD_VALUES = [None, "", "x", "neglect", "2024-01-02", 0, 1, 18, -1, True, False, [], {}, ["x"], "ck_abc", 2**40]


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list) and node:
        for i, v in enumerate(node[:2]):
            yield from _leaves(v, (*path, i))
    yield path


def test_the_importers_check_agrees_with_the_reference_schema(records):
    """The importer's check (jsonschema-rs, with the reader's sentences) must accept exactly what jsonschema,
    the reference implementation reading the committed schema as it is, accepts; and a refusal names a place."""
    base = export_document(records[:2], deleted=[marker()])
    reference = jsonschema.Draft7Validator(reader.schema())
    rng = random.Random(3)
    checked = disagreements = 0
    paths = [p for p in _leaves(base) if p]
    for path in paths:
        for value in rng.sample(ODD_VALUES, 6):
            doc = copy.deepcopy(base)
            node = doc
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = value
            want = reference.is_valid(doc)
            found = first_violation(reader.schema(), doc)
            checked += 1
            disagreements += (found is None) != want
            assert found is None or found.message.startswith(found.path or "the file")
    assert checked > 500
    assert disagreements == 0
