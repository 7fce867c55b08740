"""Period arithmetic per 民法典 第二百零一条–第二百零四条, against the 2026 national holiday data."""

from __future__ import annotations

import datetime as dt

import pytest

from govit.policies.engine.calendar import (
    ChineseCalendarSource,
    TableCalendar,
    WeekdayCalendar,
    add_calendar_days,
    add_months,
    add_working_days,
    add_years,
    fixed_date,
    roll_to_workday,
)

D = dt.date
CC = ChineseCalendarSource()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(D(2026, 9, 20), True, id="2026-09-20-Sun-tiaoxiu-workday"),
        pytest.param(D(2026, 9, 30), True, id="2026-09-30-eve-of-national-day"),
        pytest.param(D(2026, 10, 1), False, id="2026-10-01-national-day"),
        pytest.param(D(2026, 10, 7), False, id="2026-10-07-last-holiday"),
        pytest.param(D(2026, 10, 8), True, id="2026-10-08-first-workday"),
        pytest.param(D(2026, 10, 10), True, id="2026-10-10-Sat-tiaoxiu-workday"),
        pytest.param(D(2026, 10, 11), False, id="2026-10-11-Sun-rest"),
        pytest.param(D(2026, 5, 1), False, id="2026-05-01-labour-day"),
        pytest.param(D(2026, 5, 5), False, id="2026-05-05-labour-day-last"),
        pytest.param(D(2026, 5, 9), True, id="2026-05-09-Sat-tiaoxiu-workday"),
        pytest.param(D(2027, 1, 4), None, id="2027-no-data"),
        pytest.param(D(2003, 1, 6), None, id="2003-no-data"),
    ],
)
def test_chinese_calendar_source(day, expected):
    assert CC.is_workday(day) is expected


# (start, days, expected due) — start day not counted; last day on a holiday/rest day → next working day
CALENDAR_DAYS = [
    ("nd-day-before-holiday", D(2026, 9, 20), 10, D(2026, 9, 30)),
    ("nd-lands-on-first-holiday", D(2026, 9, 21), 10, D(2026, 10, 8)),
    ("nd-lands-on-last-holiday", D(2026, 9, 27), 10, D(2026, 10, 8)),
    ("nd-lands-on-first-workday-after", D(2026, 9, 28), 10, D(2026, 10, 8)),
    ("nd-lands-on-tiaoxiu-saturday", D(2026, 9, 30), 10, D(2026, 10, 10)),
    ("nd-lands-on-sunday-after", D(2026, 10, 1), 10, D(2026, 10, 12)),
    ("ld-day-before-holiday", D(2026, 4, 20), 10, D(2026, 4, 30)),
    ("ld-lands-on-holiday", D(2026, 4, 21), 10, D(2026, 5, 6)),
    ("ld-lands-on-last-holiday", D(2026, 4, 25), 10, D(2026, 5, 6)),
    ("ld-lands-on-tiaoxiu-saturday", D(2026, 4, 29), 10, D(2026, 5, 9)),
    ("ordinary-weekend", D(2026, 3, 4), 10, D(2026, 3, 16)),
    ("thirty-days", D(2026, 9, 1), 30, D(2026, 10, 8)),
]


@pytest.mark.parametrize(
    ("start", "days", "expected"), [c[1:] for c in CALENDAR_DAYS], ids=[c[0] for c in CALENDAR_DAYS]
)
def test_calendar_days_with_holiday_extension(start, days, expected):
    res = add_calendar_days(start, days, CC)
    assert res.due == expected
    assert res.assumed_weekdays is False
    if expected != start + dt.timedelta(days=days):
        assert "顺延" in res.note


def test_calendar_days_without_extension_and_negative():
    assert add_calendar_days(D(2026, 9, 21), 10, CC, extend=False).due == D(2026, 10, 1)
    assert add_calendar_days(D(2026, 10, 8), -1, CC).due == D(2026, 10, 7)


MONTHS = [
    ("jan31-plus-1-clamps-to-feb28", D(2026, 1, 31), 1, False, D(2026, 2, 28)),
    ("jan31-plus-1-clamp-lands-on-tiaoxiu-saturday-no-roll", D(2026, 1, 31), 1, True, D(2026, 2, 28)),
    ("jan31-2027-plus-1-clamp-no-data-sunday-rolls", D(2027, 1, 31), 1, True, D(2027, 3, 1)),
    ("mar31-plus-1-clamps-to-apr30", D(2026, 3, 31), 1, True, D(2026, 4, 30)),
    ("aug31-plus-1-clamps-to-sep30", D(2026, 8, 31), 1, True, D(2026, 9, 30)),
    ("sep1-plus-1-lands-national-day", D(2026, 9, 1), 1, True, D(2026, 10, 8)),
    ("apr1-plus-1-lands-labour-day", D(2026, 4, 1), 1, True, D(2026, 5, 6)),
    ("same-numbered-day", D(2026, 3, 15), 1, True, D(2026, 4, 15)),
    ("six-months", D(2026, 3, 31), 6, False, D(2026, 9, 30)),
    ("across-year", D(2025, 11, 30), 3, False, D(2026, 2, 28)),
    ("leap-year-clamp", D(2024, 1, 31), 1, False, D(2024, 2, 29)),
]


@pytest.mark.parametrize(
    ("start", "months", "extend", "expected"), [c[1:] for c in MONTHS], ids=[c[0] for c in MONTHS]
)
def test_months(start, months, extend, expected):
    assert add_months(start, months, CC, extend=extend).due == expected


def test_month_clamp_note():
    assert "最后一日" in add_months(D(2026, 1, 31), 1, CC, extend=False).note


def test_years_feb29():
    assert add_years(D(2024, 2, 29), 1, CC, extend=False).due == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4, CC, extend=False).due == D(2028, 2, 29)


WORKING_DAYS = [
    ("7wd-across-national-day-counts-tiaoxiu-sat", D(2026, 9, 28), 7, D(2026, 10, 13)),
    ("1wd-from-eve-of-holiday", D(2026, 9, 30), 1, D(2026, 10, 8)),
    ("1wd-to-tiaoxiu-saturday", D(2026, 10, 9), 1, D(2026, 10, 10)),
    ("1wd-to-tiaoxiu-sunday", D(2026, 9, 18), 1, D(2026, 9, 20)),
    ("3wd-across-labour-day", D(2026, 4, 30), 3, D(2026, 5, 8)),
    ("4wd-across-labour-day-tiaoxiu-sat", D(2026, 4, 30), 4, D(2026, 5, 9)),
    ("5wd-ordinary-week", D(2026, 3, 2), 5, D(2026, 3, 9)),
    ("10wd", D(2026, 9, 25), 10, D(2026, 10, 15)),
    ("0wd", D(2026, 10, 3), 0, D(2026, 10, 3)),
]


@pytest.mark.parametrize(
    ("start", "days", "expected"), [c[1:] for c in WORKING_DAYS], ids=[c[0] for c in WORKING_DAYS]
)
def test_working_days(start, days, expected):
    res = add_working_days(start, days, CC)
    assert res.due == expected
    assert res.assumed_weekdays is False


def test_working_days_negative_rejected():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1, CC)


def test_year_without_data_counts_weekdays_and_flags():
    res = add_working_days(D(2027, 1, 4), 5, CC)
    assert res.due == D(2027, 1, 11)
    assert res.assumed_weekdays is True
    assert res.assumed_years == (2027,)
    assert "2027" in res.note and "周一至周五" in res.note


def test_year_boundary_into_year_without_data():
    # 2026-12-31 is a working day (data); 2027-01-01 has no data → counted as a Friday working day
    res = add_working_days(D(2026, 12, 30), 3, CC)
    assert res.due == D(2027, 1, 4)
    assert res.assumed_weekdays is True
    assert res.assumed_years == (2027,)


def test_calendar_days_roll_in_year_without_data():
    res = add_calendar_days(D(2027, 4, 1), 30, CC)  # 2027-05-01 is a Saturday
    assert res.due == D(2027, 5, 3)
    assert res.assumed_weekdays is True


def test_no_flag_when_no_lookup_needed_beyond_data():
    res = add_calendar_days(D(2026, 3, 2), 3, CC)
    assert (res.due, res.assumed_weekdays) == (D(2026, 3, 5), False)


def test_table_calendar():
    table = TableCalendar({D(2030, 1, 1): False, D(2030, 1, 5): True})
    assert table.is_workday(D(2030, 1, 1)) is False
    assert table.is_workday(D(2030, 1, 5)) is True  # Saturday made a working day
    assert table.is_workday(D(2030, 1, 6)) is False  # Sunday, covered year
    assert table.is_workday(D(2030, 1, 2)) is True
    assert table.is_workday(D(2031, 1, 2)) is None  # year not covered
    res = add_calendar_days(D(2029, 12, 22), 10, TableCalendar({D(2030, 1, 1): False}, years=[2029, 2030]))
    assert res.due == D(2030, 1, 2) and res.assumed_weekdays is False
    assert add_working_days(D(2030, 1, 4), 1, table).due == D(2030, 1, 5)


def test_weekday_calendar_always_flags():
    res = add_working_days(D(2026, 10, 1), 1, WeekdayCalendar())
    assert res.due == D(2026, 10, 2) and res.assumed_weekdays is True


FIXED = [
    ("jul-last-2026-friday", 2026, 7, "last", True, D(2026, 7, 31), False),
    ("feb-30-clamps", 2026, 2, 30, False, D(2026, 2, 28), False),
    ("feb-30-clamps-tiaoxiu-saturday", 2026, 2, 30, True, D(2026, 2, 28), False),
    ("mar-1-sunday-rolls", 2026, 3, 1, True, D(2026, 3, 2), False),
    ("oct-1-rolls", 2026, 10, 1, True, D(2026, 10, 8), False),
    ("jul-last-2027-saturday-no-data", 2027, 7, "last", True, D(2027, 8, 2), True),
]


@pytest.mark.parametrize(
    ("year", "month", "day", "extend", "expected", "assumed"),
    [c[1:] for c in FIXED],
    ids=[c[0] for c in FIXED],
)
def test_fixed_date(year, month, day, extend, expected, assumed):
    res = fixed_date(year, month, day, CC, extend=extend)
    assert res.due == expected
    assert res.assumed_weekdays is assumed


def test_roll_to_workday():
    assert roll_to_workday(D(2026, 10, 3), CC).due == D(2026, 10, 8)
    assert roll_to_workday(D(2026, 10, 10), CC).due == D(2026, 10, 10)


def test_due_date_to_dict():
    d = add_working_days(D(2027, 1, 4), 1, CC).to_dict()
    assert d["due"] == "2027-01-05" and d["assumed_weekdays"] is True and d["assumed_years"] == [2027]
