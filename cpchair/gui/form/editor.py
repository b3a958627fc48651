"""GUI: the questionnaire editor for one conference, rendered from the questionnaire definition.

The pages, questions, labels, help and code lists all come from ``cpchair.domain.questionnaire.load()``;
this module only arranges them, wires the few answers that depend on others (``rules``), shows the
problems ``validation.validate_record`` finds beside the fields they concern, and saves through
``services.conferences`` with a short session per save. Autosave runs shortly after the last change, so a
crash loses seconds of typing, not a conference.
"""

from __future__ import annotations

import contextlib
import copy
from collections import defaultdict
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from cpchair import settings
from cpchair.domain import dates, rules
from cpchair.domain.local_rules import local_problems
from cpchair.domain.questionnaire import Field, Section, load
from cpchair.domain.validation import Problem, emotional_abuse_prompt_due, icpc_timeliness, validate_record
from cpchair.errors import CpchairError, InvalidRecord, NotFound
from cpchair.gui import a11y, theme
from cpchair.gui.form import focus as form_focus
from cpchair.gui.form.guidance import CategoryGuidance
from cpchair.gui.form.rows import (
    HELP_TONE,
    CardItem,
    FieldRow,
    ProblemLabel,
    RepeatGroup,
    Slot,
    TableItem,
    new_form,
    small_label,
)
from cpchair.gui.form.save_guard import retry_delay_ms
from cpchair.services import conferences
from cpchair.storage.db import describe_error

AUTOSAVE_MS = 1500
#: the questionnaire's own keys (also listed by Help > Keyboard shortcuts, which reads them from here)
PAGE_SHORTCUTS = (
    ("Ctrl+PgDown", "Next page of the questionnaire"),
    ("Ctrl+PgUp", "Previous page of the questionnaire"),
)
# Problems (by code) that only say "not answered yet": on a draft they wait until the chair has changed the
# field and left it, or asked to complete, so a new conference does not open as a page of red.
REQUIRED_LIKE = frozenset(
    {
        "required",
        "family_ref_required",
        "case_ref_required",
        "age_required",
        "strategy_required",
        "plan_start_required",
        "not_invited_reason_required",
        "agency_invited_needs",
        "edd_required",
        "adjournment_needs",
        "components_required",
        "exclusion_reason_required",
        "not_relevant_rationale_required",
        "dissent_agencies_required",
        "plan_end_needs",
        "resolved_needs",
    }
)
BANNER_ERROR = "banner-error"  # tones (gui/theme.py): the colours follow the palette
BANNER_INFO = "banner-info"


def _set_dotted(record: dict[str, Any], key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if rest:
        record.setdefault(head, {})
        if not isinstance(record[head], dict):
            record[head] = {}
        record[head][rest] = value
    else:
        record[key] = value


def _get_dotted(record: dict[str, Any], key: str) -> Any:
    head, _, rest = key.partition(".")
    if rest:
        return (record.get(head) or {}).get(rest)
    return record.get(key)


def _boxed(label: QLabel) -> QWidget:
    """A wrapped label inside a form row, in a box of its own: a bare wrapped QLabel as a QFormLayout field
    gets the height of one line and is clipped."""
    label.setWordWrap(False)  # short sentences with their own line breaks: never clipped by the form's width
    box = QWidget(label.parentWidget())
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(label)
    return box


def _slot_path(path: str) -> str:
    """``issues[3]`` and ``adults[0].engaged_agencies[2]`` are shown beside the whole list."""
    return path[: path.rindex("[")] if path.endswith("]") else path


class ConferenceEditor(QWidget):
    """Edits one conference's questionnaire. ``load(id)`` shows it; saves go through services.conferences."""

    unsaved_what = "the questionnaire"
    saved = Signal(str)  # conference id, after every (auto)save
    completed = Signal(str)  # conference id, after it was marked complete
    status_changed = Signal(str)  # a short sentence for the status bar

    def __init__(self, db, parent: QWidget | None = None, *, show_heading: bool | None = None) -> None:
        """``show_heading``: the line naming the conference above the form. By default it is shown only
        when the editor stands alone (no parent); a host such as the conference view names it already."""
        super().__init__(parent)
        self.db = db
        self.q = load()
        self.conference_id: str | None = None
        self.status = conferences.DRAFT
        self._base: dict[str, Any] = conferences.blank_answers()
        self._saved_answers: dict[str, Any] | None = None
        self._saved_at: str | None = None
        self._dirty = False
        self._failures = 0  # saves failed in a row: the next automatic try waits longer (save_guard)
        self._last_error = ""
        self._loading = False
        self._show_all = False
        self._interval = dates.DEFAULT_REVIEW_INTERVAL_MONTHS
        self.rows: dict[str, FieldRow] = {}
        self.forms: dict[str, QFormLayout] = {}
        self.groups: dict[str, RepeatGroup] = {}
        self.slots: dict[str, Slot] = {}
        self.page_of: dict[str, int] = {}
        self.scrolls: list[QScrollArea] = []
        self.review_labels: list[QLabel] = []
        self.derived_labels: dict[str, QLabel] = {}  # section key -> the answers worked out from others
        self._chain: list[QWidget] = []
        self._visible_problems: list[tuple[Slot, Problem]] = []
        self._counting = False  # the banner counts what is left to fix, after Mark complete found problems
        self._build()
        self.heading.setVisible(parent is None if show_heading is None else show_heading)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save)
        self._remap()
        # Focus given to the editor (by the window opening a conference) lands in the first question of
        # the page shown (never in a hidden page's: that would be an invisible Tab stop).
        self.setFocusProxy(self.rows[self.q.sections[0].fields[0].key].input.buddy())
        self.pages.currentRowChanged.connect(lambda index: form_focus.proxy_to_page(self, index))
        self.setEnabled(False)

    # ------------------------------------------------------------------------------------------------ build
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        head = QHBoxLayout()
        self.heading = QLabel("", self)
        self.heading.setObjectName("heading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("status")
        self.complete_button = QPushButton("Mar&k complete", self)
        self.complete_button.setObjectName("mark_complete")
        self.complete_button.setToolTip("Check every answer and mark this conference complete, ready to export.")
        self.complete_button.clicked.connect(self.mark_complete)
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.status_label)
        head.addSpacing(12)
        head.addWidget(self.complete_button)
        outer.addLayout(head)
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)

        body = QHBoxLayout()
        self.pages = QListWidget(self)
        self.pages.setObjectName("pages")
        self.pages.setAccessibleName("Questionnaire sections")
        self.pages.setFixedWidth(250)
        self.pages.setSpacing(2)
        self.stack = QStackedWidget(self)
        for index, section in enumerate(self.q.sections):
            self.pages.addItem(self._page_title(section, 0))
            self.stack.addWidget(self._build_page(index, section))
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)

        (next_keys, _), (previous_keys, _) = PAGE_SHORTCUTS
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        nxt = QShortcut(QKeySequence(next_keys), self, context=context)
        nxt.activated.connect(lambda: self.show_page(min(self.stack.currentIndex() + 1, self.stack.count() - 1)))
        prv = QShortcut(QKeySequence(previous_keys), self, context=context)
        prv.activated.connect(lambda: self.show_page(max(self.stack.currentIndex() - 1, 0)))

    def _page_title(self, section: Section, problems: int) -> str:
        title = section.title
        if all(f.local for f in section.fields):
            title += " (stays on this computer)"
        return f"{title}  ({problems} to fix)" if problems else title

    def _build_page(self, index: int, section: Section) -> QScrollArea:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget(scroll)
        page.setObjectName(f"page.{section.key}")
        lay = QVBoxLayout(page)
        lay.setContentsMargins(16, 8, 24, 16)
        lay.setSpacing(10)
        title = QLabel(section.title, page)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        lay.addWidget(title)
        if section.intro:
            lay.addWidget(small_label(section.intro, HELP_TONE, page))
        form = new_form()
        lay.addLayout(form)
        for f in section.fields:
            self.page_of[f.key] = index
            if f.hidden or f.derived:  # kept in the record; derived answers are shown as text (below)
                continue
            if f.kind == "repeat":
                group = RepeatGroup(
                    f,
                    self.q,
                    self._blank_for(f),
                    table=f.layout == "table",
                    fixed_key=f.fixed or None,
                    after={"category": self._make_guidance} if f.key == "children" else None,
                    parent=page,
                )
                group.changed.connect(self._on_changed)
                group.structure_changed.connect(self._on_structure)
                self.groups[f.key] = group
                lay.addWidget(group)
                continue
            row = FieldRow(f, self.q, page)
            row.add_to(form)
            row.input.changed.connect(self._on_changed)
            self.rows[f.key] = row
            self.forms[f.key] = form
            if f.key == "strategy_discussion_date":
                self.timeliness = QLabel(page)
                self.timeliness.setObjectName("timeliness")
                self.timeliness_row = _boxed(self.timeliness)
                form.addRow("ICPC due", self.timeliness_row)
        if any(f.derived and not f.hidden for f in section.fields):
            derived = QLabel(page)
            derived.setObjectName(f"derived.{section.key}")
            derived.setTextFormat(Qt.TextFormat.PlainText)
            self.derived_labels[section.key] = derived
            form.addRow("Worked out", _boxed(derived))
        if section.key in ("details", "children"):
            review = QLabel(page)
            review.setObjectName(f"review_due.{section.key}")
            self.review_labels.append(review)
            if section.key == "details":
                form.addRow("Next review", _boxed(review))
            else:
                lay.addWidget(review)
        lay.addStretch(1)
        scroll.setWidget(page)
        self.scrolls.append(scroll)
        return scroll

    def _blank_for(self, f: Field):
        """A new entry of the repeat ``f``, from the definition's defaults; a table's fixed column (the agency
        a row is for) takes the value it was added for."""

        def make(value: Any = None) -> dict[str, Any]:
            entry = self.q.blank_entry(f.key)
            if f.fixed:
                entry[f.fixed] = value
            return entry

        return make

    def _make_guidance(self, item: CardItem) -> CategoryGuidance:
        guidance = CategoryGuidance(self.q, item.box)
        guidance.name_for(f"child {item.index + 1}")
        guidance.answered.connect(lambda code, it=item: self._answer_ea(it, code))
        return guidance

    def _answer_ea(self, item: CardItem, code: str) -> None:
        """The chair's answer to the §5 prompt; a change of category goes into the category too."""
        from cpchair.domain.rules import EA_CHECK_CATEGORY

        item.rows["category"].input.set_value(EA_CHECK_CATEGORY[code])
        item.rows["emotional_abuse_check"].input.set_value(code)
        self._on_changed()

    # ---------------------------------------------------------------------------------------------- mapping
    def _on_structure(self) -> None:
        if not self._loading:
            self._remap()

    def _remap(self) -> None:
        """Rebuild path -> widget after children, adults, agencies or escalations were added or removed."""
        slots: dict[str, Slot] = {}
        for key, row in self.rows.items():
            slots[key] = Slot(key, row.input, row.problem, row.input.buddy(), self.page_of[key])
        for key, group in self.groups.items():
            page = self.page_of[key]
            slots[key] = Slot(key, None, group.problem, group.picker or group.add, page)
            for i, item in enumerate(group.items):
                for sub, row in item.rows.items():
                    path = f"{key}[{i}].{sub}"
                    focus = row.input.buddy()
                    if isinstance(item, TableItem):
                        slot = Slot(path, row.input, item.problem, focus, page)
                        slot.prefix = f"{row.field.plain_label}: "
                    else:
                        slot = Slot(path, row.input, row.problem, focus, page)
                    slots[path] = slot
                if isinstance(item, TableItem) and group.fixed_key:
                    slot = Slot(f"{key}[{i}].{group.fixed_key}", None, item.problem, item.remove, page)
                    slots[slot.path] = slot
        for slot in slots.values():
            if slot.input is not None and not getattr(slot.input, "_touch_hooked", False):
                form_focus.watch_leaving(slot.input, self._on_recheck)
                slot.input.recheck.connect(self._on_recheck)
                slot.input._touch_hooked = True
        self.slots = slots
        self._fix_tab_order()
        if not self._loading:
            self._refresh()

    def _fix_tab_order(self) -> None:
        """Tab walks the page list, then each page's fields top to bottom, then Mark complete."""
        chain: list[QWidget] = [self.pages]
        for section in self.q.sections:
            for f in section.fields:
                if f.key in self.groups:
                    chain.extend(self.groups[f.key].focus_chain())
                elif f.key in self.rows:  # hidden and derived answers have no input
                    chain.extend(self.rows[f.key].input.focus_widgets())
        chain.append(self.complete_button)
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self._chain = chain
        form_focus.assign_mnemonics(self)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Shown in a window: its menus and tabs are known now, so the pages' Alt letters avoid them."""
        super().showEvent(event)
        form_focus.assign_mnemonics(self)

    def focus_chain(self) -> list[QWidget]:
        """The Tab order (for tests and for the main window to continue from)."""
        return list(self._chain)

    # ---------------------------------------------------------------------------------------------- record
    def collect(self) -> dict[str, Any]:
        """The answers on screen, with those that do not apply set to None (rules.normalise)."""
        rec = copy.deepcopy(self._base)
        for key, row in self.rows.items():
            _set_dotted(rec, key, row.input.value())
        for key, group in self.groups.items():
            rec[key] = group.value()
        return rules.normalise(rec, self.q, local_interval_months=self._interval)

    def _fill(self, answers: dict[str, Any]) -> None:
        self._loading = True
        try:
            for key, row in self.rows.items():
                row.input.set_value(_get_dotted(answers, key))
                row.input.touched = row.input.edited = False
            for key, group in self.groups.items():
                group.set_value(answers.get(key) or [])
        finally:
            self._loading = False
        self._remap()

    # ----------------------------------------------------------------------------------------------- react
    def _on_changed(self) -> None:
        if self._loading or self.conference_id is None:
            return
        self._dirty = True
        self._refresh()
        self.timer.start()
        self._emit_status()

    def _on_recheck(self) -> None:
        if not self._loading and self.conference_id is not None:
            self._refresh()

    def _refresh(self) -> None:
        rec = self.collect()
        self._apply_rules(rec)
        self._show_problems(validate_record(rec, self.q) + local_problems(rec, self.q))
        self._update_computed(rec)

    def _apply_rules(self, rec: dict[str, Any]) -> None:
        """Show the questions that apply, and put derived answers back on screen."""
        for group in self.groups.values():
            for item in group.items:
                if isinstance(item, CardItem):
                    item.retitle()
        ctype = rec.get("conference_type")
        for key, row in self.rows.items():
            if row.field.types:
                row.set_row_visible(self.forms[key], row.field.applies_to(ctype))
        self.rows["delay_reason"].set_row_visible(self.forms["delay_reason"], rules.delay_applies(rec, self.q))
        for key in ("adjournment_reason", "reconvene_date"):
            self.rows[key].set_row_visible(self.forms[key], rules.adjournment_applies(rec))
        self.rows["dissent_agencies"].set_row_visible(
            self.forms["dissent_agencies"], rules.dissent_agencies_apply(rec, self.q)
        )
        children = rec.get("children") or []
        decision_list = rules.decision_list(rec)
        for item, child in zip(self.groups["children"].items, children, strict=False):
            item.rows["decision"].input.set_code_list(decision_list)
            item.set_row_visible("age_years", rules.age_applies(child))
            item.set_row_visible("category", rules.on_plan(child, self.q))
            item.set_row_visible("plan_start_date", rules.plan_start_applies(rec, child))
            item.set_row_visible("category_components", rules.components_apply(child))
            item.set_row_visible("category_at_plan_start", ctype == "review" and rules.on_plan(child, self.q))
            item.set_row_visible("category_changed_from", rules.category_change_applies(rec, child))
            item.set_row_visible("original_plan_start_date", rules.original_start_applies(rec, child))
            for key in ("plan_end_reason", "plan_end_date"):
                item.set_row_visible(key, rules.on_plan(child, self.q))
            item.rows["decision"].input.setEnabled(not rules.adjournment_applies(rec))
            start = item.rows["plan_start_date"].input
            start.set_read_only(
                rules.plan_start_fixed(child), "A plan started at this conference starts on the conference date."
            )
            if rules.plan_start_fixed(child) and start.value() != child["plan_start_date"]:
                start.set_value(child["plan_start_date"])
            check = item.rows["emotional_abuse_check"].input
            if check.value() != child.get("emotional_abuse_check"):
                check.set_value(child.get("emotional_abuse_check"))
            item.set_row_visible("emotional_abuse_check", False)  # answered through the guidance buttons
            due = emotional_abuse_prompt_due(rec, child)
            wanted = item.extras["category"].update_state(due, child.get("emotional_abuse_check"), child["category"])
            item.form.setRowVisible(item.extras["category"], wanted)
        for item, adult in zip(self.groups["adults"].items, rec.get("adults") or [], strict=False):
            item.set_row_visible("not_invited_reason", rules.reason_applies(adult))
            item.set_row_visible("exclusion_reason", rules.exclusion_applies(adult))
            item.set_row_visible("not_relevant_rationale", rules.rationale_applies(adult))
            attendance = item.rows["attendance"].input
            attendance.setEnabled(not rules.reason_applies(adult))
            if attendance.value() != adult.get("attendance"):
                attendance.set_value(adult.get("attendance"))
        for item, entry in zip(self.groups["agencies"].items, rec.get("agencies") or [], strict=False):
            for key in ("attendance", "report"):
                item.set_enabled(key, rules.agency_details_apply(entry))
        professional = rules.dissent_agencies_apply(rec, self.q)
        for item, esc in zip(self.groups["escalations"].items, rec.get("escalations") or [], strict=False):
            for key in ("resolved_on", "outcome"):
                item.set_enabled(key, rules.resolution_applies(esc))
            item.set_enabled("from_dissent", professional)

    def _show_problems(self, problems: list[Problem]) -> None:
        by_label: dict[int, tuple[ProblemLabel, list[tuple[str, str]]]] = {}
        for slot in self.slots.values():
            by_label.setdefault(id(slot.problem), (slot.problem, []))
        self._visible_problems: list[tuple[Slot, Problem]] = []
        bad_input: set[str] = set()
        for path, slot in self.slots.items():
            if slot.input is not None and slot.input.input_error():
                bad_input.add(path)
                by_label[id(slot.problem)][1].append(("error", slot.prefix + self.q.message("bad_date")))
                self._visible_problems.append((slot, Problem(path, self.q.message("bad_date"))))
        for p in problems:
            path = _slot_path(p.path)
            while path not in self.slots and "." in path:
                path = path.rsplit(".", 1)[0]
            slot = self.slots.get(path)
            if slot is None or path in bad_input:
                continue
            touched = slot.input is None or getattr(slot.input, "touched", False)
            if p.code in REQUIRED_LIKE and (
                not (self._show_all or touched) or (slot.input is not None and slot.input.pending())
            ):
                continue
            by_label[id(slot.problem)][1].append((p.severity, slot.prefix + p.message))
            self._visible_problems.append((slot, p))
        per_page: dict[int, int] = defaultdict(int)
        for slot, p in self._visible_problems:
            if p.severity == "error":
                per_page[slot.page] += 1
        for label, messages in by_label.values():
            label.show_problems(messages)
        for slot in self.slots.values():
            if slot.input is not None:
                mine = [p.message for s, p in self._visible_problems if s is slot]
                slot.input.set_described(" ".join(mine))
        for i, section in enumerate(self.q.sections):
            self.pages.item(i).setText(self._page_title(section, per_page.get(i, 0)))
        if self._counting:
            self._count_in_banner(sum(per_page.values()))

    def _count_in_banner(self, errors: int, first: bool = False) -> None:
        """The banner's count follows the fixes, down to "choose Mark complete" when none is left."""
        if errors == 0:
            self._counting = False
            self._say("Every answer that needed attention is in order now: choose Mark complete.")
            return
        text = (
            f"{errors} answers need attention before this conference can be completed."
            if errors > 1
            else "1 answer needs attention before this conference can be completed."
        )
        text += " Each is marked beside its answer" + ("; the first one has the cursor." if first else ".")
        if first or not self.banner.text().startswith(text.split(" Each")[0]):
            self._say(text, BANNER_ERROR)

    def _update_computed(self, rec: dict[str, Any]) -> None:
        strategy = dates.parse_iso(rec.get("strategy_discussion_date"))
        conf = dates.parse_iso(rec.get("conference_date"))
        self.forms["strategy_discussion_date"].setRowVisible(self.timeliness_row, rules.delay_applies(rec, self.q))
        if strategy is None:
            self.timeliness.setText("Enter the strategy discussion date to see when the ICPC is due.")
        else:
            due = dates.icpc_due_date(strategy)
            text = f"{dates.format_uk(due)}: {dates.ICPC_WORKING_DAYS} working days after the strategy discussion."
            t = icpc_timeliness(strategy, conf)
            if t is not None and strategy <= conf:
                if t.within:
                    text += f"\nWithin timescale ({t.working_days} working days)."
                elif rec.get("delay_reason"):
                    text += f"\nOut of timescale: {t.working_days} working days."
                else:
                    text += f"\nOut of timescale: {t.working_days} working days — choose a reason for the delay."
            self.timeliness.setText(text)
        statutory, local = conferences.next_review(rec, self._interval)
        if conf is None:
            review = "Appears once the conference date and the decisions are entered."
        elif rec.get("adjourned") and statutory is not None:
            review = f"Adjourned: the conference reconvenes on {dates.format_uk(statutory)}."
        elif statutory is None:
            review = "No review conference is due: no child is on a plan after this conference."
        else:
            months = 6 if rec.get("conference_type") == "review" else dates.FIRST_REVIEW_MONTHS
            review = (
                f"Next review conference due by {dates.format_uk(statutory)} ({months} months after this conference)."
            )
            if local is not None and local != statutory:
                review += f"\nThe service's local target: {dates.format_uk(local)}."
        for key, label in self.derived_labels.items():
            label.setText(self._derived_text(rec, key))
        for label in self.review_labels:
            label.setText(review)
        ctype = self.q.label("conference_type", rec.get("conference_type")) or "Conference"
        parts = [ctype, dates.format_uk(conf), (rec.get("family_name") or "").strip()]
        self.heading.setText(" · ".join(p for p in parts if p))

    def _derived_text(self, rec: dict[str, Any], section_key: str) -> str:
        """The answers of a section that the rules work out, as words (they are never typed)."""
        section = next(s for s in self.q.sections if s.key == section_key)
        lines = []
        for f in section.fields:
            if not f.derived or f.hidden or not f.applies_to(rec.get("conference_type")):
                continue
            value = rec.get(f.key)
            if value is None:
                continue
            if f.kind == "bool":
                text = "Yes" if value else "No"
            elif f.kind == "choice":
                text = self.q.label(f.codes or "", value)
            elif f.kind == "date":
                text = dates.format_uk(dates.parse_iso(value))
            else:
                text = str(value)
            lines.append(f"{f.plain_label}: {text}")
        return "\n".join(lines) or "Appears once the answers it is worked out from are entered."

    # ------------------------------------------------------------------------------------------------ status
    def status_text(self) -> str:
        state = "Complete" if self.status == conferences.COMPLETE else "Draft"
        if self._dirty:
            return f"{state} · Changes not saved yet"
        if self._saved_at:
            return f"{state} · Saved {self._saved_at}"
        return state

    def _emit_status(self) -> None:
        text = self.status_text()
        self.status_label.setText(text)
        # Already complete: nothing to mark (an edit that breaks a rule turns it back into a draft).
        self.complete_button.setEnabled(self.status != conferences.COMPLETE)
        self.status_changed.emit(text)

    def _say(self, text: str, style: str = BANNER_INFO) -> None:
        theme.set_tone(self.banner, style)
        if text and text != self.banner.text():
            a11y.announce(self.banner, text, assertive=style == BANNER_ERROR)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    # ------------------------------------------------------------------------------------------------ public
    def load(self, conference_id: str) -> bool:
        """Show a conference (saving what is on screen first, if it had changes: even a reload of the same
        conference must not drop typing that the autosave had not written yet). When that save fails, the
        screen is kept as it is and False returned: ``save_guard.settle`` asks the chair before a load."""
        self.flush()
        if self._dirty:
            return False
        try:
            with self.db.session() as s:
                detail = conferences.get(s, conference_id)
                self._interval = settings.get(s, "review_interval_months")
        except NotFound as exc:  # deleted since the list was drawn: say so rather than show stale answers
            self.timer.stop()
            self.conference_id = None
            self._dirty = False
            self._say(f"{exc} It may have been deleted; go back to the list.", BANNER_ERROR)
            self.setEnabled(False)
            self.status_changed.emit(str(exc))
            return True
        self.timer.stop()
        switching = detail.id != self.conference_id
        self.conference_id = detail.id
        self.status = detail.status
        base = conferences.blank_answers()
        base.update(detail.answers)
        self._base = base
        self._saved_answers = copy.deepcopy(detail.answers)
        self._saved_at = None
        self._dirty = False
        self._show_all = detail.status == conferences.COMPLETE
        self._counting = False
        self._say("")
        if switching:
            self.show_page(0)  # another conference starts at its first page
        self.setEnabled(True)
        self._fill(base)
        self._emit_status()
        return True

    def save(self) -> None:
        """Save now (Ctrl+S); autosave calls this too. Nothing is written when nothing changed."""
        self.timer.stop()
        if self.conference_id is None:
            return
        if not self._dirty:
            self._emit_status()  # Ctrl+S with nothing new: say that everything is saved
            return
        answers = self.collect()
        was_complete = self.status == conferences.COMPLETE
        try:
            with self.db.session() as s, s.begin():
                detail = conferences.save(s, self.conference_id, answers)
        except NotFound as exc:  # deleted meanwhile (another window, a restore): retrying cannot help
            self._last_error = f"{exc} It may have been deleted"
            self._say(f"Not saved: {exc} Copy anything you need from this screen.", BANNER_ERROR)
            return
        except Exception as exc:  # the chair must see any failure, and keep what is on screen
            reason = describe_error(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
            self._failures += 1
            self._last_error = reason
            self._say(
                f"Not saved: {reason}. Your answers are still on screen; saving will be tried again.", BANNER_ERROR
            )
            self.timer.setInterval(retry_delay_ms(AUTOSAVE_MS, self._failures))
            self.timer.start()
            return
        self._failures = 0
        self._last_error = ""
        self.timer.setInterval(AUTOSAVE_MS)
        self._saved_answers = answers
        self._dirty = False
        self.status = detail.status
        self._saved_at = datetime.now().strftime("%H:%M")
        if was_complete and detail.status == conferences.DRAFT:
            self._show_all = True
            self._refresh()
            self._say(
                "This conference was complete. The last change left an answer that needs attention, so it is "
                "a draft again: fix what is marked and choose Mark complete."
            )
        elif theme.tone(self.banner) == BANNER_ERROR and self.banner.text().startswith("Not saved"):
            self._say("")
        self._emit_status()
        a11y.announce(self.status_label, f"Saved at {self._saved_at}.")
        self.saved.emit(self.conference_id)

    def flush(self) -> None:
        """Save anything pending (before closing or switching conference)."""
        if self._dirty:
            self.save()

    # --- save_guard.Savable: asked before anything replaces the screen --------------------------------------
    def has_unsaved(self) -> bool:
        return self._dirty and self.conference_id is not None

    def try_save(self) -> bool:
        self.flush()
        return not self.has_unsaved()

    def unsaved_reason(self) -> str:
        return self._last_error

    def discard_changes(self) -> None:
        """Drop what could not be saved and show the stored answers again (the chair chose Discard)."""
        self.timer.stop()
        self.timer.setInterval(AUTOSAVE_MS)
        self._dirty = False
        self._failures = 0
        self._last_error = ""
        self._say("")
        if self.conference_id is not None:
            with contextlib.suppress(SQLAlchemyError):  # cannot even read: the next load shows the stored answers
                self.load(self.conference_id)
        self._emit_status()

    def mark_complete(self) -> None:
        """Check every answer; complete the conference, or show what needs attention and go to the first."""
        if self.conference_id is None:
            return
        self.flush()
        if self._dirty:  # the save failed; the banner says so
            return
        try:
            with self.db.session() as s, s.begin():
                detail = conferences.complete(s, self.conference_id)
        except InvalidRecord as exc:
            self._show_all = True
            self._counting = False
            self._refresh()
            shown = sum(1 for _s, p in self._visible_problems if p.severity == "error")
            self._count_in_banner(shown or len(exc.problems), first=True)
            self._counting = True
            self.go_to_first_problem([p.path for p in exc.problems])
            return
        except CpchairError as exc:
            self._say(str(exc), BANNER_ERROR)
            return
        self.status = detail.status
        self._counting = False
        self._say("")
        self._refresh()
        self._emit_status()
        a11y.announce(self.status_label, "Complete: this conference is ready to export.")
        self.completed.emit(self.conference_id)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentRow(index)

    def slot_for(self, path: str) -> Slot | None:
        """The answer on screen that shows problems for ``path`` (a list's item, or its parent field)."""
        path = _slot_path(path)
        while path not in self.slots and "." in path:
            path = path.rsplit(".", 1)[0]
        return self.slots.get(path)

    def go_to(self, path: str) -> bool:
        """Show the page holding ``path`` and put the cursor in its field."""
        slot = self.slot_for(path)
        if slot is None:
            return False
        self.show_page(slot.page)
        self.scrolls[slot.page].ensureWidgetVisible(slot.focus, 50, 80)
        slot.focus.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def go_to_first_problem(self, paths: list[str] | None = None) -> bool:
        paths = paths if paths is not None else [p.path for _s, p in self._visible_problems]
        return any(self.go_to(p) for p in form_focus.in_reading_order(self, paths))

    def visible_problems(self) -> dict[str, list[str]]:
        """path -> messages currently shown (what the chair reads beside each field)."""
        out: dict[str, list[str]] = defaultdict(list)
        for slot, p in self._visible_problems:
            out[slot.path].append(p.message)
        return dict(out)
