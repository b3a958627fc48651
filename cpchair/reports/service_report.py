"""The coordinator's service report as PDF: a summary page, then a chart and a table for every figure.

Why this shape: it follows the 2013 service report the service already reads (domain/service-report-2013.txt)
— its Figures 1–8 first, numbered as the service knows them, the figures added since after them — but every
number now carries its denominator, every figure is set beside last year, England and the statistical
neighbours (in words, as 2013 did, and in a table), and is shown month by month (quarter by quarter for
fathers) and chair by chair. Layout only: the numbers come from ``cpchair.services.dashboard`` and what may be
shown from ``cpchair.reports.suppression``, so the report, the dashboard and the workbook cannot disagree.
Page furniture (OFFICIAL-SENSITIVE marking, "Page N of M", fonts, ``invariant=1``) is shared with the
minutes through ``pdf_common``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from cpchair.domain import dates
from cpchair.domain.comparators import Comparison
from cpchair.domain.questionnaire import load
from cpchair.reports import charts, pdf_common
from cpchair.reports.cells import SMALL_BASE_NOTE, count_text, measure_text, pct_text, small_base
from cpchair.reports.suppression import Disclosure, disclosure
from cpchair.services.dashboard import Dashboard, FigureData
from cpchair.services.figures import COUNTED, coverage_sentence

TITLE = "Child Protection Conference Service Report"
SUPPRESSION_TEXT = (
    "Counts from 1 to 5 are shown as “c”, and so are the other numbers and the percentages from which they "
    "could be worked out (totals, other rows, other months, chairs or figures), so that no family can be "
    "identified when this report leaves the service."
)
INTERNAL_TEXT = "For use inside the service only: small numbers are not suppressed (printed with --no-suppress)."


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


def headline_text(dis: Disclosure, fig: FigureData) -> str:
    lay = dis.layout(fig.key)
    h = fig.headline
    if not h.d:
        return "no data"
    return measure_text(dis.count(lay.head_n, h.n), dis.count(lay.head_d, h.d), dis.pct(lay.head_n, lay.head_d, h), h)


def _headline_sentence(dis: Disclosure, fig: FigureData) -> str:
    """ "41 of 58 initial conferences (70.7%)", suppressed where it must be."""
    lay = dis.layout(fig.key)
    h = fig.headline
    n, d = count_text(dis.count(lay.head_n, h.n)), count_text(dis.count(lay.head_d, h.d))
    return f"{n} of {d} {fig.population} ({pct_text(dis.pct(lay.head_n, lay.head_d, h), h)})"


def previous_text(dis: Disclosure, fig: FigureData, prev: FigureData | None) -> str:
    lay = dis.layout(fig.key)
    if prev is None or not prev.headline.d:
        return "no data"
    h = prev.headline
    return measure_text(dis.count(lay.prev_n, h.n), dis.count(lay.prev_d, h.d), dis.pct(lay.prev_n, lay.prev_d, h), h)


def comparison_sentence(dash: Dashboard, dis: Disclosure, fig: FigureData) -> str:
    """The figure beside last year, England and the neighbours, in words as the 2013 report put it."""
    text = f"Last year ({dash.previous_label}): {previous_text(dis, fig, dash.previous.get(fig.key))}."
    comps = [c for c in dash.comparisons.get(fig.key) or [] if c.kind != "neighbour"]
    if comps:
        row = comps[0].row
        target = next((r for r in (*fig.rows, *fig.extra) if r.code == row), None) if row else None
        if target is not None and target.measures[0] != fig.headline:
            text += f" {target.label}: this service {_compared_value(dis, fig, row)}."
        text += " " + "; ".join(c.text for c in comps) + "."
    return text


def _summary(dash: Dashboard, dis: Disclosure, service_name: str, logo_path: str, today: date) -> list:
    st = pdf_common.styles()
    q = load()
    story: list = []
    logo = pdf_common.logo_flowable(logo_path)
    if logo is not None:
        story += [logo, Spacer(1, 4 * mm)]
    story += [_p(TITLE, st.title), _p(service_name, st.subtitle)]
    story.append(_p(f"Period: {period_text(dash)}", st.body))
    running = " (today: the period is still running)." if dash.as_at < dash.period_to else "."
    story.append(_p(f"Children on a plan are counted as at {dates.format_uk(dash.as_at)}{running}", st.body))
    if dash.chair:
        story.append(_p(f"Conferences chaired by {dash.chair} only.", st.body))
    story.append(
        _p(f"Produced on {dates.format_uk(today)} from the chairs' merged quality-assurance returns.", st.muted)
    )
    story.append(_p(SUPPRESSION_TEXT if dis.on else INTERNAL_TEXT, st.body))

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
    conf = dis.layout("conferences")
    children = dash.stats.get("children") or {"discussed": c["children"], "different": c["children"]}
    head = [_p(short.get(t) or q.label("conference_type", t), st.cell_head) for t in types]
    head += [_p("All conferences", st.cell_head), _p("Children discussed", st.cell_head),
             _p("Different children", st.cell_head)]  # fmt: skip
    values = [count_text(dis.count(conf.row_n.get((t, 0)), c["by_type"].get(t, 0))) for t in types]
    values += [count_text(dis.count(conf.total, c["total"])),
               count_text(dis.count(conf.extra_n.get("children"), children["discussed"])),
               count_text(dis.count(conf.extra_n.get("different"), children["different"]))]  # fmt: skip
    table = _table([head, values], [pdf_common.CONTENT_WIDTH / len(head)] * len(head))
    table.setStyle([("ALIGN", (0, 1), (-1, -1), "RIGHT")])
    story.append(table)
    story.append(
        _p("A child discussed at several conferences is one different child (counted by child key).", st.small)
    )

    story.append(_p("Beside England and the statistical neighbours", st.h1))
    rows = [[_p(h, st.cell_head) for h in ("Figure", "Measure", "This service", "Last year", "Comparators")]]
    small = ParagraphStyle("summary_cell", parent=st.cell, fontSize=8, leading=10)
    for fig in dash.figures:
        comps = dash.comparisons.get(fig.key) or []
        if not comps:
            continue
        rows.append([
            _p(f"Fig {fig.number}", small),
            _p(_compared_label(fig, comps), small),
            _p(_compared_value(dis, fig, comps[0].row), small),
            _p(_compared_value(dis, fig, comps[0].row, previous=dash.previous.get(fig.key)), small),
            _p("; ".join(c.text for c in comps if c.kind != "neighbour"), small),
        ])  # fmt: skip
    if len(rows) > 1:
        story.append(_table(rows, [14 * mm, 50 * mm, 30 * mm, 28 * mm, 48 * mm]))
        sources = sorted({c.source for comps in dash.comparisons.values() for c in comps})
        story.append(_p("Sources: " + "; ".join(sources) + ".", st.small))
    else:
        story.append(_p("No comparator table is imported: import the DfE's local-authority table to compare.", st.body))
    story.append(_p("England measures initial conferences from the start of the section 47 enquiry; this service "
                    "from the strategy discussion.", st.small))  # fmt: skip

    story.append(_p("Summary of the figures", st.h1))
    rows = [[_p(h, st.cell_head) for h in ("Figure", "Measure", "This period", "Last year")]]
    for fig in dash.figures:
        rows.append(
            [
                _p(fig.numbered_title, small),
                _p(f"{fig.headline_label}, of {fig.population}", small),
                _p(headline_text(dis, fig), small),
                _p(previous_text(dis, fig, dash.previous.get(fig.key)), small),
            ]
        )
    table = _table(rows, [62 * mm, 48 * mm, 30 * mm, 30 * mm])
    table.setStyle([("FONTSIZE", (0, 1), (-1, -1), 8), ("TOPPADDING", (0, 1), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 2)])  # fmt: skip
    story.append(table)
    story.append(_p(f"Last year: {dash.previous_label}. {SMALL_BASE_NOTE}", st.small))
    return story


def _compared_label(fig: FigureData, comps: list[Comparison]) -> str:
    row = comps[0].row
    target = next((r for r in (*fig.rows, *fig.extra) if r.code == row), None)
    label = target.label if target is not None and row is not None else fig.headline_label
    return f"{fig.title}: {label}"


def _compared_value(dis: Disclosure, fig: FigureData, row: str | None, previous: FigureData | None = None) -> str:
    lay = dis.layout(fig.key)
    source = previous or fig
    target = next((r for r in (*source.rows, *source.extra) if r.code == row), None) if row else None
    if target is None or target.measures[0] == source.headline:
        return previous_text(dis, fig, previous) if previous is not None else headline_text(dis, fig)
    m = target.measures[0]
    if previous is not None:  # last year's rows are not printed: only its percentage, if its headline is shown
        return pct_text(m.pct if dis.pct(lay.prev_n, lay.prev_d, previous.headline) is not None else None, m)
    n_cell = lay.row_n.get((row, 0)) or lay.extra_n.get(row)
    d_cell = lay.row_d.get((row, 0)) or lay.extra_d.get(row)
    return measure_text(dis.count(n_cell, m.n), dis.count(d_cell, m.d), dis.pct(n_cell, d_cell, m), m)


def _figure_table(fig: FigureData, dis: Disclosure):
    st = pdf_common.styles()
    lay = dis.layout(fig.key)
    multi = len(fig.measure_names) > 1
    head = [_p("Agency" if multi else "", st.cell_head)]
    if multi:
        head.append(_p("Invited", st.cell_head))
    for name in fig.measure_names:
        head += [_p(name, st.cell_head), _p("%", st.cell_head)]
    if not multi:
        head.append(_p("Of", st.cell_head))
    rows = [head]
    for r in fig.rows:
        line = [_p(r.label, st.cell)]
        if multi:
            line.append(count_text(dis.count(lay.row_d[(r.code, 0)], r.measures[0].d)))
        for i, m in enumerate(r.measures):
            n_cell, d_cell = lay.row_n[(r.code, i)], lay.row_d[(r.code, i)]
            line += [count_text(dis.count(n_cell, m.n)), pct_text(dis.pct(n_cell, d_cell, m), m)]
        if not multi:
            line.append(count_text(dis.count(lay.row_d[(r.code, 0)], r.measures[0].d)))
        rows.append(line)
    if fig.total is not None:
        total = count_text(dis.count(lay.total, fig.total))
        label = _p(f"Total: {fig.total_label}" if fig.partition else fig.total_label, st.cell_head)
        rows.append([label, total] + [""] * (len(head) - 2) if multi else [label, total, "", ""])
    for r in fig.extra:
        m = r.measures[0]
        n_cell, d_cell = lay.extra_n[r.code], lay.extra_d[r.code]
        line = [_p(r.label, st.cell), count_text(dis.count(n_cell, m.n)), pct_text(dis.pct(n_cell, d_cell, m), m),
                count_text(dis.count(d_cell, m.d))]  # fmt: skip
        rows.append(line if not multi else line + [""] * (len(head) - 4))
    widths = (
        [48 * mm, 16 * mm] + [22 * mm, 13 * mm] * len(fig.measure_names)
        if multi
        else [95 * mm, 30 * mm, 20 * mm, 25 * mm]
    )
    table = _table(rows, widths)
    table.setStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")])
    return table


def _series_table(dis: Disclosure, fig: FigureData, kind: str, lines: list) -> object:
    """Month by month (or chair by chair): the headline's count, denominator and percentage."""
    st = pdf_common.styles()
    lay = dis.layout(fig.key)
    ns, ds = (lay.time_n, lay.time_d) if kind == "time" else (lay.chair_n, lay.chair_d)
    first = f"By {fig.bucket}" if kind == "time" else "Chair"
    rows = [[_p(h, st.cell_head) for h in (first, fig.headline_label, "Of", "%")]]
    for line in lines:
        name = line.label if kind == "time" else line.chair
        m = line.value
        if m is None:
            rows.append([_p(name, st.cell), "no data", "", ""])
            continue
        n_cell, d_cell = ns.get(name), ds.get(name)
        rows.append([_p(name, st.cell), count_text(dis.count(n_cell, m.n)), count_text(dis.count(d_cell, m.d)),
                     pct_text(dis.pct(n_cell, d_cell, m), m)])  # fmt: skip
    table = _table(rows, [60 * mm, 50 * mm, 25 * mm, 25 * mm])
    table.setStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")])
    return table


def _coverage_text(dis: Disclosure, fig: FigureData) -> str:
    """ "Counted on 812 of 1,050 conferences …", with the counted line's cells (suppressed where they must be)."""
    lay, m = dis.layout(fig.key), fig.coverage
    n = count_text(dis.count(lay.extra_n.get(COUNTED), m.n))
    return coverage_sentence(n, count_text(dis.count(lay.extra_d.get(COUNTED), m.d)), fig.coverage_unit)


def _figure_section(dash: Dashboard, fig: FigureData, dis: Disclosure) -> list:
    st = pdf_common.styles()
    width = pdf_common.CONTENT_WIDTH
    lay = dis.layout(fig.key)
    head = [
        _p(fig.numbered_title, st.h1),
        _p(fig.question, st.muted),
        _p(f"{fig.headline_label}: {_headline_sentence(dis, fig)}.", st.body),
        _p(comparison_sentence(dash, dis, fig), st.body),
    ]
    if fig.coverage is not None:  # a version 2 figure: how many records could be counted
        head.append(_p(_coverage_text(dis, fig), st.body))
    story: list = [KeepTogether([*head, charts.figure_chart(fig, width, dis, dash.comparisons.get(fig.key) or [])])]
    story.append(Spacer(1, 3 * mm))
    story.append(_figure_table(fig, dis))
    notes = list(fig.notes)
    if any(small_base(m) for r in (*fig.rows, *fig.extra) for m in r.measures):
        notes.append(SMALL_BASE_NOTE)
    for note in notes:
        story.append(_p(note, st.small))
    points = dash.over_time.get(fig.key)
    if points:
        story.append(KeepTogether([Spacer(1, 4 * mm), charts.time_chart(fig, points, width, dis, lay)]))
        story.append(_series_table(dis, fig, "time", points))
    if dash.by_chair.get(fig.key):
        story.append(KeepTogether([_p("By chair", st.h2), _series_table(dis, fig, "chair", dash.by_chair[fig.key])]))
    return story


def build_report(
    dash: Dashboard,
    *,
    suppress: bool = True,
    service_name: str = "Child Protection Conference Service",
    logo_path: str = "",
    today: date | None = None,
    disclosed: Disclosure | None = None,
) -> bytes:
    """The report's bytes: the summary page, then one section per figure. Suppression is on unless
    ``suppress`` is False (a report for use inside the service)."""
    dis = disclosed or disclosure(dash, on=suppress)
    story = _summary(dash, dis, service_name, logo_path, today or date.today())
    for fig in dash.figures:
        story.append(PageBreak())  # a page (or more) per figure, so each reads whole and prints on its own
        story += _figure_section(dash, fig, dis)
    furniture = pdf_common.Furniture(service_name=service_name, running_title=f"Service report {period_text(dash)}")
    return pdf_common.build_pdf(
        story, furniture, title=f"{TITLE} {period_text(dash)}", subject="Service statistics", author=service_name
    )


def write_report(path: str | Path, dash: Dashboard, **kwargs) -> Path:
    """Write the report to ``path`` atomically (a failure leaves no half-written PDF)."""
    return pdf_common.atomic_write(path, build_report(dash, **kwargs))
