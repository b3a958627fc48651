"""The service report's numbers as an Excel workbook: a Summary sheet and one sheet per figure.

Why a workbook beside the PDF: analysts and the performance team re-use the figures in their own returns and
charts, so every count and percentage is stored as a number (never as text), under a header row, and a
percentage is stored as the statistics give it (70.7, not 0.707) so it reads the same as the PDF.
Suppressed cells (counts 1–5 in a report that leaves the service) hold the text "c", as DfE tables do.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cpchair.reports import pdf_common
from cpchair.reports.cells import count_value, pct_cell
from cpchair.services.dashboard import Dashboard, FigureData, Measure

SHEET_NAMES = {
    "icpc_timeliness": "ICPC timeliness",
    "time_on_plan": "Time on plan",
    "plans_ended": "Plans ended",
    "category": "Category at plan start",
    "issues": "Issues",
    "fathers_attendance": "Fathers attendance",
    "fathers_not_invited": "Fathers not invited",
    "fathers_engagement": "Fathers engagement",
    "agencies_initial": "Agencies initial",
    "agencies_review": "Agencies review",
    "emotional_abuse_check": "Emotional-abuse check",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
PCT_FORMAT = '0.0"%"'
#: What makes a spreadsheet read text as a formula (OWASP's list for CSV injection, which Excel shares).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def sheet_name(fig: FigureData) -> str:
    return SHEET_NAMES.get(fig.key, fig.title)[:31]


def _cell(ws: Worksheet, row: int, col: int, value):
    """Put ``value`` in a cell; text always stays text.

    Why: chair names and labels come from other installations, and a spreadsheet runs text that starts
    with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a formula, which can fetch
    a web address or run a command on the analyst's computer ("CSV/formula injection"). openpyxl makes any
    string starting with ``=`` a formula cell, so every string is forced to the string type, and one that a
    spreadsheet could read as a formula is also marked with Excel's quote prefix (the leading apostrophe),
    so it stays text even after someone edits the cell. Characters XML cannot hold (control characters) are
    dropped rather than let a stored name make the whole workbook unwritable."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def _header(ws: Worksheet, row: int, names: list[str]) -> None:
    for col, name in enumerate(names, start=1):
        cell = _cell(ws, row, col, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        cell = _cell(ws, row, col, value)
        if isinstance(value, float):
            cell.number_format = PCT_FORMAT


def _measure_cells(m: Measure | None, suppress: bool) -> list:
    if m is None:
        return [None, None, None]
    return [count_value(m.n, suppress), count_value(m.d, suppress), pct_cell(m, suppress)]


def _figure_sheet(wb: Workbook, dash: Dashboard, fig: FigureData, suppress: bool) -> None:
    ws = wb.create_sheet(sheet_name(fig))
    multi = len(fig.measure_names) > 1
    if multi:
        names = ["Agency", "Invited"]
        for m in fig.measure_names:
            names += [m, f"{m} %"]
    else:
        names = ["", fig.measure_names[0], "%", "Of"]
    _header(ws, 1, names)
    row = 2
    for r in fig.rows:
        if multi:
            values = [r.label, count_value(r.measures[0].d, suppress)]
            for m in r.measures:
                values += [count_value(m.n, suppress), pct_cell(m, suppress)]
        else:
            m = r.measures[0]
            values = [r.label, count_value(m.n, suppress), pct_cell(m, suppress), count_value(m.d, suppress)]
        _put(ws, row, values)
        row += 1
    row += 1
    _cell(ws, row, 1, fig.title).font = HEADER_FONT
    row += 1
    _cell(ws, row, 1, f"{fig.headline_label}, {fig.denominator_text}")
    for text in (*fig.notes, fig.national.text if fig.national else None):
        if text:
            row += 1
            _cell(ws, row, 1, text)

    points = dash.over_time.get(fig.key) or []
    if points:
        row += 2
        _header(ws, row, [f"By {fig.bucket}", fig.headline_label, "Of", "%"])
        for p in points:
            row += 1
            _put(ws, row, [p.label, *_measure_cells(p.value, suppress)])
    lines = dash.by_chair.get(fig.key) or []
    if lines:
        row += 2
        _header(ws, row, ["Chair", fig.headline_label, "Of", "%"])
        for line in lines:
            row += 1
            _put(ws, row, [line.chair, *_measure_cells(line.value, suppress)])
    ws.column_dimensions["A"].width = 44
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 16
    ws.freeze_panes = "A2"


def _summary_sheet(wb: Workbook, dash: Dashboard, suppress: bool) -> None:
    ws = wb.active
    ws.title = "Summary"
    _header(ws, 1, ["Figure", "Measure", "Number", "Of", "%", "England %", "England year", "Sheet"])
    for i, fig in enumerate(dash.figures, start=2):
        nat = fig.national
        _put(
            ws,
            i,
            [
                fig.title,
                fig.headline_label,
                *_measure_cells(fig.headline, suppress),
                nat.pct if nat else None,
                nat.year if nat else None,
                sheet_name(fig),
            ],
        )
    row = len(dash.figures) + 3
    for label, value in (("Period from", dash.period_from), ("Period to", dash.period_to)):
        _cell(ws, row, 1, label).font = HEADER_FONT
        _cell(ws, row, 2, value).number_format = "DD/MM/YYYY"
        row += 1
    _cell(ws, row, 1, "Conferences").font = HEADER_FONT
    _cell(ws, row, 2, count_value(dash.stats["conferences"]["total"], suppress))
    row += 1
    if dash.chair:
        _cell(ws, row, 1, "Chair").font = HEADER_FONT
        _cell(ws, row, 2, dash.chair)
        row += 1
    if suppress:
        _cell(ws, row, 1, "Counts from 1 to 5 are shown as c, with the percentages they would reveal.")
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 34
    ws.freeze_panes = "A2"


def build_workbook(dash: Dashboard, *, suppress: bool = False) -> bytes:
    """The workbook's bytes: Summary, then one sheet per figure in report order."""
    wb = Workbook()
    _summary_sheet(wb, dash, suppress)
    for fig in dash.figures:
        _figure_sheet(wb, dash, fig, suppress)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_workbook(path: str | Path, dash: Dashboard, *, suppress: bool = False) -> Path:
    """Write the workbook atomically (a failure leaves nothing half-written under the final name)."""
    return pdf_common.atomic_write(path, build_workbook(dash, suppress=suppress))
