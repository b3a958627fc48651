"""`cpchair minutes ID --versions --json`, `--version CODE` and `cpchair letter ID --to child|parents`."""

from __future__ import annotations

import io
import json

from minutes_cases import ADDRESS, GRANDMOTHER, POLICE_TEXT, restricted_case
from pypdf import PdfReader

from cpchair.cli import main
from cpchair.services import conferences, minutes_record
from cpchair.services import minutes as minutes_service

CID = "5a6b7c8d-0000-4000-8000-000000000002"


def seed(db) -> str:
    answers, mins, local = restricted_case()
    with db.session() as s:
        conferences.create(s, answers, conference_id=CID)
        minutes_service.save(s, CID, mins)
        minutes_record.save(s, CID, local)
        s.commit()
    return CID


def text_of(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_versions_json_lists_each_copy_who_it_is_for_and_what_it_withholds(db, capsys):
    seed(db)
    assert main(["minutes", CID[:8], "--versions", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listing] == ["full", "parent-1", "parent-2", "parent-3", "young-person"]
    assert listing[0] == {"version": "full", "for": "Professionals (full version)", "withheld": []}
    assert listing[2]["for"] == "Jake Brown (Birth father)"
    assert {ADDRESS, GRANDMOTHER, POLICE_TEXT} <= set(listing[2]["withheld"])
    assert main(["minutes", CID[:8], "--versions"]) == 0
    assert "parent-2       Jake Brown (Birth father) (5 passage(s) withheld)" in capsys.readouterr().out
    assert main(["minutes", CID[:8], "--json"]) == 1
    assert "use it with --versions" in capsys.readouterr().err


def test_writes_the_full_version_by_default_and_a_named_one_without_its_withheld_passages(db, tmp_path, capsys):
    seed(db)
    full, father = tmp_path / "full.pdf", tmp_path / "father.pdf"
    assert main(["minutes", CID, "-o", str(full)]) == 0
    assert main(["minutes", CID, "-o", str(father), "--version", "parent-2"]) == 0
    assert "Wrote the minutes (Jake Brown (Birth father)) to" in capsys.readouterr().out
    assert ADDRESS in text_of(full) and GRANDMOTHER in text_of(full)
    text = text_of(father)
    assert ADDRESS not in text and GRANDMOTHER not in text and "Jake Brown (Birth father)" in text
    assert main(["minutes", CID, "--version", "parent-9", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "no version 'parent-9'" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_letter_command_writes_the_childs_and_the_parents_letters(db, tmp_path, capsys):
    seed(db)
    child, parents = tmp_path / "child.pdf", tmp_path / "parents.pdf"
    assert main(["letter", CID, "--to", "child", "-o", str(child)]) == 0
    assert main(["letter", CID, "--to", "parents", "-o", str(parents)]) == 0
    text = text_of(child)
    assert "Dear Maja," in text and "OFFICIAL-SENSITIVE" in text and "13 March 2026" in text
    text = text_of(parents)
    assert "Dear Anna Kowalska and Jake Brown," in text and GRANDMOTHER not in text
    from cpchair.services import audit

    with db.session() as s:
        printed = [e.detail for e in audit.entries(s) if e.action == "print"]
    assert printed == [{"to": "pdf", "copy": "letter:child"}, {"to": "pdf", "copy": "letter:parents"}]
    assert main(["letter", CID, "--to", "parents", "--version", "parent-7", "-o", str(parents)]) == 1
    assert "no parent's version 'parent-7'" in capsys.readouterr().err
