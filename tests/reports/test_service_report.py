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
from cpchair.reports.workbook import SHEET_NAMES, build_workbook
from cpchair.services import dashboard
from cpchair.services.merge import merge_folder
from tests.conftest import CONFORMANCE

YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2025, 4, 20)


@pytest.fixture(scope="module")
def dash(tmp_path_factory, conformance_dir):
    """The 2024-25 dashboard after merging the conformance share (once for the module: the PDFs are slow-ish)."""
    from cpchair.storage.db import open_database

    tmp = tmp_path_factory.mktemp("report")
    shutil.copytree(conformance_dir / "share", tmp / "share")
    db = open_database(tmp / "coordinator.db")
    try:
        with db.session() as s:
            merge_folder(s, tmp / "share", allow_unsigned=True)
        with db.session() as s:
            return dashboard.load_dashboard(s, *YEAR)
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
    return build_report(dash, today=TODAY)


@pytest.fixture(scope="module")
def pages(pdf_bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages]


@pytest.fixture(scope="module")
def suppressed_pages(dash) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(build_report(dash, suppress=True, today=TODAY))).pages]


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
    assert "National indicators: this service and England" in first
    assert "70.7% (41 of 58)" in first and "81.4% (58,670 of" in first
    assert "4.4% (2,710 of 62,300)" in first


def test_every_figure_has_a_heading_a_table_and_its_denominator(pages, dash):
    body = "\n".join(pages[1:])
    for number, fig in enumerate(dash.figures, start=1):
        assert f"{number}. {fig.title}" in body, fig.title
        assert f"of {fig.headline.d:,} {fig.population}".replace("of ", "", 1) in body.replace("\n", " ")
    # the table of the category figure holds the counts and percentages of the statistics
    cat_page = next(p for p in pages[1:] if "4. Category at the start of a plan" in p)
    lines = cat_page.splitlines()
    i = lines.index("Neglect", lines.index("Children"))
    assert lines[i : i + 3] == ["Neglect", "39", "38.2%"]
    assert "England 2024-25: 81.4%" in "\n".join(pages[1:3])


def test_suppression_replaces_counts_from_one_to_five_everywhere(pages, suppressed_pages, dash):
    small = re.compile(r"^[1-5]$")
    assert any(small.match(line.strip()) for p in pages for line in p.splitlines()), "the data has small counts"
    for number, text in enumerate(suppressed_pages, start=1):
        hits = [line for line in text.splitlines() if small.match(line.strip())]
        assert not hits, f"page {number} still shows small counts {hits}"
    assert "are shown as “c”" in suppressed_pages[0]
    cat_page = next(p for p in suppressed_pages[1:] if "4. Category at the start of a plan" in p)
    lines = cat_page.splitlines()
    i = lines.index("Sexual abuse", lines.index("Children"))
    assert lines[i : i + 3] == ["Sexual abuse", "c", "c"]  # 3 children: count and its percentage hidden


def test_the_same_figures_give_the_same_bytes_in_the_bundled_font(dash, pdf_bytes):
    assert build_report(dash, today=TODAY) == pdf_bytes
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
    wb = load_workbook(io.BytesIO(build_workbook(dash)))
    assert wb.sheetnames == ["Summary", *[SHEET_NAMES[f.key] for f in dash.figures]]

    ws = wb["Category at plan start"]
    assert [c.value for c in ws[1]][:4] == [None, "Children", "%", "Of"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2, max_row=6)}
    c = expected["category_at_plan_start"]
    for code, label in (("neglect", "Neglect"), ("emotional", "Emotional abuse"), ("sexual", "Sexual abuse")):
        assert rows[label][1].value == c["counts"][code] and isinstance(rows[label][1].value, int)
        assert rows[label][2].value == pytest.approx(c["pct"][code], abs=0.05)
        assert rows[label][3].value == c["total"]

    ws = wb["Agencies review"]
    police = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Police")
    e = expected["agencies"]["review"]["police"]
    assert [police[i].value for i in range(5)] == [
        "Police",
        e["invited"],
        e["attended"],
        e["attended_pct"],
        e["report"],
    ]

    summary = {r[0].value: r for r in wb["Summary"].iter_rows(min_row=2, max_row=12)}
    icpc = summary["Initial conferences within 15 working days"]
    assert [icpc[i].value for i in (2, 3, 4, 5)] == [41, 58, 70.7, 81.4]
    months = [r for r in wb["ICPC timeliness"].iter_rows() if r[0].value == "Apr 2024"]
    assert len(months) == 1 and isinstance(months[0][1].value, int)


def test_the_suppressed_workbook_holds_c_for_small_counts(dash):
    wb = load_workbook(io.BytesIO(build_workbook(dash, suppress=True)))
    seen_c = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row[1:]:
                if isinstance(cell.value, str) and cell.font.bold:
                    continue
                header = _header_above(ws, cell)
                if header.endswith("%"):
                    continue  # a percentage (openpyxl reads 4.0 back as 4), not a count
                assert not (isinstance(cell.value, int) and 1 <= cell.value <= 5), (ws.title, cell.coordinate)
                seen_c += cell.value == "c"
    assert seen_c > 10
    rows = {r[0].value: r for r in wb["Category at plan start"].iter_rows(min_row=2, max_row=6)}
    assert [c.value for c in rows["Sexual abuse"][1:4]] == ["c", "c", 102]


def _header_above(ws, cell) -> str:
    """The nearest bold header cell above ``cell`` in its column (each table in a sheet has its own)."""
    for row in range(cell.row - 1, 0, -1):
        above = ws.cell(row=row, column=cell.column)
        if above.font.bold and isinstance(above.value, str):
            return above.value
    return ""


def test_a_period_without_conferences_says_so_and_still_prints_every_figure(dash):
    empty = dashboard.build([], {}, date(2030, 4, 1), date(2031, 3, 31))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(build_report(empty, today=TODAY))).pages]
    assert "No merged conferences are dated in this period" in pages[0]
    body = "\n".join(pages[1:])
    assert all(f"{i}. {fig.title}" in body for i, fig in enumerate(empty.figures, start=1))
    assert "no data" in body  # the months are gaps, not zeros
