from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govit.acceptance import forms as f
from govit.acceptance import selectors, services
from govit.acceptance.choices import (
    OPEN_APPLICATION,
    ApplicationStatus,
    ExtensionStatus,
    OrderSource,
    OrderStatus,
    PanelField,
    ResourceKind,
    SanctionCode,
    SanctionStatus,
    ShareMode,
)
from govit.acceptance.models import (
    AcceptanceApplication,
    AcceptanceExtension,
    RectificationOrder,
    Sanction,
    TrialRun,
)
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.core.views import form_errors_text, posted_prefixed, project_record_get
from govit.delivery.models import Filing
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import bind
from govit.projects.permissions import is_competent_reviewer, is_unit_member
from govit.projects.policy import project_policy
from govit.projects.selectors import project_get_for_user

PANEL_ROWS = 7


def _open_application(project: Project) -> AcceptanceApplication | None:
    return AcceptanceApplication.objects.filter(project=project, status__in=OPEN_APPLICATION).first()


def _initial(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    panel = [
        {
            "name": request.POST.get(f"panel_name_{n}", ""),
            "field": request.POST.get(f"panel_field_{n}", ""),
            "employer": request.POST.get(f"panel_employer_{n}", ""),
        }
        for n in range(1, PANEL_ROWS + 1)
    ]
    services.initial_acceptance_record(
        actor=request.user,
        project=project,
        held_on=data["held_on"],
        panel=panel,
        goals_met=data["goals_met"],
        scope_met=data["scope_met"],
        contract_met=data["contract_met"],
        checks=request.POST.getlist("checks"),
        conclusion=data["conclusion"],
        opinion=data["opinion"],
    )
    return "已登记初步验收"


def _trial_start(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.trial_run_start(actor=request.user, project=project, started_on=data["started_on"])
    return "已开始试运行"


def _trial(project: Project) -> TrialRun:
    trial = TrialRun.objects.filter(project=project).first()
    if trial is None:
        raise ServiceError("尚未开始试运行")
    return trial


def _usage(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.usage_record(
        actor=request.user,
        trial=_trial(project),
        day=data["day"],
        active_users=data["active_users"],
        visits=data["visits"],
        faults=data["faults"],
    )
    return "已登记运行记录"


def _trial_end(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.trial_run_end(
        actor=request.user,
        trial=_trial(project),
        ended_on=data["ended_on"],
        report_source=data["report_source"],
        report=data["report"],
    )
    return "试运行已结束，已形成试运行报告"


def _evidence(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.evidence_save(
        actor=request.user, project=project, form_id=data["form_id"], raw=posted_prefixed(request, "ev_")
    )
    return "已保存验收材料"


def _confirm(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    application = _open_application(project)
    if application is None:
        raise ServiceError("没有待确认的验收申请")
    confirmed = data["decision"] == "confirm"
    services.evidence_confirm(
        actor=request.user,
        application=application,
        form_id=data["form_id"],
        confirmed=confirmed,
        note=data["note"],
    )
    return "已确认" if confirmed else "已不予确认"


def _apply(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.application_submit(actor=request.user, project=project)
    return "已提出竣工验收申请"


def _decide(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    application = AcceptanceApplication.objects.filter(
        project=project, status=ApplicationStatus.SUBMITTED
    ).first()
    if application is None:
        raise ServiceError("没有待验收的申请")
    services.acceptance_decide(
        actor=request.user,
        application=application,
        outcome=data["outcome"],
        decided_on=data["decided_on"],
        reasons=request.POST.getlist("reasons"),
        opinion=data["opinion"],
        rectify_by=data["rectify_by"],
    )
    return {
        "pass": "已登记：验收通过",
        "fail": "已登记：验收不通过，已下达整改通知",
        "return": "已退回验收申请",
    }[data["outcome"]]


def _extension(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    services.extension_request(
        actor=request.user, project=project, new_due_on=data["new_due_on"], reason=data["reason"]
    )
    return "已提出延期验收申请"


def _extension_decide(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    extension = project_record_get(AcceptanceExtension, data["extension"], project, "延期验收申请")
    services.extension_decide(
        actor=request.user, extension=extension, agree=data["decision"] == "agree", note=data["note"]
    )
    return "已办理延期验收申请"


def _order(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    order = services.order_issue(
        actor=request.user,
        project=project,
        finding=data["finding"],
        rule_id=data["rule_id"],
        due_on=data["due_on"],
        source=data["source"] or OrderSource.SUPERVISION,
    )
    return f"已下达限期整改通知（整改期限 {order.due_on:%Y-%m-%d}）"


def _respond(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    order = project_record_get(RectificationOrder, data["order"], project, "整改通知")
    services.order_respond(actor=request.user, order=order, evidence=data["evidence"])
    return "已报送整改情况"


def _recheck(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    order = project_record_get(RectificationOrder, data["order"], project, "整改通知")
    services.order_recheck(
        actor=request.user, order=order, accept=data["decision"] == "close", note=data["note"]
    )
    return "已复核：整改完成" if data["decision"] == "close" else "已退回继续整改"


def _sanction(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    order = project_record_get(RectificationOrder, data["order"], project, "整改通知")
    sanction = services.sanction_take(
        actor=request.user, order=order, code=data["code"], reason=data["reason"]
    )
    label = SanctionCode(sanction.code).label
    return f"已报请审批：{label}" if sanction.status == SanctionStatus.PROPOSED else f"已执行：{label}"


def _sanction_decide(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    sanction = project_record_get(Sanction, data["sanction"], project, "处理措施")
    services.sanction_decide(
        actor=request.user, sanction=sanction, approve=data["decision"] == "approve", note=data["note"]
    )
    return "已审批"


def _om_filing(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    filing = services.om_filing_record(
        actor=request.user,
        project=project,
        rule_id=data["rule_id"],
        year=data["year"],
        filed_on=data["filed_on"],
        raw=posted_prefixed(request, "data_"),
    )
    return f"已报送：{filing.title}"


def _evaluation(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    record = services.evaluation_record(
        actor=request.user,
        project=project,
        rule_id=data["rule_id"],
        year=data["year"],
        evaluated_on=data["evaluated_on"],
        scores=posted_prefixed(request, "score_"),
        raw=posted_prefixed(request, "ev_"),
    )
    total = f"，加权总分 {record.total}" if record.total is not None else ""
    return f"已登记{record.get_kind_display()}：{record.conclusion}{total}"


def _data_resource(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    record = services.data_resource_record(
        actor=request.user,
        project=project,
        kind=data["kind"],
        name=data["name"],
        description=data["description"],
        share_mode=data["share_mode"],
        shared_on=data["shared_on"],
    )
    return f"已登记{record.get_kind_display()}：{record.name}"


def _sharing_check(request: HttpRequest, project: Project, data: dict[str, Any]) -> str:
    check = services.sharing_check_record(
        actor=request.user, project=project, compliant=data["decision"] == "compliant", note=data["note"]
    )
    return "已登记数据共享核查：" + ("按规定共享" if check.compliant else "未按规定共享")


ACTIONS: dict[str, tuple[type[Any], Callable[[HttpRequest, Project, dict[str, Any]], str]]] = {
    "initial": (f.InitialForm, _initial),
    "trial_start": (f.TrialStartForm, _trial_start),
    "usage": (f.UsageForm, _usage),
    "trial_end": (f.TrialEndForm, _trial_end),
    "evidence": (f.EvidenceForm, _evidence),
    "confirm": (f.ConfirmForm, _confirm),
    "apply": (f.ApplyForm, _apply),
    "decide": (f.DecideForm, _decide),
    "extension": (f.ExtensionForm, _extension),
    "extension_decide": (f.ExtensionDecideForm, _extension_decide),
    "order": (f.OrderForm, _order),
    "respond": (f.RespondForm, _respond),
    "recheck": (f.RecheckForm, _recheck),
    "sanction": (f.SanctionForm, _sanction),
    "sanction_decide": (f.SanctionDecideForm, _sanction_decide),
    "om_filing": (f.OmFilingForm, _om_filing),
    "evaluation": (f.EvaluationForm, _evaluation),
    "data_resource": (f.DataResourceForm, _data_resource),
    "sharing_check": (f.SharingCheckForm, _sharing_check),
}


@login_required
def acceptance_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """验收、整改与运行 — 初验, the trial run, the 竣工验收 application with its evidence and what blocks it,
    the conclusion, rectification orders and sanctions, O&M filings and evaluations."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ACTIONS:
        form_class, handler = ACTIONS[action]
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, f"未能办理：{form_errors_text(form)}")
        else:
            try:
                done = handler(request, project, form.cleaned_data)
            except PermissionDeniedError:
                raise  # 403, audited by the service
            except ServiceError as error:
                messages.error(request, f"未能办理：{error.message}")
            else:
                messages.success(request, done)
                return redirect(f"/projects/{project.pk}/acceptance/")
    return render(request, "acceptance/acceptance.html", _context(request, project, action))


def _context(request: HttpRequest, project: Project, action: str) -> dict[str, Any]:
    user = request.user
    policy = project_policy(project)
    today = clock.today()
    unit = is_unit_member(user, project)
    bureau = is_competent_reviewer(user, project)
    building = project.status in services.BUILDING
    application = _open_application(project)
    shown = application or AcceptanceApplication(project=project, evidence={})
    posted_form = request.POST.get("form_id") if action == "evidence" else None
    evidence = []
    for item in selectors.evidence_items(project, shown, today, policy):
        values = posted_prefixed(request, "ev_") if posted_form == item.form.id else item.values
        item.bound = bind(project, item.form, values or {})  # type: ignore[attr-defined]
        item.may_confirm = bool(  # type: ignore[attr-defined]
            item.form.confirm_by
            and item.confirmation is None
            and item.values
            and selectors.may_confirm(user, project, item.form.confirm_by)
        )
        evidence.append(item)
    blockers = (
        selectors.application_blockers(project, shown, today, policy=policy, evidence=evidence)
        if unit and building
        else []
    )
    orders = list(
        RectificationOrder.objects.filter(project=project)
        .select_related("issuer", "owner_unit")
        .prefetch_related("sanctions")
    )
    for order in orders:
        overdue = selectors.order_overdue(order, today)
        order.overdue = overdue  # type: ignore[attr-defined]
        allowed = selectors.sanctions_allowed(order) if overdue else []
        order.allowed = [(s.code, SanctionCode(s.code).label, s.approval_by) for s in allowed]  # type: ignore[attr-defined]
        for sanction in order.sanctions.all():
            sanction.may_decide = (  # type: ignore[attr-defined]
                sanction.status == SanctionStatus.PROPOSED
                and selectors.may_approve_sanction(user, project, sanction.approval_role)
            )
    trial = TrialRun.objects.filter(project=project).prefetch_related("usage").first()
    duties = selectors.operation_duties(project, policy)
    return {
        "project": project,
        "today": today,
        "is_unit": unit,
        "is_bureau": bureau,
        "building": building,
        "in_use": project.status in services.IN_USE,
        "initials": list(project.initial_acceptances.prefetch_related("panel")),
        "has_initial": selectors.has_stage(project, "INITIAL_ACCEPT"),
        "initial_checks": selectors.checklist_items(project, "initial_acceptance", policy),
        "panel_rows": range(1, PANEL_ROWS + 1),
        "panel_fields": PanelField.choices,
        "trial": trial,
        "trial_days": ((trial.ended_on or today) - trial.started_on).days if trial else None,
        "application": application,
        "evidence": evidence,
        "blockers": blockers,
        "submitted": application is not None and application.status == ApplicationStatus.SUBMITTED,
        "failure_cases": selectors.checklist_items(project, "acceptance_failure", policy),
        "applications": list(
            AcceptanceApplication.objects.filter(project=project)
            .exclude(status__in=OPEN_APPLICATION)
            .select_related("decided_by")
        ),
        "contract_due": selectors.contract_acceptance_due(project),
        "extensions": list(project.acceptance_extensions.all()),
        "extension_requested": ExtensionStatus.REQUESTED,
        "orders": orders,
        "order_open": OrderStatus.OPEN,
        "order_submitted": OrderStatus.SUBMITTED,
        "may_issue": selectors.may_issue_orders(user, project),
        "rectification_rules": selectors.rectification_rules(project, policy),
        "proposal": selectors.rectification_proposal(policy, request.GET.get("propose", "")),
        "om_funds": selectors.om_funds_standing(policy)
        if project.status in services.IN_USE | services.BUILDING
        else [],
        "duties": [(duty, bind(project, duty.form, {}) if duty.form else None) for duty in duties],
        "om_filings": list(Filing.objects.filter(project=project, rule_id__in=[d.rule.id for d in duties])),
        "evaluation_tables": selectors.evaluation_tables(project),
        "evaluation_forms": [
            (form, bind(project, form, {})) for form in selectors.pack_forms(project, "evaluation", policy)
        ],
        "evaluations": list(project.evaluations.select_related("recorded_by")),
        "sanctions": list(project.sanctions.all()),
        "resources": list(project.data_resources.all()),
        "resource_kinds": ResourceKind.choices,
        "share_modes": ShareMode.choices,
        "sharing_checks": list(project.sharing_checks.select_related("checked_by")),
        "may_record_data": unit and project.status in services.BUILDING | services.IN_USE | {Status.APPROVED},
        "may_check_sharing": bureau and project.status in services.BUILDING | services.IN_USE,
    }
