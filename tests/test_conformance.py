"""The public conformance vectors, through the command line as a coordinator would use it.

``cpchair merge share --allow-unsigned`` accepts all six files with no conflicts; ``cpchair stats --from
--to --json`` then gives every value of expected-stats.json (percentages within 0.05, everything else
exactly, no key missing); the two files in bad/ are rejected whole (exit 3) with a reason each, and the
figures do not move. Every test runs twice: the merged store on SQLite, then on a real PostgreSQL server.
"""

from __future__ import annotations

import json

import pytest

from cpchair.cli import main
from cpchair.domain.statistics import CONTRACT_KEYS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def compare(got, want, path: str = "") -> list[str]:
    """Every difference between the figures and the expected ones, as readable paths."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path}: {got!r} is not an object"]
        found = [f"{path}.{k}: missing" for k in want if k not in got]
        found += [f"{path}.{k}: not expected" for k in got if k not in want]
        return found + [d for k in want if k in got for d in compare(got[k], want[k], f"{path}.{k}")]
    if want is None or got is None:
        return [] if got is want else [f"{path}: {got!r} != {want!r}"]
    if path.endswith("pct"):
        return [] if abs(got - want) <= 0.05 else [f"{path}: {got} != {want}"]
    return [] if got == want and type(got) is not bool else [f"{path}: {got!r} != {want!r}"]


@pytest.fixture
def merged(data_dir, conformance, capsys, store_env):
    code, out, err = run(capsys, "merge", str(conformance / "share"), "--allow-unsigned", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert [f["status"] for f in summary["files"]] == ["merged"] * 6
    assert summary["conflicts"] == 0 and summary["added"] > 0
    return summary


def expected_periods(conformance) -> dict:
    return json.loads((conformance / "expected-stats.json").read_text("utf-8"))["periods"]


def test_stats_after_merging_the_share_give_every_expected_value(merged, conformance, capsys):
    periods = expected_periods(conformance)
    assert len(periods) == 2
    for key, want in periods.items():
        start, end = key.split("_")
        code, out, err = run(capsys, "stats", "--from", start, "--to", end, "--json")
        assert code == 0, err
        got = json.loads(out)
        assert list(got)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
        assert compare({k: got[k] for k in CONTRACT_KEYS}, want) == [], key


def test_the_bad_files_are_rejected_with_a_reason_and_change_no_figure(merged, conformance, capsys):
    periods = expected_periods(conformance)
    before = {}
    for key in periods:
        start, end = key.split("_")
        before[key] = run(capsys, "stats", "--from", start, "--to", end, "--json")[1]
    code, out, err = run(capsys, "merge", str(conformance / "bad"), "--json")
    assert code == 3
    files = json.loads(out)["files"]
    assert len(files) == 2 and all(f["status"] == "rejected" and f["reason"] for f in files)
    assert "digest-mismatch.json" in err and "unknown-category.json" in err
    for key in periods:
        start, end = key.split("_")
        assert run(capsys, "stats", "--from", start, "--to", end, "--json")[1] == before[key]
