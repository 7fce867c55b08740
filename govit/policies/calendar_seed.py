"""Seeds the working-day table from chinese-calendar (at migrate time, never at request time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def calendar_exceptions(year: int) -> list[tuple[dt.date, bool, str]] | None:
    """(date, is_workday, note) for each day that differs from Monday–Friday; None without data."""
    import chinese_calendar

    day = dt.date(year, 1, 1)
    found: list[tuple[dt.date, bool, str]] = []
    try:
        while day.year == year:
            on_duty, name = chinese_calendar.get_holiday_detail(day)
            is_workday = not on_duty
            if is_workday != (day.weekday() < 5):
                label = HOLIDAY_NAMES.get(str(name), str(name or ""))
                found.append((day, is_workday, f"{label}调休上班" if is_workday else f"{label}放假"))
            day += dt.timedelta(days=1)
    except NotImplementedError:
        return None
    return found


def calendar_seed(calendar_year_model: Any, calendar_day_model: Any, years: range) -> int:
    """Insert the years chinese-calendar knows and the table lacks; returns how many years were added."""
    added = 0
    for year in years:
        if calendar_year_model.objects.filter(year=year).exists():
            continue
        exceptions = calendar_exceptions(year)
        if exceptions is None:
            continue
        calendar_day_model.objects.bulk_create(
            [calendar_day_model(date=d, is_workday=w, note=n) for d, w, n in exceptions],
            ignore_conflicts=True,
        )
        # bulk_create: seeding is not an edit, so no signal asks for open obligations to be recomputed
        calendar_year_model.objects.bulk_create(
            [calendar_year_model(year=year, source="chinese-calendar（国务院办公厅放假安排通知）")]
        )
        added += 1
    return added
