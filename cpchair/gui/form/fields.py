"""GUI: one input widget per field kind of the questionnaire definition (date, bool, choice, multi, int, text).

Why one renderer per kind rather than a widget per question: the definition (questionnaire_v1.toml) is the
single place a question, its codes and its label live, so a new question or a new code appears in the form
without touching this file. Every input has the same small interface (``value()``, ``set_value()``,
``changed``, ``focus_widgets()``) so the editor can collect the record and walk the fields generically.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from cpchair.domain import dates
from cpchair.domain.questionnaire import Field, Questionnaire
from cpchair.gui import a11y, theme

CHOOSE = "Choose…"


class QuietCombo(QComboBox):
    """A combo box that ignores the mouse wheel unless it has the focus: scrolling down a long form must
    never change an answer the pointer happens to pass over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class FieldInput(QWidget):
    """The common interface of every field input."""

    changed = Signal()  # the answer changed (save it, re-check everything)
    recheck = Signal()  # nothing changed, but the field's own message may (a date left half-typed)

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setObjectName(field.key)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widgets(self) -> list[QWidget]:
        """The widgets Tab visits, in reading order."""
        raise NotImplementedError

    def buddy(self) -> QWidget:
        """The widget a label's mnemonic focuses."""
        return self.focus_widgets()[0]

    def set_path(self, path: str) -> None:
        """Name this input and its widgets after the record path (``children[1].age_years``), so that
        tests, accessibility tools and the editor's focus moves can find a repeated question by its entry."""
        self.setObjectName(path)
        for w in self.findChildren(QWidget):
            name = w.objectName()
            if name.startswith(self.field.key + "."):
                w.setObjectName(path + name[len(self.field.key) :])

    def input_error(self) -> str | None:
        """A problem with what was typed that the record cannot carry (a date that is not a date)."""
        return None

    def pending(self) -> bool:
        """Something is typed that is not an answer yet: "not answered" would be wrong to say."""
        return False

    def set_described(self, text: str) -> None:
        """Tell assistive technology about the problem shown beside the field (then its help text)."""
        a11y.describe(self, text)


class DateInput(FieldInput):
    """A date typed as dd/mm/yyyy; the record holds ISO ``YYYY-MM-DD`` (spec §2)."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"{field.key}.edit")
        self.edit.setPlaceholderText("dd/mm/yyyy")
        self.edit.setMaxLength(10)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        self.edit.setAccessibleName(field.plain_label)
        self.typing = False
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self._finished)
        # A calendar for the mouse; keyboard users type, so the button is not a Tab stop.
        self.pick = QToolButton(self)
        self.pick.setObjectName(f"{field.key}.calendar")
        self.pick.setText("Calendar…")
        self.pick.setAccessibleName(f"Choose the {field.plain_label.lower()} from a calendar")
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick.clicked.connect(self.open_calendar)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        lay.addWidget(self.pick)
        lay.addStretch(1)

    def open_calendar(self) -> QCalendarWidget:
        """A month calendar under the field, starting on Monday, on the typed date or today."""
        popup = QCalendarWidget(self)
        popup.setWindowFlags(Qt.WindowType.Popup)
        popup.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        popup.setGridVisible(True)
        current = self.date()
        if current is not None:
            popup.setSelectedDate(QDate(current.year, current.month, current.day))
        popup.clicked.connect(lambda d: self._picked(popup, d))
        popup.activated.connect(lambda d: self._picked(popup, d))
        popup.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        popup.show()
        popup.setFocus()
        return popup

    def _picked(self, popup: QCalendarWidget, d: QDate) -> None:
        popup.close()
        popup.deleteLater()
        self.set_value(date(d.year(), d.month(), d.day()))
        self.changed.emit()
        self.edit.setFocus()

    def _edited(self, _text: str) -> None:
        self.typing = True
        self.changed.emit()

    def _finished(self) -> None:
        if self.typing:
            self.typing = False
            self.recheck.emit()

    def date(self) -> date | None:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return dates.parse_uk(text)
        except ValueError:
            return None

    def value(self) -> str | None:
        d = self.date()
        return d.isoformat() if d else None

    def set_value(self, value: Any) -> None:
        d = dates.parse_iso(value) if isinstance(value, str) else value
        self.typing = False
        self.edit.setText(dates.format_uk(d))

    def pending(self) -> bool:
        return bool(self.edit.text().strip()) and self.date() is None

    def input_error(self) -> str | None:
        """'Enter a date as dd/mm/yyyy' once the date is whole (ten characters) or the chair moves on;
        not while "1/" is still being typed."""
        text = self.edit.text().strip()
        if text and self.date() is None and (len(text) >= 10 or not self.typing):
            return "bad_date"
        return None

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]

    def set_read_only(self, read_only: bool, why: str = "") -> None:
        """A date the form fills in itself: shown greyed, still readable and selectable."""
        if read_only == self.edit.isReadOnly():
            return
        self.edit.setReadOnly(read_only)
        self.pick.setEnabled(not read_only)
        theme.set_tone(self.edit, "read-only" if read_only else None)
        self.edit.setToolTip(why if read_only else "")


class BoolInput(FieldInput):
    """A tick box; its own text carries the label and mnemonic (no separate label)."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.box = QCheckBox(field.label, self)
        self.box.setObjectName(f"{field.key}.box")
        self.box.toggled.connect(lambda _c: self.changed.emit())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.box)
        lay.addStretch(1)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def focus_widgets(self) -> list[QWidget]:
        return [self.box]


class ChoiceInput(FieldInput):
    """One code from a list, shown by its label. The list can change (decisions follow the conference type);
    a value not in the current list is kept and shown, so a change of type never silently loses an answer."""

    def __init__(self, field: Field, q: Questionnaire, code_list: str, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.q = q
        self.code_list = code_list
        self.combo = QuietCombo(self)
        self.combo.setObjectName(f"{field.key}.combo")
        self.combo.setAccessibleName(field.plain_label)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumWidth(220)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.combo)
        lay.addStretch(1)
        self._fill(None)

    def _fill(self, keep: str | None) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(CHOOSE, None)
        for code, label in self.q.codes[self.code_list].items():
            self.combo.addItem(label, code)
        if keep is not None and self.combo.findData(keep) < 0:
            other = next((lst for lst, codes in self.q.codes.items() if keep in codes), None)
            label = self.q.label(other, keep) if other else keep
            self.combo.addItem(f"{label} (not an answer for this conference type)", keep)
        self.combo.setCurrentIndex(max(0, self.combo.findData(keep)) if keep is not None else 0)
        self.combo.blockSignals(False)

    def set_code_list(self, code_list: str) -> None:
        if code_list != self.code_list:
            self.code_list = code_list
            self._fill(self.value())

    def value(self) -> str | None:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self._fill(value)

    def focus_widgets(self) -> list[QWidget]:
        return [self.combo]


class MultiInput(FieldInput):
    """Several codes, one tick box each, in the definition's order."""

    COLUMNS = 3

    def __init__(self, field: Field, q: Questionnaire, code_list: str, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        codes = list(q.codes[code_list].items())
        rows = -(-len(codes) // self.COLUMNS)
        for i, (code, label) in enumerate(codes):
            box = QCheckBox(label, self)
            box.setObjectName(f"{field.key}.{code}")
            box.toggled.connect(lambda _c: self.changed.emit())
            self.boxes[code] = box
            grid.addWidget(box, i % rows, i // rows)  # down the columns: reads like a printed list
        grid.setColumnStretch(self.COLUMNS, 1)
        self._unknown: list[str] = []

    def value(self) -> list[str]:
        return [c for c, b in self.boxes.items() if b.isChecked()] + self._unknown

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        self._unknown = [c for c in (value or ()) if c not in self.boxes]
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in chosen)
            box.blockSignals(False)

    def focus_widgets(self) -> list[QWidget]:
        rows = -(-len(self.boxes) // self.COLUMNS)
        boxes = list(self.boxes.values())
        # Tab follows the columns, the order the eye reads them in.
        return [boxes[c * rows + r] for c in range(self.COLUMNS) for r in range(rows) if c * rows + r < len(boxes)]


class IntInput(FieldInput):
    """A whole number, or blank. Range rules come from validation, so "18" shows a message, not a refusal."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"{field.key}.edit")
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}"), self.edit))
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("0000") + 24)
        self.edit.setAccessibleName(field.plain_label)
        self.edit.textEdited.connect(lambda _t: self.changed.emit())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        lay.addStretch(1)

    def value(self) -> int | None:
        text = self.edit.text().strip()
        return int(text) if text else None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]


class TextInput(FieldInput):
    """Free text: one line, or a page of notes (where Tab still moves on, as everywhere else in the form)."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        if field.multiline:
            self.edit = QPlainTextEdit(self)
            self.edit.setTabChangesFocus(True)
            self.edit.setMinimumHeight(260)
            self.edit.textChanged.connect(self.changed.emit)
            lay.addWidget(self.edit)
        else:
            self.edit = QLineEdit(self)
            self.edit.setMaxLength(200)
            self.edit.setMinimumWidth(320)
            self.edit.textEdited.connect(lambda _t: self.changed.emit())
            lay.addWidget(self.edit)
            lay.addStretch(1)
        self.edit.setObjectName(f"{field.key}.edit")
        self.edit.setAccessibleName(field.plain_label)

    def value(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()

    def set_value(self, value: Any) -> None:
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.blockSignals(True)
            self.edit.setPlainText(value or "")
            self.edit.blockSignals(False)
        else:
            self.edit.setText(value or "")

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]


def make_input(field: Field, q: Questionnaire, parent: QWidget | None = None) -> FieldInput:
    """The renderer for ``field.kind``. ``a|b`` code lists start on the first list (the editor switches)."""
    code_list = (field.codes or "").split("|")[0]
    made: FieldInput
    match field.kind:
        case "date":
            made = DateInput(field, parent)
        case "bool":
            made = BoolInput(field, parent)
        case "choice":
            made = ChoiceInput(field, q, code_list, parent)
        case "multi":
            made = MultiInput(field, q, code_list, parent)
        case "int":
            made = IntInput(field, parent)
        case "text":
            made = TextInput(field, parent)
        case _:
            raise ValueError(f"The questionnaire definition has a field of unknown kind {field.kind!r} ({field.key}).")
    a11y.name_input(made)
    a11y.describe(made)  # the help text, read when the field gets the focus
    return made
