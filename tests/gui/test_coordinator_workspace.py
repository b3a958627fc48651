"""The coordinator's workspace driven as a coordinator would: choose the shared folder, merge it with the
progress bar, read the per-file results and the figures, look month by month and chair by chair, and resolve a
conflict. Every test checks the database (or what the service computes) behind what the widgets show."""

from __future__ import annotations

import json
import shutil
import threading
import uuid
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from cpchair.gui.coordinator import merge_panel
from cpchair.gui.coordinator.conflicts_view import differing_fields
from cpchair.gui.coordinator.dashboard_view import BY_CHAIR, LAST_YEAR, OVER_TIME
from cpchair.gui.coordinator.workspace import CoordinatorWorkspace
from cpchair.interchange.canonical import payload_sha256
from cpchair.services import dashboard as dashboard_service
from cpchair.storage.models import MergeConflict, MergedConference

TODAY = date(2025, 4, 20)  # so "last reporting year" is 2024-25, the year of the conformance data


@pytest.fixture
def share(tmp_path, conformance):
    folder = tmp_path / "share"
    shutil.copytree(conformance / "share", folder)
    return folder


@pytest.fixture
def workspace(qtbot, db, monkeypatch, share):
    chosen = []
    monkeypatch.setattr(merge_panel, "choose_folder", lambda _parent, start: chosen.append(start) or str(share))
    w = CoordinatorWorkspace(db, today=TODAY)
    w.merge_panel.allow_unsigned.setChecked(True)  # the conformance share holds version 1 files
    w.chosen = chosen
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    _settled(qtbot, w.dashboard)
    return w


def _settled(qtbot, dash) -> None:
    """The dashboard calculates in a worker: wait until it has shown the latest request's figures."""
    qtbot.waitUntil(lambda: not dash.is_calculating(), timeout=30_000)
    assert dash.busy.isHidden()


def _merge(qtbot, w) -> None:
    panel = w.merge_panel
    if not panel.folder.text():
        qtbot.mouseClick(panel.choose_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_running() and panel.merge_button.isEnabled(), timeout=30_000)


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_merging_the_share_shows_each_file_and_the_figures(qtbot, workspace, db, share):
    w = workspace
    assert "No merged conferences" in w.dashboard.summary.text()  # this reporting year, before any merge
    w.show_tab("merge")
    qtbot.mouseClick(w.merge_panel.choose_button, Qt.MouseButton.LeftButton)
    assert w.merge_panel.folder.text() == str(share)

    _merge(qtbot, w)
    panel = w.merge_panel
    assert panel.results.rowCount() == 6
    assert _column(panel.results, 1) == ["Merged"] * 6
    assert sorted(_column(panel.results, 0)) == sorted(p.name for p in share.glob("*.json"))
    assert (panel.progress.value(), panel.progress.maximum()) == (6, 6)
    assert "added" in panel.summary.text() and "rejected" not in panel.summary.text()
    with db.session() as s:
        assert len(s.scalars(select(MergedConference.id)).all()) > 400

    # the dashboard refreshed itself; pick last reporting year (2024-25) from the presets
    dash = w.dashboard
    dash.preset.setCurrentIndex(dash.preset.findData(LAST_YEAR))
    assert dash.period() == (date(2024, 4, 1), date(2025, 3, 31))
    _settled(qtbot, dash)
    card = dash.cards["icpc_timeliness"]
    assert "70.7%" in card.headline.text() and "41 of 58 initial conferences" in card.headline.text()
    assert "England 2024-25: 81.4%" in card.national.text()
    assert [card.table.item(0, c).text() for c in range(3)] == ["Within 15 working days", "41", "70.7%"]
    assert not dash.cards["plans_ended"].national.isHidden()
    assert dash.cards["issues"].national.isHidden()  # no national figure: no comparison line
    assert "237 conferences" in dash.summary.text()

    # merging again changes nothing and says so for every file
    _merge(qtbot, w)
    assert _column(panel.results, 1) == ["Unchanged"] * 6


def test_over_time_and_by_chair_views(qtbot, workspace, db):
    w = workspace
    _merge(qtbot, w)
    dash = w.dashboard
    dash.set_period(date(2024, 6, 1), date(2025, 9, 30))  # the data ends in May 2025
    _settled(qtbot, dash)
    assert dash.preset.currentText() == "Custom dates"
    dash.view.setCurrentIndex(dash.view.findData(OVER_TIME))
    _settled(qtbot, dash)  # the cards are filled a few at a time, between events
    card = dash.cards["icpc_timeliness"]
    months = _column(card.table, 0)
    assert months[0] == "Jun 2024" and months[-1] == "Sep 2025" and len(months) == 16
    assert _column(card.table, 1)[0] == "2" and _column(card.table, 2)[0] == "4"  # June 2024: 2 of 4 in time
    assert _column(card.table, 1)[-1] == "no data"  # a gap, not a zero
    assert "Sep 25: no data" in card.chart.accessibleDescription()
    fathers = dash.cards["fathers_attendance"]
    assert _column(fathers.table, 0) == ["Q1 2024-25", "Q2 2024-25", "Q3 2024-25", "Q4 2024-25", "Q1 2025-26",
                                         "Q2 2025-26"]  # fmt: skip
    assert _column(fathers.table, 1)[-1] == "no data"

    dash.view.setCurrentIndex(dash.view.findData(BY_CHAIR))
    _settled(qtbot, dash)
    rows = _column(card.table, 0)
    assert rows == ["Chair 1", "Chair 2", "Chair 3"]
    assert sum(int(x) for x in _column(card.table, 1)) == dash.dashboard.figure("icpc_timeliness").headline.n

    dash.chair.setCurrentIndex(dash.chair.findData("Chair 2"))
    _settled(qtbot, dash)
    assert "chaired by Chair 2" in dash.summary.text()
    assert dash.dashboard.chair == "Chair 2"


def _conflicting_copy(share, out_dir) -> tuple[str, int]:
    """A new export from chair 1's device holding one record at the stored revision with different content."""
    newest = sorted(share.glob("cpchair-chair-1-*.json"))[-1]
    env = json.loads(newest.read_text("utf-8"))
    record = env["payload"]["conferences"][0]
    record["quorate"] = not record["quorate"]
    env["payload"] = {"conferences": [record], "deleted": []}
    env.update(
        export_id=str(uuid.uuid4()),
        sequence=env["sequence"] + 1,
        created_at="2025-04-02T09:00:00Z",
        record_count=1,
        payload_sha256=payload_sha256(env["payload"]),
    )
    out_dir.mkdir()
    name = f"cpchair-chair-1-{env['device_id'][:8]}-20250402T090000Z-{env['sequence']:06d}.json"
    (out_dir / name).write_text(json.dumps(env), "utf-8")
    return record["id"], record["revision"]


@pytest.mark.parametrize("button", ["take_button", "keep_button"])
def test_a_conflict_appears_and_is_resolved_from_the_conflicts_tab(qtbot, workspace, db, share, tmp_path, button):
    w = workspace
    _merge(qtbot, w)
    conference_id, revision = _conflicting_copy(share, share / "restored-backup")
    _merge(qtbot, w)
    assert "1 conflict(s) to resolve" in w.merge_panel.summary.text()
    assert w.tabs.tabText(w.tabs.indexOf(w.conflicts)) == "C&onflicts (1)"

    w.show_tab("conflicts")
    table = w.conflicts.table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(4)] == [conference_id, str(revision), "Chair 1", "quorate"]
    with db.session() as s:
        before = json.loads(s.get(MergedConference, conference_id).record)

    qtbot.mouseClick(getattr(w.conflicts, button), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 0
    assert w.tabs.tabText(w.tabs.indexOf(w.conflicts)) == "C&onflicts"
    with db.session() as s:
        conflict = s.scalars(select(MergeConflict)).one()
        after = json.loads(s.get(MergedConference, conference_id).record)
    assert conflict.resolved_at is not None
    if button == "take_button":
        assert conflict.resolution == "took_incoming"
        assert after["quorate"] is (not before["quorate"])
    else:
        assert conflict.resolution == "kept_stored"
        assert after == before


def test_a_missing_folder_is_reported_and_nothing_changes(qtbot, workspace, db, tmp_path):
    w = workspace
    w.merge_panel.folder.setText(str(tmp_path / "nowhere"))
    _merge(qtbot, w)
    assert "is not a folder" in w.merge_panel.summary.text()
    assert w.merge_panel.results.rowCount() == 0
    with db.session() as s:
        assert s.scalars(select(MergedConference.id)).first() is None


def test_differing_fields_names_the_answers_that_changed():
    stored = {"quorate": True, "quality": {"plan_smart": "yes", "dissent": "none"}, "updated_at": "a", "issues": []}
    incoming = {"quorate": True, "quality": {"plan_smart": "no", "dissent": "none"}, "updated_at": "b", "issues": ["x"]}
    assert differing_fields(stored, incoming) == ["issues", "quality.plan_smart"]
    assert differing_fields(stored, {**stored, "updated_at": "c"}) == ["only the save times"]


def test_a_period_that_ends_before_it_starts_is_explained(qtbot, workspace):
    dash = workspace.dashboard
    dash.date_to.setDate(dash.date_from.date().addDays(-1))
    qtbot.waitUntil(lambda: not dash.message.isHidden(), timeout=30_000)
    assert "choose a start date on or before the end date" in dash.message.text()
    dash.preset.setCurrentIndex(dash.preset.findData(LAST_YEAR))
    _settled(qtbot, dash)
    assert dash.message.isHidden()


def test_changing_period_or_chair_reuses_the_records_and_a_merge_or_resolution_reads_them_again(
    qtbot, workspace, share, monkeypatch
):
    w = workspace
    dash = w.dashboard
    reads = []
    real = dashboard_service.merged_records
    monkeypatch.setattr(dashboard_service, "merged_records", lambda s: reads.append(1) or real(s))
    _merge(qtbot, w)
    _settled(qtbot, dash)
    assert len(reads) == 1  # the merge made the dashboard read the merged records again
    assert "No merged conferences" not in dash.summary.text()

    dash.preset.setCurrentIndex(dash.preset.findData(LAST_YEAR))
    _settled(qtbot, dash)
    dash.chair.setCurrentIndex(dash.chair.findData("Chair 3"))
    _settled(qtbot, dash)
    dash.set_period(date(2024, 6, 1), date(2024, 12, 31))
    _settled(qtbot, dash)
    assert len(reads) == 1  # three changes, no new read
    assert dash.dashboard.chair == "Chair 3" and dash.dashboard.period_to == date(2024, 12, 31)
    assert "chaired by Chair 3" in dash.summary.text() and "31/12/2024" in dash.summary.text()

    _conflicting_copy(share, share / "restored-backup")
    _merge(qtbot, w)
    _settled(qtbot, dash)
    assert len(reads) == 2
    qtbot.mouseClick(w.conflicts.take_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dash)
    assert len(reads) == 3  # resolving a conflict changes a record: read again


def test_figures_are_calculated_off_the_gui_thread_and_a_result_for_a_period_left_behind_is_dropped(
    qtbot, workspace, monkeypatch
):
    w = workspace
    _merge(qtbot, w)
    dash = w.dashboard
    _settled(qtbot, dash)
    release = threading.Event()
    calls = []
    real = dashboard_service.build

    def slow_first(records, chair_of, period_from, period_to, chair=None, with_series=True, **kwargs):
        calls.append((period_from, period_to, threading.current_thread() is threading.main_thread()))
        if len(calls) == 1:
            assert release.wait(30)  # the first request is still calculating when the coordinator moves on
        return real(records, chair_of, period_from, period_to, chair, with_series, **kwargs)

    monkeypatch.setattr(dashboard_service, "build", slow_first)
    shown = []
    dash.refreshed.connect(lambda: shown.append(dash.dashboard.period_from))

    dash.set_period(date(2024, 4, 1), date(2024, 9, 30))
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=30_000)
    assert not dash.busy.isHidden() and dash.busy.text() == "Calculating…"
    assert dash.summary.text() == "Calculating the figures from 01/04/2024 to 30/09/2024…"  # not the old period
    dash.set_period(date(2024, 10, 1), date(2025, 3, 31))  # the GUI is free: the coordinator changes period
    dash.view.setCurrentIndex(dash.view.findData(OVER_TIME))  # and switches view, from the figures already there
    assert dash.is_calculating() and len(calls) == 1  # the second waits for the first, not in parallel
    assert dash.summary.text() == "Calculating the figures from 01/10/2024 to 31/03/2025…"

    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        release.set()
    _settled(qtbot, dash)
    assert [c[:2] for c in calls] == [
        (date(2024, 4, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2025, 3, 31)),
    ]
    assert not any(on_gui for *_, on_gui in calls)
    assert shown == [date(2024, 10, 1)]  # the April–September result was never shown
    assert "01/10/2024" in dash.summary.text()
    months = _column(dash.cards["icpc_timeliness"].table, 0)
    assert months[0] == "Oct 2024" and months[-1] == "Mar 2025"


def test_importing_the_dfe_table_and_choosing_neighbours_puts_them_beside_each_figure(
    qtbot, workspace, db, monkeypatch
):
    from cpchair.gui import prompts
    from cpchair.gui.coordinator import comparators_view
    from cpchair.services import comparators

    w = workspace
    _merge(qtbot, w)
    dash = w.dashboard
    dash.preset.setCurrentIndex(dash.preset.findData(LAST_YEAR))
    _settled(qtbot, dash)
    view = w.comparators
    w.show_tab("comparators")
    assert view.status.text() == "No DfE table imported yet." and not view.save_button.isEnabled()

    errors = []
    monkeypatch.setattr(prompts, "error", lambda _p, title, text, details="": errors.append(text))
    monkeypatch.setattr(comparators_view, "choose_csv", lambda _parent: str(db.engine.url.database) + ".missing.csv")
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert errors and "could not be read" in errors[0]  # said in words, nothing imported

    monkeypatch.setattr(comparators_view, "choose_csv", lambda _parent: str(comparators.sample_path()))
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert "Imported" in view.status.text() and view.neighbours.count() == 12
    view.authority.setCurrentIndex(view.authority.findData("E10999003"))
    view.filter.setText("ash")
    visible = [
        view.neighbours.item(i) for i in range(view.neighbours.count()) if not view.neighbours.item(i).isHidden()
    ]
    assert [i.text() for i in visible] == ["Ashcombe (synthetic sample) (E10999001)"]
    visible[0].setCheckState(Qt.CheckState.Checked)
    view.filter.clear()
    view.neighbours.item(1).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(dash.refreshed, timeout=30_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dash)
    with db.session() as s:
        table = comparators.load_table(s)
    assert table.authority == "E10999003" and table.neighbours == ("E10999001", "E10999002")

    card = dash.cards["icpc_timeliness"]
    text = card.national.text()
    assert "England 2024-25: 81.4%" in text and "Statistical neighbours (2) 2024-25:" in text
    assert "Calderwick (synthetic sample) (DfE) 2024-25:" in text
    assert card.previous.text() == "Last year (01/04/2023 to 31/03/2024): 69.0% (49 of 71)"
    assert card.title.text() == "<b>Fig 9. Initial conferences within 15 working days</b>"
    assert "70.7% (41/58)" in card.chart.accessibleDescription()  # the bar says what its percentage is of
    assert dash.cards["time_on_plan"].national.text().startswith("2 years or more: England 2024-25: 3.0%")
    # the cards are in the report's order: the 2013 report's Figures 1-8 first
    assert list(dash.cards)[:3] == ["time_on_plan", "plans_ended", "category"]
    cat = dash.cards["category"].table
    assert _column(cat, 0)[-1] == "Total: Children whose plan started"
    assert int(_column(cat, 1)[-1]) == sum(int(x) for x in _column(cat, 1)[:-1])  # the total is the rows' sum
