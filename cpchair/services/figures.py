"""The figures of the coordinator's dashboard and service report: their definitions and the one registry.

Why one registry: ``cpchair stats --json``, the dashboard, the PDF and the workbook used to keep parallel
lists of figures (keys, builders, sheet names), each a place a new figure could be missed. ``REGISTRY``
lists every figure once, in reading order — the 2013 service report's Figures 1–8 first, numbered as the
service knows them (time on plan first), the figures added since after them — with what each output needs:
its sheet name, whether it goes by month or by quarter, whether its months add up to the period.

A figure is rows of numbers with their denominators (``Measure``: n of d and its percentage, from
``statistics.pct``). Each figure states how its table adds up, because a table's total must be the sum of
its rows and small-number suppression must know which cells can be worked out from which:
``partition`` figures have rows that add up to ``total`` (``total_label`` says what it counts), the
headline is the sum of ``headline_rows``; other figures' rows each have their own denominator. ``extra``
rows are further "n of d" lines under the table (the 2013 report's per-conference basis beside the
per-father one, for example).

The figures that need the version 2 questionnaire (dissent and escalations by agency, quorum from
attendance, …; their counts from ``cpchair.domain.statistics_v2``) follow the others. Older records cannot
be counted by them, so each ends with a ``counted`` line: the records that could be counted, of all those
in the period (``coverage_unit`` names them). ``sums`` states the other ways such a figure's numbers add up
(an outcome per resolved escalation, the reasons of the fathers excluded), for small-number suppression.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from cpchair.domain import dates, national
from cpchair.domain.questionnaire import load
from cpchair.domain.statistics import (
    BAND_LABELS,
    BANDS,
    DAY_BAND_LABELS,
    DAY_BANDS,
    FATHER_ATTENDED,
    YEAR_OR_MORE_BANDS,
    pct,
)

MONTH = "month"
QUARTER = "quarter"
COUNTED = "counted"  # the code of a version 2 figure's line "records counted, of those in the period"


@dataclass(frozen=True)
class Measure:
    """``n`` of ``d`` and its percentage (taken from the statistics where they give one)."""

    n: int
    d: int
    pct: float | None

    @classmethod
    def of(cls, n: int, d: int, given: float | None = None) -> Measure:
        return cls(n, d, given if given is not None else pct(n, d))


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class FigureData:
    """One figure ready to draw: its rows, what the rows are counted over, and its headline measure."""

    key: str
    title: str
    question: str  # what the figure answers, one sentence
    measure_names: tuple[str, ...]  # one per measure in each row: ("Children",) or ("Attended", "Report")
    population: str  # what the headline's denominator counts: "initial conferences"
    rows: tuple[Row, ...]
    headline_label: str
    headline: Measure
    bucket: str = MONTH
    national: national.NationalFigure | None = None
    notes: tuple[str, ...] = ()
    number: int = 0
    partition: bool = False  # the rows' counts add up to ``total``
    total: int | None = None
    total_label: str = ""
    headline_rows: tuple[str, ...] = ()  # partition figures: the rows whose counts make the headline's n
    extra: tuple[Row, ...] = ()  # further "n of d" lines shown under the table
    compare_row: str | None = None  # the row comparators' figures are about (None: the headline)
    coverage_unit: str = ""  # version 2 figures: what the ``counted`` extra line counts ("conferences")
    #: further sums: (cell, cells adding up to it); a cell is "total", a row's or extra's code (its count)
    #: or "d:" + code (its denominator)
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def coverage(self) -> Measure | None:
        """Version 2 figures: the records that could be counted, of those in the period."""
        return next((r.measures[0] for r in self.extra if r.code == COUNTED), None)

    @property
    def denominator_text(self) -> str:
        return f"of {self.headline.d:,} {self.population}"

    @property
    def numbered_title(self) -> str:
        return f"Fig {self.number}. {self.title}"


@dataclass(frozen=True)
class FigureSpec:
    """A figure's entry in the registry: its key, the workbook's sheet name, and how to build it."""

    key: str
    sheet: str
    build: Callable[[dict], FigureData]
    bucket: str = MONTH
    additive: bool = True  # its months (and chairs) add up to the period's headline
    seed_figure: str = ""  # "Fig 1" when the 2013 report had it


# --- small helpers ------------------------------------------------------------------------------------


def _coded_rows(list_name: str, counts: dict[str, int], total: int, pcts: dict | None = None,
                extra_labels: dict[str, str] | None = None) -> tuple[Row, ...]:  # fmt: skip
    q = load()
    pcts = pcts or {}
    labels = extra_labels or {}
    order = [*q.codes[list_name], *(c for c in counts if c not in q.codes[list_name])]
    return tuple(
        Row(
            code,
            labels.get(code) or q.label(list_name, code),
            (Measure.of(counts.get(code, 0), total, pcts.get(code)),),
        )
        for code in order
        if code in counts
    )


def _partition(key: str, title: str, question: str, measure: str, population: str, rows: tuple[Row, ...],
               headline_label: str, headline_rows: tuple[str, ...], total_label: str, **kw) -> FigureData:  # fmt: skip
    """A figure whose rows share one total (their sum), with the headline made of some of the rows."""
    total = sum(r.measures[0].n for r in rows)
    n = sum(r.measures[0].n for r in rows if r.code in headline_rows)
    given = kw.pop("headline", None)
    return FigureData(
        key, title, question, (measure,), population, rows, headline_label, given or Measure.of(n, total),
        partition=True, total=total, total_label=total_label, headline_rows=headline_rows, **kw,
    )  # fmt: skip


def as_at_text(s: dict) -> str:
    return dates.format_uk(date.fromisoformat(s["as_at"]))


# --- the 2013 report's figures, in its order --------------------------------------------------------------


def _time_on_plan(s: dict) -> FigureData:
    o = s["plans_open_at_end"]
    at = as_at_text(s)
    rows = tuple(Row(b, BAND_LABELS[b], (Measure.of(o["duration_bands"][b], o["total"]),)) for b in BANDS)
    return _partition(
        "time_on_plan",
        f"Time on a child protection plan, as at {at}",
        f"How long had the children on a plan on {at} been on it?",
        "Children",
        f"children on a plan as at {at}",
        rows,
        "On a plan 12 months or more",
        YEAR_OR_MORE_BANDS,
        f"Children on a plan as at {at}",
        notes=(f"Measured as at {at}: the period's end, or today while the period is still running.",),
        compare_row="24m_plus",
    )


def _plans_ended(s: dict) -> FigureData:
    e = s["plans_ended"]
    rows = tuple(Row(b, BAND_LABELS[b], (Measure.of(e["duration_bands"][b], e["total"]),)) for b in BANDS)
    return _partition(
        "plans_ended",
        "Plans ended, by how long they lasted",
        "Of the plans that ended at a review in the period, how many had lasted 2 years or more?",
        "Children",
        "plans ended",
        rows,
        "Lasted 2 years or more",
        ("24m_plus",),
        "Plans ended at a review",
        headline=Measure.of(e["lasting_2y_or_more"], e["total"], e.get("lasting_2y_or_more_pct")),
        national=national.for_figure("plans_ended"),
    )


def _category(s: dict) -> FigureData:
    c = s["category_at_plan_start"]
    return _partition(
        "category",
        "Category at the start of a plan",
        "Under which category did children's plans start?",
        "Children",
        "children whose plan started",
        _coded_rows("category", c["counts"], c["total"], c.get("pct")),
        "Emotional abuse",
        ("emotional",),
        "Children whose plan started",
        compare_row="emotional",
    )


def _issues(s: dict) -> FigureData:
    i = s["issues"]
    return FigureData(
        "issues",
        "Issues identified where a child is on a plan",
        "Which issues were identified at conferences where a child's plan started or continued?",
        ("Conferences",),
        "conferences with a plan",
        _coded_rows("issue", i["counts"], i["conferences"]),
        "Domestic abuse",
        Measure.of(i["counts"].get("domestic_abuse", 0), i["conferences"]),
        notes=("A conference may identify more than one issue, so the rows add up to more than the conferences.",),
        total=i["conferences"],
        total_label="Conferences with a plan (each row is of these)",
    )


def _fathers_attendance(s: dict) -> FigureData:
    f = s["fathers"]
    return _partition(
        "fathers_attendance",
        "Fathers and male partners: attendance at conference",
        "Did fathers and male partners take part in the conference?",
        "Fathers and male partners",
        "fathers and male partners",
        _coded_rows("adult_attendance", f["attendance"], f["total"], f.get("attendance_pct")),
        "Attended all, part or separately",
        FATHER_ATTENDED,
        "Fathers and male partners recorded",
        bucket=QUARTER,
    )


def _fathers_engagement(s: dict) -> FigureData:
    f = s["fathers"]
    by_agency = s["fathers_summary"]["engaging_by_agency"]
    q = load()
    total = f["total"]
    engaged = Measure.of(f["engaged_with_any_agency"], total, f.get("engaged_with_any_agency_pct"))
    rows = (Row("any", "Engaging with at least one agency", (engaged,)),) + tuple(
        Row(a, q.label("agency", a), (Measure.of(n, total),)) for a, n in by_agency.items() if n
    )
    return FigureData(
        "fathers_engagement",
        "Fathers and male partners: engagement with agencies",
        "With which agencies were fathers and male partners engaging?",
        ("Fathers and male partners",),
        "fathers and male partners",
        rows,
        "Engaging with at least one agency",
        engaged,
        notes=("A father may engage with several agencies, so the agency rows add up to more than the total.",),
        total=total,
        total_label="Fathers and male partners recorded (each row is of these)",
    )


def _agencies(s: dict, which: str) -> FigureData:
    q = load()
    a = s["agency_scorecard"][which]
    rows = tuple(
        Row(
            code,
            q.label("agency", code),
            (
                Measure.of(a[code]["attended"], a[code]["invited"], a[code].get("attended_pct")),
                Measure.of(a[code]["report_provided"], a[code]["invited"], a[code].get("report_provided_pct")),
                Measure.of(a[code]["report_on_time"], a[code]["invited"], a[code].get("report_on_time_pct")),
            ),
        )
        for code in q.codes["agency"]
        if code in a
    )
    invited = sum(v["invited"] for v in a.values())
    attended = sum(v["attended"] for v in a.values())
    if which == "initial":
        title, pop = "Agencies at initial conferences", "invitations to initial conferences"
        question = (
            "Which agencies attended, and sent a report on time, when invited to an initial or transfer-in conference?"
        )
    else:
        title, pop = "Agencies at review conferences", "invitations to review conferences"
        question = "Which agencies attended, and sent a report on time, when invited to a review conference?"
    return FigureData(
        f"agencies_{which}",
        title,
        question,
        ("Attended", "Report provided", "Report on time"),
        pop,
        rows,
        "Invitations attended",
        Measure.of(attended, invited),
        notes=("Each row counts the conferences to which that agency was invited: each agency's scorecard.",),
        total=invited,
        total_label="Invitations",
    )


# --- figures added since ----------------------------------------------------------------------------------


def _icpc(s: dict) -> FigureData:
    t = s["icpc_timeliness"]
    median = t.get("median_working_days")
    notes = (f"Median working days from strategy discussion to conference: {median:g}.",) if median is not None else ()
    return _partition(
        "icpc_timeliness",
        "Initial conferences within 15 working days",
        "Were initial conferences held within 15 working days of the strategy discussion?",
        "Initial conferences",
        "initial conferences",
        (
            Row("within", "Within 15 working days", (Measure.of(t["within"], t["timed"], t.get("pct")),)),
            Row("late", "After 15 working days", (Measure.of(t["timed"] - t["within"], t["timed"]),)),
        ),
        "Within 15 working days",
        ("within",),
        "Initial conferences with a strategy discussion date",
        headline=Measure.of(t["within"], t["timed"], t.get("pct")),
        national=national.for_figure("icpc_timeliness"),
        notes=notes,
    )


def _icpc_late(s: dict) -> FigureData:
    late = s["icpc_late_reasons"]
    return _partition(
        "icpc_late_reasons",
        "Why initial conferences were late",
        "When an initial conference was held after 15 working days, what did the chair record as the reason?",
        "Late initial conferences",
        "late initial conferences",
        _coded_rows("delay_reason", late["reasons"], late["late"], extra_labels={"not_recorded": "No reason recorded"}),
        "Reports not ready",
        ("reports_not_ready",),
        "Initial conferences after 15 working days",
    )


def _review_timeliness(s: dict) -> FigureData:
    r = s["review_timeliness"]
    return _partition(
        "review_timeliness",
        "Reviews held within timescale",
        "Was each review held within 3 months of the plan starting, then within 6 months of the last review?",
        "Reviews",
        "reviews timed",
        (
            Row("within", "Within timescale", (Measure.of(r["within"], r["reviews"], r.get("pct")),)),
            Row("late", "Outside timescale", (Measure.of(r["reviews"] - r["within"], r["reviews"]),)),
        ),
        "Within timescale",
        ("within",),
        "Reviews of a child whose previous conference is on record",
        extra=(
            Row(
                "children",
                "Children whose every review in the period was within timescale (the DfE basis)",
                (Measure.of(r["children_all_within"], r["children"], r.get("children_all_within_pct")),),
            ),
            Row(
                "overdue",
                "Children on a plan whose review is overdue at the as-at date",
                (Measure.of(r["open_plans_overdue_at_as_at"], r["open_plans_at_as_at"]),),
            ),
            Row(
                "not_timed",
                "Reviews that could not be timed (the child's previous conference is not on record)",
                (Measure.of(r["not_timed"], r["not_timed"] + r["reviews"]),),
            ),
        ),  # fmt: skip
        notes=(
            "Worked out from each child's conferences on record (by child key): due 3 months after the plan "
            "started, then 6 months after the last review.",
        ),  # fmt: skip
    )


def _repeat_plans(s: dict) -> FigureData:
    r = s["repeat_plans"]
    return _partition(
        "repeat_plans",
        "Repeat plans",
        "Was this the child's first plan, or a second or later one?",
        "Children",
        "children whose plan started",
        _coded_rows("plan_sequence", r["sequence"], r["total"]),
        "Second or later plan",
        ("second", "third_or_more"),
        "Children whose plan started",
        extra=(
            Row(
                "within_2y",
                "A plan of the same child ended within the two years before (from the records)",
                (
                    Measure.of(
                        r["within_2y_of_last_plan_ending"], r["total"], r.get("within_2y_of_last_plan_ending_pct")
                    ),
                ),
            ),
            Row(
                "earlier_on_record",
                "An earlier plan of the same child is on record",
                (Measure.of(r["earlier_plan_on_record"], r["total"]),),
            ),
        ),  # fmt: skip
        compare_row=None,
    )


def _ended_first_review(s: dict) -> FigureData:
    e = s["plans_ended_at_first_review"]
    known = e["history_on_record"]
    return _partition(
        "plans_ended_first_review",
        "Plans ended at the first review",
        "Of the plans that ended at a review, how many ended at the first review?",
        "Plans ended",
        "plans ended whose start is on record",
        (
            Row("first", "At the first review", (Measure.of(e["at_first_review"], known),)),
            Row("later", "At a later review", (Measure.of(known - e["at_first_review"], known),)),
        ),
        "At the first review",
        ("first",),
        "Plans ended whose start is on record",
        extra=(
            Row(
                "not_on_record",
                "Plans ended whose start is not on record (not counted above)",
                (Measure.of(e["total"] - known, e["total"]),),
            ),
        ),  # fmt: skip
    )


def _category_changes(s: dict) -> FigureData:
    c = s["category_changes"]
    return _partition(
        "category_changes",
        "Category changed at review",
        "When a plan continued at a review, was its category changed?",
        "Reviews",
        "reviews where the plan continued",
        (
            Row("changed", "Category changed", (Measure.of(c["changed"], c["reviews"]),)),
            Row("same", "Category unchanged", (Measure.of(c["reviews"] - c["changed"], c["reviews"]),)),
        ),
        "Category changed",
        ("changed",),
        "Reviews where the plan continued (previous conference on record)",
        notes=("Compared with the category at the child's previous conference on record.",),
    )


def _fathers_not_invited(s: dict) -> FigureData:
    f = s["fathers"]
    c = s["fathers_by_conference"]
    not_invited = f["attendance"].get("not_invited", 0)
    rows = _coded_rows("not_invited_reason", f["not_invited_reasons"], not_invited)
    return _partition(
        "fathers_not_invited",
        "Fathers and male partners not invited, and why",
        "When a father or male partner was not invited, why not? (Per father, and per conference as in 2013.)",
        "Fathers not invited",
        "fathers and male partners recorded",
        rows,
        "Fathers and male partners not invited",
        tuple(r.code for r in rows),
        "Fathers and male partners not invited",
        headline=Measure.of(not_invited, f["total"], (f.get("attendance_pct") or {}).get("not_invited")),
        bucket=QUARTER,
        extra=(
            Row(
                "per_conference",
                "Conferences where no father or male partner was invited (the 2013 basis)",
                (Measure.of(c["no_male_invited"], c["with_male_adult"], c.get("no_male_invited_pct")),),
            ),
            Row(
                "no_male",
                "Conferences with no father or male partner recorded",
                (Measure.of(c["no_male_adult_recorded"], c["conferences"]),),
            ),
        ),  # fmt: skip
        notes=(
            "The headline counts fathers and male partners (one conference may have several); the 2013 report "
            "counted conferences where none was invited, of conferences with one recorded.",
        ),  # fmt: skip
    )


def _fathers_summary(s: dict) -> FigureData:
    f = s["fathers_summary"]
    rows = (
        Row("invited", "Invited", (Measure.of(f["invited"], f["identified"]),)),
        Row("attended", "Attended all, part or separately", (Measure.of(f["attended"], f["identified"]),)),
        Row("engaging", "Engaging with at least one agency", (Measure.of(f["engaging"], f["identified"]),)),
    )
    return FigureData(
        "fathers_summary",
        "Fathers and male partners: identified, invited, attended, engaging",
        "Of the fathers and male partners recorded, how many were invited, attended and engaging?",
        ("Fathers and male partners",),
        "fathers and male partners recorded",
        rows,
        "Attended all, part or separately",
        rows[1].measures[0],
        bucket=QUARTER,
        total=f["identified"],
        total_label="Fathers and male partners recorded (each row is of these)",
    )


def _emotional_abuse(s: dict) -> FigureData:
    q = load()
    e = s["emotional_abuse_check"]
    labels = {"unanswered": "Not answered"}
    rows = tuple(
        Row(a, labels.get(a) or q.label("emotional_abuse_check", a), (Measure.of(e.get(a, 0), e["flagged"]),))
        for a in (*q.codes["emotional_abuse_check"], "unanswered")
    )
    return _partition(
        "emotional_abuse_check",
        "The emotional-abuse check",
        "Where domestic abuse came with parental mental ill-health or substance misuse and the category was "
        "emotional abuse, did the chair confirm or change it?",
        "Children",
        "children flagged",
        rows,
        "Check answered",
        tuple(q.codes["emotional_abuse_check"]),
        "Children flagged",
    )


def _participation(s: dict) -> FigureData:
    p = s["participation"]
    return _partition(
        "participation",
        "The child's participation",
        "How did each child take part in the conference (the PN codes)?",
        "Children",
        "children discussed",
        _coded_rows("participation", p["counts"], p["children"], extra_labels={"not_recorded": "Not recorded"}),
        "Attended (PN1–PN4)",
        ("pn1", "pn2", "pn3", "pn4"),
        "Children discussed",
    )


#: (quality key, the answer that counts as good, answers left out of the denominator)
QUALITY_MEASURES = (
    ("plan_smart", "yes", ("not_applicable",)),
    ("contingency_plan", "yes", ("not_applicable",)),
    ("core_group_within_10_days", "yes", ("not_applicable",)),
    ("family_support_worker_role", "clearly_defined", ("not_applicable",)),
    ("sw_report_to_chair", "two_days_before", ()),
    ("sw_report_shared_with_parents", "two_days_before", ("not_applicable",)),
    ("interpreter", "provided", ("not_required",)),
)


def _plan_quality(s: dict) -> FigureData:
    q = load()
    answers = s["plan_quality"]["answers"]
    rows = []
    for key, good, left_out in QUALITY_MEASURES:
        counts = answers.get(key, {})
        d = sum(n for code, n in counts.items() if code not in left_out)
        label = f"{q.field('quality.' + key).plain_label}: {q.label(key, good).lower()}"
        rows.append(Row(key, label, (Measure.of(counts.get(good, 0), d),)))
    return FigureData(
        "plan_quality",
        "Plan quality",
        "How did the chairs rate the plan and the reports? (Each row of the conferences where it applied.)",
        ("Conferences",),
        "conferences where it applied",
        tuple(rows),
        rows[0].label,
        rows[0].measures[0],
        notes=("Each row is of the conferences where the question applied ('not applicable' left out).",),
    )


def _dissent(s: dict) -> FigureData:
    d = s["dissent"]
    return _partition(
        "dissent",
        "Dissent at conference",
        "Did anyone dissent from the conference's decision?",
        "Conferences",
        "conferences",
        _coded_rows(
            "dissent",
            {**d["counts"], "not_recorded": d["unanswered"]},
            d["conferences"],
            extra_labels={"not_recorded": "Not recorded"},
        ),  # fmt: skip
        "Any dissent",
        ("professional", "parental", "both"),
        "Conferences",
    )


def _escalations(s: dict) -> FigureData:
    e = s["escalations"]
    status = e["by_status"]
    return _partition(
        "escalations",
        "Practice alerts and escalations, by type",
        "What did chairs raise at or after conferences?",
        "Raised",
        "alerts and escalations raised",
        _coded_rows("escalation_type", e["by_type"], e["total"]),
        "Formal escalations",
        ("formal_escalation",),
        "Alerts, commendations and escalations raised",
        extra=(
            Row("resolved", "Resolved", (Measure.of(status.get("resolved", 0), e["total"]),)),
            Row(
                "stage_3_4",
                "At stage 3 or 4",
                (Measure.of(e["by_stage"].get("3", 0) + e["by_stage"].get("4", 0), e["total"]),),
            ),
        ),  # fmt: skip
    )


def _escalation_subjects(s: dict) -> FigureData:
    e = s["escalations"]
    return _partition(
        "escalation_subjects",
        "Practice alerts and escalations, by subject",
        "What were the alerts and escalations about?",
        "Raised",
        "alerts and escalations raised",
        _coded_rows("escalation_subject", e["by_subject"], e["total"]),
        "Drift or delay",
        ("drift_or_delay",),
        "Alerts, commendations and escalations raised",
    )


def _quorum(s: dict) -> FigureData:
    qm = s["quorum"]
    return _partition(
        "quorum",
        "Quorate conferences",
        "Was the conference quorate (as the chair recorded it)?",
        "Conferences",
        "conferences",
        (
            Row("quorate", "Quorate", (Measure.of(qm["quorate"], qm["recorded"]),)),
            Row("not_quorate", "Not quorate", (Measure.of(qm["recorded"] - qm["quorate"], qm["recorded"]),)),
        ),
        "Quorate",
        ("quorate",),
        "Conferences",
        notes=("Version 1 records carry the chair's yes/no; version 2 works quorum out from who attended.",),
    )


# --- figures that need the version 2 questionnaire ---------------------------------------------------------

FIRST_QUESTIONNAIRE_NOTE = (
    "Only records made on the second questionnaire hold this: those from the first (or carried from it when "
    "cpchair was upgraded) are not counted. The last line says how many could be counted."
)


def coverage_sentence(n: object, d: object, unit: str) -> str:
    """ "Counted on 812 of 1,050 conferences", the numbers given as text (suppressed where they must be)."""
    return f"Counted on {n} of {d} {unit} in the period; the others, from the first questionnaire, do not record this."


def _counted(v: dict, unit: str, label: str | None = None) -> Row:
    return Row(
        COUNTED,
        label or f"{unit[0].upper()}{unit[1:]} counted (recorded on the second questionnaire), of all in the period",
        (Measure.of(v["counted"], v["in_period"]),),
    )


def _nonzero(rows: tuple[Row, ...], keep: tuple[str, ...] = ()) -> tuple[Row, ...]:
    """The rows with something to count (19 agencies, most of them 0 in a month, would hide the few that
    are not), and always those in ``keep`` (a headline's)."""
    return tuple(r for r in rows if r.measures[0].n or r.code in keep)


def _dissent_by_agency(s: dict) -> FigureData:
    v = s["dissent_by_agency"]
    prof = v["professional"]
    return FigureData(
        "dissent_by_agency",
        "Professional dissent, by who dissented, and escalations from it",
        "Who dissented from the conference's decision, and was an escalation raised from the dissent?",
        ("Conferences",),
        "conferences with professional dissent",
        _nonzero(_coded_rows("csc_or_agency", v["by_agency"], prof)),
        "An escalation was raised from the dissent",
        Measure.of(v["escalated"], prof, v.get("escalated_pct")),
        notes=(
            "Several may dissent at one conference, so the rows add up to more than the total.",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        total=prof,
        total_label="Conferences with professional dissent (each row is of these)",
        extra=(
            Row(
                "professional",
                "Conferences with professional dissent",
                (Measure.of(prof, v["counted"], v.get("professional_pct")),),
            ),
            _counted(v, "conferences"),
        ),  # fmt: skip
        coverage_unit="conferences",
        sums=(("total", ("professional",)), ("d:professional", (COUNTED,))),
    )


def _escalations_by_agency(s: dict) -> FigureData:
    v = s["escalations_by_agency"]
    counted = v["counted"]
    labels = {"not_recorded": "Not recorded"}
    rows = _nonzero(_coded_rows("csc_or_agency", v["directed_at"], counted, extra_labels=labels),
                    keep=("childrens_social_care",))  # fmt: skip
    return _partition(
        "escalations_by_agency",
        "Practice alerts and escalations, by whom they were directed at",
        "At whom were the alerts, commendations and escalations directed?",
        "Raised",
        "alerts and escalations raised",
        rows,
        "Directed at children's social care",
        ("childrens_social_care",),
        "Alerts, commendations and escalations counted",
        extra=(
            Row("from_dissent", "Raised from professional dissent", (Measure.of(v["from_dissent"], counted),)),
            Row("resolved", "Resolved", (Measure.of(v["resolved"], counted),)),
            _counted(v, "alerts and escalations"),
        ),  # fmt: skip
        notes=(FIRST_QUESTIONNAIRE_NOTE,),
        coverage_unit="alerts and escalations",
        sums=(("total", (COUNTED,)),),
    )


def _escalation_resolution(s: dict) -> FigureData:
    v = s["escalations_by_agency"]
    q = load()
    timed = v["days_timed"]
    bands = v["days_to_resolve_bands"]
    rows = tuple(Row(b, DAY_BAND_LABELS[b], (Measure.of(bands.get(b, 0), timed),)) for b, _ in DAY_BANDS)
    outcomes = v["outcomes"]
    labels = {"not_recorded": "Outcome not recorded"}
    extra = tuple(
        Row(f"outcome_{code}", labels.get(code) or q.label("escalation_outcome", code),
            (Measure.of(outcomes[code], timed),))
        for code in outcomes if code != "not_recorded" or outcomes[code]
    )  # fmt: skip
    median = v.get("days_to_resolve_median")
    notes = (f"Median days from raised to resolved: {median:g}.",) if median is not None else ()
    return _partition(
        "escalation_resolution",
        "Escalations resolved: how long they took and the outcome",
        "How long did it take to resolve an alert or escalation, and how was it resolved?",
        "Resolved",
        "alerts and escalations resolved",
        rows,
        "Resolved within 28 days",
        ("within_7d", "8_to_28d"),
        "Resolved, with the dates raised and resolved",
        extra=(
            *extra,
            Row("open", "Still open (of those counted)", (Measure.of(v["open"], v["counted"]),)),
            _counted(v, "alerts and escalations"),
        ),
        notes=(*notes, "Days are calendar days from the date raised to the date resolved.", FIRST_QUESTIONNAIRE_NOTE),
        coverage_unit="alerts and escalations",
        sums=(("total", tuple(r.code for r in extra)), ("d:open", ("total", "open")), ("d:open", (COUNTED,))),
    )


def _quorum_from_attendance(s: dict) -> FigureData:
    v = s["quorum_from_attendance"]
    counts = v["counts"]
    labels = {"quorate": "Quorate", "not_recorded": "Not recorded"}
    rows = tuple(
        Row(code, labels.get(code) or "Not quorate: " + load().label("not_quorate_reason", code).lower(),
            (Measure.of(n, v["counted"]),))
        for code, n in counts.items() if code != "not_recorded" or n
    )  # fmt: skip
    return _partition(
        "quorum_from_attendance",
        "Quorum worked out from who attended",
        "Were children's social care and at least two other agencies present (in person or virtually)?",
        "Conferences",
        "conferences counted",
        rows,
        "Quorate",
        ("quorate",),
        "Conferences counted",
        extra=(
            Row(
                "social_care_present",
                "Children's social care present (social worker or team manager)",
                (Measure.of(v["social_care_present"], v["counted"]),),
            ),
            _counted(v, "conferences"),
        ),  # fmt: skip
        notes=(
            "Worked out from the attendance recorded; the reasons are as the record gives them. Fig 23 counts "
            "the chair's yes or no, which records from the first questionnaire carry.",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        coverage_unit="conferences",
        sums=(("total", (COUNTED,)),),
    )


def _category_change_recorded(s: dict) -> FigureData:
    v = s["category_change_recorded"]
    q = load()
    counted = v["counted"]
    rows = (Row("unchanged", "Category unchanged", (Measure.of(counted - v["changed"], counted),)),) + tuple(
        Row(code, f"Changed from {q.label('category', code).lower()}", (Measure.of(n, counted),))
        for code, n in v["changed_from"].items()
    )
    return _partition(
        "category_change_recorded",
        "Category changed at review, as the chair recorded it",
        "When a plan continued at a review, did the chair record a change of category, and from which?",
        "Children",
        "children whose plan continued at a review",
        rows,
        "Category changed",
        tuple(v["changed_from"]),
        "Children whose plan continued at a review (counted)",
        extra=(_counted(v, "children whose plan continued at a review"),),
        notes=(
            "As recorded at the review; Fig 14 works the change out from the child's previous conference on record.",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        coverage_unit="children whose plan continued at a review",
        sums=(("total", (COUNTED,)),),
    )


def _category_components(s: dict) -> FigureData:
    v = s["category_components"]
    multiple = v["multiple"]
    return FigureData(
        "category_components",
        "The categories making up 'multiple'",
        "When a child's plan was under the category 'multiple', which categories made it up?",
        ("Children",),
        "children on a 'multiple' plan",
        _coded_rows("category_component", v["components"], multiple),
        "Includes neglect",
        Measure.of(v["components"].get("neglect", 0), multiple),
        notes=(
            "Each 'multiple' plan names at least two categories, so the rows add up to more than the total.",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        total=multiple,
        total_label="Children on a 'multiple' plan (each row is of these)",
        extra=(
            Row(
                "multiple",
                "Children on a plan under 'multiple'",
                (Measure.of(multiple, v["counted"], v.get("multiple_pct")),),
            ),
            _counted(v, "children on a plan"),
        ),  # fmt: skip
        coverage_unit="children on a plan",
        sums=(("total", ("multiple",)), ("d:multiple", (COUNTED,))),
    )


def _review_due_recorded(s: dict) -> FigureData:
    v = s["review_due_recorded"]
    counts = v["counts"]
    labels = {"within": "Within timescale", "late": "Outside timescale", "not_recorded": "Not recorded"}
    rows = tuple(
        Row(code, labels[code], (Measure.of(n, v["counted"]),)) for code, n in counts.items()
        if code != "not_recorded" or n
    )  # fmt: skip
    median = v.get("days_late_median")
    late = (f"Reviews held late were a median of {median:g} days after their due date.",) if median is not None else ()
    return _partition(
        "review_due_recorded",
        "Reviews within timescale, as the chair recorded them",
        "Was each review held by its due date (3 months after the initial conference, then every 6 months)?",
        "Review conferences",
        "review conferences counted",
        rows,
        "Within timescale",
        ("within",),
        "Review conferences counted",
        extra=(
            Row(
                "first_within",
                "First reviews within 3 months",
                (Measure.of(v["first_reviews_within"], v["first_reviews"]),),
            ),
            Row("local", "Within the service's local target", (Measure.of(v["within_local_target"], v["counted"]),)),
            _counted(v, "review conferences"),
        ),  # fmt: skip
        notes=(
            *late,
            "The due date is worked out from the previous conference the chair records; Fig 11 works it "
            "out per child from the conferences on record.",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        coverage_unit="review conferences",
        sums=(("total", (COUNTED,)),),
    )


def _plans_ended_without_conference(s: dict) -> FigureData:
    v = s["plans_ended_without_conference"]
    counted = v["counted"]
    rows = _coded_rows("plan_end_without_conference", v["reasons"], counted) + (
        Row("not_ended", "No end recorded", (Measure.of(counted - v["ended"], counted),)),
    )
    return _partition(
        "plans_ended_without_conference",
        "Plans ended without a conference",
        "After a conference, did a child's plan end without another conference, and why?",
        "Children",
        "children on a plan after a conference",
        rows,
        "Plan ended without a conference",
        tuple(v["reasons"]),
        "Children on a plan after a conference in the period (counted)",
        extra=(_counted(v, "children on a plan"),),
        notes=(
            "Counted at the conference after which the plan ended (a child at two conferences in the period is "
            "counted at each).",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        coverage_unit="children on a plan",
        sums=(("total", (COUNTED,)),),
    )


def _adjournments(s: dict) -> FigureData:
    v = s["adjournments"]
    counted = v["counted"]
    reasons = v["reasons"]
    rows = _coded_rows("adjournment_reason", {c: n for c, n in reasons.items() if c != "not_recorded" or n}, counted,
                       extra_labels={"not_recorded": "Reason not recorded"})  # fmt: skip
    rows = tuple(replace(r, label="Adjourned: " + r.label[0].lower() + r.label[1:]) for r in rows) + (
        Row("not_adjourned", "Not adjourned", (Measure.of(counted - v["adjourned"], counted),)),
    )
    return _partition(
        "adjournments",
        "Adjourned conferences",
        "Was the conference adjourned to reconvene later, and why?",
        "Conferences",
        "conferences counted",
        rows,
        "Adjourned",
        tuple(r.code for r in rows if r.code != "not_adjourned"),
        "Conferences counted",
        extra=(
            Row(
                "children_adjourned",
                "Children at initial conferences whose decision was 'Adjourned'",
                (Measure.of(v["children_adjourned"], v["initial_children"]),),
            ),
            _counted(v, "conferences"),
        ),  # fmt: skip
        notes=("At an adjourned review the plan continues until the conference reconvenes.", FIRST_QUESTIONNAIRE_NOTE),
        coverage_unit="conferences",
        sums=(("total", (COUNTED,)),),
    )


#: (row code, the question, the answers counted as done, answers left out of the denominator, the row's label)
WORKING_TOGETHER = (
    ("reports_shared", "reports_shared_with_family", ("all_two_days_before",), (),
     "Reports shared with the family two working days before"),
    ("advocacy", "parent_advocacy", ("advocate_present", "supporter_present"), (),
     "A parent's advocate or supporter present"),
    ("chair_met", "chair_met_parents", ("met_all", "met_some"), (), "The chair met the parents beforehand"),
    ("family_network", "family_network_meeting", ("already_held", "recommended"), (),
     "Family network meeting held or recommended"),
    ("lead_csc", "lead_practitioner_agency", ("childrens_social_care",), (),
     "Lead practitioner from children's social care"),
    ("lead_social_worker", "lead_practitioner_role", ("social_worker", "advanced_practitioner"), (),
     "Lead practitioner a social worker or advanced practitioner"),
    ("child_seen", "child_seen", ("seen_alone", "seen_with_others"), ("not_seen_too_young",),
     "Child seen (of those old enough)"),
    ("child_seen_alone", "child_seen", ("seen_alone",), ("not_seen_too_young",),
     "Child seen alone (of those old enough)"),
    ("views_conveyed", "views_route", ("in_person", "advocate", "social_worker", "written_or_recorded",
                                       "other_professional"), (), "The child's views reached the conference"),
    ("views_in_person", "views_route", ("in_person", "advocate"), (),
     "The child's views given in person or through an advocate"),
)  # fmt: skip


def _working_together(s: dict) -> FigureData:
    v = s["working_together"]
    answers = v["answers"]
    rows = []
    for code, key, done, left_out, label in WORKING_TOGETHER:
        counts = answers.get(key, {})
        d = sum(n for c, n in counts.items() if c not in left_out)
        rows.append(Row(code, label, (Measure.of(sum(counts.get(c, 0) for c in done), d),)))
    seen = ("child_seen", "child_seen_alone")
    views = ("views_conveyed", "views_in_person")
    return FigureData(
        "working_together",
        "Working Together 2023: the family and the child",
        "Were reports shared in time, parents supported and met, a family network meeting considered, a lead "
        "practitioner named, and each child seen and heard? (Each row of the records that answered it.)",
        ("Answered",),
        "conferences that answered",
        tuple(rows),
        rows[0].label,
        rows[0].measures[0],
        notes=(
            "Rows about the child count children; the others count conferences. Each is of the records that "
            "answered it.",
            FIRST_QUESTIONNAIRE_NOTE,
        ),  # fmt: skip
        extra=(
            _counted(v, "conferences"),
            Row(
                "children_counted",
                "Children counted (recorded on the second questionnaire), of all in the period",
                (Measure.of(v["children_counted"], v["children_in_period"]),),
            ),
        ),  # fmt: skip
        coverage_unit="conferences",
        sums=(("d:" + seen[0], ("d:" + seen[1],)), ("d:" + views[0], ("d:" + views[1],))),
    )


def _fathers_v2(s: dict) -> FigureData:
    v = s["fathers_parental_responsibility"]
    q = load()
    counted = v["counted"]
    pr, home = v["parental_responsibility"], v["lives_in_household"]
    reasons = v["exclusion_reasons"]
    rows = [
        Row("pr_yes", "With parental responsibility", (Measure.of(pr.get("yes", 0), counted),)),
        Row("resident", "Living in the child's household", (Measure.of(home.get("yes", 0), counted),)),
        Row("non_resident", "Not living in the child's household", (Measure.of(home.get("no", 0), counted),)),
        Row("excluded", "Excluded by the chair", (Measure.of(v["excluded_by_chair"], counted),)),
    ]
    parts = tuple(c for c, n in reasons.items() if c != "not_recorded" or n)
    for code in parts:
        label = "not recorded" if code == "not_recorded" else q.label("exclusion_reason", code).lower()
        rows.append(Row(f"excluded_{code}", f"Excluded: {label}", (Measure.of(reasons[code], counted),)))
    return FigureData(
        "fathers_parental_responsibility",
        "Fathers and male partners: parental responsibility, household, excluded",
        "Did the fathers and male partners have parental responsibility, live with the child, or were they "
        "excluded by the chair (and why)?",
        ("Fathers and male partners",),
        "fathers and male partners counted",
        tuple(rows),
        "With parental responsibility",
        rows[0].measures[0],
        bucket=QUARTER,
        total=counted,
        total_label="Fathers and male partners counted (each row is of these)",
        extra=(
            Row(
                "pr_invited",
                "Invited, of those with parental responsibility",
                (Measure.of(v["with_pr_invited"], pr.get("yes", 0)),),
            ),
            _counted(v, "fathers and male partners"),
        ),  # fmt: skip
        notes=(FIRST_QUESTIONNAIRE_NOTE,),
        coverage_unit="fathers and male partners",
        sums=(
            ("excluded", tuple(f"excluded_{c}" for c in parts)),
            ("d:pr_invited", ("pr_yes",)),
            ("total", (COUNTED,)),
        ),
    )


def _spec(key: str, sheet: str, build: Callable[[dict], FigureData], **kw) -> FigureSpec:
    return FigureSpec(key, sheet, build, **kw)


REGISTRY: tuple[FigureSpec, ...] = (
    _spec("time_on_plan", "1 Time on plan", _time_on_plan, additive=False, seed_figure="Fig 1"),
    _spec("plans_ended", "2 Plans ended", _plans_ended, seed_figure="Fig 2"),
    _spec("category", "3 Category at plan start", _category, seed_figure="Fig 3"),
    _spec("issues", "4 Issues", _issues, seed_figure="Fig 4"),
    _spec("fathers_attendance", "5 Fathers attendance", _fathers_attendance, bucket=QUARTER, seed_figure="Fig 5"),
    _spec("fathers_engagement", "6 Fathers engagement", _fathers_engagement, seed_figure="Fig 6"),
    _spec("agencies_initial", "7 Agencies initial", lambda s: _agencies(s, "initial"), seed_figure="Fig 7"),
    _spec("agencies_review", "8 Agencies review", lambda s: _agencies(s, "review"), seed_figure="Fig 8"),
    _spec("icpc_timeliness", "9 ICPC timeliness", _icpc),
    _spec("icpc_late_reasons", "10 ICPC late reasons", _icpc_late),
    _spec("review_timeliness", "11 Review timeliness", _review_timeliness),
    _spec("repeat_plans", "12 Repeat plans", _repeat_plans),
    _spec("plans_ended_first_review", "13 Ended at first review", _ended_first_review),
    _spec("category_changes", "14 Category changes", _category_changes),
    _spec("fathers_not_invited", "15 Fathers not invited", _fathers_not_invited, bucket=QUARTER),
    _spec("fathers_summary", "16 Fathers summary", _fathers_summary, bucket=QUARTER),
    _spec("emotional_abuse_check", "17 Emotional-abuse check", _emotional_abuse),
    _spec("participation", "18 Participation", _participation),
    _spec("plan_quality", "19 Plan quality", _plan_quality),
    _spec("dissent", "20 Dissent", _dissent),
    _spec("escalations", "21 Escalations by type", _escalations),
    _spec("escalation_subjects", "22 Escalations by subject", _escalation_subjects),
    _spec("quorum", "23 Quorum", _quorum),
    # version 2 questionnaire
    _spec("dissent_by_agency", "24 Dissent by agency", _dissent_by_agency),
    _spec("escalations_by_agency", "25 Escalations by agency", _escalations_by_agency),
    _spec("escalation_resolution", "26 Escalations resolved", _escalation_resolution),
    _spec("quorum_from_attendance", "27 Quorum from attendance", _quorum_from_attendance),
    _spec("category_change_recorded", "28 Category change recorded", _category_change_recorded),
    _spec("category_components", "29 Multiple categories", _category_components),
    _spec("review_due_recorded", "30 Reviews as recorded", _review_due_recorded),
    _spec("plans_ended_without_conference", "31 Ended without conference", _plans_ended_without_conference),
    _spec("adjournments", "32 Adjournments", _adjournments),
    _spec("working_together", "33 Working Together", _working_together),
    _spec("fathers_parental_responsibility", "34 Fathers PR household", _fathers_v2, bucket=QUARTER),
)
BY_KEY = {spec.key: spec for spec in REGISTRY}
FIGURE_KEYS = tuple(spec.key for spec in REGISTRY)
BUCKETS = {spec.key: spec.bucket for spec in REGISTRY}
SHEET_NAMES = {spec.key: spec.sheet for spec in REGISTRY}


def figures(stats: dict) -> list[FigureData]:
    """Every figure of the dashboard and the report, numbered, in reading order, from one period's statistics."""
    return [replace(spec.build(stats), number=n, bucket=spec.bucket) for n, spec in enumerate(REGISTRY, start=1)]
