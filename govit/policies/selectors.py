"""Reading policy data kept in the database: the working-day calendar."""

from __future__ import annotations

import threading
import time

from govit.policies.engine.calendar import TableCalendar
from govit.policies.models import CalendarDay, CalendarYear

# The calendar changes a few times a year and is read on every evaluation: it is kept for CACHE_SECONDS in
# each process (an edit in this process drops it at once; other processes see it within CACHE_SECONDS).
CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, TableCalendar]] = {}
_lock = threading.Lock()


def work_calendar() -> TableCalendar:
    """The editable working-day table as the engine's calendar: listed years, exceptions, else Monday–Friday."""
    now = time.monotonic()
    cached = _cache.get("calendar")
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    years = list(CalendarYear.objects.values_list("year", flat=True))
    table = dict(CalendarDay.objects.values_list("date", "is_workday"))
    calendar = TableCalendar(table, years=years)
    with _lock:
        _cache["calendar"] = (now, calendar)
    return calendar


def work_calendar_reset(**_kwargs: object) -> None:
    """Forget the cached calendar (after an edit; tests call it between cases)."""
    with _lock:
        _cache.clear()
