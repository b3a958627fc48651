"""Benchmark: how long the questionnaire editor takes to react to one keystroke, and to open a conference.

Run: ``.venv/bin/python benchmarks/bench_form_refresh.py``. A large conference (8 children, 6 adults, every
agency, 10 escalations) is opened in the real editor offscreen. Each keystroke re-collects the answers,
re-applies the show/hide rules and re-validates the whole record; the baseline, measured in the same run,
is ``validate_record`` alone on the same record (the least a form that validates as you type must do).
A keystroke should stay well under a frame or two (16-33 ms) so typing never lags.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def big_answers():
    from cpchair.domain.questionnaire import load
    from cpchair.services import conferences

    q = load()
    a = conferences.blank_answers("initial")
    a.update(conference_date="2025-03-26", strategy_discussion_date="2025-03-03", delay_reason="reports_not_ready")
    a["issues"] = ["domestic_abuse", "parental_mental_health", "gangs"]
    a["children"] = []
    for i in range(8):
        c = conferences.blank_child()
        c.update(case_ref=f"C{i}", name=f"Child {i}", age_years=i + 2, decision="plan_started", category="neglect")
        c.update(plan_start_date="2025-03-26", plan_sequence="first", participation="pn1")
        a["children"].append(c)
    a["adults"] = [dict(conferences.blank_adult(), relationship="mother", attendance="attended_all") for _ in range(6)]
    a["agencies"] = [
        {"agency": code, "invited": True, "attendance": "attended", "report": "on_time"} for code in q.codes["agency"]
    ]
    a["escalations"] = [
        {"type": "practice_alert", "subject": "other", "stage": 1, "status": "open", "raised_on": "2025-03-27"}
    ] * 10
    a["quality"] = {k: next(iter(q.codes[k])) for k in q.quality_keys}
    return a


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="cpchair-bench-") as tmp:
        os.environ["CPCHAIR_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from cpchair.domain.validation import validate_record
        from cpchair.gui.form.editor import ConferenceEditor
        from cpchair.services import conferences
        from cpchair.storage.db import open_database

        app = QApplication.instance() or QApplication(sys.argv)
        db = open_database()
        answers = big_answers()
        with db.session() as s, s.begin():
            cid = conferences.create(s, answers)

        t = time.perf_counter()
        editor = ConferenceEditor(db)
        build = time.perf_counter() - t
        editor.resize(1366, 768)
        editor.show()
        t = time.perf_counter()
        editor.load(cid)
        app.processEvents()
        load_time = time.perf_counter() - t

        edit = editor.rows["family_name"].input.edit
        keys, base = [], []
        for i in range(60):
            t = time.perf_counter()
            QTest.keyClick(edit, Qt.Key.Key_A if i % 2 else Qt.Key.Key_Backspace)
            keys.append(time.perf_counter() - t)
            t = time.perf_counter()
            validate_record(answers)
            base.append(time.perf_counter() - t)
        editor.timer.stop()
        key_ms, base_ms = statistics.median(keys) * 1000, statistics.median(base) * 1000
        print(f"build editor: {build * 1000:.0f} ms; open the large conference: {load_time * 1000:.0f} ms")
        print(f"one keystroke (collect + rules + validate + show): median {key_ms:.2f} ms")
        print(f"baseline validate_record alone:                     median {base_ms:.2f} ms")
        print(f"ratio keystroke / baseline: {key_ms / base_ms:.1f}x")
        editor.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
