"""GUI: the minutes editor and preview for one conference.

Left, the minutes' own text (meeting details, information shared, analysis, decision reasons, outline plan,
core group, distribution), saved automatically a moment after each change. Above it, read-only, what the
questionnaire already says (type, date, children and decisions, attendance, agencies, dissent, review date):
those are changed in the Questionnaire tab and never typed twice. Right, a preview of the very PDF that
"Save as PDF…" writes and "Print…" prints.

The page holds no rules: ``services.minutes`` checks and stores the text and assembles the document, and
``reports.minutes_pdf`` draws it. A text the PDF cannot print (a character no bundled font has) is
explained above the preview; what was typed is still saved.
"""

from __future__ import annotations

import contextlib
from html import escape
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from cpchair import settings
from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.errors import CpchairError, NotFound
from cpchair.gui import mnemonics, theme
from cpchair.gui.form.save_guard import retry_delay_ms
from cpchair.gui.minutes import files
from cpchair.gui.minutes.record_panel import MinutesRecordPanel
from cpchair.gui.minutes.version_picker import VersionPicker
from cpchair.gui.minutes.zoom import PreviewZoom
from cpchair.reports.pdf_common import atomic_write
from cpchair.services import audit, conferences
from cpchair.services import minutes as svc
from cpchair.storage.db import describe_error

AUTOSAVE_MS = 800
NO_SCORE = -1  # the score spin box's "not given" value, shown as "–"


def _text_input(multiline: bool) -> QLineEdit | QPlainTextEdit:
    if not multiline:
        return QLineEdit()
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field; Enter starts a new paragraph
    edit.setMinimumHeight(70)
    edit.setMaximumHeight(150)
    return edit


class MinutesPage(QWidget):
    """Edit, preview, save and print one conference's minutes."""

    saved = Signal(str)
    unsaved_what = "the minutes"

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.conference_id: str | None = None
        self._answers: dict[str, Any] = {}
        self._stored: dict[str, Any] = svc.blank_minutes()
        self._settings: dict[str, Any] = {}
        self._loading = False
        self._dirty = False
        self._failures = 0  # saves failed in a row: the next automatic try waits longer (save_guard)
        self._last_error = ""
        self._pdf_bytes = b""
        self._buffer: QBuffer | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self._autosave)

        self.inputs: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.agency_inputs: dict[str, QPlainTextEdit] = {}
        self._build()

    # ------------------------------------------------------------------------------------------------------
    # Construction
    # ------------------------------------------------------------------------------------------------------
    def _field(self, form: QFormLayout, key: str, multiline: bool | None = None, label: str | None = None) -> None:
        spec = {k: (lbl, ml) for k, lbl, ml in svc.TEXT_FIELDS}[key]
        widget = _text_input(spec[1] if multiline is None else multiline)
        widget.setObjectName(key)
        widget.setAccessibleName(label or spec[0])
        widget.textChanged.connect(self._changed)
        self.inputs[key] = widget
        caption = QLabel(f"&{label or spec[0]}")
        caption.setBuddy(widget)
        form.addRow(caption, widget)

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_layout.addWidget(box)
        return box, form

    def _build(self) -> None:
        content = QWidget()
        self.form_layout = QVBoxLayout(content)

        self.derived_box = QGroupBox("From the questionnaire (change these in the Questionnaire tab)")
        self.derived_label = QLabel()
        self.derived_label.setObjectName("derived")
        self.derived_label.setWordWrap(True)
        self.derived_label.setTextFormat(Qt.TextFormat.RichText)
        self.derived_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.derived_box).addWidget(self.derived_label)
        self.form_layout.addWidget(self.derived_box)

        _, meeting = self._group("Meeting")
        self._field(meeting, "time", label="Time (for example 10:00 to 12:00)")
        self.time_error = QLabel()  # said as soon as it reads wrong; what was typed is saved all the same
        self.time_error.setObjectName("time_error")
        self.time_error.setAccessibleName("Meeting time problem")
        self.time_error.setWordWrap(True)
        theme.set_tone(self.time_error, "error")
        self.time_error.hide()
        meeting.addRow(self.time_error)
        self.inputs["time"].textChanged.connect(self._check_time)
        self._field(meeting, "venue")
        self.virtual = QCheckBox("Held virtuall&y (give the platform as the venue)")
        self.virtual.setObjectName("virtual")
        self.virtual.toggled.connect(self._changed)
        meeting.addRow(self.virtual)
        self._field(meeting, "chair")
        self._field(meeting, "minute_taker")

        _, family = self._group("Children, household and attendance")
        self._field(family, "household")
        self._field(family, "others_present")
        self._field(family, "purpose")

        _, info = self._group("Information shared")
        self._field(info, "sw_report")
        self.agency_form = QFormLayout()
        self.agency_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        info.addRow(self.agency_form)
        self._field(info, "parents_views")
        self._field(info, "childs_views")

        _, analysis = self._group("Analysis")
        self._field(analysis, "worries")
        self._field(analysis, "working_well")
        self._field(analysis, "needs_to_happen")
        self.scaling = QTableWidget(0, 2)
        self.scaling.setObjectName("scaling")
        self.scaling.setAccessibleName("Scaling: who and score from 0 to 10")
        self.scaling.setHorizontalHeaderLabels(["Who", "Score (0–10)"])
        self.scaling.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.scaling.setMinimumHeight(110)
        self.scaling.itemChanged.connect(self._changed)
        analysis.addRow(self._table_caption("&Scaling", self.scaling), self.scaling)
        analysis.addRow(self._row_buttons(self.scaling, self._add_scale_row, "scale"))

        _, decision = self._group("Decision")
        self._field(decision, "decision_reasons")
        self._field(decision, "lead_practitioner")
        self._field(decision, "dissent_detail")

        _, plan = self._group("Outline plan")
        self.plan = QTableWidget(0, len(svc.PLAN_KEYS))
        self.plan.setObjectName("plan")
        self.plan.setAccessibleName("Outline plan: outcome, action, who, by when")
        self.plan.setHorizontalHeaderLabels([svc.PLAN_LABELS[k] for k in svc.PLAN_KEYS])
        self.plan.setWordWrap(True)
        header = self.plan.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.plan.setMinimumHeight(150)
        self.plan.itemChanged.connect(self._plan_changed)
        plan.addRow(self._table_caption("Outline &plan", self.plan), self.plan)
        plan.addRow(self._row_buttons(self.plan, self._add_plan_row, "plan"))
        self._field(plan, "contingency")

        _, core = self._group("Core group, review and distribution")
        self._field(core, "core_group_members", label="Core group members (one per line)")
        self.first_core_group = QLineEdit()
        self.first_core_group.setObjectName("first_core_group")
        self.first_core_group.setPlaceholderText("dd/mm/yyyy")
        self.first_core_group.setAccessibleName("First core group date")
        self.first_core_group.textChanged.connect(self._changed)
        caption = QLabel("&First core group (dd/mm/yyyy)")
        caption.setBuddy(self.first_core_group)
        core.addRow(caption, self.first_core_group)
        self.date_error = QLabel()
        self.date_error.setObjectName("date_error")
        theme.set_tone(self.date_error, "error")
        self.date_error.hide()
        core.addRow(self.date_error)
        self._field(core, "distribution", label="Distribution list (one per line)")
        record_box, _ = self._group("Restrictions, people present, sign-off and distribution")
        self.record_panel = MinutesRecordPanel(self.db, self)
        record_box.layout().addRow(self.record_panel)
        self.form_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.scroll = scroll

        right = QWidget()
        right_layout = QVBoxLayout(right)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("&Update preview")
        self.save_pdf_button = QPushButton("Save as P&DF…")
        self.print_button = QPushButton("P&rint…")
        for b in (self.preview_button, self.save_pdf_button, self.print_button):
            buttons.addWidget(b)
        self.version_picker = VersionPicker()
        buttons.addWidget(self.version_picker)
        right_layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        right_layout.addWidget(self.message)
        self.pdf_document = QPdfDocument(self)
        self.preview = QPdfView()
        self.preview.setObjectName("preview")
        self.preview.setAccessibleName("Preview of the minutes PDF")
        self.preview.setDocument(self.pdf_document)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons.addStretch(1)
        zoom_row = QHBoxLayout()  # a row of its own: beside the other buttons it would squeeze the form pane
        self.zoom = PreviewZoom(self.preview, self, zoom_row)
        zoom_row.addStretch(1)
        right_layout.addLayout(zoom_row)
        right_layout.addWidget(self.preview, 1)
        self.preview_button.clicked.connect(self.refresh_preview)
        self.save_pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_minutes)
        self.version_picker.currentIndexChanged.connect(self.refresh_preview)
        self.record_panel.changed.connect(self._record_changed)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        self._set_enabled(False)

    def _table_caption(self, text: str, table: QTableWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(table)
        return label

    def _row_buttons(self, table: QTableWidget, add, name: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        add_button = QPushButton("Add row")
        add_button.setObjectName(f"add_{name}")
        add_button.setAccessibleName(f"Add a {name} row")
        remove_button = QPushButton("Remove row")
        remove_button.setObjectName(f"remove_{name}")
        remove_button.setAccessibleName(f"Remove the selected {name} row")
        add_button.clicked.connect(lambda: add())
        remove_button.clicked.connect(lambda: self._remove_row(table))
        layout.addWidget(add_button)
        layout.addWidget(remove_button)
        layout.addStretch(1)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        return row

    # ------------------------------------------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------------------------------------------
    def _add_scale_row(self, who: str = "", score: int | None = None) -> None:
        row = self.scaling.rowCount()
        self.scaling.insertRow(row)
        self.scaling.setItem(row, 0, QTableWidgetItem(who))
        spin = QSpinBox()
        spin.setRange(NO_SCORE, 10)
        spin.setSpecialValueText("–")
        spin.setAccessibleName(f"Score for row {row + 1}")
        spin.setValue(NO_SCORE if score is None else score)
        spin.valueChanged.connect(self._changed)
        self.scaling.setCellWidget(row, 1, spin)
        self._changed()

    def _add_plan_row(self, values: dict[str, str] | None = None) -> None:
        row = self.plan.rowCount()
        self.plan.insertRow(row)
        for col, key in enumerate(svc.PLAN_KEYS):
            self.plan.setItem(row, col, QTableWidgetItem((values or {}).get(key, "")))
        self.plan.resizeRowsToContents()
        self._changed()

    def _remove_row(self, table: QTableWidget) -> None:
        rows = sorted({i.row() for i in table.selectedIndexes()} or {table.currentRow()}, reverse=True)
        for row in rows:
            if row >= 0:
                table.removeRow(row)
        self._changed()

    def _plan_changed(self) -> None:
        self.plan.resizeRowsToContents()
        self._changed()

    # ------------------------------------------------------------------------------------------------------
    # Loading and collecting
    # ------------------------------------------------------------------------------------------------------
    def _set_enabled(self, on: bool) -> None:
        self.scroll.setEnabled(on)
        for b in (self.preview_button, self.save_pdf_button, self.print_button):
            b.setEnabled(on)

    def load(self, conference_id: str) -> bool:
        """Show this conference's minutes (saving what is on screen first). When that save fails the text is
        kept on screen and False returned: ``save_guard.settle`` asks the chair before a load."""
        self.flush()
        if self._dirty and self.conference_id:
            return False
        self.conference_id = conference_id
        self._loading = True
        try:
            try:
                with self.db.session() as s:
                    detail = conferences.get(s, conference_id)
                    self._settings = self._read_settings(s)
            except NotFound as exc:
                self._show_message(str(exc))
                self._set_enabled(False)
                return True
            self._answers = detail.answers
            try:
                self._stored = svc.normalise(detail.minutes)
            except CpchairError:
                self._stored = svc.blank_minutes() | (detail.minutes or {})
            self._fill(self._stored)
            self.record_panel.load(conference_id, self._answers)
            self._dirty = False
            self._set_enabled(True)
        finally:
            self._loading = False
        self._refresh_derived()
        self.refresh_preview()
        return True

    def _fill(self, m: dict[str, Any]) -> None:
        for key, widget in self.inputs.items():
            value = m.get(key) or ""
            if isinstance(widget, QLineEdit):
                widget.setText(value)
            else:
                widget.setPlainText(value)
        self.inputs["chair"].setPlaceholderText(self._settings.get("chair_name") or "")
        self.virtual.setChecked(bool(m.get("virtual")))
        self.scaling.setRowCount(0)
        for row in m.get("scaling") or []:
            self._add_scale_row(row.get("who", ""), row.get("score"))
        self.plan.setRowCount(0)
        for row in m.get("plan") or []:
            self._add_plan_row(row)
        first = m.get("first_core_group")
        self.first_core_group.setText(dates.format_uk(dates.parse_iso(first)) if first else "")
        self.date_error.hide()
        self._check_time()
        self._rebuild_agency_inputs(m.get("agency_contributions") or {})

    def _check_time(self, *_args) -> None:
        problem = dates.meeting_time_problem(self.inputs["time"].text())
        self.time_error.setText(problem or "")
        self.time_error.setVisible(problem is not None)
        self.inputs["time"].setAccessibleDescription(problem or "")

    def _rebuild_agency_inputs(self, texts: dict[str, str]) -> None:
        """One box per agency on the questionnaire, in its order; text for an agency since removed is kept."""
        q = load()
        while self.agency_form.rowCount():
            self.agency_form.removeRow(0)
        self.agency_inputs = {}
        codes = [a.get("agency") for a in self._answers.get("agencies") or [] if a.get("agency")]
        codes += sorted(k for k in texts if k not in codes and texts[k].strip())
        for code in codes:
            edit = _text_input(True)
            edit.setObjectName(f"agency_contributions.{code}")
            name = q.label("agency", code)
            edit.setAccessibleName(f"{name} contribution")
            edit.setPlainText(texts.get(code, ""))
            edit.textChanged.connect(self._changed)
            caption = QLabel(f"{name}: contribution")
            caption.setBuddy(edit)
            self.agency_form.addRow(caption, edit)
            self.agency_inputs[code] = edit

    def collect(self) -> dict[str, Any]:
        """The minutes as typed. A first-core-group date that is not a date keeps the last good one (and says so)."""
        m = dict(self._stored)
        for key, widget in self.inputs.items():
            m[key] = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
        m["virtual"] = self.virtual.isChecked()
        m["agency_contributions"] = {code: edit.toPlainText() for code, edit in self.agency_inputs.items()}
        scaling = []
        for row in range(self.scaling.rowCount()):
            item = self.scaling.item(row, 0)
            spin = self.scaling.cellWidget(row, 1)
            score = spin.value() if isinstance(spin, QSpinBox) else NO_SCORE
            scaling.append({"who": item.text() if item else "", "score": None if score == NO_SCORE else score})
        m["scaling"] = scaling
        plan = []
        for row in range(self.plan.rowCount()):
            cells = {
                k: (self.plan.item(row, c).text() if self.plan.item(row, c) else "")
                for c, k in enumerate(svc.PLAN_KEYS)
            }
            plan.append(cells)
        m["plan"] = plan
        text = self.first_core_group.text().strip()
        if not text:
            m["first_core_group"] = None
            self.date_error.hide()
        else:
            try:
                m["first_core_group"] = dates.parse_uk(text).isoformat()
                self.date_error.hide()
            except ValueError as exc:
                self.date_error.setText(f"{exc} The last valid date is kept until then.")
                self.date_error.show()
        return m

    # ------------------------------------------------------------------------------------------------------
    # Saving
    # ------------------------------------------------------------------------------------------------------
    def _changed(self, *_args) -> None:
        if self._loading or not self.conference_id:
            return
        self._dirty = True
        self._timer.start()

    def _autosave(self) -> None:
        if self._save():
            self.refresh_preview()

    def flush(self) -> None:
        """Save anything pending."""
        self._timer.stop()
        if self._dirty:
            self._save()

    def _save(self) -> bool:
        if not self.conference_id:
            return False
        minutes = self.collect()
        try:
            with self.db.session() as s:
                self._stored = svc.save(s, self.conference_id, minutes)
                s.commit()
        except CpchairError as exc:  # the text itself needs the chair (a score out of range): no retry
            self._last_error = str(exc).rstrip(".")
            self._show_message(f"The minutes were not saved: {exc}")
            return False
        except SQLAlchemyError as exc:  # a full disk, a locked file: keep the text on screen, say why, retry
            self._failures += 1
            self._last_error = describe_error(exc)
            self._show_message(
                f"The minutes were not saved: {self._last_error}. Your text is still here; saving will be tried again."
            )
            self._timer.setInterval(retry_delay_ms(AUTOSAVE_MS, self._failures))
            self._timer.start()
            return False
        if self._failures or self._last_error:
            self.message.hide()  # the failure it reported is over
        self._failures = 0
        self._last_error = ""
        self._timer.setInterval(AUTOSAVE_MS)
        self._dirty = False
        self.saved.emit(self.conference_id)
        return True

    # --- save_guard.Savable: asked before anything replaces the text ---------------------------------------
    def has_unsaved(self) -> bool:
        return self._dirty and bool(self.conference_id)

    def try_save(self) -> bool:
        self.flush()
        return not self.has_unsaved()

    def unsaved_reason(self) -> str:
        return self._last_error

    def discard_changes(self) -> None:
        """Drop what could not be saved and show the stored minutes again (the chair chose Discard)."""
        self._timer.stop()
        self._timer.setInterval(AUTOSAVE_MS)
        self._dirty = False
        self._failures = 0
        self._last_error = ""
        self.message.hide()
        if self.conference_id:
            with contextlib.suppress(SQLAlchemyError):  # cannot even read: the next load shows the stored minutes
                self.load(self.conference_id)

    # ------------------------------------------------------------------------------------------------------
    # The document, preview, PDF and print
    # ------------------------------------------------------------------------------------------------------
    def document(self) -> svc.MinutesDocument:
        """The document as it stands on screen (saved or not)."""
        return svc.build_document(
            self.conference_id or "",
            self._answers,
            svc.normalise(self.collect()),
            service_name=self._settings.get("service_name", ""),
            logo_path=self._settings.get("logo_path", ""),
            chair_name=self._settings.get("chair_name", ""),
            review_interval_months=self._settings.get("review_interval_months", dates.DEFAULT_REVIEW_INTERVAL_MONTHS),
            local=self.record_panel.record,
        )

    def _record_changed(self) -> None:
        self._refresh_derived()
        self.refresh_preview()

    def _render_chosen(self) -> tuple[bytes, str]:
        """The copy chosen above the preview (a family member's minutes or a letter), restrictions applied."""
        return self.version_picker.render(self.document(), self.record_panel.data)

    def _render(self) -> bytes | None:
        """The PDF bytes, or None after explaining (above the preview) why the minutes cannot be printed."""
        try:
            self.version_picker.set_versions(self.document())
            self.record_panel.refresh_status()
            pdf, _ = self._render_chosen()
        except CpchairError as exc:
            self._show_message(str(exc))
            return None
        self.message.hide()
        return pdf

    def refresh_preview(self) -> None:
        if not self.conference_id:
            return
        pdf = self._render()
        if pdf is None:
            return
        self._pdf_bytes = pdf
        old = self._buffer
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        # A new QPdfDocument each time: QPdfView keeps the pictures it rendered for a document object, so
        # reloading the same one with another copy of as many pages would still show the previous copy.
        previous = self.pdf_document
        self.pdf_document = QPdfDocument(self)
        self.pdf_document.load(self._buffer)
        self.preview.setDocument(self.pdf_document)
        previous.deleteLater()
        if old is not None:
            old.close()
            old.deleteLater()

    def save_pdf(self) -> str | None:
        """Ask where, then write the PDF; returns the path written."""
        if not self.conference_id:
            return None
        self.flush()
        try:
            pdf, suggested = self._render_chosen()
        except CpchairError as exc:
            self._show_message(str(exc))
            return None
        path = files.ask_save_path(self, suggested)
        if not path:
            return None
        try:
            with self.db.session() as s, s.begin():  # the audit entry and the file: both or neither
                detail = {"to": "pdf", "copy": self.version_picker.currentData() or "minutes:full"}
                audit.record_event(s, "print", conference_id=self.conference_id, detail=detail)
                written = atomic_write(path, pdf)
        except CpchairError as exc:
            self._show_message(str(exc))
            return None
        except SQLAlchemyError as exc:
            self._show_message(f"The minutes were not saved as PDF: {describe_error(exc)}.")
            return None
        self._show_message(f"Saved the minutes to {written}.", error=False)
        return str(written)

    def print_minutes(self) -> bool:
        """Print the previewed PDF through the system's print dialog (each page drawn at printer resolution)."""
        if not self.conference_id:
            return False
        self.flush()
        pdf = self._render()
        if pdf is None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.document().pdf_title)  # the print queue shows this: no names
        if not files.ask_print(printer, self):
            return False
        try:
            with self.db.session() as s, s.begin():
                detail = {"to": "printer", "copy": self.version_picker.currentData() or "minutes:full"}
                audit.record_event(s, "print", conference_id=self.conference_id, detail=detail)
        except SQLAlchemyError as exc:  # nothing printed without its audit entry
            self._show_message(f"The minutes were not printed: {describe_error(exc)}.")
            return False
        document = QPdfDocument(self)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        painter = QPainter()
        if not painter.begin(printer):
            self._show_message("The printer could not be started. Check it is on and try again.")
            return False
        try:
            for page in range(document.pageCount()):
                if page:
                    printer.newPage()
                target = painter.viewport()
                size = document.pagePointSize(page)
                scale = min(target.width() / size.width(), target.height() / size.height())
                width, height = int(size.width() * scale), int(size.height() * scale)
                image = document.render(page, QSize(width, height))
                painter.drawImage(QRectF(0, 0, width, height), image)
        finally:
            painter.end()
            document.close()
            buffer.close()
        self._show_message("Sent the minutes to the printer.", error=False)
        return True

    def _show_message(self, text: str, error: bool = True) -> None:
        self.message.setText(text)
        theme.set_tone(self.message, "error" if error else None)
        self.message.setStyleSheet("font-weight: bold" if error else "")
        self.message.show()

    # ------------------------------------------------------------------------------------------------------
    # What the questionnaire says
    # ------------------------------------------------------------------------------------------------------
    def _refresh_derived(self) -> None:
        try:
            doc = self.document()
        except CpchairError:
            return
        rows = [
            ("Conference", f"{doc.type_label}, {dates.format_long(doc.conference_date) or 'date not set'}"),
        ]
        for c in doc.children:
            bits = [c.decision or "decision not recorded"] + ([c.category] if c.category else [])
            who = c.name if c.age and c.age.lower() in c.name.lower() else f"{c.name} ({c.age or 'age not set'})"
            rows.append((who, "; ".join(bits)))
        attended = [f"{a.name or a.relationship}: {a.attendance.lower()}" for a in doc.adults]
        rows.append(("Family", "; ".join(attended) or "no parents or carers recorded"))
        agencies = [
            f"{a.agency}: {a.attendance.lower()}" + (f", {a.report.lower()}" if a.report else "") for a in doc.agencies
        ]
        rows.append(("Agencies", "; ".join(agencies) or "none recorded"))
        rows.append(
            ("Reports", f"to the chair: {doc.sw_report_to_chair or '–'}; to parents: {doc.sw_report_shared or '–'}")
        )
        rows.append(("Dissent", doc.dissent or "not recorded"))
        rows.append(("Review", f"by {dates.format_long(doc.review_due)}" if doc.review_due else "none: no plan"))
        html = "".join(f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>" for k, v in rows)
        self.derived_label.setText(f"<table>{html}</table>")

    def _read_settings(self, session) -> dict[str, Any]:
        keys = ("service_name", "logo_path", "chair_name", "review_interval_months")
        return {k: settings.get(session, k) for k in keys}

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Coming back from the Questionnaire tab or the settings: re-read the answers and the settings, so
        decisions, attendance and the service's name are current."""
        super().showEvent(event)
        mnemonics.resolve(self)  # in its window now: the Alt letters avoid the menus and tabs
        if not self.conference_id or self._loading:
            return
        try:
            with self.db.session() as s:
                answers = conferences.get(s, self.conference_id).answers
                current = self._read_settings(s)
        except NotFound:
            return
        if answers == self._answers and current == self._settings:
            return
        self._answers, self._settings = answers, current
        texts = {code: edit.toPlainText() for code, edit in self.agency_inputs.items()}
        self._loading = True
        try:
            self._rebuild_agency_inputs(texts)
            self.inputs["chair"].setPlaceholderText(current.get("chair_name") or "")
            self.record_panel.load(self.conference_id, answers)  # parents and children to restrict may differ
        finally:
            self._loading = False
        self._refresh_derived()
        self.refresh_preview()
