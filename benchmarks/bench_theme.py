"""The theme's cost: opening the questionnaire editor with the palette-derived style sheet against the same
editor with no application style sheet (the first release's way, colours written into each widget).

An application style sheet makes Qt polish every widget through its style-sheet style; the form has several
hundred widgets, so this is where the cost would show. Runs alternate (after one warm-up of each), medians
of 7 with their range; the ratio is printed, nothing is asserted.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_theme.py``
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

RUNS = 7


def main() -> None:
    os.environ.setdefault("CPCHAIR_DATA_DIR", tempfile.mkdtemp(prefix="cpchair-bench-theme-"))
    from PySide6.QtWidgets import QApplication

    from cpchair.gui import theme
    from cpchair.gui.form.editor import ConferenceEditor
    from cpchair.services import conferences
    from cpchair.storage.db import open_database

    app = QApplication.instance() or QApplication([])
    db = open_database()
    with db.session() as s, s.begin():
        cid = conferences.create(s, conferences.blank_answers("initial"))
    theme.install()
    sheet = app.styleSheet()

    def open_editor(with_sheet: bool) -> float:
        app.setStyleSheet(sheet if with_sheet else "")
        app.processEvents()
        start = time.perf_counter()
        editor = ConferenceEditor(db)
        editor.resize(1366, 768)
        editor.show()
        editor.load(cid)
        app.processEvents()
        took = time.perf_counter() - start
        editor.close()
        editor.deleteLater()
        app.processEvents()
        return took

    open_editor(True), open_editor(False)  # warm-up
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(RUNS):
        for with_sheet in (False, True):
            times[with_sheet].append(open_editor(with_sheet))
    app.setStyleSheet(sheet)
    for with_sheet, label in ((False, "no style sheet (baseline)"), (True, "palette-derived style sheet")):
        ms = [x * 1000 for x in times[with_sheet]]
        print(f"{label:32s} median {statistics.median(ms):7.1f} ms  (range {min(ms):.1f}-{max(ms):.1f})")
    print(f"ratio: {statistics.median(times[True]) / statistics.median(times[False]):.2f}x")
    db.dispose()


if __name__ == "__main__":
    main()
