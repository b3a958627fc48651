"""The coordinator's workspace driven as a coordinator would: choose the shared folder, merge it with the
progress bar, read the per-file results and the figures, look month by month and chair by chair, and resolve a
conflict. Every test checks the database (or what the service computes) behind what the widgets show."""

from __future__ import annotations

import json
import shutil
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
    w.chosen = chosen
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


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
    assert dash.preset.currentText() == "Custom dates"
    dash.view.setCurrentIndex(dash.view.findData(OVER_TIME))
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
    rows = _column(card.table, 0)
    assert rows == ["Chair 1", "Chair 2", "Chair 3"]
    assert sum(int(x) for x in _column(card.table, 1)) == dash.dashboard.figure("icpc_timeliness").headline.n

    dash.chair.setCurrentIndex(dash.chair.findData("Chair 2"))
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
    assert w.tabs.tabText(w.tabs.indexOf(w.conflicts)) == "Con&flicts (1)"

    w.show_tab("conflicts")
    table = w.conflicts.table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(4)] == [conference_id, str(revision), "Chair 1", "quorate"]
    with db.session() as s:
        before = json.loads(s.get(MergedConference, conference_id).record)

    qtbot.mouseClick(getattr(w.conflicts, button), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 0
    assert w.tabs.tabText(w.tabs.indexOf(w.conflicts)) == "Con&flicts"
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
    assert not dash.message.isHidden()
    assert "choose a start date on or before the end date" in dash.message.text()
    dash.preset.setCurrentIndex(dash.preset.findData(LAST_YEAR))
    assert dash.message.isHidden()
