"""The letters (to the child or young person, and the decision letter to parents) as PDF.

Same page furniture, marking and fonts as the minutes (shaped text in any script), and drawn only from a
``Letter``, which was written from an already-filtered copy of the minutes: nothing withheld can reach it.
The child's letter uses a larger type, as letters to children should.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer

from cpchair.domain.dates import format_long
from cpchair.reports.pdf_common import Furniture, atomic_write, build_pdf, clean_text, logo_flowable, para, styles
from cpchair.services.letters import CHILD, Letter


def check_letter(letter: Letter) -> None:
    """UnprintableText for the first part of the letter no bundled font can print."""
    clean_text("Letter greeting", letter.to)
    for i, text in enumerate(letter.paragraphs, 1):
        clean_text(f"Letter paragraph {i}", text)
    for line in letter.signature:
        clean_text("Signature", line)


def render(letter: Letter) -> bytes:
    check_letter(letter)
    s = styles()
    large = letter.kind == CHILD
    body = ParagraphStyle(
        "letter",
        parent=s.body,
        fontSize=13 if large else 10.5,
        leading=19 if large else 15,
        spaceAfter=9 if large else 7,
    )
    doc = letter.doc
    story: list[Flowable] = []
    logo = logo_flowable(doc.logo_path)
    if logo is not None:
        logo.hAlign = "RIGHT"
        story.append(logo)
    story.append(para(clean_text("Service name", doc.service_name), s.subtitle))
    story.append(para(format_long(letter.dated), body))
    story.append(Spacer(1, 6))
    if letter.subject:
        story.append(para(clean_text("Letter subject", letter.subject), s.h2))
    story.append(para(clean_text("Letter greeting", letter.to), body))
    for i, text in enumerate(letter.paragraphs, 1):
        for block in clean_text(f"Letter paragraph {i}", text).split("\n"):
            if block.strip():
                story.append(para(block.strip(), body))
    story.append(Spacer(1, 6))
    story.append(para(letter.closing, body))
    story.append(Spacer(1, 16))
    for line in letter.signature:
        if line:
            story.append(para(clean_text("Signature", line), body))
    title = "Letter to the child" if large else "Decision letter"
    furniture = Furniture(
        service_name=clean_text("Service name", doc.service_name),
        running_title=f"{title} · {format_long(letter.dated)}".rstrip(" ·"),
        footer_left=f"Ref. {doc.conference_id[:8]}",
    )
    return build_pdf(story, furniture, title=title, subject=doc.type_label, author=furniture.service_name)


def write(letter: Letter, path: str | os.PathLike[str]) -> Path:
    return atomic_write(path, render(letter))
