"""The first-run dialog: who you are, your role, and an offer to explore with sample data.

Sample data comes from the demo generator (``cpchair.services.demo.generate``). It is reached through
``load_sample_data`` only, so that a build without it still starts and says so plainly.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cpchair import settings
from cpchair.gui import theme
from cpchair.interchange.text import name_problem

SAMPLE_CONFERENCES = 150
SAMPLE_SEED = 2026
ROLES = (
    ("chair", "&Conference chair: I chair conferences and fill in the questionnaire"),
    ("coordinator", "C&oordinator: I merge the chairs' exports and report on the service"),
)


def load_sample_data(
    db, conferences: int | None = None, seed: int = SAMPLE_SEED, *, parent: QWidget | None = None
) -> str | None:
    """Fill the database with sample conferences. Returns None on success, else a sentence saying why not.

    It takes a few seconds, so a progress dialog says what is being done meanwhile (the generator reports
    each stage; the window repaints between them).
    """
    conferences = conferences or SAMPLE_CONFERENCES
    try:
        generate = importlib.import_module("cpchair.services.demo").generate
    except (ImportError, AttributeError):
        return "Sample data is not available in this version of cpchair."
    busy = QProgressDialog("Making sample data…", "", 0, 0, parent)
    busy.setWindowTitle("Sample data")
    busy.setCancelButton(None)  # the generator cannot stop half-way; it is quick
    busy.setMinimumDuration(0)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setAccessibleName("Sample data progress")
    busy.show()
    QApplication.processEvents()

    def progress(text: str) -> None:
        busy.setLabelText(text)
        QApplication.processEvents()

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        with db.session() as s:
            generate(s, conferences=conferences, seed=seed, progress=progress)
            s.commit()
    except Exception as exc:  # the sample data is optional: say what happened and carry on empty
        return f"The sample data could not be made ({exc})."
    finally:
        QGuiApplication.restoreOverrideCursor()
        busy.close()
        busy.deleteLater()
    return None


class FirstRunDialog(QDialog):
    """Asks for the chair's name and role; ``explore`` is True when sample data was asked for."""

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.explore = False
        self.setWindowTitle("Welcome to cpchair")
        intro = QLabel(
            "cpchair keeps your conference questionnaires and minutes on this computer and sends "
            "pseudonymised records to your service's shared folder. Tell it who you are to begin."
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("e.g. Sam Taylor")
        name_label = QLabel("Your &name:")
        name_label.setBuddy(self.name_edit)
        self.role_group = QButtonGroup(self)
        self.role_buttons: dict[str, QRadioButton] = {}
        role_box = QVBoxLayout()
        for code, text in ROLES:
            button = QRadioButton(text)
            self.role_group.addButton(button)
            self.role_buttons[code] = button
            role_box.addWidget(button)
        self.error_label = QLabel()
        theme.set_tone(self.error_label, "error")
        self.error_label.setAccessibleName("Problem")
        self.error_label.hide()

        with db.session() as s:
            self.name_edit.setText(settings.get(s, "chair_name"))
            role = settings.get(s, "role")
        self.role_buttons.get(role, self.role_buttons["chair"]).setChecked(True)

        form = QFormLayout()
        form.addRow(name_label, self.name_edit)
        form.addRow(QLabel("Your role:"), role_box)

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("&Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sample_button = QPushButton("&Explore with sample data")
        self.sample_button.setToolTip(f"Adds {SAMPLE_CONFERENCES} made-up conferences so you can try every page")
        self.buttons.addButton(self.sample_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self._finish(explore=False))
        self.sample_button.clicked.connect(lambda: self._finish(explore=True))

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(QLabel("<h2>Welcome to cpchair</h2>"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def role(self) -> str:
        for code, button in self.role_buttons.items():
            if button.isChecked():
                return code
        return "chair"

    def _finish(self, explore: bool) -> None:
        name = " ".join(self.name_edit.text().split())
        if not name:
            self.error_label.setText("Enter your name: it is printed on your minutes and shown to your coordinator.")
            self.error_label.show()
            self.name_edit.setFocus()
            return
        problem = name_problem(name, "Your name")
        if problem is not None:
            self.error_label.setText(f"{problem}: the coordinator's merge would refuse your exports. Type it again.")
            self.error_label.show()
            self.name_edit.setFocus()
            return
        with self.db.session() as s:
            settings.put(s, "chair_name", name)
            settings.put(s, "role", self.role())
            settings.put(s, "first_run_done", True)
            s.commit()
        self.explore = explore
        self.accept()
