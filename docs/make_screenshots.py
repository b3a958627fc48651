"""Make the user guides' screenshots (docs/images/) from the real application, offscreen, on demo data.

Run from the repository root: ``.venv/bin/python docs/make_screenshots.py``. It uses a temporary data folder
(never yours): demo data for a chair, then the same installation as coordinator, merging its own export and
the public conformance exports. "Today" is fixed so the pictures do not change from day to day.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
TODAY = date(2025, 4, 20)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="cpchair-shots-"))
    from cpchair import paths, settings

    paths.set_data_dir(tmp / "data")
    share = tmp / "share"
    shutil.copytree(ROOT / "tests" / "data" / "conformance" / "share", share)

    from cpchair.services import conferences, demo, export
    from cpchair.storage.db import open_database

    db = open_database()
    with db.session() as s:
        demo.generate(s, 400, seed=7, today=TODAY)
        settings.put(s, "chair_name", "Sam Taylor")
        settings.put(s, "role", "chair")
        settings.put(s, "shared_folder", str(share))
        settings.put(s, "service_name", "Anyshire Safeguarding and Review Service")
        s.commit()
        export.ensure_identity(s)
        s.commit()
        export.export_now(s, share)
        s.commit()

    from PySide6.QtTest import QTest

    from cpchair.gui.app import make_application
    from cpchair.gui.main_window import MainWindow

    app = make_application([sys.argv[0]])
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow(db, today=TODAY)
    window.resize(1280, 760)
    window.show()

    def settle(ms: int = 300) -> None:
        QTest.qWait(ms)
        app.processEvents()

    def shot(name: str, widget=None) -> None:
        settle()
        (widget or window).grab().save(str(OUT / f"{name}.png"))
        print("wrote", OUT / f"{name}.png")

    shot("chair-list")
    with db.session() as s:
        summaries = conferences.list_summaries(s, limit=50)
    initial = next(c for c in summaries if c.status == conferences.COMPLETE and c.conference_type == "initial")
    window.open_conference(initial.id)
    shot("chair-questionnaire")
    editor = window.conference_view.editor
    editor.show_page(1)
    shot("chair-children")
    window.conference_view.tabs.setCurrentIndex(1)
    settle(1200)
    shot("chair-minutes")
    window.show_page("caseload")
    shot("chair-caseload")
    window.sync_panel.request_export()
    settle(1500)
    shot("chair-sync", window.statusBar())

    # The same installation as the coordinator.
    with db.session() as s:
        settings.put(s, "role", "coordinator")
        s.commit()
    window.apply_identity()
    window.show_page("coordinator")
    workspace = window.coordinator_page
    workspace.show_tab("merge")
    workspace.merge_panel.folder.setText(str(share))
    workspace.merge_panel.start_merge()
    while workspace.merge_panel.is_running():
        settle(100)
    shot("coordinator-merge")
    workspace.show_tab("dashboard")
    dash = workspace.dashboard
    dash.set_period(date(2024, 4, 1), date(2025, 3, 31))
    while dash.is_calculating():
        settle(100)
    shot("coordinator-dashboard")
    workspace.show_tab("conflicts")
    shot("coordinator-conflicts")

    from cpchair.gui import workers

    workers.shutdown(window)
    window.close()
    db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
