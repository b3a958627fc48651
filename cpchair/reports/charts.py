"""reportlab.graphics charts for the service report: one bar chart per figure and one over-time chart.

Why reportlab's own charts and not images from the GUI: the report is written by ``cpchair report`` on a
machine without a display and without Qt; vector charts also print sharply. Values are percentages so that
bars of different-sized populations compare fairly; the table beside each chart gives the counts.
A suppressed value (a small count in a report that leaves the service) is drawn as no bar, labelled "c".
A month with no data is drawn as no bar, labelled "no data", never as a zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from cpchair.reports import pdf_common
from cpchair.reports.cells import pct_value
from cpchair.services.dashboard import FigureData, Point

FONT = pdf_common.FONT  # the bundled DejaVu Sans: the same glyphs on every platform
SERIES_COLOURS = (colors.HexColor("#1f5f8b"), colors.HexColor("#e08a1e"))
NATIONAL_COLOUR = colors.HexColor("#b22222")
GRID = colors.HexColor("#dddddd")


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose renderer starts in the bundled font (reportlab would otherwise pull in Helvetica)."""
    d = Drawing(width, height)
    d.initialFontName = FONT
    return d


def _label(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def figure_chart(fig: FigureData, width: float, suppress: bool = False) -> Drawing:
    """Horizontal bars, one per row of the figure (two bars per row for the agency figures)."""
    pdf_common.register_fonts()
    rows = fig.rows
    n_series = len(fig.measure_names)
    bar_h = 7 if n_series == 1 else 6
    row_h = bar_h * n_series + 7
    legend_h = 14 if n_series > 1 else 0
    plot_h = max(row_h * len(rows), 30)
    height = plot_h + 24 + legend_h
    d = _drawing(width, height)
    chart = HorizontalBarChart()
    names = [_label(r.label) for r in reversed(rows)]
    label_w = min(max((stringWidth(t, FONT, 7) for t in names), default=0) + 10, width * 0.42)
    chart.x, chart.y = label_w, 18
    chart.width, chart.height = width - label_w - 40, plot_h
    data = [[pct_value(r.measures[i], suppress) for r in reversed(rows)] for i in range(n_series)]
    chart.data = data
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.barSpacing = 0
    chart.groupSpacing = 4
    chart.barWidth = bar_h
    chart.barLabelFormat = "%.1f%%"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    for i in range(n_series):
        chart.bars[i].fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        chart.bars[i].strokeColor = None
    d.add(chart)
    # mark suppressed or undefined values so a missing bar is not read as 0%
    group_h = chart.height / max(len(rows), 1)
    for idx, r in enumerate(reversed(rows)):
        for i in range(n_series):
            m = r.measures[i]
            if pct_value(m, suppress) is None and m.d:
                y = chart.y + idx * group_h + group_h / 2 - (i - (n_series - 1) / 2) * bar_h - 2
                d.add(String(chart.x + 3, y, "c", fontName=FONT, fontSize=6.5, fillColor=colors.grey))
    if fig.national is not None and len(rows):
        x = chart.x + chart.width * fig.national.pct / 100
        # England's figure is for one row (e.g. "2 years or more"): the line marks that row, not every band
        idx = next((i for i, r in enumerate(reversed(rows)) if r.code == fig.national.row), None)
        y0, y1 = (chart.y, chart.y + chart.height)
        if idx is not None:
            y0, y1 = chart.y + idx * group_h, chart.y + (idx + 1) * group_h
        d.add(Line(x, y0, x, y1, strokeColor=NATIONAL_COLOUR, strokeDashArray=(3, 2)))
        d.add(
            String(x + 2, chart.y + chart.height + 3, f"England {fig.national.pct:.1f}%", fontName=FONT, fontSize=6.5,
                   fillColor=NATIONAL_COLOUR)
        )  # fmt: skip
    if n_series > 1:
        x = chart.x
        for i, name in enumerate(fig.measure_names):
            d.add(Rect(x, height - 10, 8, 8, fillColor=SERIES_COLOURS[i], strokeColor=None))
            d.add(String(x + 11, height - 9, f"{name} (% of invited)", fontName=FONT, fontSize=7))
            x += 130
    return d


def time_chart(fig: FigureData, points: Sequence[Point], width: float, suppress: bool = False) -> Drawing:
    """The figure's headline for each month (or quarter) as vertical bars; a gap is labelled, not drawn."""
    pdf_common.register_fonts()
    height = 120
    d = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 30
    chart.width, chart.height = width - 50, height - 48
    values = [pct_value(p.value, suppress) if p.value is not None else None for p in points]
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.categoryAxis.categoryNames = [p.label for p in points]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    if len(points) > 8:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.bars[0].fillColor = SERIES_COLOURS[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%.0f%%"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 6
    d.add(chart)
    step = chart.width / max(len(points), 1)
    for i, p in enumerate(points):
        if values[i] is None:
            text = "no data" if p.value is None else "c"
            d.add(String(chart.x + step * (i + 0.5), chart.y + 4, text, fontName=FONT, fontSize=6, textAnchor="middle",
                         fillColor=colors.grey))  # fmt: skip
    title = f"{fig.headline_label}, by {fig.bucket}"
    if fig.national is not None:
        y = chart.y + chart.height * fig.national.pct / 100
        d.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=NATIONAL_COLOUR, strokeDashArray=(3, 2)))
        d.add(String(width - 4, height - 8, f"dashed line: England {fig.national.year} {fig.national.pct:.1f}%",
                     fontName=FONT, fontSize=7, textAnchor="end", fillColor=NATIONAL_COLOUR))  # fmt: skip
    d.add(String(0, height - 8, title, fontName=FONT, fontSize=8))
    return d
