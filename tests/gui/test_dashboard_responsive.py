"""The coordinator opens the dashboard from the real main window and switches period, chair and view: every
card shows what the statistics service calculates for that choice, each card says "Calculating…" until its
first figures arrive, and the calculation never runs beside the GUI thread's making or filling of cards (the
cause of the long pauses while the view opened; how long they were is measured in
``benchmarks/bench_dashboard_pause.py``, never here)."""

from __future__ import annotations

import json
import threading
from datetime import date
from html import escape

import pytest

from cpchair import settings
from cpchair.gui import workers
from cpchair.gui.coordinator.dashboard_view import CALCULATING, LAST_YEAR, OVER_TIME
from cpchair.services import dashboard as dashboard_service
from cpchair.services.merge import merge_folder
from tests.domain.generated_records import export_document, generate

TODAY = date(2025, 10, 15)  # the generated records run to September 2025


@pytest.fixture
def coordinator(qtbot, db, tmp_path, monkeypatch):
    """A coordinator's window over 600 merged conferences from three chairs; every start of the dashboard's
    calculation is recorded with the state of the cards at that moment."""
    from cpchair.gui.main_window import MainWindow

    share = tmp_path / "share"
    share.mkdir()
    by_chair: dict[int, list[dict]] = {}
    for chair, record in generate(600, seed=5, chairs=3):
        by_chair.setdefault(chair, []).append(record)
    for chair, records in by_chair.items():
        (share / f"cpchair-chair-{chair}-test-000001.json").write_text(
            json.dumps(export_document(records, chair=chair)), "utf-8"
        )
    with db.session() as s:
        assert merge_folder(s, share, allow_unsigned=True).added == sum(map(len, by_chair.values()))
        for key, value in (("chair_name", "Alex Coordinator"), ("role", "coordinator"), ("first_run_done", True)):
            settings.put(s, key, value)
        s.commit()

    starts: list[tuple[int, bool]] = []
    real_start = workers.start

    def recording_start(target, *args, name):
        if name == "dashboard":
            dash = window.coordinator_page.dashboard
            starts.append((len(dash.cards), dash._pumping()))
        return real_start(target, *args, name=name)

    monkeypatch.setattr(workers, "start", recording_start)
    window = MainWindow(db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.starts = starts
    yield window
    window.close()


def _settled(qtbot, dash) -> None:
    qtbot.waitUntil(lambda: not dash.is_calculating(), timeout=60_000)
    assert dash.busy.isHidden()


def _expected(db, period: tuple[date, date], chair: str | None) -> dashboard_service.Dashboard:
    with db.session() as s:
        return dashboard_service.load_dashboard(s, *period, chair, today=TODAY)


def _cells(table, row: int) -> list[str]:
    return [table.item(row, col).text() for col in range(table.columnCount())]


def _assert_cards_show(dash, expected: dashboard_service.Dashboard) -> None:
    """Every card, as the coordinator reads it, against the service's figures for the same choice."""
    assert [f.key for f in expected.figures] == list(dash.cards)
    for fig in expected.figures:
        card = dash.cards[fig.key]
        assert card.title.text() == f"<b>{escape(fig.numbered_title)}</b>"
        h = fig.headline
        assert f"{h.n:,} of {h.d:,} {escape(fig.population)}" in card.headline.text(), fig.key
        for i, row in enumerate(fig.rows):
            cells = _cells(card.table, i)
            assert cells[0] == row.label, fig.key
            for m in row.measures:
                assert f"{m.n:,}" in cells[1:], (fig.key, row.label, cells)
        assert all(row.label in card.chart.accessibleDescription() for row in fig.rows), fig.key


def test_opening_the_view_and_switching_period_chair_and_view_shows_the_services_figures(
    qtbot, coordinator, db, monkeypatch
):
    window = coordinator
    gate = threading.Event()
    real_build = dashboard_service.build

    def held_build(*args, **kwargs):  # the first calculation waits until the empty cards have been looked at
        assert gate.wait(30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(dashboard_service, "build", held_build)
    window.show_page("coordinator")  # what clicking "Coordinator" does
    dash = window.coordinator_page.dashboard
    qtbot.waitUntil(lambda: len(window.starts) == 1, timeout=30_000)
    assert len(dash.cards) == len(dashboard_service.FIGURE_KEYS)
    for number, key in enumerate(dashboard_service.FIGURE_KEYS, start=1):  # the cards before any figure
        card = dash.cards[key]
        assert card.title.text().startswith(f"<b>Fig {number}. "), card.title.text()
        assert card.headline.text() == CALCULATING
        assert card.table.isHidden() and card.chart.isHidden()
    assert not dash.busy.isHidden() and dash.summary.text().startswith("Calculating the figures from 01/04/2025")
    gate.set()
    _settled(qtbot, dash)
    this_year = dashboard_service.default_period(TODAY)
    _assert_cards_show(dash, _expected(db, this_year, None))

    dash.preset.setCurrentIndex(dash.preset.findData(LAST_YEAR))
    _settled(qtbot, dash)
    last_year = dashboard_service.previous_reporting_year(TODAY)
    assert dash.dashboard.period_from == last_year[0]
    _assert_cards_show(dash, _expected(db, last_year, None))

    assert [dash.chair.itemText(i) for i in range(dash.chair.count())] == [
        "All chairs", "Chair 1", "Chair 2", "Chair 3"
    ]  # fmt: skip
    dash.chair.setCurrentIndex(2)
    _settled(qtbot, dash)
    assert "chaired by Chair 2" in dash.summary.text()
    _assert_cards_show(dash, _expected(db, last_year, "Chair 2"))

    dash.chair.setCurrentIndex(0)  # then back to every chair and on to this year before the first has shown
    dash.preset.setCurrentIndex(dash.preset.findData("this_year"))
    _settled(qtbot, dash)
    expected = _expected(db, this_year, None)
    _assert_cards_show(dash, expected)

    dash.view.setCurrentIndex(dash.view.findData(OVER_TIME))
    _settled(qtbot, dash)
    for fig in expected.figures:
        card, points = dash.cards[fig.key], expected.over_time[fig.key]
        assert [_cells(card.table, i)[0] for i in range(card.table.rowCount())] == [p.label for p in points]
        for i, p in enumerate(points):
            assert _cells(card.table, i)[1] == (f"{p.value.n:,}" if p.value else "no data"), (fig.key, p.label)

    # every calculation started with all the cards made and none being made or filled: the worker's Python
    # never competed with the GUI thread's for the GIL while the coordinator watched the cards appear
    assert len(window.starts) >= 4
    assert window.starts == [(len(dashboard_service.FIGURE_KEYS), False)] * len(window.starts)


def test_the_other_tabs_are_made_after_the_first_figures_or_at_once_when_chosen(qtbot, coordinator):
    window = coordinator
    window.show_page("coordinator")
    page = window.coordinator_page
    assert not page._views  # only the dashboard is made while the view opens
    labels = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert labels[0] == "&Dashboard" and page.tabs.currentWidget() is page.dashboard
    page.tabs.setCurrentIndex(4)  # chosen before it was made: made then and there, and shown
    assert page.tabs.currentWidget() is page.chairs
    assert page.chairs.table.rowCount() == 0 and "fingerprint" in page.chairs.own.text()  # read when shown
    qtbot.waitUntil(lambda: len(page._views) == 4, timeout=30_000)  # the rest, once the figures are shown
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == labels
    assert [page.tabs.widget(i) for i in range(1, 5)] == [page.merge_panel, page.conflicts, page.comparators,
                                                           page.chairs]  # fmt: skip
    assert page.tabs.currentWidget() is page.chairs  # making the others did not move the coordinator
    page.show_tab("merge")
    assert page.merge_panel.isVisible() and page.merge_panel.folder.accessibleName() == "Shared export folder"
    _settled(qtbot, page.dashboard)


def test_a_store_too_large_to_hold_is_streamed_at_every_choice_with_the_same_figures(qtbot, coordinator, db,
                                                                                     monkeypatch):  # fmt: skip
    """Above KEEP_IN_MEMORY merged conferences (a region's store on PostgreSQL) the dashboard keeps no records
    between choices: each choice streams the store (memory that follows the children), and shows the same
    figures as when the records are held."""
    from cpchair.gui.coordinator import dashboard_view

    monkeypatch.setattr(dashboard_view, "KEEP_IN_MEMORY", 100)  # the fixture's store holds 600
    streamed: list[tuple] = []
    real_load = dashboard_service.load_dashboard
    monkeypatch.setattr(
        dashboard_service, "load_dashboard", lambda s, *a, **k: streamed.append(a) or real_load(s, *a, **k)
    )
    window = coordinator
    window.show_page("coordinator")
    dash = window.coordinator_page.dashboard
    _settled(qtbot, dash)
    this_year = dashboard_service.default_period(TODAY)
    assert dash._records[0] is None and len(streamed) == 1  # nothing held: the figures were streamed
    monkeypatch.setattr(dashboard_service, "load_dashboard", real_load)
    _assert_cards_show(dash, _expected(db, this_year, None))
    monkeypatch.setattr(
        dashboard_service, "load_dashboard", lambda s, *a, **k: streamed.append(a) or real_load(s, *a, **k)
    )
    dash.chair.setCurrentIndex(dash.chair.findText("Chair 3"))
    _settled(qtbot, dash)
    assert len(streamed) == 2 and streamed[-1][2] == "Chair 3"  # streamed again for the new choice
    monkeypatch.setattr(dashboard_service, "load_dashboard", real_load)
    _assert_cards_show(dash, _expected(db, this_year, "Chair 3"))
