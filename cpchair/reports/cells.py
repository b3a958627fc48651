"""What a report cell shows for a count or a percentage, with optional small-number suppression.

Why one place: a report that leaves the service follows the DfE convention (domain notes §2.3) that counts
from 1 to 5 are shown as "c", and a percentage derived from such a count (as numerator or denominator) is
hidden too, since it would give the count back. The PDF, its charts and the workbook must suppress the
same cells, so they all ask here.
"""

from __future__ import annotations

from cpchair.services.dashboard import Measure

SUPPRESSED = "c"


def is_small(n: int | None) -> bool:
    return n is not None and 1 <= n <= 5


def count_value(n: int | None, suppress: bool) -> int | str | None:
    """The count, or "c" when it is 1–5 and suppression is on."""
    return SUPPRESSED if suppress and is_small(n) else n


def pct_value(m: Measure | None, suppress: bool) -> float | None:
    """The percentage, or None when there is none or when it would reveal a suppressed count."""
    if m is None or m.pct is None:
        return None
    if suppress and (is_small(m.n) or is_small(m.d)):
        return None
    return m.pct


def pct_cell(m: Measure | None, suppress: bool) -> float | str | None:
    """For tables: the percentage, "c" when suppressed, None when undefined (no denominator)."""
    if m is None or m.pct is None:
        return None
    value = pct_value(m, suppress)
    return SUPPRESSED if value is None else value


def count_text(n: int | None, suppress: bool) -> str:
    v = count_value(n, suppress)
    return "–" if v is None else (v if isinstance(v, str) else f"{v:,}")


def pct_text(m: Measure | None, suppress: bool) -> str:
    v = pct_cell(m, suppress)
    return "–" if v is None else (v if isinstance(v, str) else f"{v:.1f}%")
