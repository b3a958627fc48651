"""Fuzzing the merge (v1 §6.1): valid export files mutated in their bytes, encodings, structure, values,
lengths and nesting, each merged from a real folder into a real SQLite database beside a valid file.

Every case must end in "merged", "unchanged" or "rejected" with a reason (no exception escapes); a rejected
file must change nothing (the database is dumped before and after); and the valid file beside it must never
lose a record. A second test injects database faults (disk full, locked, I/O error) at every point of a
file's transaction: the merge stops with a clear error, nothing of the file is left, and the next run merges
it. ``CPCHAIR_FUZZ=long`` runs thousands of cases (see conftest.py); the counts are printed at the end.
"""

from __future__ import annotations

import copy
import itertools
import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from cpchair.errors import DatabaseError
from cpchair.interchange.canonical import payload_sha256
from cpchair.services import merge
from cpchair.storage.db import open_database
from cpchair.storage.models import MergedConference
from tests.domain.generated_records import export_document, generate
from tests.services.test_merge import dump

from .conftest import PROFILE

STATS: Counter[str] = Counter()
POOL: list[dict] = []  # other valid records: plausible values to swap in


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One real database for the module, a valid template file and a valid neighbour (merged once)."""
    root = tmp_path_factory.mktemp("fuzz")
    records = [r for _c, r in generate(12, seed=77)]
    template = export_document(copy.deepcopy(records[:3]), chair=0)
    POOL.extend(r for _c, r in generate(60, seed=78))
    neighbour = json.dumps(export_document(copy.deepcopy(records[3:6]), chair=1)).encode()
    db = open_database(root / "coordinator.sqlite")
    share = root / "share"
    share.mkdir()
    (share / "z-neighbour.json").write_bytes(neighbour)
    with db.session() as s:
        first = merge.merge_folder(s, share, allow_unsigned=True)
    assert [f.status for f in first.files] == ["merged"]
    yield {"db": db, "share": share, "template": template, "neighbour_ids": {r["id"] for r in records[3:6]}}
    db.dispose()
    print(
        f"\n[fuzz profile={PROFILE}] cases={STATS['cases']} rejected={STATS['rejected']} "
        f"merged={STATS['merged']} unchanged={STATS['unchanged']} records_lost={STATS['lost']} "
        f"faults_injected={STATS['faults']} by_kind={dict(sorted((k, v) for k, v in STATS.items() if ':' in k))}"
    )


# --- mutations -------------------------------------------------------------------------------------------

WEIRD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "\udfff",
        "x\udc80y",
        "\u202eevil",
        "\u2066",
        '=HYPERLINK("http://x")',
        "\ufeff",
        "\U0010ffff",
        "a" * 5000,
        "\n\r\t",
        "2025-02-30T00:00:00Z",
        "0000-00-00",
        "9999-12-31T23:59:59Z",
        "NaN",
        "null",
    ]
)
#: Bytes no UTF-8 decoder may accept: a stray byte, an overlong "/", an encoded surrogate, a lone continuation
#: byte, a code point beyond U+10FFFF, a truncated sequence.
INVALID_UTF8 = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"]
WEIRD_NUMBER = st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**40, 1.0, -0.0, 1e308, 0.5])
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), WEIRD_NUMBER, st.text(max_size=40), WEIRD_TEXT)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in ``doc`` a value can be changed: a tuple of keys and indexes."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _parent(doc: Any, path: tuple) -> tuple[Any, Any]:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


@st.composite
def structural(draw, template: dict) -> tuple[str, dict, bool]:
    """A structure or value mutation of the document; whether to fix the digest and count afterwards
    (so the mutation reaches the checks behind them, and sometimes the database)."""
    doc = copy.deepcopy(template)
    kinds = ["replace", "delete", "add", "wrap", "duplicate", "nest", "weird", "grow", "swap", "swap", "swap"]
    kind = draw(st.sampled_from(kinds))
    paths = [p for p in _paths(doc) if p]
    if kind == "swap":  # a value another valid record holds at the same place: often still valid
        mine = [p for p in paths if p[:2] == ("payload", "conferences") and len(p) > 3]
        path = draw(st.sampled_from(mine))
        other = draw(st.sampled_from(POOL))
        node, key = _parent(doc, path)
        try:
            node[key] = copy.deepcopy(_get(other, path[3:]))
        except (KeyError, IndexError, TypeError):
            node[key] = copy.deepcopy(other.get(path[3], node[key]) if len(path) == 4 else node[key])
        if draw(st.booleans()):
            rec = doc["payload"]["conferences"][path[2]]
            rec["revision"] += draw(st.integers(min_value=0, max_value=3))
        return kind, doc, draw(st.booleans()) or True
    path = draw(st.sampled_from(paths))
    node, key = _parent(doc, path)
    if kind == "replace":
        node[key] = draw(JSON_ANY)
    elif kind == "delete":
        del node[key]
    elif kind == "add":
        target = node if isinstance(node, dict) else doc
        target[draw(st.text(min_size=1, max_size=12))] = draw(JSON_ANY)
    elif kind == "wrap":
        node[key] = draw(st.sampled_from([[node[key]], {"v": node[key]}]))
    elif kind == "duplicate":
        if isinstance(node, list):
            node.append(copy.deepcopy(node[key]))
        else:
            node[key] = [node[key], node[key]]
    elif kind == "nest":
        depth = draw(st.integers(min_value=10, max_value=5000))
        value: Any = node[key]
        for _ in range(depth):
            value = [value]
        node[key] = value
    elif kind == "weird":
        node[key] = draw(st.one_of(WEIRD_TEXT, WEIRD_NUMBER))
    else:  # grow: many records (the same ones), or a long list anywhere
        times = draw(st.integers(min_value=2, max_value=400))
        node[key] = [copy.deepcopy(node[key]) for _ in range(times)] if not isinstance(node, list) else node[key]
        if isinstance(node, list):
            node.extend(copy.deepcopy(node[key]) for _ in range(times))
    return kind, doc, draw(st.booleans())


def _redigest(doc: Any) -> None:
    try:
        payload = doc["payload"]
        doc["record_count"] = len(payload["conferences"]) + len(payload["deleted"])
        doc["payload_sha256"] = payload_sha256(payload)
    except (KeyError, TypeError, ValueError, RecursionError, UnicodeError, AttributeError):
        pass  # the mutation broke what the digest needs: the file goes in as it is


def _serialise(doc: Any, ascii_only: bool) -> bytes:
    try:
        return json.dumps(doc, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError):
        return b"[" * 100_000  # nested beyond what json.dumps writes: the reader must refuse it the same way


@st.composite
def mutated_file(draw, template: dict) -> tuple[str, bytes]:
    """(kind, bytes) of one hostile file derived from the valid ``template``."""
    valid = json.dumps(template).encode()
    family = draw(st.sampled_from(["bytes", "encoding", "structure", "structure", "structure"]))
    if family == "structure":
        kind, doc, fix = draw(structural(template))
        if fix:
            _redigest(doc)
        return f"structure:{kind}", _serialise(doc, draw(st.booleans()))
    if family == "encoding":
        kind = draw(st.sampled_from(["utf16", "utf32", "bom", "latin1", "invalid", "escape", "cp1252"]))
        text = json.dumps(template, ensure_ascii=False)
        if kind == "utf16":
            return "encoding:utf16", text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"])))
        if kind == "utf32":
            return "encoding:utf32", text.encode("utf-32")
        if kind == "bom":
            return "encoding:bom", b"\xef\xbb\xbf" + valid
        if kind in ("latin1", "cp1252"):
            doc = copy.deepcopy(template)
            doc["chair_name"] = "Siân Ó Súilleabháin"
            _redigest(doc)
            return f"encoding:{kind}", json.dumps(doc, ensure_ascii=False).encode(kind)
        if kind == "invalid":
            bad = draw(st.sampled_from(INVALID_UTF8))
            at = draw(st.integers(min_value=0, max_value=len(valid)))
            return "encoding:invalid-utf8", valid[:at] + bad + valid[at:]
        escape = draw(st.sampled_from([r"\ud800", r"\udfff", r"\uDBFF", r"\udc00\ud800"]))
        doc = copy.deepcopy(template)
        path = draw(st.sampled_from([p for p in _paths(doc) if p and isinstance(_get(doc, p), str)]))
        node, key = _parent(doc, path)
        node[key] = "SURROGATE"
        _redigest(doc)
        return "encoding:surrogate-escape", json.dumps(doc).encode().replace(b"SURROGATE", escape.encode())
    kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice", "random"]))
    data = bytearray(valid)
    if kind == "flip":
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            i = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[i] ^= 1 << draw(st.integers(min_value=0, max_value=7))
    elif kind == "insert":
        i = draw(st.integers(min_value=0, max_value=len(data)))
        data[i:i] = draw(st.binary(min_size=1, max_size=64))
    elif kind == "delete":
        i = draw(st.integers(min_value=0, max_value=len(data) - 1))
        del data[i : i + draw(st.integers(min_value=1, max_value=200))]
    elif kind == "truncate":
        del data[draw(st.integers(min_value=0, max_value=len(data) - 1)) :]
    elif kind == "splice":
        i, j = sorted(draw(st.lists(st.integers(min_value=0, max_value=len(data)), min_size=2, max_size=2)))
        data[j:j] = data[i:j]
    else:
        data = bytearray(draw(st.binary(max_size=2048)))
    return f"bytes:{kind}", bytes(data)


def _get(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


_counter = itertools.count()


@given(data=st.data())
def test_every_mutated_file_is_merged_or_refused_with_a_reason_and_a_refused_file_changes_nothing(world, data):
    kind, blob = data.draw(mutated_file(world["template"]), label="mutation")
    share: Path = world["share"]
    case = share / f"case-{next(_counter):06d}"
    case.mkdir()
    (case / "a-fuzzed.json").write_bytes(blob)
    shutil.copy(share / "z-neighbour.json", case / "z-neighbour.json")
    db = world["db"]
    with db.session() as s:
        before = dump(s)
        summary = merge.merge_folder(s, case, allow_unsigned=True)  # any exception fails the test: none may escape
        after = dump(s)
        ids = set(s.scalars(select(MergedConference.id)))
    fuzzed, neighbour = summary.files
    STATS["cases"] += 1
    STATS[fuzzed.status] += 1
    STATS[f"{kind}:{fuzzed.status}"] += 1
    assert fuzzed.status in (merge.MERGED, merge.UNCHANGED, merge.REJECTED)
    if fuzzed.status == merge.REJECTED:
        assert isinstance(fuzzed.reason, str) and len(fuzzed.reason) > 10
        fuzzed.reason.encode("utf-8")  # printable and storable, whatever the file held
        assert len(fuzzed.reason) < 1000
        assert after == before, "a refused file changed the database"
    assert neighbour.status == merge.UNCHANGED
    lost = world["neighbour_ids"] - ids
    STATS["lost"] += len(lost)
    assert not lost, "a valid file's records were lost"
    shutil.rmtree(case)


# --- faults in the database while a file is applied ------------------------------------------------------

FAULTS = ["database or disk is full", "database is locked", "disk I/O error", "attempt to write a readonly database"]


@given(
    fault=st.sampled_from(FAULTS),
    files=st.integers(min_value=1, max_value=3),
    after_statements=st.integers(min_value=0, max_value=8),
)
def test_a_database_fault_at_any_point_stops_the_merge_cleanly_and_the_next_run_merges_everything(
    world, fault, files, after_statements
):
    n = next(_counter)
    case = world["share"] / f"fault-{n:06d}"
    case.mkdir()
    ids_by_file: list[list[str]] = []
    for f in range(files):
        doc = copy.deepcopy(world["template"])
        for i, rec in enumerate(doc["payload"]["conferences"]):
            rec["id"] = rec["id"][:-8] + f"{n:05x}{f:01x}{i:02x}"  # new records each case: something to write
        _redigest(doc)
        (case / f"{f}.json").write_text(json.dumps(doc), "utf-8")
        ids_by_file.append([r["id"] for r in doc["payload"]["conferences"]])
    db = world["db"]
    seen = itertools.count()

    def failing(cursor, statement, parameters, context):
        """Runs where the driver would: a raised sqlite3 error is what a full or locked disk gives."""
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")) and next(seen) == after_statements:
            STATS["faults"] += 1
            raise sqlite3.OperationalError(fault)
        return False  # not handled: the driver runs the statement as usual

    def stored(s, ids: list[str]) -> int:
        return s.scalar(select(func.count()).select_from(MergedConference).where(MergedConference.id.in_(ids)))

    with db.session() as s:
        event.listen(db.engine, "do_execute", failing)
        event.listen(db.engine, "do_executemany", failing)
        try:
            outcome = merge.merge_folder(s, case, allow_unsigned=True)
            stopped = None
        except DatabaseError as exc:
            stopped = str(exc)
        finally:
            event.remove(db.engine, "do_execute", failing)
            event.remove(db.engine, "do_executemany", failing)
        if stopped is not None:
            assert stopped.startswith("The merge stopped: ") and "Nothing of this merge was kept" in stopped
        else:  # the fault point lay beyond the last write
            assert [f.status for f in outcome.files] == ["merged"] * files
        for ids in ids_by_file:  # each file is in whole or not at all
            assert stored(s, ids) in (0, len(ids))
        again = merge.merge_folder(s, case, allow_unsigned=True)
        assert {f.status for f in again.files} <= {"merged", "unchanged"}
        for ids in ids_by_file:
            assert stored(s, ids) == len(ids)
    shutil.rmtree(case)
