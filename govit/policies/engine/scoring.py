"""Checking a filled-in score sheet against a pack's scoring table: every criterion scored, each an integer
from 0 to its weight, no criterion the table does not have. Callers word the problems for their page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .schema import ScoringCriterion, ScoringTable


@dataclass(frozen=True)
class ScoreProblem:
    kind: Literal["missing", "not_int", "range", "unknown"]
    criterion: ScoringCriterion | None = None  # None for "unknown"
    value: Any = None
    unknown: tuple[str, ...] = ()  # sorted codes the table does not have


def score_sheet_check(
    table: ScoringTable, scores: Mapping[str, Any]
) -> tuple[dict[str, int], list[ScoreProblem]]:
    """The clean scores and the problems: first one per criterion in table order, then at most one
    "unknown" problem listing every code the table does not have."""
    clean: dict[str, int] = {}
    problems: list[ScoreProblem] = []
    for criterion in table.criteria:
        value = scores.get(criterion.code)
        if value is None or value == "":
            problems.append(ScoreProblem("missing", criterion))
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(ScoreProblem("not_int", criterion, value))
        elif not 0 <= value <= criterion.weight:
            problems.append(ScoreProblem("range", criterion, value))
        else:
            clean[criterion.code] = value
    known = {c.code for c in table.criteria}
    unknown = tuple(sorted(str(code) for code in scores if code not in known))
    if unknown:
        problems.append(ScoreProblem("unknown", unknown=unknown))
    return clean, problems
