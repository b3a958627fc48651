"""The coordinator's comparators: import the DfE's local-authority table, choose the authority and its
statistical neighbours.

Why in the app as well as on the command line: the coordinator downloads the table each autumn and
compares the service with "similar local authorities" (as the 2013 report did); choosing ten neighbours
from a list of 150 authorities is a job for a list with check boxes, not for typing codes. Everything goes
through ``cpchair.services.comparators``, exactly as ``cpchair comparators`` does; nothing is fetched.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cpchair.errors import CpchairError
from cpchair.gui import prompts
from cpchair.services import comparators


def choose_csv(parent: QWidget) -> str:
    """The file picker (a function, so tests can replace it)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Import a DfE local-authority table", "", "CSV files (*.csv)")
    return path


class ComparatorsView(QWidget):
    """Import button, what is imported, the authority and a checkable list of neighbours."""

    changed = Signal()  # a table was imported or the choice saved: the dashboard reads them again

    def __init__(self, db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        intro = QLabel(
            "Compare the service with England and its statistical neighbours: download the DfE's "
            "'Characteristics of children in need' local-authority table (CSV) and import it here. "
            "cpchair never goes on the internet."
        )
        intro.setWordWrap(True)
        self.import_button = QPushButton("&Import DfE table…")
        self.import_button.setAccessibleName("Import DfE table")
        self.import_button.clicked.connect(self.import_clicked)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Comparators status")
        self.authority = QComboBox()
        self.authority.setAccessibleName("Authority")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter the authorities")
        self.filter.setAccessibleName("Filter neighbours")
        self.filter.textChanged.connect(self._filter)
        self.neighbours = QListWidget()
        self.neighbours.setAccessibleName("Statistical neighbours")
        self.save_button = QPushButton("&Save choice")
        self.save_button.setAccessibleName("Save comparators choice")
        self.save_button.clicked.connect(self.save)

        form = QFormLayout()
        auth_label = QLabel("&Authority")
        auth_label.setBuddy(self.authority)
        form.addRow(auth_label, self.authority)
        nb_label = QLabel("Statistical &neighbours")
        nb_label.setBuddy(self.neighbours)
        form.addRow(nb_label, self.filter)
        form.addRow("", self.neighbours)
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(form)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        self._loaded = False  # read the table when first shown: opening the coordinator view stays quick

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._loaded:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self._loaded = True
        with self.db.session() as s:
            table = comparators.load_table(s)
        areas = table.areas()
        years = ", ".join(table.years())
        self.status.setText(
            f"Imported: {len(areas)} authorities, years {years}." if areas else "No DfE table imported yet."
        )
        self.authority.clear()
        self.authority.addItem("(not chosen)", "")
        for code, name in areas.items():
            self.authority.addItem(f"{name} ({code})", code)
        self.authority.setCurrentIndex(max(self.authority.findData(table.authority), 0))
        self.neighbours.clear()
        for code, name in areas.items():
            item = QListWidgetItem(f"{name} ({code})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in table.neighbours else Qt.CheckState.Unchecked)
            self.neighbours.addItem(item)
        for w in (self.authority, self.neighbours, self.filter, self.save_button):
            w.setEnabled(bool(areas))

    def chosen_neighbours(self) -> list[str]:
        return [
            self.neighbours.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.neighbours.count())
            if self.neighbours.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _filter(self, text: str) -> None:
        for i in range(self.neighbours.count()):
            item = self.neighbours.item(i)
            item.setHidden(text.casefold() not in item.text().casefold())

    def import_clicked(self) -> None:
        path = choose_csv(self)
        if not path:
            return
        try:
            with self.db.session() as s:
                summary = comparators.import_file(s, path)
                s.commit()
        except CpchairError as exc:
            prompts.error(self, "Import DfE table", str(exc))
            return
        self.refresh()
        self.status.setText(
            f"Imported {summary.values} values for {summary.areas} areas ({', '.join(summary.years)}). "
            + self.status.text()
        )
        self.changed.emit()

    def save(self) -> None:
        try:
            with self.db.session() as s:
                comparators.choose(s, self.authority.currentData() or "", self.chosen_neighbours())
                s.commit()
        except CpchairError as exc:
            prompts.error(self, "Comparators", str(exc))
            return
        self.status.setText("Saved: the dashboard and the report now compare with this choice.")
        self.changed.emit()
