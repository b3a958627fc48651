"""``cpchair --self-test``: prove an installation works end to end, in a temporary data folder, without Qt.

Why: council IT installs cpchair through an installer and cannot run the test suite. This runs the real
services on a throw-away data folder (never the user's): the migrations, one questionnaire saved and
completed, its minutes written as PDF and read back, and an export written and read back through the real
reader with a temporary pseudonymisation key. It prints one line per step, then "self-test passed" (exit 0),
or the step that failed and why (exit 1). It imports no Qt, so it runs on a server, in CI and inside the
PyInstaller bundle, where it also proves that the package data (migrations, definition, schema, fonts) was
bundled: they are found through importlib.resources exactly as in normal use.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

PASSED = "self-test passed"


class SelfTestFailed(Exception):
    """A step found something wrong (the message says what)."""


def valid_answers(conference_date: date) -> dict[str, Any]:
    """One complete, valid initial conference for one child, built from the definition's own codes."""
    from cpchair.domain.questionnaire import load
    from cpchair.services.conferences import blank_answers, blank_child

    q = load()
    answers = blank_answers("initial")
    answers.update(
        family_ref="SELFTEST-1",
        family_name="Self-test",
        conference_date=conference_date.isoformat(),
        strategy_discussion_date=(conference_date - timedelta(days=7)).isoformat(),
    )
    child = blank_child()
    child.update(
        case_ref="ST-C1",
        name="Test child",
        unborn=False,
        age_years=6,
        decision="plan_started",
        plan_sequence="first",
        category="neglect",
        plan_start_date=conference_date.isoformat(),
    )
    answers["children"] = [child]
    answers["quality"] = {k: next(iter(q.codes[k])) for k in q.quality_keys}
    return answers


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF by its page objects (reportlab writes them uncompressed); no PDF library needed."""
    if not data.startswith(b"%PDF-"):
        raise SelfTestFailed("the file does not start with a PDF header")
    if b"%%EOF" not in data[-1024:]:
        raise SelfTestFailed("the PDF has no end-of-file trailer (it was cut short)")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


class _Run:
    """The state the steps share: the temporary folder, the database, the conference made."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = None
        self.conference_id = ""

    def migrations(self) -> str:
        from cpchair.storage.db import open_database
        from cpchair.storage.migrate import HEAD, current_revision

        self.db = open_database()
        revision = current_revision(self.db.engine)
        if revision != HEAD:
            raise SelfTestFailed(f"the database is at revision {revision}, expected {HEAD}")
        return f"database created at revision {revision}"

    def questionnaire(self) -> str:
        from cpchair import settings
        from cpchair.services import conferences

        with self.db.session() as s, s.begin():
            settings.put(s, "chair_name", "Self Test")
            cid = conferences.create(s)
            conferences.save(s, cid, valid_answers(date.today() - timedelta(days=3)))
            conferences.complete(s, cid)
        with self.db.session() as s:
            detail = conferences.get(s, cid)
        if detail.status != conferences.COMPLETE or detail.answers.get("family_ref") != "SELFTEST-1":
            raise SelfTestFailed(f"the questionnaire read back as {detail.status!r}, not complete")
        self.conference_id = cid
        return "one questionnaire saved, validated and completed"

    def minutes_pdf(self) -> str:
        from cpchair.reports import minutes_pdf
        from cpchair.services import minutes

        with self.db.session() as s, s.begin():
            written = minutes.blank_minutes() | {"venue": "Self-test room", "purpose": "Checking the installation."}
            minutes.save(s, self.conference_id, written)
            doc = minutes.document_for(s, self.conference_id)
        path = minutes_pdf.write(doc, self.folder / "minutes.pdf")
        data = path.read_bytes()
        pages = pdf_page_count(data)
        if pages < 1:
            raise SelfTestFailed("the minutes PDF has no pages")
        return f"minutes PDF written and read back ({pages} page(s), {len(data):,} bytes)"

    def export(self) -> str:
        from cpchair.interchange.reader import read_export
        from cpchair.services import export, pseudonym

        key = pseudonym.parse_key_text(pseudonym.new_key_text())  # temporary: this folder is deleted after
        pseudonym.save_key(key)
        share = self.folder / "share"
        share.mkdir()
        with self.db.session() as s:
            export.ensure_identity(s)
            s.commit()
            # unsigned (v1): the self-test has no coordinator to trust; the signed path is tested in the suite
            result = export.export_now(s, share, key=key, unsigned=True)
            s.commit()
        read = read_export(result.path)
        if len(read.conferences) != 1 or read.envelope.get("export_id") != result.export_id:
            raise SelfTestFailed(f"the export read back held {len(read.conferences)} conference(s), expected 1")
        return f"export written and read back ({result.path.name}, 1 conference)"


def run(out: TextIO | None = None) -> int:
    """Run every step; 0 when all passed, 1 (after naming the failed step) otherwise."""
    from cpchair import paths

    out = out or sys.stdout
    previous = paths.data_dir_override()
    with tempfile.TemporaryDirectory(prefix="cpchair-selftest-") as tmp:
        folder = Path(tmp)
        paths.set_data_dir(folder / "data")
        state = _Run(folder)
        steps: list[tuple[str, Callable[[], str]]] = [
            ("migrations", state.migrations),
            ("questionnaire", state.questionnaire),
            ("minutes PDF", state.minutes_pdf),
            ("export", state.export),
        ]
        try:
            for name, step in steps:
                start = time.perf_counter()
                try:
                    detail = step()
                except Exception as exc:  # noqa: BLE001 - any failure is the answer this command exists for
                    print(f"FAILED {name}: {type(exc).__name__}: {exc}", file=out, flush=True)
                    return 1
                print(f"ok  {name}: {detail} ({time.perf_counter() - start:.2f} s)", file=out, flush=True)
        finally:
            if state.db is not None:
                state.db.dispose()
            paths.set_data_dir(previous)
    print(PASSED, file=out, flush=True)
    return 0
