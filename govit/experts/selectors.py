"""Reading the expert pool, draws, reviews and panel conclusions.

For the lifecycle module: ``panel_outcome(project, stage_id)`` tells whether the expert panel of a stage
has concluded and with which outcome ('pass' | 'revise' | 'fail'), None while it has not."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from govit.accounts.choices import Role
from govit.experts import permissions
from govit.experts.choices import ACTIVE_MEMBER_STATUSES, DrawStatus
from govit.experts.conflicts import conflicts_for, lookback_years_setting
from govit.experts.models import (
    DrawMember,
    Expert,
    ExpertDraw,
    ExpertField,
    ExpertReview,
    PanelConclusion,
)
from govit.experts.packrules import scoring_table_for
from govit.projects.models import Project
from govit.projects.selectors import project_round


def draw_sample(seed: int, candidate_ids: Sequence[int], k: int) -> list[int]:
    """The draw itself: ``k`` ids out of the sorted candidates, in draw order. Same seed, same result."""
    return random.Random(seed).sample(sorted(candidate_ids), k)


def expert_draw_replay(draw: ExpertDraw) -> list[int]:
    """Recompute the expert ids of ``draw`` in position order from its recorded seeds and candidate lists
    (the first draw, then each supplement). Equal to the members' expert ids when nothing was tampered."""
    ids = draw_sample(int(draw.seed), draw.candidate_ids, draw.size + draw.backups)
    for supplement in draw.supplements.order_by("created_at", "id"):
        ids.extend(draw_sample(int(supplement.seed), supplement.candidate_ids, supplement.count))
    return ids


def pool_queryset(jurisdiction_ids: Sequence[int] | set[int]) -> QuerySet[Expert]:
    return (
        Expert.objects.filter(jurisdiction_id__in=jurisdiction_ids)
        .select_related("jurisdiction", "employer", "user")
        .prefetch_related("specialties")
    )


def pool_for_user(user: Any, *, text: str = "", specialty: ExpertField | None = None) -> QuerySet[Expert]:
    """专家库 — the experts a reviewer may browse."""
    if not permissions.can_see_pool(user):
        return Expert.objects.none()
    experts = pool_queryset(permissions.pool_jurisdiction_ids(user))
    if text:
        experts = experts.filter(
            Q(name__icontains=text) | Q(employer_name__icontains=text) | Q(employer__name__icontains=text)
        )
    if specialty is not None:
        experts = experts.filter(specialties=specialty)
    return experts.order_by("jurisdiction__code", "name", "id")


@dataclass
class Candidates:
    """Who may be drawn for a project on a day: eligible experts (sorted by id) and, for the record, the
    experts left out for a conflict of interest with their reasons."""

    eligible: list[Expert] = field(default_factory=list)
    excluded: dict[int, list[str]] = field(default_factory=dict)
    excluded_experts: list[Expert] = field(default_factory=list)

    @property
    def eligible_ids(self) -> list[int]:
        return [e.pk for e in self.eligible]


def draw_candidates(
    *,
    project: Project,
    on: dt.date,
    specialty: ExpertField | None = None,
    lookback_years: int | None = None,
    exclude_ids: Sequence[int] = (),
) -> Candidates:
    """Pool experts of the project's jurisdiction or a jurisdiction above it, available on ``on``, with an
    active account holding the 评审专家 role, of ``specialty`` if given, without a conflict of interest."""
    jurisdictions = project.jurisdiction.ancestors(include_self=True).values("id")
    experts = (
        Expert.objects.filter(
            jurisdiction_id__in=jurisdictions,
            is_available=True,
            user__isnull=False,
            user__is_active=True,
            user__role_assignments__role=Role.EXPERT,
        )
        .filter(Q(unavailable_until__isnull=True) | Q(unavailable_until__lt=on))
        .exclude(id__in=list(exclude_ids))
    )
    if specialty is not None:
        experts = experts.filter(specialties=specialty)
    pool = list(
        Expert.objects.filter(id__in=experts.values("id"))
        .select_related("employer", "user")
        .prefetch_related("employments__organisation", "declared_conflicts__organisation")
        .order_by("id")
    )
    years = lookback_years_setting() if lookback_years is None else lookback_years
    excluded = conflicts_for(pool, project, on=on, lookback_years=years)
    return Candidates(
        eligible=[e for e in pool if e.pk not in excluded],
        excluded=excluded,
        excluded_experts=[e for e in pool if e.pk in excluded],
    )


def draw_current(project: Project, stage_id: str, round: int | None = None) -> ExpertDraw | None:
    """The draw that is not cancelled for the stage in the round (default: the project's current round)."""
    number = project_round(project) if round is None else round
    return (
        ExpertDraw.objects.filter(project=project, stage_id=stage_id, round=number)
        .exclude(status=DrawStatus.CANCELLED)
        .select_related("specialty", "created_by")
        .first()
    )


def draw_history(project: Project, stage_id: str) -> QuerySet[ExpertDraw]:
    return ExpertDraw.objects.filter(project=project, stage_id=stage_id).order_by("-created_at", "-id")


def draw_members(draw: ExpertDraw) -> list[DrawMember]:
    return list(
        draw.members.select_related("expert__employer", "expert__user", "replaces__expert", "review")
        .prefetch_related("expert__specialties")
        .order_by("position")
    )


def panel_members(draw: ExpertDraw) -> QuerySet[DrawMember]:
    """The current panel: members who are not backups and have not declined or been replaced."""
    return draw.members.filter(is_backup=False, status__in=ACTIVE_MEMBER_STATUSES).order_by("position")


def panel_reviews_visible_to(user: Any, draw: ExpertDraw) -> list[ExpertReview]:
    """The reviews ``user`` may read: the competent reviewer all of them; a panel expert nothing of the
    others until they have submitted their own, then every submitted review; anyone else none."""
    reviews = (
        ExpertReview.objects.filter(member__draw=draw)
        .select_related("member__expert")
        .order_by("member__position")
    )
    if permissions.can_manage_draws(user, draw.project):
        return list(reviews)
    if not reviews.filter(member__expert__user_id=permissions.user_id_of(user)).exists():
        return []
    return list(reviews)


def panel_aggregate(draw: ExpertDraw) -> dict[str, Any]:
    """评分汇总 — count, mean/min/max total, the pass mark and whether the mean reaches it, per-criterion
    means, the experts' verdicts and budget advice."""
    table = scoring_table_for(draw.project.pack_code, draw.stage_id)
    expected = panel_members(draw).count()
    reviews = list(
        ExpertReview.objects.filter(
            member__draw=draw, member__is_backup=False, member__status__in=ACTIVE_MEMBER_STATUSES
        ).order_by("member__position")
    )
    totals = [r.total for r in reviews if r.total is not None]
    budgets = [r.recommended_budget_yuan for r in reviews if r.recommended_budget_yuan is not None]
    mean_total = round(mean(totals), 2) if totals else None
    pass_mark = table.pass_mark if table is not None else None
    verdicts: dict[str, int] = {}
    for review in reviews:
        if review.verdict:
            verdicts[review.verdict] = verdicts.get(review.verdict, 0) + 1
    criteria = []
    if table is not None:
        for criterion in table.criteria:
            values = [int(r.scores[criterion.code]) for r in reviews if criterion.code in r.scores]
            criteria.append(
                {
                    "code": criterion.code,
                    "name": criterion.name,
                    "weight": criterion.weight,
                    "mean": round(mean(values), 2) if values else None,
                }
            )
    return {
        "expected": expected,
        "count": len(reviews),
        "complete": expected > 0 and len(reviews) >= expected,
        "scoring_table": table.id if table is not None else "",
        "scoring_table_name": table.name if table is not None else "",
        "mean_total": mean_total,
        "min_total": min(totals) if totals else None,
        "max_total": max(totals) if totals else None,
        "pass_mark": pass_mark,
        "passed": (mean_total >= pass_mark) if mean_total is not None and pass_mark is not None else None,
        "criteria": criteria,
        "verdicts": verdicts,
        "budget": {
            "count": len(budgets),
            "mean_yuan": round(mean(budgets)) if budgets else None,
            "min_yuan": min(budgets) if budgets else None,
            "max_yuan": max(budgets) if budgets else None,
        },
    }


def panel_conclusion(project: Project, stage_id: str, round: int | None = None) -> PanelConclusion | None:
    draw = draw_current(project, stage_id, round)
    if draw is None:
        return None
    return PanelConclusion.objects.filter(draw=draw).select_related("decided_by").first()


def panel_outcome(project: Project, stage_id: str, round: int | None = None) -> str | None:
    """专家组结论 of the stage: 'pass' | 'revise' | 'fail', or None while there is no draw or the panel has
    not concluded. ``round`` defaults to the project's current 申报轮次 (pass it explicitly from the
    lifecycle module to be exact)."""
    conclusion = panel_conclusion(project, stage_id, round)
    return conclusion.outcome if conclusion is not None else None


def expert_tasks_for(user: Any) -> QuerySet[DrawMember]:
    """我的评审任务 — the draws an expert is on (panel or backup), newest first."""
    if not getattr(user, "pk", None):
        return DrawMember.objects.none()
    return (
        DrawMember.objects.filter(expert__user=user, draw__status=DrawStatus.ACTIVE)
        .select_related("draw__project__lead_unit", "review")
        .prefetch_related(Prefetch("draw__conclusion"))
        .order_by("-draw__created_at", "position")
    )
