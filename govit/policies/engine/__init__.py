"""GovIT policy engine: pure Python (no Django). Packs are YAML, conditions are CEL.

Public API::

    from govit.policies.engine import load_pack, evaluate, Facts
    pack = load_pack("shucheng")
    ev = evaluate(pack, Facts.from_dict({...}), on=date(2026, 7, 1))
    ev.to_dict()   # JSON-serialisable
"""

from .calendar import (
    ChineseCalendarSource,
    DueDate,
    TableCalendar,
    WeekdayCalendar,
    WorkdayCalendar,
    add_calendar_days,
    add_months,
    add_working_days,
    add_years,
    default_calendar,
    fixed_date,
    roll_to_workday,
)
from .compiled import CompiledPack
from .engine import Evaluation, evaluate
from .errors import PackError, Problem
from .facts import Facts, FactsError, facts_json_schema
from .lint import LintProblem, lint_all, lint_file
from .loader import PACKS_DIR, clear_cache, list_packs, load_pack, load_pack_file, read_pack
from .schema import Pack
from .scoring import ScoreProblem, score_sheet_check

__all__ = [
    "PACKS_DIR",
    "ChineseCalendarSource",
    "CompiledPack",
    "DueDate",
    "Evaluation",
    "Facts",
    "FactsError",
    "LintProblem",
    "Pack",
    "PackError",
    "Problem",
    "ScoreProblem",
    "TableCalendar",
    "WeekdayCalendar",
    "WorkdayCalendar",
    "add_calendar_days",
    "add_months",
    "add_working_days",
    "add_years",
    "clear_cache",
    "default_calendar",
    "evaluate",
    "facts_json_schema",
    "fixed_date",
    "lint_all",
    "lint_file",
    "list_packs",
    "load_pack",
    "load_pack_file",
    "read_pack",
    "roll_to_workday",
    "score_sheet_check",
]
