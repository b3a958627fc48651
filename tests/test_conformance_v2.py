"""The public v2 vectors (made by an implementation written apart from cpchair), through the command line.

A coordinator who has enrolled the three chair keys (``cpchair keys enrol … --yes``) and holds the daily age
identity of test-keys.json merges all six signed and encrypted files with no conflicts, passing over the
recipients file, and then gets exactly the v1 expected figures; the recovery identity alone opens every
payload too; every file in bad/ is refused whole with its own reason, flag or no flag, and no figure moves.
The merges run twice: the merged store on SQLite, then on a real PostgreSQL server.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from sqlalchemy import text

from cpchair.domain.statistics import CONTRACT_KEYS
from cpchair.interchange import crypto
from cpchair.services import keys, secret_store
from cpchair.storage.db import open_database
from tests.test_conformance import compare, expected_periods, run

BAD_REASONS = {
    "flipped-payload-byte.json": "signature does not verify",  # payload_age is signed: step 2 finds it
    "sequence-changed-after-signing.json": "signature does not verify",
    "signature-removed.json": "without a signature",
    "signed-by-an-unenrolled-key.json": "not enrolled",
    "another-chair-signs-as-this-one.json": "claims another chair",
    "encrypted-to-someone-else.json": "none of this installation's keys",
    "digest-of-another-payload.json": "payload_sha256 does not match",
}


def vector_keys(conformance_v2) -> dict:
    return json.loads((conformance_v2 / "test-keys.json").read_text("utf-8"))


def install_daily_identity(identity: str) -> None:
    """As ``coordinator-init`` keeps it: in the secret store, under this installation's device id."""
    db = open_database()
    try:
        with db.session() as s:
            secret_store.put(keys._name(s, keys.AGE_IDENTITY), identity)
            s.commit()
    finally:
        db.dispose()


def enrol_all(capsys, conformance_v2) -> None:
    for n in (1, 2, 3):
        code, out, err = run(capsys, "keys", "enrol", str(conformance_v2 / f"chair-key-chair-{n}.json"), "--yes")
        assert code == 0, err
        assert f"Chair {n}" in out and "Enrolled" in out


@pytest.fixture
def coordinator(data_dir, conformance_v2, capsys, store_env):
    """Enrolled keys go to the merged store (SQLite, then a PostgreSQL server); the daily identity stays in
    this installation's key store."""
    enrol_all(capsys, conformance_v2)
    install_daily_identity(vector_keys(conformance_v2)["coordinator"]["age_identity"])
    return data_dir


def merge_share(capsys, folder, *extra: str) -> dict:
    code, out, err = run(capsys, "merge", str(folder), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_enrolled_coordinator_merges_all_six_and_gets_the_expected_figures(
    coordinator, conformance_v2, conformance, capsys
):
    summary = merge_share(capsys, conformance_v2 / "share")
    names = sorted(f["path"].rsplit("/", 1)[-1] for f in summary["files"])
    assert "cpchair-recipients.json" not in names and len(names) == 6  # passed over: neither merged nor rejected
    assert [f["status"] for f in summary["files"]] == ["merged"] * 6
    assert summary["conflicts"] == 0
    assert (summary["added"], summary["updated"], summary["deleted"]) == (406, 35, 3)  # as the v1 share
    for key, want in expected_periods(conformance).items():
        start, end = key.split("_")
        code, out, err = run(capsys, "stats", "--from", start, "--to", end, "--json")
        assert code == 0, err
        got = json.loads(out)
        assert compare({k: got[k] for k in CONTRACT_KEYS}, want) == [], key
    again = merge_share(capsys, conformance_v2 / "share")
    assert [f["status"] for f in again["files"]] == ["unchanged"] * 6
    from cpchair.storage import store as store_mod

    url = os.environ.get(store_mod.ENV_VAR)
    if url:  # a server store holds the enrolled keys and merged records, never this installation's settings
        engine = store_mod.make_server_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM setting")).scalar() == 0
                assert conn.execute(text("SELECT count(*) FROM chair_key")).scalar() == 3
        finally:
            engine.dispose()


def test_the_recovery_identity_alone_opens_every_payload(data_dir, conformance_v2, tmp_path, capsys, store_env):
    tk = vector_keys(conformance_v2)
    recovery = crypto.identity_from_text(tk["recovery"]["age_identity"])
    files = sorted((conformance_v2 / "share").glob("cpchair-chair-*.json"))
    for path in files:
        doc = json.loads(path.read_bytes())
        encrypted = crypto.b64decode(doc["payload_age"])
        plain = crypto.gunzip_limited(crypto.decrypt(encrypted, [recovery]), crypto.gunzip_limit_for(len(encrypted)))
        assert json.loads(plain)["chair_name"].startswith("Chair ")
    # and through the command line, on an installation holding no coordinator identity at all
    enrol_all(capsys, conformance_v2)
    recovery_file = tmp_path / "recovery.txt"
    recovery_file.write_text(f"# test recovery\n{tk['recovery']['age_identity']}\n", "ascii")
    code, out, err = run(capsys, "merge", str(conformance_v2 / "share"), "--json")
    assert code == 3 and "no coordinator identity" in out
    summary = merge_share(capsys, conformance_v2 / "share", "--recovery-identity", str(recovery_file))
    assert [f["status"] for f in summary["files"]] == ["merged"] * 6 and summary["added"] == 406


def test_every_bad_file_is_refused_whole_with_its_reason_even_with_allow_unsigned(
    coordinator, conformance_v2, conformance, capsys
):
    merge_share(capsys, conformance_v2 / "share")
    periods = expected_periods(conformance)
    before = {k: run(capsys, "stats", "--from", k.split("_")[0], "--to", k.split("_")[1], "--json")[1] for k in periods}
    code, out, err = run(capsys, "merge", str(conformance_v2 / "bad"), "--json", "--allow-unsigned")
    assert code == 3
    files = {f["path"].rsplit("/", 1)[-1]: f for f in json.loads(out)["files"]}
    assert set(files) == set(BAD_REASONS)
    for name, reason in BAD_REASONS.items():
        assert files[name]["status"] == "rejected", name
        assert reason in files[name]["reason"], (name, files[name]["reason"])
        assert name in err  # each rejection names its file
    for k in periods:
        start, end = k.split("_")
        assert run(capsys, "stats", "--from", start, "--to", end, "--json")[1] == before[k]


def test_the_bad_files_are_refused_on_a_fresh_installation_too(coordinator, conformance_v2, tmp_path, capsys):
    """Without the share merged first, nothing of any bad file lands (the digest one decrypts fine)."""
    bad = tmp_path / "bad"
    shutil.copytree(conformance_v2 / "bad", bad)
    code, out, _ = run(capsys, "merge", str(bad), "--json")
    summary = json.loads(out)
    assert code == 3 and summary["added"] == 0 and all(f["status"] == "rejected" for f in summary["files"])


def test_the_v1_vectors_merge_only_with_the_flag(data_dir, conformance, capsys):
    code, out, err = run(capsys, "merge", str(conformance / "share"), "--json")
    assert code == 3
    summary = json.loads(out)
    assert summary["added"] == 0
    assert all("--allow-unsigned" in f["reason"] for f in summary["files"])
    summary = merge_share(capsys, conformance / "share", "--allow-unsigned")
    assert [f["status"] for f in summary["files"]] == ["merged"] * 6
