"""`cpchair merge` and `cpchair stats` as the spec's §7 describes them: output shapes, exit codes 0/3/2,
periods, and no Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from cpchair.cli import main
from cpchair.domain.dates import reporting_year


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_merge_json_output_and_exit_codes(data_dir, conformance, tmp_path, capsys):
    code, out, _ = run(capsys, "merge", str(conformance / "share"), "--json", "--allow-unsigned")
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"files", "added", "updated", "deleted", "conflicts"}
    assert all(set(f) == {"path", "status", "reason"} for f in summary["files"])
    assert (summary["added"], summary["updated"], summary["deleted"], summary["conflicts"]) == (406, 35, 3, 0)

    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "broken.json").write_bytes(b'{"format": "cpchair-export", ')
    first = sorted((conformance / "share").glob("*.json"))[0]
    (mixed / "copy.json").write_bytes(first.read_bytes())
    code, out, err = run(capsys, "merge", str(mixed), "--json", "--allow-unsigned")
    assert code == 3
    statuses = {os.path.basename(f["path"]): (f["status"], f["reason"]) for f in json.loads(out)["files"]}
    assert statuses["copy.json"] == ("unchanged", None)
    assert statuses["broken.json"][0] == "rejected" and "not valid JSON" in statuses["broken.json"][1]
    assert "broken.json" in err


def test_merge_plain_output_names_each_file(data_dir, conformance, capsys):
    code, out, _ = run(capsys, "merge", str(conformance / "bad"), "--allow-unsigned")
    assert code == 3
    assert "rejected  " in out and "digest-mismatch.json: payload_sha256 does not match" in out
    assert "rejected 2" in out


def test_usage_errors_exit_2(data_dir, tmp_path, capsys):
    assert run(capsys, "merge", str(tmp_path / "missing"))[0] == 2
    with pytest.raises(SystemExit) as info:
        main(["merge"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["stats", "--from", "01/04/2024"])
    assert info.value.code == 2
    code, _, err = run(capsys, "stats", "--from", "2025-01-01", "--to", "2024-01-01", "--json")
    assert code == 2 and "after" in err


def test_stats_default_period_is_the_current_reporting_year(data_dir, capsys):
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0
    start, end = reporting_year(date.today())
    figures = json.loads(out)
    assert figures["period"] == {"from": start.isoformat(), "to": end.isoformat()}
    assert figures["conferences"]["total"] == 0 and figures["icpc_timeliness"]["pct"] is None
    code, out, _ = run(capsys, "stats", "--from", "2024-04-01")
    assert code == 0 and "Period 2024-04-01 to" in out


def test_stats_text_summary(data_dir, conformance, capsys):
    run(capsys, "merge", str(conformance / "share"), "--allow-unsigned")
    code, out, _ = run(capsys, "stats", "--from", "2024-04-01", "--to", "2025-03-31")
    assert code == 0
    assert "Conferences: 237" in out and "41 of 58 (70.7%)" in out and "median 12.5" in out


def test_merge_and_stats_never_import_qt(data_dir, conformance):
    script = (
        "import sys; from cpchair.cli import main; "
        f"rc = main(['merge', {str(conformance / 'share')!r}, '--json', '--allow-unsigned']) "
        "or main(['stats', '--json']); "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
