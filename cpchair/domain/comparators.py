"""Comparators: England and the statistical neighbours, from the DfE's local-authority tables.

Why imported files and nothing fetched: the coordinator downloads the "Characteristics of children in need"
local-authority table (CSV, from explore-education-statistics) when it is published each autumn and
imports it; cpchair never goes on the network. This module reads such a file (pure: text in, values out)
and sets the values beside the service's figures, as the 2013 report did in words ("45% as opposed to 68%
for similar local authorities").

The file's shape is the DfE's: one row per area and year, ``time_period`` (``202425`` for 2024-25),
``geographic_level`` (``National``, ``Regional``, ``Local authority``), ``new_la_code``, ``la_name`` and one
column per measure; suppressed or missing values are ``c``, ``:``, ``z``, ``x``, ``low`` or empty.
``MEASURES`` says which columns cpchair reads and which figure (and row) each compares with; a column
it does not know is ignored, so a full DfE table imports as well as a cut-down one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from cpchair.domain import dates, national


@dataclass(frozen=True)
class Measure:
    """A DfE column cpchair reads: the figure it compares with, the row of that figure (None: its headline)."""

    column: str
    figure: str
    row: str | None
    label: str


MEASURES: tuple[Measure, ...] = (
    Measure("cpp_open_2_years_or_more_percent", "time_on_plan", "24m_plus",
            "Children on a plan at 31 March for 2 years or more"),
    Measure("cpp_ended_2_years_or_more_percent", "plans_ended", "24m_plus", "Plans ended that lasted 2 years or more"),
    Measure("cpp_started_emotional_abuse_percent", "category", "emotional", "Plans started under emotional abuse"),
    Measure("icpc_within_15_days_percent", "icpc_timeliness", "within", "Initial conferences within 15 working days"),
    Measure("cpp_reviewed_within_timescale_percent", "review_timeliness", "children",
            "Children whose plan was reviewed within timescales"),
    Measure("cpp_second_or_subsequent_percent", "repeat_plans", None, "Plans that were a second or later plan"),
)  # fmt: skip
BY_COLUMN = {m.column: m for m in MEASURES}
REQUIRED_COLUMNS = ("time_period", "geographic_level", "new_la_code", "la_name")
MISSING = frozenset({"", "c", ":", "z", "x", "low", "u", "k", ".."})
NATIONAL_LEVEL = "national"
LA_LEVEL = "local authority"
ENGLAND_CODE = "E92000001"


class ComparatorFileError(ValueError):
    """The file is not a DfE local-authority table cpchair can read; the message says why and what to do."""


@dataclass(frozen=True)
class Value:
    """One published value: ``area_code`` (``E10000030``, or ``E92000001`` for England) in ``year`` (202425)."""

    area_code: str
    area_name: str
    level: str  # "national" or "local authority"
    year: str
    column: str
    value: float


@dataclass(frozen=True)
class Comparison:
    """One comparator's figure beside the service's: ``pct`` for ``name`` in ``year`` (``2024-25``)."""

    name: str
    kind: str  # "england" | "authority" | "neighbour" | "neighbours_average"
    year: str
    pct: float
    row: str | None
    source: str

    @property
    def text(self) -> str:
        return f"{self.name} {self.year}: {self.pct:.1f}%"


@dataclass
class ComparatorTable:
    """The imported values with the coordinator's choice: the authority and its statistical neighbours."""

    values: list[Value] = field(default_factory=list)
    authority: str = ""  # new_la_code
    neighbours: tuple[str, ...] = ()
    source: str = "DfE Characteristics of children in need, local-authority table"

    def areas(self) -> dict[str, str]:
        """Every local authority in the table: code -> name, by name."""
        found = {v.area_code: v.area_name for v in self.values if v.level == LA_LEVEL}
        return dict(sorted(found.items(), key=lambda item: item[1].casefold()))

    def years(self) -> list[str]:
        return sorted({v.year for v in self.values})

    def value(self, area: str, year: str, column: str) -> float | None:
        index = self.__dict__.get("_index")
        if index is None or index[0] != len(self.values):  # built on first use, again if values were added
            index = (len(self.values), {(v.area_code, v.year, v.column): v.value for v in self.values})
            self.__dict__["_index"] = index
        return index[1].get((area, year, column))


def year_label(time_period: str) -> str:
    """``202425`` → ``2024-25``."""
    return f"{time_period[:4]}-{time_period[4:]}" if len(time_period) == 6 and time_period.isdigit() else time_period


def time_period_of(period_from: date, period_to: date) -> str:
    """The DfE ``time_period`` of the reporting year containing the period's end (``202425``)."""
    start, _ = dates.reporting_year(period_to)
    return f"{start.year}{(start.year + 1) % 100:02d}"


def parse(text: str, source_name: str = "the file") -> list[Value]:
    """Every value of the known measures in a DfE local-authority CSV; a clear error when it is not one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ComparatorFileError(f"{source_name} is not a CSV file ({exc}). Export the DfE table as CSV.") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ComparatorFileError(
            f"{source_name} has no column {', '.join(missing)}: it is not a DfE local-authority table. Download "
            "the 'Characteristics of children in need' local-authority table as CSV and import that file."
        )
    known = [c for c in header if c in BY_COLUMN]
    if not known:
        names = ", ".join(m.column for m in MEASURES)
        raise ComparatorFileError(
            f"{source_name} has none of the child protection measures cpchair compares with ({names})."
        )
    out: list[Value] = []
    try:
        for line_no, raw in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            level = row["geographic_level"].casefold()
            if level not in (NATIONAL_LEVEL, LA_LEVEL):
                continue
            code = row["new_la_code"] or (ENGLAND_CODE if level == NATIONAL_LEVEL else "")
            name = row["la_name"] or ("England" if level == NATIONAL_LEVEL else code)
            year = row["time_period"]
            if not code or not (len(year) == 6 and year.isdigit()):
                raise ComparatorFileError(
                    f"{source_name}, line {line_no}: the area code or the time period ({year!r}, expected like "
                    "202425) is missing or malformed."
                )
            for column in known:
                text_value = row.get(column, "")
                if text_value.casefold() in MISSING:
                    continue
                try:
                    number = float(text_value.replace(",", ""))
                except ValueError:
                    raise ComparatorFileError(
                        f"{source_name}, line {line_no}: {column} is {text_value!r}, not a number."
                    ) from None
                out.append(Value(code, name, level, year, column, number))
    except csv.Error as exc:
        raise ComparatorFileError(f"{source_name} is not a well-formed CSV file ({exc}).") from None
    if not out:
        raise ComparatorFileError(f"{source_name} holds no values of the measures cpchair compares with.")
    return out


def _pick_year(table: ComparatorTable, wanted: str) -> str | None:
    """The wanted year if the table has it, else the latest year before it (figures are published late)."""
    years = [y for y in table.years() if y <= wanted]
    return years[-1] if years else None


def comparisons_for(
    figures: Sequence[Any], period_from: date, period_to: date, table: ComparatorTable | None
) -> dict[str, list[Comparison]]:
    """Each figure's comparators for the period: England, the authority as the DfE published it, each
    statistical neighbour and the neighbours' average. England falls back to ``national.py`` where the
    imported table has no national row."""
    out: dict[str, list[Comparison]] = {f.key: [] for f in figures}
    wanted = time_period_of(period_from, period_to)
    year = _pick_year(table, wanted) if table is not None and table.values else None
    for fig in figures:
        lines = out[fig.key]
        for m in (m for m in MEASURES if m.figure == fig.key):
            if year is None:
                continue
            label = year_label(year)
            england = table.value(ENGLAND_CODE, year, m.column)
            if england is not None:
                lines.append(Comparison("England", "england", label, england, m.row, table.source))
            if table.authority:
                own = table.value(table.authority, year, m.column)
                if own is not None:
                    name = table.areas().get(table.authority, table.authority)
                    lines.append(Comparison(f"{name} (DfE)", "authority", label, own, m.row, table.source))
            found = []
            areas = table.areas()
            for code in table.neighbours:
                v = table.value(code, year, m.column)
                if v is not None:
                    found.append(v)
                    lines.append(Comparison(areas.get(code, code), "neighbour", label, v, m.row, table.source))
            if found:
                avg = float(round(mean(found), 1))
                lines.append(
                    Comparison(f"Statistical neighbours ({len(found)})", "neighbours_average", label, avg, m.row,
                               table.source)
                )  # fmt: skip
        if not any(c.kind == "england" for c in lines):
            nat = national.for_figure(fig.key)
            if nat is not None:
                lines.insert(0, Comparison("England", "england", nat.year, nat.pct, nat.row, nat.source))
    return out


def neighbours_text(comparisons: Iterable[Comparison]) -> str:
    """One sentence, as the 2013 report put it: "England 2024-25: 81.4%; statistical neighbours (10): 68.0%"."""
    return "; ".join(c.text for c in comparisons if c.kind != "neighbour")
