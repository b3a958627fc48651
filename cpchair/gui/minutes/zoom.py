"""Zoom for the minutes preview: Ctrl++ / Ctrl+- and buttons, and Ctrl+0 back to the page's width.

Why: the preview opens fitted to its pane's width, which at 200 % scaling or on a small laptop screen makes
the text too small to proof-read. Zooming starts from the size on screen (the fitted size), not from 100 %,
so the first Ctrl++ is a step up from what the chair sees rather than a jump.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

STEP = 1.25
SMALLEST, LARGEST = 0.25, 5.0


def zoom_shortcuts() -> list[tuple[str, str, list[QKeySequence]]]:
    """(name, what, keys) of the preview's zoom actions: made here once, for the actions and for Help >
    Keyboard shortcuts (which lists them even before the minutes page is first opened)."""
    return [
        ("zoom_out", "Zoom out", [QKeySequence(QKeySequence.StandardKey.ZoomOut)]),
        ("zoom_in", "Zoom in", [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]),  # + is Shift+=
        ("fit_width", "Fit width", [QKeySequence("Ctrl+0")]),
    ]


class PreviewZoom(QObject):
    """Zoom actions (with shortcuts while the minutes page has the focus) and their buttons."""

    def __init__(self, view: QPdfView, host: QWidget, row: QHBoxLayout) -> None:
        super().__init__(host)
        self.view = view
        self.actions: dict[str, QAction] = {}
        slots = {"zoom_out": self.zoom_out, "zoom_in": self.zoom_in, "fit_width": self.fit_width}
        for key, text, keys in zoom_shortcuts():
            slot = slots[key]
            action = QAction(text, host)
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            host.addAction(action)
            self.actions[key] = action
            button = QPushButton(text, host)
            button.setObjectName(key)
            shortcut = keys[0].toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{text} the preview ({shortcut})")
            button.setAccessibleName(f"{text} the preview")
            button.clicked.connect(action.trigger)
            row.addWidget(button)

    def factor(self) -> float:
        """The zoom on screen now; when fitted to the width, the factor that fitting gives."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        document = self.view.document()
        if document is None or document.pageCount() == 0:
            return 1.0
        points = document.pagePointSize(0).width()
        margins = self.view.documentMargins()
        available = self.view.viewport().width() - margins.left() - margins.right()
        return max(SMALLEST, available / (points * self.view.logicalDpiX() / 72)) if points > 0 else 1.0

    def _set(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(LARGEST, max(SMALLEST, factor)))

    def zoom_in(self) -> None:
        self._set(self.factor() * STEP)

    def zoom_out(self) -> None:
        self._set(self.factor() / STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
