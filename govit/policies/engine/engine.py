"""``evaluate(pack, facts, on)``: what applies to a project under a policy pack, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from . import calendar as cal
from .compiled import CompiledPack, Item
from .facts import Facts
from .schema import DeadlineRule

__all__ = ["SCOPE_ORDER", "Evaluation", "evaluate"]

SCOPE_ORDER = {"in_scope": 0, "partial": 1, "filing_only": 2, "out_of_scope": 3}
_EXTEND_DEFAULT = {
    "calendar_days": True,
    "months": True,
    "working_days": False,
    "fixed_date": True,
    "recurring": True,
    "validity": False,
    "set_by_issuer": False,
    "min_duration": False,
    "max_duration": True,
}
_CACHE_MAX = 50_000
_ONE_DAY = dt.timedelta(days=1)


def _today_shanghai() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()


# (static, trigger_date, closing_date, due, status, extra)
DeadlineResult = tuple[
    dict[str, Any], dt.date | None, dt.date | None, cal.DueDate | None, str, dict[str, Any] | None
]


def _render_deadline(r: DeadlineResult) -> dict[str, Any]:
    static, trigger, closing, due, status, extra = r
    out = {
        **static,
        "trigger_date": trigger.isoformat() if trigger else None,
        "closing_date": closing.isoformat() if closing else None,
        "due": due.due.isoformat() if due else None,
        "assumed_weekdays": due.assumed_weekdays if due else False,
        "calendar_note": due.note if due else "",
        "status": status,
    }
    if extra:
        out.update(extra)
    return out


@dataclass(slots=True)
class Evaluation:
    """Result of :func:`evaluate`. Light-weight; :meth:`to_dict` builds the JSON document."""

    pack: dict[str, Any]
    on: dt.date
    scope_status: str
    scope_matched: list[dict[str, Any]]
    thresholds: list[tuple[dict[str, Any], Any, bool | None]]
    route: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    findings: list[tuple[dict[str, Any], str, dict[str, Any] | None]] = field(default_factory=list)
    validations: list[tuple[dict[str, Any], str, str | None]] = field(default_factory=list)
    deadline_results: list[DeadlineResult] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    threshold_ids: frozenset[str] = frozenset()  # every threshold of the pack, applicable or not
    forms: list[str] = field(default_factory=list)  # ids of the forms whose condition holds

    # ------------------------------------------------------------ convenience accessors
    @property
    def stage_ids(self) -> list[str]:
        return [s["id"] for s in self.route]

    @property
    def finding_ids(self) -> list[str]:
        return [f["id"] for f, _status, _ov in self.findings]

    @property
    def active_finding_ids(self) -> list[str]:
        return [f["id"] for f, status, _ov in self.findings if status == "active"]

    def document_codes(self, stage: str | None = None) -> list[str]:
        return [d["code"] for d in self.documents if stage is None or d["stage"] == stage]

    def validation_status(self, rule_id: str) -> str:
        """'pass' | 'fail' | 'error' | 'not_applicable'."""
        for v, status, _err in self.validations:
            if v["id"] == rule_id:
                return status
        return "not_applicable"

    def threshold(self, rule_id: str) -> bool | None:
        """Whether threshold ``rule_id`` is met; None when it does not apply to these facts (its ``when``
        is false) or its measure is unknown. An id the pack does not have raises KeyError."""
        for t, _value, met in self.thresholds:
            if t["id"] == rule_id:
                return met
        if rule_id in self.threshold_ids:
            return None
        raise KeyError(rule_id)

    @property
    def deadlines(self) -> list[dict[str, Any]]:
        return [_render_deadline(r) for r in self.deadline_results]

    def deadline(self, rule_id: str) -> dict[str, Any] | None:
        for r in self.deadline_results:
            if r[0]["id"] == rule_id:
                return _render_deadline(r)
        return None

    # ------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        docs: dict[str, list[dict[str, Any]]] = {}
        for d in self.documents:
            docs.setdefault(d["stage"], []).append(d)
        return {
            "pack": self.pack,
            "on": self.on.isoformat(),
            "scope": {"status": self.scope_status, "matched": self.scope_matched},
            "thresholds": [{**t, "measure_value": value, "met": met} for t, value, met in self.thresholds],
            "route": self.route,
            "documents": docs,
            "findings": [
                {**f, "status": status, **({"override": ov} if ov else {})} for f, status, ov in self.findings
            ],
            "validations": [
                {**v, "status": status, **({"error": err} if err else {})}
                for v, status, err in self.validations
            ],
            "deadlines": self.deadlines,
            "forms": self.forms,
            "disabled": self.disabled,
            "errors": self.errors,
        }

    model_dump = to_dict  # pydantic-like alias


# ---------------------------------------------------------------------------------------------------


def _period_due(rule: DeadlineRule, anchor: dt.date, calendar: cal.WorkdayCalendar) -> cal.DueDate:
    p = rule.period
    extend = p.holiday_extension if p.holiday_extension is not None else _EXTEND_DEFAULT[p.kind]
    k = p.kind
    amount = p.amount or 0
    if k == "calendar_days":
        return cal.add_calendar_days(anchor, amount, calendar, extend=extend)
    if k == "months":
        return cal.add_months(anchor, amount, calendar, extend=extend)
    if k == "working_days":
        return cal.add_working_days(anchor, amount, calendar)
    # validity / min_duration / max_duration carry a unit
    unit = p.unit
    if unit == "days":
        return cal.add_calendar_days(anchor, amount, calendar, extend=extend)
    if unit == "months":
        return cal.add_months(anchor, amount, calendar, extend=extend)
    if unit == "years":
        return cal.add_years(anchor, amount, calendar, extend=extend)
    return cal.add_working_days(anchor, amount, calendar)


def _fixed(rule: DeadlineRule, year: int, calendar: cal.WorkdayCalendar) -> cal.DueDate:
    p = rule.period
    extend = p.holiday_extension if p.holiday_extension is not None else True
    assert p.month is not None and p.day is not None
    return cal.fixed_date(year + p.year_offset, p.month, p.day, calendar, extend=extend)


def _recurring_next(rule: DeadlineRule, on: dt.date, calendar: cal.WorkdayCalendar) -> cal.DueDate | None:
    p = rule.period
    extend = p.holiday_extension if p.holiday_extension is not None else True
    if p.every == "monthly":
        assert p.day is not None
        y, m = on.year, on.month
        for _ in range(3):
            d = cal.fixed_date(y, m, p.day, calendar, extend=extend)
            if d.due >= on:
                return d
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return None
    if p.every == "yearly" and p.month is not None and p.day is not None:
        for y in (on.year, on.year + 1):
            d = cal.fixed_date(y, p.month, p.day, calendar, extend=extend)
            if d.due >= on:
                return d
    return None


def _deadline(
    cp: CompiledPack, item: Item, facts: Facts, on: dt.date, calendar: cal.WorkdayCalendar
) -> DeadlineResult:
    rule: DeadlineRule = item.rule
    p = rule.period
    k = p.kind
    dates = facts.dates
    closing: dt.date | None = (
        getattr(dates, rule.closing_event) if rule.closing_event else facts.fulfilled.get(rule.id)
    )
    trigger = rule.trigger
    trigger_date: dt.date | None = None
    if trigger == "annual":
        year: int | None = (closing or on).year
    elif trigger == "plan_year":
        year = facts.plan_year
    else:
        trigger_date = getattr(dates, trigger)
        if trigger_date is None:
            if not (k == "set_by_issuer" and rule.id in facts.issuer_due_dates):
                return (item.static, None, closing, None, "no_trigger", None)
            year = None
        else:
            year = trigger_date.year
            if closing is not None and not rule.closing_event and closing < trigger_date:
                closing = (
                    None  # a filing made before this trigger answered an earlier one (备案 after each change)
                )

    due: cal.DueDate | None = None
    extra: dict[str, Any] | None = None
    cache = cp.due_cache
    if len(cache) > _CACHE_MAX:
        cache.clear()
    if k == "set_by_issuer":
        issued = facts.issuer_due_dates.get(rule.id)
        if issued is not None:
            due = cal.DueDate(issued, note="期限由发文机关确定")
    elif k == "fixed_date":
        if year is not None:
            key: tuple[Any, ...] = (rule.id, year, id(calendar))
            due = cache.get(key)
            if due is None:
                due = cache[key] = _fixed(rule, year, calendar)
            if p.from_month is not None:
                extra = {
                    "window_start": dt.date(year + p.year_offset, p.from_month, p.from_day or 1).isoformat()
                }
    elif k == "recurring":
        if closing is None and (trigger_date is not None or year is not None):
            key = (rule.id, on, id(calendar))
            if key in cache:
                due = cache[key]
            else:
                due = cache[key] = _recurring_next(rule, on, calendar)
    elif trigger_date is not None:
        key = (rule.id, trigger_date, id(calendar))
        due = cache.get(key)
        if due is None:
            due = cache[key] = _period_due(rule, trigger_date, calendar)

    if due is None:
        if k == "recurring":
            status = "ended" if closing is not None else "recurring"
        elif k == "set_by_issuer":
            status = "awaiting_issuer"
        else:
            status = "no_trigger"
        return (item.static, trigger_date, closing, None, status, extra)

    d = due.due
    if k == "validity":
        status = "valid" if on <= d else "expired"
    elif rule.direction == "not_before":
        extra = {"earliest": (d + _ONE_DAY).isoformat()}
        if closing is not None:
            status = "met" if closing > d else "too_early"
        else:
            status = "running" if on <= d else "ready"
    elif k == "recurring":
        status = "recurring"
    elif closing is not None:
        status = "met" if closing <= d else "late"
    else:
        status = "open" if on <= d else "overdue"
    return (item.static, trigger_date, closing, due, status, extra)


def evaluate(
    pack: CompiledPack | str,
    facts: Facts | dict[str, Any],
    on: dt.date | None = None,
    calendar: cal.WorkdayCalendar | None = None,
) -> Evaluation:
    """Evaluate ``facts`` against ``pack`` on date ``on`` (default: today in Asia/Shanghai).

    ``pack`` may be a compiled pack or a pack code; ``facts`` a :class:`Facts` or a dict (validated,
    raising :class:`FactsError`). Out-of-scope projects get an empty route/documents/findings/
    validations/deadlines (thresholds and the scope decision are still reported).
    """
    if isinstance(pack, str):
        from .loader import load_pack

        pack = load_pack(pack)
    if not isinstance(facts, Facts):
        facts = Facts.from_dict(facts)
    if on is None:
        on = _today_shanghai()
    if calendar is None:
        calendar = cal.default_calendar()

    res, slot_errors = pack.batch.run(facts, on)
    errors: list[dict[str, str]] = []
    if slot_errors:
        owners = pack.slot_owner
        errors = [{"rule": owners[i], "error": msg} for i, msg in sorted(slot_errors.items())]
    gather = pack.gather
    statics = pack.statics

    # scope
    status = "in_scope"
    matched: list[dict[str, Any]] = []
    disabled: set[str] = set()
    scope_flags = gather["scope"](res)
    if any(scope_flags):
        for it in compress(pack.scope, scope_flags):
            matched.append(it.static)
            if SCOPE_ORDER[it.rule.outcome] > SCOPE_ORDER[status]:
                status = it.rule.outcome
            disabled.update(it.rule.disables)

    thresholds: list[tuple[dict[str, Any], Any, bool | None]] = list(
        compress(
            zip(statics["thresholds"], gather["thr_measure"](res), gather["thr_met"](res), strict=True),
            gather["thr_when"](res),
        )
    )

    if status == "out_of_scope":
        return Evaluation(
            pack.meta,
            on,
            status,
            matched,
            thresholds,
            [],
            [],
            [],
            [],
            [],
            sorted(disabled),
            errors,
            pack.threshold_ids,
        )

    route = list(compress(statics["route"], gather["route"](res)))
    docs = list(compress(statics["documents"], gather["documents"](res)))
    found = list(compress(pack.findings, gather["findings"](res)))
    dls = list(compress(pack.deadlines, gather["deadlines"](res)))
    vals = pack.validations
    if disabled:
        route = [s for s in route if s["id"] not in disabled]
        docs = [d for d in docs if d["id"] not in disabled and d["stage"] not in disabled]
        found = [it for it in found if it.rule.id not in disabled]
        dls = [it for it in dls if it.rule.id not in disabled]
        vals = [it for it in vals if it.rule.id not in disabled]
    overrides = facts.overrides
    findings: list[tuple[dict[str, Any], str, dict[str, Any] | None]]
    if overrides:
        findings = []
        for it in found:
            ov = overrides.get(it.rule.id)
            if ov is None:
                findings.append((it.static, "active", None))
            elif it.rule.severity == "soft":
                findings.append((it.static, "overridden", ov.model_dump(mode="json", exclude_none=True)))
            else:
                findings.append((it.static, "active", {"ignored": "硬性规定不得豁免", "by": ov.by}))
    else:
        findings = [(it.static, "active", None) for it in found]

    validations: list[tuple[dict[str, Any], str, str | None]] = []
    for it in vals:
        r = res[it.slot] if it.slot >= 0 else None
        if r == 1:
            validations.append((it.static, "pass", None))
        elif r == 2:
            validations.append((it.static, "fail", None))
        elif r != 0:
            msg = slot_errors.get(it.slot, "条件未能求值") if it.slot >= 0 else "条件未能编译"
            validations.append((it.static, "error", msg))

    deadlines = [_deadline(pack, it, facts, on, calendar) for it in dls]
    forms = [f["id"] for f in compress(statics["forms"], gather["forms"](res))]
    return Evaluation(
        pack.meta,
        on,
        status,
        matched,
        thresholds,
        route,
        docs,
        findings,
        validations,
        deadlines,
        sorted(disabled) if disabled else [],
        errors,
        pack.threshold_ids,
        forms,
    )
