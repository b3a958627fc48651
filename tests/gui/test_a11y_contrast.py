"""Contrast, measured on the real window in light, dark and high-contrast colours: help text, errors,
warnings, the "stays on this computer" note, read-only fields, guidance boxes and the banner keep 4.5:1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from cpchair.gui import palette, theme
from cpchair.gui.form.rows import LOCAL_NOTE
from tests.gui.a11y_helpers import MODES, rect_in, rendered_colours, window_image

TEXT = palette.TEXT_CONTRAST


def _form_showing_every_kind_of_text(qtbot, window):
    """A conference whose form shows help, notes, an error, a warning, a read-only date, both guidance boxes
    and the banner, the way a chair gets them."""
    window.new_conference()
    ed = window.conference_view.editor
    qtbot.keyClicks(ed.rows["conference_date"].input.edit, "25/12/2025")  # a bank holiday: a warning
    ed.rows["issues"].input.set_value(["domestic_abuse", "parental_mental_health"])
    children = ed.groups["children"]
    children.add_item({})
    for item, category in zip(children.items, ("emotional", "neglect"), strict=True):
        item.rows["decision"].input.combo.setCurrentIndex(item.rows["decision"].input.combo.findData("plan_started"))
        item.rows["category"].input.combo.setCurrentIndex(item.rows["category"].input.combo.findData(category))
    ed.mark_complete()  # fails: every missing answer is reported, the banner says how many
    return ed


def _ratio(image, window, widget) -> tuple[float, float]:
    """(contrast of the widget's own text colour, contrast of the darkest/lightest ink drawn) against the
    background actually drawn behind it."""
    ink, background = rendered_colours(image, rect_in(window, widget))
    declared = widget.palette().color(widget.foregroundRole())
    return palette.contrast(declared, background), palette.contrast(ink, background)


def test_every_kind_of_form_text_keeps_4_5_to_1(qtbot, main_window, colour_mode):
    window = main_window
    ed = _form_showing_every_kind_of_text(qtbot, window)
    assert QApplication.palette().color(QPalette.ColorRole.Window) == theme.colours().window
    date_row = ed.rows["conference_date"]
    assert date_row.problem.text().startswith("Check: ")  # the bank-holiday warning
    family = ed.rows["family_ref"]
    texts = {
        "help": family.help,
        "note": next(lbl for lbl in family.findChildren(QLabel) if lbl.text() == LOCAL_NOTE),
        "error": family.problem,
        "warning": date_row.problem,
        "banner": ed.banner,
    }
    assert theme.tone(family.problem) == "error" and theme.tone(date_row.problem) == "warning"
    assert theme.tone(ed.banner) == "banner-error" and "answers need attention" in ed.banner.text()
    ed.show_page(0)
    qtbot.wait(10)
    image = window_image(window)
    for what, widget in texts.items():
        assert widget.isVisible(), what
        declared, drawn = _ratio(image, window, widget)
        assert declared >= TEXT, (colour_mode, what, declared)
        assert drawn >= TEXT, (colour_mode, what, drawn)

    ed.show_page(1)
    first, second = ed.groups["children"].items
    start = first.rows["plan_start_date"].input.edit
    assert start.isReadOnly() and theme.tone(start) == "read-only" and start.text() == "25/12/2025"
    guidance = first.extras["category"]
    neglect = second.extras["category"]
    for what, widget, scroll_to in (
        ("read-only date", start, start),
        ("guidance box text", guidance.ea_text, guidance.ea),
        ("guidance box answer", guidance.answer, guidance.ea),
        ("neglect definition", neglect.neglect.findChildren(QLabel)[1], neglect.neglect),
    ):
        ed.scrolls[1].ensureWidgetVisible(scroll_to, 10, 10)
        qtbot.wait(10)
        assert widget.isVisible(), what
        image = window_image(window)
        declared, drawn = _ratio(image, window, widget)
        assert declared >= TEXT, (colour_mode, what, declared)
        assert drawn >= TEXT, (colour_mode, what, drawn)


@pytest.mark.parametrize("mode", MODES)
def test_the_derived_colours_keep_their_ratios_in_each_palette(mode):
    """Every text colour against the background it is drawn on; the focus ring and the field borders
    against the window and the fields (3:1)."""
    make = {"light": palette.light_palette, "dark": palette.dark_palette}
    c = palette.semantic(make.get(mode, palette.high_contrast_palette)())
    for name in ("help", "error", "warning", "note", "text"):
        for ground in ("window", "base"):
            assert palette.contrast(getattr(c, name), getattr(c, ground)) >= TEXT, (mode, name, ground)
    pairs = (
        ("read_only_text", "read_only_background"),
        ("text", "guidance_background"),
        ("text", "info_background"),
        ("banner_error_text", "banner_error_background"),
        ("banner_info_text", "banner_info_background"),
    )
    for fg, bg in pairs:
        assert palette.contrast(getattr(c, fg), getattr(c, bg)) >= TEXT, (mode, fg, bg)
    for mark in ("focus", "field_border", "guidance_border", "info_border"):
        assert palette.contrast(getattr(c, mark), c.window) >= palette.NON_TEXT_CONTRAST, (mode, mark)
    assert c.high_contrast == (mode == "high_contrast")


def test_following_the_system_re_derives_the_colours_when_it_turns_dark(qtbot, main_window):
    window = main_window
    window.new_conference()
    help_label = window.conference_view.editor.rows["family_ref"].help
    theme.set_mode("system")
    light_help = help_label.palette().color(help_label.foregroundRole())
    hints = QApplication.styleHints()
    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what the platform sends when the user switches
        qtbot.wait(10)
        assert palette.is_dark(QApplication.palette().color(QPalette.ColorRole.Window))
        dark_help = help_label.palette().color(help_label.foregroundRole())
        assert dark_help != light_help
        assert palette.contrast(dark_help, QApplication.palette().color(QPalette.ColorRole.Window)) >= TEXT
        assert theme.colours().help.name() == dark_help.name()
    finally:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not palette.is_dark(QApplication.palette().color(QPalette.ColorRole.Window))
    assert help_label.palette().color(help_label.foregroundRole()) == light_help


def test_view_colours_switches_and_is_remembered(qtbot, main_window, db):
    from cpchair import settings

    window = main_window
    try:
        window.actions.colour_actions["dark"].trigger()
        assert palette.is_dark(QApplication.palette().color(QPalette.ColorRole.Window))
        assert window.actions.colour_actions["dark"].isChecked()
        with db.session() as s:
            assert settings.get(s, "colours") == "dark"
        window.actions.colour_actions["high_contrast"].trigger()
        assert theme.colours().high_contrast
    finally:
        window.set_colours("system")
    with db.session() as s:
        assert settings.get(s, "colours") == "system"
    assert not theme.colours().high_contrast
