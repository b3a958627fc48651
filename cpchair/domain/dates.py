"""Dates the service works to: working days, the ICPC due date, calendar months, review due dates.

Working days are Monday to Friday except England and Wales bank holidays (the ``holidays`` package, pinned,
so that one-off holidays such as the 2023 Coronation are known). Counting is done arithmetically with a
sorted holiday list, so a strategy date years in the past costs no more than one a week ago.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from functools import cache

ICPC_WORKING_DAYS = 15
FIRST_REVIEW_MONTHS = 3
DEFAULT_REVIEW_INTERVAL_MONTHS = 6
UK_DATE = "%d/%m/%Y"


@cache
def _holidays_between(first_year: int, last_year: int) -> tuple[date, ...]:
    import holidays  # imported on first use: the first window does not need it

    cal = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple(sorted(d for d in cal if d.weekday() < 5))


def _holidays() -> tuple[date, ...]:
    return _holidays_between(1990, 2060)


def is_bank_holiday(d: date) -> bool:
    hols = _holidays()
    i = bisect_left(hols, d)
    return i < len(hols) and hols[i] == d


def is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def is_working_day(d: date) -> bool:
    return not is_weekend(d) and not is_bank_holiday(d)


def _weekdays_up_to(d: date) -> int:
    """Number of Monday-Friday days in (epoch, d]; epoch is a Sunday so whole weeks line up."""
    days = (d - date(1899, 12, 31)).days  # 1899-12-31 was a Sunday
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(start: date, end: date) -> int:
    """Working days ``d`` with ``start < d <= end`` (0 when end <= start): spec §6.2's ICPC count."""
    if end <= start:
        return 0
    hols = _holidays()
    weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
    return weekdays - (bisect_right(hols, end) - bisect_right(hols, start))


def _weekday_number(count: int) -> date:
    """The weekday ``d`` with ``_weekdays_up_to(d) == count`` (its inverse)."""
    weeks, rest = divmod(count, 5)
    if rest == 0:
        weeks, rest = weeks - 1, 5
    return date(1899, 12, 31) + timedelta(days=weeks * 7 + rest)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts).

    Arithmetic like ``working_days_between``: jump ``n`` weekdays, then by as many more weekdays as
    bank holidays were passed, until exactly ``n`` working days lie in (start, d] (a few steps at most).
    """
    if n <= 0:
        return start
    d = start
    counted = 0
    while counted < n:
        d = _weekday_number(_weekdays_up_to(d) + n - counted)
        counted = working_days_between(start, d)
    return d


def icpc_due_date(strategy: date) -> date:
    """The last day an ICPC is within timescale: the 15th working day after the strategy discussion."""
    return add_working_days(strategy, ICPC_WORKING_DAYS)


def add_months(d: date, months: int) -> date:
    """Calendar months; a day past the month's end becomes its last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def parse_iso(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` string to a date (None stays None). Raises ValueError on anything else."""
    if value is None:
        return None
    if len(value) != 10:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return date.fromisoformat(value)


def parse_uk(text: str) -> date:
    """A ``dd/mm/yyyy`` date as people type it. Raises ValueError with a message fit to show."""
    try:
        return datetime.strptime(text.strip(), UK_DATE).date()
    except ValueError:
        raise ValueError(f"'{text}' is not a date: enter it as dd/mm/yyyy.") from None


def format_uk(d: date | None) -> str:
    return d.strftime(UK_DATE) if d else ""


def format_long(d: date | None) -> str:
    """``12 March 2026``, the form used in letters and minutes."""
    return f"{d.day} {d.strftime('%B %Y')}" if d else ""


def reporting_year(today: date) -> tuple[date, date]:
    """The reporting year (1 April to 31 March) that contains ``today``."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def utc_timestamp(moment: datetime | None = None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the only timestamp form files carry."""
    from datetime import UTC

    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
