"""The coordinator's service report as PDF: a summary page, then a chart and a table for every figure.

Why this shape: it follows the 2013 service report the service already reads (domain/service-report-2013.txt)
— narrative figures with their charts — but every number now carries its denominator, every figure is also
shown month by month (quarter by quarter for fathers) and chair by chair, and the national indicators are
set beside the local ones on the first page. Layout only: the numbers come from
``cpchair.services.dashboard``, so the report, the dashboard and the workbook cannot disagree.
Page furniture (OFFICIAL-SENSITIVE marking, "Page N of M", fonts, ``invariant=1``) is shared with the
minutes through ``pdf_common``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from cpchair.domain import dates, national
from cpchair.domain.questionnaire import load
from cpchair.reports import charts, pdf_common
from cpchair.reports.cells import count_text, pct_text
from cpchair.services.dashboard import Dashboard, FigureData

TITLE = "Child Protection Conference Service Report"


def period_text(dash: Dashboard) -> str:
    return f"{dates.format_uk(dash.period_from)} to {dates.format_uk(dash.period_to)}"


def _table(rows: list[list], widths: list[float]):
    """pdf_common's ruled table, with plain-text cells (the numbers) in the bundled font, not Helvetica."""
    table = pdf_common.grid_table(rows, widths)
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), pdf_common.FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return table


def _p(text: str, style):
    """A paragraph; a chair's or service's name in Arabic, Urdu, Bengali, Punjabi or Chinese prints shaped."""
    return pdf_common.para(text, style)


def _summary(dash: Dashboard, suppress: bool, service_name: str, logo_path: str, today: date) -> list:
    st = pdf_common.styles()
    q = load()
    story: list = []
    logo = pdf_common.logo_flowable(logo_path)
    if logo is not None:
        story += [logo, Spacer(1, 4 * mm)]
    story += [_p(TITLE, st.title), _p(service_name, st.subtitle)]
    story.append(_p(f"Period: {period_text(dash)}", st.body))
    if dash.chair:
        story.append(_p(f"Conferences chaired by {dash.chair} only.", st.body))
    story.append(
        _p(f"Produced on {dates.format_uk(today)} from the chairs' merged quality-assurance returns.", st.muted)
    )
    if suppress:
        story.append(
            _p(
                "Counts from 1 to 5 are shown as “c”, and percentages that would reveal them are left out, "
                "so that no family can be identified when this report leaves the service.",
                st.body,
            )
        )

    c = dash.stats["conferences"]
    if not c["total"]:
        story.append(
            _p(
                "No merged conferences are dated in this period, so every figure below is empty. Merge the chairs' "
                "exports first, or choose another period.",
                st.body,
            )
        )
    story.append(_p("Conferences held", st.h1))
    types = list(q.codes["conference_type"])
    short = {"initial": "Initial", "pre_birth_initial": "Pre-birth initial", "review": "Review",
             "transfer_in": "Transfer-in"}  # fmt: skip
    head = [_p(short.get(t) or q.label("conference_type", t), st.cell_head) for t in types]
    head += [_p("All conferences", st.cell_head), _p("Children discussed", st.cell_head)]
    values = [count_text(c["by_type"].get(t, 0), suppress) for t in types]
    values += [count_text(c["total"], suppress), count_text(c["children"], suppress)]
    table = _table([head, values], [pdf_common.CONTENT_WIDTH / len(head)] * len(head))
    table.setStyle([("ALIGN", (0, 1), (-1, -1), "RIGHT")])
    story.append(table)

    story.append(_p("National indicators: this service and England", st.h1))
    rows = [[_p(h, st.cell_head) for h in ("Indicator", "This service", "England")]]
    for nat in national.NATIONAL:
        fig = dash.figure(nat.figure)
        local = f"{pct_text(fig.headline, suppress)} ({count_text(fig.headline.n, suppress)} of " \
                f"{count_text(fig.headline.d, suppress)})"  # fmt: skip
        rows.append([_p(nat.label, st.cell), _p(local, st.cell), _p(nat.text.removeprefix("England "), st.cell)])
    story.append(_table(rows, [70 * mm, 45 * mm, 55 * mm]))
    for nat in national.NATIONAL:
        note = f"England: {nat.source}." + (f" {nat.caveat}" if nat.caveat else "")
        story.append(_p(note, st.small))

    story.append(_p("Summary of the figures", st.h1))
    small = ParagraphStyle("summary_cell", parent=st.cell, fontSize=8, leading=10)
    rows = [[_p(h, st.cell_head) for h in ("Figure", "Measure", "n", "Of", "%")]]
    for i, fig in enumerate(dash.figures, start=1):
        h = fig.headline
        rows.append(
            [
                _p(f"{i}. {fig.title}", small),
                _p(fig.headline_label, small),
                count_text(h.n, suppress),
                _p(f"{count_text(h.d, suppress)} {fig.population}", small),
                pct_text(h, suppress),
            ]
        )
    table = _table(rows, [60 * mm, 40 * mm, 14 * mm, 42 * mm, 14 * mm])
    table.setStyle([("FONTSIZE", (0, 1), (-1, -1), 8), ("TOPPADDING", (0, 1), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 2)])  # fmt: skip
    table.setStyle([("ALIGN", (2, 1), (2, -1), "RIGHT"), ("ALIGN", (4, 1), (4, -1), "RIGHT")])
    story.append(table)
    return story


def _figure_table(fig: FigureData, suppress: bool):
    st = pdf_common.styles()
    head = [_p("Agency" if len(fig.measure_names) > 1 else "", st.cell_head)]
    if len(fig.measure_names) > 1:
        head.append(_p("Invited", st.cell_head))
    for name in fig.measure_names:
        head += [_p(name, st.cell_head), _p("%", st.cell_head)]
    rows = [head]
    for r in fig.rows:
        line = [_p(r.label, st.cell)]
        if len(fig.measure_names) > 1:
            line.append(count_text(r.measures[0].d, suppress))
        for m in r.measures:
            line += [count_text(m.n, suppress), pct_text(m, suppress)]
        rows.append(line)
    if len(fig.measure_names) == 1:
        rows.append([_p(f"Total ({fig.population})", st.cell_head), count_text(fig.headline.d, suppress), ""])
        widths = [95 * mm, 40 * mm, 25 * mm]
    else:
        widths = [55 * mm, 20 * mm] + [25 * mm, 20 * mm] * len(fig.measure_names)
    table = _table(rows, widths)
    table.setStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")])
    return table


def _chair_table(dash: Dashboard, fig: FigureData, suppress: bool):
    st = pdf_common.styles()
    rows = [[_p(h, st.cell_head) for h in ("Chair", fig.headline_label, "Of", "%")]]
    for line in dash.by_chair.get(fig.key, []):
        m = line.value
        if m is None:
            rows.append([_p(line.chair, st.cell), "–", "–", "–"])
        else:
            rows.append([_p(line.chair, st.cell), count_text(m.n, suppress), count_text(m.d, suppress),
                         pct_text(m, suppress)])  # fmt: skip
    table = _table(rows, [60 * mm, 45 * mm, 25 * mm, 25 * mm])
    table.setStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")])
    return table


def _figure_section(dash: Dashboard, number: int, fig: FigureData, suppress: bool) -> list:
    st = pdf_common.styles()
    width = pdf_common.CONTENT_WIDTH
    h = fig.headline
    head = [
        _p(f"{number}. {fig.title}", st.h1),
        _p(fig.question, st.muted),
        _p(
            f"{fig.headline_label}: {count_text(h.n, suppress)} of {count_text(h.d, suppress)} {fig.population} "
            f"({pct_text(h, suppress)}).",
            st.body,
        ),
    ]
    if fig.national is not None:
        head.append(_p(fig.national.text + f" ({fig.national.source}).", st.body))
    story: list = [KeepTogether([*head, charts.figure_chart(fig, width, suppress)])]
    story.append(Spacer(1, 3 * mm))
    story.append(_figure_table(fig, suppress))
    for note in fig.notes:
        story.append(_p(note, st.small))
    points = dash.over_time.get(fig.key)
    if points:
        story.append(KeepTogether([Spacer(1, 4 * mm), charts.time_chart(fig, points, width, suppress)]))
    if dash.by_chair.get(fig.key):
        story.append(KeepTogether([_p("By chair", st.h2), _chair_table(dash, fig, suppress)]))
    return story


def build_report(
    dash: Dashboard,
    *,
    suppress: bool = False,
    service_name: str = "Child Protection Conference Service",
    logo_path: str = "",
    today: date | None = None,
) -> bytes:
    """The report's bytes: the summary page, then one section per figure."""
    story = _summary(dash, suppress, service_name, logo_path, today or date.today())
    for i, fig in enumerate(dash.figures, start=1):
        story.append(PageBreak())  # a page (or more) per figure, so each reads whole and prints on its own
        story += _figure_section(dash, i, fig, suppress)
    furniture = pdf_common.Furniture(service_name=service_name, running_title=f"Service report {period_text(dash)}")
    return pdf_common.build_pdf(
        story, furniture, title=f"{TITLE} {period_text(dash)}", subject="Service statistics", author=service_name
    )


def write_report(path: str | Path, dash: Dashboard, **kwargs) -> Path:
    """Write the report to ``path`` atomically (a failure leaves no half-written PDF)."""
    return pdf_common.atomic_write(path, build_report(dash, **kwargs))
