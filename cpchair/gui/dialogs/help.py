"""Help: the user guides (F1) and the list of keyboard shortcuts.

Why the guides are the Markdown files of ``docs/`` shown in a QTextBrowser: one text serves the repository,
the application and the bundle (which carries ``docs/``), and it works offline, as a council laptop often is.
Why the shortcut list is read from the window's own QActions (and the questionnaire's page keys from the
editor's table): a list typed by hand would drift from the keys that actually work.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cpchair import paths

GUIDES = (
    ("chair", "Guide for &chairs", "guide-chair.md"),
    ("coordinator", "Guide for c&oordinators", "guide-coordinator.md"),
)
MISSING = (
    "<p>The user guide was not installed with this copy of cpchair. It is in the <code>docs</code> folder of "
    "the cpchair source, or ask your IT support for the installer, which includes it.</p>"
)


#: screenshots are taken at 1280 px wide; shown at this width they fit the dialog without scrolling sideways
IMAGE_WIDTH = 720


def fit_images(document: QTextDocument, width: int) -> None:
    """Show every image at ``width`` pixels wide (the height follows), as Markdown cannot say how wide."""
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                image = fragment.charFormat().toImageFormat()
                image.setWidth(width)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            it += 1
        block = block.next()


def _plain(text: str) -> str:
    return text.replace("&", "")


class GuideDialog(QDialog):
    """The chair's and the coordinator's guides, one tab each, with their screenshots and links."""

    def __init__(self, parent: QWidget | None = None, *, start: str = "chair") -> None:
        super().__init__(parent)
        self.setWindowTitle("cpchair user guide")
        self.tabs = QTabWidget()
        self.browsers: dict[str, QTextBrowser] = {}
        for key, title, name in GUIDES:
            browser = QTextBrowser()
            browser.setAccessibleName(_plain(title))
            browser.setOpenExternalLinks(True)
            path = paths.docs_dir() / name
            if path.is_file():
                browser.setSearchPaths([str(path.parent)])
                browser.setSource(QUrl.fromLocalFile(str(path)))  # .md: Qt reads it as Markdown
                fit_images(browser.document(), IMAGE_WIDTH)
            else:
                browser.setHtml(MISSING)
            self.browsers[key] = browser
            self.tabs.addTab(browser, title)
        self.tabs.setCurrentWidget(self.browsers.get(start, self.browsers["chair"]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(900, 700)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, what, keys) for every menu action with a shortcut, in menu order, then the questionnaire's and
    the minutes preview's."""
    from cpchair.gui.form.editor import PAGE_SHORTCUTS
    from cpchair.gui.minutes.zoom import zoom_shortcuts

    rows: list[tuple[str, str, str]] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if isinstance(action, QAction) and not action.isSeparator() and action.shortcuts():
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
                rows.append((_plain(menu_action.text()), _plain(action.text()).rstrip("…"), keys))
    for keys, what in PAGE_SHORTCUTS:
        rows.append(("Questionnaire", what, QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)))
    for _name, what, sequences in zoom_shortcuts():
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in sequences)
        rows.append(("Minutes preview", what, keys))
    return rows


class ShortcutsDialog(QDialog):
    """A table of every keyboard shortcut, read from the window's actions when it opens."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 480)
