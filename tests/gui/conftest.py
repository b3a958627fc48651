"""GUI fixtures. Every GUI test drives real widgets offscreen and then checks the database or files."""

from __future__ import annotations

from datetime import date

import pytest

from cpchair import settings

pytestmark = pytest.mark.gui

#: The "today" GUI tests run at, so overdue and months-on-plan never depend on the calendar.
TODAY = date(2027, 6, 21)


@pytest.fixture
def chair_settings(db):
    """A chair who has finished the first-run dialog."""
    with db.session() as s:
        settings.put(s, "chair_name", "Sam Taylor")
        settings.put(s, "role", "chair")
        settings.put(s, "first_run_done", True)
        s.commit()
    return db


@pytest.fixture
def main_window(qtbot, chair_settings, monkeypatch):
    """The real main window on the test's database, shown offscreen. Message boxes are recorded, not shown."""
    from cpchair.gui import prompts
    from cpchair.gui.main_window import MainWindow

    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(prompts, "error", lambda _p, title, text, details="": shown.append(("error", title, text)))
    monkeypatch.setattr(prompts, "info", lambda _p, title, text: shown.append(("info", title, text)))
    monkeypatch.setattr(prompts, "warning", lambda _p, title, text: shown.append(("warning", title, text)))
    window = MainWindow(chair_settings, today=TODAY)
    window.prompts_shown = shown
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


@pytest.fixture(params=("light", "dark", "high_contrast"))
def colour_mode(request):
    """The window's colours set to light, dark or Windows-like high contrast (then back to the system's)."""
    from cpchair.gui import theme

    theme.set_mode(request.param)
    yield request.param
    theme.set_mode("system")
