"""Every QAction of the main window, its menus and its toolbar, in one place.

Actions do nothing themselves: each emits a request signal (``new_conference``, ``save``, ...) that the
main window wires to its handlers in one block. So a shortcut, a menu item and a toolbar button can never
disagree, and tests can trigger a request without hunting for a widget.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStyle, QToolBar

PAGES = (
    ("conferences", "&Conferences", "Ctrl+1"),
    ("caseload", "Case&load", "Ctrl+2"),
    ("coordinator", "Coordinator &workspace", "Ctrl+3"),
)


class Actions(QObject):
    new_conference = Signal()
    save = Signal()
    delete_conference = Signal()
    sync_now = Signal()
    settings = Signal()
    import_key = Signal()
    restore_backup = Signal()
    remove_sample = Signal()
    about = Signal()
    guide = Signal()
    shortcuts = Signal()
    quit = Signal()
    show_page = Signal(str)
    find = Signal()
    audit_log = Signal()
    retention = Signal()
    colours = Signal(str)  # a theme mode: system, light, dark, high_contrast

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        style = window.style()

        def make(text: str, signal, shortcut=None, tip: str = "", icon=None) -> QAction:
            action = QAction(text, window)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(tip)
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            action.triggered.connect(lambda _checked=False: signal.emit())
            return action

        sp = QStyle.StandardPixmap
        self.new_action = make(
            "&New conference",
            self.new_conference,
            QKeySequence.StandardKey.New,
            "Start a new conference questionnaire (Ctrl+N)",
            sp.SP_FileIcon,
        )
        self.save_action = make(
            "&Save",
            self.save,
            QKeySequence.StandardKey.Save,
            "Save the open conference now (Ctrl+S)",
            sp.SP_DialogSaveButton,
        )
        self.delete_action = make(
            "&Delete conference…",
            self.delete_conference,
            None,
            "Delete the open or selected conference",
            sp.SP_TrashIcon,
        )
        self.sync_action = make(
            "S&ync now",
            self.sync_now,
            "Ctrl+Shift+Y",
            "Export completed conferences to the shared folder now",
            sp.SP_BrowserReload,
        )
        self.settings_action = make(
            "Se&ttings…",
            self.settings,
            QKeySequence.StandardKey.Preferences,
            "Your name, the service, the shared folder",
        )
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.import_key_action = make(
            "&Import pseudonymisation key…", self.import_key, None, "Install the key file your coordinator sent you"
        )
        self.retention_action = make(
            "Remove &old personal details…",
            self.retention,
            None,
            "See, and remove, names and minutes kept past the retention period",
        )
        self.audit_log_action = make("&Audit log…", self.audit_log, None, "Who did what, and when (read-only)")
        self.restore_action = make(
            "&Restore from backup…", self.restore_backup, None, "Replace the database with one of its backups"
        )
        self.remove_sample_action = make(
            "Remove sample d&ata…",
            self.remove_sample,
            None,
            "Delete the demo's sample conferences and key, leaving a clean installation for real work",
        )
        self.about_action = make("&About cpchair", self.about)
        self.guide_action = make(
            "&User guide", self.guide, QKeySequence.StandardKey.HelpContents, "How to use cpchair (F1)"
        )
        if self.guide_action.shortcut().isEmpty():
            self.guide_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action = make("&Keyboard shortcuts", self.shortcuts, None, "Every keyboard shortcut")
        self.quit_action = make("&Quit", self.quit, QKeySequence.StandardKey.Quit, "Save everything and close")
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)

        self.find_action = make(
            "&Find conference…", self.find, QKeySequence.StandardKey.Find, "Search by family reference or name"
        )
        self.page_actions: dict[str, QAction] = {}
        for key, text, shortcut in PAGES:
            action = QAction(text, window)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page.emit(k))
            self.page_actions[key] = action

        from cpchair.gui import theme

        self.colour_group = QActionGroup(window)
        self.colour_actions: dict[str, QAction] = {}
        for mode, text in theme.MODES.items():
            action = QAction(text, window, checkable=True)
            action.setStatusTip("Colours for the whole window; the system's follow its light, dark or contrast mode")
            action.triggered.connect(lambda _checked=False, m=mode: self.colours.emit(m))
            self.colour_group.addAction(action)
            self.colour_actions[mode] = action

        self._build_menus(window)
        self.toolbar = self._build_toolbar(window)

    def _build_menus(self, window: QMainWindow) -> None:
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.delete_action)
        file_menu.addSeparator()
        file_menu.addAction(self.sync_action)
        file_menu.addAction(self.import_key_action)
        file_menu.addAction(self.retention_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.remove_sample_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("&View")
        for action in self.page_actions.values():
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.audit_log_action)
        view_menu.addSeparator()
        colours = view_menu.addMenu("C&olours")
        for action in self.colour_actions.values():
            colours.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_toolbar(self, window: QMainWindow) -> QToolBar:
        toolbar = QToolBar("Main toolbar", window)
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.save_action, self.sync_action):
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", ""))
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        return toolbar

    def set_conference_open(self, is_open: bool) -> None:
        """Save only makes sense while a conference is shown."""
        self.save_action.setEnabled(is_open)
