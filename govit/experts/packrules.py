"""What a project's policy pack says about expert panels: which stage a draw is for, how many experts the
panel must have (validations and thresholds on ``counts.review_panel_size`` or, for acceptance stages,
``counts.acceptance_panel_size``) and which scoring table the experts fill in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govit.policies.engine import Facts, FactsError, PackError, load_pack
from govit.policies.engine.schema import ScoringTable
from govit.policies.services import policy_evaluate
from govit.projects.policy import cite_text

# Stage kinds whose panel is an acceptance panel (验收专家组); every other stage uses the review panel.
ACCEPTANCE_KINDS = frozenset({"acceptance"})
# Stage kinds a panel of experts takes part in (used to list the stages on the project's expert page).
EXPERT_KINDS = frozenset({"expert_review", "acceptance", "change_review", "evaluation"})


@dataclass(frozen=True)
class StageInfo:
    id: str
    name: str
    kind: str
    article: str = ""
    involves_experts: bool = True


def pack_stages(pack_code: str) -> list[StageInfo]:
    """Every stage of the pack's route (whatever the project's facts), in route order."""
    pack = load_pack(pack_code).pack
    return [
        StageInfo(
            id=stage.id,
            name=stage.name,
            kind=stage.kind,
            article=stage.cite.article,
            involves_experts="EXPERT" in stage.roles or stage.kind in EXPERT_KINDS,
        )
        for stage in pack.route
    ]


def stage_info(pack_code: str, stage_id: str) -> StageInfo | None:
    return next((s for s in pack_stages(pack_code) if s.id == stage_id), None)


def panel_counts_field(stage_kind: str) -> str:
    return "acceptance_panel_size" if stage_kind in ACCEPTANCE_KINDS else "review_panel_size"


def panel_size_problems(
    *, pack_code: str, facts: Facts, counts_field: str, size: int, on: dt.date
) -> list[str]:
    """The pack's objections to a panel of ``size`` experts, each naming the rule and its article.

    ``facts`` are the project's facts; ``counts.<counts_field>`` is set to ``size`` and the pack evaluated.
    A validation on that field with status 'fail' or a threshold measured on it that is not met is an
    objection. Raises PackError / FactsError when the pack cannot be evaluated."""
    path = f"counts.{counts_field}"
    trial = facts.model_copy(update={"counts": facts.counts.model_copy(update={counts_field: size})})
    result = policy_evaluate(pack_code=pack_code, facts=trial, on=on)
    problems: list[str] = []
    for rule in result.get("validations", []):
        if rule.get("field") == path and rule.get("status") == "fail":
            problems.append(f"{rule.get('message', rule.get('id'))}（{rule.get('id')}，{cite_text(rule)}）")
    for rule in result.get("thresholds", []):
        if path in str(rule.get("measure", "")) and rule.get("met") is False:
            what = rule.get("consequence") or rule.get("literal") or rule.get("id")
            problems.append(f"{what}（{rule.get('id')}：要求{rule.get('literal', '')}，{cite_text(rule)}）")
    return problems


def scoring_table_for(pack_code: str, stage_id: str, *, fallback_first: bool = True) -> ScoringTable | None:
    """The pack's review scoring table for ``stage_id``; when none names the stage, the pack's first review
    table (``fallback_first``, used for expert panels) or None; None when the pack has no review table.
    Performance-evaluation tables (``purpose: evaluation``) never score a declaration."""
    if not pack_code:
        return None
    try:
        tables = [t for t in load_pack(pack_code).pack.scoring if t.purpose == "review"]
    except PackError:
        return None
    if not tables:
        return None
    return next((t for t in tables if t.stage == stage_id), tables[0] if fallback_first else None)


__all__ = [
    "ACCEPTANCE_KINDS",
    "FactsError",
    "PackError",
    "StageInfo",
    "pack_stages",
    "panel_counts_field",
    "panel_size_problems",
    "scoring_table_for",
    "stage_info",
]
