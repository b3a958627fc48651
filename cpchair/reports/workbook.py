"""The service report's numbers as an Excel workbook: a Summary sheet and one sheet per figure.

Why a workbook beside the PDF: analysts and the performance team re-use the figures in their own returns and
charts, so every count and percentage is stored as a number (never as text), under a header row, and a
percentage is stored as the statistics give it (70.7, not 0.707) so it reads the same as the PDF.
Suppression is on by default (``reports.suppression``: counts 1–5 and every number they could be worked out
from hold the text "c", as DfE tables do). Each figure's sheet holds its table (with its total, the sum of its
rows), last year, England and the statistical neighbours, then the figure month by month and chair by chair.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cpchair.domain import dates
from cpchair.reports import pdf_common
from cpchair.reports.cells import SMALL_BASE_NOTE, count_text, small_base
from cpchair.reports.suppression import Cell, Disclosure, disclosure
from cpchair.services.dashboard import Dashboard, FigureData, Measure
from cpchair.services.figures import COUNTED, SHEET_NAMES, coverage_sentence

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


def _measure_cells(dis: Disclosure, n_cell: Cell | None, d_cell: Cell | None, m: Measure | None) -> list:
    if m is None:
        return [None, None, None]
    return [dis.count(n_cell, m.n), dis.count(d_cell, m.d), dis.pct(n_cell, d_cell, m)]


def _note(m: Measure | None) -> str | None:
    return "under 10" if small_base(m) else None


def _figure_sheet(wb: Workbook, dash: Dashboard, fig: FigureData, dis: Disclosure) -> None:
    ws = wb.create_sheet(sheet_name(fig))
    lay = dis.layout(fig.key)
    multi = len(fig.measure_names) > 1
    if multi:
        names = ["Agency", "Invited"]
        for m in fig.measure_names:
            names += [m, f"{m} %"]
    else:
        names = ["", fig.measure_names[0], "%", "Of", "Note"]
    _header(ws, 1, names)
    row = 2
    for r in fig.rows:
        if multi:
            values = [r.label, dis.count(lay.row_d[(r.code, 0)], r.measures[0].d)]
            for i, m in enumerate(r.measures):
                n_cell, d_cell = lay.row_n[(r.code, i)], lay.row_d[(r.code, i)]
                values += [dis.count(n_cell, m.n), dis.pct(n_cell, d_cell, m)]
        else:
            m = r.measures[0]
            n_cell, d_cell = lay.row_n[(r.code, 0)], lay.row_d[(r.code, 0)]
            values = [r.label, dis.count(n_cell, m.n), dis.pct(n_cell, d_cell, m), dis.count(d_cell, m.d), _note(m)]
        _put(ws, row, values)
        row += 1
    if fig.total is not None:
        label = f"Total: {fig.total_label}" if fig.partition else fig.total_label
        _put(ws, row, [label, dis.count(lay.total, fig.total)])
        ws.cell(row=row, column=1).font = HEADER_FONT
        row += 1
    for r in fig.extra:
        m = r.measures[0]
        _put(ws, row, [r.label, *_reorder(_measure_cells(dis, lay.extra_n[r.code], lay.extra_d[r.code], m)), _note(m)])
        row += 1
    row += 1
    _cell(ws, row, 1, fig.numbered_title).font = HEADER_FONT
    row += 1
    _cell(ws, row, 1, f"{fig.headline_label}, of {fig.population}")
    if fig.coverage is not None:  # a version 2 figure: how many records could be counted (the line above)
        row += 1
        m = fig.coverage
        n, d = dis.count(lay.extra_n.get(COUNTED), m.n), dis.count(lay.extra_d.get(COUNTED), m.d)
        _cell(ws, row, 1, coverage_sentence(count_text(n), count_text(d), fig.coverage_unit))
    for text in fig.notes:
        row += 1
        _cell(ws, row, 1, text)
    if any(small_base(m) for r in (*fig.rows, *fig.extra) for m in r.measures):
        row += 1
        _cell(ws, row, 1, SMALL_BASE_NOTE)

    row += 2
    _header(ws, row, ["Beside", fig.headline_label, "Of", "%", "Year"])
    row += 1
    _put(ws, row, ["This period", *_measure_cells(dis, lay.head_n, lay.head_d, fig.headline),
                   f"{dates.format_uk(dash.period_from)} to {dates.format_uk(dash.period_to)}"])  # fmt: skip
    prev = dash.previous.get(fig.key)
    if prev is not None:
        row += 1
        _put(ws, row, ["Last year", *_measure_cells(dis, lay.prev_n, lay.prev_d, prev.headline if prev.headline.d
                                                     else None), dash.previous_label])  # fmt: skip
    for comp in dash.comparisons.get(fig.key) or []:
        row += 1
        about = next((r.label for r in (*fig.rows, *fig.extra) if r.code == comp.row), fig.headline_label)
        _put(ws, row, [f"{comp.name} ({about})", None, None, comp.pct, comp.year])

    points = dash.over_time.get(fig.key) or []
    if points:
        row += 2
        _header(ws, row, [f"By {fig.bucket}", fig.headline_label, "Of", "%"])
        for p in points:
            row += 1
            _put(ws, row, [p.label, *_measure_cells(dis, lay.time_n.get(p.label), lay.time_d.get(p.label), p.value)])
    lines = dash.by_chair.get(fig.key) or []
    if lines:
        row += 2
        _header(ws, row, ["Chair", fig.headline_label, "Of", "%"])
        for line in lines:
            row += 1
            _put(ws, row, [line.chair, *_measure_cells(dis, lay.chair_n.get(line.chair), lay.chair_d.get(line.chair),
                                                        line.value)])  # fmt: skip
    ws.column_dimensions["A"].width = 60
    for letter in "BCDEFGH":
        ws.column_dimensions[letter].width = 16
    ws.freeze_panes = "A2"


def _reorder(cells: list) -> list:
    """[n, d, %] as the main table's columns: n, %, of."""
    return [cells[0], cells[2], cells[1]]


def _summary_sheet(wb: Workbook, dash: Dashboard, dis: Disclosure) -> None:
    ws = wb.active
    ws.title = "Summary"
    _header(ws, 1, ["Fig", "Figure", "Measure", "Number", "Of", "%", "Last year number", "Last year of",
                    "Last year %", "England %", "England year", "Neighbours' average %", "Sheet"])  # fmt: skip
    for i, fig in enumerate(dash.figures, start=2):
        lay = dis.layout(fig.key)
        prev = dash.previous.get(fig.key)
        comps = dash.comparisons.get(fig.key) or []
        england = next((c for c in comps if c.kind == "england"), None)
        neighbours = next((c for c in comps if c.kind == "neighbours_average"), None)
        prev_m = prev.headline if prev is not None and prev.headline.d else None
        _put(
            ws,
            i,
            [
                fig.number,
                fig.title,
                fig.headline_label,
                *_measure_cells(dis, lay.head_n, lay.head_d, fig.headline if fig.headline.d else None),
                *_measure_cells(dis, lay.prev_n, lay.prev_d, prev_m),
                england.pct if england else None,
                england.year if england else None,
                neighbours.pct if neighbours else None,
                sheet_name(fig),
            ],
        )
    row = len(dash.figures) + 3
    for label, value in (("Period from", dash.period_from), ("Period to", dash.period_to), ("As at", dash.as_at),
                         ("Last year from", dash.previous_from), ("Last year to", dash.previous_to)):  # fmt: skip
        _cell(ws, row, 2, label).font = HEADER_FONT
        _cell(ws, row, 3, value).number_format = "DD/MM/YYYY"
        row += 1
    conf = dis.layout("conferences")
    children = dash.stats.get("children") or {}
    for label, cell, value in (
        ("Conferences", conf.total, dash.stats["conferences"]["total"]),
        ("Children discussed", conf.extra_n.get("children"), children.get("discussed")),
        ("Different children", conf.extra_n.get("different"), children.get("different")),
    ):
        _cell(ws, row, 2, label).font = HEADER_FONT
        _cell(ws, row, 3, dis.count(cell, value))
        row += 1
    if dash.chair:
        _cell(ws, row, 2, "Chair").font = HEADER_FONT
        _cell(ws, row, 3, dash.chair)
        row += 1
    _cell(ws, row, 2, (
        "Counts from 1 to 5, and the numbers and percentages they could be worked out from, are shown as c."
        if dis.on else "For use inside the service only: small numbers are not suppressed."))  # fmt: skip
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 52
    ws.column_dimensions["C"].width = 34
    ws.freeze_panes = "A2"


def build_workbook(dash: Dashboard, *, suppress: bool = True, disclosed: Disclosure | None = None) -> bytes:
    """The workbook's bytes: Summary, then one sheet per figure in report order (suppressed unless told not)."""
    dis = disclosed or disclosure(dash, on=suppress)
    wb = Workbook()
    _summary_sheet(wb, dash, dis)
    for fig in dash.figures:
        _figure_sheet(wb, dash, fig, dis)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_workbook(
    path: str | Path, dash: Dashboard, *, suppress: bool = True, disclosed: Disclosure | None = None
) -> Path:
    """Write the workbook atomically (a failure leaves nothing half-written under the final name)."""
    return pdf_common.atomic_write(path, build_workbook(dash, suppress=suppress, disclosed=disclosed))
