"""GUI: which copy the minutes page previews, saves and prints: the professionals' minutes, a family member's
copy, or one of the letters. Renders through the services and reports only, so the preview is the very PDF a
recipient would get (restrictions applied)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from cpchair.reports import letters_pdf, minutes_pdf
from cpchair.services import letters
from cpchair.services import minutes_versions as mv
from cpchair.services.minutes import MinutesDocument


class VersionPicker(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("version_picker")
        self.setAccessibleName("Which copy to preview, save and print")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(28)

    def set_versions(self, doc: MinutesDocument) -> None:
        """One entry per copy of these minutes, then the letters; keeps the choice when it still exists."""
        current = self.currentData()
        self.blockSignals(True)
        try:
            self.clear()
            for v in mv.versions_of(doc):
                self.addItem(f"Minutes: {v.for_whom}", f"minutes:{v.code}")
            if any(not c.unborn for c in doc.children):
                self.addItem("Letter to the child", f"letter:{letters.CHILD}")
            self.addItem("Decision letter to the parents", f"letter:{letters.PARENTS}")
            index = self.findData(current) if current else 0
            self.setCurrentIndex(max(0, index))
        finally:
            self.blockSignals(False)

    def choose(self, kind: str, code: str) -> None:
        self.setCurrentIndex(max(0, self.findData(f"{kind}:{code}")))

    def render(self, full: MinutesDocument, local: dict[str, Any]) -> tuple[bytes, str]:
        """The chosen copy as PDF bytes and a suggested file name (CpchairError says why it cannot be made)."""
        kind, _, code = (self.currentData() or f"minutes:{mv.FULL}").partition(":")
        if kind == "letter":
            letter = letters.letter_from(full, local, code)
            return letters_pdf.render(letter), letter.suggested_filename
        doc, _ = mv.for_version(full, local, code)
        return minutes_pdf.render(doc), doc.suggested_filename
