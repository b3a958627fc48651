"""What a screen reader gets from the real form: on every page each Tab stop has a name of its own, help
text is the description, the Tab order is the reading order; the banner, "Saved" and "Complete" are
announced."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget

from cpchair.gui import a11y
from cpchair.gui.form.rows import TableItem
from cpchair.services import conferences


def spoken_name(w: QWidget) -> str:
    """The name a screen reader reads when none was set: the accessible interface's (a button's text)."""
    return QAccessible.queryAccessibleInterface(w).text(QAccessible.Text.Name)


def page_stops(ed, page: int) -> list[QWidget]:
    host = ed.stack.widget(page)
    return [w for w in ed.focus_chain() if host.isAncestorOf(w)]


def all_inputs(ed):
    for row in ed.rows.values():
        yield row.input
    for group in ed.groups.values():
        for item in group.items:
            for row in item.rows.values():
                yield row.input


def crowded_form(window):
    """Two children, two adults, two agencies and an escalation: every repeated question twice."""
    window.new_conference()
    ed = window.conference_view.editor
    ed.groups["children"].add_item(conferences.blank_child())
    for _ in range(2):
        ed.groups["adults"].add_item(conferences.blank_adult())
    agencies = ed.groups["agencies"]
    for _ in range(2):
        agencies.picker.setCurrentIndex(0)
        agencies.add.click()
    ed.groups["escalations"].add_item(conferences.blank_escalation())
    return ed


def test_every_tab_stop_on_every_page_has_a_name_of_its_own(qtbot, main_window):
    ed = crowded_form(main_window)
    for page in range(ed.stack.count()):
        names = [w.accessibleName() or spoken_name(w) for w in page_stops(ed, page)]
        assert all(n.strip() for n in names), (page, names)
        repeated = {n for n in names if names.count(n) > 1}
        assert not repeated, (ed.q.sections[page].title, repeated)
    child2 = ed.groups["children"].items[1]
    assert child2.rows["case_ref"].input.edit.accessibleName() == "Child 2 case reference"
    assert child2.rows["unborn"].input.box.accessibleName() == "Child 2 unborn"
    adult1 = ed.groups["adults"].items[0]
    assert adult1.rows["engaged_agencies"].input.boxes["gp"].accessibleName() == "Adult 1 engaging with: GP"
    assert adult1.rows["invited"].input.box.accessibleName() == "Adult 1 invited"
    first_agency = ed.groups["agencies"].items[0]
    assert isinstance(first_agency, TableItem)
    agency = first_agency.fixed_label.text()
    assert first_agency.rows["attendance"].input.combo.accessibleName() == f"{agency} attendance"
    assert ed.rows["conference_date"].input.edit.accessibleName() == "Conference date"
    guidance = ed.groups["children"].items[0].extras["category"]
    assert guidance.buttons["confirmed"].accessibleName() == "Confirm emotional abuse for child 1"


def test_help_text_is_the_description_and_a_problem_is_read_before_it(qtbot, main_window):
    ed = crowded_form(main_window)
    described = 0
    for field_input in all_inputs(ed):
        for w in field_input.focus_widgets():
            assert w.accessibleDescription() == (field_input.field.help or ""), w.objectName()
            described += bool(field_input.field.help)
    assert described > 5
    ed.show_page(0)
    edit = ed.rows["family_ref"].input.edit
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(edit, "F")
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # left blank after a change: the problem is shown and described
    problem = ed.visible_problems()["family_ref"][0]
    assert edit.accessibleDescription() == f"{problem} {ed.rows['family_ref'].field.help}"


def test_tab_follows_the_reading_order_on_every_page(qtbot, main_window):
    ed = crowded_form(main_window)
    for page in range(ed.stack.count()):
        ed.show_page(page)
        expected = [
            w
            for w in page_stops(ed, page)
            if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        ed.pages.setFocus(Qt.FocusReason.TabFocusReason)
        walked = []
        for _ in range(len(expected)):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            walked.append(QApplication.focusWidget())
        assert [w.objectName() for w in walked] == [w.objectName() for w in expected], ed.q.sections[page].title


def test_the_banner_saved_and_complete_are_announced(qtbot, main_window):
    from tests.gui.test_form_editor import fill_valid_conference

    window = main_window
    window.new_conference()
    ed = window.conference_view.editor
    a11y.RECENT.clear()
    ed.mark_complete()
    text, assertive = a11y.RECENT[-1]
    assert text == ed.banner.text() and "need attention" in text and assertive
    combo = ed.rows["conference_type"].input.combo
    combo.setCurrentIndex(combo.findData("initial"))
    fill_valid_conference(qtbot, ed)
    ed.save()
    assert any(t.startswith("Saved at ") for t, _a in a11y.RECENT)
    # The banner counted the fixes down to none and says so.
    assert ed.banner.text().startswith("Every answer that needed attention is in order now")
    ed.mark_complete()
    assert a11y.RECENT[-1] == ("Complete: this conference is ready to export.", False)
    assert ed.status == conferences.COMPLETE


def test_the_banner_count_follows_the_fixes(qtbot, main_window):
    window = main_window
    window.new_conference()
    ed = window.conference_view.editor
    ed.mark_complete()
    before = int(ed.banner.text().split()[0])
    on_page = int(ed.pages.item(0).text().rsplit("(", 1)[1].split()[0])
    assert QApplication.focusWidget() is ed.rows["family_ref"].input.edit  # the first problem in reading order
    qtbot.keyClicks(ed.rows["family_ref"].input.edit, "FAM-1")
    assert ed.banner.text().startswith(f"{before - 1} answers need attention")
    assert ed.pages.item(0).text().endswith(f"({on_page - 1} to fix)")
