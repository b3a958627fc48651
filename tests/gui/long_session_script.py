"""A long scripted session of the real application, run in its own process by test_quit_after_long_session.py.

Usage: ``python -X faulthandler long_session_script.py DATA_DIR SHARE ROUNDS``. It fills the data folder with
demo data as a coordinator who also chairs, then starts the real ``cpchair.gui.app.run`` and drives the window
from a QTimer, one step per tick so the event loop (autosave timers, the workers' queued signals) runs between
steps: open conferences, type in the questionnaire and the minutes, let autosave fire, switch pages, sync,
merge the shared folder and recalculate the dashboard, many times. It quits by closing the window while an
export, a merge and a dashboard calculation are still running: the moment the segfault on quitting was seen.
It prints one line per round and "session done" from inside the event loop, then exits with run()'s code.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date


def prepare(share: str) -> None:
    from cpchair import settings
    from cpchair.services import demo
    from cpchair.storage.db import open_database

    db = open_database()
    with db.session() as s:
        demo.generate(s, 120, seed=3, today=date(2026, 6, 1))
        settings.put(s, "chair_name", "Sam Taylor")
        settings.put(s, "role", "coordinator")
        settings.put(s, "shared_folder", share)
        settings.put(s, "first_run_done", True)
        # a coordinator who also chairs, with signed exports: the demo's conferences stand for real work (a
        # real key), its own recipients file trusted and its own key enrolled, so its syncs merge
        from pathlib import Path

        from sqlalchemy import delete

        from cpchair.services import enrolment, keys, pseudonym
        from cpchair.storage.models import SampleConference

        s.execute(delete(SampleConference))
        pseudonym.save_key(bytes.fromhex("5e" * 32))
        made = keys.coordinator_init(s, share, Path(share).parent / "recovery.txt")
        keys.trust(s, share, made.kid)
        own = Path(share).parent / "own-key.json"
        keys.write_chair_key(s, own)
        enrolment.enrol(s, enrolment.read_key_file(own))
        s.commit()
    db.dispose()


def session(window, share: str, rounds: int) -> Iterator[int]:
    """The steps; each ``yield n`` waits n milliseconds with the event loop running."""
    from PySide6.QtTest import QTest

    from cpchair.services import conferences

    with window.db.session() as s:
        ids = [c.id for c in conferences.list_summaries(s, limit=40)]
    for r in range(rounds):
        window.show_page("conferences")
        yield 10
        window.open_conference(ids[r % len(ids)])
        yield 10
        editor = window.conference_view.editor
        QTest.keyClicks(editor.rows["family_name"].input.buddy(), f" r{r}")
        yield 1700 if r % 3 == 0 else 50  # every third round the autosave timer itself saves
        window.save()
        view = window.conference_view
        view.tabs.setCurrentIndex(1)  # the minutes, with their PDF preview
        yield 50
        QTest.keyClicks(view.minutes.inputs["venue"], f" room {r}")
        yield 900 if r % 2 == 0 else 20  # the minutes' autosave
        view.tabs.setCurrentIndex(0)
        window.sync_now()  # an export on a worker thread
        yield 20
        window.show_page("caseload")
        yield 20
        window.show_page("coordinator")
        workspace = window.coordinator_page
        workspace.show_tab("merge")
        workspace.merge_panel.folder.setText(share)
        workspace.merge_panel.start_merge()  # a QThread
        yield 30
        workspace.show_tab("dashboard")
        dash = workspace.dashboard
        for year in (2024, 2025, 2023):
            dash.set_period(date(year, 4, 1), date(year + 1, 3, 31))  # a calculation on a worker each time
            dash.view.setCurrentIndex((year + r) % dash.view.count())
            yield 15
        while workspace.merge_panel.is_running() or window.sync_panel.busy:
            yield 50
        print(f"round {r + 1} done", flush=True)
    # Quit with everything running at once.
    window.show_page("conferences")
    window.open_conference(ids[0])
    QTest.keyClicks(window.conference_view.editor.rows["family_name"].input.buddy(), " last")
    window.sync_now()
    window.show_page("coordinator")
    window.coordinator_page.merge_panel.start_merge()
    window.coordinator_page.dashboard.set_period(date(2022, 4, 1), date(2026, 3, 31))
    print("session done", flush=True)
    window.close()
    yield 0


def main() -> int:
    data_dir, share, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from cpchair import paths

    paths.set_data_dir(data_dir)
    prepare(share)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cpchair.gui import app
    from cpchair.gui.main_window import MainWindow

    qapp = app.make_application([sys.argv[0]])
    state: dict[str, Iterator[int]] = {}

    def step() -> None:
        if "steps" not in state:
            window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
            state["steps"] = session(window, share, rounds)
        try:
            delay = next(state["steps"])
        except StopIteration:
            return
        QTimer.singleShot(delay, step)

    QTimer.singleShot(100, step)
    del qapp
    return app.run([sys.argv[0]])


if __name__ == "__main__":
    sys.exit(main())
