"""申报窗口 — when a pack's regulation closes the yearly call for next year's projects (舒城 第九条 每年7月底前,
上城 ¶32 每年9月底). A pack without such a deadline takes declarations at any time (常态化受理)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govit.policies.engine import calendar as cal
from govit.policies.engine.schema import Pack


@dataclass(frozen=True)
class DeclarationWindow:
    rule_id: str
    name: str
    opens_on: dt.date | None
    closes_on: dt.date
    article: str
    quote: str
    consequence: str
    note: str = ""


def declaration_window(
    pack: Pack, plan_year: int, calendar: cal.WorkdayCalendar | None = None
) -> DeclarationWindow | None:
    """The window in which projects for ``plan_year`` are declared: a yearly fixed-date deadline closed by
    the declaration itself, in the year before the plan year."""
    for rule in pack.deadlines:
        period = rule.period
        if rule.trigger != "annual" or rule.closing_event != "declared" or rule.when is not None:
            continue
        if period.kind != "fixed_date" or period.month is None or period.day is None:
            continue
        year = plan_year - 1 + period.year_offset
        extend = period.holiday_extension if period.holiday_extension is not None else True
        due = cal.fixed_date(year, period.month, period.day, calendar, extend=extend)
        opens = dt.date(year, period.from_month, period.from_day or 1) if period.from_month else None
        return DeclarationWindow(
            rule_id=rule.id,
            name=rule.name,
            opens_on=opens,
            closes_on=due.due,
            article=rule.cite.article,
            quote=rule.cite.quote,
            consequence=rule.consequence or "",
            note=due.note,
        )
    return None
