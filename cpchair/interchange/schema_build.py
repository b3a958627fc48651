"""Build ``schema_v1.json`` (the JSON Schema of an interchange-v1 export file) from the questionnaire
definitions.

Why generated: the code lists live once, in ``questionnaire_v1.toml`` and ``questionnaire_v2.toml``.
Writing them a second time by hand in the schema would let the form and the importer drift apart. The
schema file is committed (the importer and other releases read it as a plain file) and a test checks that
it equals what this module builds, so a code added to a definition without regenerating fails the suite.

A file carries records of every questionnaire version side by side: ``definitions.conference`` sends a
record whose ``questionnaire_version`` is 1 to ``conference_v1`` (built from the version 1 definition,
exactly the rules of interchange-v1 §4) and any other to ``conference_v2``. A version newer than this
release knows is refused by the reader before the schema, with the "update cpchair" message.

Regenerate with ``python -m cpchair.interchange.schema_build``.

The schema is deliberately strict (``additionalProperties: false`` everywhere, every code an enum,
bounded integers, strings and arrays) because a file is rejected whole for any key the spec does not name.
Rules that JSON Schema cannot say (cross-field rules, real calendar dates, one entry per agency) are
checked by ``cpchair.domain.validation``. The importer checks files with ``jsonschema-rs``
(``cpchair.interchange.schema_validation``); the tests hold it to ``jsonschema`` (a dev dependency), which
also implements Draft-07, the draft the schema declares.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from cpchair.domain import questionnaire
from cpchair.interchange import FORMAT, FORMAT_VERSION

SCHEMA_FILE = "schema_v1.json"

# maxLength as well as the pattern: Python's ``re`` lets ``$`` match before a trailing newline, and both
# ``jsonschema`` (our reference in the tests) uses ``re.search``; an exact length closes that gap.
UUID = {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", "maxLength": 36}
DATE = {
    "type": "string",
    "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "maxLength": 10,
}
TIMESTAMP = {
    "type": "string",
    "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$",
    "maxLength": 20,
}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$", "maxLength": 64}
# Spec §3: readers treat keys as opaque strings of at most 64 characters; ours are ck_/fk_ + 32 hex.
KEY_MAX = 64
MAX_INT = 2**31 - 1
# Generous ceilings so hostile input cannot make the merge allocate without bound (version 2 keeps them in
# the definition as ``max_items``; version 1 is frozen as published).
REPEAT_MAX = {"children": 50, "adults": 50, "escalations": 100}
REFS = {"children": "child", "adults": "adult", "agencies": "agency", "escalations": "escalation"}
TEXT_MAX = 200


def _key(prefix: str) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{prefix}_[0-9A-Za-z_-]{{1,{KEY_MAX - 3}}}$", "maxLength": KEY_MAX}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null: optional single answers travel as null, never as a missing key."""
    return {"anyOf": [schema, {"type": "null"}]}


def _codes(q: questionnaire.Questionnaire, spec: str) -> list[str]:
    """The codes of ``spec`` (``a|b`` is the union of both lists, as ``children.decision``)."""
    out: list[str] = []
    for name in spec.split("|"):
        out.extend(c for c in q.codes[name] if c not in out)
    return out


def _field_schema(q: questionnaire.Questionnaire, f: questionnaire.Field, ref_name: str) -> dict[str, Any]:
    """One answer's schema: its type, code list and limits, all from the definition."""
    if f.kind == "choice":
        s: dict[str, Any] = {"type": "string", "enum": _codes(q, f.codes or "")}
    elif f.kind == "multi":
        codes = _codes(q, f.codes or "")
        item = {"type": "string", "enum": codes}
        # issues: "each at most once" (spec §4); engaged agencies are a set too.
        return {"type": "array", "items": item, "uniqueItems": True, "maxItems": len(codes)}
    elif f.kind == "bool":
        s = {"type": "boolean"}
    elif f.kind == "date":
        s = {"$ref": "#/definitions/date"}
    elif f.kind == "int":
        s = {"type": "integer"}
        if f.min is not None:
            s["minimum"] = f.min
        if f.max is not None:
            s["maximum"] = f.max
    elif f.kind == "repeat":
        s = {"type": "array", "items": {"$ref": f"#/definitions/{ref_name}"}}
        if f.min:
            s["minItems"] = f.min
        if f.max_items is not None:
            s["maxItems"] = f.max_items
        elif f.key == "agencies":
            s["maxItems"] = len(q.codes["agency"])
        else:
            s["maxItems"] = REPEAT_MAX[f.key]
        return s
    else:  # text is always local; a non-local text field would be free text, which spec §3 forbids.
        raise ValueError(f"field {f.key!r} of kind {f.kind!r} cannot be exported")
    return _nullable(s) if f.optional else s


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def record_definitions(q: questionnaire.Questionnaire) -> dict[str, Any]:
    """The definitions of one questionnaire version's record (``conference_v<N>``, ``child_v<N>``, ...)."""
    suffix = f"_v{q.version}"
    definitions: dict[str, Any] = {}
    record: dict[str, Any] = {
        "id": {"$ref": "#/definitions/uuid"},
        "revision": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
        "created_at": {"$ref": "#/definitions/timestamp"},
        "updated_at": {"$ref": "#/definitions/timestamp"},
        "questionnaire_version": {"const": q.version},
        "family_key": _key("fk"),
    }
    quality: dict[str, Any] = {}
    for section in q.sections:
        for f in section.fields:
            if f.local:
                continue
            if f.key.startswith("quality."):
                quality[f.key.split(".", 1)[1]] = _field_schema(q, f, "")
                continue
            if f.kind == "repeat":
                ref = REFS[f.key] + suffix
                item: dict[str, Any] = {"child_key": _key("ck")} if f.key == "children" else {}
                for sub in f.fields:
                    if not sub.local:
                        item[sub.key] = _field_schema(q, sub, "")
                definitions[ref] = _object(item)
                record[f.key] = _field_schema(q, f, ref)
            else:
                record[f.key] = _field_schema(q, f, "")
    record["quality"] = {"$ref": f"#/definitions/quality{suffix}"}
    definitions["quality" + suffix] = _object(quality)
    definitions["conference" + suffix] = _object(record)
    return definitions


def build_schema() -> dict[str, Any]:
    """The full schema of an export file, built from the questionnaire definitions."""
    definitions: dict[str, Any] = {"uuid": UUID, "date": DATE, "timestamp": TIMESTAMP}
    for version in questionnaire.KNOWN_VERSIONS:
        definitions.update(record_definitions(questionnaire.load(version)))
    # A record is read by its own questionnaire version (the reader has refused unknown versions already).
    definitions["conference"] = {
        "if": {"properties": {"questionnaire_version": {"const": 1}}, "required": ["questionnaire_version"]},
        "then": {"$ref": "#/definitions/conference_v1"},
        "else": {"$ref": "#/definitions/conference_v2"},
    }
    definitions["deleted"] = _object(
        {
            "id": {"$ref": "#/definitions/uuid"},
            "revision": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
            "deleted_at": {"$ref": "#/definitions/timestamp"},
        }
    )
    envelope = _object(
        {
            "format": {"const": FORMAT},
            "format_version": {"const": FORMAT_VERSION},
            "export_id": {"$ref": "#/definitions/uuid"},
            "app_version": {"type": "string", "minLength": 1, "maxLength": 64},
            "chair_id": {"$ref": "#/definitions/uuid"},
            "chair_name": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
            "device_id": {"$ref": "#/definitions/uuid"},
            "sequence": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
            "created_at": {"$ref": "#/definitions/timestamp"},
            "record_count": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
            "payload_sha256": SHA256,
            "payload": _object(
                {
                    "conferences": {"type": "array", "items": {"$ref": "#/definitions/conference"}},
                    "deleted": {"type": "array", "items": {"$ref": "#/definitions/deleted"}},
                }
            ),
        }
    )
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://cpchair.invalid/schema/interchange-v1.json",
        "title": "cpchair export file, interchange format version 1",
        "description": "Generated from cpchair/domain/definitions/questionnaire_v1.toml and questionnaire_v2.toml "
        "by cpchair.interchange.schema_build; do not edit by hand.",
        **envelope,
        "definitions": definitions,
    }


def render(schema: dict[str, Any]) -> str:
    """The committed text of the schema: stable, readable, with a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def load_schema() -> dict[str, Any]:
    """The committed schema file, as the importer and the tests read it."""
    return json.loads(resources.files("cpchair.interchange").joinpath(SCHEMA_FILE).read_text("utf-8"))


def main() -> int:
    target = Path(__file__).with_name(SCHEMA_FILE)
    target.write_text(render(build_schema()), encoding="utf-8", newline="\n")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
