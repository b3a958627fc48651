"""One conference: a heading that says which family and date, and tabs for the questionnaire and minutes.

The editor and the minutes page are built once and re-loaded for each conference (building the form is
the slow part); this page is itself built only when the first conference is opened, so start-up does
not pay for them.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.errors import NotFound
from cpchair.gui.form import save_guard
from cpchair.gui.form.editor import ConferenceEditor
from cpchair.gui.minutes.page import MinutesPage
from cpchair.gui.models.conference_table import status_text
from cpchair.services import conferences as svc
from cpchair.services import pseudonym

QUESTIONNAIRE_TAB, MINUTES_TAB = 0, 1


def heading_for(detail: svc.ConferenceDetail) -> tuple[str, str]:
    """(title, subtitle) naming the conference the way a chair would: family, then type and date."""
    a = detail.answers
    ref = a.get("family_ref") or ""
    if ref.startswith(pseudonym.REMOVED_PREFIX):  # the retention rules removed the names and references
        ref = "Personal details removed"
    family = " – ".join(p for p in (ref, a.get("family_name") or "") if p)
    title = family or "New conference"
    ctype = load().label("conference_type", a.get("conference_type")) or "Type not set"
    conf = a.get("conference_date")
    when = dates.format_uk(dates.parse_iso(conf)) if conf else "no date yet"
    return title, f"{ctype}, {when} · {status_text(detail.status)} · revision {detail.revision}"


class ConferenceView(QWidget):
    back_requested = Signal()

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.conference_id: str | None = None
        self.back_button = QPushButton("← &All conferences")
        self.back_button.setAccessibleName("Back to the conference list")
        self.back_button.setToolTip("Back to the conference list (Ctrl+1)")
        self.title_label = QLabel()
        self.title_label.setAccessibleName("Conference")
        self.subtitle_label = QLabel()
        self.editor = ConferenceEditor(db, self)
        self.minutes = MinutesPage(db, self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.editor, "&Questionnaire")
        self.tabs.addTab(self.minutes, "M&inutes")

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(12)
        top.addWidget(self.title_label)
        top.addSpacing(8)
        top.addWidget(self.subtitle_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._minutes_current = False  # whether the minutes page shows this conference's latest answers
        # Tab: back, the tabs, then the questionnaire's sections list (then its fields, in reading order).
        QWidget.setTabOrder(self.back_button, self.tabs.tabBar())
        QWidget.setTabOrder(self.tabs.tabBar(), self.editor.pages)
        self.back_button.clicked.connect(self.back_requested)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.editor.saved.connect(self._answers_saved)

    def settle(self, doing: str) -> bool:
        """Save both tabs; while that fails, ask the chair (Try again / Keep editing / Discard). False: the
        chair keeps editing, so nothing may replace what is on screen."""
        if not self.conference_id:
            return True
        return save_guard.settle(self, [self.editor, self.minutes], doing)

    def has_unsaved(self) -> bool:
        return self.editor.has_unsaved() or self.minutes.has_unsaved()

    def load(self, conference_id: str) -> bool:
        """Show a conference. Unsaved changes to the one shown are saved first, or the chair is asked; False
        when the chair kept editing (the view still shows the previous conference, with its changes)."""
        if not self.settle("open the other conference"):
            return False
        self.conference_id = conference_id
        self._minutes_current = False
        self.refresh_heading()
        self.editor.load(conference_id)
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(QUESTIONNAIRE_TAB)
        self.tabs.blockSignals(False)
        return True

    def _answers_saved(self, _conference_id: str) -> None:
        self._minutes_current = False

    def _tab_changed(self, index: int) -> None:
        """The minutes are loaded when their tab is shown (their preview is a PDF, costly to render), and
        again after the questionnaire changed, since they quote it."""
        if index == MINUTES_TAB and self.conference_id and not self._minutes_current:
            # the minutes quote the questionnaire: unsaved answers would show stale minutes, so ask first
            if not self.settle("show the minutes"):
                self.tabs.blockSignals(True)
                self.tabs.setCurrentIndex(QUESTIONNAIRE_TAB)
                self.tabs.blockSignals(False)
                return
            if self.minutes.load(self.conference_id) is not False:  # False: its unsaved text was kept
                self._minutes_current = True

    def refresh_heading(self) -> None:
        if not self.conference_id:
            return
        try:
            with self.db.session() as s:
                detail = svc.get(s, self.conference_id)
        except NotFound:
            self.title_label.setText("<h2>This conference was deleted</h2>")
            self.subtitle_label.setText("")
            return
        title, subtitle = heading_for(detail)
        self.title_label.setText(f"<b style='font-size:large'>{escape(title)}</b>")
        self.subtitle_label.setText(escape(subtitle))

    def flush(self) -> None:
        """Save anything pending in either tab (before closing, switching or deleting)."""
        if self.conference_id:
            self.editor.flush()
            self.minutes.flush()

    def clear(self) -> None:
        """The conference shown was deleted (the chair confirmed): nothing of it is left to save."""
        self.conference_id = None
        for editor in (self.editor, self.minutes):
            if editor.has_unsaved():
                editor.discard_changes()
