"""Help: F1 opens the user guides (the Markdown of docs/, with their screenshots), and Help > Keyboard shortcuts
lists the keys read from the window's own actions."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QTextDocument
from PySide6.QtWidgets import QApplication, QDialog

from cpchair import paths
from cpchair.gui.dialogs.help import GuideDialog, ShortcutsDialog, shortcut_rows
from cpchair.gui.form.editor import PAGE_SHORTCUTS


def _when_shown(kind, seen: list) -> None:
    """Record the modal dialog of ``kind`` once it is up, then close it."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            seen.append(dialog)
            dialog.reject()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def test_f1_opens_the_chairs_guide_with_its_screenshots(qtbot, main_window):
    seen: list[GuideDialog] = []
    _when_shown(GuideDialog, seen)
    main_window.activateWindow()
    qtbot.waitActive(main_window)
    qtbot.keyClick(main_window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(seen))
    dialog = seen[0]
    chair = dialog.browsers["chair"]
    assert dialog.tabs.currentWidget() is chair
    text = chair.toPlainText()
    assert "cpchair: a guide for chairs" in text and "Mark complete" in text
    assert "Merging the exports" in dialog.browsers["coordinator"].toPlainText()
    # Every picture the guides show exists, and the browser found it (an image it cannot load has no size).
    for browser in dialog.browsers.values():
        html = browser.toHtml()
        images = [part.split('"')[0] for part in html.split('<img src="')[1:]]
        assert images, "the guide shows no screenshot"
        for name in images:
            assert (paths.docs_dir() / name).is_file(), name
            loaded = browser.loadResource(QTextDocument.ResourceType.ImageResource, browser.source().resolved(name))
            assert len(loaded) > 1000, name  # the PNG's bytes


def test_a_coordinator_sees_the_coordinators_guide_first(qtbot, main_window):
    main_window.role = "coordinator"
    dialog = GuideDialog(main_window, start="coordinator")
    qtbot.addWidget(dialog)
    assert dialog.tabs.currentWidget() is dialog.browsers["coordinator"]


def test_the_guide_says_so_when_the_docs_are_not_installed(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "docs_dir", lambda: tmp_path)
    dialog = GuideDialog()
    qtbot.addWidget(dialog)
    assert "was not installed with this copy" in dialog.browsers["chair"].toPlainText()


def test_the_shortcut_list_is_every_menu_shortcut_and_the_questionnaires(main_window):
    rows = shortcut_rows(main_window)
    listed = {(what, keys) for _where, what, keys in rows}
    actions = [a for a in main_window.findChildren(QAction) if a.shortcuts() and a.menu() is None]
    assert actions
    for action in actions:
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        assert (action.text().replace("&", "").rstrip("…"), keys) in listed, action.text()
    # the minutes preview's zoom keys are listed even before its page was first opened
    assert ("Minutes preview", "Zoom in", "Ctrl++, Ctrl+=") in rows and (
        "Minutes preview",
        "Fit width",
        "Ctrl+0",
    ) in rows
    for keys, what in PAGE_SHORTCUTS:
        assert ("Questionnaire", what, QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)) in rows
    assert ("Help", "User guide", "F1") in rows
    assert ("File", "New conference", "Ctrl+N") in rows


def test_the_minutes_zoom_keys_are_listed_as_the_preview_has_them(qtbot, main_window, db):
    from cpchair.gui.minutes.page import MinutesPage

    page = MinutesPage(db)
    qtbot.addWidget(page)
    rows = shortcut_rows(main_window)
    assert len(page.zoom.actions) == 3
    for action in page.zoom.actions.values():
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        assert ("Minutes preview", action.text(), keys) in rows


def test_a_new_action_appears_in_the_list_without_editing_it(main_window):
    action = QAction("&Frobnicate", main_window)
    action.setShortcut(QKeySequence("Ctrl+Alt+J"))
    main_window.menuBar().actions()[0].menu().addAction(action)
    assert ("File", "Frobnicate", "Ctrl+Alt+J") in shortcut_rows(main_window)


def test_help_keyboard_shortcuts_opens_the_table(qtbot, main_window):
    seen: list[ShortcutsDialog] = []
    _when_shown(ShortcutsDialog, seen)
    main_window.actions.shortcuts_action.trigger()
    dialog = seen[0]
    table = dialog.table
    assert table.rowCount() == len(shortcut_rows(main_window))
    cells = {(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())}
    assert ("Save", "Ctrl+S") in cells and ("Next page of the questionnaire", "Ctrl+PgDown") in cells
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_help_menu_holds_guide_shortcuts_and_about(main_window):
    help_menu = next(a.menu() for a in main_window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in help_menu.actions() if not a.isSeparator()]
    assert texts == ["&User guide", "&Keyboard shortcuts", "&About cpchair"]


def test_the_application_has_its_icon(qapp):
    from cpchair.gui.app import make_application

    assert not make_application().windowIcon().isNull()
