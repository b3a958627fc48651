"""Shared by the accessibility tests: palettes to run in, and colours read back from rendered pixels."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from cpchair.gui import palette

MODES = ("light", "dark", "high_contrast")


def window_image(window: QWidget) -> QImage:
    return window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def rect_in(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def rendered_colours(image: QImage, rect: QRect) -> tuple[QColor, QColor]:
    """(text, background) as drawn inside ``rect``: the commonest pixel is the background, the pixel that
    differs most from it is the ink of the text."""
    rect = rect & image.rect()
    counts: Counter[int] = Counter(
        image.pixel(x, y) for y in range(rect.top(), rect.bottom() + 1) for x in range(rect.left(), rect.right() + 1)
    )
    background = QColor(counts.most_common(1)[0][0])
    ink = max((QColor(p) for p in counts), key=lambda c: palette.contrast(c, background))
    return ink, background
