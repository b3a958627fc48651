"""Canonical JSON is byte-for-byte what spec §2 says, so the writer and the merge agree on digests."""

from __future__ import annotations

import hashlib
import json

from cpchair.interchange.canonical import canonical_json, payload_sha256


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_unicode():
    value = {"b": [1, {"z": None, "a": True}], "a": "Zoë – ✓"}
    assert canonical_json(value) == '{"a":"Zoë – ✓","b":[1,{"a":true,"z":null}]}'.encode()


def test_key_order_does_not_change_the_digest():
    a = {"conferences": [{"id": "x", "revision": 1}], "deleted": []}
    b = {"deleted": [], "conferences": [{"revision": 1, "id": "x"}]}
    assert payload_sha256(a) == payload_sha256(b)


def test_digest_is_sha256_of_the_spec_expression():
    payload = {"conferences": [{"k": "é"}], "deleted": []}
    expected = hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    assert payload_sha256(payload) == expected
    assert len(expected) == 64 and expected == expected.lower()


# --- canonical_fast (orjson): the same bytes, wherever the reader uses it ---------------------------------


def _spec(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_canonical_fast_gives_the_spec_bytes_on_every_public_vector(conformance, conformance_v2):
    from cpchair.interchange.canonical import canonical_fast
    from cpchair.interchange.reader import _loads

    checked = 0
    for path in sorted(conformance.rglob("*.json")) + sorted(conformance_v2.rglob("*.json")):
        doc = _loads(path.read_text("utf-8"))
        items = doc.get("payload", {}).get("conferences", []) if isinstance(doc, dict) else []
        for value in [doc, *items]:
            try:
                assert canonical_fast(value) == _spec(value), path.name
            except TypeError:  # a decimal in a bad vector: both refuse (json.dumps cannot write it either)
                continue
            checked += 1
    assert checked > 800


def test_canonical_fast_gives_the_spec_bytes_on_generated_records_and_awkward_text():
    from cpchair.interchange.canonical import canonical_fast
    from tests.domain.generated_records import generate

    records = [r for _c, r in generate(3000, seed=77)]
    assert all(canonical_fast(r) == _spec(r) for r in records)
    awkward = [
        "\x00\x01\x08\x09\x0a\x0c\x0d\x1f\x7f",  # control characters, DEL
        '"\\/',  # quote, backslash, solidus (never escaped by either)
        "\u2028\u2029\u00e9\u0301\ufeff\U0001f600",  # separators, combining, BOM, astral
        "Zoë Nowak-Łukasiewicz – Ø",
    ]
    for text in awkward:
        value = {"ü": text, "a": [text, {text: 1}], "Z": 2**63 - 1, "b": -(2**63)}
        assert canonical_fast(value) == _spec(value)


def test_canonical_fast_refuses_rather_than_differs():
    """Where orjson would write other bytes than json.dumps (or json.dumps fails), it raises: never a
    silently different digest."""
    import pytest

    from cpchair.interchange.canonical import canonical_fast

    for value in (2**64, -(2**63) - 1, "\ud800", {1: "x"}):
        with pytest.raises(TypeError):
            canonical_fast(value)
