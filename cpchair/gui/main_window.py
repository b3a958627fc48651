"""The chair's main window: navigation between the conference list, the caseload and the coordinator's
workspace, a view of one conference (questionnaire and minutes), and the sync panel in the status bar.

Only the conference list is built at start-up. The caseload, the conference view (the form is the heavy
part) and the coordinator's workspace (charts) are built the first time they are shown, so opening the
window costs about the same with 20 conferences or 20,000.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from cpchair import settings
from cpchair.domain import dates
from cpchair.errors import CpchairError
from cpchair.gui import prompts, theme
from cpchair.gui.actions import Actions
from cpchair.gui.pages.conference_list import ConferenceListPage
from cpchair.gui.sync.panel import SyncPanel
from cpchair.services import conferences as svc
from cpchair.storage.db import describe_error

NAV = (("conferences", "Conferences"), ("caseload", "Caseload"), ("coordinator", "Coordinator"))


class MainWindow(QMainWindow):
    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today
        self.caseload_page = None
        self.coordinator_page = None
        self.store = None  # the merged store, opened with the coordinator's page (PostgreSQL or self.db)
        self.conference_view = None
        self._list_stale = False
        self._shown_once = False
        with db.session() as s:
            self.chair_name = settings.get(s, "chair_name")
            self.role = settings.get(s, "role")
            colours = settings.get(s, "colours")
            s.commit()
        theme.install()
        if colours != theme.mode() and colours in theme.MODES:
            theme.set_mode(colours)

        self.actions = Actions(self)
        self.actions.colour_actions[theme.mode()].setChecked(True)
        self.nav = QListWidget()
        self.nav.setAccessibleName("Pages")
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(0, 0))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for key, text in NAV:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(140, 36))
            self.nav.addItem(item)
        self.nav.item(2).setHidden(self.role != "coordinator")
        self.stack = QStackedWidget()
        self.list_page = ConferenceListPage(db, today=today)
        self.stack.addWidget(self.list_page)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.nav, self.list_page.search_edit)

        self.sync_panel = SyncPanel(db, self)
        self.statusBar().addPermanentWidget(self.sync_panel)
        self.actions.set_conference_open(False)
        self.nav.setCurrentRow(0)
        self.update_title()
        self.resize(1366, 768)

        # --- wiring: every request from the actions and the pages, in one block ------------------------
        a = self.actions
        a.new_conference.connect(self.new_conference)
        a.save.connect(self.save)
        a.delete_conference.connect(self.delete_conference)
        a.sync_now.connect(self.sync_now)
        a.settings.connect(self.open_settings)
        a.import_key.connect(self.import_key)
        a.restore_backup.connect(self.restore_backup)
        a.remove_sample.connect(self.remove_sample_data)
        a.about.connect(self.about)
        a.guide.connect(self.show_guide)
        a.shortcuts.connect(self.show_shortcuts)
        a.quit.connect(self.close)
        a.show_page.connect(self.show_page)
        a.find.connect(self.find)
        a.audit_log.connect(self.show_audit_log)
        a.retention.connect(self.review_retention)
        a.colours.connect(self.set_colours)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.list_page.open_requested.connect(self.open_conference)

    # --- pages ---------------------------------------------------------------------------------------
    def update_title(self) -> None:
        self.setWindowTitle(f"cpchair — {self.chair_name}" if self.chair_name else "cpchair")

    def current_page(self) -> str:
        w = self.stack.currentWidget()
        if w is self.list_page:
            return "conferences"
        if w is self.caseload_page:
            return "caseload"
        if w is self.coordinator_page:
            return "coordinator"
        return "conference"

    def _nav_changed(self, row: int) -> None:
        item = self.nav.item(row)
        if item is not None:
            self.show_page(item.data(Qt.ItemDataRole.UserRole))

    def _select_nav(self, key: str) -> None:
        for i in range(self.nav.count()):
            item = self.nav.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                item.setHidden(False)
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(i)
                self.nav.blockSignals(False)

    def show_page(self, key: str) -> None:
        if self.current_page() == "conference" and self.conference_view is not None:
            self.conference_view.flush()
        if key == "conferences":
            if self._list_stale:
                self._list_stale = False
                self.list_page.refresh()
            if self.conference_view is not None and self.conference_view.conference_id:
                self.list_page.select(self.conference_view.conference_id)  # back where the chair left off
            page = self.list_page
        elif key == "caseload":
            if self.caseload_page is None:
                from cpchair.gui.pages.caseload import CaseloadPage

                self.caseload_page = CaseloadPage(self.db, today=self._today)
                self.caseload_page.open_requested.connect(self.open_conference)
                self.stack.addWidget(self.caseload_page)
            self.caseload_page.refresh()
            page = self.caseload_page
        elif key == "coordinator":
            if self.coordinator_page is None:
                from cpchair.gui.app import open_store_for_gui
                from cpchair.gui.coordinator.workspace import CoordinatorWorkspace

                store = open_store_for_gui(self.db, self)
                if store is None:  # the reason was shown; stay where the coordinator was
                    self._select_nav(self.current_page())
                    return
                self.store = store
                self.coordinator_page = CoordinatorWorkspace(self.db, self, store=store, today=self._today)
                self.stack.addWidget(self.coordinator_page)
            page = self.coordinator_page
        else:
            raise ValueError(f"unknown page {key!r}")
        self._select_nav(key)
        self.stack.setCurrentWidget(page)
        if key == "conferences":
            self.list_page.view.setFocus()
        elif not self.nav.hasFocus():  # Ctrl+2/3: the keyboard goes to the page (arrows in the list stay there)
            target = page.view if key == "caseload" else page.tabs.tabBar()
            target.setFocus(Qt.FocusReason.TabFocusReason)
        self.actions.set_conference_open(False)
        self.statusBar().clearMessage()  # the editor's last word is about a conference no longer shown

    def set_colours(self, mode: str) -> None:
        """View ▸ Colours: follow the system, or light, dark or high contrast; remembered for next time."""
        theme.set_mode(mode)
        self.actions.colour_actions[mode].setChecked(True)
        with self.db.session() as s:
            settings.put(s, "colours", mode)
            s.commit()

    def find(self) -> None:
        self.show_page("conferences")
        self.list_page.search_edit.setFocus()
        self.list_page.search_edit.selectAll()

    def showEvent(self, event) -> None:
        """On the first show, put the keyboard in the list, so arrows and Enter work at once."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.list_page.view.setFocus()
            if self.role == "coordinator":
                from cpchair.gui.coordinator import preload

                preload.start_soon(self)  # so that opening the workspace does not import it on the GUI thread

    def _ensure_conference_view(self):
        if self.conference_view is None:
            from cpchair.gui.pages.conference_view import ConferenceView

            view = ConferenceView(self.db)
            view.back_requested.connect(lambda: self.show_page("conferences"))
            view.editor.saved.connect(self._editor_saved)
            view.editor.completed.connect(self._editor_completed)
            view.editor.status_changed.connect(self.statusBar().showMessage)  # stays until the next one
            view.minutes.saved.connect(lambda _id: self.show_status("Minutes saved."))
            self.stack.addWidget(view)
            self.conference_view = view
        return self.conference_view

    def open_conference(self, conference_id: str) -> None:
        view = self._ensure_conference_view()
        if not view.load(conference_id):  # unsaved changes kept: back to them, as the chair chose
            self.show_conference_view()
            return
        self._select_nav("conferences")
        self.stack.setCurrentWidget(view)
        self.actions.set_conference_open(True)
        view.tabs.currentWidget().setFocus()

    def show_conference_view(self) -> None:
        """Show the conference being edited (after the chair chose to keep editing unsaved changes)."""
        view = self._ensure_conference_view()
        self._select_nav("conferences")
        self.stack.setCurrentWidget(view)
        self.actions.set_conference_open(True)
        view.tabs.currentWidget().setFocus()

    def open_conference_id(self) -> str | None:
        if self.current_page() == "conference" and self.conference_view is not None:
            return self.conference_view.conference_id
        return None

    # --- requests ------------------------------------------------------------------------------------
    def new_conference(self) -> str | None:
        if self.conference_view is not None and not self.conference_view.settle("start a new conference"):
            self.show_conference_view()
            return None
        try:
            with self.db.session() as s:
                cid = svc.create(s)
                s.commit()
        except SQLAlchemyError as exc:
            prompts.error(self, "No new conference", f"A new conference could not be started: {describe_error(exc)}.")
            return None
        self.list_page.refresh()
        self.open_conference(cid)
        self.show_status("New conference started. It is saved as a draft as you type.")
        return cid

    def sync_now(self) -> None:
        if self.conference_view is not None:
            self.conference_view.flush()  # export what is on screen, not what was last autosaved
        self.sync_panel.request_export()

    def save(self) -> None:
        if self.open_conference_id() is None:
            return
        self.conference_view.editor.save()
        self.conference_view.refresh_heading()

    def delete_conference(self) -> None:
        cid = self.open_conference_id() or (
            self.list_page.current_id() if self.current_page() == "conferences" else None
        )
        if cid is None:
            self.show_status("Select a conference in the list, or open one, to delete it.")
            return
        if self.conference_view is not None and self.conference_view.conference_id == cid:
            self.conference_view.flush()
        try:
            with self.db.session() as s:
                detail = svc.get(s, cid)
        except CpchairError as exc:
            prompts.error(self, "Cannot delete", str(exc))
            return
        a = detail.answers
        who = " – ".join(p for p in (a.get("family_ref"), a.get("family_name")) if p) or "this family"
        when = dates.format_uk(dates.parse_iso(a.get("conference_date"))) if a.get("conference_date") else "no date"
        text = f"Delete the conference for {who} ({when}) with its questionnaire and minutes? This cannot be undone."
        if detail.status == svc.COMPLETE:
            text += " It was completed, so the deletion is also sent to your coordinator at the next sync."
        if not prompts.confirm(self, "Delete conference", text, "&Delete"):
            return
        try:
            with self.db.session() as s:
                svc.delete(s, cid)
                s.commit()
        except SQLAlchemyError as exc:
            prompts.error(self, "Not deleted", f"The conference was not deleted: {describe_error(exc)}.")
            return
        if self.conference_view is not None and self.conference_view.conference_id == cid:
            self.conference_view.clear()
        if detail.status == svc.COMPLETE:
            self.sync_panel.conference_changed(cid)
        self.list_page.refresh()
        self.show_page("conferences")
        self.show_status(f"Deleted the conference for {who}.")

    def _editor_saved(self, conference_id: str) -> None:
        self._list_stale = True
        if self.conference_view is not None:
            self.conference_view.refresh_heading()
        try:
            with self.db.session() as s:
                status = svc.get(s, conference_id).status
        except CpchairError:
            return
        if status == svc.COMPLETE:
            self.sync_panel.conference_changed(conference_id)

    def _editor_completed(self, conference_id: str) -> None:
        self._list_stale = True
        if self.conference_view is not None:
            self.conference_view.refresh_heading()
        self.sync_panel.conference_changed(conference_id)

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def open_settings(self) -> None:
        from cpchair.gui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.db, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            with self.db.session() as s:
                self.chair_name = settings.get(s, "chair_name")
            self.update_title()
            self.show_status("Settings saved.")

    def import_key(self) -> None:
        """H3's dialog installs the pseudonymisation key; imported only when asked for."""
        try:
            from cpchair.gui.sync.key_dialog import KeyImportDialog
        except ImportError:
            prompts.info(self, "Import pseudonymisation key", "Importing a key is not available in this version.")
            return
        fingerprint = KeyImportDialog.run(self.db, self)
        if fingerprint:
            self.show_status(f"Pseudonymisation key installed (fingerprint {fingerprint}).")

    def show_audit_log(self) -> None:
        from cpchair.gui.dialogs.audit_log import AuditLogDialog

        AuditLogDialog(self.db, self).exec()

    def review_retention(self) -> None:
        """Names and minutes past the retention period: shown first, removed only when the chair confirms."""
        from cpchair.gui.dialogs.retention_dialog import RetentionDialog

        if self.conference_view is not None and not self.conference_view.settle("review old personal details"):
            self.show_conference_view()
            return
        dialog = RetentionDialog(self.db, self, today=self._today)
        dialog.exec()
        if dialog.removed:
            self.list_page.refresh()
            if self.conference_view is not None and self.conference_view.conference_id in dialog.removed:
                self.conference_view.load(self.conference_view.conference_id)  # show what is left
            self.show_status(f"Removed the personal details of {len(dialog.removed)} conference(s).")

    def restore_backup(self) -> None:
        """Replace the database with a backup the user picks; what is on screen is saved first (and so kept
        in the copy set aside), and every page is read again from the restored database."""
        from sqlalchemy.exc import SQLAlchemyError

        from cpchair.services import audit
        from cpchair.storage import backups
        from cpchair.storage.migrate import ensure_schema

        if self.conference_view is not None and not self.conference_view.settle("restore a backup"):
            self.show_conference_view()
            return
        db_path = Path(self.db.engine.url.database)
        folder = backups.backups_dir(db_path)
        chosen = prompts.choose_backup(self, str(folder))
        if not chosen:
            return
        text = (
            f"Replace the database with the backup {Path(chosen).name}? Work done after that backup was made "
            "will not be in it. The database as it is now is kept in the backups folder."
        )
        if not prompts.confirm(self, "Restore from backup", text, "&Restore"):
            return
        try:
            result = backups.restore(db_path, Path(chosen))
            # a backup from before an upgrade (one is made before every migration) is brought up to this
            # release before any page reads it; the restore then goes into the restored database's audit log
            ensure_schema(self.db.engine, db_path)
            with self.db.session() as s:
                audit.record_restore(s, result.source, result.kept_aside)
                s.commit()
        except (CpchairError, OSError, SQLAlchemyError) as exc:
            prompts.error(self, "The backup could not be restored", str(exc))
            return
        self._reload_after_restore()
        kept = result.kept_aside[0].name if result.kept_aside else "nothing (there was no database)"
        prompts.info(
            self, "Backup restored", f"Restored {result.source.name}. The database as it was is kept as {kept}."
        )

    def _reload_after_restore(self) -> None:
        """Every page reads the restored database afresh: the open conference is closed, the pages built on
        demand are built again when next shown."""
        if self.conference_view is not None:
            self.conference_view.clear()
        for attr in ("caseload_page", "coordinator_page"):
            page = getattr(self, attr)
            if page is not None:
                self.stack.removeWidget(page)
                page.deleteLater()
                setattr(self, attr, None)
        self.apply_identity()
        self.list_page.refresh()
        self._list_stale = False
        self.show_page("conferences")

    def remove_sample_data(self) -> bool:
        """Delete the demo's sample conferences and key (asked first); real conferences stay."""
        from cpchair.services import sample_data

        with self.db.session() as s:
            n = sample_data.sample_count(s)
        if not n:
            prompts.info(self, "Remove sample data", "This installation holds no sample data.")
            return False
        question = (
            f"Delete the {n} sample conferences made for training, and the demo key? Conferences you entered "
            "yourself are kept. Afterwards import your coordinator's key to export real work."
        )
        if not prompts.confirm(self, "Remove sample data?", question, "&Remove sample data"):
            return False
        if self.conference_view is not None and not self.conference_view.settle("remove sample data"):
            self.show_conference_view()
            return False
        with self.db.session() as s:
            removed = sample_data.remove_sample_data(s)
            s.commit()
        if self.conference_view is not None:
            self.conference_view.clear()  # whatever it showed may have been sample data
        self.apply_identity()
        self.show_page("conferences")
        self.list_page.refresh()
        self.sync_panel.refresh()
        self.show_status(f"Removed {removed.conferences} sample conferences: this installation is ready for real work.")
        return True

    def about(self) -> None:
        from cpchair.gui.dialogs.about import show_about

        show_about(self)

    def show_guide(self) -> None:
        """Help > User guide (F1): the coordinator's guide first for a coordinator, else the chair's."""
        from cpchair.gui.dialogs.help import GuideDialog

        GuideDialog(self, start="coordinator" if self.role == "coordinator" else "chair").exec()

    def show_shortcuts(self) -> None:
        from cpchair.gui.dialogs.help import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def maybe_first_run(self) -> None:
        """On the very first start, ask who the user is (and offer sample data)."""
        with self.db.session() as s:
            done = settings.get(s, "first_run_done")
        if done:
            return
        from cpchair.gui.dialogs.first_run import FirstRunDialog, load_sample_data

        dialog = FirstRunDialog(self.db, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_identity()
        if dialog.explore:
            problem = load_sample_data(self.db, parent=self)
            if problem:
                prompts.info(self, "Sample data", problem)
            self.list_page.refresh()
            self._list_stale = False

    def apply_identity(self) -> None:
        """Re-read name and role after the first-run dialog or settings changed them."""
        with self.db.session() as s:
            self.chair_name = settings.get(s, "chair_name")
            self.role = settings.get(s, "role")
        self.update_title()
        if self.role == "coordinator":
            self.nav.item(2).setHidden(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what is on screen; while that fails, ask (Try again / Keep editing / Discard): typing is
        never dropped without the chair's answer."""
        if self.conference_view is not None and not self.conference_view.settle("close cpchair"):
            event.ignore()
            self.show_conference_view()
            return
        if self.store is not None and self.store is not self.db:
            self.store.dispose()
        event.accept()
