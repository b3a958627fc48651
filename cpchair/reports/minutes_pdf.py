"""The conference minutes as a PDF, drawn from a ``MinutesDocument`` and nothing else.

Layout follows the usual English conference record (domain notes §4.2): header, children and household,
attendance and reports, purpose, information shared, analysis, decision, outline plan, core group and review,
distribution. Every heading is always printed; a section with nothing written says "Not recorded." so a
reader can tell an empty section from a missing one. Tables hold attendance, scaling and the plan.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from cpchair.domain.dates import format_long, format_uk
from cpchair.reports.pdf_common import (
    CONTENT_WIDTH,
    FONT,
    Furniture,
    UnprintableText,
    atomic_write,
    build_pdf,
    clean_text,
    grid_table,
    logo_flowable,
    para,
    para_markup,
    paragraphs_of,
    styles,
)
from cpchair.services.minutes import MinutesDocument

NOT_RECORDED = "Not recorded."
SECTIONS = (
    "1. Children and household",
    "2. Attendance and reports",
    "3. Purpose of the conference",
    "4. Information shared",
    "5. Analysis",
    "6. Decision",
    "7. Outline child protection plan",
    "8. Core group and review",
    "9. Distribution",
)
CONFIDENTIAL = (
    "These minutes are confidential. They are shared with the people on the distribution list for the purpose "
    "of safeguarding the children named, and must not be passed to anyone else without the chair's agreement."
)


def status_line(doc: MinutesDocument) -> str:
    """Draft or signed off, in words (printed in the header and above the distribution record)."""
    if not doc.draft:
        return f"Signed off by {doc.signed_by} on {format_uk(_day(doc.signed_at))}."
    if doc.signed_by:
        return "DRAFT: changed since it was signed off; the chair must sign it off again."
    return "DRAFT: not yet signed off by the chair."


def _day(timestamp: str):
    from cpchair.domain.dates import parse_iso

    return parse_iso(timestamp[:10]) if timestamp else None


def check_document(doc: MinutesDocument) -> None:
    """Raise UnprintableText for the first field the PDF could not print faithfully."""
    for label, text in doc.labelled_text():
        clean_text(label, text)


class _Renderer:
    def __init__(self, doc: MinutesDocument) -> None:
        self.doc = doc
        self.s = styles()
        self.story: list[Flowable] = []

    # -- small builders ------------------------------------------------------------------------------------
    def p(self, text: str, style=None) -> Flowable:
        return para(text, style or self.s.body)

    def cell(self, text: str, head: bool = False) -> Flowable:
        return para(text or "–", self.s.cell_head if head else self.s.cell)

    def h1(self, text: str) -> None:
        self.story.append(para(text, self.s.h1))

    def h2(self, text: str) -> None:
        self.story.append(para(text, self.s.h2))

    def text(self, label: str, text: str, empty: str = NOT_RECORDED) -> None:
        """Free text: one flowable per paragraph so very long text splits between pages."""
        clean = clean_text(label, text)
        blocks = paragraphs_of(clean)
        if not blocks:
            self.story.append(para(empty, self.s.muted))
            return
        self.story.extend(self.p(b) for b in blocks)

    def headed_text(self, heading: str, label: str, text: str, empty: str = NOT_RECORDED) -> None:
        """A sub-heading kept with the first paragraph under it (a heading never ends a page alone)."""
        start = len(self.story)
        self.h2(heading)
        self.text(label, text, empty)
        head, first = self.story[start], self.story[start + 1]
        self.story[start : start + 2] = [KeepTogether([head, first])]

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        data = [[self.cell(h, head=True) for h in header]] + [[self.cell(c) for c in r] for r in rows]
        self.story.append(grid_table(data, [w * CONTENT_WIDTH for w in widths]))
        self.story.append(Spacer(1, 4))

    def lines(self, label: str, text: str, empty: str = NOT_RECORDED) -> None:
        """One entry per line (core group members, distribution), printed as a bulleted list."""
        items = [line.strip(" -•\t") for line in clean_text(label, text).split("\n") if line.strip(" -•\t")]
        if not items:
            self.story.append(para(empty, self.s.muted))
            return
        for item in items:
            self.story.append(para(item, self.s.bullet, bullet="•"))

    # -- sections --------------------------------------------------------------------------------------------
    def header(self) -> None:
        d = self.doc
        logo = logo_flowable(d.logo_path)
        title = [
            para(clean_text("Service name", d.service_name), self.s.subtitle),
            Paragraph("Child Protection Conference Minutes", self.s.title),
            para(d.type_label, self.s.subtitle),
        ]
        if logo is not None:
            band = Table([[title, logo]], colWidths=[CONTENT_WIDTH - 50 * mm, 50 * mm])
            band.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), FONT),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ]
                )
            )
            logo.hAlign = "RIGHT"
            self.story.append(band)
        else:
            self.story.extend(title)
        venue = clean_text("Venue", d.venue)
        if d.virtual:
            venue = f"Virtual meeting ({venue})" if venue else "Virtual meeting"
        when = format_long(d.conference_date)
        if d.conference_date:
            when += f" ({format_uk(d.conference_date)})"
        family = " – ".join(x for x in (d.family_name, d.family_ref and f"ref. {d.family_ref}") if x)
        rows = [
            ("Type of conference", d.type_label),
            ("Date", when or NOT_RECORDED),
            ("Time", clean_text("Time", d.time) or NOT_RECORDED),
            ("Venue", venue or NOT_RECORDED),
            ("Chair", clean_text("Chair", d.chair) or NOT_RECORDED),
            ("Minute-taker", clean_text("Minute-taker", d.minute_taker) or NOT_RECORDED),
            ("Family", clean_text("Family name", family) or NOT_RECORDED),
            ("This copy is for", d.version_for),
            ("Status", status_line(d)),
        ]
        data = [[self.cell(k, head=True), self.cell(v)] for k, v in rows]
        self.story.append(Spacer(1, 2))
        self.story.append(
            grid_table(data, [0.28 * CONTENT_WIDTH, 0.72 * CONTENT_WIDTH], header=False, label_column=True)
        )
        self.story.append(Spacer(1, 6))
        self.story.append(Paragraph(para_markup(CONFIDENTIAL), self.s.notice))
        if d.notice:
            self.story.append(para(d.notice, self.s.notice))

    def children(self) -> None:
        d = self.doc
        self.h1(SECTIONS[0])
        rows = []
        for i, c in enumerate(d.children, 1):
            start = format_uk(c.plan_start) if c.plan_start else ""
            born = c.born if c.unborn else (f"Born {c.born}" if c.born else "")
            who = "\n".join(
                x for x in (clean_text(f"Name of child {i}", c.name), born, c.case_ref and f"Ref. {c.case_ref}") if x
            )
            rows.append([who, c.age, c.plan_sequence, c.participation, start])
        self.table(
            ["Child", "Age", "Which plan", "Child's participation", "Plan started"], rows, [0.27, 0.1, 0.17, 0.3, 0.16]
        )
        if d.address:
            self.headed_text("Address", "Address", d.address)
        self.headed_text("Household and family network", "Household and family network", d.household)

    def attendance(self) -> None:
        d = self.doc
        self.h1(SECTIONS[1])
        self.h2("Family members invited")
        if d.adults:
            rows = []
            for i, a in enumerate(d.adults, 1):
                note = a.attendance + (f": {a.not_invited_reason}" if a.not_invited_reason else "")
                rows.append([clean_text(f"Name of adult {i}", a.name) or "–", a.relationship, note])
            self.table(["Name", "Relationship", "Attendance"], rows, [0.32, 0.28, 0.4])
        else:
            self.story.append(self.p("No parents or carers were recorded.", self.s.muted))
        self.h2("Agencies invited")
        if d.agencies:
            rows = [[a.agency, "Yes" if a.invited else "No", a.attendance, a.report or "–"] for a in d.agencies]
            self.table(["Agency", "Invited", "Attendance", "Report"], rows, [0.34, 0.12, 0.28, 0.26])
        else:
            self.story.append(self.p("No agencies were recorded.", self.s.muted))
        self.h2("Professionals present")
        if d.attendees:
            rows = [
                [
                    clean_text(f"Professional {i} (name)", p.name),
                    clean_text(f"Professional {i} (role)", p.role),
                    p.agency,
                    p.attendance,
                ]
                for i, p in enumerate(d.attendees, 1)
            ]
            self.table(["Name", "Role", "Agency", "Attendance"], rows, [0.27, 0.27, 0.26, 0.2])
        else:
            self.story.append(self.p("Not recorded by name: see the agencies above.", self.s.muted))
        staff = [
            ["Allocated social worker", clean_text("Social worker", d.social_worker) or NOT_RECORDED],
            ["Team manager", clean_text("Team manager", d.team_manager) or NOT_RECORDED],
        ]
        self.story.append(
            grid_table(
                [[self.cell(k, head=True), self.cell(v)] for k, v in staff],
                [0.45 * CONTENT_WIDTH, 0.55 * CONTENT_WIDTH],
                header=False,
                label_column=True,
            )
        )
        self.h2("Apologies")
        self.story.append(self.p("; ".join(d.apologies) if d.apologies else "None.", None))
        self.headed_text(
            "Others present", "Others present (interpreter, advocate, supporter)", d.others_present, "None recorded."
        )
        self.h2("Reports received and shared")
        rows = [
            ["Social work report received by the chair", d.sw_report_to_chair or NOT_RECORDED],
            ["Social work report shared with parents", d.sw_report_shared or NOT_RECORDED],
            ["Interpreter", d.interpreter or NOT_RECORDED],
            ["Quorate", ("Yes" if d.quorate else "No") + (f" ({d.quorum_note})" if d.quorum_note else "")],
        ]
        data = [[self.cell(k, head=True), self.cell(v)] for k, v in rows]
        self.story.append(
            grid_table(data, [0.45 * CONTENT_WIDTH, 0.55 * CONTENT_WIDTH], header=False, label_column=True)
        )

    def purpose(self) -> None:
        d = self.doc
        self.h1(SECTIONS[2])
        self.text("Purpose of the conference and reason for it", self.doc.purpose)
        if d.strategy_date or d.s47_outcome or d.timescale:
            self.h2("The enquiry that led to this conference")
            rows = [
                ["Strategy discussion", format_long(d.strategy_date) or NOT_RECORDED],
                ["Outcome of the section 47 enquiry", d.s47_outcome or NOT_RECORDED],
            ]
            if d.timescale:
                rows.append(["Held within 15 working days", d.timescale])
            data = [[self.cell(k, head=True), self.cell(v)] for k, v in rows]
            self.story.append(
                grid_table(data, [0.36 * CONTENT_WIDTH, 0.64 * CONTENT_WIDTH], header=False, label_column=True)
            )
        if self.doc.issues:
            self.h2("Issues identified")
            self.story.append(self.p(", ".join(self.doc.issues) + "."))

    def information(self) -> None:
        d = self.doc
        self.h1(SECTIONS[3])
        self.headed_text("Social work report", "Social work report", d.sw_report)
        if d.contributions:
            for c in d.contributions:
                self.headed_text(c.heading, f"{c.heading} contribution", c.text)
        else:
            self.headed_text("Agency contributions", "Agency contributions", "")
        self.headed_text("Parents' views", "Parents' views", d.parents_views)
        self.headed_text("The child's views", "The child's views", d.childs_views)
        for part in d.split_parts:
            heading = f"{clean_text(part.title, part.title)} (attended by {clean_text(part.title, part.attended)})"
            self.headed_text(heading, f"{part.title} (notes)", part.text)

    def analysis(self) -> None:
        d = self.doc
        self.h1(SECTIONS[4])
        self.headed_text("What are we worried about?", "What are we worried about?", d.worries)
        self.headed_text("What is working well?", "What is working well?", d.working_well)
        self.headed_text("What needs to happen?", "What needs to happen?", d.needs_to_happen)
        self.h2("Scaling")
        self.story.append(
            self.p(
                "0 means the children will be harmed; 10 means they are safe enough to close the plan.", self.s.small
            )
        )
        if d.scaling:
            rows = [
                [clean_text(f"Scaling row {i}", s.who), "–" if s.score is None else f"{s.score} / 10"]
                for i, s in enumerate(d.scaling, 1)
            ]
            self.table(["Who", "Score (0–10)"], rows, [0.7, 0.3])
        else:
            self.story.append(self.p(NOT_RECORDED, self.s.muted))

    def decision(self) -> None:
        d = self.doc
        self.h1(SECTIONS[5])
        rows = [
            [clean_text(f"Name of child {i}", c.name), c.decision or NOT_RECORDED, c.category or "–"]
            for i, c in enumerate(d.children, 1)
        ]
        self.table(["Child", "Decision", "Category"], rows, [0.3, 0.45, 0.25])
        self.headed_text("Reasons for the decision", "Reasons for the decision", d.decision_reasons)
        self.h2("Lead social worker / lead practitioner")
        self.story.append(self.p(clean_text("Lead social worker / lead practitioner", d.lead_practitioner) or "–"))
        self.h2("Dissent")
        self.story.append(self.p(d.dissent or NOT_RECORDED))
        if clean_text("Dissent recorded", d.dissent_detail).strip():
            self.text("Dissent recorded", d.dissent_detail)

    def plan(self) -> None:
        d = self.doc
        self.h1(SECTIONS[6])
        if d.plan:
            rows = [
                [clean_text(f"Plan row {i} ({k})", getattr(p, k)) for k in ("outcome", "action", "who", "by_when")]
                for i, p in enumerate(d.plan, 1)
            ]
            self.table(["Outcome", "Action", "Who", "By when"], rows, [0.28, 0.4, 0.17, 0.15])
        elif d.any_plan:
            self.story.append(self.p(NOT_RECORDED, self.s.muted))
        else:
            self.story.append(self.p("No child protection plan was made at this conference.", self.s.muted))
        empty = NOT_RECORDED if d.any_plan else "Not applicable."
        self.headed_text("Contingency plan", "Contingency plan", d.contingency, empty)

    def core_group(self) -> None:
        d = self.doc
        self.h1(SECTIONS[7])
        self.h2("Core group members")
        self.lines("Core group members", d.core_group_members, NOT_RECORDED if d.any_plan else "Not applicable.")
        rows = [
            ["First core group", format_long(d.first_core_group) or ("Not set" if d.any_plan else "Not applicable")],
            [
                "Review conference",
                f"By {format_long(d.review_due)} ({format_uk(d.review_due)})"
                if d.review_due
                else "None: no child is subject to a plan.",
            ],
        ]
        if d.review_booked or d.review_time or d.review_venue:
            booked = ", ".join(
                x
                for x in (
                    format_long(d.review_booked),
                    clean_text("Booked review time", d.review_time),
                    clean_text("Booked review venue", d.review_venue),
                )
                if x
            )
            rows.append(["Review booked for", booked])
        data = [[self.cell(k, head=True), self.cell(v)] for k, v in rows]
        self.story.append(Spacer(1, 3))
        self.story.append(grid_table(data, [0.3 * CONTENT_WIDTH, 0.7 * CONTENT_WIDTH], header=False, label_column=True))

    def distribution(self) -> None:
        d = self.doc
        self.h1(SECTIONS[8])
        self.lines("Distribution list", d.distribution)
        self.h2("Sign-off")
        self.story.append(self.p(status_line(d)))
        self.h2("Copies sent")
        if d.sent:
            rows = [
                [clean_text(f"Distribution row {i}", s.recipient), s.version, s.method, format_uk(s.sent_on)]
                for i, s in enumerate(d.sent, 1)
            ]
            self.table(["Recipient", "Version", "Method", "Date sent"], rows, [0.4, 0.2, 0.22, 0.18])
        else:
            self.story.append(self.p("None recorded yet.", self.s.muted))

    def build(self) -> list[Flowable]:
        self.header()
        self.children()
        self.attendance()
        self.purpose()
        self.information()
        self.analysis()
        self.decision()
        self.plan()
        self.core_group()
        self.distribution()
        return self.story


def render(doc: MinutesDocument) -> bytes:
    """The minutes as PDF bytes. Raises UnprintableText (naming the field) or BadLogo; never half a PDF."""
    check_document(doc)
    story = _Renderer(doc).build()
    when = format_uk(doc.conference_date)
    furniture = Furniture(
        service_name=clean_text("Service name", doc.service_name),
        running_title=f"Conference minutes · {doc.type_label} · {when}".rstrip(" ·"),
        footer_left=f"Ref. {doc.conference_id[:8]}" + ("" if doc.version == "full" else f" · {doc.version}"),
        draft=doc.draft,
    )
    return build_pdf(story, furniture, title=doc.pdf_title, subject=doc.type_label, author=furniture.service_name)


def write(doc: MinutesDocument, path: str | os.PathLike[str]) -> Path:
    """Render and write atomically; returns the path written."""
    return atomic_write(path, render(doc))


__all__ = ["SECTIONS", "UnprintableText", "check_document", "render", "write"]
