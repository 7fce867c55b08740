"""Changes to the expert pool, draws, reviews and panel conclusions. Each: argument checks, permission
check, one transaction with row locks, one audit event, messages after commit.

Draws are reproducible: the seed (``secrets.randbits(64)`` unless given), the sorted ids of the eligible
experts and the algorithm are stored; ``expert_draw_replay(draw)`` recomputes the members from them."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from govit.accounts.models import Organisation
from govit.accounts.services import notify_after_commit
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from govit.core.forms import text_clean
from govit.experts import permissions
from govit.experts.choices import (
    ACTIVE_MEMBER_STATUSES,
    DRAW_ALGORITHM,
    DrawStatus,
    MemberStatus,
    PanelOutcome,
    ReviewVerdict,
    VendorRole,
)
from govit.experts.conflicts import lookback_years_setting
from govit.experts.models import (
    DrawMember,
    DrawSupplement,
    Expert,
    ExpertDeclaredConflict,
    ExpertDraw,
    ExpertField,
    ExpertReview,
    PanelConclusion,
    ProjectVendor,
)
from govit.experts.packrules import (
    FactsError,
    PackError,
    panel_counts_field,
    panel_size_problems,
    scoring_table_for,
    stage_info,
)
from govit.experts.selectors import (
    draw_candidates,
    draw_sample,
    expert_draw_replay,
    panel_aggregate,
    panel_members,
)
from govit.policies.engine import score_sheet_check
from govit.projects.choices import Status
from govit.projects.facts import project_facts
from govit.projects.models import ExpertAssignment, Project
from govit.projects.selectors import project_round
from govit.projects.services import project_lock

__all__ = [
    "draw_member_accept",
    "draw_member_decline",
    "expert_availability_set",
    "expert_conflict_declare",
    "expert_draw",
    "expert_draw_cancel",
    "expert_draw_replay",
    "expert_draw_supplement",
    "expert_review_submit",
    "panel_conclude",
    "project_vendor_add",
    "project_vendor_remove",
]

MAX_PANEL = 50
MAX_BACKUPS = 50
MAX_SEED = 2**64
OPINION_LIMIT = 2000
REASON_LIMIT = 500
MAX_BUDGET_YUAN = 10**12
# A draw may be made once the declaration has reached the competent bureau and until the project ends.
CLOSED_STATUSES = frozenset({Status.DRAFT, Status.TERMINATED, Status.NOT_SUPPORTED})


def _lock_draw(draw: ExpertDraw) -> ExpertDraw:
    return ExpertDraw.objects.select_for_update(of=("self",)).select_related("project").get(pk=draw.pk)


def _lock_member(member: DrawMember) -> DrawMember:
    return (
        DrawMember.objects.select_for_update(of=("self",))
        .select_related("expert__user", "draw")
        .get(pk=member.pk)
    )


def _require_int(value: Any, *, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(f"{label}须为整数", field=field)
    return value


def _unit_name(name: str, organisation: Organisation | None) -> str:
    """The organisation's name as typed, or the system organisation's own name."""
    name = (name or "").strip() or (organisation.name if organisation is not None else "")
    if not name:
        raise ServiceError("请填写单位名称", field="name")
    if len(name) > 100:
        raise ServiceError("单位名称不能超过 100 个字", field="name")
    return name


def _sync_assignment(project: Project, user_id: int | None) -> bool | None:
    """专家指派 follows the draws: active while the user sits on a panel (not a backup, not declined) of a
    draw of the project that is not cancelled. Returns the new state, or None when the expert has no account."""
    if user_id is None:
        return None
    active = DrawMember.objects.filter(
        draw__project=project,
        draw__status=DrawStatus.ACTIVE,
        expert__user_id=user_id,
        is_backup=False,
        status__in=ACTIVE_MEMBER_STATUSES,
    ).exists()
    assignment = (
        ExpertAssignment.objects.select_for_update().filter(project=project, expert_id=user_id).first()
    )
    if assignment is None:
        if active:
            ExpertAssignment.objects.create(project=project, expert_id=user_id, is_active=True)
        return active
    if assignment.is_active != active:
        assignment.is_active = active
        assignment.save(update_fields=["is_active"])
    return active


def _member_record(member: DrawMember) -> dict[str, Any]:
    return {
        "position": member.position,
        "expert_id": member.expert_id,
        "name": member.expert.name,
        "is_backup": member.is_backup,
        "status": member.status,
    }


def _notify_member(member: DrawMember, project: Project, stage_name: str) -> None:
    if member.expert.user_id is None:
        return
    notify_after_commit(
        user_ids=[member.expert.user_id],
        text=f"您被抽取为项目“{project.name}”{stage_name}的评审专家，请及时确认并提交评审意见",
        url=f"/expert-reviews/{member.pk}/",
    )


def _stage(project: Project, stage_id: str) -> tuple[str, str]:
    """(name, kind) of the stage; refuses a stage the project's pack does not have."""
    stage_id = (stage_id or "").strip()
    if not stage_id:
        raise ServiceError("请指定评审环节", field="stage_id")
    if len(stage_id) > 80:
        raise ServiceError("环节编号不能超过 80 个字符", field="stage_id")
    if not project.pack_code:
        return stage_id, ""
    try:
        info = stage_info(project.pack_code, stage_id)
    except PackError as error:
        raise ServiceError(f"无法读取政策包：{error}", field="stage_id") from None
    if info is None:
        raise ServiceError(f"政策包中没有环节“{stage_id}”", field="stage_id")
    return info.name, info.kind


def _check_panel_size(project: Project, stage_kind: str, size: int) -> None:
    if not project.pack_code:
        return
    try:
        problems = panel_size_problems(
            pack_code=project.pack_code,
            facts=project_facts(project),
            counts_field=panel_counts_field(stage_kind),
            size=size,
            on=clock.today(),
        )
    except (PackError, FactsError) as error:
        raise ServiceError(f"无法按政策包核对专家组人数：{error}", field="size") from None
    if problems:
        raise ServiceError(f"专家组人数 {size} 人不符合规定：" + "；".join(problems), field="size")


def _seed(seed: int | None) -> int:
    if seed is None:
        return secrets.randbits(64)
    value = _require_int(seed, field="seed", label="随机种子")
    if not 0 <= value < MAX_SEED:
        raise ServiceError("随机种子须为 0 至 2^64-1 之间的整数", field="seed")
    return value


def expert_draw(
    *,
    actor: Any,
    project: Project,
    stage_id: str,
    size: int,
    backups: int = 0,
    field: ExpertField | None = None,
    seed: int | None = None,
) -> ExpertDraw:
    """随机抽取评审专家 — ``size`` panel members and ``backups`` backups for one stage of ``project``.

    Only a 主管部门审核人 of the project's jurisdiction. The panel size is checked against the project's
    pack; when fewer experts are eligible than needed nothing is written. Drawn panel members get an
    active 专家指派 (they can then see the project); backups do not until promoted."""
    size = _require_int(size, field="size", label="专家组人数")
    backups = _require_int(backups, field="backups", label="备选人数")
    if size < 1:
        raise ServiceError("专家组人数至少为 1 人", field="size")
    if size > MAX_PANEL:
        raise ServiceError(f"专家组人数不能超过 {MAX_PANEL} 人", field="size")
    if backups < 0:
        raise ServiceError("备选人数不能为负数", field="backups")
    if backups > MAX_BACKUPS:
        raise ServiceError(f"备选人数不能超过 {MAX_BACKUPS} 人", field="backups")
    seed_value = _seed(seed)
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_manage_draws(actor, locked):
            raise PermissionDeniedError("只有本级主管部门审核人可以抽取评审专家")
        if locked.status in CLOSED_STATUSES:
            raise ServiceError(f"项目当前状态为“{locked.get_status_display()}”，不能抽取评审专家")
        stage_name, stage_kind = _stage(locked, stage_id)
        stage_id = stage_id.strip()
        round_number = project_round(locked)
        open_draw = (
            ExpertDraw.objects.filter(project=locked, round=round_number, stage_id=stage_id)
            .exclude(status=DrawStatus.CANCELLED)
            .first()
        )
        if open_draw is not None:
            raise ConflictError(
                f"该环节已抽取专家（抽取编号 {open_draw.pk}），如需重新抽取请先作废原抽取", field="stage_id"
            )
        _check_panel_size(locked, stage_kind, size)
        today = clock.today()
        years = lookback_years_setting()
        candidates = draw_candidates(project=locked, on=today, specialty=field, lookback_years=years)
        needed = size + backups
        if len(candidates.eligible) < needed:
            raise ServiceError(
                f"可抽取专家不足：需要 {needed} 人（含备选 {backups} 人），"
                f"符合条件的只有 {len(candidates.eligible)} 人",
                field="size",
            )
        eligible_ids = sorted(candidates.eligible_ids)
        picked = draw_sample(seed_value, eligible_ids, needed)
        draw = ExpertDraw(
            project=locked,
            round=round_number,
            stage_id=stage_id,
            stage_name=stage_name,
            stage_kind=stage_kind,
            size=size,
            backups=backups,
            specialty=field,
            drawn_on=today,
            seed=str(seed_value),
            algorithm=DRAW_ALGORITHM,
            candidate_ids=eligible_ids,
            excluded={str(k): v for k, v in sorted(candidates.excluded.items())},
            lookback_years=years,
            created_by=actor,
            created_at=clock.now(),
        )
        try:
            with transaction.atomic():
                draw.save()
        except IntegrityError:
            raise ConflictError("该环节已抽取专家，请刷新后查看", field="stage_id") from None
        experts = {e.pk: e for e in candidates.eligible}
        DrawMember.objects.bulk_create(
            [
                DrawMember(
                    draw=draw,
                    expert=experts[expert_id],
                    position=index + 1,
                    is_backup=index >= size,
                    status=MemberStatus.INVITED,
                )
                for index, expert_id in enumerate(picked)
            ]
        )
        members = list(draw.members.select_related("expert").order_by("position"))
        activated = [m.expert.user_id for m in members if not m.is_backup]
        for member in members:
            if not member.is_backup:
                _sync_assignment(locked, member.expert.user_id)
        audit_record(
            actor=actor,
            action="expert.draw",
            target=locked,
            after={
                "draw_id": draw.pk,
                "round": round_number,
                "stage_id": stage_id,
                "size": size,
                "backups": backups,
                "specialty": field.name if field is not None else "",
                "seed": draw.seed,
                "algorithm": draw.algorithm,
                "candidate_ids": eligible_ids,
                "excluded": draw.excluded,
                "members": [_member_record(m) for m in members],
                "assignments_activated": activated,
            },
        )
        for member in members:
            if not member.is_backup:
                _notify_member(member, locked, stage_name)
    return draw


def expert_draw_supplement(
    *, actor: Any, draw: ExpertDraw, count: int = 1, reason: str = "", seed: int | None = None
) -> list[DrawMember]:
    """补充抽取 — ``count`` more backups from the experts eligible today who are not yet in the draw,
    with a new recorded seed. They join the backup queue (a later decline promotes them)."""
    count = _require_int(count, field="count", label="补抽人数")
    if not 1 <= count <= MAX_BACKUPS:
        raise ServiceError(f"补抽人数须为 1 至 {MAX_BACKUPS} 人", field="count")
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise ServiceError(f"补抽原因不能超过 {REASON_LIMIT} 个字", field="reason")
    seed_value = _seed(seed)
    with transaction.atomic():
        project = project_lock(draw.project)
        locked = _lock_draw(draw)
        if not permissions.can_manage_draws(actor, project):
            raise PermissionDeniedError("只有本级主管部门审核人可以补充抽取专家")
        if locked.status != DrawStatus.ACTIVE:
            raise ConflictError("该抽取已作废，不能补充抽取")
        if PanelConclusion.objects.filter(draw=locked).exists():
            raise ConflictError("专家组已形成结论，不能补充抽取")
        already = list(locked.members.values_list("expert_id", flat=True))
        candidates = draw_candidates(
            project=project,
            on=clock.today(),
            specialty=locked.specialty,
            lookback_years=locked.lookback_years,
            exclude_ids=already,
        )
        if len(candidates.eligible) < count:
            raise ServiceError(
                f"可补抽专家不足：需要 {count} 人，尚未抽中且符合条件的只有 {len(candidates.eligible)} 人",
                field="count",
            )
        eligible_ids = sorted(candidates.eligible_ids)
        picked = draw_sample(seed_value, eligible_ids, count)
        supplement = DrawSupplement.objects.create(
            draw=locked,
            count=count,
            seed=str(seed_value),
            algorithm=DRAW_ALGORITHM,
            candidate_ids=eligible_ids,
            reason=reason,
            created_by=actor,
            created_at=clock.now(),
        )
        last = max((m.position for m in locked.members.all()), default=0)
        experts = {e.pk: e for e in candidates.eligible}
        DrawMember.objects.bulk_create(
            [
                DrawMember(
                    draw=locked,
                    expert=experts[expert_id],
                    position=last + index + 1,
                    is_backup=True,
                    supplement=supplement,
                    status=MemberStatus.INVITED,
                )
                for index, expert_id in enumerate(picked)
            ]
        )
        added = list(supplement.members.select_related("expert").order_by("position"))
        audit_record(
            actor=actor,
            action="expert.draw_supplement",
            target=project,
            after={
                "draw_id": locked.pk,
                "supplement_id": supplement.pk,
                "seed": supplement.seed,
                "algorithm": supplement.algorithm,
                "candidate_ids": eligible_ids,
                "reason": reason,
                "members": [_member_record(m) for m in added],
            },
        )
    return added


def expert_draw_cancel(*, actor: Any, draw: ExpertDraw, reason: str) -> ExpertDraw:
    """作废抽取 — the panel is dissolved (its experts lose the assignment) so the stage can be drawn again.
    Not once the panel has concluded."""
    reason = text_clean(reason, field="reason", label="作废原因", limit=REASON_LIMIT, allow_markup=True)
    with transaction.atomic():
        project = project_lock(draw.project)
        locked = _lock_draw(draw)
        if not permissions.can_manage_draws(actor, project):
            raise PermissionDeniedError("只有本级主管部门审核人可以作废抽取")
        if locked.status != DrawStatus.ACTIVE:
            raise ConflictError("该抽取已作废")
        if PanelConclusion.objects.filter(draw=locked).exists():
            raise ConflictError("专家组已形成结论，不能作废抽取")
        locked.status = DrawStatus.CANCELLED
        locked.cancelled_by = actor
        locked.cancelled_at = clock.now()
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
        deactivated = []
        for user_id in set(locked.members.values_list("expert__user_id", flat=True)):
            if _sync_assignment(project, user_id) is False:
                deactivated.append(user_id)
        audit_record(
            actor=actor,
            action="expert.draw_cancel",
            target=project,
            before={"draw_id": locked.pk, "status": DrawStatus.ACTIVE},
            after={"status": locked.status, "reason": reason, "assignments_deactivated": sorted(deactivated)},
        )
    return locked


def _next_backup(draw: ExpertDraw) -> DrawMember | None:
    return (
        draw.members.select_for_update(of=("self",))
        .filter(is_backup=True, status__in=ACTIVE_MEMBER_STATUSES)
        .select_related("expert")
        .order_by("position")
        .first()
    )


def draw_member_decline(*, actor: Any, member: DrawMember, reason: str) -> DrawMember | None:
    """回避/谢绝 — the expert themself (declined) or the reviewer (replaced) takes a member off the draw.

    A panel member is replaced by the next backup in draw order, who gets the 专家指派; the returned value
    is that promoted member (None when a backup was taken off). When no backup is left nothing changes and
    the reviewer is told to draw more (``expert_draw_supplement``) or draw again."""
    reason = text_clean(reason, field="reason", label="回避或谢绝原因", limit=REASON_LIMIT, allow_markup=True)
    with transaction.atomic():
        project = project_lock(member.draw.project)
        draw = _lock_draw(member.draw)
        locked = _lock_member(member)
        is_self = permissions.is_member_expert(actor, locked)
        is_reviewer = permissions.can_manage_draws(actor, project)
        if not (is_self or is_reviewer):
            raise PermissionDeniedError("只有该专家本人或本级主管部门审核人可以办理回避")
        if draw.status != DrawStatus.ACTIVE:
            raise ConflictError("该抽取已作废")
        if PanelConclusion.objects.filter(draw=draw).exists():
            raise ConflictError("专家组已形成结论，不能再办理回避")
        if not locked.is_active:
            raise ConflictError(f"该专家已{locked.get_status_display()}，无需再办理")
        if ExpertReview.objects.filter(member=locked).exists():
            raise ConflictError("该专家已提交评审意见，不能再回避")
        promoted: DrawMember | None = None
        if not locked.is_backup:
            promoted = _next_backup(draw)
            if promoted is None:
                if is_reviewer:
                    raise ServiceError(
                        "没有可递补的备选专家：请先补充抽取备选专家，或作废本次抽取后重新抽取，再办理回避",
                        field="reason",
                    )
                raise ServiceError(
                    "没有可递补的备选专家：请联系主管部门审核人补充抽取后再办理回避", field="reason"
                )
        before = _member_record(locked)
        now = clock.now()
        locked.status = MemberStatus.DECLINED if is_self else MemberStatus.REPLACED
        locked.decline_reason = reason
        locked.declined_by = actor
        locked.responded_at = now
        locked.save(update_fields=["status", "decline_reason", "declined_by", "responded_at"])
        if promoted is not None:
            promoted.is_backup = False
            promoted.replaces = locked
            promoted.promoted_at = now
            promoted.status = MemberStatus.INVITED
            promoted.save(update_fields=["is_backup", "replaces", "promoted_at", "status"])
        assignments = {
            "deactivated": _sync_assignment(project, locked.expert.user_id) is False and not locked.is_backup,
            "activated": promoted is not None and bool(_sync_assignment(project, promoted.expert.user_id)),
        }
        audit_record(
            actor=actor,
            action="expert.decline",
            target=project,
            before={"draw_id": draw.pk, **before},
            after={
                "status": locked.status,
                "reason": reason,
                "promoted": _member_record(promoted) if promoted is not None else None,
                "assignments": assignments,
            },
        )
        if promoted is not None:
            _notify_member(promoted, project, draw.stage_name)
        if is_self:
            notify_after_commit(
                user_ids=[draw.created_by_id],
                text=(
                    f"专家{locked.expert.name}谢绝参加项目“{project.name}”{draw.stage_name}评审"
                    + (f"，已由备选专家{promoted.expert.name}递补" if promoted is not None else "")
                ),
                url=f"/projects/{project.pk}/experts/{draw.stage_id}/",
            )
    return promoted


def draw_member_accept(*, actor: Any, member: DrawMember) -> DrawMember:
    """确认参加 — the expert accepts the invitation (a panel seat or a place in the backup queue)."""
    with transaction.atomic():
        draw = _lock_draw(member.draw)
        locked = _lock_member(member)
        if not permissions.is_member_expert(actor, locked):
            raise PermissionDeniedError("只有该专家本人可以确认参加")
        if draw.status != DrawStatus.ACTIVE:
            raise ConflictError("该抽取已作废")
        if locked.status != MemberStatus.INVITED:
            raise ConflictError(f"当前状态为“{locked.get_status_display()}”，无需确认")
        locked.status = MemberStatus.ACCEPTED
        locked.responded_at = clock.now()
        locked.save(update_fields=["status", "responded_at"])
        audit_record(
            actor=actor,
            action="expert.accept",
            target=draw.project,
            before={"draw_id": draw.pk, "position": locked.position, "status": MemberStatus.INVITED},
            after={"status": locked.status},
        )
    return locked


def _validate_scores(pack_code: str, stage_id: str, scores: Mapping[str, Any]) -> tuple[dict[str, int], str]:
    """Scores checked against the stage's scoring table: every criterion, each an integer 0..weight."""
    if not isinstance(scores, Mapping):
        raise ServiceError("评分格式有误", field="scores")
    table = scoring_table_for(pack_code, stage_id)
    if table is None:
        if scores:
            raise ServiceError("本环节政策包未设评分表，无需打分，请填写评审意见", field="scores")
        return {}, ""
    clean, problems = score_sheet_check(table, scores)
    if problems:  # an unknown criterion is reported first
        problem = next((p for p in problems if p.kind == "unknown"), problems[0])
        criterion = problem.criterion
        if criterion is None:
            raise ServiceError(
                f"评分表“{table.name}”中没有评分项：{'、'.join(problem.unknown)}", field="scores"
            )
        label, field = f"评分项“{criterion.name}”", f"score_{criterion.code}"
        if problem.kind == "missing":
            raise ServiceError(f"请填写{label}的得分（0 至 {criterion.weight} 分）", field=field)
        if problem.kind == "not_int":
            raise ServiceError(f"{label}的得分须为 0 至 {criterion.weight} 之间的整数", field=field)
        raise ServiceError(
            f"{label}的得分须在 0 至 {criterion.weight} 分之间（填写的是 {problem.value} 分）", field=field
        )
    return clean, table.id


def expert_review_submit(
    *,
    actor: Any,
    member: DrawMember,
    scores: Mapping[str, int],
    opinion: str,
    recommended_budget_yuan: int | None,
    verdict: str = "",
) -> ExpertReview:
    """提交评审意见 — only the panel member themself, once. A submitted review cannot be changed: once an
    expert has submitted they may read the other experts' reviews, so a later change would no longer be an
    independent opinion. Scores follow the stage's scoring table (all criteria, each 0..weight); without a
    table no scores are given. ``verdict`` ('pass' | 'revise' | 'fail') is the expert's optional advice."""
    opinion = text_clean(opinion, field="opinion", label="评审意见", limit=OPINION_LIMIT, allow_markup=True)
    if recommended_budget_yuan is not None:
        budget = _require_int(recommended_budget_yuan, field="recommended_budget_yuan", label="建议预算")
        if budget < 0:
            raise ServiceError("建议预算不能为负数", field="recommended_budget_yuan")
        if budget > MAX_BUDGET_YUAN:
            raise ServiceError("建议预算不能超过 1,000,000,000,000 元", field="recommended_budget_yuan")
    verdict = verdict or ""
    if verdict and verdict not in ReviewVerdict.values:
        raise ServiceError("评审建议无效", field="verdict")
    with transaction.atomic():
        draw = _lock_draw(member.draw)
        locked = _lock_member(member)
        if not permissions.is_member_expert(actor, locked):
            raise PermissionDeniedError("只有该专家本人可以提交评审意见")
        if draw.status != DrawStatus.ACTIVE:
            raise ConflictError("该抽取已作废，不能提交评审意见")
        if not locked.on_panel:
            raise ConflictError("您当前不是专家组成员（备选、已回避或已被替换），不能提交评审意见")
        if PanelConclusion.objects.filter(draw=draw).exists():
            raise ConflictError("专家组已形成结论，不能再提交评审意见")
        if ExpertReview.objects.filter(member=locked).exists():
            raise ConflictError("您已提交评审意见，提交后不能修改")
        clean, table_id = _validate_scores(draw.project.pack_code, draw.stage_id, scores)
        review = ExpertReview.objects.create(
            member=locked,
            scores=clean,
            total=sum(clean.values()) if table_id else None,
            scoring_table=table_id,
            verdict=verdict,
            opinion=opinion,
            recommended_budget_yuan=recommended_budget_yuan,
            submitted_at=clock.now(),
        )
        if locked.status == MemberStatus.INVITED:
            locked.status = MemberStatus.ACCEPTED
            locked.responded_at = review.submitted_at
            locked.save(update_fields=["status", "responded_at"])
        audit_record(
            actor=actor,
            action="expert.review_submit",
            target=draw.project,
            after={
                "draw_id": draw.pk,
                "position": locked.position,
                "scores": clean,
                "total": review.total,
                "scoring_table": table_id,
                "verdict": verdict,
                "opinion": opinion,
                "recommended_budget_yuan": recommended_budget_yuan,
            },
        )
        waiting = panel_members(draw).filter(review__isnull=True).exists()
        if not waiting:
            notify_after_commit(
                user_ids=[draw.created_by_id],
                text=f"项目“{draw.project.name}”{draw.stage_name}的专家评审意见已全部提交，可登记专家组结论",
                url=f"/projects/{draw.project_id}/experts/{draw.stage_id}/",
            )
    return review


def panel_conclude(*, actor: Any, draw: ExpertDraw, outcome: str, opinion: str) -> PanelConclusion:
    """登记专家组结论 — the reviewer records what the panel concluded, once every panel member has
    submitted. The aggregate of the scores is kept with it. The project's status is not changed here."""
    if outcome not in PanelOutcome.values:
        raise ServiceError("请选择专家组结论：通过、退回修改或不通过", field="outcome")
    opinion = text_clean(opinion, field="opinion", label="专家组意见", limit=OPINION_LIMIT, allow_markup=True)
    with transaction.atomic():
        project = project_lock(draw.project)
        locked = _lock_draw(draw)
        if not permissions.can_manage_draws(actor, project):
            raise PermissionDeniedError("只有本级主管部门审核人可以登记专家组结论")
        if locked.status != DrawStatus.ACTIVE:
            raise ConflictError("该抽取已作废")
        if PanelConclusion.objects.filter(draw=locked).exists():
            raise ConflictError("专家组已形成结论")
        panel = list(panel_members(locked).select_related("expert"))
        reviewed = set(ExpertReview.objects.filter(member__in=panel).values_list("member_id", flat=True))
        missing = [m.expert.name for m in panel if m.pk not in reviewed]
        if not panel:
            raise ServiceError("专家组没有成员，不能形成结论", field="outcome")
        if missing:
            raise ServiceError(
                f"尚有 {len(missing)} 位专家未提交评审意见（{'、'.join(missing)}），全部提交后才能形成结论",
                field="outcome",
            )
        aggregate = panel_aggregate(locked)
        conclusion = PanelConclusion.objects.create(
            draw=locked,
            outcome=outcome,
            opinion=opinion,
            aggregate=aggregate,
            decided_by=actor,
            decided_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="expert.panel_conclude",
            target=project,
            after={
                "draw_id": locked.pk,
                "round": locked.round,
                "stage_id": locked.stage_id,
                "outcome": outcome,
                "opinion": opinion,
                "aggregate": aggregate,
            },
        )
    return conclusion


def project_vendor_add(
    *, actor: Any, project: Project, name: str, role: str, organisation: Organisation | None = None
) -> ProjectVendor:
    """登记投标人/中标人/供应商 — used by conflict avoidance until procurement records exist."""
    name = _unit_name(name, organisation)
    if role not in VendorRole.values:
        raise ServiceError("请选择身份：投标人、中标人或供应商", field="role")
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_manage_draws(actor, locked):
            raise PermissionDeniedError("只有本级主管部门审核人可以登记项目供应商")
        if ProjectVendor.objects.filter(project=locked, name=name, role=role).exists():
            raise ConflictError("该单位已登记", field="name")
        vendor = ProjectVendor.objects.create(
            project=locked,
            name=name,
            organisation=organisation,
            role=role,
            created_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="expert.vendor_add",
            target=locked,
            after={
                "vendor_id": vendor.pk,
                "name": name,
                "role": role,
                "organisation_id": vendor.organisation_id,
            },
        )
    return vendor


def project_vendor_remove(*, actor: Any, vendor: ProjectVendor) -> None:
    with transaction.atomic():
        locked = project_lock(vendor.project)
        if not permissions.can_manage_draws(actor, locked):
            raise PermissionDeniedError("只有本级主管部门审核人可以删除项目供应商")
        row = ProjectVendor.objects.select_for_update().filter(pk=vendor.pk).first()
        if row is None:
            raise NotFoundError("该供应商记录不存在")
        before = {
            "vendor_id": row.pk,
            "name": row.name,
            "role": row.role,
            "organisation_id": row.organisation_id,
        }
        row.delete()
        audit_record(actor=actor, action="expert.vendor_remove", target=locked, before=before)


def expert_availability_set(
    *, actor: Any, expert: Expert, is_available: bool, unavailable_until: dt.date | None, note: str = ""
) -> Expert:
    """暂停/恢复抽取 — a reviewer marks an expert (un)available, optionally until a date (inclusive)."""
    note = (note or "").strip()
    if len(note) > 200:
        raise ServiceError("备注不能超过 200 个字", field="note")
    if unavailable_until is not None and unavailable_until < clock.today():
        raise ServiceError("暂停抽取的截止日期不能早于今天", field="unavailable_until")
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if not permissions.can_edit_expert(actor, locked):
            raise PermissionDeniedError("只有本级主管部门审核人可以调整专家的抽取状态")
        before = {
            "is_available": locked.is_available,
            "unavailable_until": locked.unavailable_until,
            "note": locked.note,
        }
        locked.is_available = bool(is_available)
        locked.unavailable_until = unavailable_until
        if note:
            locked.note = note
        locked.save(update_fields=["is_available", "unavailable_until", "note", "updated_at"])
        audit_record(
            actor=actor,
            action="expert.availability",
            target=locked,
            before=before,
            after={
                "is_available": locked.is_available,
                "unavailable_until": locked.unavailable_until,
                "note": locked.note,
            },
        )
    return locked


def expert_conflict_declare(
    *, actor: Any, expert: Expert, name: str, reason: str, organisation: Organisation | None = None
) -> ExpertDeclaredConflict:
    """申报利害关系 — by the expert themself or a reviewer of the pool."""
    name = _unit_name(name, organisation)
    reason = text_clean(reason, field="reason", label="利害关系说明", limit=200, allow_markup=True)
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        is_self = locked.user_id is not None and locked.user_id == getattr(actor, "pk", None)
        if not (is_self or permissions.can_edit_expert(actor, locked)):
            raise PermissionDeniedError("只有专家本人或本级主管部门审核人可以登记利害关系")
        item = ExpertDeclaredConflict.objects.create(
            expert=locked, organisation=organisation, name=name, reason=reason
        )
        audit_record(
            actor=actor,
            action="expert.conflict_declare",
            target=locked,
            after={"name": name, "organisation_id": item.organisation_id, "reason": reason},
        )
    return item
