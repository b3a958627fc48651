"""National (England) comparison figures, kept as data beside their source.

Why data and not text in a chart: a coordinator compares the service with England every year, and the
DfE publishes new figures every autumn. Keeping each figure here, with its year, numbers and source,
means a new year is one edit that the dashboard, the PDF and the workbook all pick up, and a figure is
never shown without saying where it came from (domain notes §2.3).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NationalFigure:
    """One England figure: ``pct`` of ``denominator`` in reporting year ``year`` (e.g. ``2024-25``)."""

    figure: str  # the dashboard figure key it compares with
    row: str  # the figure's row it compares with (its line is drawn on that row only, not across every band)
    label: str
    year: str
    pct: float
    numerator: int
    denominator: int
    source: str
    caveat: str = ""

    @property
    def text(self) -> str:
        """One line for a chart or a table: ``England 2024-25: 81.4% (58,670 of 72,090)``."""
        return f"England {self.year}: {self.pct:.1f}% ({self.numerator:,} of {self.denominator:,})"


NATIONAL: tuple[NationalFigure, ...] = (
    NationalFigure(
        figure="icpc_timeliness",
        row="within",
        label="Initial conferences within 15 working days",
        year="2024-25",
        pct=81.4,
        numerator=58_670,
        denominator=72_090,
        source="DfE Characteristics of children in need, table C4 (2025)",
        caveat="England measures from the start of the section 47 enquiry; this service measures from the "
        "strategy discussion.",
    ),
    NationalFigure(
        figure="plans_ended",
        row="24m_plus",
        label="Plans ending that lasted 2 years or more",
        year="2024-25",
        pct=4.4,
        numerator=2_710,
        denominator=62_300,
        source="DfE Characteristics of children in need, table D7 (2025)",
    ),
)


def for_figure(figure: str) -> NationalFigure | None:
    """The national comparison for a dashboard figure, or None where England publishes none."""
    return next((n for n in NATIONAL if n.figure == figure), None)
