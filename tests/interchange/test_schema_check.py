"""Our compiled schema checker accepts exactly what the reference ``jsonschema`` accepts, and names the first
thing wrong with a path a coordinator can find in the file."""

from __future__ import annotations

import copy
import random

import jsonschema
import pytest

from cpchair.interchange import reader
from cpchair.interchange.schema_check import UnsupportedSchema, compile_schema, first_violation
from tests.domain.generated_records import export_document, generate

ODD = [None, "", "x", "neglect", "2024-01-02", "2024-02-30", 0, 1, 17, 18, -1, True, False, [], {}, ["x"], {"a": 1}]


@pytest.fixture(scope="module")
def schema():
    return reader.schema()


@pytest.fixture(scope="module")
def base():
    recs = [r for _c, r in generate(80, seed=9)]
    full = [r for r in recs if r["adults"] and r["agencies"] and r["escalations"] and r["issues"]][:2]
    marker = {"id": "0b8f3c7e-6a1d-4c8e-9a4b-2f1e0d9c8b7a", "revision": 3, "deleted_at": "2025-06-02T10:00:00Z"}
    return export_document(full, deleted=[marker])


def _places(node, path=()):
    """Every value's place in ``node`` (the first two items of each list)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*path, k)
            yield from _places(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:2]):
            yield (*path, i)
            yield from _places(v, (*path, i))


def _mutants(base, rng):
    """Documents spoiled one way each: a value replaced, a key removed, a key added, a list emptied."""
    for path in _places(base):
        for value in rng.sample(ODD, 4):
            doc = copy.deepcopy(base)
            parent = _at(doc, path[:-1])
            parent[path[-1]] = value
            yield doc
        doc = copy.deepcopy(base)
        parent = _at(doc, path[:-1])
        if isinstance(parent, dict):
            del parent[path[-1]]
            yield doc
    for path in _places(base):
        node = _at(copy.deepcopy(base), path)
        if isinstance(node, dict):
            doc = copy.deepcopy(base)
            _at(doc, path)["surname"] = "Smith"
            yield doc


def _at(doc, path):
    for step in path:
        doc = doc[step]
    return doc


def test_valid_documents_pass_both_halves(schema, base):
    ok = compile_schema(schema)
    assert ok(base) and first_violation(schema, base) is None
    for seed in range(3):
        recs = [r for _c, r in generate(40, seed=seed)]
        doc = export_document(recs)
        assert jsonschema.Draft7Validator(schema).is_valid(doc)
        assert ok(doc) and first_violation(schema, doc) is None


def test_hundreds_of_mutants_are_judged_as_the_reference_judges_them(schema, base):
    reference = jsonschema.Draft7Validator(schema)
    ok = compile_schema(schema)
    checked = refused = 0
    for doc in _mutants(base, random.Random(11)):
        want = reference.is_valid(doc)
        assert ok(doc) == want
        found = first_violation(schema, doc)
        assert (found is None) == want
        if found is not None:
            # the reference agrees that something is wrong at (or inside) the place we name
            paths = [_where(e.absolute_path) for e in reference.iter_errors(doc)]
            assert any(p.startswith(found.path) or found.path.startswith(p) for p in paths), (found, paths)
            refused += 1
        checked += 1
    assert checked > 800 and refused > 400


def _where(path):
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def test_the_first_reason_names_the_place_and_what_is_wrong(schema, base):
    doc = copy.deepcopy(base)
    doc["payload"]["conferences"][1]["children"][0]["age_years"] = 18
    assert first_violation(schema, doc).message == "payload.conferences[1].children[0].age_years must be at most 17"
    doc = copy.deepcopy(base)
    doc["payload"]["conferences"][0]["quality"]["plan_smart"] = "maybe"
    assert first_violation(schema, doc).message == (
        'payload.conferences[0].quality.plan_smart has the value "maybe", which is not one the format allows'
    )
    doc = copy.deepcopy(base)
    del doc["payload"]["deleted"][0]["revision"]
    assert first_violation(schema, doc).message == 'payload.deleted[0] must contain "revision"'
    doc = copy.deepcopy(base)
    doc["surname"] = "Smith"
    assert first_violation(schema, doc).message == 'the file must not contain "surname"'
    doc = copy.deepcopy(base)
    doc["payload"]["conferences"][0]["issues"] = ["gangs", "gangs"]
    assert first_violation(schema, doc).message == "payload.conferences[0].issues must not hold the same item twice"


@pytest.mark.parametrize(
    "node",
    [
        {"type": "string", "format": "email"},
        {"oneOf": [{"type": "string"}, {"type": "null"}]},
        {"type": "object", "patternProperties": {"^x": {}}},
        {"type": "number"},
        {"$ref": "http://example.com/other.json"},
        {"type": "object", "additionalProperties": {"type": "string"}},
    ],
)
def test_a_keyword_outside_the_subset_is_refused_when_compiling(node):
    with pytest.raises(UnsupportedSchema):
        compile_schema(node)


def test_integers_are_exact_and_true_is_not_one():
    ok = compile_schema({"type": "integer", "minimum": 1, "maximum": 4})
    assert [ok(v) for v in (1, 4, 0, 5, True, 1.0, "1", None)] == [True, True, False, False, False, False, False, False]
    codes = compile_schema({"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]})
    assert [codes(v) for v in ("a", None, "c", ["a"], {}, 1, True)] == [True, True, False, False, False, False, False]


def test_a_recursive_schema_and_a_list_of_types_are_compiled_and_agree_with_the_reference():
    schema = {
        "definitions": {
            "node": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "next"],
                "properties": {
                    "name": {"type": ["string", "null"], "maxLength": 3},
                    "next": {"anyOf": [{"$ref": "#/definitions/node"}, {"type": "null"}]},
                },
            }
        },
        "$ref": "#/definitions/node",
    }
    ok = compile_schema(schema)
    reference = jsonschema.Draft7Validator(schema)

    def chain(depth, last_name="abc"):
        doc = {"name": last_name, "next": None}
        for i in range(depth):
            doc = {"name": None if i % 2 else "x", "next": doc}
        return doc

    for doc in (chain(0), chain(30), chain(30, "abcd"), chain(5, 7), {"name": "a"}, {"name": "a", "next": 1}):
        assert ok(doc) == reference.is_valid(doc)
        assert (first_violation(schema, doc) is None) == reference.is_valid(doc)
