"""What screen readers hear: accessible names for repeated questions, help as the description, and spoken
announcements of what changes out of sight (the banner, "Saved", "Complete").

Why names are built here and not taken from the labels: the second child's case reference and the first
child's share a label ("Case reference"), and a screen reader that lists a page's fields would read two
identical names. ``name_input`` prefixes the entry ("Child 2 case reference", "Adult 1 GP engaged").
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from cpchair.gui.form.fields import FieldInput

#: The latest announcements (text, assertive), newest last: what a screen reader was asked to say.
RECENT: deque[tuple[str, bool]] = deque(maxlen=50)


def spoken(label: str) -> str:
    """A label as it reads after a prefix: "Case reference" -> "case reference", "GP engaged" stays."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def name_input(field_input: FieldInput, prefix: str = "") -> None:
    """Give the input's widgets names that say which question (and which entry) they answer.
    ``prefix``: "Child 2 " for a repeated entry, "" for a question asked once."""
    from cpchair.gui.form.fields import BoolInput, DateInput, MultiInput

    label = field_input.field.plain_label
    name = f"{prefix}{spoken(label)}" if prefix else label
    if isinstance(field_input, MultiInput):
        for box in field_input.boxes.values():
            box.setAccessibleName(f"{name}: {box.text().replace('&', '')}")
        return
    if isinstance(field_input, BoolInput):
        field_input.box.setAccessibleName(name)
        return
    for w in field_input.focus_widgets():
        w.setAccessibleName(name)
    if isinstance(field_input, DateInput):
        field_input.pick.setAccessibleName(f"Choose the {spoken(name)} from a calendar")


def describe(field_input: FieldInput, problems: str = "") -> None:
    """The accessible description: the problem shown beside the field (if any), then its help text."""
    text = " ".join(part for part in (problems, field_input.field.help or "") if part)
    for w in field_input.focus_widgets():
        if w.accessibleDescription() != text:
            w.setAccessibleDescription(text)


def announce(source: QWidget, text: str, *, assertive: bool = False) -> None:
    """Ask screen readers to say ``text`` now (Qt 6.8+ announcement event), whether or not ``source`` has
    the focus. Polite announcements wait for the reader to finish; assertive ones (errors) interrupt."""
    if not text:
        return
    RECENT.append((text, assertive))
    event = QAccessibleAnnouncementEvent(source, text)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive if assertive else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
