"""`cpchair --self-test`: the real services in a temporary data folder, one line per step, never the user's data."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date

from pypdf import PdfReader

from cpchair import selftest
from cpchair.reports import minutes_pdf
from cpchair.services import conferences, minutes


def test_self_test_runs_every_step_and_leaves_the_data_folder_alone(data_dir):
    out = io.StringIO()
    assert selftest.run(out) == 0, out.getvalue()
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok  migrations",
        "ok  questionnaire",
        "ok  minutes PDF",
        "ok  export",
    ]
    assert lines[-1] == "self-test passed"
    assert list(data_dir.iterdir()) == []  # the chair's own folder: no database, no key, nothing


def test_the_page_count_agrees_with_a_pdf_reader(db, tmp_path):
    with db.session() as s, s.begin():
        cid = conferences.create(s, selftest.valid_answers(date(2026, 3, 10)))
        conferences.complete(s, cid)
        doc = minutes.document_for(s, cid)
    path = minutes_pdf.write(doc, tmp_path / "m.pdf")
    assert selftest.pdf_page_count(path.read_bytes()) == len(PdfReader(path).pages) >= 1


def test_a_broken_pdf_fails_its_step_with_exit_1(data_dir, monkeypatch):
    real = minutes_pdf.render
    monkeypatch.setattr(minutes_pdf, "render", lambda doc: real(doc)[:-400])  # a file cut short
    out = io.StringIO()
    assert selftest.run(out) == 1
    text = out.getvalue()
    assert "ok  questionnaire" in text
    assert "FAILED minutes PDF: SelfTestFailed: the PDF has no end-of-file trailer (it was cut short)" in text
    assert "self-test passed" not in text and "export" not in text


def test_python_m_cpchair_self_test_passes_without_importing_qt(tmp_path):
    data = tmp_path / "data"
    env = dict(os.environ, CPCHAIR_DATA_DIR=str(data))
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "cpchair", "--self-test"], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "self-test passed"
    assert not data.exists()
    code = (
        "import sys; from cpchair.__main__ import main; rc = main(['--self-test']); "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6'))); sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"
