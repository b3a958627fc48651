"""`cpchair export --to FOLDER`: prints the path of a valid file; explains failures with exit code 1."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
from interchange.answers import add_completed

from cpchair import settings
from cpchair.cli import main
from cpchair.interchange.schema_build import load_schema
from cpchair.services import pseudonym


def _prepare(db, *, key: bool = True) -> None:
    with db.session() as s:
        settings.put(s, "chair_name", "Chair One")
        add_completed(s, 3)
        s.commit()
    if key:
        pseudonym.save_key(bytes.fromhex("5e" * 32))


def test_export_prints_the_path_of_a_valid_file(db, data_dir, tmp_path, capsys):
    _prepare(db)
    share = tmp_path / "share"
    share.mkdir()
    assert main(["--data-dir", str(data_dir), "export", "--to", str(share), "--unsigned"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == share and printed.is_file()
    doc = json.loads(printed.read_text("utf-8"))
    jsonschema.Draft7Validator(load_schema()).validate(doc)
    assert doc["sequence"] == 1 and doc["record_count"] == 3
    assert main(["--data-dir", str(data_dir), "export", "--to", str(share), "--unsigned"]) == 0
    second = json.loads(Path(capsys.readouterr().out.strip()).read_text("utf-8"))
    assert second["sequence"] == 2 and second["device_id"] == doc["device_id"]


def test_without_to_the_shared_folder_setting_is_used(db, data_dir, tmp_path, capsys):
    _prepare(db)
    share = tmp_path / "settings-share"
    share.mkdir()
    with db.session() as s:
        settings.put(s, "shared_folder", str(share))
        s.commit()
    assert main(["export", "--unsigned"]) == 0
    assert Path(capsys.readouterr().out.strip()).parent == share


def test_missing_key_and_missing_folder_are_explained(db, data_dir, tmp_path, capsys):
    _prepare(db, key=False)
    share = tmp_path / "share"
    share.mkdir()
    assert main(["export", "--to", str(share), "--unsigned"]) == 1
    assert "Import the key file your coordinator gave you" in capsys.readouterr().err
    pseudonym.save_key(bytes.fromhex("5e" * 32))
    assert main(["export", "--to", str(tmp_path / "missing"), "--unsigned"]) == 1
    assert "cannot be reached" in capsys.readouterr().err
    assert list(share.iterdir()) == []


def test_demo_then_export_works_at_once_without_qt(tmp_path):
    """The issue's promise, end to end in a fresh process: `cpchair demo` then `cpchair export --to --sample`
    (sample data is exported only when asked for as such; unsigned, as no coordinator is trusted)."""
    data, share = tmp_path / "data", tmp_path / "share"
    share.mkdir()
    code = (
        "import sys\n"
        "from cpchair.cli import main\n"
        f"assert main(['--data-dir', {str(data)!r}, 'demo', '--conferences', '40']) == 0\n"
        f"rc = main(['--data-dir', {str(data)!r}, 'export', '--to', {str(share)!r}, '--sample', '--unsigned'])\n"
        "assert 'PySide6' not in sys.modules, 'the CLI imported Qt'\n"
        "sys.exit(rc)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CPCHAIR_DATA_DIR"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip().splitlines()[-1])
    doc = json.loads(path.read_text("utf-8"))
    jsonschema.Draft7Validator(load_schema()).validate(doc)
    assert doc["record_count"] > 0
    # only pseudonymous keys: no family or child reference, name or note of the demo data is in the file
    text = path.read_text("utf-8")
    with sqlite3.connect(data / "cpchair.sqlite") as con:
        local = [r for row in con.execute("SELECT family_ref, family_name FROM conference") for r in row]
        local += [r for row in con.execute("SELECT case_ref, child_name FROM conference_child") for r in row]
    local = [v for v in local if v]
    assert len(local) > 40
    assert [v for v in local if json.dumps(v)[1:-1] in text] == []
