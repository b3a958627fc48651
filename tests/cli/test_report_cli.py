"""`cpchair report` from the command line: the PDF and workbook appear, bad periods are refused, Qt stays out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]


def _cpchair(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CPCHAIR_DATA_DIR": str(data_dir)}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "cpchair", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def test_report_writes_the_pdf_and_workbook_without_importing_qt(tmp_path, conformance):
    share = tmp_path / "share"
    shutil.copytree(conformance / "share", share)
    data = tmp_path / "data"
    merged = _cpchair(data, "merge", str(share), "--allow-unsigned")
    assert merged.returncode == 0, merged.stderr
    pdf, xlsx = tmp_path / "out" / "report.pdf", tmp_path / "out" / "report.xlsx"
    script = textwrap.dedent(
        f"""
        import sys
        from cpchair.cli import main
        rc = main(["report", "--from", "2023-04-01", "--to", "31/03/2024", "-o", {str(pdf)!r},
                   "--xlsx", {str(xlsx)!r}, "--suppress-small"])
        qt = sorted(m for m in sys.modules if m.startswith("PySide6"))
        print("QT:", qt)
        sys.exit(rc)
        """
    )
    env = {**os.environ, "CPCHAIR_DATA_DIR": str(data)}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "QT: []" in run.stdout
    assert str(pdf) in run.stdout and str(xlsx) in run.stdout
    first = PdfReader(pdf).pages[0].extract_text()
    assert "Period: 01/04/2023 to 31/03/2024" in first and "shown as “c”" in first
    wb = load_workbook(xlsx)
    icpc = next(r for r in wb["Summary"].iter_rows() if r[2].value == "Within 15 working days")
    assert [icpc[3].value, icpc[4].value] == [49, 71]  # 49 of 71 initial conferences within 15 working days


def test_reports_are_suppressed_by_default_and_no_suppress_prints_every_number(tmp_path, conformance, capsys):
    from cpchair.cli import main

    share = tmp_path / "share"
    shutil.copytree(conformance / "share", share)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "merge", str(share), "--allow-unsigned"]) == 0
    out = {}
    for name, extra in (("default", []), ("internal", ["--no-suppress"]), ("old", ["--suppress-small"])):
        pdf, xlsx = tmp_path / f"{name}.pdf", tmp_path / f"{name}.xlsx"
        argv = ["--data-dir", str(data), "report", "--from", "2024-04-01", "--to", "2025-03-31", "-o", str(pdf),
                "--xlsx", str(xlsx), *extra]  # fmt: skip
        assert main(argv) == 0
        cells = [c.value for ws in load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row]
        out[name] = (PdfReader(pdf).pages[0].extract_text(), cells)
    capsys.readouterr()
    assert "shown as “c”" in out["default"][0] and "c" in out["default"][1]
    assert "not suppressed" in out["internal"][0] and "c" not in out["internal"][1]
    assert out["old"][1] == out["default"][1]  # --suppress-small still works: it asks for the default
    assert main(["--data-dir", str(data), "report", "-o", str(tmp_path / "x.pdf"), "--no-suppress",
                 "--suppress-small"]) == 2  # fmt: skip
    assert "contradict" in capsys.readouterr().err


def test_a_period_that_ends_before_it_starts_is_a_usage_error(tmp_path):
    run = _cpchair(
        tmp_path / "data", "report", "--from", "2025-04-01", "--to", "2025-03-31", "-o", str(tmp_path / "r.pdf")
    )
    assert run.returncode == 2
    assert "after --to" in run.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_a_date_that_is_not_a_date_is_named(tmp_path):
    run = _cpchair(tmp_path / "data", "report", "--from", "1st April", "-o", str(tmp_path / "r.pdf"))
    assert run.returncode == 2
    assert "'1st April' is not a date" in run.stderr


def test_an_unknown_chair_is_named_with_the_known_ones(tmp_path, conformance):
    data = tmp_path / "data"
    share = tmp_path / "share"
    shutil.copytree(conformance / "share", share)
    assert _cpchair(data, "merge", str(share), "--allow-unsigned").returncode == 0
    run = _cpchair(data, "report", "--chair", "Nobody", "-o", str(tmp_path / "r.pdf"))
    assert run.returncode == 2
    assert "Chair 1, Chair 2, Chair 3" in run.stderr
