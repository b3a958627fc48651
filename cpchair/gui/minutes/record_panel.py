"""GUI: the minutes' local record beside the minutes editor: local facts, professionals present, restrictions,
split-conference parts, the chair's words to the child, sign-off and distribution.

Why a panel of its own: these are stored apart from the minutes' text (``services.minutes_record``), each change
saved at once through the service, so the editor's autosave and this panel never overwrite each other. The panel
holds no rules: it lists the parts a restriction may name and the people it may withhold from, and the service
checks and stores; ``minutes_versions`` applies the restrictions when a copy is printed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from cpchair import settings
from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.errors import CpchairError
from cpchair.services import minutes as minutes_service
from cpchair.services import minutes_record
from cpchair.services import minutes_versions as mv
from cpchair.services.minutes_record import ATTENDANCE, CSC, CSC_LABEL, FAMILY, METHODS, S47_OUTCOMES, YOUNG_PERSON
from cpchair.storage.db import describe_error

FACT_LABELS = {
    "address": "Children's &address",
    "social_worker": "Allocated &social worker",
    "team_manager": "Team &manager",
    "review_time": "Review &time (booked)",
    "review_venue": "Review &venue (booked)",
}


def _narrow(combo: QComboBox, chars: int = 18) -> QComboBox:
    """A combo box as wide as ``chars`` characters, however long its items (the popup shows them in full), so a
    long section 47 outcome never widens the whole editor."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def _uk(iso: str) -> str:
    return dates.format_uk(dates.parse_iso(iso or None)) if iso else ""


class MinutesRecordPanel(QWidget):
    """Tabs: Facts, Professionals, Restrictions, Parts, Sign-off and distribution, Letter to the child; below
    them, a line saying what could not be saved and why."""

    changed = Signal()  # something printed changed: refresh the preview

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.conference_id: str | None = None
        self.answers: dict[str, Any] = {}
        self.data: dict[str, Any] = minutes_record.blank_local()
        self.record = minutes_record.LocalRecord(self.data, None, ())
        self._loading = False
        self.setObjectName("minutes_record")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Restrictions, people present, sign-off and distribution")
        layout.addWidget(self.tabs)
        self._build_facts()
        self._build_professionals()
        self._build_restrictions()
        self._build_parts()
        self._build_signoff()
        self._build_letter()
        self.message = QLabel()
        self.message.setObjectName("record_message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

    # ------------------------------------------------------------------------------------------------------
    # Construction
    # ------------------------------------------------------------------------------------------------------
    def _tab(self, title: str) -> QVBoxLayout:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.tabs.addTab(page, title)
        return layout

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.clicked.connect(slot)
        return button

    def _table(self, headers: list[str], name: str, accessible: str) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setMinimumHeight(120)
        return table

    def _build_facts(self) -> None:
        layout = self._tab("&Facts")
        form = QFormLayout()
        layout.addLayout(form)
        self.fact_inputs: dict[str, QLineEdit] = {}
        for key, label in FACT_LABELS.items():
            edit = QLineEdit()
            edit.setObjectName(f"fact_{key}")
            edit.setAccessibleName(label.replace("&", ""))
            edit.editingFinished.connect(self._save_facts)
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
            self.fact_inputs[key] = edit
        self.review_date = QLineEdit()
        self.review_date.setObjectName("fact_review_date")
        self.review_date.setPlaceholderText("dd/mm/yyyy")
        self.review_date.setAccessibleName("Review date (booked)")
        self.review_date.editingFinished.connect(self._save_facts)
        caption = QLabel("Review &date booked (dd/mm/yyyy)")
        caption.setBuddy(self.review_date)
        form.addRow(caption, self.review_date)
        self.s47 = _narrow(QComboBox(), 30)
        self.s47.setObjectName("fact_s47_outcome")
        self.s47.setAccessibleName("Outcome of the section 47 enquiry")
        self.s47.addItem("Not recorded", "")
        for code, label in S47_OUTCOMES.items():
            self.s47.addItem(label, code)
        self.s47.currentIndexChanged.connect(self._save_facts)
        caption = QLabel("Outcome of the section &47 enquiry")
        caption.setBuddy(self.s47)
        form.addRow(caption, self.s47)
        self.children_form = QFormLayout()
        layout.addLayout(self.children_form)
        self.child_inputs: list[QLineEdit] = []
        layout.addStretch(1)

    def _build_professionals(self) -> None:
        layout = self._tab("&Professionals")
        self.attendees = self._table(
            ["Name", "Role", "Agency", "Attendance"], "attendees", "Professionals present: name, role, agency"
        )
        self.attendees.itemChanged.connect(self._save_attendees)
        layout.addWidget(self.attendees)
        row = QHBoxLayout()
        row.addWidget(self._button("Add a professional", "add_attendee", self._add_attendee))
        row.addWidget(self._button("Remove the selected professional", "remove_attendee", self._remove_attendee))
        row.addStretch(1)
        layout.addLayout(row)
        self.quorum_label = QLabel()
        self.quorum_label.setObjectName("quorum")
        self.quorum_label.setWordWrap(True)
        layout.addWidget(self.quorum_label)

    def _build_restrictions(self) -> None:
        layout = self._tab("&Restrictions")
        intro = QLabel(
            "Withhold a part of the minutes, or some words in it, from named family members. Their copies leave "
            "it out; the professionals' copy keeps everything."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.part_choice = _narrow(QComboBox(), 24)
        self.part_choice.setObjectName("restriction_part")
        self.part_choice.setAccessibleName("Part of the minutes to withhold")
        caption = QLabel("Pa&rt of the minutes")
        caption.setBuddy(self.part_choice)
        form.addRow(caption, self.part_choice)
        self.passage = QLineEdit()
        self.passage.setObjectName("restriction_passage")
        self.passage.setAccessibleName("Words to withhold (leave empty to withhold the whole part)")
        self.passage.setPlaceholderText("Leave empty to withhold the whole part")
        caption = QLabel("&Words to withhold (copy them exactly)")
        caption.setBuddy(self.passage)
        form.addRow(caption, self.passage)
        self.withheld_from = QListWidget()
        self.withheld_from.setObjectName("restriction_from")
        self.withheld_from.setAccessibleName("Withheld from")
        self.withheld_from.setMaximumHeight(110)
        caption = QLabel("Withheld &from")
        caption.setBuddy(self.withheld_from)
        form.addRow(caption, self.withheld_from)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self._button("Use the words selected in the minutes", "use_selection", self.use_selection))
        row.addWidget(self._button("&Withhold", "add_restriction", self._add_restriction))
        row.addWidget(self._button("Remove the selected restriction", "remove_restriction", self._remove_restriction))
        row.addStretch(1)
        layout.addLayout(row)
        self.restrictions = self._table(
            ["Part", "Words", "Withheld from"],
            "restrictions",
            "Restrictions: part, words and who they are withheld from",
        )
        self.restrictions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.restrictions)

    def _build_parts(self) -> None:
        layout = self._tab("Spli&t parts")
        intro = QLabel(
            "For a split conference: each part, who from the family attended it, and what was said. A parent's copy "
            "includes only the parts they attended."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.part_title = QLineEdit()
        self.part_title.setObjectName("part_title")
        self.part_title.setAccessibleName("Title of the part")
        caption = QLabel("T&itle")
        caption.setBuddy(self.part_title)
        form.addRow(caption, self.part_title)
        self.part_attended = QListWidget()
        self.part_attended.setObjectName("part_attended")
        self.part_attended.setAccessibleName("Family members who attended this part")
        self.part_attended.setMaximumHeight(90)
        caption = QLabel("Atte&nded by")
        caption.setBuddy(self.part_attended)
        form.addRow(caption, self.part_attended)
        self.part_text = QPlainTextEdit()
        self.part_text.setObjectName("part_text")
        self.part_text.setAccessibleName("What was said in this part")
        self.part_text.setTabChangesFocus(True)
        self.part_text.setMaximumHeight(90)
        caption = QLabel("What was &said")
        caption.setBuddy(self.part_text)
        form.addRow(caption, self.part_text)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self._button("Add the part", "add_part", self._add_part))
        row.addWidget(self._button("Remove the selected part", "remove_part", self._remove_part))
        row.addStretch(1)
        layout.addLayout(row)
        self.parts = self._table(["Part", "Attended by", "What was said"], "parts", "Parts of a split conference")
        self.parts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.parts)

    def _build_signoff(self) -> None:
        layout = self._tab("Sign-off and &distribution")
        self.status = QLabel()
        self.status.setObjectName("signoff_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(self._button("Sign &off the minutes", "sign_off", self.sign_off))
        row.addWidget(self._button("Withdraw sign-off", "withdraw_sign_off", self.withdraw_sign_off))
        row.addStretch(1)
        layout.addLayout(row)
        box = QGroupBox("Record a copy sent")
        form = QFormLayout(box)
        self.dist_recipient = QLineEdit()
        self.dist_recipient.setObjectName("dist_recipient")
        self.dist_recipient.setAccessibleName("Recipient")
        caption = QLabel("Re&cipient")
        caption.setBuddy(self.dist_recipient)
        form.addRow(caption, self.dist_recipient)
        self.dist_version = _narrow(QComboBox(), 24)
        self.dist_version.setObjectName("dist_version")
        self.dist_version.setAccessibleName("Version sent")
        caption = QLabel("&Version")
        caption.setBuddy(self.dist_version)
        form.addRow(caption, self.dist_version)
        self.dist_method = QComboBox()
        self.dist_method.setObjectName("dist_method")
        self.dist_method.setAccessibleName("How it was sent")
        for code, label in METHODS.items():
            self.dist_method.addItem(label, code)
        caption = QLabel("&How sent")
        caption.setBuddy(self.dist_method)
        form.addRow(caption, self.dist_method)
        self.dist_date = QDateEdit()
        self.dist_date.setObjectName("dist_date")
        self.dist_date.setAccessibleName("Date sent")
        self.dist_date.setDisplayFormat("dd/MM/yyyy")
        self.dist_date.setCalendarPopup(True)
        self.dist_date.setDate(QDate.currentDate())
        caption = QLabel("Date s&ent")
        caption.setBuddy(self.dist_date)
        form.addRow(caption, self.dist_date)
        form.addRow(self._button("Record the copy sent", "record_distribution", self._record_distribution))
        layout.addWidget(box)
        self.distribution = self._table(
            ["Recipient", "Version", "Method", "Date sent"],
            "distribution",
            "Copies sent: recipient, version, method, date",
        )
        self.distribution.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.distribution)

    def _build_letter(self) -> None:
        layout = self._tab("Letter to the c&hild")
        caption = QLabel("Your own &words to the child or young person (added to their letter)")
        caption.setWordWrap(True)
        self.child_letter = QPlainTextEdit()
        self.child_letter.setObjectName("child_letter")
        self.child_letter.setAccessibleName("Your own words to the child")
        self.child_letter.setTabChangesFocus(True)
        caption.setBuddy(self.child_letter)
        self.child_letter.textChanged.connect(self._letter_changed)
        layout.addWidget(caption)
        layout.addWidget(self.child_letter)

    # ------------------------------------------------------------------------------------------------------
    # Loading and showing
    # ------------------------------------------------------------------------------------------------------
    def load(self, conference_id: str, answers: dict[str, Any]) -> None:
        self.conference_id = conference_id
        self.answers = answers
        with self.db.session() as s:
            self.record = minutes_record.get(s, conference_id)
        self.data = self.record.data
        self._show()

    def _show(self) -> None:
        self._loading = True
        try:
            facts = self.data["facts"]
            for key, edit in self.fact_inputs.items():
                edit.setText(facts.get(key) or "")
            self.review_date.setText(_uk(facts.get("review_date") or ""))
            self.s47.setCurrentIndex(max(0, self.s47.findData(facts.get("s47_outcome") or "")))
            self._show_children(facts.get("children") or [])
            self.attendees.setRowCount(0)
            for person in self.data["attendees"]:
                self._add_attendee_row(person)
            self._show_people(self.withheld_from, family=True)
            self._show_people(self.part_attended, family=False)
            self._show_parts_list()
            self._show_restrictions()
            self._show_parts()
            self.child_letter.setPlainText(self.data.get("child_letter") or "")
            self._show_signoff()
        finally:
            self._loading = False

    def _show_children(self, facts: list[dict[str, str]]) -> None:
        while self.children_form.rowCount():
            self.children_form.removeRow(0)
        self.child_inputs = []
        for i, child in enumerate(self.answers.get("children") or [], 1):
            unborn = bool(child.get("unborn"))
            name = (child.get("name") or "").strip() or f"Child {i}"
            key = "edd" if unborn else "dob"
            edit = QLineEdit()
            edit.setObjectName(f"child_{i}_{key}")
            what = "expected date of delivery" if unborn else "date of birth"
            edit.setAccessibleName(f"{name}: {what}")
            edit.setPlaceholderText("dd/mm/yyyy")
            value = facts[i - 1].get(key) if i <= len(facts) else ""
            edit.setText(_uk(value or ""))
            edit.editingFinished.connect(self._save_facts)
            self.children_form.addRow(QLabel(f"{name}: {what}"), edit)
            self.child_inputs.append(edit)

    def _people(self, family: bool) -> list[tuple[str, str, str]]:
        """(code, label, snapshot) of everyone a restriction may withhold from, or who may attend a part."""
        q = load()
        out = [(FAMILY, "All family members", "")] if family else []
        for i, adult in enumerate(self.answers.get("adults") or [], 1):
            label = mv.adult_label(
                (adult.get("name") or "").strip(), q.label("relationship", adult.get("relationship"))
            )
            out.append((f"adult:{i}", label, label))
        if any(not c.get("unborn") for c in self.answers.get("children") or []):
            out.append((YOUNG_PERSON, "The young person", ""))
        return out

    def _show_people(self, widget: QListWidget, family: bool) -> None:
        widget.clear()
        for code, label, snapshot in self._people(family):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, (code, snapshot))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)

    def _checked(self, widget: QListWidget) -> tuple[list[str], dict[str, str]]:
        who, names = [], {}
        for row in range(widget.count()):
            item = widget.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                code, snapshot = item.data(Qt.ItemDataRole.UserRole)
                who.append(code)
                if snapshot:
                    names[code] = snapshot
        return who, names

    def restrictable_parts(self) -> list[tuple[str, str]]:
        """(ref, label) of every part of the minutes a restriction may name."""
        q = load()
        out = [("address", "Children's address")]
        out += [(f"text:{key}", label) for key, label, multi in minutes_service.TEXT_FIELDS if multi]
        codes = [a.get("agency") for a in self.answers.get("agencies") or [] if a.get("agency")]
        out += [(f"contribution:{code}", f"{q.label('agency', code)} contribution") for code in codes]
        for i, person in enumerate(self.data["attendees"], 1):
            out.append((f"attendee:{i}", f"Professional present: {person['name']}"))
        for i, adult in enumerate(self.answers.get("adults") or [], 1):
            if adult.get("not_invited_reason"):
                name = (adult.get("name") or "").strip() or q.label("relationship", adult.get("relationship"))
                out.append((f"adult:{i}:reason", f"Reason {name} was not invited"))
        for i, child in enumerate(self.answers.get("children") or [], 1):
            name = (child.get("name") or "").strip() or f"Child {i}"
            out.append((f"child:{i}:dob", f"{name}: date of birth"))
            out.append((f"child:{i}:case_ref", f"{name}: case reference"))
        return out

    def _show_parts_list(self) -> None:
        self.part_choice.clear()
        for ref, label in self.restrictable_parts():
            self.part_choice.addItem(label, ref)

    def _show_restrictions(self) -> None:
        labels = dict(self.restrictable_parts())
        people = {code: label for code, label, _ in self._people(True)}
        self.restrictions.setRowCount(0)
        for r in self.data["restrictions"]:
            row = self.restrictions.rowCount()
            self.restrictions.insertRow(row)
            who = ", ".join(r["names"].get(w) or people.get(w, w) for w in r["from"])
            for col, text in enumerate((labels.get(r["ref"], r["ref"]), r["passage"] or "(the whole part)", who)):
                self.restrictions.setItem(row, col, QTableWidgetItem(text))

    def _show_parts(self) -> None:
        self.parts.setRowCount(0)
        for part in self.data["split"]:
            row = self.parts.rowCount()
            self.parts.insertRow(row)
            who = ", ".join(part["names"].get(w, w) for w in part["attended"])
            for col, text in enumerate((part["title"], who, part.get("text") or "")):
                self.parts.setItem(row, col, QTableWidgetItem(text))

    def refresh_status(self) -> None:
        """Re-read sign-off, quorum and versions after the minutes or the questionnaire changed."""
        self._show_signoff()

    def _show_signoff(self) -> None:
        from cpchair.reports.minutes_pdf import status_line

        try:
            doc = self.full_document()
        except CpchairError:
            return
        self.status.setText(status_line(doc))
        quorate, note = doc.quorate, doc.quorum_note
        self.quorum_label.setText(f"Quorate: {'yes' if quorate else 'no'} ({note}).")
        current = self.dist_version.currentData()
        self.dist_version.clear()
        for v in mv.versions_of(doc):
            self.dist_version.addItem(f"{v.code}: {v.for_whom}", v.code)
        self.dist_version.setCurrentIndex(max(0, self.dist_version.findData(current)))
        self.distribution.setRowCount(0)
        for d in self.record.distribution:
            row = self.distribution.rowCount()
            self.distribution.insertRow(row)
            texts = (d.recipient, d.version, METHODS.get(d.method, d.method), dates.format_uk(d.sent_on))
            for col, text in enumerate(texts):
                self.distribution.setItem(row, col, QTableWidgetItem(text))

    # ------------------------------------------------------------------------------------------------------
    # The document this panel adds to
    # ------------------------------------------------------------------------------------------------------
    def _page(self):
        page = self.parent()
        while page is not None and not hasattr(page, "document"):
            page = page.parent()
        if page is None:
            raise CpchairError("The minutes are not open.")
        return page

    def full_document(self) -> minutes_service.MinutesDocument:
        """The professionals' document as the minutes page has it on screen (the page assembles it)."""
        return self._page().document()

    # ------------------------------------------------------------------------------------------------------
    # Saving
    # ------------------------------------------------------------------------------------------------------
    def _store(self, data: dict[str, Any]) -> bool:
        if self._loading or not self.conference_id:
            return False
        try:
            with self.db.session() as s:
                self.data = minutes_record.save(s, self.conference_id, data)
                s.commit()
                self.record = minutes_record.get(s, self.conference_id)
        except CpchairError as exc:
            self._say(f"Not saved: {exc}")
            return False
        except SQLAlchemyError as exc:
            self._say(f"Not saved: {describe_error(exc)}.")
            return False
        self.message.hide()
        self._show_signoff()
        self.changed.emit()
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.setToolTip(text)

    def _save_facts(self, *_args) -> None:
        if self._loading:
            return
        facts = dict(self.data["facts"])
        for key, edit in self.fact_inputs.items():
            facts[key] = edit.text()
        facts["s47_outcome"] = self.s47.currentData() or ""
        try:
            text = self.review_date.text().strip()
            facts["review_date"] = dates.parse_uk(text).isoformat() if text else ""
            children = []
            for edit, child in zip(self.child_inputs, self.answers.get("children") or [], strict=False):
                text = edit.text().strip()
                value = dates.parse_uk(text).isoformat() if text else ""
                key = "edd" if child.get("unborn") else "dob"
                children.append({"dob": "", "edd": ""} | {key: value})
        except ValueError as exc:
            self._say(f"Not saved: {exc}")
            return
        facts["children"] = children
        self._store(self.data | {"facts": facts})

    def _add_attendee_row(self, person: dict[str, str] | None = None) -> None:
        q = load()
        person = person or {"name": "", "role": "", "agency": CSC, "attendance": "attended"}
        self.attendees.blockSignals(True)
        row = self.attendees.rowCount()
        self.attendees.insertRow(row)
        self.attendees.setItem(row, 0, QTableWidgetItem(person["name"]))
        self.attendees.setItem(row, 1, QTableWidgetItem(person["role"]))
        agency = _narrow(QComboBox(), 12)
        agency.setAccessibleName(f"Agency of professional {row + 1}")
        agency.addItem(CSC_LABEL, CSC)
        for code, label in q.codes["agency"].items():
            agency.addItem(label, code)
        agency.setCurrentIndex(max(0, agency.findData(person["agency"])))
        agency.currentIndexChanged.connect(self._save_attendees)
        self.attendees.setCellWidget(row, 2, agency)
        attendance = _narrow(QComboBox(), 10)
        attendance.setAccessibleName(f"Attendance of professional {row + 1}")
        for code, label in ATTENDANCE.items():
            attendance.addItem(label, code)
        attendance.setCurrentIndex(max(0, attendance.findData(person["attendance"])))
        attendance.currentIndexChanged.connect(self._save_attendees)
        self.attendees.setCellWidget(row, 3, attendance)
        self.attendees.blockSignals(False)

    def _add_attendee(self) -> None:
        self._add_attendee_row()
        self.attendees.setCurrentCell(self.attendees.rowCount() - 1, 0)
        self.attendees.setFocus()

    def _remove_attendee(self) -> None:
        row = self.attendees.currentRow()
        if row >= 0:
            self.attendees.removeRow(row)
            self._save_attendees()

    def collect_attendees(self) -> list[dict[str, str]]:
        out = []
        for row in range(self.attendees.rowCount()):
            agency, attendance = self.attendees.cellWidget(row, 2), self.attendees.cellWidget(row, 3)
            name, role = self.attendees.item(row, 0), self.attendees.item(row, 1)
            out.append(
                {
                    "name": name.text() if name else "",
                    "role": role.text() if role else "",
                    "agency": agency.currentData() if isinstance(agency, QComboBox) else "",
                    "attendance": attendance.currentData() if isinstance(attendance, QComboBox) else "",
                }
            )
        return [p for p in out if p["name"].strip()]  # a row being typed is saved once it has a name

    def _save_attendees(self, *_args) -> None:
        if self._store(self.data | {"attendees": self.collect_attendees()}):
            self._show_parts_list()

    def _add_restriction(self) -> None:
        who, names = self._checked(self.withheld_from)
        ref = self.part_choice.currentData()
        if not who:
            self._say("Tick who the part is withheld from.")
            return
        rule = {"ref": ref, "passage": self.passage.text().strip(), "from": who, "names": names}
        if self._store(self.data | {"restrictions": self.data["restrictions"] + [rule]}):
            self.passage.clear()
            self._show_people(self.withheld_from, family=True)
            self._show_restrictions()

    def use_selection(self) -> bool:
        """Take the words selected in one of the minutes' text boxes as the passage, and its box as the part."""
        page = self._page()
        boxes = [(f"text:{k}", w) for k, w in page.inputs.items()]
        boxes += [(f"contribution:{k}", w) for k, w in page.agency_inputs.items()]
        for ref, widget in boxes:
            selected = (
                widget.selectedText() if isinstance(widget, QLineEdit) else widget.textCursor().selectedText()
            ).replace("\u2029", "\n")
            if selected.strip():
                self.passage.setText(" ".join(selected.split()))
                self.part_choice.setCurrentIndex(max(0, self.part_choice.findData(ref)))
                return True
        self._say("Select some words in the minutes first, then press this button.")
        return False

    def _remove_restriction(self) -> None:
        row = self.restrictions.currentRow()
        if row < 0:
            return
        kept = [r for i, r in enumerate(self.data["restrictions"]) if i != row]
        if self._store(self.data | {"restrictions": kept}):
            self._show_restrictions()

    def _add_part(self) -> None:
        who, names = self._checked(self.part_attended)
        part = {
            "title": self.part_title.text().strip() or f"Part {len(self.data['split']) + 1}",
            "attended": who,
            "names": names,
            "sections": [],
            "text": self.part_text.toPlainText(),
        }
        if self._store(self.data | {"split": self.data["split"] + [part]}):
            self.part_title.clear()
            self.part_text.clear()
            self._show_people(self.part_attended, family=False)
            self._show_parts()

    def _remove_part(self) -> None:
        row = self.parts.currentRow()
        if row >= 0 and self._store(self.data | {"split": [p for i, p in enumerate(self.data["split"]) if i != row]}):
            self._show_parts()

    def _letter_changed(self) -> None:
        if not self._loading:
            self._store(self.data | {"child_letter": self.child_letter.toPlainText()})

    def sign_off(self) -> bool:
        """Sign off the minutes as they stand (saved first by the page), in the chair's name from Settings."""
        if not self.conference_id:
            return False
        try:
            self._page().flush()  # sign what is stored, not text still waiting for the autosave
            doc = self.full_document()
            with self.db.session() as s:
                chair = doc.chair or settings.get(s, "chair_name")
                minutes_record.sign_off(s, self.conference_id, chair, minutes_service.content_sha256(doc))
                s.commit()
                self.record = minutes_record.get(s, self.conference_id)
        except CpchairError as exc:
            self._say(f"Not signed off: {exc}")
            return False
        self._show_signoff()
        self.changed.emit()
        return True

    def withdraw_sign_off(self) -> None:
        if not self.conference_id:
            return
        with self.db.session() as s:
            minutes_record.withdraw_sign_off(s, self.conference_id)
            s.commit()
            self.record = minutes_record.get(s, self.conference_id)
        self._show_signoff()
        self.changed.emit()

    def _record_distribution(self) -> None:
        if not self.conference_id:
            return
        qd = self.dist_date.date()
        try:
            with self.db.session() as s:
                minutes_record.record_distribution(
                    s,
                    self.conference_id,
                    self.dist_recipient.text(),
                    self.dist_version.currentData() or "",
                    self.dist_method.currentData() or "",
                    date(qd.year(), qd.month(), qd.day()),
                )
                s.commit()
                self.record = minutes_record.get(s, self.conference_id)
        except CpchairError as exc:
            self._say(f"Not recorded: {exc}")
            return
        self.dist_recipient.clear()
        self._show_signoff()
        self.changed.emit()
