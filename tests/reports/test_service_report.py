"""The service report PDF and workbook, read back as a reader would: pypdf for the PDF, openpyxl for the xlsx."""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cpchair.reports.service_report import build_report, write_report
from cpchair.reports.workbook import build_workbook
from cpchair.services import comparators, dashboard
from cpchair.services.figures import SHEET_NAMES
from cpchair.services.merge import merge_folder
from tests.conftest import CONFORMANCE

YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2025, 4, 20)
AUTHORITY = "E10999003"  # Calderwick (synthetic sample)
NEIGHBOURS = ["E10999001", "E10999002", "E10999004"]


@pytest.fixture(scope="module")
def dash(tmp_path_factory, conformance_dir):
    """The 2024-25 dashboard after merging the conformance share, with the sample DfE table imported and an
    authority and three neighbours chosen (once for the module: the PDFs are slow-ish)."""
    from cpchair.storage.db import open_database

    tmp = tmp_path_factory.mktemp("report")
    shutil.copytree(conformance_dir / "share", tmp / "share")
    db = open_database(tmp / "coordinator.db")
    try:
        with db.session() as s:
            merge_folder(s, tmp / "share", allow_unsigned=True)
        with db.session() as s:
            comparators.import_file(s, comparators.sample_path())
            comparators.choose(s, AUTHORITY, NEIGHBOURS)
            s.commit()
        with db.session() as s:
            return dashboard.load_dashboard(s, *YEAR, today=TODAY)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def conformance_dir():
    path = CONFORMANCE
    if not path.is_dir():
        pytest.fail(f"the conformance vectors are missing: expected them at {path}")
    return path


@pytest.fixture(scope="module")
def expected(conformance_dir):
    return json.loads((conformance_dir / "expected-stats.json").read_text("utf-8"))["periods"]["2024-04-01_2025-03-31"]


@pytest.fixture(scope="module")
def pdf_bytes(dash) -> bytes:
    """The internal report (every number shown: --no-suppress)."""
    return build_report(dash, suppress=False, today=TODAY)


@pytest.fixture(scope="module")
def pages(pdf_bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages]


@pytest.fixture(scope="module")
def suppressed_pages(dash) -> list[str]:
    """The report as it leaves the service: suppressed by default."""
    return [p.extract_text() for p in PdfReader(io.BytesIO(build_report(dash, today=TODAY))).pages]


def test_every_page_is_marked_and_numbered(pages):
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking at top and bottom"
        assert f"Page {number} of {len(pages)}" in text


def test_the_summary_page_gives_the_period_totals_and_the_national_panel(pages, expected):
    first = pages[0]
    assert "Child Protection Conference Service Report" in first
    assert "Period: 01/04/2024 to 31/03/2025" in first
    assert "Produced on 20/04/2025" in first
    assert str(expected["conferences"]["total"]) in first.split()
    assert "Beside England and the statistical neighbours" in first
    flat = " ".join(first.split())
    assert "70.7% (41 of 58)" in flat and "England 2024-25: 81.4%" in flat
    assert "England 2024-25: 4.4%" in flat
    assert "Children on a plan are counted as at 31/03/2025" in flat
    c = expected["conferences"]
    assert "Children discussed" in flat and "Different children" in flat and str(c["children"]) in first.split()


def test_every_figure_has_a_heading_a_table_and_its_denominator(pages, dash, expected):
    body = " ".join("\n".join(pages[2:]).split())
    for number, fig in enumerate(dash.figures, start=1):
        assert f"Fig {number}. {fig.title}" in body, fig.title
        assert f"of {fig.headline.d:,} {fig.population}".replace("of ", "", 1) in body
    # the table of the category figure holds the counts and percentages of the statistics
    cat_page = next(p for p in pages[1:] if p.startswith("Fig 3. Category at the start of a plan"))
    lines = cat_page.splitlines()
    i = lines.index("Neglect", lines.index("Children"))
    assert lines[i : i + 4] == ["Neglect", "39", "38.2%", "102"]
    i = lines.index("Total: Children whose plan started")
    assert lines[i + 1] == "102" == str(sum(expected["category_at_plan_start"]["counts"].values()))


def test_suppression_replaces_counts_from_one_to_five_everywhere(pages, suppressed_pages, dash):
    small = re.compile(r"^[1-5]$")
    assert any(small.match(line.strip()) for p in pages for line in p.splitlines()), "the data has small counts"
    for number, text in enumerate(suppressed_pages, start=1):
        hits = [line for line in text.splitlines() if small.match(line.strip())]
        assert not hits, f"page {number} still shows small counts {hits}"
    assert "are shown as “c”" in suppressed_pages[0]
    cat_page = next(p for p in suppressed_pages[1:] if p.startswith("Fig 3. Category at the start of a plan"))
    lines = cat_page.splitlines()
    i = lines.index("Sexual abuse", lines.index("Children"))
    assert lines[i : i + 4] == ["Sexual abuse", "c", "c", "102"]  # 3 children: count and its percentage hidden
    i = lines.index("Multiple", lines.index("Children"))
    assert lines[i : i + 3] == ["Multiple", "c", "c"]  # and a second cell, or 102 minus the others would give it


def test_the_same_figures_give_the_same_bytes_in_the_bundled_font(dash, pdf_bytes):
    assert build_report(dash, suppress=False, today=TODAY) == pdf_bytes
    fonts = {
        str(f["/BaseFont"]) for p in PdfReader(io.BytesIO(pdf_bytes)).pages for f in p["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu" in f for f in fonts), fonts


def test_write_report_replaces_the_file_whole(dash, tmp_path):
    target = tmp_path / "out" / "report.pdf"
    write_report(target, dash, today=TODAY)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]


def test_the_workbook_has_one_sheet_per_figure_with_numbers_as_numbers(dash, expected):
    wb = load_workbook(io.BytesIO(build_workbook(dash, suppress=False)))
    assert wb.sheetnames == ["Summary", *[SHEET_NAMES[f.key] for f in dash.figures]]
    assert wb.sheetnames[1:4] == ["1 Time on plan", "2 Plans ended", "3 Category at plan start"]  # as in 2013

    ws = wb["3 Category at plan start"]
    assert [c.value for c in ws[1]][:4] == [None, "Children", "%", "Of"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2, max_row=6)}
    c = expected["category_at_plan_start"]
    for code, label in (("neglect", "Neglect"), ("emotional", "Emotional abuse"), ("sexual", "Sexual abuse")):
        assert rows[label][1].value == c["counts"][code] and isinstance(rows[label][1].value, int)
        assert rows[label][2].value == pytest.approx(c["pct"][code], abs=0.05)
        assert rows[label][3].value == c["total"]

    ws = wb["8 Agencies review"]
    police = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Police")
    e = expected["agencies"]["review"]["police"]
    assert [police[i].value for i in range(5)] == [
        "Police",
        e["invited"],
        e["attended"],
        e["attended_pct"],
        e["report"],
    ]

    summary = {r[1].value: r for r in wb["Summary"].iter_rows(min_row=2, max_row=len(dash.figures) + 1)}
    icpc = summary["Initial conferences within 15 working days"]
    assert [icpc[i].value for i in (0, 3, 4, 5, 9)] == [9, 41, 58, 70.7, 81.4]
    assert [icpc[i].value for i in (6, 7)] == [49, 71]  # last year: 49 of 71 in 2023-24
    months = [r for r in wb["9 ICPC timeliness"].iter_rows() if r[0].value == "Apr 2024"]
    assert len(months) == 1 and isinstance(months[0][1].value, int)


def test_the_suppressed_workbook_holds_c_for_small_counts(dash):
    wb = load_workbook(io.BytesIO(build_workbook(dash)))  # suppressed by default
    seen_c = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row[1:]:
                if isinstance(cell.value, str) and cell.font.bold:
                    continue
                header = _header_above(ws, cell)
                if (
                    header.endswith("%")
                    or header in ("Year", "England year", "Fig")
                    or ws.title == "Summary"
                    and cell.column == 1
                ):
                    continue  # a percentage (openpyxl reads 4.0 back as 4), a year or a figure number, not a count
                assert not (isinstance(cell.value, int) and 1 <= cell.value <= 5), (ws.title, cell.coordinate)
                seen_c += cell.value == "c"
    assert seen_c > 10
    rows = {r[0].value: r for r in wb["3 Category at plan start"].iter_rows(min_row=2, max_row=6)}
    assert [c.value for c in rows["Sexual abuse"][1:4]] == ["c", "c", 102]


def _header_above(ws, cell) -> str:
    """The nearest bold header cell above ``cell`` in its column (each table in a sheet has its own)."""
    for row in range(cell.row - 1, 0, -1):
        above = ws.cell(row=row, column=cell.column)
        if above.font.bold and isinstance(above.value, str):
            return above.value
    return ""


def test_a_period_without_conferences_says_so_and_still_prints_every_figure(dash):
    empty = dashboard.build([], {}, date(2030, 4, 1), date(2031, 3, 31), today=TODAY)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(build_report(empty, today=TODAY))).pages]
    assert "No merged conferences are dated in this period" in pages[0]
    body = " ".join("\n".join(pages[1:]).split())
    assert all(f"Fig {i}. {fig.title}" in body for i, fig in enumerate(empty.figures, start=1))
    assert "no data" in body  # the months are gaps, not zeros


def _figure_page(pages: list[str], number: int) -> str:
    """The text of a figure's pages (a figure may run over a page), flattened to one line."""
    start = next(i for i, p in enumerate(pages) if p.startswith(f"Fig {number}. "))
    end = next((i for i, p in enumerate(pages) if p.startswith(f"Fig {number + 1}. ")), len(pages))
    return " ".join(" ".join(pages[start:end]).split())


def test_every_figure_is_shown_beside_last_year_and_its_comparators(pages, suppressed_pages, dash):
    compared = [f for f in dash.figures if dash.comparisons[f.key]]
    assert {f.key for f in compared} >= {"time_on_plan", "plans_ended", "category", "icpc_timeliness",
                                         "review_timeliness", "repeat_plans"}  # fmt: skip
    for text_pages in (pages, suppressed_pages):
        for fig in dash.figures:
            text = _figure_page(text_pages, fig.number)
            assert "Last year (01/04/2023 to 31/03/2024):" in text, fig.key
            for comp in dash.comparisons[fig.key]:
                if comp.kind != "neighbour":
                    assert comp.text in text, (fig.key, comp.text)
    icpc = _figure_page(pages, dash.figure("icpc_timeliness").number)
    assert "England 2024-25: 81.4%" in icpc and "Calderwick (synthetic sample) (DfE) 2024-25:" in icpc
    assert "Statistical neighbours (3) 2024-25:" in icpc
    assert "Last year (01/04/2023 to 31/03/2024): 69.0% (49 of 71)" in icpc
    # the bars carry the numbers behind their percentages
    assert "70.7% (41/58)" in icpc


def test_the_workbook_sets_every_figure_beside_last_year_and_its_comparators(dash):
    wb = load_workbook(io.BytesIO(build_workbook(dash)))
    for fig in dash.figures:
        ws = wb[SHEET_NAMES[fig.key]]
        first = {r[0].value: r for r in ws.iter_rows() if r[0].value}
        assert "This period" in first and "Last year" in first, fig.key
        for comp in dash.comparisons[fig.key]:
            row = next(r for label, r in first.items() if str(label).startswith(comp.name + " ("))
            assert row[3].value == comp.pct and row[4].value == comp.year
    summary = {r[1].value: r for r in wb["Summary"].iter_rows(min_row=2, max_row=len(dash.figures) + 1)}
    row = summary["Initial conferences within 15 working days"]
    assert row[9].value == 81.4 and isinstance(row[11].value, float)  # England and the neighbours' average


def test_time_on_plan_says_as_at_when_the_period_is_still_running(dash):
    records_dash = dashboard.build([], {}, date(2025, 4, 1), date(2026, 3, 31), today=date(2025, 6, 16))
    assert records_dash.as_at == date(2025, 6, 16)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(build_report(records_dash, today=TODAY))).pages)
    flat = " ".join(text.split())
    assert "counted as at 16/06/2025 (today: the period is still running)" in flat
    assert "Fig 1. Time on a child protection plan, as at 16/06/2025" in flat
    wb = load_workbook(io.BytesIO(build_workbook(records_dash)))
    as_at = next(r for r in wb["Summary"].iter_rows() if r[1].value == "As at")
    assert as_at[2].value.date() == date(2025, 6, 16)
    assert wb[SHEET_NAMES["time_on_plan"]]["A1"].value is None
    assert any("as at 16/06/2025" in str(c.value) for row in wb[SHEET_NAMES["time_on_plan"]].iter_rows() for c in row)
