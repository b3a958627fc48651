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
