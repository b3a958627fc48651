"""The keyboard on the real window: no invisible Tab stop on any page, Tab leaves the tables, the search
box hands over to its results, the sections list is on the Tab path, and a focus ring of 3:1 is drawn
round whatever has the keyboard, after every page switch too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget

from cpchair.gui import focus_ring, palette, theme
from cpchair.services import conferences
from tests.gui.a11y_helpers import rect_in, window_image


def focused() -> QWidget:
    return QApplication.focusWidget()


def tab_walk(qtbot, start: QWidget, limit: int = 160) -> list[QWidget]:
    """Press Tab from ``start`` until the focus comes back to it (or ``limit`` presses)."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    visited: list[QWidget] = []
    for _ in range(limit):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        w = focused()
        if w is start:
            break
        visited.append(w)
    return visited


def assert_ring_round(window, widget: QWidget) -> None:
    """The ring is shown, encloses the widget, and is drawn in a colour of 3:1 against the window."""
    ring = focus_ring.ring()
    assert ring is not None and ring.isVisible() and ring.target is widget, widget.objectName()
    outer = rect_in(window, ring)
    assert outer.contains(rect_in(window, widget)), widget.objectName()
    image = window_image(window)
    # The ring's top edge, clipped to what the window shows (a ring partly scrolled away is still seen).
    visible = outer & rect_in(window, ring.parentWidget())
    y = visible.top() if visible.top() == outer.top() else visible.bottom()
    drawn = {image.pixel(x, y) for x in range(visible.left() + 3, visible.right() - 3)}
    focus = theme.colours().focus
    assert focus.rgb() in drawn, widget.objectName()
    assert palette.contrast(focus, theme.colours().window) >= palette.NON_TEXT_CONTRAST


def test_no_invisible_tab_stop_on_the_main_pages(qtbot, main_window):
    window = main_window
    for key in ("conferences", "caseload"):
        window.show_page(key)
        for w in tab_walk(qtbot, window.nav):
            assert w.isVisible() and w.isEnabled() and not w.size().isEmpty(), (key, w.objectName(), type(w))


def test_no_invisible_tab_stop_on_any_form_page_and_the_ring_follows(qtbot, main_window):
    window = main_window
    window.new_conference()
    ed = window.conference_view.editor
    ed.groups["children"].add_item(conferences.blank_child())
    ed.groups["adults"].add_item(conferences.blank_adult())
    kinds: set[type] = set()
    for page in range(ed.stack.count()):
        ed.show_page(page)
        walked = tab_walk(qtbot, ed.pages)
        assert walked, page
        for w in walked:
            assert w.isVisible() and w.isEnabled() and not w.size().isEmpty(), (page, w.objectName())
            kinds.add(type(w))
        for w in walked[:: max(1, len(walked) // 6)]:  # a sample of each page's stops: the ring is round it
            w.setFocus(Qt.FocusReason.TabFocusReason)
            if ed.scrolls[page].isAncestorOf(w):
                ed.scrolls[page].ensureWidgetVisible(w, 20, 20)
            qtbot.wait(1)
            assert_ring_round(window, w)
    # Line edits, tick boxes, lists, buttons and combo boxes were all visited (and ringed).
    assert {QLineEdit, QCheckBox, QPushButton} <= {k for kind in kinds for k in kind.__mro__}
    assert any(issubclass(k, QComboBox) for k in kinds)


def test_the_sections_list_is_on_the_tab_path(qtbot, main_window):
    window = main_window
    window.new_conference()
    view = window.conference_view
    walked = tab_walk(qtbot, view.back_button, limit=4)
    assert view.editor.pages in walked[:3]


def test_tab_leaves_the_tables_and_arrows_move_inside(qtbot, main_window, db):
    window = main_window
    with db.session() as s, s.begin():
        for ref in ("F-1", "F-2"):
            conferences.create(s, dict(conferences.blank_answers("initial"), family_ref=ref))
    window.list_page.refresh()
    view = window.list_page.view
    assert not view.tabKeyNavigation()
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1 and focused() is view
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert focused() is not view
    window.show_page("caseload")
    assert not window.caseload_page.view.tabKeyNavigation()
    window.caseload_page.view.setFocus()
    qtbot.keyClick(window.caseload_page.view, Qt.Key.Key_Tab)
    assert focused() is not window.caseload_page.view


def test_enter_or_down_in_the_search_goes_to_the_results(qtbot, main_window, db):
    window = main_window
    with db.session() as s, s.begin():
        for ref in ("SMITH-1", "JONES-2"):
            conferences.create(s, dict(conferences.blank_answers("initial"), family_ref=ref))
    window.list_page.refresh()
    search = window.list_page.search_edit
    window.find()
    qtbot.keyClicks(search, "smith")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert focused() is window.list_page.view
    assert window.list_page.model.rowCount() == 1
    assert window.list_page.current_id() is not None  # the first result is selected: Enter opens it
    window.find()
    qtbot.keyClicks(search, "\b\b\b\b\bjones")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert focused() is window.list_page.view
    assert window.list_page.model.summary(window.list_page.view.currentIndex().row()).family_ref == "JONES-2"


def test_after_switching_pages_the_keyboard_is_in_the_page_and_ringed(qtbot, main_window):
    window = main_window
    window.show()
    qtbot.keyClick(window.list_page.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "caseload"
    assert focused() is window.caseload_page.view
    assert_ring_round(window, focused())
    qtbot.keyClick(focused(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.list_page.view
    assert_ring_round(window, focused())
    window.new_conference()
    ed = window.conference_view.editor
    assert_ring_round(window, focused())
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert ed.stack.currentIndex() == 1
    assert focused().isVisible()
    assert_ring_round(window, focused())


def test_tick_boxes_and_radio_buttons_get_the_ring_too(qtbot, chair_settings):
    from PySide6.QtWidgets import QRadioButton

    from cpchair.gui.dialogs.first_run import FirstRunDialog

    dialog = FirstRunDialog(chair_settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    radio = dialog.findChildren(QRadioButton)[0]
    radio.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait(1)
    assert_ring_round(dialog, radio)
    dialog.close()
