"""Small-number suppression for reports that leave the service: primary and secondary.

Why more than hiding 1–5: the DfE convention (domain notes §2.3) hides counts from 1 to 5 as "c", but a
hidden count that can be worked out is not hidden. A reader can subtract the visible rows from a table's
total, take a complement (40 conferences, 38 within timescale: 2 late), multiply a percentage by its
denominator, or add up the months or the chairs of the same figure, or read the same number in another
figure (fathers recorded are Fig 5's total and Fig 6's). So every number the report shows is a *cell*,
every way numbers add up is an *equation* between cells, and cells are hidden until no count from 1 to 5
(shown or not: a complement is never printed, yet must not be derivable) can be solved for.

The method (the usual one for published tables): hide the small counts (primary); then, repeatedly, solve
every equation with exactly one unknown, as a reader would; when that reaches a small count, hide one more
shown cell of the equation that gave it away — the smallest non-zero one (secondary) — and start again.
A percentage is shown only when both its count and its denominator are. ``Disclosure`` is the outcome;
the PDF, its charts and the workbook all ask it, so they hide the same cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cpchair.services.figures import FigureData, Measure

if TYPE_CHECKING:
    from cpchair.services.dashboard import Dashboard

SUPPRESSED = "c"
Cell = tuple[Any, ...]
Equation = tuple[Cell, tuple[Cell, ...]]  # total = sum(parts)


def is_small(n: int | None) -> bool:
    return n is not None and 1 <= n <= 5


@dataclass
class Layout:
    """Where a figure's numbers are: the cell of each row's count and denominator, its headline and series."""

    row_n: dict[tuple[str, int], Cell] = field(default_factory=dict)
    row_d: dict[tuple[str, int], Cell] = field(default_factory=dict)
    extra_n: dict[str, Cell] = field(default_factory=dict)
    extra_d: dict[str, Cell] = field(default_factory=dict)
    total: Cell | None = None
    head_n: Cell | None = None
    head_d: Cell | None = None
    time_n: dict[str, Cell] = field(default_factory=dict)
    time_d: dict[str, Cell] = field(default_factory=dict)
    chair_n: dict[str, Cell] = field(default_factory=dict)
    chair_d: dict[str, Cell] = field(default_factory=dict)
    prev_n: Cell | None = None
    prev_d: Cell | None = None


class System:
    """Cells with their values (``shown`` ones are printed), and the equations between them."""

    def __init__(self) -> None:
        self.values: dict[Cell, int] = {}
        self.shown: set[Cell] = set()
        self.equations: list[Equation] = []

    def cell(self, cell: Cell, value: int, shown: bool = True) -> Cell:
        old = self.values.get(cell)
        if old is not None and old != value:
            raise ValueError(f"cell {cell} holds {old} and {value}")
        self.values[cell] = value
        if shown:
            self.shown.add(cell)
        return cell

    def equation(self, total: Cell, parts: Iterable[Cell]) -> None:
        parts = tuple(parts)
        if all(c in self.values for c in (total, *parts)):
            self.equations.append((total, parts))

    def measure(self, n_cell: Cell, d_cell: Cell, m: Measure, complement: Cell) -> None:
        """A shown "n of d": the count, the denominator, and the never-shown complement d - n."""
        self.cell(n_cell, m.n)
        self.cell(d_cell, m.d)
        self.cell(complement, m.d - m.n, shown=False)
        self.equation(d_cell, (n_cell, complement))


def solve(system: System, hidden: set[Cell]) -> tuple[set[Cell], dict[Cell, Equation]]:
    """What a reader can work out from the shown, unhidden cells: every equation with one unknown, repeatedly.
    Returns the cells known and, for each cell worked out, the equation that gave it."""
    known = {c for c in system.shown if c not in hidden}
    how: dict[Cell, Equation] = {}
    pending = list(system.equations)
    changed = True
    while changed:
        changed = False
        rest = []
        for eq in pending:
            total, parts = eq
            unknown = [c for c in (total, *parts) if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                how[unknown[0]] = eq
                changed = True
            elif unknown:
                rest.append(eq)
        pending = rest
    return known, how


def protect(system: System) -> set[Cell]:
    """The shown cells to hide so that no count from 1 to 5 can be worked out (primary, then secondary)."""
    values = system.values
    small = {c for c, v in values.items() if is_small(v)}
    hidden = {c for c in system.shown if c in small}
    for _ in range(len(system.shown) + 1):
        known, how = solve(system, hidden)
        leaks = sorted((c for c in small if c in known and c in how), key=repr)
        if not leaks:
            return hidden
        total, parts = how[leaks[0]]
        candidates = [c for c in (total, *parts) if c in system.shown and c not in hidden]
        if not candidates:  # given away through cells that were themselves worked out: hide what they came from
            candidates = [c for c in _sources(how, leaks[0]) if c in system.shown and c not in hidden]
        if not candidates:
            break
        hidden.add(min(candidates, key=lambda c: (values[c] == 0, values[c], repr(c))))
    return hidden | set(system.shown)  # cannot happen with the report's tables; if it did, show nothing


def _sources(how: dict[Cell, Equation], cell: Cell) -> list[Cell]:
    """Every cell the working-out of ``cell`` used, directly or through other worked-out cells."""
    seen: list[Cell] = []
    stack = [cell]
    while stack:
        c = stack.pop()
        total, parts = how.get(c, (None, ()))
        for m in (total, *parts):
            if m is not None and m != c and m not in seen:
                seen.append(m)
                if m in how:
                    stack.append(m)
    return seen


# --- the report's cells and equations ----------------------------------------------------------------------


def layout_figure(system: System, fig: FigureData, dash: Dashboard | None, additive: bool) -> Layout:
    """Declare a figure's shown numbers and how they add up; return where each number's cell is."""
    k = fig.key
    lay = Layout()
    multi = len(fig.measure_names) > 1
    if fig.total is not None:
        lay.total = system.cell((k, "total"), fig.total)
    for r in fig.rows:
        for i, m in enumerate(r.measures):
            if multi:
                d_cell = (k, "d", r.code)
            elif fig.total is not None and m.d == fig.total:
                d_cell = lay.total
            else:
                d_cell = (k, "d", r.code, i)
            lay.row_n[(r.code, i)] = (k, "n", r.code, i)
            lay.row_d[(r.code, i)] = d_cell
            system.measure((k, "n", r.code, i), d_cell, m, (k, "c", r.code, i))
    if fig.partition:
        system.equation(lay.total, [lay.row_n[(r.code, 0)] for r in fig.rows])
    if multi and lay.total is not None:
        system.equation(lay.total, dict.fromkeys(lay.row_d[(r.code, 0)] for r in fig.rows))
    # the headline: a row itself, or a sum of rows, over the total or its own denominator
    h = fig.headline
    same = next((r for r in fig.rows if not multi and r.measures[0] == h), None)
    if same is not None:
        lay.head_n, lay.head_d = lay.row_n[(same.code, 0)], lay.row_d[(same.code, 0)]
    else:
        if fig.partition and set(fig.headline_rows) >= {r.code for r in fig.rows} and lay.total is not None:
            lay.head_n = lay.total
        else:
            lay.head_n = system.cell((k, "hn"), h.n)
            if fig.partition:
                system.equation(lay.head_n, [lay.row_n[(c, 0)] for c in fig.headline_rows if (c, 0) in lay.row_n])
            elif multi:
                system.equation(lay.head_n, [lay.row_n[(r.code, 0)] for r in fig.rows])
        if lay.total is not None and h.d == fig.total:
            lay.head_d = lay.total
        else:
            lay.head_d = system.cell((k, "hd"), h.d)
        system.cell((k, "hc"), h.d - h.n, shown=False)
        system.equation(lay.head_d, (lay.head_n, (k, "hc")))
    for r in fig.extra:
        m = r.measures[0]
        d_cell = lay.total if fig.total is not None and m.d == fig.total else (k, "xd", r.code)
        lay.extra_n[r.code], lay.extra_d[r.code] = (k, "xn", r.code), d_cell
        system.measure((k, "xn", r.code), d_cell, m, (k, "xc", r.code))
    for target, parts in fig.sums:  # the figure's other ways of adding up
        system.equation(_named(lay, target), [_named(lay, p) for p in parts])
    if dash is not None:
        for kind, lines, names in (
            ("t", dash.over_time.get(k) or [], "label"),
            ("ch", dash.by_chair.get(k) or [], "chair"),
        ):
            ns, ds = (lay.time_n, lay.time_d) if kind == "t" else (lay.chair_n, lay.chair_d)
            for line in lines:
                m = line.value
                if m is None:
                    continue
                name = getattr(line, names)
                ns[name], ds[name] = (k, kind + "n", name), (k, kind + "d", name)
                system.measure(ns[name], ds[name], m, (k, kind + "c", name))
            adds_up = additive if kind == "t" else dash.chair is None
            if ns and adds_up:
                system.equation(lay.head_n, ns.values())
                system.equation(lay.head_d, ds.values())
        prev = dash.previous.get(k)
        if prev is not None:
            lay.prev_n, lay.prev_d = (k, "pn"), (k, "pd")
            system.measure(lay.prev_n, lay.prev_d, prev.headline, (k, "pc"))
    return lay


def _named(lay: Layout, name: str) -> Cell | None:
    """A figure's cell by the name ``FigureData.sums`` gives it: "total", a row's or extra line's code (its
    count) or "d:" + code (its denominator)."""
    if name == "total":
        return lay.total
    if name.startswith("d:"):
        code = name[2:]
        return lay.row_d.get((code, 0)) or lay.extra_d.get(code)
    return lay.row_n.get((name, 0)) or lay.extra_n.get(name)


#: Figures whose headline denominators count the same people, so a reader may read one from another.
SAME_HEADLINE_D = (
    ("fathers_attendance", "fathers_not_invited", "fathers_summary", "fathers_engagement"),
    ("category", "repeat_plans"),
    ("escalations", "escalation_subjects"),
    ("quorum_from_attendance", "adjournments"),  # the conferences on the second questionnaire
)
SAME_HEADLINE_N = (("fathers_attendance", "fathers_summary"),)


def _links(system: System, lays: dict[str, Layout]) -> None:
    """The equations between figures: the same number shown in two figures, or one figure's rows adding up to
    another's."""

    def n(fig: str, code: str) -> Cell:
        return "" if fig not in lays else (fig, "n", code, 0)

    def same(a: Cell | None, b: Cell | None) -> None:
        if a is not None and b is not None and a != b:
            system.equation(a, (b,))

    fathers, nots, summary = (
        lays.get("fathers_attendance"),
        lays.get("fathers_not_invited"),
        lays.get("fathers_summary"),
    )
    if fathers and nots:
        system.equation(nots.total, (n("fathers_attendance", "not_invited"),))
    if fathers and summary:
        system.equation(fathers.total, (n("fathers_summary", "invited"), n("fathers_attendance", "not_invited")))
        system.equation(
            n("fathers_summary", "attended"),
            [n("fathers_attendance", c) for c in ("attended_all", "attended_part", "attended_separately")],
        )
    if summary and "fathers_engagement" in lays:
        system.equation(n("fathers_summary", "engaging"), (n("fathers_engagement", "any"),))
    if "plans_ended" in lays and "plans_ended_first_review" in lays:
        first = lays["plans_ended_first_review"]
        total = lays["plans_ended"].total
        system.equation(total, (first.total, first.extra_n.get("not_on_record")))
        same(first.extra_d.get("not_on_record"), total)
    if "icpc_timeliness" in lays and "icpc_late_reasons" in lays:
        system.equation(lays["icpc_late_reasons"].total, (n("icpc_timeliness", "late"),))
        icpc, late = lays["icpc_timeliness"], lays["icpc_late_reasons"]
        for kind in ("time", "chair"):
            ins, ids = getattr(icpc, kind + "_n"), getattr(icpc, kind + "_d")
            lds = getattr(late, kind + "_d")
            for name, d_cell in ids.items():
                if name in lds:
                    system.cell((icpc_key := "icpc_timeliness", kind + "late", name),
                                system.values[d_cell] - system.values[ins[name]], shown=False)  # fmt: skip
                    system.equation(d_cell, (ins[name], (icpc_key, kind + "late", name)))
                    system.equation(lds[name], ((icpc_key, kind + "late", name),))
    if "review_timeliness" in lays:
        rt = lays["review_timeliness"]
        system.equation(rt.extra_d.get("not_timed"), (rt.total, rt.extra_n.get("not_timed")))
        if "time_on_plan" in lays:
            same(rt.extra_d.get("overdue"), lays["time_on_plan"].total)
    if "conferences" in lays:
        conf = lays["conferences"]
        for fig, cell in (("dissent", "total"), ("participation", "total")):
            if fig in lays:
                target = conf.total if fig == "dissent" else conf.extra_n.get("children")
                same(getattr(lays[fig], cell), target)
        if "quorum" in lays and system.values.get(lays["quorum"].total) == system.values.get(conf.total):
            same(lays["quorum"].total, conf.total)  # v1: every conference records quorum, so the labels agree
        if nots is not None:
            same(nots.extra_d.get("no_male"), conf.total)
            system.equation(
                nots.extra_d.get("no_male"), (nots.extra_d.get("per_conference"), nots.extra_n.get("no_male"))
            )
    _links_v2(system, lays, same)
    for group, attr in ((SAME_HEADLINE_D, "d"), (SAME_HEADLINE_N, "n")):
        for figs in group:
            present = [lays[f] for f in figs if f in lays]
            for a, b in zip(present, present[1:], strict=False):
                same(getattr(a, "head_" + attr), getattr(b, "head_" + attr))
                same(getattr(a, "prev_" + attr), getattr(b, "prev_" + attr))
                for kind in ("time", "chair"):
                    xa, xb = getattr(a, f"{kind}_{attr}"), getattr(b, f"{kind}_{attr}")
                    for name in xa.keys() & xb.keys():
                        same(xa[name], xb[name])


#: Version 2 figures whose ``counted`` line counts the same records (its "of" the same in-period records).
SAME_COVERAGE = (
    ("dissent_by_agency", "quorum_from_attendance", "adjournments", "working_together"),  # conferences
    ("escalations_by_agency", "escalation_resolution"),  # alerts and escalations
    ("category_components", "plans_ended_without_conference"),  # children on a plan
)


def _links_v2(system: System, lays: dict[str, Layout], same: Callable[[Cell | None, Cell | None], None]) -> None:
    """The version 2 figures' links: the records counted (and those in the period, shown elsewhere too)."""
    from cpchair.services.figures import COUNTED

    def cov(fig: str, part: str = "n") -> Cell | None:
        lay = lays.get(fig)
        return None if lay is None else (lay.extra_n if part == "n" else lay.extra_d).get(COUNTED)

    for group in SAME_COVERAGE:
        for a, b in zip(group, group[1:], strict=False):
            same(cov(a), cov(b))
            same(cov(a, "d"), cov(b, "d"))
    conf = lays.get("conferences")
    if conf is not None:
        same(cov("dissent_by_agency", "d"), conf.total)
        same(cov("review_due_recorded", "d"), conf.row_n.get(("review", 0)))
        if "working_together" in lays:
            same(lays["working_together"].extra_d.get("children_counted"), conf.extra_n.get("children"))
    if "escalations" in lays:
        same(cov("escalations_by_agency", "d"), lays["escalations"].total)
    if "fathers_attendance" in lays:
        same(cov("fathers_parental_responsibility", "d"), lays["fathers_attendance"].total)
    esc, res = lays.get("escalations_by_agency"), lays.get("escalation_resolution")
    if esc is not None and res is not None:
        resolved = esc.extra_n.get("resolved")
        if system.values.get(resolved) == system.values.get(res.total):  # every resolution dated
            same(resolved, res.total)
        system.equation(cov("escalations_by_agency"), (resolved, res.extra_n.get("open")))


def _conference_layout(system: System, stats: dict) -> Layout:
    c = stats["conferences"]
    lay = Layout(total=system.cell(("conferences", "total"), c["total"]))
    for t, v in c["by_type"].items():
        lay.row_n[(t, 0)] = system.cell(("conferences", "n", t, 0), v)
    system.equation(lay.total, [lay.row_n[k] for k in lay.row_n])
    ch = stats.get("children") or {"discussed": c["children"], "different": c["children"]}
    lay.extra_n["children"] = system.cell(("conferences", "children"), ch["discussed"])
    lay.extra_n["different"] = system.cell(("conferences", "different"), ch["different"])
    return lay


@dataclass
class Disclosure:
    """Which of a report's numbers are shown. ``on`` False: everything (for use inside the service)."""

    on: bool
    layouts: dict[str, Layout] = field(default_factory=dict)
    hidden: set[Cell] = field(default_factory=set)
    system: System = field(default_factory=System)

    def count(self, cell: Cell | None, value: int | None) -> int | str | None:
        """The count, or "c" when its cell is hidden."""
        if value is None:
            return None
        return SUPPRESSED if self.on and cell in self.hidden else value

    def pct(self, n_cell: Cell | None, d_cell: Cell | None, m: Measure | None) -> float | str | None:
        """The percentage, "c" when its count or denominator is hidden, None when there is none."""
        if m is None or m.pct is None:
            return None
        if self.on and (n_cell in self.hidden or d_cell in self.hidden):
            return SUPPRESSED
        return m.pct

    def pct_value(self, n_cell: Cell | None, d_cell: Cell | None, m: Measure | None) -> float | None:
        v = self.pct(n_cell, d_cell, m)
        return v if isinstance(v, float) else None

    def layout(self, key: str) -> Layout:
        return self.layouts.get(key) or Layout()


def disclosure(dash: Dashboard, on: bool = True, figures: Sequence[FigureData] | None = None) -> Disclosure:
    """Work out which cells of the dashboard's report to hide (every figure, its series, last year, the
    conferences table), solving every table and the links between figures together."""
    from cpchair.services.figures import BY_KEY

    system = System()
    lays: dict[str, Layout] = {"conferences": _conference_layout(system, dash.stats)}
    for fig in figures if figures is not None else dash.figures:
        spec = BY_KEY.get(fig.key)
        lays[fig.key] = layout_figure(system, fig, dash, spec.additive if spec else True)
    _links(system, lays)
    return Disclosure(on, lays, protect(system) if on else set(), system)
