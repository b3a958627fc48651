"""The printable recovery sheet: the coordinator's recovery identity on one A4 page, to lock away.

Why a sheet: the recovery identity opens every export the service ever made, so cpchair never keeps it; a
file can be lost with a laptop, and a paper copy in a safe cannot. The identity is printed whole in a
monospaced face (so it can be typed back exactly) and again in groups of eight for reading aloud or
checking, with its public key and how to use it (``cpchair merge FOLDER --recovery-identity FILE``).
Marked OFFICIAL-SENSITIVE like every page cpchair prints.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from cpchair.interchange.crypto import grouped
from cpchair.reports.pdf_common import Furniture, atomic_write, build_pdf, para_markup, styles


def recovery_sheet_pdf(
    identity: str, recipient: str, *, made_at: str, service_name: str, coordinator_kid: str
) -> bytes:
    st = styles()
    mono = ParagraphStyle("mono", fontName="Courier-Bold", fontSize=10.5, leading=15, spaceAfter=6)
    head, rest = identity[:16], identity[16:]  # "AGE-SECRET-KEY-1", then the key itself
    groups = head + " " + " ".join(rest[i : i + 8] for i in range(0, len(rest), 8))
    story = [
        Paragraph("cpchair recovery key", st.title),
        Paragraph(para_markup(service_name), st.subtitle),
        Spacer(1, 4 * mm),
        Paragraph(
            "This key opens every export file the service's chairs have written for this coordinator. cpchair "
            "keeps no copy of it. Lock this sheet away (a safe, not a shared drive) and never photograph or "
            "scan it.",
            st.body,
        ),
        Paragraph("Recovery identity (type it exactly, on one line):", st.h2),
        Paragraph(identity, mono),
        Paragraph("The same, in groups of eight for checking:", st.body),
        Paragraph(groups, mono),
        Paragraph("Its public key (as the recipients file on the share lists it):", st.body),
        Paragraph(recipient, mono),
        Paragraph("When to use it", st.h2),
        Paragraph(
            "If the coordinator's computer or key is lost: on a new installation enrol the chairs' keys again, "
            "type the identity above into a file, and run <font name='Courier'>cpchair merge FOLDER "
            "--recovery-identity FILE</font>. Then delete the file.",
            st.body,
        ),
        Paragraph(
            f"Made {made_at}. Coordinator's signing key fingerprint: {grouped(coordinator_kid)}",
            st.small,
        ),
    ]
    furniture = Furniture(service_name=service_name, running_title="Recovery key")
    return build_pdf(story, furniture, title="cpchair recovery key", subject="Recovery key", author=service_name)


def write_recovery_sheet(path: str | Path, identity: str, recipient: str, **kw: str) -> Path:
    return atomic_write(path, recovery_sheet_pdf(identity, recipient, **kw))
