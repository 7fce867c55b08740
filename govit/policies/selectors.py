"""Reading policy data kept in the database: the working-day calendar."""

from __future__ import annotations

from govit.policies.engine.calendar import TableCalendar
from govit.policies.models import CalendarDay, CalendarYear


def work_calendar() -> TableCalendar:
    """The editable working-day table as the engine's calendar: listed years, exceptions, else Monday–Friday."""
    years = list(CalendarYear.objects.values_list("year", flat=True))
    table = dict(CalendarDay.objects.values_list("date", "is_workday"))
    return TableCalendar(table, years=years)
