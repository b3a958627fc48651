"""GUI: the guidance shown beside a child's category (spec §5 emotional abuse; the neglect definition).

Never blocking: the chair can ignore it and still choose any category. Once the chair has answered the
emotional-abuse prompt the answer stays on screen (the buttons stay too, so it can be changed).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cpchair.domain.questionnaire import Questionnaire
from cpchair.gui import theme

# What each answer's button says (an action); an answer added to the definition gets a button with its label.
VERBS = {
    "confirmed": "Confir&m emotional abuse",
    "changed_to_neglect": "Change to neg&lect",
    "changed_to_multiple": "Change to m&ultiple",
}


class CategoryGuidance(QWidget):
    """The emotional-abuse prompt with its three answers, and the neglect definition."""

    answered = Signal(str)  # an emotional_abuse_check code

    def __init__(self, q: Questionnaire, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.q = q
        theme.install()  # the boxes' colours (QFrame#guidance, QFrame#neglect) come from the theme's sheet
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.setMaximumWidth(760)  # a paragraph, not a banner: lines short enough to read

        self.ea = QFrame(self)
        self.ea.setObjectName("guidance")
        ea_lay = QVBoxLayout(self.ea)
        g = q.guidance["emotional_abuse"]
        title = QLabel(g.title, self.ea)
        title.setStyleSheet("font-weight: 600;")
        self.ea_text = QLabel(g.text, self.ea)
        self.ea_text.setWordWrap(True)
        ea_lay.addWidget(title)
        ea_lay.addWidget(self.ea_text)
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for code, label in q.codes["emotional_abuse_check"].items():
            b = QPushButton(VERBS.get(code, label), self.ea)
            b.setObjectName(f"ea.{code}")
            b.setCheckable(True)
            b.clicked.connect(lambda _c=False, c=code: self.answered.emit(c))
            self.group.addButton(b)
            self.buttons[code] = b
            row.addWidget(b)
        row.addStretch(1)
        ea_lay.addLayout(row)
        self.answer = QLabel(self.ea)
        self.answer.setObjectName("ea.answer")
        self.answer.setWordWrap(True)
        ea_lay.addWidget(self.answer)
        lay.addWidget(self.ea)

        self.neglect = QFrame(self)
        self.neglect.setObjectName("neglect")
        n_lay = QVBoxLayout(self.neglect)
        n = q.guidance["neglect"]
        n_title = QLabel(n.title, self.neglect)
        n_title.setStyleSheet("font-weight: 600;")
        n_text = QLabel(n.text, self.neglect)
        n_text.setWordWrap(True)
        n_lay.addWidget(n_title)
        n_lay.addWidget(n_text)
        lay.addWidget(self.neglect)
        self.update_state(False, None, None)

    def update_state(self, prompt_due: bool, check: str | None, category: str | None) -> bool:
        """Show the prompt while it is due or answered; show the neglect definition for neglect.
        Returns whether there is anything to show (the editor hides the whole row otherwise)."""
        show_ea = prompt_due or check is not None
        self.ea.setVisible(show_ea)
        self.group.setExclusive(False)  # an exclusive group refuses to uncheck its last button
        for code, b in self.buttons.items():
            b.setChecked(code == check)
        self.group.setExclusive(True)
        if check is None:
            self.answer.setText("Not answered yet. You can still choose any category.")
        else:
            self.answer.setText(f"Your answer: {self.q.label('emotional_abuse_check', check)}.")
        self.neglect.setVisible(category == "neglect")
        return show_ea or category == "neglect"

    def name_for(self, whom: str) -> None:
        """Each child has its own prompt: "Confirm emotional abuse for child 2" tells them apart."""
        for b in self.buttons.values():
            b.setAccessibleName(f"{b.text().replace('&', '')} for {whom}")

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())
