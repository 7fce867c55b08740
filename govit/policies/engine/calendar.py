"""Period arithmetic per 《民法典》第二百零一条至第二百零四条.

* 第二百零一条: a period counted in days/months/years starts on the day *after* the triggering day
  (the start day is not counted).
* 第二百零二条: a period in months/years ends on the same-numbered day of the target month; if that month
  has no such day, on the month's last day.
* 第二百零三条: if the last day of a period is a statutory holiday (法定休假日, incl. weekend rest days),
  the period ends on the day after the holiday; implemented as "the first working day after".
* “N个工作日” counts working days per the national holiday calendar, including 调休 Saturdays.

Calendars implement :class:`WorkdayCalendar`. ``is_workday`` returns ``None`` when the calendar has no
data for that year; the arithmetic then counts Monday–Friday and flags the result
(``assumed_weekdays=True`` with the years listed).
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = [
    "ChineseCalendarSource",
    "DueDate",
    "TableCalendar",
    "WeekdayCalendar",
    "WorkdayCalendar",
    "add_calendar_days",
    "add_months",
    "add_working_days",
    "add_years",
    "default_calendar",
    "fixed_date",
    "month_last_day",
    "roll_to_workday",
    "working_days_before",
]


@runtime_checkable
class WorkdayCalendar(Protocol):
    """Anything that can tell whether a date is a working day (None = no data for that year)."""

    def is_workday(self, d: dt.date) -> bool | None: ...


@dataclass(frozen=True)
class DueDate:
    """Result of a period computation."""

    due: dt.date
    assumed_weekdays: bool = False
    note: str = ""
    assumed_years: tuple[int, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "due": self.due.isoformat(),
            "assumed_weekdays": self.assumed_weekdays,
            "assumed_years": list(self.assumed_years),
            "note": self.note,
        }


class ChineseCalendarSource:
    """Working days from the ``chinese_calendar`` package (State Council holiday notices incl. 调休).

    Years the package has no data for return ``None`` instead of raising.
    """

    def __init__(self) -> None:
        import chinese_calendar  # local import keeps the dependency optional for TableCalendar users

        self._cc = chinese_calendar
        self._cache: dict[dt.date, bool | None] = {}

    def is_workday(self, d: dt.date) -> bool | None:
        try:
            return self._cache[d]
        except KeyError:
            pass
        try:
            value: bool | None = bool(self._cc.is_workday(d))
        except NotImplementedError:
            value = None
        self._cache[d] = value
        return value

    def __repr__(self) -> str:
        return "ChineseCalendarSource()"


class TableCalendar:
    """Working days from an explicit table ``{date: is_workday}``.

    A year is *covered* when it appears in ``years`` (default: every year that has at least one entry).
    Dates of a covered year missing from the table follow the Monday–Friday rule (so the table may hold
    only the exceptions: holidays and 调休 working Saturdays/Sundays). Uncovered years return ``None``.
    """

    def __init__(self, table: Mapping[dt.date, bool], years: Iterable[int] | None = None) -> None:
        self._table = dict(table)
        self._years = frozenset(years) if years is not None else frozenset(d.year for d in self._table)

    def is_workday(self, d: dt.date) -> bool | None:
        value = self._table.get(d)
        if value is not None:
            return value
        if d.year in self._years:
            return d.weekday() < 5
        return None

    def __repr__(self) -> str:
        return f"TableCalendar({len(self._table)} entries, years={sorted(self._years)})"


class WeekdayCalendar:
    """Monday–Friday calendar with no holiday data (every lookup is flagged as assumed)."""

    def is_workday(self, d: dt.date) -> bool | None:
        return None


_DEFAULT: WorkdayCalendar | None = None


def default_calendar() -> WorkdayCalendar:
    """The process-wide :class:`ChineseCalendarSource` (created lazily)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ChineseCalendarSource()
    return _DEFAULT


class _Tracker:
    """Collects the years for which a calendar had no data."""

    __slots__ = ("cal", "years")

    def __init__(self, cal: WorkdayCalendar) -> None:
        self.cal = cal
        self.years: set[int] = set()

    def workday(self, d: dt.date) -> bool:
        value = self.cal.is_workday(d)
        if value is None:
            self.years.add(d.year)
            return d.weekday() < 5
        return value

    def result(self, due: dt.date, note: str) -> DueDate:
        if self.years:
            years = tuple(sorted(self.years))
            extra = f"{'、'.join(str(y) for y in years)}年无节假日数据，按周一至周五计算工作日"
            note = f"{note}；{extra}" if note else extra
            return DueDate(due, True, note, years)
        return DueDate(due, False, note)


def month_last_day(year: int, month: int) -> int:
    return _stdcal.monthrange(year, month)[1]


def _shift_months(start: dt.date, months: int) -> tuple[dt.date, bool]:
    """Same-numbered day ``months`` later (or earlier); clamps to the month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = month_last_day(year, month)
    if start.day > last:
        return dt.date(year, month, last), True
    return dt.date(year, month, start.day), False


def _roll(tr: _Tracker, d: dt.date) -> tuple[dt.date, str]:
    if tr.workday(d):
        return d, ""
    original = d
    d += dt.timedelta(days=1)
    while not tr.workday(d):
        d += dt.timedelta(days=1)
    return d, f"期间最后一日{original.isoformat()}为法定休假日，顺延至其后第一个工作日{d.isoformat()}"


def roll_to_workday(d: dt.date, calendar: WorkdayCalendar | None = None) -> DueDate:
    """``d`` itself if it is a working day, else the first working day after it (第二百零三条)."""
    tr = _Tracker(calendar or default_calendar())
    due, note = _roll(tr, d)
    return tr.result(due, note)


def add_calendar_days(
    start: dt.date, days: int, calendar: WorkdayCalendar | None = None, *, extend: bool = True
) -> DueDate:
    """Last day of an N-day period beginning the day after ``start``. Negative ``days`` = N days before."""
    due = start + dt.timedelta(days=days)
    if not extend or days <= 0:
        return DueDate(due)
    tr = _Tracker(calendar or default_calendar())
    due, note = _roll(tr, due)
    return tr.result(due, note)


def add_months(
    start: dt.date, months: int, calendar: WorkdayCalendar | None = None, *, extend: bool = True
) -> DueDate:
    """Last day of an N-month period: same-numbered day of the target month, else its last day."""
    due, clamped = _shift_months(start, months)
    note = f"目标月份无{start.day}日，以该月最后一日为期间最后一日" if clamped else ""
    if not extend:
        return DueDate(due, False, note)
    tr = _Tracker(calendar or default_calendar())
    due, roll_note = _roll(tr, due)
    return tr.result(due, "；".join(n for n in (note, roll_note) if n))


def add_years(
    start: dt.date, years: int, calendar: WorkdayCalendar | None = None, *, extend: bool = True
) -> DueDate:
    """Last day of an N-year period (2月29日 → 2月28日 in a common year)."""
    return add_months(start, 12 * years, calendar, extend=extend)


def add_working_days(start: dt.date, days: int, calendar: WorkdayCalendar | None = None) -> DueDate:
    """The N-th working day after ``start`` (start day not counted; 调休 working weekends count)."""
    if days < 0:
        raise ValueError("working-day periods must be non-negative")
    tr = _Tracker(calendar or default_calendar())
    d = start
    counted = 0
    while counted < days:
        d += dt.timedelta(days=1)
        if tr.workday(d):
            counted += 1
    return tr.result(d, "")


def working_days_before(due: dt.date, days: int, calendar: WorkdayCalendar | None = None) -> dt.date:
    """The day ``days`` working days before ``due`` (``due`` itself for 0) — a reminder's lead time."""
    if days < 0:
        raise ValueError("working-day periods must be non-negative")
    tr = _Tracker(calendar or default_calendar())
    d = due
    counted = 0
    while counted < days:
        d -= dt.timedelta(days=1)
        if tr.workday(d):
            counted += 1
    return d


def fixed_date(
    year: int,
    month: int,
    day: int | str,
    calendar: WorkdayCalendar | None = None,
    *,
    extend: bool = True,
) -> DueDate:
    """A fixed date in ``year``; ``day='last'`` means the month's last day (“每年X月底”)."""
    last = month_last_day(year, month)
    if day == "last":
        d = last
    else:
        d = int(day)
        if d > last:
            d = last
    due = dt.date(year, month, d)
    if not extend:
        return DueDate(due)
    tr = _Tracker(calendar or default_calendar())
    due, note = _roll(tr, due)
    return tr.result(due, note)
