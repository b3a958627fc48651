"""Export file names: unique, sortable, ASCII-only, and in the shape the spec gives."""

from __future__ import annotations

import re

import pytest

from cpchair.interchange.names import chair_slug, export_file_name, parse_export_name

DEVICE = "c2419663-b9c3-400d-91e3-7da8b02f8573"


def test_name_has_the_spec_shape_like_the_conformance_files():
    name = export_file_name("Chair 1", DEVICE, "2025-01-30T12:51:56Z", 1)
    assert name == "cpchair-chair-1-c2419663-20250130T125156Z-000001.json"


@pytest.mark.parametrize(
    ("chair", "slug"),
    [
        ("Siân O'Brien", "sian-o-brien"),
        ("  Zoë   Ångström-Ødegård ", "zoe-angstrom-degard"),
        ("李小龍", "chair"),
        ("", "chair"),
        ("../../etc/passwd", "etc-passwd"),
        ('CON: a<b>c|d?"*', "con-a-b-c-d"),
        ("x" * 100, "x" * 40),
    ],
)
def test_slug_is_ascii_lowercase_and_safe(chair, slug):
    assert chair_slug(chair) == slug
    name = export_file_name(chair, DEVICE, "2026-11-29T01:02:03Z", 12)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
    assert name.isascii()


def test_parse_round_trips_and_ignores_conflict_copies():
    name = export_file_name("Siân O'Brien", DEVICE, "2026-11-29T01:02:03Z", 1234)
    parsed = parse_export_name(name)
    assert parsed is not None
    assert (parsed.slug, parsed.device8, parsed.stamp, parsed.sequence) == (
        "sian-o-brien",
        "c2419663",
        "20261129T010203Z",
        1234,
    )
    assert parse_export_name(name.replace(".json", " (1).json")) is None
    assert parse_export_name(name.replace(".json", "-DESKTOP-ABC.json")) is None


def test_names_sort_by_time_then_sequence():
    a = export_file_name("A", DEVICE, "2026-01-01T00:00:00Z", 9)
    b = export_file_name("A", DEVICE, "2026-01-01T00:00:01Z", 10)
    assert sorted([b, a]) == [a, b]


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        export_file_name("A", "not-a-device", "2026-01-01T00:00:00Z", 1)
    with pytest.raises(ValueError):
        export_file_name("A", DEVICE, "2026-01-01 00:00:00", 1)
    with pytest.raises(ValueError):
        export_file_name("A", DEVICE, "2026-01-01T00:00:00Z", 0)
