"""Working days, the ICPC due date, calendar months and the reporting year, on the dates that trip people up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cpchair.domain import dates


def test_easter_2026_good_friday_and_easter_monday_are_not_working_days():
    assert not dates.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not dates.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert dates.is_working_day(date(2026, 4, 2)) and dates.is_working_day(date(2026, 4, 7))
    # Thursday before Easter to the Tuesday after: only the Tuesday is a working day.
    assert dates.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1


def test_christmas_2026_boxing_day_on_saturday_moves_to_monday():
    assert dates.is_bank_holiday(date(2026, 12, 25))
    assert dates.is_bank_holiday(date(2026, 12, 28))  # substitute day for Boxing Day
    assert dates.working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert dates.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4  # 29, 30, 31 Dec, 4 Jan


def test_the_2023_coronation_was_a_one_off_bank_holiday():
    assert dates.is_bank_holiday(date(2023, 5, 8))
    assert dates.is_bank_holiday(date(2023, 5, 1))  # the usual early May holiday as well
    assert not dates.is_bank_holiday(date(2024, 5, 8))
    assert dates.working_days_between(date(2023, 5, 5), date(2023, 5, 9)) == 1


def test_working_days_count_excludes_start_and_includes_end():
    monday = date(2026, 3, 2)
    assert dates.working_days_between(monday, monday) == 0
    assert dates.working_days_between(monday, monday + timedelta(days=1)) == 1
    assert dates.working_days_between(monday, monday + timedelta(days=7)) == 5
    assert dates.working_days_between(monday + timedelta(days=7), monday) == 0


def test_icpc_due_date_is_the_fifteenth_working_day_after_strategy():
    assert dates.icpc_due_date(date(2026, 3, 2)) == date(2026, 3, 23)  # three clear weeks, no holidays
    assert dates.icpc_due_date(date(2026, 3, 30)) == date(2026, 4, 22)  # Easter adds two days
    assert dates.icpc_due_date(date(2026, 12, 14)) == date(2027, 1, 7)  # Christmas and New Year
    due = dates.icpc_due_date(date(2026, 3, 30))
    assert dates.working_days_between(date(2026, 3, 30), due) == dates.ICPC_WORKING_DAYS


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 10), 3, date(2026, 6, 10)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 10, 15), 6, date(2027, 4, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert dates.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 3, 31), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), (date(2026, 4, 1), date(2027, 3, 31))),
        (date(2027, 1, 15), (date(2026, 4, 1), date(2027, 3, 31))),
    ],
)
def test_reporting_year_runs_april_to_march(today, year):
    assert dates.reporting_year(today) == year


def test_uk_formats_round_trip_and_reject_us_order():
    assert dates.format_uk(date(2026, 3, 4)) == "04/03/2026"
    assert dates.parse_uk(" 04/03/2026 ") == date(2026, 3, 4)
    assert dates.format_long(date(2026, 3, 4)) == "4 March 2026"
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        dates.parse_uk("03/31/2026")
    assert dates.format_uk(None) == ""


def test_utc_timestamp_is_utc_with_z():
    moment = datetime(2026, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert dates.utc_timestamp(moment) == "2026-06-01T09:30:00Z"
    assert dates.utc_timestamp().endswith("Z") and datetime.now(UTC).year >= 2026


def test_the_committed_holiday_table_is_what_the_holidays_package_says():
    """The table read at start-up (instead of building 71 years with ``holidays``) must not drift from it."""
    from importlib import resources

    text = resources.files("cpchair.domain.definitions").joinpath(dates.HOLIDAY_TABLE).read_text("utf-8")
    assert text == dates.holiday_table(), "stale table: run `python -m cpchair.domain.dates` and commit it"
    assert dates._holidays() == dates._holidays_between(*dates.HOLIDAY_YEARS)
    assert dates.is_bank_holiday(date(2023, 5, 8))  # the Coronation: a one-off the package knows


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("10:00 to 12:00", None),
        ("10.00-12.00", None),
        ("9:30 – 11:00", None),
        ("1:30pm to 3:00pm", None),
        ("14:00hrs - 16:00hrs", None),
        ("morning, about two hours", None),  # free text is the chair's choice
        ("", None),
        ("13:30 to 11:45", "ends (11:45) before or when it starts (13:30)"),
        ("10:00 to 10:00", "ends (10:00) before or when it starts (10:00)"),
        ("1:30pm to 11:45am", "ends (11:45) before or when it starts (13:30)"),
        ("25:00 to 26:00", "not a time of day"),
        ("10:70 to 11:00", "not a time of day"),
        ("13:00pm to 14:00", "not a time of day"),
    ],
)
def test_a_meeting_time_that_ends_before_it_starts_is_named(text, says):
    problem = dates.meeting_time_problem(text)
    assert problem is None if says is None else says in problem
