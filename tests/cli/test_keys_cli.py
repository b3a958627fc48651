"""``cpchair keys …`` and the v2 export/merge flags (spec v2 §5), as a chair and a coordinator would type them,
each in its own data folder: coordinator-init, trust, export-chair, enrol, export (v2, --unsigned, --sample),
merge (and --recovery-identity), show, revoke."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interchange.answers import add_completed

from cpchair import settings
from cpchair.cli import main
from cpchair.services import pseudonym
from cpchair.storage.db import open_database
from tests.trust_setup import SERVICE_KEY


def run(capsys, data: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def folders(tmp_path, data_dir):
    share = tmp_path / "share"
    share.mkdir()
    return {"share": share, "coordinator": tmp_path / "coordinator", "chair": tmp_path / "chair", "root": tmp_path}


def _chair_with_work(folder: Path, n: int = 2) -> None:
    from cpchair import paths

    paths.set_data_dir(folder)
    db = open_database()
    with db.session() as s:
        settings.put(s, "chair_name", "Sam Taylor")
        add_completed(s, n)
        s.commit()
    db.dispose()
    pseudonym.save_key(SERVICE_KEY)
    paths.set_data_dir(None)


def test_a_chair_and_a_coordinator_set_up_from_the_command_line(folders, capsys):
    share, coord, chair, root = folders["share"], folders["coordinator"], folders["chair"], folders["root"]
    init = ("keys", "coordinator-init", "--share", str(share), "--recovery-out", str(root / "rec.txt"))
    code, out, err = run(capsys, coord, *init)
    assert code == 0, err
    assert (share / "cpchair-recipients.json").is_file() and "AGE-SECRET-KEY-1" in (root / "rec.txt").read_text()
    coordinator_kid = json.loads(run(capsys, coord, "keys", "show", "--json")[1])["coordinator_kid"]

    _chair_with_work(chair)
    # before trusting: no export, in plain words
    code, _out, err = run(capsys, chair, "export", "--to", str(share))
    assert code == 1 and "No coordinator is trusted yet" in err
    code, _out, err = run(capsys, chair, "keys", "trust", str(share), "--fingerprint", "00" * 32)
    assert code == 1 and "not the one you confirmed" in err
    code, out, err = run(capsys, chair, "keys", "trust", str(share), "--fingerprint", coordinator_kid.upper())
    assert code == 0 and "Trusted coordinator" in out, err
    shown = json.loads(run(capsys, chair, "keys", "show", "--json")[1])
    assert shown["pinned_coordinator"]["kid"] == coordinator_kid and len(shown["kid"]) == 64

    key_file = root / "sam.json"
    code, out, err = run(capsys, chair, "keys", "export-chair", "-o", str(key_file))
    assert code == 0 and Path(out.strip()) == key_file and "Fingerprint:" in err
    assert json.loads(key_file.read_text())["kid"] == shown["kid"]

    code, out, err = run(capsys, chair, "export", "--to", str(share))
    assert code == 0, err
    exported = Path(out.strip())
    assert json.loads(exported.read_bytes())["format_version"] == 2

    # not enrolled yet: refused; enrol without --yes from a script: refused, asks to compare
    code, out, _ = run(capsys, coord, "merge", str(share), "--json")
    assert code == 3 and "not enrolled" in out
    code, out, err = run(capsys, coord, "keys", "enrol", str(key_file))
    assert code == 1 and shown["fingerprint"] in out and "--yes" in err
    code, out, _ = run(capsys, coord, "keys", "enrol", str(key_file), "--yes")
    assert code == 0 and "Enrolled Sam Taylor's key" in out
    code, out, err = run(capsys, coord, "merge", str(share), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert [f["status"] for f in summary["files"]] == ["merged"] and summary["added"] == 2

    # the recovery identity alone, on a fresh coordinator installation
    fresh = root / "fresh"
    run(capsys, fresh, "keys", "enrol", str(key_file), "--yes")
    code, out, _ = run(capsys, fresh, "merge", str(share), "--json", "--recovery-identity", str(root / "rec.txt"))
    assert code == 0 and json.loads(out)["added"] == 2

    # revoke: later files refused
    code, out, _ = run(capsys, coord, "keys", "revoke", shown["fingerprint"])
    assert code == 0 and "Revoked Sam Taylor's key" in out
    run(capsys, chair, "export", "--to", str(share))
    code, out, _ = run(capsys, coord, "merge", str(share), "--json")
    assert code == 3 and "revoked" in out


def test_unsigned_export_says_so_and_merges_only_with_the_flag(folders, capsys):
    chair, coord, share = folders["chair"], folders["coordinator"], folders["share"]
    _chair_with_work(chair, 1)
    code, out, err = run(capsys, chair, "export", "--to", str(share), "--unsigned")
    assert code == 0 and "UNSIGNED" in err
    assert json.loads(Path(out.strip()).read_bytes())["format_version"] == 1
    code, out, err = run(capsys, coord, "merge", str(share))
    assert code == 3 and "--allow-unsigned" in err
    assert run(capsys, coord, "merge", str(share), "--allow-unsigned")[0] == 0


def test_an_installation_with_sample_data_exports_only_with_sample(folders, capsys):
    chair, share = folders["chair"], folders["share"]
    assert run(capsys, chair, "demo", "--conferences", "20")[0] == 0
    code, _out, err = run(capsys, chair, "export", "--to", str(share), "--unsigned")
    assert code == 1 and "holds sample data" in err and "--sample" in err
    code, out, err = run(capsys, chair, "export", "--to", str(share), "--unsigned", "--sample")
    assert code == 0 and "sample data only" in err
    doc = json.loads(Path(out.strip()).read_bytes())
    assert doc["record_count"] > 0 and doc["chair_name"] == "Demo Chair"


def test_the_demo_key_never_keys_real_conferences(folders, capsys):
    chair, share = folders["chair"], folders["share"]
    _chair_with_work(chair, 1)
    from cpchair import paths

    paths.set_data_dir(chair)
    pseudonym.install_demo_key()
    paths.set_data_dir(None)
    code, _out, err = run(capsys, chair, "export", "--to", str(share), "--unsigned")
    assert code == 1 and "demo pseudonymisation key" in err and "never key real conferences" in err
    assert list(share.iterdir()) == []
    code, _out, err = run(capsys, chair, "export", "--to", str(share), "--unsigned", "--sample")
    assert code == 1 and "holds no sample data" in err
