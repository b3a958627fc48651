"""Remove old personal details: the chair sees every conference whose names, case references, notes and
minutes are due to go (by date and type), and nothing goes until they confirm.

The rules are ``services.retention``'s; this dialog shows its ``review`` and passes back exactly the ids it
showed to ``apply`` (a conference that became due while the dialog was open is not removed unseen).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.exc import SQLAlchemyError

from cpchair.domain import dates
from cpchair.gui import prompts
from cpchair.gui.dialogs.audit_log import RowsModel
from cpchair.gui.tables import row_table
from cpchair.services import retention
from cpchair.storage.db import describe_error

COLUMNS = ("Conference date", "Type", "Family reference", "Plan ended / no plan", "Due for removal from")
WIDTHS = (120, 230, 160, 160)
KEPT = (
    "What stays: the questionnaire's answers (codes and dates) under the pseudonymous keys, so your figures "
    "and every export stay exactly as they are. Each removal is recorded in the audit log."
)


class RetentionDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.removed: list[str] = []
        self.setWindowTitle("Remove old personal details")
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("retention_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        kept = QLabel(KEPT)
        kept.setWordWrap(True)
        layout.addWidget(kept)
        self.model = RowsModel(COLUMNS, [], self)
        self.table = row_table(self.model, "Conferences whose personal details are due for removal", WIDTHS)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.remove_button = QPushButton("&Remove these details…")
        self.remove_button.setObjectName("remove_details")
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        self.remove_button.clicked.connect(self.remove)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        with self.db.session() as s:
            self.review = retention.review(s, self.today)
        rows = [
            (
                dates.format_uk(d.conference_date),
                d.type_label,
                d.family_ref,
                dates.format_uk(d.ended),
                dates.format_uk(d.remove_from),
            )
            for d in self.review.due
        ]
        self.model.beginResetModel()
        self.model.rows = rows
        self.model.endResetModel()
        self.summary.setText(self.review.summary())
        self.remove_button.setEnabled(bool(self.review.due))

    def remove(self) -> bool:
        """Ask once more, then remove the details of exactly the conferences listed."""
        ids = [d.conference_id for d in self.review.due]
        if not ids:
            return False
        text = (
            f"Remove the names, case references, notes and minutes of these {len(ids)} conference(s) from this "
            "computer? This cannot be undone. Their answers stay for your figures and exports."
        )
        if not prompts.confirm(self, "Remove old personal details", text, "&Remove"):
            return False
        try:
            with self.db.session() as s, s.begin():
                self.removed = retention.apply(s, self.today, conference_ids=ids)
            retention.clear_leftovers(self.db)
        except SQLAlchemyError as exc:
            prompts.error(self, "Nothing removed", f"Nothing was removed: {describe_error(exc)}.")
            return False
        self.refresh()
        self.summary.setText(
            f"Removed the personal details of {len(self.removed)} conference(s). " + self.review.summary()
        )
        return True
