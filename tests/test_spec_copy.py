"""The repository's copy of the contract must be the contract.

A bare clone has no ``../shared``, so the tests read the specifications and the public conformance vectors
from ``docs/spec/`` and ``tests/data/``. Where the steering folder is beside the clone, this test proves the
copy is current, file by file; it is the only test allowed to skip, and only when there is nothing to compare.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CONFORMANCE, CONFORMANCE_V2, REPO, SPEC_DIR

SHARED_SPEC = REPO.parent / "shared" / "spec"

PAIRS = [
    (SHARED_SPEC / "interchange-v1.md", SPEC_DIR / "interchange-v1.md"),
    (SHARED_SPEC / "interchange-v2.md", SPEC_DIR / "interchange-v2.md"),
    (SHARED_SPEC / "conformance", CONFORMANCE),
    (SHARED_SPEC / "conformance-v2", CONFORMANCE_V2),
]


def _files(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_the_repository_holds_its_own_copy_of_the_contract():
    for _, ours in PAIRS:
        assert _files(ours), f"{ours} is missing or empty: the tests of a bare clone need it"


@pytest.mark.parametrize("theirs, ours", PAIRS, ids=[p[1].name for p in PAIRS])
def test_the_copy_equals_the_shared_specification(theirs: Path, ours: Path):
    if not SHARED_SPEC.is_dir():
        pytest.skip("no ../shared/spec beside this clone: nothing to compare the copy with")
    assert _files(ours) == _files(theirs), f"{ours} differs from {theirs}: copy the new version into the repository"
