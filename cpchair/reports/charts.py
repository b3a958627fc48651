"""reportlab.graphics charts for the service report: one bar chart per figure and one over-time chart.

Why reportlab's own charts and not images from the GUI: the report is written by ``cpchair report`` on a
machine without a display and without Qt; vector charts also print sharply. Values are percentages so that
bars of different-sized populations compare fairly, and each bar is labelled with the numbers behind it
("70.7% (41/58)"; a percentage of fewer than 10 is marked "*"). A suppressed value is drawn as no bar,
labelled "c". A month with no data is drawn as no bar, labelled "no data", never as a zero. England (and the
statistical neighbours' average, where imported) are dashed lines on the row they are about.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from cpchair.domain.comparators import Comparison
from cpchair.reports import pdf_common
from cpchair.reports.cells import SMALL_BASE_MARK, small_base
from cpchair.reports.suppression import Disclosure, Layout
from cpchair.services.dashboard import FigureData, Point

FONT = pdf_common.FONT  # the bundled DejaVu Sans: the same glyphs on every platform
SERIES_COLOURS = (colors.HexColor("#1f5f8b"), colors.HexColor("#e08a1e"), colors.HexColor("#2e8b57"))
NATIONAL_COLOUR = colors.HexColor("#b22222")
NEIGHBOURS_COLOUR = colors.HexColor("#5b2a86")
GRID = colors.HexColor("#dddddd")


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose renderer starts in the bundled font (reportlab would otherwise pull in Helvetica)."""
    d = Drawing(width, height)
    d.initialFontName = FONT
    return d


def _label(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bar_text(pct: float | None, n, d, m) -> str:
    """ "70.7% (41/58)", with "*" for a percentage of fewer than 10."""
    if pct is None:
        return ""
    mark = SMALL_BASE_MARK if small_base(m) else ""
    return f"{pct:.1f}%{mark} ({n:,}/{d:,})"


def figure_chart(fig: FigureData, width: float, dis: Disclosure, comparisons: Sequence[Comparison] = ()) -> Drawing:
    """Horizontal bars, one per row of the figure (one bar per measure for the agency figures)."""
    pdf_common.register_fonts()
    lay = dis.layout(fig.key)
    rows = fig.rows
    n_series = len(fig.measure_names)
    bar_h = 7
    row_h = bar_h * n_series + (7 if n_series == 1 else 5)
    legend_h = 14 if n_series > 1 else 0
    plot_h = max(row_h * len(rows), 30)
    height = plot_h + 24 + legend_h
    d = _drawing(width, height)
    chart = HorizontalBarChart()
    names = [_label(r.label) for r in reversed(rows)]
    label_w = min(max((stringWidth(t, FONT, 7) for t in names), default=0) + 10, width * 0.38)
    chart.x, chart.y = label_w, 18
    chart.width, chart.height = width - label_w - 78, plot_h
    cells = [[(lay.row_n.get((r.code, i)), lay.row_d.get((r.code, i)), r.measures[i]) for r in reversed(rows)]
             for i in range(n_series)]  # fmt: skip
    data = [[dis.pct_value(n, dd, m) for n, dd, m in series] for series in cells]
    chart.data = [[v if v is not None else 0 for v in series] for series in data] if rows else [[0]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.categoryAxis.categoryNames = names or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.barWidth = bar_h
    for i in range(n_series):
        chart.bars[i].fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        chart.bars[i].strokeColor = None
    d.add(chart)
    # each bar's numbers (or "c" / "–"), so a percentage is never read without what it is of
    group_h = chart.height / max(len(rows), 1)
    for idx in range(len(rows)):
        for i in range(n_series):
            n_cell, d_cell, m = cells[i][idx]
            value = data[i][idx]
            y = chart.y + idx * group_h + group_h / 2 + (i - (n_series - 1) / 2) * bar_h - 2.2
            if value is None:
                text = "–" if not m.d else "c"
                x = chart.x + 3
            else:
                text = _bar_text(value, dis.count(n_cell, m.n), dis.count(d_cell, m.d), m)
                x = chart.x + chart.width * value / 100 + 3
            d.add(String(x, y, text, fontName=FONT, fontSize=5.5 if n_series > 1 else 6,
                         fillColor=colors.black if value is not None else colors.grey))  # fmt: skip
    lines = [c for c in comparisons if c.kind in ("england", "neighbours_average")]
    top = chart.y + chart.height
    for j, comp in enumerate(lines):
        colour = NATIONAL_COLOUR if comp.kind == "england" else NEIGHBOURS_COLOUR
        x = chart.x + chart.width * comp.pct / 100
        if comp.row is None:  # about the headline: its row, if the headline is one of the bars
            idx = next((i for i, r in enumerate(reversed(rows)) if r.measures[0] == fig.headline), None)
        else:
            idx = next((i for i, r in enumerate(reversed(rows)) if r.code == comp.row), None)
        if idx is None:
            continue  # about a measure no bar shows (e.g. the DfE's per-child basis): said in words only
        y0, y1 = chart.y + idx * group_h, chart.y + (idx + 1) * group_h
        d.add(Line(x, y0, x, y1, strokeColor=colour, strokeDashArray=(3, 2)))
        d.add(String(chart.x + j * 170, top + 3, f"dashed: {comp.name} {comp.year} {comp.pct:.1f}%", fontName=FONT,
                     fontSize=6.5, fillColor=colour))  # fmt: skip
    if n_series > 1:
        x = chart.x
        for i, name in enumerate(fig.measure_names):
            d.add(Rect(x, height - 10, 8, 8, fillColor=SERIES_COLOURS[i % len(SERIES_COLOURS)], strokeColor=None))
            d.add(String(x + 11, height - 9, f"{name} (% of invited)", fontName=FONT, fontSize=7))
            x += stringWidth(f"{name} (% of invited)", FONT, 7) + 24
    return d


def time_chart(fig: FigureData, points: Sequence[Point], width: float, dis: Disclosure, lay: Layout) -> Drawing:
    """The figure's headline for each month (or quarter) as vertical bars with "n/d" under each; a gap is
    labelled, not drawn."""
    pdf_common.register_fonts()
    height = 130
    d = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 40
    chart.width, chart.height = width - 50, height - 58
    values = [dis.pct_value(lay.time_n.get(p.label), lay.time_d.get(p.label), p.value) for p in points]
    chart.data = [[v if v is not None else 0 for v in values]] if points else [[0]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.categoryAxis.categoryNames = [p.label for p in points] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.bars[0].fillColor = SERIES_COLOURS[0]
    chart.bars[0].strokeColor = None
    d.add(chart)
    step = chart.width / max(len(points), 1)
    for i, p in enumerate(points):
        cx = chart.x + step * (i + 0.5)
        if values[i] is None:
            text = "no data" if p.value is None else "c"
            d.add(String(cx, chart.y + 4, text, fontName=FONT, fontSize=6, textAnchor="middle", fillColor=colors.grey))
        else:
            bar_top = chart.y + chart.height * values[i] / 100
            mark = SMALL_BASE_MARK if small_base(p.value) else ""
            d.add(String(cx, bar_top + 2, f"{values[i]:.0f}%{mark}", fontName=FONT, fontSize=6, textAnchor="middle"))
        if p.value is not None:
            n = dis.count(lay.time_n.get(p.label), p.value.n)
            dd = dis.count(lay.time_d.get(p.label), p.value.d)
            d.add(String(cx, chart.y - 20, f"{n}/{dd}", fontName=FONT, fontSize=5.5, textAnchor="middle",
                         fillColor=colors.grey))  # fmt: skip
    title = f"{fig.headline_label}, by {fig.bucket} (n/of under each {fig.bucket})"
    if fig.national is not None:
        y = chart.y + chart.height * fig.national.pct / 100
        d.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=NATIONAL_COLOUR, strokeDashArray=(3, 2)))
        d.add(String(width - 4, height - 8, f"dashed line: England {fig.national.year} {fig.national.pct:.1f}%",
                     fontName=FONT, fontSize=7, textAnchor="end", fillColor=NATIONAL_COLOUR))  # fmt: skip
    d.add(String(0, height - 8, title, fontName=FONT, fontSize=8))
    return d
