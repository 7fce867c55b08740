"""Changes to projects. Each: permission check, one transaction with a row lock, a transition record
where the status moves, one audit event, side effects after commit."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.services import notify_after_commit
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.policies.engine import load_pack
from govit.projects import permissions
from govit.projects.choices import Status
from govit.projects.models import (
    COST_FIELDS,
    DECLARATION_FIELDS,
    FUNDING_FIELDS,
    DeclarationRound,
    FindingOverride,
    Project,
    ProjectTransition,
)
from govit.projects.packforms import bind, declaration_forms, form_check, form_fact_paths, forms_missing
from govit.projects.policy import cite_text, project_policy
from govit.projects.selectors import jurisdiction_pack_code, round_standing

# Fields a construction unit may set on its declaration.
EDITABLE_FIELDS = (*DECLARATION_FIELDS, *COST_FIELDS, *FUNDING_FIELDS)


def _snapshot(project: Project) -> dict[str, Any]:
    data = model_to_dict(project, fields=[*EDITABLE_FIELDS, "status", "current_stage", "total_yuan"])
    data["co_unit_ids"] = sorted(project.co_units.values_list("id", flat=True)) if project.pk else []
    return data


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _apply(project: Project, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(f"以下字段不可修改：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    for name, value in fields.items():
        setattr(project, name, value)
    project.total_yuan = project.computed_total()
    if project.total_yuan > 10**12:
        raise ServiceError("项目总投资不能超过 1,000,000,000,000 元", field="cost_engineering")


def project_lock(project: Project) -> Project:
    """The project's row, locked until the transaction ends (call inside ``transaction.atomic``)."""
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "jurisdiction")
        .get(pk=project.pk)
    )


def project_transition_record(
    *, project: Project, to_status: str, actor: Any, reason: str = "", stage: str = "", first: bool = False
) -> None:
    """Record a move of the project's status (who, why, at which stage, under which pack version) and apply
    it to ``project``; the caller saves the project in the same transaction."""
    ProjectTransition.objects.create(
        project=project,
        from_status="" if first else project.status,
        to_status=to_status,
        stage=stage[:60],
        actor=actor,
        reason=reason,
        pack_version=project.pack_version,
        created_at=clock.now(),
    )
    project.status = to_status
    project.current_stage = stage[:60]


def reviewer_required(actor: Any, project: Project, action: str) -> None:
    """Only a 主管部门审核人 of the project's jurisdiction (or above) may go on; a refusal is audited."""
    if not permissions.is_competent_reviewer(actor, project):
        audit_denied(actor=actor, action=action, target=project, message="只有主管部门审核人可以办理")


def project_status_move(
    *, project: Project, to_status: str, actor: Any, reason: str, stage: str = ""
) -> None:
    """Move the locked ``project`` to ``to_status`` and save it: the transition recorded, the version bumped
    (so a form opened before the move is refused as stale)."""
    project_transition_record(
        project=project, to_status=to_status, actor=actor, reason=reason[:500], stage=stage
    )
    project.version += 1
    project.save(update_fields=["status", "current_stage", "version", "updated_at"])


def project_create(
    *,
    actor: Any,
    lead_unit: Organisation,
    fields: dict[str, Any],
    co_units: Iterable[Organisation] = (),
    request_key: str = "",
) -> Project:
    """新建项目 — a draft declaration of ``lead_unit``. The same ``request_key`` (the create form's one-time
    key) sent again — a double click, a resent form — returns the project the first one created."""
    if not permissions.can_create_for(actor, lead_unit.pk):
        raise PermissionDeniedError("您不是该建设单位的经办人或负责人，不能为其创建项目", field="lead_unit")
    co_units = [unit for unit in co_units if unit.pk != lead_unit.pk]
    if request_key:
        earlier = Project.objects.filter(created_by=actor, request_key=request_key).first()
        if earlier is not None:
            return earlier
    try:
        return _project_insert(actor, lead_unit, fields, co_units, request_key)
    except IntegrityError:
        earlier = (
            Project.objects.filter(created_by=actor, request_key=request_key).first() if request_key else None
        )
        if earlier is None:
            raise
        return earlier


def _project_insert(
    actor: Any,
    lead_unit: Organisation,
    fields: dict[str, Any],
    co_units: list[Organisation],
    request_key: str,
) -> Project:
    with transaction.atomic():
        project = Project(
            lead_unit=lead_unit,
            jurisdiction=lead_unit.jurisdiction,
            created_by=actor,
            pack_code=jurisdiction_pack_code(lead_unit.jurisdiction),
            status=Status.DRAFT,
            request_key=request_key,
        )
        _apply(project, fields)
        project.save()
        project.co_units.set(co_units)
        project_transition_record(
            project=project, to_status=Status.DRAFT, actor=actor, reason="创建项目", first=True
        )
        project.save(update_fields=["status", "current_stage"])
        audit_record(actor=actor, action="project.create", target=project, after=_snapshot(project))
    return project


def project_update(
    *,
    actor: Any,
    project: Project,
    fields: dict[str, Any],
    co_units: Iterable[Organisation] | None = None,
    expected_version: int | None = None,
) -> Project:
    """修改项目 — only while the declaration is a draft or was returned for revision."""
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_edit(actor, locked):
            raise PermissionDeniedError("当前状态下您不能修改该项目")
        if expected_version is not None and expected_version != locked.version:
            raise ConflictError("项目已被他人修改，请刷新后重试")
        before = _snapshot(locked)
        _apply(locked, fields)
        locked.version += 1
        locked.save()
        if co_units is not None:
            locked.co_units.set([unit for unit in co_units if unit.pk != locked.lead_unit_id])
        old, new = _changes(before, _snapshot(locked))
        audit_record(actor=actor, action="project.update", target=locked, before=old, after=new)
    return locked


# Reasons from later stages that a unit may not declare now (上城 ¶89: 取消下一年度的项目申报资格); each gives
# the reason for ``project``'s declaration, or "".
DeclarationHold = Callable[[Project], str]
_DECLARATION_HOLDS: list[DeclarationHold] = []


def declaration_hold_register(hold: DeclarationHold) -> DeclarationHold:
    if hold not in _DECLARATION_HOLDS:
        _DECLARATION_HOLDS.append(hold)
    return hold


def declaration_check(project: Project, policy: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """What stops a declaration from being submitted: (field, message) pairs. ``policy``: the project's
    evaluation when the caller already has it."""
    problems: list[tuple[str, str]] = []
    if project.total_yuan <= 0:
        problems.append(("cost_engineering", "项目总投资必须大于 0"))
    if not project.summary.strip():
        problems.append(("summary", "请填写项目简要说明及建设依据"))
    if not project.content.strip():
        problems.append(("content", "请填写主要建设内容"))
    if project.funding_total() != project.total_yuan:
        problems.append(("fund_fiscal", "资金来源合计应等于项目总投资"))
    problems.extend(("form_data", message) for _form, message in forms_missing(project))
    if policy is None:
        policy = project_policy(project) if project.pack_code else {}
    on_forms = form_fact_paths(project)
    for check in policy.get("validations", []):
        if check.get("status") == "fail" and check.get("severity") == "hard":
            article = (check.get("cite") or {}).get("article", "")
            field = str(check.get("field", ""))
            problems.append(
                ("form_data" if field in on_forms else field, f"{check.get('message')}（{article}）")
            )
    for hold in _DECLARATION_HOLDS:
        reason = hold(project)
        if reason:
            problems.append(("lead_unit", reason))
    return problems


_shared = threading.local()


@contextmanager
def policy_shared(project: Project) -> Iterator[None]:
    """While the audit event of a change to ``project`` is written, the listeners that evaluate its pack (the
    stage its review starts at, its obligations) share one evaluation of the project as saved: what they
    write in between (the current stage, the obligations) is no fact of the pack's."""
    previous = getattr(_shared, "kept", None)
    _shared.kept = {"pk": project.pk, "project": project}
    try:
        yield
    finally:
        _shared.kept = previous


def project_shared(project_id: int) -> Project | None:
    """The project whose change is being audited (see ``policy_shared``), as the service saved it: a listener
    need not read it again."""
    kept = getattr(_shared, "kept", None)
    return kept["project"] if kept is not None and kept["pk"] == project_id else None


def project_policy_shared(project: Project) -> dict[str, Any]:
    """The project's evaluation: the one shared by the listeners of the change being audited (see
    ``policy_shared``), made by the first that asks; outside that, a fresh one."""
    kept = getattr(_shared, "kept", None)
    if kept is None or kept["pk"] != project.pk:
        return project_policy(project)
    if "policy" not in kept:
        kept["policy"] = project_policy(project)
    return kept["policy"]  # type: ignore[no-any-return]


OFF_WINDOW_REASON_MIN = 10


def _round_check(project: Project, off_window_reason: str) -> None:
    """A first declaration joins its jurisdiction's round for the plan year; outside the round's window it
    needs the 增补（一事一议）/ 专题请示 reason, and the pack then asks for the approval of it."""
    standing = round_standing(project, clock.today())
    project.declaration_round = standing.round
    reason = (off_window_reason or "").strip()
    if standing.in_window:
        project.off_window, project.off_window_reason = False, ""
        return
    if len(reason) < OFF_WINDOW_REASON_MIN:
        raise ServiceError(
            f"{standing.text}。确需新增的，请填写增补项目（一事一议）或专题请示的理由"
            f"（不少于 {OFF_WINDOW_REASON_MIN} 个字）后提交",
            field="off_window_reason",
        )
    if len(reason) > 2000:
        raise ServiceError("窗口外申报理由不能超过 2000 字", field="off_window_reason")
    project.off_window, project.off_window_reason = True, reason


def declaration_submit(*, actor: Any, project: Project, off_window_reason: str = "") -> Project:
    """提交申报 — the unit sends its declaration to the competent bureau. A resubmission after 退回 keeps the
    round it was first declared in."""
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_submit(actor, locked):
            raise PermissionDeniedError("当前状态下您不能提交该项目")
        problems = declaration_check(locked)
        if problems:
            field = problems[0][0]
            raise ServiceError("；".join(message for _f, message in problems), field=field)
        from_status = locked.status
        resubmit = from_status == Status.RETURNED
        if not resubmit:
            _round_check(locked, off_window_reason)
        if locked.pack_code:
            locked.pack_version = load_pack(
                locked.pack_code
            ).pack.meta.version  # the rules this round is judged by
        project_transition_record(
            project=locked,
            to_status=Status.SUBMITTED,
            actor=actor,
            reason="修改后重新提交申报" if resubmit else "提交申报",
        )
        locked.submitted_at = clock.now()
        locked.version += 1
        locked.save(
            update_fields=[
                "status",
                "current_stage",
                "submitted_at",
                "version",
                "pack_version",
                "declaration_round",
                "off_window",
                "off_window_reason",
                "updated_at",
            ]
        )
        with policy_shared(locked):
            audit_record(
                actor=actor,
                action="declaration.submit",
                target=locked,
                before={"status": from_status},
                after={
                    "status": locked.status,
                    "round": locked.declaration_round.name if locked.declaration_round else None,
                    "off_window_reason": locked.off_window_reason or None,
                },
            )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}提交了项目申报：{locked.name}",
            url=f"/projects/{locked.pk}/",
        )
    return locked


def declaration_withdraw(*, actor: Any, project: Project, reason: str) -> Project:
    """撤回申报 — back to draft, before the bureau has taken it into review."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("请填写撤回原因", field="reason")
    if len(reason) > 500:
        raise ServiceError("撤回原因不能超过 500 字", field="reason")
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_withdraw(actor, locked):
            raise PermissionDeniedError("当前状态下您不能撤回该项目")
        from_status = locked.status
        project_status_move(project=locked, to_status=Status.DRAFT, actor=actor, reason=f"撤回申报：{reason}")
        with policy_shared(locked):
            audit_record(
                actor=actor,
                action="declaration.withdraw",
                target=locked,
                before={"status": from_status},
                after={"status": locked.status, "reason": reason},
            )
    return locked


def finding_override_create(
    *, actor: Any, project: Project, rule_id: str, justification: str
) -> FindingOverride:
    """豁免原则性审查意见 — the competent bureau sets a soft finding aside, giving its reason.

    A hard finding (不得/一律) cannot be set aside; nor can a finding the project does not have now."""
    justification = justification.strip()
    if len(justification) < 10:
        raise ServiceError("请填写豁免理由（不少于 10 个字），说明为何可以变通执行", field="justification")
    if len(justification) > 1000:
        raise ServiceError("豁免理由不能超过 1000 字", field="justification")
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_override_finding(actor, locked):
            raise PermissionDeniedError("只有本级主管部门审核人可以豁免审查意见，且项目须已申报")
        if locked.finding_overrides.filter(rule_id=rule_id, revoked_at__isnull=True).exists():
            raise ConflictError("该审查意见已被豁免", field="rule_id")
        policy = project_policy(locked)
        if "error" in policy:
            raise ServiceError(f"无法评估政策规则：{policy['error']}", field="rule_id")
        finding = next(
            (f for f in policy["findings"] if f["id"] == rule_id and f.get("status") == "active"), None
        )
        if finding is None:
            raise ServiceError("该项目当前没有这条审查意见，无需豁免", field="rule_id")
        cite = finding.get("cite") or {}
        if finding.get("severity") != "soft":
            raise ServiceError(
                f"刚性规定不得豁免：{cite.get('article', '')}“{cite.get('quote', '')}”", field="rule_id"
            )
        override = FindingOverride.objects.create(
            project=locked,
            rule_id=rule_id,
            rule_message=str(finding.get("message", ""))[:300],
            cite=cite_text(finding)[:300],
            justification=justification,
            decided_by=actor,
            decided_at=clock.now(),
            pack_version=str(policy["pack"].get("version", "")),
        )
        audit_record(
            actor=actor,
            action="finding.override",
            target=locked,
            after={"rule_id": rule_id, "justification": justification, "cite": override.cite},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"主管部门豁免了项目“{locked.name}”的审查意见：{override.rule_message}",
            url=f"/projects/{locked.pk}/",
        )
    return override


def finding_override_revoke(*, actor: Any, override: FindingOverride, reason: str) -> FindingOverride:
    """撤销豁免 — the finding applies again; the decision stays on record."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("请填写撤销理由", field="reason")
    with transaction.atomic():
        locked = project_lock(override.project)
        if not permissions.can_override_finding(actor, locked):
            raise PermissionDeniedError("只有本级主管部门审核人可以撤销豁免")
        row = FindingOverride.objects.select_for_update().get(pk=override.pk)
        if row.revoked_at is not None:
            raise ConflictError("该豁免已被撤销")
        row.revoked_at = clock.now()
        row.revoked_by = actor
        row.revoke_reason = reason[:1000]
        row.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            actor=actor,
            action="finding.override_revoke",
            target=locked,
            before={"rule_id": row.rule_id, "justification": row.justification},
            after={"revoked": True, "reason": row.revoke_reason},
        )
    return row


def declaration_round_open(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    year: int,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date | None = None,
    notice: str = "",
    basis: str = "",
) -> DeclarationRound:
    """发布申报批次 — the competent bureau opens the call for one plan year (without a closing date: 常态化受理)."""
    if not permissions.can_open_round(actor, jurisdiction.pk):
        raise PermissionDeniedError("只有本级主管部门审核人可以发布申报批次")
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写批次名称", field="name")
    if len(name) > 100:
        raise ServiceError("批次名称不能超过 100 个字", field="name")
    if not 2000 <= year <= 2100:
        raise ServiceError("计划年度应在 2000 至 2100 年之间", field="year")
    if closes_on is not None and closes_on < opens_on:
        raise ServiceError("申报截止日期不能早于开始受理日期", field="closes_on")
    if opens_on.year > year:
        raise ServiceError("开始受理日期不能晚于计划年度", field="opens_on")
    with transaction.atomic():
        if DeclarationRound.objects.select_for_update().filter(jurisdiction=jurisdiction, year=year).exists():
            raise ConflictError(f"{jurisdiction.name}{year}年度的申报批次已发布", field="year")
        try:
            with transaction.atomic():
                created = DeclarationRound.objects.create(
                    jurisdiction=jurisdiction,
                    year=year,
                    name=name,
                    opens_on=opens_on,
                    closes_on=closes_on,
                    notice=notice.strip()[:120],
                    basis=basis.strip()[:300],
                    created_by=actor,
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise ConflictError(f"{jurisdiction.name}{year}年度的申报批次已发布", field="year") from None
        audit_record(
            actor=actor,
            action="round.open",
            target=created,
            after={
                "jurisdiction": jurisdiction.name,
                "year": year,
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat() if closes_on else None,
                "notice": created.notice,
            },
        )
        notify_after_commit(
            jurisdiction_id=jurisdiction.pk,
            role="clerk",
            text=f"{jurisdiction.name}发布了{name}"
            + (f"，申报截止 {closes_on:%Y年%m月%d日}" if closes_on else "（常态化受理）"),
            url="/projects/rounds/",
        )
    return created


def project_form_save(*, actor: Any, project: Project, form_id: str, raw: dict[str, Any]) -> Project:
    """填写申报表 — the unit saves one of its pack's declaration forms; bad values change nothing."""
    form = next((f for f in declaration_forms(project) if f.id == form_id), None)
    if form is None:
        raise ServiceError("政策包中没有该申报表", field="form_id")
    with transaction.atomic():
        locked = project_lock(project)
        if not permissions.can_edit(actor, locked):
            raise PermissionDeniedError("当前状态下您不能填写该项目的申报表")
        clean, errors = form_check(locked, form, raw)
        if errors:
            key, message = next(iter(errors.items()))
            raise ServiceError(message, field=key)
        data = dict(locked.form_data or {})
        previous = data.get(form.id, {})
        data[form.id] = clean
        locked.form_data = data
        locked.version += 1
        locked.save(update_fields=["form_data", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="project.form_save",
            target=locked,
            before={"form": form.id, "values": previous},
            after={"form": form.id, "values": clean, "missing": bind(locked, form).missing},
        )
    return locked
