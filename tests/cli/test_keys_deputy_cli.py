"""A service with a lead coordinator and a deputy, both merging (issue 14), set up from the command line as
the coordinator's guide tells them: the deputy makes a decryption key on their own computer and hands the lead
a file with its public half; the lead adds it to the signed recipients file; the chairs' next exports open on
the deputy's computer, earlier ones do not; once removed, later exports no longer open there.

Run on both stores (``store_env``): on PostgreSQL the lead and the deputy share one merged store through
``CPCHAIR_DATABASE_URL``, so the chair the lead enrolled is enrolled for the deputy too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_keys_cli import _chair_with_work, run


@pytest.fixture
def service(tmp_path, data_dir, capsys):
    share = tmp_path / "share"
    share.mkdir()
    folders = {n: tmp_path / n for n in ("lead", "deputy", "chair")}
    init = ("keys", "coordinator-init", "--share", str(share), "--recovery-out", str(tmp_path / "rec.txt"))
    assert run(capsys, folders["lead"], *init)[0] == 0
    lead_kid = json.loads(run(capsys, folders["lead"], "keys", "show", "--json")[1])["coordinator_kid"]
    _chair_with_work(folders["chair"], 1)
    assert run(capsys, folders["chair"], "keys", "trust", str(share), "--fingerprint", lead_kid)[0] == 0
    key_file = tmp_path / "chair-key.json"
    assert run(capsys, folders["chair"], "keys", "export-chair", "-o", str(key_file))[0] == 0
    assert run(capsys, folders["lead"], "keys", "enrol", str(key_file), "--yes")[0] == 0
    return {"share": share, "key_file": key_file, "root": tmp_path, **folders}


def _export(capsys, service) -> Path:
    code, out, err = run(capsys, service["chair"], "export", "--to", str(service["share"]))
    assert code == 0, err
    return Path(out.strip())


def _merge(capsys, folder: Path, share: Path) -> dict[str, str]:
    code, out, err = run(capsys, folder, "merge", str(share), "--json")
    files = json.loads(out)["files"]
    assert code == (3 if any(f["status"] == "rejected" for f in files) else 0), err
    return {Path(f["path"]).name: f"{f['status']} {f.get('reason') or ''}" for f in files}


def test_a_deputy_merges_what_chairs_export_after_the_lead_adds_them(store_env, service, capsys):
    # store_env first: the lead enrols the chair (in the fixture) in the store the deputy will share
    share, lead, deputy, root = service["share"], service["lead"], service["deputy"], service["root"]
    before = _export(capsys, service)

    deputy_file = root / "deputy.json"
    code, out, err = run(capsys, deputy, "keys", "deputy-init", "--name", "Dee Morgan", "-o", str(deputy_file))
    assert code == 0 and "Deputy fingerprint:" in err
    fingerprint = err.split("Deputy fingerprint: ")[1].split(".")[0]
    public = json.loads(deputy_file.read_text())
    assert public["recipient"].startswith("age1") and "AGE-SECRET" not in deputy_file.read_text()
    if store_env == "sqlite":  # on PostgreSQL the lead's enrolment is in the shared store already
        assert run(capsys, deputy, "keys", "enrol", str(service["key_file"]), "--yes")[0] == 0

    # adding asks for the fingerprint to be compared first; a script must say --yes
    code, out, err = run(capsys, lead, "keys", "add-deputy", str(deputy_file), "--share", str(share))
    assert code == 1 and fingerprint in out and "--yes" in err
    code, out, err = run(capsys, lead, "keys", "add-deputy", str(deputy_file), "--share", str(share), "--yes")
    assert code == 0 and "Added Dee Morgan: recipients file version 2" in out, err
    recipients = json.loads((share / "cpchair-recipients.json").read_text())
    assert recipients["version"] == 2 and public["recipient"] in recipients["recipients"]
    shown = json.loads(run(capsys, lead, "keys", "show", "--json")[1])
    assert shown["deputies"] == [{"name": "Dee Morgan", "fingerprint": fingerprint, "recipient": public["recipient"]}]

    after = _export(capsys, service)  # the chair's installation takes version 2: signed by the key it pinned
    merged = _merge(capsys, deputy, share)
    assert merged[after.name].startswith("merged")
    assert merged[before.name].startswith("rejected") and "before the lead added your key" in merged[before.name]
    lead_view = _merge(capsys, lead, share)  # the lead opens both
    assert not any(v.startswith("rejected") for v in lead_view.values()), lead_view

    # removed: the next export no longer opens on the deputy's computer
    code, out, err = run(capsys, lead, "keys", "remove-deputy", fingerprint, "--share", str(share))
    assert code == 0 and "recipients file version 3" in out and "can still be opened" in out, err
    assert public["recipient"] not in json.loads((share / "cpchair-recipients.json").read_text())["recipients"]
    later = _export(capsys, service)
    assert _merge(capsys, deputy, share)[later.name].startswith("rejected")


def test_deputy_keys_refuse_what_would_lock_someone_out(service, capsys):
    share, lead, deputy, root = service["share"], service["lead"], service["deputy"], service["root"]
    deputy_file = root / "deputy.json"
    assert run(capsys, deputy, "keys", "deputy-init", "--name", "Dee Morgan", "-o", str(deputy_file))[0] == 0
    # a second key would leave files made for the first unreadable; the lead cannot become a deputy either
    code, _out, err = run(capsys, deputy, "keys", "deputy-init", "--name", "Dee", "-o", str(root / "again.json"))
    assert code == 1 and "already has a coordinator's decryption key" in err
    code, _out, err = run(capsys, lead, "keys", "deputy-init", "--name", "Lead", "-o", str(root / "lead.json"))
    assert code == 1 and "already has" in err
    # only the lead changes the recipients; a deputy added twice, a foreign or damaged file: refused, in words
    code, _out, err = run(capsys, deputy, "keys", "add-deputy", str(deputy_file), "--share", str(share), "--yes")
    assert code == 1 and "Only the lead coordinator" in err
    args = ("keys", "add-deputy", str(deputy_file), "--share", str(share), "--yes")
    assert run(capsys, lead, *args)[0] == 0
    code, _out, err = run(capsys, lead, *args)
    assert code == 1 and "already a recipient" in err
    code, _out, err = run(capsys, lead, "keys", "add-deputy", str(service["key_file"]), "--share", str(share), "--yes")
    assert code == 1 and "is not a deputy key file" in err
    forged = root / "forged.json"
    forged.write_text(json.dumps({"format": "cpchair-deputy-key", "name": "X", "recipient": "age1nope"}))
    code, _out, err = run(capsys, lead, "keys", "add-deputy", str(forged), "--share", str(share), "--yes")
    assert code == 1 and "was not accepted" in err
    code, _out, err = run(capsys, lead, "keys", "remove-deputy", "0000 0000", "--share", str(share))
    assert code == 1 and "No deputy has the fingerprint" in err
    assert json.loads((share / "cpchair-recipients.json").read_text())["version"] == 2  # only the one good add
