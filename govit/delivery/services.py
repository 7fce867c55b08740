"""立项后实施: procurement, contract registration (checked against the pack), payments. Each: the unit's own
project only (a refusal is audited), one transaction with the project row locked, one audit event."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govit.accounts.choices import Role
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.accounts.services import notify_after_commit
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.db import row_insert_once
from govit.core.errors import ConflictError, ServiceError
from govit.core.forms import date_clean, text_clean
from govit.delivery import selectors
from govit.delivery.choices import (
    CLAUSE_LABELS,
    ChangeKind,
    ChangeStatus,
    ContractKind,
    IncidentKind,
    ProcurementLot,
    ProcurementMethod,
    ProcurementRoute,
    TerminationStatus,
)
from govit.delivery.models import (
    BudgetArrangement,
    ChangeRequest,
    Contract,
    Filing,
    Incident,
    Payment,
    Procurement,
    ProgressReport,
    Settlement,
    Suspension,
    Termination,
)
from govit.delivery.selectors import contract_check, contract_facts, paid_total, project_paid_total
from govit.experts.choices import VendorRole
from govit.experts.models import ProjectVendor
from govit.projects.choices import FundingSource, Status
from govit.projects.models import Project
from govit.projects.packforms import bind, form_check
from govit.projects.permissions import is_competent_reviewer, is_unit_member
from govit.projects.policy import project_policy
from govit.projects.services import project_lock, project_status_move, reviewer_required

# Statuses in which a project is delivered: approved and not yet accepted.
DELIVERING = frozenset({Status.APPROVED, Status.IN_CONSTRUCTION})
REASON_MIN = 10
MAX_MONTHS = 600


def _allowed(actor: Any, project: Project, action: str, also: frozenset[str] = frozenset()) -> None:
    """The unit's clerk or head, while the project is being delivered (or in ``also``); a refusal is
    audited. A suspended project records nothing until the bureau lifts the suspension."""
    if is_unit_member(actor, project) and project.status in DELIVERING | also:
        return
    message = (
        "只有项目建设单位可以登记"
        if not is_unit_member(actor, project)
        else "项目已暂停建设，恢复建设前不能登记"
        if project.status == Status.SUSPENDED
        else f"项目当前状态为“{project.get_status_display()}”，不能登记"
    )
    audit_denied(actor=actor, action=action, target=project, message=message, after={"reason": message})


def _months(value: int | None, field: str, label: str, *, required: bool) -> int | None:
    if value is None:
        if required:
            raise ServiceError(f"请填写{label}", field=field)
        return None
    if not 0 <= value <= MAX_MONTHS:
        raise ServiceError(f"{label}应为 0 至 {MAX_MONTHS} 之间的月数", field=field)
    return value


def _independent(locked: Project, lot: str, supplier_name: str) -> None:
    """The 监理 is never the company it supervises (建设工程质量管理条例 第三十五条; 上城 ¶55 监理独立招标)."""
    other = ProcurementLot.MAIN if lot == ProcurementLot.SUPERVISION else ProcurementLot.SUPERVISION
    names = set(Procurement.objects.filter(project=locked, lot=other).values_list("supplier_name", flat=True))
    kinds = [ContractKind.MAIN] if lot == ProcurementLot.SUPERVISION else [ContractKind.SUPERVISION]
    names |= set(locked.contracts.filter(kind__in=kinds).values_list("supplier_name", flat=True))
    if supplier_name in names:
        raise ServiceError(
            f"“{supplier_name}”已是本项目的"
            + (
                "中标（成交）供应商，不能同时承担监理"
                if lot == ProcurementLot.SUPERVISION
                else "监理单位，不能同时承建项目"
            )
            + "（监理单位应独立于被监理单位）",
            field="supplier_name",
        )


def procurement_record(
    *,
    actor: Any,
    project: Project,
    route: str,
    method: str,
    tender_on: dt.date | None,
    award_notice_on: dt.date | None,
    supplier_name: str,
    control_price_yuan: int | None = None,
    lot: str = ProcurementLot.MAIN,
) -> Procurement:
    """采购结果 — route, method, dates and the winning supplier (kept as the project's 中标人 for conflict
    checks in later expert draws); the 监理 tendered on its own is a second record (``lot``)."""
    _allowed(actor, project, "procurement.record")
    if lot not in ProcurementLot.values:
        raise ServiceError("采购标的无效", field="lot")
    label = ProcurementLot(lot).label
    if route not in ProcurementRoute.values:
        raise ServiceError("采购途径无效", field="route")
    if method not in ProcurementMethod.values:
        raise ServiceError("采购方式无效", field="method")
    tender_on = date_clean(tender_on, field="tender_on", label="开标（采购）日期")
    award_notice_on = date_clean(award_notice_on, field="award_notice_on", label="中标（成交）通知书日期")
    if award_notice_on < tender_on:
        raise ServiceError("中标（成交）通知书日期不能早于开标（采购）日期", field="award_notice_on")
    supplier_name = text_clean(supplier_name, field="supplier_name", label="中标（成交）供应商", limit=100)
    if control_price_yuan is not None and control_price_yuan <= 0:
        raise ServiceError("预算控制价应大于 0", field="control_price_yuan")
    with transaction.atomic():
        locked = project_lock(project)
        approval = getattr(locked, "approval", None)
        if approval is not None and tender_on < approval.approved_on:
            raise ServiceError(
                f"开标（采购）日期不能早于立项批复日期（{approval.approved_on:%Y年%m月%d日}），不得未批先建",
                field="tender_on",
            )
        if Procurement.objects.filter(project=locked, lot=lot).exists():
            raise ConflictError(f"该项目已登记{label}结果", field="route")
        _independent(locked, lot, supplier_name)
        record = Procurement.objects.create(
            project=locked,
            lot=lot,
            route=route,
            method=method,
            tender_on=tender_on,
            award_notice_on=award_notice_on,
            supplier_name=supplier_name,
            control_price_yuan=control_price_yuan,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        ProjectVendor.objects.get_or_create(
            project=locked,
            name=supplier_name,
            role=VendorRole.WINNER,
            defaults={"created_by": actor, "created_at": clock.now()},
        )
        audit_record(
            actor=actor,
            action="procurement.record",
            target=locked,
            after={
                "lot": lot,
                "route": route,
                "method": method,
                "tender_on": tender_on.isoformat(),
                "award_notice_on": award_notice_on.isoformat(),
                "supplier": supplier_name,
                "control_price_yuan": control_price_yuan,
            },
        )
    return record


def contract_register(
    *,
    actor: Any,
    project: Project,
    kind: str,
    number: str,
    supplier_name: str,
    signed_on: dt.date | None,
    amount_yuan: int | None,
    implementation_months: int | None,
    warranty_months: int | None,
    free_om_months: int | None = None,
    service_months: int | None = None,
    clauses: dict[str, bool] | None = None,
    reasons: dict[str, str] | None = None,
    payment_plan: list[tuple[str, Decimal]] | None = None,
) -> Contract:
    """登记合同 — checked against the pack before it is saved: a hard rule it breaks blocks registration,
    a soft one needs a reason (at least 10 characters). The main contract moves the project to 建设中."""
    _allowed(actor, project, "contract.register")
    if kind not in ContractKind.values:
        raise ServiceError("合同类型无效", field="kind")
    number = text_clean(number, field="number", label="合同编号", limit=80)
    supplier_name = text_clean(supplier_name, field="supplier_name", label="乙方（供应商）", limit=100)
    signed_on = date_clean(signed_on, field="signed_on", label="签订日期")
    if amount_yuan is None or amount_yuan <= 0:
        raise ServiceError("请填写合同金额（大于 0）", field="amount_yuan")
    unknown = sorted(set(clauses or {}) - set(CLAUSE_LABELS))
    if unknown:
        raise ServiceError(f"没有这些合同条款：{'、'.join(unknown)}", field="clauses")
    plan = _plan_clean(payment_plan or [])
    with transaction.atomic():
        locked = project_lock(project)
        approval = getattr(locked, "approval", None)
        if approval is not None and signed_on < approval.approved_on:
            raise ServiceError(
                f"签订日期不能早于立项批复日期（{approval.approved_on:%Y年%m月%d日}），不得未批先建",
                field="signed_on",
            )
        lot = ProcurementLot.SUPERVISION if kind == ContractKind.SUPERVISION else ProcurementLot.MAIN
        procurement = Procurement.objects.filter(project=locked, lot=lot).first()
        if kind in (ContractKind.MAIN, ContractKind.SUPERVISION):
            _independent(locked, lot, supplier_name)
        if (
            procurement is not None
            and procurement.control_price_yuan is not None
            and kind == ContractKind.MAIN
            and amount_yuan > procurement.control_price_yuan
        ):
            raise ServiceError(
                f"合同金额不能超过预算控制价 {procurement.control_price_yuan / 10_000:,.2f} 万元",
                field="amount_yuan",
            )
        if procurement is not None and signed_on < procurement.award_notice_on:
            raise ServiceError(
                f"签订日期不能早于中标（成交）通知书日期（{procurement.award_notice_on:%Y年%m月%d日}）",
                field="signed_on",
            )
        budget = selectors.effective_budget(locked)
        signed_total = sum(c.amount_yuan for c in locked.contracts.all())
        if signed_total + amount_yuan > budget:
            raise ServiceError(
                f"合同金额合计 {(signed_total + amount_yuan) / 10_000:,.2f} 万元超过批复投资 {budget / 10_000:,.2f} 万元",
                field="amount_yuan",
            )
        contract = Contract(
            project=locked,
            kind=kind,
            number=number,
            supplier_name=supplier_name,
            signed_on=signed_on,
            amount_yuan=amount_yuan,
            implementation_months=_months(
                implementation_months, "implementation_months", "实施周期", required=True
            )
            or 0,
            warranty_months=_months(warranty_months, "warranty_months", "质保期 / 维保期", required=True)
            or 0,
            free_om_months=_months(free_om_months, "free_om_months", "免费运维期", required=False),
            service_months=_months(service_months, "service_months", "服务期", required=False),
            clauses={code: bool(value) for code, value in (clauses or {}).items()},
            payment_plan=plan,
            registered_by=actor,
            registered_at=clock.now(),
        )
        if kind == ContractKind.MAIN:
            contract.reasons = _checked_reasons(locked, contract, reasons or {})
        try:
            with transaction.atomic():
                contract.save()
        except IntegrityError:
            raise ConflictError(f"合同编号“{number}”已登记", field="number") from None
        if kind == ContractKind.MAIN and locked.status == Status.APPROVED:
            project_status_move(
                project=locked, to_status=Status.IN_CONSTRUCTION, actor=actor, reason=f"签订项目合同 {number}"
            )
        audit_record(
            actor=actor,
            action="contract.register",
            target=locked,
            after={
                "contract": number,
                "kind": kind,
                "supplier": supplier_name,
                "signed_on": signed_on.isoformat(),
                "amount_yuan": amount_yuan,
                "clauses": contract.clauses,
                "reasons": contract.reasons,
                "payment_plan": plan,
                "status": locked.status,
            },
        )
    return contract


def _plan_clean(plan: list[tuple[str, Decimal]]) -> list[dict[str, str]]:
    """A staged payment plan: named milestones, each a positive share, together exactly 100%."""
    if not plan:
        return []
    out: list[dict[str, str]] = []
    for name, percent in plan:
        name = text_clean(name, field="payment_plan", label="支付节点名称", limit=100)
        if any(step["milestone"] == name for step in out):
            raise ServiceError(f"付款计划中支付节点“{name}”重复", field="payment_plan")
        exponent = percent.as_tuple().exponent
        if not Decimal(0) < percent <= Decimal(100) or not isinstance(exponent, int) or exponent < -2:
            raise ServiceError(
                f"支付节点“{name}”的比例应大于 0、不超过 100，最多两位小数", field="payment_plan"
            )
        out.append({"milestone": name, "percent": format(percent.normalize(), "f")})
    total = sum((Decimal(step["percent"]) for step in out), Decimal(0))
    if total != 100:
        raise ServiceError(
            f"付款计划各节点比例合计应为 100%（现为 {format(total.normalize(), 'f')}%）", field="payment_plan"
        )
    return out


def _checked_reasons(project: Project, contract: Contract, reasons: dict[str, str]) -> dict[str, str]:
    check = contract_check(project, contract_facts(contract))
    if check.error:
        raise ServiceError(f"无法按政策包核对合同：{check.error}")
    if check.hard:
        first = check.hard[0]
        more = f"等 {len(check.hard)} 项" if len(check.hard) > 1 else ""
        subject = "采购" if selectors.PROCUREMENT_NONCOMPLIANT in (first.get("effects") or []) else "合同"
        raise ServiceError(
            f"{subject}不符合刚性规定{more}：{first.get('message')}（{(first.get('cite') or {}).get('article', '')}）",
            field="clauses",
        )
    kept: dict[str, str] = {}
    for item in check.soft:
        reason = (reasons.get(item["id"]) or "").strip()
        if len(reason) < REASON_MIN:
            raise ServiceError(
                f"{item.get('message')}（{(item.get('cite') or {}).get('article', '')}）：属原则性要求，"
                f"请说明理由（不少于 {REASON_MIN} 个字）",
                field=f"reason_{item['id']}",
            )
        kept[item["id"]] = reason[:1000]
    return kept


def _form_filled(project: Project, form: Any, raw: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    """A pack form as posted (fields named ``<prefix><key>``), checked; the first problem is refused with the
    form's name and the field's."""
    clean, errors = form_check(project, form, raw)
    if errors:
        key, message = next(iter(errors.items()))
        raise ServiceError(f"《{form.name}》：{message}", field=f"{prefix}{key}")
    return clean


def _payment_report(project: Project, amount_yuan: int, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The pack's 资金支付报备单 (上城 ¶58), when it has one: filled, its amount equal to the payment, every
    required confirmation given."""
    form = selectors.payment_report_form(project)
    if form is None:
        return {}
    label = f"《{form.name}》"
    if not raw:
        raise ServiceError(f"支付前须填报{label}（{form.cite.article}）", field="report")
    clean = _form_filled(project, form, raw, prefix="report_")
    for spec in form.fields:
        if spec.type == "bool" and spec.required and not clean.get(spec.key):
            raise ServiceError(f"{label}：须确认“{spec.label}”", field=f"report_{spec.key}")
        if spec.type == "money_yuan" and spec.key in clean and Decimal(str(clean[spec.key])) != amount_yuan:
            raise ServiceError(f"{label}：“{spec.label}”应与本次支付金额一致", field=f"report_{spec.key}")
    return clean


def payment_record(
    *,
    actor: Any,
    contract: Contract,
    paid_on: dt.date | None,
    amount_yuan: int | None,
    milestone: str,
    report: dict[str, Any] | None = None,
) -> Payment:
    """资金支付 — never more than the contract leaves, nor more than the approved budget in all; with the
    pack's payment report where it asks for one."""
    project = contract.project
    _allowed(actor, project, "payment.record")
    paid_on = date_clean(paid_on, field="paid_on", label="支付日期")
    if amount_yuan is None or amount_yuan <= 0:
        raise ServiceError("请填写支付金额（大于 0）", field="amount_yuan")
    milestone = text_clean(milestone, field="milestone", label="支付节点", limit=100)
    clean_report = _payment_report(project, amount_yuan, report)
    with transaction.atomic():
        locked = project_lock(project)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if paid_on < contract.signed_on:
            raise ServiceError(
                f"支付日期不能早于合同签订日期（{contract.signed_on:%Y年%m月%d日}）", field="paid_on"
            )
        left = contract.amount_yuan - paid_total(contract)
        if amount_yuan > left:
            raise ServiceError(f"支付金额超过合同剩余未付金额 {left / 10_000:,.2f} 万元", field="amount_yuan")
        if contract.payment_plan:
            step = next((r for r in selectors.payment_plan_rows(contract) if r.milestone == milestone), None)
            if step is None:
                names = "、".join(r["milestone"] for r in contract.payment_plan)
                raise ServiceError(f"请选择合同付款计划中的支付节点（{names}）", field="milestone")
            if amount_yuan > step.left_yuan:
                raise ServiceError(
                    f"“{milestone}”节点按合同计划支付 {step.planned_yuan / 10_000:,.2f} 万元（{step.percent}%），"
                    f"已付 {step.paid_yuan / 10_000:,.2f} 万元，本次最多 {step.left_yuan / 10_000:,.2f} 万元",
                    field="amount_yuan",
                )
        if project_paid_total(locked) + amount_yuan > selectors.effective_budget(locked):
            raise ServiceError("累计支付将超过现行批复投资", field="amount_yuan")
        payment = Payment.objects.create(
            contract=contract,
            paid_on=paid_on,
            amount_yuan=amount_yuan,
            milestone=milestone,
            report=clean_report,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="payment.record",
            target=locked,
            after={
                "contract": contract.number,
                "paid_on": paid_on.isoformat(),
                "amount_yuan": amount_yuan,
                "milestone": milestone,
                "paid_total": paid_total(contract),
            },
        )
    return payment


# ------------------------------------------------------------------ 变更


def change_submit(
    *, actor: Any, project: Project, kinds: list[str], description: str, new_total_yuan: int | None
) -> ChangeRequest:
    """变更申请 — measured against the budget in force and routed by the pack: the stage it newly opens
    (上城 内控备案 / 专家论证 / 重新申报), or 备案 to the bureau where the pack has no change route."""
    _allowed(actor, project, "change.submit")
    unknown = [k for k in kinds if k not in ChangeKind.values]
    if not kinds or unknown:
        raise ServiceError("请选择变更事项（投资、建设内容、工期、地点）", field="kinds")
    description = text_clean(description, field="description", label="变更内容及理由", limit=2000)
    if new_total_yuan is None:
        new_total_yuan = selectors.effective_budget(project)
    if new_total_yuan <= 0:
        raise ServiceError("变更后投资须大于 0", field="new_total_yuan")
    with transaction.atomic():
        locked = project_lock(project)
        if ChangeRequest.objects.filter(project=locked, status=ChangeStatus.SUBMITTED).exists():
            raise ConflictError("该项目有一项变更尚在办理，办结后再提出新的变更", field="kinds")
        if new_total_yuan < selectors.project_paid_total(locked):
            raise ServiceError("变更后投资不能少于已支付金额", field="new_total_yuan")
        route = selectors.change_route(locked, new_total_yuan, clock.today())
        if route.error:
            raise ServiceError(f"无法按政策包核对变更：{route.error}")
        stage = route.stage or {}
        cite = stage.get("cite") or {}
        change = ChangeRequest.objects.create(
            project=locked,
            kinds=list(dict.fromkeys(kinds)),
            description=description,
            baseline_yuan=route.baseline_yuan,
            new_total_yuan=new_total_yuan,
            reduction_pct=route.reduction_pct,
            route_stage_id=str(stage.get("id", "")),
            route_stage_name=str(stage.get("name") or "报主管部门备案")[:200],
            cite=f"{cite.get('article', '')}：{cite.get('quote', '')}"[:300] if cite else "",
            required_documents=[{"code": d["code"], "name": d["name"]} for d in route.documents],
            needs_reapproval="PROJECT_APPROVAL" in (stage.get("roles") or []),
            status=ChangeStatus.REDECLARE if route.redeclare else ChangeStatus.SUBMITTED,
            submitted_by=actor,
            submitted_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="change.submit",
            target=locked,
            after={
                "change": change.pk,
                "kinds": change.kinds,
                "baseline_yuan": change.baseline_yuan,
                "new_total_yuan": new_total_yuan,
                "reduction_pct": str(change.reduction_pct),
                "route": change.route_stage_id or "filing",
                "status": change.status,
            },
        )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}提出项目变更：{locked.name}（{change.route_stage_name}）",
            url=f"/projects/{locked.pk}/delivery/#changes",
        )
    return change


def change_decide(
    *,
    actor: Any,
    change: ChangeRequest,
    agree: bool,
    note: str,
    reapproval_number: str = "",
    reapproved_on: dt.date | None = None,
) -> ChangeRequest:
    """主管部门办理变更：同意（或备案）后变更后投资成为现行预算；须重新申报的不能在此同意. Where the pack
    routes the change through the 项目审批部门 (金乡 第三十三条 重新履行审批手续), agreeing records its
    adjustment approval: number and date."""
    project = change.project
    reviewer_required(actor, project, "change.decide")
    note = text_clean(note, field="note", label="办理意见", limit=2000)
    with transaction.atomic():
        locked = project_lock(project)
        change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        if change.status == ChangeStatus.REDECLARE:
            raise ServiceError(
                f"变更后投资超出立项预算，应重新申报立项（{change.cite or '政策包'}）", field="note"
            )
        if change.status != ChangeStatus.SUBMITTED:
            raise ConflictError("该变更已办理", field="note")
        if agree and change.needs_reapproval:
            change.reapproval_number = text_clean(
                reapproval_number, field="reapproval_number", label="项目审批部门的调整批复文号", limit=80
            )
            change.reapproved_on = date_clean(reapproved_on, field="reapproved_on", label="调整批复日期")
            if change.reapproved_on < timezone.localdate(change.submitted_at):
                raise ServiceError(
                    "调整批复日期不能早于变更申请日期（应事先提交调整申请）", field="reapproved_on"
                )
        change.status = ChangeStatus.APPROVED if agree else ChangeStatus.REJECTED
        change.decided_by, change.decided_at, change.decision_note = actor, clock.now(), note
        change.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "reapproval_number",
                "reapproved_on",
            ]
        )
        audit_record(
            actor=actor,
            action="change.approve" if agree else "change.reject",
            target=locked,
            after={
                "change": change.pk,
                "new_total_yuan": change.new_total_yuan,
                "note": note,
                **(
                    {
                        "reapproval_number": change.reapproval_number,
                        "reapproved_on": change.reapproved_on.isoformat(),
                    }
                    if change.reapproved_on
                    else {}
                ),
            },
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"项目“{locked.name}”的变更{'已同意' if agree else '未同意'}：{note}"[:255],
            url=f"/projects/{locked.pk}/delivery/#changes",
        )
    return change


# ------------------------------------------------------------------ 备案 and 月报

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def filing_form_data(project: Project, form: Any, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The filing form filled in and checked; fields the project holds (项目名称) are taken from it, so a
    filing always carries the 立项 name (上城 ¶57)."""
    clean = _form_filled(project, form, raw or {}, prefix="data_")
    for bound in bind(project, form, clean).fields:
        if bound.from_project:
            clean[bound.key] = bound.value
    return clean


def filing_record(
    *,
    actor: Any,
    project: Project,
    rule_id: str,
    filed_on: dt.date | None,
    content: str = "",
    data: dict[str, Any] | None = None,
) -> Filing:
    """备案 / 报送 — discharges the pack deadline ``rule_id`` (met or late against its due date). Where the
    pack has a filing form for the deadline, its fields are the content; otherwise a written account."""
    _allowed(actor, project, "filing.record")
    filed_on = date_clean(filed_on, field="filed_on", label="备案（报送）日期")
    with transaction.atomic():
        locked = project_lock(project)
        policy = project_policy(locked)
        due = next((d for d in selectors.filings_due(locked, policy) if d["id"] == rule_id), None)
        if due is None:
            raise ServiceError("该项目当前没有这项须备案的事项", field="rule_id")
        form = selectors.filing_form(locked, rule_id, policy)
        clean = filing_form_data(locked, form, data) if form is not None else {}
        content = text_clean(content, field="content", label="备案说明", limit=4000, required=form is None)
        trigger = due.get("trigger_date")
        if trigger and filed_on.isoformat() < trigger:
            raise ServiceError(f"备案日期不能早于起算日期（{trigger}）", field="filed_on")
        cite = due.get("cite") or {}
        filing = row_insert_once(
            Filing,
            conflict="该事项已备案",
            field="rule_id",
            project=locked,
            rule_id=rule_id,
            title=str(due.get("name", rule_id))[:200],
            cite=f"{cite.get('article', '')}：{cite.get('quote', '')}"[:300],
            due_on=dt.date.fromisoformat(due["due"]) if due.get("due") else None,
            filed_on=filed_on,
            content=content,
            form_id=form.id if form is not None else "",
            data=clean,
            filed_by=actor,
            filed_at=clock.now(),
        )
        late = filing.due_on is not None and filed_on > filing.due_on
        audit_record(
            actor=actor,
            action="filing.record",
            target=locked,
            after={
                "rule": rule_id,
                "title": filing.title,
                "due_on": filing.due_on.isoformat() if filing.due_on else None,
                "filed_on": filed_on.isoformat(),
                "late": late,
                "form": filing.form_id,
                "data": clean,
            },
        )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}报送备案：{locked.name}（{filing.title}）",
            url=f"/projects/{locked.pk}/delivery/#filings",
        )
    return filing


def acknowledges_for(actor: Any, jurisdiction: Jurisdiction) -> bool:
    """A reviewer of that jurisdiction's bureau, or a supervisor there."""
    orgs = [org for role, org in user_scope(actor).role_orgs if role in {Role.REVIEWER, Role.SUPERVISOR}]
    return Organisation.objects.filter(pk__in=orgs, jurisdiction=jurisdiction).exists()


def filing_acknowledge(*, actor: Any, filing: Filing) -> Filing:
    """逐级确认备案: the next level of the filing chain confirms receipt; the filing is complete when the top
    level has."""
    project = filing.project
    level = selectors.filing_next_level(filing)
    if level is None:
        raise ConflictError("该备案已确认")
    if not acknowledges_for(actor, level):
        audit_denied(
            actor=actor, action="filing.acknowledge", target=project, message=f"该备案现由{level.name}确认"
        )
    with transaction.atomic():
        locked = project_lock(project)
        filing = Filing.objects.select_for_update().get(pk=filing.pk)
        if selectors.filing_next_level(filing) != level:
            raise ConflictError("该备案已由他人确认，请刷新页面")
        now = clock.now()
        filing.acknowledgements = [
            *(filing.acknowledgements or []),
            {"jurisdiction": level.name, "by": actor.display_name or actor.username, "at": now.isoformat()},
        ]
        if selectors.filing_next_level(filing) is None:
            filing.acknowledged_by, filing.acknowledged_at = actor, now
        filing.save(update_fields=["acknowledgements", "acknowledged_by", "acknowledged_at"])
        audit_record(
            actor=actor,
            action="filing.acknowledge",
            target=locked,
            after={
                "rule": filing.rule_id,
                "level": level.name,
                "complete": filing.acknowledged_at is not None,
            },
        )
    return filing


def progress_report_submit(
    *,
    actor: Any,
    project: Project,
    period: str,
    percent_complete: int | None,
    spent_yuan: int | None,
    issues: str = "",
) -> ProgressReport:
    """月度建设进度 — cumulative percent and investment, never below the month before."""
    _allowed(actor, project, "progress.report")
    period = (period or "").strip()
    match = PERIOD.match(period)
    if match is None:
        raise ServiceError("报告月份格式应为 YYYY-MM", field="period")
    today = clock.today()
    if (int(match.group(1)), int(match.group(2))) > (today.year, today.month):
        raise ServiceError("不能报送以后月份的进度", field="period")
    if percent_complete is None or not 0 <= percent_complete <= 100:
        raise ServiceError("累计完成比例应为 0 至 100 之间的整数", field="percent_complete")
    if spent_yuan is None or spent_yuan < 0:
        raise ServiceError("请填写累计完成投资", field="spent_yuan")
    issues = text_clean(issues, field="issues", label="存在问题及下步计划", limit=2000, required=False)
    with transaction.atomic():
        locked = project_lock(project)
        if spent_yuan > selectors.effective_budget(locked):
            raise ServiceError("累计完成投资不能超过现行批复投资", field="spent_yuan")
        previous = (
            ProgressReport.objects.filter(project=locked, period__lt=period).order_by("-period").first()
        )
        if previous is not None and percent_complete < previous.percent_complete:
            raise ServiceError(
                f"累计完成比例不能低于上期（{previous.period}：{previous.percent_complete}%）",
                field="percent_complete",
            )
        if previous is not None and spent_yuan < previous.spent_yuan:
            raise ServiceError(f"累计完成投资不能低于上期（{previous.period}）", field="spent_yuan")
        report = row_insert_once(
            ProgressReport,
            conflict=f"{period} 的月度进度已报送",
            field="period",
            project=locked,
            period=period,
            percent_complete=percent_complete,
            spent_yuan=spent_yuan,
            issues=issues,
            reported_on=today,
            reported_by=actor,
            reported_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="progress.report",
            target=locked,
            after={"period": period, "percent_complete": percent_complete, "spent_yuan": spent_yuan},
        )
    return report


# ------------------------------------------------------------------ 撤销终止 and 重大事项


def _terminate(locked: Project, actor: Any, reason: str) -> None:
    project_status_move(project=locked, to_status=Status.TERMINATED, actor=actor, reason=reason)


def termination_impose(
    *, actor: Any, locked: Project, explanation: str, rule_id: str, note: str, reason: str = ""
) -> Termination:
    """The bureau ends the (locked) project on its own decision — a pack clock that ran out, or a sanction
    after an overdue rectification: the termination is recorded as agreed, with what was budgeted and paid.
    Runs inside the caller's transaction, which audits the decision."""
    if locked.status not in DELIVERING | {Status.SUSPENDED}:
        raise ServiceError(f"项目当前状态为“{locked.get_status_display()}”，不能终止", field="code")
    record = Termination.objects.create(
        project=locked,
        explanation=explanation[:2000],
        rule_id=rule_id,
        budgeted_yuan=selectors.budgets_total(locked),
        paid_yuan=selectors.project_paid_total(locked),
        status=TerminationStatus.AGREED,
        requested_by=actor,
        requested_at=clock.now(),
        decided_by=actor,
        decided_at=clock.now(),
        decision_note=note,
    )
    _terminate(locked, actor, (reason or f"{explanation}：{note}")[:500])
    return record


def termination_request(
    *,
    actor: Any,
    project: Project,
    reasons: list[str],
    explanation: str,
    approvals: dict[str, Any] | None = None,
) -> Termination:
    """项目建设单位申请撤销/终止建设：情形 (from the pack's list where it has one), the statement of cause,
    progress and payments, and the approvals the pack asks for (上城 ¶67 党委（党组）会议、分管区领导批示).
    The funds as they stand are kept with the request."""
    _allowed(actor, project, "termination.request", also=frozenset({Status.SUSPENDED}))
    listed = selectors.termination_reasons(project)
    if listed and not reasons:
        raise ServiceError("请选择撤销/终止建设的情形", field="reasons")
    unknown = [r for r in reasons if listed and r not in listed]
    if unknown:
        raise ServiceError(f"没有这一情形：{unknown[0]}", field="reasons")
    explanation = text_clean(
        explanation, field="explanation", label="原因、建设进度及资金支付情况说明", limit=4000
    )
    form = selectors.termination_form(project)
    clean: dict[str, Any] = {}
    if form is not None:
        clean = _form_filled(project, form, approvals or {}, prefix="approval_")
        for spec in form.fields:
            if spec.type == "date" and clean.get(spec.key) and clean[spec.key] > clock.today().isoformat():
                raise ServiceError(f"“{spec.label}”不能晚于今天", field=f"approval_{spec.key}")
    with transaction.atomic():
        locked = project_lock(project)
        if Termination.objects.filter(project=locked, status=TerminationStatus.REQUESTED).exists():
            raise ConflictError("已有一项撤销/终止申请在办理", field="reasons")
        record = Termination.objects.create(
            project=locked,
            reasons=list(reasons),
            explanation=explanation,
            approvals=clean,
            budgeted_yuan=selectors.budgets_total(locked),
            paid_yuan=selectors.project_paid_total(locked),
            requested_by=actor,
            requested_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="termination.request",
            target=locked,
            after={
                "reasons": reasons,
                "approvals": clean,
                "budgeted_yuan": record.budgeted_yuan,
                "paid_yuan": record.paid_yuan,
            },
        )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}申请撤销/终止建设：{locked.name}",
            url=f"/projects/{locked.pk}/delivery/#termination",
        )
    return record


def termination_decide(*, actor: Any, termination: Termination, agree: bool, note: str) -> Termination:
    project = termination.project
    reviewer_required(actor, project, "termination.decide")
    note = text_clean(note, field="note", label="办理意见", limit=2000)
    with transaction.atomic():
        locked = project_lock(project)
        termination = Termination.objects.select_for_update().get(pk=termination.pk)
        if termination.status != TerminationStatus.REQUESTED:
            raise ConflictError("该申请已办理")
        termination.status = TerminationStatus.AGREED if agree else TerminationStatus.REJECTED
        termination.decided_by, termination.decided_at, termination.decision_note = actor, clock.now(), note
        termination.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if agree:
            _terminate(locked, actor, f"同意撤销/终止建设：{note}")
        audit_record(
            actor=actor,
            action="termination.agree" if agree else "termination.reject",
            target=locked,
            after={"note": note, "status": locked.status},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"项目“{locked.name}”撤销/终止申请{'已同意' if agree else '未同意'}：{note}"[:255],
            url=f"/projects/{locked.pk}/delivery/#termination",
        )
    return termination


def termination_confirm_clock(*, actor: Any, project: Project, rule_id: str, note: str) -> Termination:
    """The bureau confirms what a pack clock proposes (立项指标取消 / 资金收回): the project is terminated."""
    reviewer_required(actor, project, "termination.confirm")
    note = text_clean(note, field="note", label="办理意见", limit=2000)
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status not in DELIVERING:
            raise ServiceError(f"项目当前状态为“{locked.get_status_display()}”，不能撤销")
        proposal = next((d for d in selectors.cancellation_proposals(locked) if d["id"] == rule_id), None)
        if proposal is None:
            raise ServiceError("政策包没有提出这项撤销建议，或期限尚未届满", field="rule_id")
        cite = proposal.get("cite") or {}
        record = termination_impose(
            actor=actor,
            locked=locked,
            explanation=f"{proposal.get('name')}（应于 {proposal.get('due')} 前）逾期：{proposal.get('consequence')}",
            rule_id=rule_id,
            note=note,
            reason=f"{proposal.get('consequence')}（{cite.get('article', '')}）：{note}",
        )
        audit_record(
            actor=actor,
            action="termination.confirm",
            target=locked,
            after={"rule": rule_id, "due": proposal.get("due"), "note": note},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"项目“{locked.name}”：{proposal.get('consequence')}"[:255],
            url=f"/projects/{locked.pk}/",
        )
    return record


def suspension_order(*, actor: Any, project: Project, reason: str, basis: str) -> Suspension:
    """主管部门决定暂停建设 (章贡 第三十六条、金乡 第四十一条: 逾期不整改的…暂停项目建设): the project keeps
    its records but nothing more is recorded for it until the suspension is lifted."""
    reviewer_required(actor, project, "suspension.order")
    reason = text_clean(reason, field="reason", label="暂停原因", limit=2000, minimum=REASON_MIN)
    basis = text_clean(basis, field="basis", label="依据（条款）", limit=300)
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status not in DELIVERING:
            raise ServiceError(f"项目当前状态为“{locked.get_status_display()}”，不能暂停建设", field="reason")
        record = Suspension.objects.create(
            project=locked,
            reason=reason,
            basis=basis,
            previous_status=locked.status,
            ordered_by=actor,
            ordered_at=clock.now(),
        )
        project_status_move(
            project=locked, to_status=Status.SUSPENDED, actor=actor, reason=f"暂停建设：{reason}"
        )
        audit_record(
            actor=actor,
            action="suspension.order",
            target=locked,
            before={"status": record.previous_status},
            after={"status": locked.status, "reason": reason, "basis": basis},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"项目“{locked.name}”已暂停建设：{reason}"[:255],
            url=f"/projects/{locked.pk}/delivery/#suspension",
        )
    return record


def suspension_lift(*, actor: Any, project: Project, note: str) -> Suspension:
    """恢复建设 — the project returns to the status it had when it was suspended."""
    reviewer_required(actor, project, "suspension.lift")
    note = text_clean(note, field="note", label="恢复建设意见", limit=2000)
    with transaction.atomic():
        locked = project_lock(project)
        record = (
            Suspension.objects.select_for_update()
            .filter(project=locked, lifted_at__isnull=True)
            .order_by("-ordered_at")
            .first()
        )
        if locked.status != Status.SUSPENDED or record is None:
            raise ConflictError("项目未处于暂停建设状态", field="note")
        record.lifted_by, record.lifted_at, record.lift_note = actor, clock.now(), note
        record.save(update_fields=["lifted_by", "lifted_at", "lift_note"])
        project_status_move(
            project=locked, to_status=record.previous_status, actor=actor, reason=f"恢复建设：{note}"
        )
        audit_record(
            actor=actor,
            action="suspension.lift",
            target=locked,
            before={"status": Status.SUSPENDED},
            after={"status": locked.status, "note": note},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"项目“{locked.name}”已恢复建设：{note}"[:255],
            url=f"/projects/{locked.pk}/delivery/",
        )
    return record


def incident_report(
    *,
    actor: Any,
    project: Project,
    kind: str,
    occurred_on: dt.date | None,
    description: str,
    measures: str = "",
) -> Incident:
    """重大事项报告 — sent at once to the bureau and the co-reviewing finance bureau."""
    _allowed(actor, project, "incident.report")
    if kind not in IncidentKind.values:
        raise ServiceError("请选择事项类型", field="kind")
    occurred_on = date_clean(occurred_on, field="occurred_on", label="发生日期")
    description = text_clean(description, field="description", label="情况说明", limit=4000)
    measures = (measures or "").strip()[:4000]
    with transaction.atomic():
        locked = project_lock(project)
        incident = Incident.objects.create(
            project=locked,
            kind=kind,
            occurred_on=occurred_on,
            description=description,
            measures=measures,
            reported_by=actor,
            reported_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="incident.report",
            target=locked,
            after={"kind": kind, "occurred_on": occurred_on.isoformat()},
        )
        text = f"{locked.lead_unit.name}报告重大事项（{incident.get_kind_display()}）：{locked.name}"
        for role in ("reviewer", "co_reviewer"):
            notify_after_commit(
                jurisdiction_id=locked.jurisdiction_id,
                role=role,
                text=text,
                url=f"/projects/{locked.pk}/delivery/",
            )
    return incident


# ------------------------------------------------------------------ 预算安排


# Holds that stages after this one place on a project's funds (暂缓安排资金 after an overdue rectification):
# each gives the reason the budget may not be arranged now, or "".
BudgetHold = Callable[[Project], str]
_BUDGET_HOLDS: list[BudgetHold] = []


def budget_hold_register(hold: BudgetHold) -> BudgetHold:
    if hold not in _BUDGET_HOLDS:
        _BUDGET_HOLDS.append(hold)
    return hold


def may_arrange_budget(actor: Any, project: Project) -> bool:
    """The competent bureau, or the finance bureau (协审部门) of the project's jurisdiction."""
    if is_competent_reviewer(actor, project):
        return True
    return Organisation.objects.filter(
        pk__in=[org for role, org in user_scope(actor).role_orgs if role == Role.CO_REVIEWER],
        jurisdiction_id=project.jurisdiction_id,
    ).exists()


def budget_arrange(
    *,
    actor: Any,
    project: Project,
    year: int | None,
    funding: dict[str, int],
    document_number: str,
    approved_on: dt.date | None,
) -> BudgetArrangement:
    """预算安排 — only for a project in the library (立项, still valid: 金乡 第二十二条), by funding source,
    all years together within the budget in force."""
    if not may_arrange_budget(actor, project):
        audit_denied(
            actor=actor,
            action="budget.arrange",
            target=project,
            message="只有主管部门或本级财政部门可以登记预算安排",
        )
    unknown = sorted(set(funding) - set(FundingSource.values))
    if unknown:
        raise ServiceError(f"资金来源无效：{'、'.join(unknown)}", field="funding")
    funding = {code: int(amount) for code, amount in funding.items() if amount}
    if any(amount < 0 for amount in funding.values()):
        raise ServiceError("资金来源金额不能为负数", field="funding")
    amount_yuan = sum(funding.values())
    if amount_yuan <= 0:
        raise ServiceError("请按资金来源填写安排金额", field="funding")
    document_number = text_clean(document_number, field="document_number", label="预算批复文号", limit=80)
    approved_on = date_clean(approved_on, field="approved_on", label="批复日期")
    with transaction.atomic():
        locked = project_lock(project)
        in_library, why = selectors.library_standing(locked)
        if not in_library:
            raise ServiceError(f"项目不在项目库中，不能安排预算：{why}", field="year")
        for hold in _BUDGET_HOLDS:
            held = hold(locked)
            if held:
                raise ServiceError(f"不能安排预算：{held}", field="year")
        approval = locked.approval
        if year is None or not approval.approved_on.year <= year <= approval.approved_on.year + 5:
            raise ServiceError(
                f"预算年度应在 {approval.approved_on.year} 至 {approval.approved_on.year + 5} 年之间",
                field="year",
            )
        if approved_on < approval.approved_on:
            raise ServiceError("预算批复日期不能早于立项批复日期", field="approved_on")
        if BudgetArrangement.objects.filter(project=locked, year=year).exists():
            raise ConflictError(f"{year} 年度预算已安排", field="year")
        budget = selectors.effective_budget(locked)
        if selectors.budgets_total(locked) + amount_yuan > budget:
            raise ServiceError(
                f"各年度预算安排合计将超过现行批复投资 {budget / 10_000:,.2f} 万元", field="funding"
            )
        record = row_insert_once(
            BudgetArrangement,
            conflict=f"{year} 年度预算已安排",
            field="year",
            project=locked,
            year=year,
            amount_yuan=amount_yuan,
            funding=funding,
            document_number=document_number,
            approved_on=approved_on,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="budget.arrange",
            target=locked,
            after={"year": year, "amount_yuan": amount_yuan, "funding": funding, "document": document_number},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"项目“{locked.name}”已安排 {year} 年度预算 {amount_yuan / 10_000:,.2f} 万元",
            url=f"/projects/{locked.pk}/delivery/#budgets",
        )
    return record


def settlement_record(
    *, actor: Any, project: Project, settled_on: dt.date | None, returned_yuan: int | None, note: str = ""
) -> Settlement:
    """资金结算 — the final cost is what was paid; the leftover of the arranged budgets is returned in full."""
    _allowed(actor, project, "settlement.record")
    settled_on = date_clean(settled_on, field="settled_on", label="结算日期")
    if returned_yuan is None or returned_yuan < 0:
        raise ServiceError("请填写退回结余资金（无结余填 0）", field="returned_yuan")
    note = (note or "").strip()[:2000]
    with transaction.atomic():
        locked = project_lock(project)
        if Settlement.objects.filter(project=locked).exists():
            raise ConflictError("该项目已结算")
        last = Payment.objects.filter(contract__project=locked).order_by("-paid_on").first()
        if last is not None and settled_on < last.paid_on:
            raise ServiceError(
                f"结算日期不能早于最后一笔支付（{last.paid_on:%Y年%m月%d日}）", field="settled_on"
            )
        budgeted = selectors.budgets_total(locked)
        paid = selectors.project_paid_total(locked)
        leftover = max(budgeted - paid, 0)
        if returned_yuan != leftover:
            raise ServiceError(
                f"应退回结余资金 {leftover / 10_000:,.2f} 万元（已安排预算 {budgeted / 10_000:,.2f} 万元，"
                f"实际支付 {paid / 10_000:,.2f} 万元）",
                field="returned_yuan",
            )
        record = Settlement.objects.create(
            project=locked,
            settled_on=settled_on,
            budgeted_yuan=budgeted,
            paid_yuan=paid,
            returned_yuan=returned_yuan,
            note=note,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="settlement.record",
            target=locked,
            after={"budgeted_yuan": budgeted, "paid_yuan": paid, "returned_yuan": returned_yuan},
        )
    return record
