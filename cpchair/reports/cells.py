"""What a report cell shows for a count or a percentage, after small-number suppression.

Why one place: the PDF, its charts and the workbook must write the same thing for the same number — a count
with thousands separators, "c" where ``reports.suppression`` hides it, "–" where there is nothing, and a
percentage of fewer than 10 marked (``SMALL_BASE_MARK``) because 2 of 3 reads as 66.7% and looks firmer
than it is.
"""

from __future__ import annotations

from cpchair.reports.suppression import SUPPRESSED, Disclosure, is_small
from cpchair.services.figures import Measure

SMALL_BASE = 10
SMALL_BASE_MARK = "*"
SMALL_BASE_NOTE = "* a percentage of fewer than 10: read it with care."

__all__ = ["SUPPRESSED", "SMALL_BASE_MARK", "SMALL_BASE_NOTE", "is_small", "count_text", "pct_text", "small_base",
           "measure_text", "Disclosure"]  # fmt: skip


def small_base(m: Measure | None) -> bool:
    return m is not None and m.pct is not None and 0 < m.d < SMALL_BASE


def count_text(value: int | str | None) -> str:
    """A count as printed: "1,234", "c" (suppressed) or "–" (nothing to count)."""
    if value is None:
        return "–"
    return value if isinstance(value, str) else f"{value:,}"


def pct_text(value: float | str | None, m: Measure | None = None) -> str:
    """A percentage as printed: "70.7%", "40.0%*" (of fewer than 10), "c" or "–"."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:.1f}%" + (SMALL_BASE_MARK if small_base(m) else "")


def measure_text(n: int | str | None, d: int | str | None, p: float | str | None, m: Measure | None) -> str:
    """ "70.7% (41 of 58)" with suppression applied to each part."""
    if m is None:
        return "no data"
    return f"{pct_text(p, m)} ({count_text(n)} of {count_text(d)})"
