"""`cpchair minutes ID -o FILE.pdf` writes the minutes with no display, and explains what it cannot do."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from minutes_cases import answers_for, minutes_for
from pypdf import PdfReader

from cpchair.cli import main
from cpchair.services import conferences
from cpchair.services import minutes as minutes_service

CID = "5a6b7c8d-0000-4000-8000-000000000001"


def seed(db, *, conference_type="initial", parents_views=None) -> str:
    with db.session() as s:
        answers = answers_for(conference_type)
        cid = conferences.create(s, answers, conference_id=CID)
        mins = minutes_for(answers)
        if parents_views is not None:
            mins["parents_views"] = parents_views
        minutes_service.save(s, cid, mins)
        s.commit()
    return cid


def text_of(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_writes_the_minutes_to_the_named_file(db, tmp_path, capsys):
    seed(db, conference_type="review")
    out = tmp_path / "minutes.pdf"
    assert main(["minutes", CID[:8], "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    text = text_of(out)
    assert "Review conference (RCPC)" in text and "20 May 2026 (20/05/2026)" in text
    assert "9. Distribution" in text and "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text


def test_without_output_uses_the_suggested_name_in_the_current_folder(db, tmp_path, monkeypatch):
    seed(db)
    monkeypatch.chdir(tmp_path)
    assert main(["minutes", CID]) == 0
    assert (tmp_path / "minutes-2026-03-12-5a6b7c8d.pdf").is_file()


def test_unknown_id_and_unprintable_text_fail_with_a_message_and_no_file(db, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["minutes", "deadbeef", "-o", str(out)]) == 1
    assert "No conference with id deadbeef" in capsys.readouterr().err
    seed(db, parents_views="அம்மா சொன்னார்")  # Tamil: no bundled font has it
    assert main(["minutes", CID, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cpchair: Parents' views contains “அ” (tamil letter a)")
    assert not out.exists()


def test_runs_headless_in_a_fresh_process(db, data_dir, tmp_path):
    seed(db)
    db.dispose()
    out = tmp_path / "headless.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["CPCHAIR_DATA_DIR"] = str(data_dir)
    code = (
        "import sys; from cpchair.__main__ import main; rc = main(sys.argv[1:]);"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "minutes", CID, "-o", str(out)], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "Child Protection Conference Minutes" in text_of(out)
