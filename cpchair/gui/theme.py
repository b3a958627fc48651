"""The application's colours in force: one style sheet derived from the palette, following the system.

Widgets never name a colour. They say what a text *is* (``set_tone(label, "help")``, ``"error"``, ...) and
this module turns the tones into one application style sheet computed from the palette (``palette.semantic``).
When the palette changes (the user switched Windows to dark or to high contrast, or chose other colours in
View ▸ Colours) the sheet is derived again, so every help line, error, note, read-only field, guidance box
and the focus ring keep their contrast.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from cpchair.gui import palette as pal

TONES = ("help", "error", "warning", "note", "read-only", "banner-error", "banner-info")
MODES = {
    "system": "Follow the &system",
    "light": "&Light",
    "dark": "&Dark",
    "high_contrast": "&High contrast",
}

_state: dict[str, object] = {"mode": "system", "colours": None, "watcher": None}


def colours() -> pal.Semantic:
    """The semantic colours of the application's palette now."""
    cached = _state["colours"]
    if cached is None:
        cached = pal.semantic(QApplication.palette(), _high_contrast_asked())
        _state["colours"] = cached
    return cached  # type: ignore[return-value]


def _high_contrast_asked() -> bool | None:
    """True when the user chose high contrast here or in the system's accessibility settings; otherwise
    None (the palette itself decides)."""
    if _state["mode"] == "high_contrast":
        return True
    hints = _state.get("a11y_hints")
    if hints is not None and hints.contrastPreference() == Qt.ContrastPreference.HighContrast:
        return True
    return None


def style_sheet(c: pal.Semantic) -> str:
    """The application style sheet for the semantic colours ``c``: one rule per tone."""
    n = c.names()
    return (
        _field_rules(n)
        + f"""
*[tone="help"] {{ color: {n["help"]}; }}
*[tone="error"] {{ color: {n["error"]}; }}
*[tone="warning"] {{ color: {n["warning"]}; }}
*[tone="note"] {{ color: {n["note"]}; font-style: italic; }}
QLineEdit[tone="read-only"] {{ background: {n["read_only_background"]}; color: {n["read_only_text"]}; }}
QFrame#guidance {{ background: {n["guidance_background"]}; border: 1px solid {n["guidance_border"]};
    border-radius: 4px; }}
QFrame#neglect {{ background: {n["info_background"]}; border: 1px solid {n["info_border"]}; border-radius: 4px; }}
QLabel[tone="banner-error"] {{ background: {n["banner_error_background"]}; color: {n["banner_error_text"]};
    border: 1px solid {n["banner_error_text"]}; padding: 6px; }}
QLabel[tone="banner-info"] {{ background: {n["banner_info_background"]}; color: {n["banner_info_text"]};
    border: 1px solid {n["banner_info_text"]}; padding: 6px; }}
"""
    )


def _field_rules(n: dict[str, str]) -> str:
    """Fusion draws the frames of text fields and tick boxes in a shade of the window colour: under 3:1 in
    its light palette and invisible on black. They get a border of at least 3:1 instead, and a ticked box
    or a chosen radio button is filled with the focus colour (3:1 too)."""
    return f"""
QLineEdit, QPlainTextEdit {{ border: 1px solid {n["field_border"]}; border-radius: 2px; padding: 2px;
    background: {n["base"]}; }}
QLineEdit:disabled, QPlainTextEdit:disabled {{ background: {n["window"]}; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 12px; height: 12px; border: 2px solid {n["field_border"]};
    background: {n["base"]}; }}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {n["focus"]};
    border: 2px solid {n["text"]}; }}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ background: {n["window"]}; }}
"""


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Say what a widget's text is; its colour follows from the palette. ``None`` returns it to plain text."""
    if tone is not None and tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}")
    install()
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def tone(widget: QWidget) -> str | None:
    return widget.property("tone")


class _PaletteWatcher(QWidget):
    """Never shown: Qt tells every widget when the application palette or font changes; this one
    re-derives the colours, and re-applies the sheet after a font change (while an application style
    sheet is set, Qt does not pass a new system font size on to existing widgets by itself)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            refresh()
        elif event.type() == QEvent.Type.ApplicationFontChange:
            app = QApplication.instance()
            sheet = app.styleSheet()
            app.setStyleSheet("")
            app.setStyleSheet(sheet)
        return super().event(event)


def refresh() -> None:
    """Derive the colours and the style sheet again from the application palette."""
    app = QApplication.instance()
    if app is None:
        return
    _state["colours"] = None
    sheet = style_sheet(colours())
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    from cpchair.gui import focus_ring

    focus_ring.repaint()


def install() -> None:
    """Install the style sheet, the palette watcher, the system colour-scheme follower and the focus ring
    (once per application; later calls do nothing)."""
    app = QApplication.instance()
    if app is None or app.property("cpchair_theme"):
        return
    app.setProperty("cpchair_theme", True)
    _state["watcher"] = _PaletteWatcher()
    # Both wrappers are held for the application's life: PySide invalidates the accessibility hints'
    # wrapper when the (temporary) style hints wrapper it came from is collected.
    style_hints = app.styleHints()
    hints = style_hints.accessibility()
    _state["style_hints"], _state["a11y_hints"] = style_hints, hints
    style_hints.colorSchemeChanged.connect(_scheme_changed)
    hints.contrastPreferenceChanged.connect(lambda _p: refresh())
    from cpchair.gui import focus_ring

    focus_ring.install(app)
    refresh()


def mode() -> str:
    return str(_state["mode"])


def set_mode(new_mode: str) -> None:
    """Use the system's colours ("system"), or light, dark or high-contrast ones whatever the system says."""
    if new_mode not in MODES:
        raise ValueError(f"unknown colour mode {new_mode!r}")
    install()
    _state["mode"] = new_mode
    _apply(QApplication.styleHints().colorScheme())


def _scheme_changed(scheme: Qt.ColorScheme) -> None:
    if _state["mode"] == "system":
        _apply(scheme)


def _apply(scheme: Qt.ColorScheme) -> None:
    chosen = {
        "light": pal.light_palette,
        "dark": pal.dark_palette,
        "high_contrast": pal.high_contrast_palette,
    }.get(str(_state["mode"]))
    if chosen is not None:
        QApplication.setPalette(chosen())
        refresh()
        return
    # Follow the system: the platform's own palette, unless the platform reports a dark scheme and its
    # palette stays light (Fusion on many Linux desktops), or the other way round.
    QApplication.setPalette(QPalette())
    dark_now = pal.is_dark(QApplication.palette().color(QPalette.ColorRole.Window))
    if scheme == Qt.ColorScheme.Dark and not dark_now:
        QApplication.setPalette(pal.dark_palette())
    elif scheme == Qt.ColorScheme.Light and dark_now:
        QApplication.setPalette(pal.light_palette())
    refresh()
