"""GUI: a field's row (label, input, help, "stays on this computer", problem) and repeat groups of rows.

A row shows its problem as words beside the field, in red *and* prefixed so the meaning never rests on
colour alone, and puts the same words in the input's accessible description for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cpchair.domain.questionnaire import Field, Questionnaire
from cpchair.gui import a11y, theme
from cpchair.gui.form.fields import BoolInput, FieldInput, make_input

LOCAL_NOTE = "Stays on this computer: never exported."
# Tones (gui/theme.py): what a text is; its colour is derived from the palette in force.
HELP_TONE = "help"
LOCAL_TONE = "note"


def noun_of(field: Field) -> str:
    """What one entry of a repeat group is called on its buttons ("Add child", "Remove adult 2"): the
    definition's ``noun``."""
    return field.noun or "entry"


def small_label(text: str, tone: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    theme.set_tone(label, tone)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ProblemLabel(QLabel):
    """Red words under a field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName("problem")
        self.hide()

    def show_problems(self, messages: list[tuple[str, str]]) -> None:
        """``messages``: (severity, text). Errors say "Needs attention", warnings "Check"."""
        if not messages:
            self.clear()
            self.hide()
            return
        errors = [m for s, m in messages if s == "error"]
        warnings = [m for s, m in messages if s != "error"]
        lines = [f"Needs attention: {m}" for m in errors] + [f"Check: {m}" for m in warnings]
        theme.set_tone(self, "error" if errors else "warning")
        self.setText("\n".join(lines))
        self.show()


class Slot:
    """One answer on screen: where problems for its path are shown and what gets focus for it."""

    def __init__(self, path: str, input: FieldInput | None, problem: ProblemLabel, focus: QWidget, page: int) -> None:
        self.path = path
        self.input = input
        self.problem = problem
        self.focus = focus
        self.page = page
        self.prefix = ""  # table rows share one problem label, so each message names its column


class FieldRow(QWidget):
    """The right-hand side of a form row: input, help, local marker and problem, stacked."""

    def __init__(self, field: Field, q: Questionnaire, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.input = make_input(field, q, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 2)
        lay.setSpacing(2)
        lay.addWidget(self.input)
        if field.help:
            self.help = small_label(field.help, HELP_TONE, self)
            lay.addWidget(self.help)
        if field.local:
            lay.addWidget(small_label(LOCAL_NOTE, LOCAL_TONE, self))
        self.problem = ProblemLabel(self)
        lay.addWidget(self.problem)
        self.label: QLabel | None = None

    def add_to(self, form: QFormLayout) -> None:
        """Add as a form row; a tick box carries its own label, so its row has none."""
        if isinstance(self.input, BoolInput):
            form.addRow("", self)
            return
        self.label = QLabel(self.field.label)
        self.label.setBuddy(self.input.buddy())
        form.addRow(self.label, self)

    def set_row_visible(self, form: QFormLayout, visible: bool) -> None:
        if form.indexOf(self) >= 0:
            form.setRowVisible(self, visible)


def new_form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(16)
    form.setVerticalSpacing(10)
    return form


class RepeatItem(QFrame):
    """One child, adult, agency or escalation. ``rows`` maps a sub-field key to its FieldRow."""

    def __init__(self, group: RepeatGroup, index: int, value: dict[str, Any]) -> None:
        super().__init__(group)
        self.group = group
        self.base = dict(value)  # keys the form does not show are kept as loaded
        self.rows: dict[str, FieldRow] = {}
        self.extras: dict[str, QWidget] = {}  # widgets the editor adds after a row (guidance), by row key
        self.index = index

    def value(self) -> dict[str, Any]:
        out = dict(self.base)
        for key, row in self.rows.items():
            out[key] = row.input.value()
        return out

    def set_value(self, value: dict[str, Any]) -> None:
        for key, row in self.rows.items():
            row.input.set_value(value.get(key))


class CardItem(RepeatItem):
    """An entry shown as a titled box with a form inside (children, adults)."""

    def __init__(self, group: RepeatGroup, index: int, value: dict[str, Any], after: dict[str, Callable]) -> None:
        super().__init__(group, index, value)
        noun = noun_of(group.field)
        self.box = QGroupBox(f"{noun.capitalize()} {index + 1}", self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)
        self.form = new_form()
        self.body = QVBoxLayout(self.box)
        self.body.addLayout(self.form)
        for sub in group.field.fields:
            row = FieldRow(sub, group.q, self.box)
            row.input.set_path(f"{group.field.key}[{index}].{sub.key}")
            a11y.name_input(row.input, f"{noun.capitalize()} {index + 1} ")
            row.add_to(self.form)
            self.rows[sub.key] = row
            if sub.key in after:
                extra = after[sub.key](self)
                self.form.addRow("", extra)
                self.extras[sub.key] = extra
        # Every entry's labels get the same width, so the answers of child 1 and child 2 line up.
        metrics = self.box.fontMetrics()
        width = max(metrics.horizontalAdvance(sub.plain_label) for sub in group.field.fields) + 12
        for row in self.rows.values():
            if row.label is not None:
                row.label.setMinimumWidth(width)
        self.remove = QPushButton(f"Remove {noun} {index + 1}", self.box)
        self.remove.setObjectName(f"{group.field.key}[{index}].remove")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove)
        self.body.addLayout(buttons)

    def set_row_visible(self, key: str, visible: bool) -> None:
        self.rows[key].set_row_visible(self.form, visible)

    def retitle(self) -> None:
        """'Child 1: Mia', 'Adult 2: Birth father': the box says whom it is about."""
        noun = noun_of(self.group.field).capitalize()
        parts = []
        if "name" in self.rows and self.rows["name"].input.value().strip():
            parts.append(self.rows["name"].input.value().strip())
        if "relationship" in self.rows and self.rows["relationship"].input.value():
            parts.append(self.group.q.label("relationship", self.rows["relationship"].input.value()))
        title = f"{noun} {self.index + 1}" + (f": {', '.join(parts)}" if parts else "")
        if self.box.title() != title:
            self.box.setTitle(title)


class TableItem(RepeatItem):
    """An entry shown as one row of a table (agencies, escalations); its problems go under the row."""

    def __init__(self, group: RepeatGroup, index: int, value: dict[str, Any], grid: QGridLayout, line: int) -> None:
        super().__init__(group, index, value)
        self.cells: list[QWidget] = []
        noun = noun_of(group.field)
        fixed = next((f for f in group.field.fields if f.key == group.fixed_key), None)
        col = 0
        for sub in group.field.fields:
            if sub.key == group.fixed_key:
                cell = QLabel(group.q.label(sub.codes, value.get(sub.key)), group)
                cell.setObjectName(f"{group.field.key}[{index}].{sub.key}")
                cell.setStyleSheet("font-weight: 600;")
                self.fixed_label = cell
                grid.addWidget(cell, line, col)
                self.cells.append(cell)
                col += 1
                continue
            field_input = make_input(sub, group.q, group)
            field_input.set_path(f"{group.field.key}[{index}].{sub.key}")
            if isinstance(field_input, BoolInput):
                field_input.box.setText("")
            # "Police attendance", "Escalation 2 stage": the row says which entry the cell belongs to.
            row_name = group.q.label(fixed.codes, value.get(fixed.key)) if fixed else f"{noun.capitalize()} {index + 1}"
            a11y.name_input(field_input, f"{row_name} ")
            combo = getattr(field_input, "combo", None)
            if combo is not None:
                combo.setMinimumWidth(0)  # a table column is as wide as its longest answer, no wider
            grid.addWidget(field_input, line, col)
            self.rows[sub.key] = _Cell(sub, field_input)
            self.cells.append(field_input)
            col += 1
        if group.fixed_key:
            # "Remove" beside "Police" reads better than a number; the accessible name says which.
            self.remove = QPushButton("Remove", group)
            self.remove.setAccessibleName(f"Remove {self.fixed_label.text()}")
        else:
            self.remove = QPushButton(f"Remove {noun} {index + 1}", group)
        self.remove.setObjectName(f"{group.field.key}[{index}].remove")
        grid.addWidget(self.remove, line, col)
        self.cells.append(self.remove)
        self.problem = ProblemLabel(group)
        grid.addWidget(self.problem, line + 1, 0, 1, col + 1)
        for cell in self.cells:
            cell.show()  # shown now (not at the next event loop turn) so focus can move to a new row
        self.cells.append(self.problem)
        self.hide()  # the frame itself is not drawn: the cells live in the group's grid

    def set_enabled(self, key: str, enabled: bool) -> None:
        self.rows[key].input.setEnabled(enabled)

    def dispose(self) -> None:
        for w in self.cells:
            w.setParent(None)
            w.deleteLater()


class _Cell:
    """A table cell quacks like a FieldRow (``input``), without a label of its own."""

    def __init__(self, field: Field, field_input: FieldInput) -> None:
        self.field = field
        self.input = field_input


class RepeatGroup(QWidget):
    """A list of entries with Add and Remove. ``structure_changed`` tells the editor to re-map its fields."""

    changed = Signal()
    structure_changed = Signal()

    def __init__(
        self,
        field: Field,
        q: Questionnaire,
        blank: Callable[..., dict[str, Any]],
        *,
        table: bool = False,
        fixed_key: str | None = None,
        after: dict[str, Callable] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.q = q
        self.blank = blank
        self.table = table
        self.fixed_key = fixed_key
        self.after = after or {}
        self.items: list[RepeatItem] = []
        self.setObjectName(field.key)
        noun = noun_of(field)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.empty = small_label(f"No {field.plain_label.lower()} recorded.", HELP_TONE, self)
        lay.addWidget(self.empty)
        if table:
            self.grid_host = QWidget(self)
            self.grid = QGridLayout(self.grid_host)
            self.grid.setContentsMargins(0, 0, 0, 0)
            self.grid.setHorizontalSpacing(12)
            lay.addWidget(self.grid_host)
        else:
            self.cards = QVBoxLayout()
            self.cards.setSpacing(12)
            lay.addLayout(self.cards)
        self.problem = ProblemLabel(self)
        lay.addWidget(self.problem)
        add_row = QHBoxLayout()
        if fixed_key:
            sub = next(f for f in field.fields if f.key == fixed_key)
            self.picker = QComboBox(self)
            self.picker.setObjectName(f"{field.key}.picker")
            self.picker.setAccessibleName(f"{noun.capitalize()} to add")
            picker_label = QLabel(f"&Add {noun}:", self)
            picker_label.setBuddy(self.picker)
            self.add = QPushButton(f"Add {noun}", self)
            self.add.setObjectName(f"{field.key}.add")
            self.add.clicked.connect(self._add_picked)
            self._codes = sub.codes
            add_row.addWidget(picker_label)
            add_row.addWidget(self.picker)
        else:
            self.picker = None
            self.add = QPushButton(f"&Add {noun}", self)
            self.add.setObjectName(f"{field.key}.add")
            self.add.clicked.connect(lambda: self.add_item(self.blank()))
        add_row.addWidget(self.add)
        add_row.addStretch(1)
        lay.addLayout(add_row)

    # -- values -------------------------------------------------------------------------------------------
    def value(self) -> list[dict[str, Any]]:
        return [item.value() for item in self.items]

    def set_value(self, values: list[dict[str, Any]]) -> None:
        self._clear()
        for v in values or []:
            self._append(v)
        self._after_structure(emit_change=False)

    def add_item(self, value: dict[str, Any]) -> None:
        item = self._append(value)
        self._after_structure(emit_change=True)
        first = self._first_focus(item)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_item(self, index: int) -> None:
        values = self.value()
        del values[index]
        focus_next = min(index, len(values) - 1)
        self._clear()
        for v in values:
            self._append(v)
        self._after_structure(emit_change=True)
        target = self._first_focus(self.items[focus_next]) if focus_next >= 0 else self.add
        (target or self.add).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building -----------------------------------------------------------------------------------------
    def _append(self, value: dict[str, Any]) -> RepeatItem:
        index = len(self.items)
        if self.table:
            if index == 0:
                self._headers()
            item: RepeatItem = TableItem(self, index, value, self.grid, 1 + 2 * index)
        else:
            item = CardItem(self, index, value, self.after)
            self.cards.addWidget(item)
            item.show()  # a layout shows a new child of a visible parent only later; focus needs it now
        item.set_value(value)
        for row in item.rows.values():
            row.input.changed.connect(self.changed.emit)
        item.remove.clicked.connect(lambda _c=False, i=index: self.remove_item(i))
        self.items.append(item)
        return item

    def _headers(self) -> None:
        for col, sub in enumerate(self.field.fields):
            head = QLabel(sub.plain_label, self.grid_host)
            head.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(head, 0, col)
            head.show()
        self.grid.setColumnStretch(len(self.field.fields) + 1, 1)

    def _clear(self) -> None:
        for item in self.items:
            if isinstance(item, TableItem):
                item.dispose()
            item.setParent(None)
            item.deleteLater()
        self.items = []
        if self.table:
            while self.grid.count():
                w = self.grid.takeAt(0).widget()
                if w is not None:
                    w.setParent(None)
                    w.deleteLater()

    def _after_structure(self, emit_change: bool) -> None:
        self.empty.setVisible(not self.items)
        if self.table:
            self.grid_host.setVisible(bool(self.items))
        minimum = self.field.min or 0
        for item in self.items:
            item.remove.setEnabled(len(self.items) > minimum)
        if self.picker is not None:
            self._refill_picker()
        self.structure_changed.emit()
        if emit_change:
            self.changed.emit()

    def _refill_picker(self) -> None:
        taken = {item.value().get(self.fixed_key) for item in self.items}
        self.picker.clear()
        for code, label in self.q.codes[self._codes].items():
            if code not in taken:
                self.picker.addItem(label, code)
        self.picker.setEnabled(self.picker.count() > 0)
        self.add.setEnabled(self.picker.count() > 0)

    def _add_picked(self) -> None:
        code = self.picker.currentData()
        if code is not None:
            self.add_item(self.blank(code))

    def _first_focus(self, item: RepeatItem) -> QWidget | None:
        for row in item.rows.values():
            ws = row.input.focus_widgets()
            if ws:
                return ws[0]
        return None

    def focus_chain(self) -> list[QWidget]:
        """Every focusable widget of the group, in reading order."""
        chain: list[QWidget] = []
        for item in self.items:
            for key, row in item.rows.items():
                chain.extend(row.input.focus_widgets())
                if key in item.extras:
                    chain.extend(getattr(item.extras[key], "focus_widgets", list)())
            chain.append(item.remove)
        if self.picker is not None:
            chain.append(self.picker)
        chain.append(self.add)
        return chain
