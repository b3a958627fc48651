"""The version 2 figures in the service report and workbook, read back (pypdf, openpyxl) from a real merged
store holding version 1 records, records carried from version 1 and records made on version 2."""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cpchair.reports.service_report import build_report
from cpchair.reports.workbook import build_workbook
from cpchair.services import comparators, dashboard
from cpchair.services.figures import COUNTED, SHEET_NAMES
from cpchair.services.merge import merge_folder
from tests.conftest import CONFORMANCE
from tests.domain.generated_records import export_document, generate

YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2025, 4, 20)
FIRST_V2 = 24  # the version 2 figures follow Figs 1-23


def _merged_dashboard(tmp_path_factory, records_by_chair) -> dashboard.Dashboard:
    from cpchair.storage.db import open_database

    tmp = tmp_path_factory.mktemp("report_v2")
    share = tmp / "share"
    share.mkdir()
    for chair, records in records_by_chair.items():
        doc = export_document(records, chair=chair)
        (share / f"cpchair-chair-{chair}-v2-000001.json").write_text(json.dumps(doc), "utf-8")
    db = open_database(tmp / "coordinator.db")
    try:
        with db.session() as s:
            summary = merge_folder(s, share, allow_unsigned=True)
            assert {f.status for f in summary.files} == {"merged"}, [f.reason for f in summary.files]
        with db.session() as s:
            comparators.import_file(s, comparators.sample_path())
            comparators.choose(s, "E10999003", ["E10999001", "E10999002", "E10999004"])
            s.commit()
        with db.session() as s:
            return dashboard.load_dashboard(s, *YEAR, today=TODAY)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def dash(tmp_path_factory):
    by_chair: dict[int, list[dict]] = {}
    for chair, rec in generate(1500, seed=424, chairs=3, v2=0.6):
        by_chair.setdefault(chair, []).append(rec)
    return _merged_dashboard(tmp_path_factory, by_chair)


@pytest.fixture(scope="module")
def pages(dash) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(build_report(dash, suppress=False, today=TODAY))).pages]


@pytest.fixture(scope="module")
def suppressed_pages(dash) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(build_report(dash, today=TODAY))).pages]


def _figure_text(pages: list[str], number: int) -> str:
    start = next(i for i, p in enumerate(pages) if p.startswith(f"Fig {number}. "))
    end = next((i for i, p in enumerate(pages) if p.startswith(f"Fig {number + 1}. ")), len(pages))
    return " ".join(" ".join(pages[start:end]).split())


def _v2_figures(dash):
    return [f for f in dash.figures if f.number >= FIRST_V2]


def test_the_version_2_figures_follow_the_others_each_saying_what_it_could_count(dash, pages):
    figs = _v2_figures(dash)
    assert [f.number for f in figs] == list(range(FIRST_V2, FIRST_V2 + 11))
    assert all(f.coverage is not None for f in figs) and all(f.coverage is None for f in dash.figures[: FIRST_V2 - 1])
    for fig in figs:
        text = _figure_text(pages, fig.number)
        c = fig.coverage
        assert 0 < c.n < c.d, fig.key  # the period holds version 1, carried and version 2 records
        assert f"Counted on {c.n:,} of {c.d:,} {fig.coverage_unit} in the period" in text, fig.key
        assert f"{fig.headline_label}: {fig.headline.n:,} of {fig.headline.d:,} {fig.population}" in text, fig.key
        assert "Last year (01/04/2023 to 31/03/2024):" in text, fig.key
        for row in fig.rows:
            assert row.label in text, (fig.key, row.label)
    stats = dash.stats
    conferences = stats["quorum_from_attendance"]
    assert conferences["in_period"] == stats["conferences"]["total"]
    quorum = _figure_text(pages, dash.figure("quorum_from_attendance").number)
    q = conferences["counts"]["quorate"]
    assert f"Quorate {q:,} {q * 100 / conferences['counted']:.1f}% {conferences['counted']:,}" in quorum


def test_last_year_counts_the_version_2_records_of_last_year(dash, pages):
    """The service moved to version 2 in October 2023: last year is partly counted, this year more."""
    for fig in _v2_figures(dash):
        prev = dash.previous[fig.key]
        assert prev.coverage.n < fig.coverage.n, fig.key
        if prev.headline.d:
            text = _figure_text(pages, fig.number)
            assert f"Last year (01/04/2023 to 31/03/2024): {prev.headline.pct:.1f}%" in text, fig.key


def test_the_suppressed_report_hides_small_counts_of_the_version_2_figures(dash, pages, suppressed_pages):
    small = re.compile(r"^[1-5]$")
    first = next(i for i, p in enumerate(pages) if p.startswith(f"Fig {FIRST_V2}. "))
    assert any(small.match(line.strip()) for p in pages[first:] for line in p.splitlines())
    start = next(i for i, p in enumerate(suppressed_pages) if p.startswith(f"Fig {FIRST_V2}. "))
    for number, text in enumerate(suppressed_pages[start:], start=start + 1):
        hits = [line for line in text.splitlines() if small.match(line.strip())]
        assert not hits, f"page {number} still shows small counts {hits}"
    assert " c " in " ".join(" ".join(suppressed_pages[start:]).split())


def test_the_workbook_has_a_sheet_per_version_2_figure_beside_last_year(dash):
    wb = load_workbook(io.BytesIO(build_workbook(dash, suppress=False)))
    summary = {r[0].value: r for r in wb["Summary"].iter_rows(min_row=2, max_row=len(dash.figures) + 1)}
    for fig in _v2_figures(dash):
        ws = wb[SHEET_NAMES[fig.key]]
        assert ws.title.startswith(f"{fig.number} ")
        first = {r[0].value: r for r in ws.iter_rows() if r[0].value}
        counted = next(r for r in fig.extra if r.code == COUNTED)
        line = first[counted.label]
        assert [line[1].value, line[3].value] == [fig.coverage.n, fig.coverage.d], fig.key
        assert any(str(label).startswith(f"Counted on {fig.coverage.n:,} of") for label in first), fig.key
        this, last = first["This period"], first["Last year"]
        assert [this[1].value, this[2].value] == [fig.headline.n, fig.headline.d], fig.key
        prev = dash.previous[fig.key].headline
        if prev.d:
            assert [last[1].value, last[2].value, last[3].value] == [prev.n, prev.d, prev.pct], fig.key
            assert [summary[fig.number][i].value for i in (6, 7)] == [prev.n, prev.d], fig.key
        assert summary[fig.number][1].value == fig.title
        assert any(r[0].value == "Apr 2024" or r[0].value == "Q1 2024-25" for r in ws.iter_rows()), fig.key


def test_version_1_records_alone_are_counted_by_no_version_2_figure(tmp_path_factory):
    """The conformance share is version 1 only: each version 2 figure counts 0 of all the period's records,
    and says so, rather than showing a 0% that would read as a failure."""
    from cpchair.storage.db import open_database

    tmp = tmp_path_factory.mktemp("report_v1")
    shutil.copytree(CONFORMANCE / "share", tmp / "share")
    db = open_database(tmp / "c.db")
    try:
        with db.session() as s:
            merge_folder(s, tmp / "share", allow_unsigned=True)
        with db.session() as s:
            dash = dashboard.load_dashboard(s, *YEAR, today=TODAY)
    finally:
        db.dispose()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(build_report(dash, today=TODAY))).pages)
                    .split())  # fmt: skip
    total = dash.stats["conferences"]["total"]
    assert f"Counted on 0 of {total:,} conferences in the period" in text
    for fig in _v2_figures(dash):
        assert fig.coverage.n == 0 and fig.headline.n == 0 and fig.headline.pct is None, fig.key
