"""Decisions on the way to 立项. Each: who may act (from the stage's roles and escalation level), one
transaction with the project row locked and the expected stage checked (so two reviewers acting at once
produce exactly one transition), one audit event, messages after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from govit.accounts.models import Organisation
from govit.accounts.services import notify_after_commit
from govit.audit.choices import Outcome as AuditOutcome
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.core.forms import text_clean
from govit.experts.packrules import scoring_table_for
from govit.experts.selectors import panel_outcome
from govit.policies.engine import ScoreProblem, score_sheet_check
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.permissions import is_competent_reviewer
from govit.projects.policy import cite_text
from govit.projects.services import project_lock, project_policy_shared, project_transition_record
from govit.workflow import selectors
from govit.workflow.choices import FORWARD, TERMINAL, OpinionConclusion, Outcome
from govit.workflow.models import ProjectApproval, StageDecision, StageOpinion
from govit.workflow.selectors import RouteState, Stage

MAX_TEXT = 2000


def _locked_state(project: Project, stage_id: str) -> tuple[Project, RouteState, Stage]:
    locked = project_lock(project)
    state = selectors.route_state(locked)
    if state.error:
        raise ServiceError(f"无法确定审查流程：{state.error}")
    if locked.status not in selectors.IN_ROUTE:
        raise ConflictError(f"项目当前状态为“{locked.get_status_display()}”，不在审查流程中")
    stage = state.current
    if stage is None or stage.id != stage_id:
        current = stage.name if stage else "无"
        raise ConflictError(f"该环节已由他人处理或不是当前环节（当前环节：{current}），请刷新页面")
    return locked, state, stage


def _cite(stage: Stage) -> str:
    return cite_text({"cite": stage.cite, "catalogue": stage.catalogue})[:300]


def on_audit_event(action: str, target: Any, outcome: str) -> None:
    """A submitted declaration records the stage its review starts at (the first stage of its route not yet
    passed), so lists such as 待办 know where every project stands without working out its route."""
    if action != "declaration.submit" or outcome != AuditOutcome.SUCCESS or not isinstance(target, Project):
        return
    current = selectors.route_state(target, project_policy_shared(target)).current
    stage = current.id if current is not None else ""
    if target.current_stage != stage:
        target.current_stage = stage
        Project.objects.filter(pk=target.pk).update(current_stage=stage)


def _move(project: Project, *, to_status: str, actor: Any, reason: str, stage: str) -> None:
    if project.status == to_status and project.current_stage == stage:
        return
    project_transition_record(
        project=project, to_status=to_status, actor=actor, reason=reason[:500], stage=stage
    )


def _check_findings(state: RouteState) -> None:
    """合规性审查 passes only when no hard finding is active and every active soft one was set aside."""
    active = [f for f in state.policy.get("findings", []) if f.get("status") == "active"]
    hard = [f for f in active if f.get("severity") == "hard"]
    if hard:
        first = hard[0]
        raise ServiceError(
            f"存在 {len(hard)} 条刚性审查意见，不能通过：{first.get('message')}"
            f"（{first.get('cite', {}).get('article', '')}）",
            field="outcome",
        )
    soft = [f for f in active if f.get("severity") == "soft"]
    if soft:
        raise ServiceError(
            f"存在 {len(soft)} 条原则性审查意见尚未处理（可说明理由后豁免）：{soft[0].get('message')}",
            field="outcome",
        )


def _check_documents(project: Project, state: RouteState, stage: Stage) -> None:
    missing = selectors.documents_missing(project, state, stage)
    if missing:
        names = "、".join(f"{d['name']}（{d.get('cite', {}).get('article', '')}）" for d in missing[:5])
        more = f"等 {len(missing)} 项" if len(missing) > 5 else ""
        raise ServiceError(f"申报材料不全，尚缺：{names}{more}", field="outcome")


def _scored(project: Project, state: RouteState, stage: Stage) -> dict[str, Any]:
    opinions = [o for o in selectors.opinions_for(project, state.round, stage.id) if o.total is not None]
    if not opinions:
        raise ServiceError("尚无评分，不能作出初审结论", field="outcome")
    table = scoring_table_for(project.pack_code, stage.id, fallback_first=False)
    totals = [int(o.total or 0) for o in opinions]
    mean = round(sum(totals) / len(totals), 2)
    return {
        "scores": len(totals),
        "mean": mean,
        "min": min(totals),
        "max": max(totals),
        "pass_mark": table.pass_mark if table else None,
    }


def _joint(project: Project, state: RouteState, stage: Stage) -> dict[str, Any]:
    members = selectors.joint_members(project)
    given = {o.organisation_id: o for o in selectors.opinions_for(project, state.round, stage.id)}
    missing = [m.name for m in members if m.pk not in given]
    if missing:
        raise ServiceError(f"会审意见未到齐，尚缺：{'、'.join(missing)}", field="outcome")
    return {"opinions": {m.name: given[m.pk].conclusion for m in members}}


def stage_decide(
    *,
    actor: Any,
    project: Project,
    stage_id: str,
    outcome: str,
    reason: str = "",
    due_date: dt.date | None = None,
    approval: dict[str, Any] | None = None,
) -> StageDecision:
    """环节结论 — pass, 退回 (with reasons and a due date), fail (本次申报结束), or 立项 at the approval stage."""
    with transaction.atomic():
        locked, state, stage = _locked_state(project, stage_id)
        if not selectors.can_decide(actor, locked, stage):
            raise PermissionDeniedError(f"您无权作出“{stage.name}”环节的结论")
        if outcome not in stage.choices:
            allowed = "、".join(stage.choice_label(o) for o in stage.choices)
            raise ServiceError(f"“{stage.name}”环节的结论只能是：{allowed}", field="outcome")
        data: dict[str, Any] = {}
        if outcome in FORWARD:
            if stage.kind == "compliance_check":
                _check_findings(state)
            elif stage.kind == "scored_review":
                data = _scored(locked, state, stage)
                if data["pass_mark"] is not None and data["mean"] < data["pass_mark"]:
                    raise ServiceError(
                        f"平均分 {data['mean']} 低于通过分数线 {data['pass_mark']}，不能通过", field="outcome"
                    )
            elif stage.kind == "joint_review":
                data = _joint(locked, state, stage)
            elif stage.kind == "expert_review":
                data = _panel(locked, state, stage)
            _check_documents(locked, state, stage)
            reason = text_clean(
                reason, field="reason", label="审查意见", limit=MAX_TEXT, required=False, allow_markup=True
            )
        elif outcome == Outcome.REVISE:
            reason = text_clean(reason, field="reason", label="退回原因", limit=MAX_TEXT, allow_markup=True)
            if due_date is None:
                raise ServiceError("请填写修改期限", field="due_date")
            if due_date <= clock.today():
                raise ServiceError("修改期限应晚于今天", field="due_date")
        else:
            reason = text_clean(
                reason, field="reason", label="不通过的理由", limit=MAX_TEXT, allow_markup=True
            )
        if stage.grants_approval and outcome in {Outcome.APPROVED, Outcome.PASS}:
            data["approval"] = _approval_record(actor, locked, stage, approval)
        decision = StageDecision.objects.create(
            project=locked,
            round=state.round,
            stage_id=stage.id,
            stage_name=stage.name[:120],
            kind=stage.kind,
            outcome=outcome,
            reason=reason,
            due_date=due_date if outcome == Outcome.REVISE else None,
            data=data,
            cite=_cite(stage),
            pack_version=str(state.policy.get("pack", {}).get("version", "")),
            actor=actor,
            decided_at=clock.now(),
        )
        before = {"status": locked.status, "stage": stage.id}
        to_status, note, at_stage, text = _where_next(locked, state, stage, outcome, reason, due_date, data)
        _move(locked, to_status=to_status, actor=actor, reason=note, stage=at_stage)
        locked.version += 1
        locked.save(update_fields=["status", "current_stage", "version", "updated_at"])
        audit_record(
            actor=actor,
            action=f"stage.{outcome}",
            target=locked,
            before=before,
            after={
                "status": locked.status,
                "stage": stage.id,
                "round": state.round,
                "reason": reason,
                "due_date": due_date.isoformat() if due_date and outcome == Outcome.REVISE else None,
                **({"approval": data["approval"]} if "approval" in data else {}),
            },
        )
        notify_after_commit(organisation_id=locked.lead_unit_id, text=text, url=f"/projects/{locked.pk}/")
    return decision


def _where_next(
    project: Project,
    state: RouteState,
    stage: Stage,
    outcome: str,
    reason: str,
    due_date: dt.date | None,
    data: dict[str, Any],
) -> tuple[str, str, str, str]:
    """After a decision: the project's new status, the transition's note, the stage it is at, and the
    message for the construction unit."""
    label = stage.choice_label(outcome)
    name = project.name
    if outcome == Outcome.REVISE:
        assert due_date is not None
        return (
            Status.RETURNED,
            f"{stage.name}：退回修改。{reason}",
            stage.id,
            f"项目“{name}”在{stage.name}环节被退回修改，请于{due_date:%Y年%m月%d日}前修改后重新提交",
        )
    if outcome in TERMINAL:
        return (
            Status.NOT_SUPPORTED,
            f"{stage.name}：{label}。{reason}",
            stage.id,
            f"项目“{name}”在{stage.name}环节未通过，本次申报结束",
        )
    if stage.grants_approval:
        number = data["approval"]["approval_number"]
        return Status.APPROVED, f"{stage.name}：同意立项", stage.id, f"项目“{name}”已立项，文号 {number}"
    # the decision does not change the facts, so the evaluation already made serves again
    after = selectors.route_state(project, state.policy)
    following = next(
        (s for s in after.stages if s.state not in {"done", "ended", "skipped"} and s.id != stage.id), None
    )
    if following is None:
        return (
            Status.APPROVED,
            f"{stage.name}：{label}，审查流程完成",
            stage.id,
            f"项目“{name}”已完成审查流程",
        )
    return (
        Status.IN_REVIEW,
        f"{stage.name}：{label}",
        following.id,
        f"项目“{name}”{stage.name}环节{label}，进入{following.name}",
    )


def _panel(project: Project, state: RouteState, stage: Stage) -> dict[str, Any]:
    outcome = panel_outcome(project, stage.id, state.round)
    if outcome is None:
        raise ServiceError("专家评审尚未形成结论，请先组织专家评审并登记专家组意见", field="outcome")
    if outcome != Outcome.PASS:
        raise ServiceError(f"专家组结论为“{Outcome(outcome).label}”，不能作出通过结论", field="outcome")
    return {"panel": outcome}


def _approval_record(
    actor: Any, project: Project, stage: Stage, approval: dict[str, Any] | None
) -> dict[str, Any]:
    approval = approval or {}
    number = str(approval.get("approval_number") or "").strip()
    if not number:
        raise ServiceError("请填写立项文号", field="approval_number")
    if len(number) > 80:
        raise ServiceError("立项文号不能超过 80 个字符", field="approval_number")
    budget = approval.get("approved_budget_yuan")
    if not isinstance(budget, int) or budget <= 0:
        raise ServiceError("请填写批复投资（大于 0）", field="approved_budget_yuan")
    if budget > project.total_yuan:
        raise ServiceError("批复投资不能超过申报总投资", field="approved_budget_yuan")
    approved_on = approval.get("approved_on")
    if not isinstance(approved_on, dt.date):
        raise ServiceError("请填写批复日期", field="approved_on")
    if approved_on > clock.today():
        raise ServiceError("批复日期不能晚于今天", field="approved_on")
    body = str(approval.get("decided_by_body") or "").strip() or "、".join(stage.actors)[:120] or stage.name
    try:
        with transaction.atomic():
            record = ProjectApproval.objects.create(
                project=project,
                approval_number=number,
                approved_budget_yuan=budget,
                approved_on=approved_on,
                decided_by_body=body[:120],
                stage_id=stage.id,
                recorded_by=actor,
                recorded_at=clock.now(),
            )
    except IntegrityError as error:
        raise ConflictError("立项文号已被其他项目使用", field="approval_number") from error
    return {
        "approval_number": record.approval_number,
        "approved_budget_yuan": record.approved_budget_yuan,
        "approved_on": record.approved_on.isoformat(),
        "decided_by_body": record.decided_by_body,
    }


def stage_opinion_submit(
    *,
    actor: Any,
    project: Project,
    stage_id: str,
    opinion: str,
    conclusion: str = "",
    scores: dict[str, int] | None = None,
) -> StageOpinion:
    """评分 (scored review) or 会审意见 (joint review): one per reviewer, for the bureau they speak for."""
    with transaction.atomic():
        locked, state, stage = _locked_state(project, stage_id)
        if stage.kind not in {"scored_review", "joint_review"}:
            raise ServiceError(f"“{stage.name}”环节不收集评分或会审意见")
        organisation = selectors.opinion_org_for(actor, locked)
        if organisation is None:
            raise PermissionDeniedError("只有参加审查的主管部门或协审部门人员可以提交意见")
        opinion = text_clean(opinion, field="opinion", label="审查意见", limit=MAX_TEXT, allow_markup=True)
        total: int | None = None
        clean: dict[str, int] = {}
        if stage.kind == "scored_review":
            table = scoring_table_for(locked.pack_code, stage.id, fallback_first=False)
            if table is None:
                raise ServiceError("政策包未配置该环节的评分表")
            clean, problems = score_sheet_check(table, scores or {})
            if problems:
                raise _score_error(problems[0])
            total = sum(clean.values())
        else:
            if conclusion not in OpinionConclusion.values:
                raise ServiceError("请选择会审结论（同意 / 原则同意需修改 / 不同意）", field="conclusion")
            if StageOpinion.objects.filter(
                project=locked, round=state.round, stage_id=stage.id, organisation=organisation
            ).exists():
                raise ConflictError(f"{organisation.name}已提交会审意见", field="opinion")
        if StageOpinion.objects.filter(
            project=locked, round=state.round, stage_id=stage.id, author=actor
        ).exists():
            raise ConflictError("您已提交过本环节的意见", field="opinion")
        record = StageOpinion.objects.create(
            project=locked,
            round=state.round,
            stage_id=stage.id,
            organisation=organisation,
            author=actor,
            scores=clean,
            total=total,
            conclusion=conclusion if stage.kind == "joint_review" else "",
            opinion=opinion,
            created_at=clock.now(),
        )
        if locked.status == Status.SUBMITTED:
            _move(
                locked,
                to_status=Status.IN_REVIEW,
                actor=actor,
                reason=f"{stage.name}：开始审查",
                stage=stage.id,
            )
            locked.save(update_fields=["status", "current_stage", "updated_at"])
        audit_record(
            actor=actor,
            action="stage.opinion",
            target=locked,
            after={
                "stage": stage.id,
                "round": state.round,
                "organisation": organisation.name,
                "scores": clean,
                "total": total,
                "conclusion": record.conclusion,
            },
        )
    return record


def _score_error(problem: ScoreProblem) -> ServiceError:
    criterion = problem.criterion
    if criterion is None:
        return ServiceError(f"评分表没有这些评分项：{'、'.join(problem.unknown)}", field=problem.unknown[0])
    if problem.kind == "missing":
        return ServiceError(f"请为“{criterion.name}”打分（0–{criterion.weight} 分）", field=criterion.code)
    return ServiceError(f"“{criterion.name}”的得分应为 0–{criterion.weight} 之间的整数", field=criterion.code)


def project_urge(*, actor: Any, project: Project, message: str) -> None:
    """催办 — remind the construction unit (when returned) or the current stage's actors."""
    message = text_clean(message, field="message", label="催办内容", limit=MAX_TEXT, allow_markup=True)
    with transaction.atomic():
        locked = project_lock(project)
        state = selectors.route_state(locked)
        stage = state.current
        if locked.status == Status.RETURNED:
            returned = next((s for s in state.stages if s.state == "returned"), None)
            if returned is None or not selectors.can_decide(actor, locked, returned):
                raise PermissionDeniedError("只有退回该项目的审查部门可以催办")
            notify_after_commit(
                organisation_id=locked.lead_unit_id,
                text=f"催办：{locked.name}。{message}",
                url=f"/projects/{locked.pk}/",
            )
        elif stage is not None:
            if locked.jurisdiction_id not in selectors.user_scope(actor).overseen_jurisdiction_ids:
                raise PermissionDeniedError("您无权催办该项目")
            notify_after_commit(
                jurisdiction_id=locked.jurisdiction_id,
                role="reviewer",
                text=f"催办：{locked.name}（{stage.name}）。{message}",
                url=f"/projects/{locked.pk}/",
            )
        else:
            raise ServiceError("该项目当前没有待办理的环节，无需催办")
        audit_record(actor=actor, action="project.urge", target=locked, after={"message": message})


def project_copy_to(*, actor: Any, project: Project, organisation: Organisation, message: str) -> None:
    """抄送 — send the project to a bureau for information."""
    message = text_clean(
        message, field="message", label="抄送说明", limit=MAX_TEXT, required=False, allow_markup=True
    )
    if not is_competent_reviewer(actor, project):
        raise PermissionDeniedError("只有主管部门审核人可以抄送")
    if organisation not in selectors.copy_targets(project):
        raise ServiceError("只能抄送本级或上级的主管部门、协审部门", field="organisation")
    with transaction.atomic():
        notify_after_commit(
            organisation_id=organisation.pk,
            text=f"抄送：{project.name}。{message}"[:255],
            url=f"/projects/{project.pk}/",
        )
        audit_record(
            actor=actor,
            action="project.copy_to",
            target=project,
            after={"organisation": organisation.name, "message": message},
        )
