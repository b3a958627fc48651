"""Colours: WCAG contrast arithmetic, the semantic colours derived from a QPalette, and the palettes offered.

Why derive instead of choosing: a hard-coded grey for help text reads well on a light window and vanishes on
a dark one. Every colour the application paints with is computed here from the palette in force (light,
dark, Windows high contrast), starting from a hue that says what it means (red for an error, amber for
guidance) and moved in lightness until it keeps the contrast WCAG 2.2 AA asks for: 4.5:1 for text, 3:1
for the focus indicator and other non-text marks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QPalette

TEXT_CONTRAST = 4.5  # WCAG 1.4.3, normal-sized text
NON_TEXT_CONTRAST = 3.0  # WCAG 1.4.11 and 2.4.13, focus indicators and borders
MARGIN = 0.4  # aim a little above the threshold, so rounding and antialiasing never take a text under it

Role = QPalette.ColorRole


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2.2 definition) of an opaque colour."""
    return 0.2126 * _linear(colour.redF()) + 0.7152 * _linear(colour.greenF()) + 0.0722 * _linear(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours, from 1.0 (same) to 21.0 (black on white)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way towards ``b`` (0 is ``a``, 1 is ``b``)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def is_dark(background: QColor) -> bool:
    """Whether black or white text reads better on ``background``: dark backgrounds get lighter colours."""
    return contrast(background, QColor("white")) > contrast(background, QColor("black"))


def readable(colour: QColor, backgrounds: list[QColor], minimum: float = TEXT_CONTRAST) -> QColor:
    """``colour`` made darker (on light backgrounds) or lighter (on dark ones), keeping its hue, until its
    contrast with every background is at least ``minimum`` plus a small margin."""
    target = minimum + MARGIN
    if all(contrast(colour, bg) >= target for bg in backgrounds):
        return QColor(colour)
    towards = QColor("white") if is_dark(backgrounds[0]) else QColor("black")
    for step in range(1, 101):
        candidate = mix(colour, towards, step / 100)
        if all(contrast(candidate, bg) >= target for bg in backgrounds):
            return candidate
    return towards


def tint(background: QColor, hue: QColor, text: QColor, strength: float) -> QColor:
    """A background washed with ``hue`` (a box that stands out), but never so much that ``text`` on it drops
    under 4.5:1."""
    for step in range(int(strength * 100), -1, -1):
        candidate = mix(background, hue, step / 100)
        if contrast(candidate, text) >= TEXT_CONTRAST + MARGIN:
            return candidate
    return QColor(background)


# The hues each meaning starts from (the first release's light-theme colours).
ERROR_HUE = QColor("#b00020")
WARNING_HUE = QColor("#7a4a00")
NOTE_HUE = QColor("#1f5f8b")
AMBER = QColor("#f0b400")
BLUE = QColor("#3d7ab8")
SERIES_HUES = (QColor("#1f5f8b"), QColor("#c86a00"))


@dataclass(frozen=True)
class Semantic:
    """The colours with a meaning, for one palette. Text colours keep 4.5:1 on the background they are
    drawn on; ``focus`` and the borders keep 3:1 against the window and the fields."""

    window: QColor
    base: QColor
    text: QColor
    help: QColor  # help under a field, intros, "no entries" lines
    error: QColor
    warning: QColor
    note: QColor  # "Stays on this computer"
    read_only_text: QColor
    read_only_background: QColor
    guidance_background: QColor  # the emotional-abuse prompt
    guidance_border: QColor
    info_background: QColor  # the neglect definition
    info_border: QColor
    banner_error_background: QColor
    banner_error_text: QColor
    banner_info_background: QColor
    banner_info_text: QColor
    focus: QColor
    field_border: QColor  # the frame of a text field or tick box: 3:1, so the control is seen at all
    series: tuple[QColor, QColor]  # chart bars
    grid: QColor  # chart grid lines (decoration: not held to a ratio)
    high_contrast: bool

    def names(self) -> dict[str, str]:
        """Every colour as ``#rrggbb`` (for style sheets and for reading in tests)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, QColor):
                out[f.name] = value.name()
        return out


def is_high_contrast(palette: QPalette) -> bool:
    """A palette of pure black on white or white on black with fields the colour of the window, as Windows'
    "Night sky" and "High contrast white" are: then the user chose every colour and the application adds
    none of its own. (Fusion's and Windows' ordinary light palettes have a grey window and white fields.)"""
    window, base = palette.color(Role.Window), palette.color(Role.Base)
    return (
        contrast(window, base) < 1.1
        and contrast(palette.color(Role.WindowText), window) >= 19
        and contrast(palette.color(Role.Text), base) >= 19
    )


def semantic(palette: QPalette, high_contrast: bool | None = None) -> Semantic:
    """The meaningful colours for ``palette`` (the application's palette, light, dark or high contrast).
    ``high_contrast``: the system or the user asked for it (None: judge from the palette)."""
    window = palette.color(Role.Window)
    base = palette.color(Role.Base)
    text = palette.color(Role.WindowText)
    grounds = [window, base]
    highlight = palette.color(Role.Highlight)
    focus = readable(highlight, grounds, NON_TEXT_CONTRAST)
    if high_contrast or (high_contrast is None and is_high_contrast(palette)):
        # Only the user's colours: the meaning is carried by the words ("Needs attention:") and by borders.
        return Semantic(
            window=window,
            base=base,
            text=text,
            help=text,
            error=text,
            warning=text,
            note=text,
            read_only_text=text,
            read_only_background=window,
            guidance_background=window,
            guidance_border=text,
            info_background=window,
            info_border=text,
            banner_error_background=window,
            banner_error_text=text,
            banner_info_background=window,
            banner_info_text=text,
            focus=focus,
            field_border=text,
            series=(readable(highlight, [base], NON_TEXT_CONTRAST), text),
            grid=mix(text, base, 0.6),
            high_contrast=True,
        )
    dark = is_dark(window)
    help_colour = readable(mix(text, window, 0.4), grounds)
    guidance = tint(window, AMBER, text, 0.22 if dark else 0.16)
    info = tint(window, BLUE, text, 0.22 if dark else 0.1)
    banner_error = tint(window, ERROR_HUE, text, 0.25 if dark else 0.1)
    banner_info = tint(window, AMBER, text, 0.22 if dark else 0.2)
    return Semantic(
        window=window,
        base=base,
        text=text,
        help=help_colour,
        error=readable(ERROR_HUE, grounds),
        warning=readable(WARNING_HUE, grounds),
        note=readable(NOTE_HUE, grounds),
        read_only_text=readable(mix(text, window, 0.3), [window]),
        read_only_background=window,
        guidance_background=guidance,
        guidance_border=readable(AMBER, [window, guidance], NON_TEXT_CONTRAST),
        info_background=info,
        info_border=readable(BLUE, [window, info], NON_TEXT_CONTRAST),
        banner_error_background=banner_error,
        banner_error_text=readable(ERROR_HUE, [banner_error]),
        banner_info_background=banner_info,
        banner_info_text=readable(WARNING_HUE, [banner_info]),
        focus=focus,
        field_border=readable(mix(text, window, 0.5), grounds, NON_TEXT_CONTRAST),
        series=(
            readable(SERIES_HUES[0], [base], NON_TEXT_CONTRAST),
            readable(SERIES_HUES[1], [base], NON_TEXT_CONTRAST),
        ),
        grid=mix(text, base, 0.82),
        high_contrast=False,
    )


def _palette(colours: dict[Role, str], disabled_text: str) -> QPalette:
    p = QPalette()
    for role, value in colours.items():
        p.setColor(role, QColor(value))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return p


def light_palette() -> QPalette:
    """Fusion's light palette (what most Linux desktops and the offscreen tests show)."""
    return _palette(
        {
            Role.Window: "#efefef",
            Role.WindowText: "#000000",
            Role.Base: "#ffffff",
            Role.AlternateBase: "#f7f7f7",
            Role.Text: "#000000",
            Role.Button: "#efefef",
            Role.ButtonText: "#000000",
            Role.BrightText: "#ffffff",
            Role.Highlight: "#308cc6",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#0000ff",
            Role.ToolTipBase: "#ffffdc",
            Role.ToolTipText: "#000000",
            Role.PlaceholderText: "#6b6b6b",
            Role.Light: "#ffffff",
            Role.Midlight: "#cacaca",
            Role.Mid: "#b8b8b8",
            Role.Dark: "#9f9f9f",
            Role.Shadow: "#767676",
        },
        "#8a8a8a",
    )


def dark_palette() -> QPalette:
    """A dark palette in the manner of Windows' and GNOME's dark modes, used when the system asks for dark
    colours and the style's own palette stays light (Fusion on many Linux desktops)."""
    return _palette(
        {
            Role.Window: "#202124",
            Role.WindowText: "#e8e8e8",
            Role.Base: "#2b2c30",
            Role.AlternateBase: "#323338",
            Role.Text: "#e8e8e8",
            Role.Button: "#2f3035",
            Role.ButtonText: "#e8e8e8",
            Role.BrightText: "#ffffff",
            Role.Highlight: "#3d8fd1",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#8ab4f8",
            Role.ToolTipBase: "#3a3b40",
            Role.ToolTipText: "#e8e8e8",
            Role.PlaceholderText: "#a0a0a0",
            Role.Light: "#4a4b50",
            Role.Midlight: "#3a3b40",
            Role.Mid: "#2a2b2f",
            Role.Dark: "#151618",
            Role.Shadow: "#000000",
        },
        "#8c8c8c",
    )


def high_contrast_palette() -> QPalette:
    """Windows' "High Contrast Black" (now "Night sky") colours."""
    return _palette(
        {
            Role.Window: "#000000",
            Role.WindowText: "#ffffff",
            Role.Base: "#000000",
            Role.AlternateBase: "#000000",
            Role.Text: "#ffffff",
            Role.Button: "#000000",
            Role.ButtonText: "#ffffff",
            Role.BrightText: "#ffffff",
            Role.Highlight: "#1aebff",
            Role.HighlightedText: "#000000",
            Role.Link: "#ffff00",
            Role.ToolTipBase: "#000000",
            Role.ToolTipText: "#ffffff",
            Role.PlaceholderText: "#c0c0c0",
            Role.Light: "#ffffff",
            Role.Midlight: "#ffffff",
            Role.Mid: "#ffffff",
            Role.Dark: "#ffffff",
            Role.Shadow: "#ffffff",
        },
        "#3ff23f",
    )
