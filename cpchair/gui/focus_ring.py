"""A focus ring drawn around whichever control has the keyboard, in a colour of at least 3:1.

Why not the style's own: Fusion draws the focus of a check box or a radio button as a thin dotted line, and
only after a key press (not after a page switch or a click), and a line edit's focus as a frame tint that
falls under 3:1 in some palettes. One ring for every control, coloured from the palette
(``theme.colours().focus``), is the same everywhere and is measured by the tests.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget
from shiboken6 import isValid

WIDTH = 2  # pixels of ring
GAP = 1  # pixels between the control and its ring
_WATCHED = (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.ParentChange)

_rings: list[FocusRing] = []


def _container(widget: QWidget) -> QWidget:
    """Where the ring lives: the window, or the viewport of the scroll area the control sits in (so the ring
    scrolls with the control and is clipped where the control is)."""
    p = widget.parentWidget()
    while p is not None and not p.isWindow():
        area = p.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is p:
            return p
        p = p.parentWidget()
    return p if p is not None else widget.window()


class FocusRing(QWidget):
    """The ring itself: a transparent widget above the focused control, painting only its outline."""

    def __init__(self) -> None:
        super().__init__(None)
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        self._watched: list[QObject] = []

    def track(self, widget: QWidget | None) -> None:
        """Put the ring around ``widget`` (None or a window: no ring)."""
        for obj in self._watched:
            if isValid(obj):
                obj.removeEventFilter(self)
        self._watched = []
        alive = widget is not None and isValid(widget)
        self.target = widget if alive and not widget.isWindow() else None
        if self.target is None:
            self.hide()
            return
        container = _container(self.target)
        if self.parentWidget() is not container:
            self.setParent(container)
        w: QWidget | None = self.target
        while w is not None and w is not container:
            w.installEventFilter(self)
            self._watched.append(w)
            w = w.parentWidget()
        self.place()

    def place(self) -> None:
        w = self.target
        parent = self.parentWidget()
        if w is None or parent is None or not isValid(w) or not w.isVisible():
            self.hide()
            return
        margin = WIDTH + GAP
        top_left = w.mapTo(parent, QPoint(0, 0))
        self.setGeometry(QRect(top_left, w.size()).adjusted(-margin, -margin, margin, margin))
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _WATCHED:
            if event.type() == QEvent.Type.ParentChange:
                self.track(self.target)
            else:
                self.place()
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        from cpchair.gui import theme

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(theme.colours().focus)
        pen.setWidth(WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half, -half))


def ring() -> FocusRing | None:
    """The application's ring (None before ``install``). A ring deleted with the window it lived in (a
    closed dialog) is made again."""
    if not _rings:
        return None
    if not isValid(_rings[0]):
        _rings[0] = FocusRing()
    return _rings[0]


def _focus_changed(_old: QWidget | None, new: QWidget | None) -> None:
    r = ring()
    if r is not None:
        r.track(new)


def install(app: QApplication) -> None:
    if _rings:
        return
    _rings.append(FocusRing())
    app.focusChanged.connect(_focus_changed)
    _focus_changed(None, QApplication.focusWidget())


def repaint() -> None:
    r = ring()
    if r is not None:
        r.update()
