"""A small QPainter bar chart: horizontal bars for a figure's rows, vertical bars for months and quarters.

Why QPainter and not QtCharts: the dashboard needs only bars, a dashed national line and gaps that read as
gaps; a hundred lines of painting do that, look the same on every platform, start instantly and are easy to
grab in a test. The widget is fed plain lists and never knows where the numbers came from.
A value of None is drawn as no bar with a grey "no data" (or the given gap text), never as a zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from cpchair.gui import theme

# Colours come from the palette in force (theme.colours()): series bars, the national line in the error
# colour, grid lines, and muted "no data" text that keeps 4.5:1.


class BarChart(QWidget):
    """Percentages (0–100) as bars. ``horizontal``: one row per label; otherwise one column per label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[list[float | None]] = []
        self.series_names: list[str] = []
        self.gap_texts: list[str] = []
        self.national: float | None = None
        self.national_text = ""
        self.national_row: int | None = None
        self.value_texts: list[list[str]] = []  # what each bar says (its % and the numbers behind it)
        self.under_texts: list[str] = []  # vertical bars: a line under each label ("41/58")
        self.horizontal = True
        self._picture: QPixmap | None = None  # the chart as last drawn (see render_now)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Chart")

    def set_data(
        self,
        labels: Sequence[str],
        series: Sequence[Sequence[float | None]],
        *,
        horizontal: bool = True,
        series_names: Sequence[str] = (),
        national: float | None = None,
        national_text: str = "",
        national_row: int | None = None,
        gap_texts: Sequence[str] = (),
        value_texts: Sequence[Sequence[str]] = (),
        under_texts: Sequence[str] = (),
    ) -> None:
        self.labels = list(labels)
        self.series = [list(s) for s in series]
        self.series_names = list(series_names)
        self.horizontal = horizontal
        self.national = national
        self.national_text = national_text
        self.national_row = national_row  # horizontal bars: the one row the national figure compares with
        self.gap_texts = list(gap_texts) or ["no data"] * len(self.labels)
        self.value_texts = [list(t) for t in value_texts]
        self.under_texts = list(under_texts)
        self.setFixedHeight(self.sizeHint().height())
        desc = "; ".join(
            f"{label}: " + ", ".join("no data" if s[i] is None else self._text(k, i) for k, s in enumerate(self.series))
            for i, label in enumerate(self.labels)
        )
        self.setAccessibleDescription(desc)
        self._picture = None
        self.update()

    def _text(self, series: int, i: int) -> str:
        """The bar's label: the given text ("70.7% (41/58)"), else its percentage."""
        if series < len(self.value_texts) and i < len(self.value_texts[series]) and self.value_texts[series][i]:
            return self.value_texts[series][i]
        return f"{self.series[series][i]:.1f}%"

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        if self.horizontal:
            rows = max(len(self.labels), 1)
            per_row = 9 * len(self.series or [[]]) + 7
            legend = 18 if len(self.series) > 1 else 0
            return QSize(420, rows * per_row + 34 + legend)
        return QSize(420, 182 if self.under_texts else 170)

    def render_now(self) -> None:
        """Draw the chart into its picture now (the dashboard does this for each card in its own short step),
        so that the repaint after all the cards changed only copies pictures instead of drawing 23 charts."""
        size = self.size()
        ratio = self.devicePixelRatioF()
        picture = QPixmap(max(int(size.width() * ratio), 1), max(int(size.height() * ratio), 1))
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        p = QPainter(picture)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        p.setFont(font)
        if self.horizontal:
            self._paint_horizontal(p, QFontMetrics(font))
        else:
            self._paint_vertical(p, QFontMetrics(font))
        p.end()
        self._picture = picture

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        if self._picture is None or self._picture.deviceIndependentSize().toSize() != self.size():
            self.render_now()
        p = QPainter(self)
        p.drawPixmap(0, 0, self._picture)
        p.end()

    # --- horizontal: one row per label ------------------------------------------------------------------
    def _paint_horizontal(self, p: QPainter, fm: QFontMetrics) -> None:
        c = theme.colours()
        legend = 18 if len(self.series) > 1 else 0
        label_w = min(max((fm.horizontalAdvance(t) for t in self.labels), default=0) + 8, self.width() * 0.42)
        plot = QRectF(label_w, 12 + legend, self.width() - label_w - 104, self.height() - 34 - legend)
        self._grid_x(p, fm, plot)
        n_series = max(len(self.series), 1)
        row_h = plot.height() / max(len(self.labels), 1)
        bar_h = min(9.0, (row_h - 6) / n_series)
        for i, label in enumerate(self.labels):
            top = plot.top() + i * row_h
            p.setPen(self.palette().text().color())
            text = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(label_w - 6))
            p.drawText(QRectF(0, top, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       text)  # fmt: skip
            for s, values in enumerate(self.series):
                y = top + (row_h - n_series * bar_h) / 2 + s * bar_h
                value = values[i]
                if value is None:
                    p.setPen(c.help)
                    p.drawText(QRectF(plot.left() + 3, y - 2, 80, bar_h + 4), Qt.AlignmentFlag.AlignVCenter,
                               self.gap_texts[i])  # fmt: skip
                    continue
                w = plot.width() * max(0.0, min(value, 100.0)) / 100
                p.fillRect(QRectF(plot.left(), y, w, bar_h - 1), c.series[s % len(c.series)])
                p.setPen(self.palette().text().color())
                p.drawText(QRectF(plot.left() + w + 3, y - 3, 130, bar_h + 6), Qt.AlignmentFlag.AlignVCenter,
                           self._text(s, i))  # fmt: skip
        if self.national is not None:
            x = plot.left() + plot.width() * self.national / 100
            p.setPen(QPen(c.error, 1.2, Qt.PenStyle.DashLine))
            if self.national_row is None:
                p.drawLine(int(x), int(plot.top() - 4), int(x), int(plot.bottom()))
            else:  # England's figure is for one row (e.g. "2 years or more"): mark that row only
                top = plot.top() + self.national_row * row_h
                p.drawLine(int(x), int(top), int(x), int(top + row_h))
            p.setPen(c.error)
            p.drawText(QRectF(x - 150, plot.top() - 16 - legend, 300, 14), Qt.AlignmentFlag.AlignHCenter,
                       self.national_text)  # fmt: skip
        if legend:
            x = plot.left()
            for s, name in enumerate(self.series_names):
                p.fillRect(QRectF(x, 2, 10, 10), c.series[s % len(c.series)])
                p.setPen(self.palette().text().color())
                p.drawText(QRectF(x + 14, 0, 200, 14), Qt.AlignmentFlag.AlignVCenter, name)
                x += fm.horizontalAdvance(name) + 34

    def _grid_x(self, p: QPainter, fm: QFontMetrics, plot: QRectF) -> None:
        c = theme.colours()
        for pct in range(0, 101, 25):
            x = plot.left() + plot.width() * pct / 100
            p.setPen(c.grid)
            p.drawLine(int(x), int(plot.top()), int(x), int(plot.bottom()))
            p.setPen(c.help)
            p.drawText(QRectF(x - 20, plot.bottom() + 2, 40, 14), Qt.AlignmentFlag.AlignHCenter, f"{pct}%")

    # --- vertical: one column per month or quarter --------------------------------------------------------
    def _paint_vertical(self, p: QPainter, fm: QFontMetrics) -> None:
        c = theme.colours()
        under = 12 if self.under_texts else 0
        plot = QRectF(36, 14, self.width() - 44, self.height() - 44 - under)
        for pct in range(0, 101, 25):
            y = plot.bottom() - plot.height() * pct / 100
            p.setPen(c.grid)
            p.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            p.setPen(c.help)
            p.drawText(QRectF(0, y - 7, 32, 14), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{pct}%")
        n = max(len(self.labels), 1)
        col_w = plot.width() / n
        values = self.series[0] if self.series else []
        for i, label in enumerate(self.labels):
            left = plot.left() + i * col_w
            p.setPen(self.palette().text().color())
            text = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(col_w))
            p.drawText(QRectF(left, plot.bottom() + 3, col_w, 14), Qt.AlignmentFlag.AlignHCenter, text)
            if i < len(self.under_texts) and self.under_texts[i]:
                p.setPen(c.help)
                small = fm.elidedText(self.under_texts[i], Qt.TextElideMode.ElideRight, int(col_w))
                p.drawText(QRectF(left, plot.bottom() + 15, col_w, 12), Qt.AlignmentFlag.AlignHCenter, small)
            value = values[i] if i < len(values) else None
            if value is None:
                p.setPen(c.help)
                p.drawText(QRectF(left, plot.bottom() - 16, col_w, 14), Qt.AlignmentFlag.AlignHCenter,
                           self.gap_texts[i])  # fmt: skip
                continue
            h = plot.height() * max(0.0, min(value, 100.0)) / 100
            bar = QRectF(left + col_w * 0.18, plot.bottom() - h, col_w * 0.64, h)
            p.fillRect(bar, c.series[0])
            p.setPen(self.palette().text().color())
            label = self.value_texts[0][i] if self.value_texts and i < len(self.value_texts[0]) else ""
            p.drawText(QRectF(left, bar.top() - 15, col_w, 14), Qt.AlignmentFlag.AlignHCenter, label or f"{value:.0f}%")
        if self.national is not None:
            y = plot.bottom() - plot.height() * self.national / 100
            p.setPen(QPen(c.error, 1.2, Qt.PenStyle.DashLine))
            p.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            p.setPen(c.error)
            p.drawText(QRectF(plot.right() - 300, 0, 300, 13), Qt.AlignmentFlag.AlignRight, self.national_text)
