from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govit.accounts.selectors import user_scope
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.core.views import form_errors_text, posted_prefixed, project_record_get
from govit.delivery import selectors, services
from govit.delivery.choices import ContractKind, IncidentKind, ProcurementLot
from govit.delivery.forms import (
    AcknowledgeForm,
    BudgetForm,
    ChangeDecisionForm,
    ChangeForm,
    ClockConfirmForm,
    ContractForm,
    FilingForm,
    IncidentForm,
    LiftForm,
    PaymentForm,
    ProcurementForm,
    ProgressForm,
    SettlementForm,
    SuspensionForm,
    TerminationDecisionForm,
    TerminationRequestForm,
)
from govit.delivery.models import ChangeRequest, Contract, Filing, Procurement, ProgressReport, Termination
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import bind
from govit.projects.permissions import is_competent_reviewer, is_unit_member
from govit.projects.policy import project_policy
from govit.projects.selectors import project_get_for_user, project_list_for_user


def _procurement(request: HttpRequest, project: Project, form: ProcurementForm) -> bool:
    data = form.cleaned_data
    services.procurement_record(
        actor=request.user,
        project=project,
        route=data["route"],
        method=data["method"],
        tender_on=data["tender_on"],
        award_notice_on=data["award_notice_on"],
        supplier_name=data["supplier_name"],
        control_price_yuan=data["control_price"] or None,
        lot=data["lot"] or ProcurementLot.MAIN,
    )
    messages.success(
        request, "已登记监理采购结果" if data["lot"] == ProcurementLot.SUPERVISION else "已登记采购结果"
    )
    return True


def _contract(request: HttpRequest, project: Project, form: ContractForm) -> Contract:
    data = form.cleaned_data
    contract = services.contract_register(
        actor=request.user,
        project=project,
        kind=data["kind"],
        number=data["number"],
        supplier_name=data["supplier_name"],
        signed_on=data["signed_on"],
        amount_yuan=data["amount"],
        implementation_months=data["implementation_months"],
        warranty_months=data["warranty_months"],
        free_om_months=data["free_om_months"],
        service_months=data["service_months"],
        clauses=form.clauses(),
        reasons=posted_prefixed(request, "reason_"),
        payment_plan=data["payment_plan"],
    )
    messages.success(request, f"已登记合同 {contract.number}")
    return contract


def _payment(request: HttpRequest, project: Project, form: PaymentForm) -> None:
    data = form.cleaned_data
    contract = project_record_get(Contract, data["contract"], project, "合同")
    report_form = selectors.payment_report_form(project)
    report = (
        {spec.key: request.POST.get(f"report_{spec.key}", "") for spec in report_form.fields}
        if report_form is not None
        else None
    )
    services.payment_record(
        actor=request.user,
        contract=contract,
        paid_on=data["paid_on"],
        amount_yuan=data["amount"],
        milestone=data["milestone"],
        report=report,
    )
    messages.success(request, f"已登记支付：{contract.number}")


def _change(request: HttpRequest, project: Project, form: ChangeForm) -> None:
    data = form.cleaned_data
    change = services.change_submit(
        actor=request.user,
        project=project,
        kinds=list(data["kinds"]),
        description=data["description"],
        new_total_yuan=data["new_total"] if str(form.data.get("new_total", "")).strip() else None,
    )
    if change.status == "redeclare":
        messages.warning(request, f"变更已记录：变更后投资超出立项预算，应重新申报立项（{change.cite}）")
    else:
        messages.success(request, f"已提交变更申请，办理方式：{change.route_stage_name}")


def _change_decide(request: HttpRequest, project: Project, form: ChangeDecisionForm) -> None:
    data = form.cleaned_data
    change = project_record_get(ChangeRequest, data["change"], project, "变更申请")
    services.change_decide(
        actor=request.user,
        change=change,
        agree=data["decision"] == "agree",
        note=data["note"],
        reapproval_number=data["reapproval_number"],
        reapproved_on=data["reapproved_on"],
    )
    messages.success(request, "已办理变更")


def _filing(request: HttpRequest, project: Project, form: FilingForm) -> None:
    data = form.cleaned_data
    filing = services.filing_record(
        actor=request.user,
        project=project,
        rule_id=data["rule_id"],
        filed_on=data["filed_on"],
        content=data["content"],
        data=posted_prefixed(request, "data_"),
    )
    late = filing.due_on is not None and filing.filed_on > filing.due_on
    messages.success(request, f"已备案：{filing.title}" + ("（逾期）" if late else ""))


def _acknowledge(request: HttpRequest, project: Project, form: AcknowledgeForm) -> None:
    filing = project_record_get(Filing, form.cleaned_data["filing"], project, "备案")
    filing = services.filing_acknowledge(actor=request.user, filing=filing)
    pending = selectors.filing_next_level(filing)
    messages.success(
        request, f"已确认备案：{filing.title}" + (f"，待{pending.name}确认" if pending is not None else "")
    )


def _progress(request: HttpRequest, project: Project, form: ProgressForm) -> None:
    data = form.cleaned_data
    report = services.progress_report_submit(
        actor=request.user,
        project=project,
        period=data["period"],
        percent_complete=data["percent_complete"],
        spent_yuan=data["spent"],
        issues=data["issues"],
    )
    messages.success(request, f"已报送 {report.period} 月度进度")


def _termination_request(request: HttpRequest, project: Project, form: TerminationRequestForm) -> None:
    services.termination_request(
        actor=request.user,
        project=project,
        reasons=[str(r) for r in request.POST.getlist("reasons")],
        explanation=form.cleaned_data["explanation"],
        approvals=posted_prefixed(request, "approval_"),
    )
    messages.success(request, "已提出撤销/终止建设申请")


def _suspension_order(request: HttpRequest, project: Project, form: SuspensionForm) -> None:
    data = form.cleaned_data
    services.suspension_order(actor=request.user, project=project, reason=data["reason"], basis=data["basis"])
    messages.success(request, "已决定暂停建设，已通知项目建设单位")


def _suspension_lift(request: HttpRequest, project: Project, form: LiftForm) -> None:
    services.suspension_lift(actor=request.user, project=project, note=form.cleaned_data["note"])
    messages.success(request, "已恢复建设")


def _termination_decide(request: HttpRequest, project: Project, form: TerminationDecisionForm) -> None:
    data = form.cleaned_data
    record = project_record_get(Termination, data["termination"], project, "撤销/终止申请")
    services.termination_decide(
        actor=request.user, termination=record, agree=data["decision"] == "agree", note=data["note"]
    )
    messages.success(request, "已办理撤销/终止申请")


def _termination_confirm(request: HttpRequest, project: Project, form: ClockConfirmForm) -> None:
    data = form.cleaned_data
    services.termination_confirm_clock(
        actor=request.user, project=project, rule_id=data["rule_id"], note=data["note"]
    )
    messages.success(request, "已确认撤销，项目已终止")


def _incident(request: HttpRequest, project: Project, form: IncidentForm) -> None:
    data = form.cleaned_data
    services.incident_report(
        actor=request.user,
        project=project,
        kind=data["kind"],
        occurred_on=data["occurred_on"],
        description=data["description"],
        measures=data["measures"],
    )
    messages.success(request, "已报告重大事项，主管部门和财政部门已收到通知")


def _budget(request: HttpRequest, project: Project, form: BudgetForm) -> None:
    data = form.cleaned_data
    record = services.budget_arrange(
        actor=request.user,
        project=project,
        year=data["year"],
        funding=form.funding(),
        document_number=data["document_number"],
        approved_on=data["approved_on"],
    )
    messages.success(request, f"已登记 {record.year} 年度预算安排")


def _settlement(request: HttpRequest, project: Project, form: SettlementForm) -> None:
    data = form.cleaned_data
    services.settlement_record(
        actor=request.user,
        project=project,
        settled_on=data["settled_on"],
        returned_yuan=data["returned"] if str(form.data.get("returned", "")).strip() else None,
        note=data["note"],
    )
    messages.success(request, "已登记资金结算")


@login_required
def delivery_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """采购、合同与支付 — what the unit records after 立项, checked against the pack."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    clauses = selectors.contract_clause_fields(project.pack_code)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    procurement_form = ProcurementForm(request.POST if action == "procurement" else None)
    contract_form = ContractForm(request.POST if action == "contract" else None, clauses=clauses)
    payment_form = PaymentForm(request.POST if action == "payment" else None)
    change_form = ChangeForm(request.POST if action == "change" else None)
    decision_form = ChangeDecisionForm(request.POST if action == "change_decide" else None)
    filing_form = FilingForm(request.POST if action == "filing" else None)
    ack_form = AcknowledgeForm(request.POST if action == "acknowledge" else None)
    progress_form = ProgressForm(request.POST if action == "progress" else None)
    posted = request.POST if request.method == "POST" else None
    pending_soft: list[dict[str, Any]] = []
    forms: dict[str, Any] = {
        "procurement": procurement_form,
        "contract": contract_form,
        "payment": payment_form,
        "change": change_form,
        "change_decide": decision_form,
        "filing": filing_form,
        "acknowledge": ack_form,
        "progress": progress_form,
        "termination_request": TerminationRequestForm(posted if action == "termination_request" else None),
        "termination_decide": TerminationDecisionForm(posted if action == "termination_decide" else None),
        "termination_confirm": ClockConfirmForm(posted if action == "termination_confirm" else None),
        "incident": IncidentForm(posted if action == "incident" else None),
        "suspension_order": SuspensionForm(posted if action == "suspension_order" else None),
        "suspension_lift": LiftForm(posted if action == "suspension_lift" else None),
        "budget": BudgetForm(posted if action == "budget" else None),
        "settlement": SettlementForm(posted if action == "settlement" else None),
    }
    handlers: dict[str, Any] = {
        "procurement": _procurement,
        "contract": _contract,
        "payment": _payment,
        "change": _change,
        "change_decide": _change_decide,
        "filing": _filing,
        "acknowledge": _acknowledge,
        "progress": _progress,
        "termination_request": _termination_request,
        "termination_decide": _termination_decide,
        "termination_confirm": _termination_confirm,
        "incident": _incident,
        "suspension_order": _suspension_order,
        "suspension_lift": _suspension_lift,
        "budget": _budget,
        "settlement": _settlement,
    }
    if action in forms:
        form = forms[action]
        if not form.is_valid():
            messages.error(request, f"未能登记：{form_errors_text(form)}")
        else:
            try:
                handlers[action](request, project, form)
            except PermissionDeniedError:
                raise  # 403, already audited by the service
            except ServiceError as error:
                messages.error(request, f"未能登记：{error.message}")
                if action == "contract" and error.field and error.field.startswith("reason_"):
                    pending_soft = _pending_soft(project, form)
            else:
                return redirect(f"/projects/{project.pk}/delivery/")
    contracts = list(project.contracts.prefetch_related("payments"))
    for contract in contracts:
        contract.paid_yuan = sum(p.amount_yuan for p in contract.payments.all())  # type: ignore[attr-defined]
        contract.left_yuan = contract.amount_yuan - contract.paid_yuan  # type: ignore[attr-defined]
        contract.plan_rows = selectors.payment_plan_rows(contract)  # type: ignore[attr-defined]
    procurements = list(Procurement.objects.filter(project=project))
    budgeted = selectors.budgets_total(project)
    paid = sum(c.paid_yuan for c in contracts)  # type: ignore[attr-defined]  # every payment is under a contract
    policy = project_policy(project)  # evaluated once for the filings, the library and the clocks
    return render(
        request,
        "delivery/delivery.html",
        {
            "project": project,
            "procurements": procurements,
            "supervision_findings": selectors.procurement_objections(policy)
            if project.status in services.DELIVERING
            else [],
            "lots_open": [
                (v, label) for v, label in ProcurementLot.choices if v not in {p.lot for p in procurements}
            ],
            "contracts": contracts,
            "procurement_form": procurement_form,
            "contract_form": contract_form,
            "payment_form": payment_form,
            "pending_soft": pending_soft,
            "reasons": posted_prefixed(request, "reason_"),
            "can_record": is_unit_member(request.user, project) and project.status in services.DELIVERING,
            "approval": getattr(project, "approval", None),
            "budget_yuan": selectors.effective_budget(project),
            "changes": list(project.change_requests.select_related("submitted_by", "decided_by")),
            "change_form": change_form,
            "can_decide_changes": is_competent_reviewer(request.user, project),
            "filings_due": _filings_due(request, project, policy),
            "filings": _filings(request, project),
            "monthly_rule": selectors.monthly_report_rule(project),
            "reports": list(project.progress_reports.order_by("-period")),
            "this_month": clock.today().strftime("%Y-%m"),
            "termination_reasons": selectors.termination_reasons(project),
            "payment_report": _report_fields(project),
            "budgets": list(project.budgets.all()),
            "settlement": getattr(project, "settlement", None),
            "leftover_yuan": max(budgeted - paid, 0),
            "budget_form": forms["budget"],
            "can_arrange_budget": services.may_arrange_budget(request.user, project),
            "library": selectors.library_standing(project, policy),
            "library_clocks": selectors.library_validity(project, policy),
            "proposals": selectors.cancellation_proposals(project, policy)
            if project.status in services.DELIVERING
            else [],
            "terminations": _terminations(project),
            "termination_form": _termination_fields(request, project, action),
            "termination_posted": {
                "reasons": request.POST.getlist("reasons"),
                "explanation": request.POST.get("explanation", ""),
            }
            if action == "termination_request"
            else None,
            "can_request_termination": is_unit_member(request.user, project)
            and project.status in services.DELIVERING | {Status.SUSPENDED},
            "suspensions": list(project.suspensions.select_related("ordered_by", "lifted_by")),
            "can_suspend": project.status in services.DELIVERING,
            "budgeted_yuan": budgeted,
            "paid_yuan": paid,
            "incidents": list(project.incidents.select_related("reported_by")),
            "incident_kinds": IncidentKind.choices,
        },
    )


def _pending_soft(project: Project, form: ContractForm) -> list[dict[str, Any]]:
    """The soft rules the contract being registered breaks, for the page to ask a reason for each."""
    data = form.cleaned_data
    draft = Contract(
        project=project,
        signed_on=data["signed_on"],
        amount_yuan=data["amount"] or 0,
        implementation_months=data["implementation_months"] or 0,
        warranty_months=data["warranty_months"] or 0,
        free_om_months=data["free_om_months"],
        service_months=data["service_months"],
        clauses=form.clauses(),
    )
    return selectors.contract_check(
        project, selectors.contract_facts(draft), main=data["kind"] == ContractKind.MAIN
    ).soft


@login_required
def progress_overview(request: HttpRequest) -> HttpResponse:
    """月报报送情况 — for the bureau: which projects under construction have not reported for a month."""
    today = clock.today()
    period = request.GET.get("period") or today.strftime("%Y-%m")
    if not services.PERIOD.match(period):
        messages.error(request, "报告月份格式应为 YYYY-MM")
        period = today.strftime("%Y-%m")
    scope = user_scope(request.user)
    if not scope.reviewer_jurisdiction_ids and not scope.overseen_jurisdiction_ids:
        raise PermissionDeniedError("只有主管部门、上级主管部门的人员可以查看月报报送情况")
    projects = list(
        project_list_for_user(request.user)
        .filter(status=Status.IN_CONSTRUCTION)
        .select_related("lead_unit", "jurisdiction")
        .order_by("jurisdiction__code", "lead_unit__name", "name")[:2000]
    )
    wanted = [p for p in projects if selectors.monthly_report_rule(p) is not None]
    missing = selectors.reports_missing(wanted, period, today)
    reported = {r.project_id: r for r in ProgressReport.objects.filter(project__in=wanted, period=period)}
    return render(
        request,
        "delivery/progress_overview.html",
        {
            "period": period,
            "projects": wanted,
            "missing": {p.pk for p, _rule in missing},
            "reported": reported,
        },
    )


def _report_fields(project: Project) -> dict[str, Any] | None:
    """The pack's payment report as the payment form shows it: its name and the fields the unit fills."""
    form = selectors.payment_report_form(project)
    if form is None:
        return None
    bound = bind(project, form, {})
    return {"form": form, "fields": [f for f in bound.fields if not f.from_project and f.spec.type != "file"]}


@login_required
def project_library(request: HttpRequest) -> HttpResponse:
    """项目库 — approved projects of the user's jurisdictions with their library clocks, budgets and payments."""
    scope = user_scope(request.user)
    if not scope.reviewer_jurisdiction_ids and not scope.overseen_jurisdiction_ids:
        raise PermissionDeniedError("只有主管部门、上级主管部门的人员可以查看项目库")
    projects = list(
        project_list_for_user(request.user)
        .filter(approval__isnull=False)
        .select_related("approval", "lead_unit", "jurisdiction")
        .order_by("jurisdiction__code", "-approval__approved_on")[:500]
    )
    rows = []
    for project in projects:
        policy = project_policy(project)
        rows.append(
            {
                "project": project,
                "standing": selectors.library_standing(project, policy),
                "clocks": selectors.library_validity(project, policy),
                "budgeted": selectors.budgets_total(project),
                "paid": selectors.project_paid_total(project),
            }
        )
    return render(request, "delivery/library.html", {"rows": rows})


def _termination_fields(request: HttpRequest, project: Project, action: str) -> Any:
    """The pack's approvals form for a termination request, with what was just posted kept."""
    form = selectors.termination_form(project)
    if form is None:
        return None
    return bind(
        project, form, posted_prefixed(request, "approval_") if action == "termination_request" else {}
    )


def _terminations(project: Project) -> list[Termination]:
    records = list(project.terminations.select_related("requested_by", "decided_by"))
    form = selectors.termination_form(project)
    labels = {spec.key: spec.label for spec in form.fields} if form is not None else {}
    for record in records:
        record.rows = [(labels.get(k, k), v) for k, v in (record.approvals or {}).items()]  # type: ignore[attr-defined]
    return records


def _filings_due(request: HttpRequest, project: Project, policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The filings due, each with the pack's filing form bound to what was just posted for it (kept when
    the filing was refused) or empty."""
    due = selectors.filings_due(project, policy)
    posted_rule = request.POST.get("rule_id") if request.method == "POST" else None
    for item in due:
        form = selectors.filing_form(project, item["id"], policy)
        if form is not None:
            values = posted_prefixed(request, "data_") if posted_rule == item["id"] else {}
            item["form"] = bind(project, form, values)
    return due


def _filings(request: HttpRequest, project: Project) -> list[Filing]:
    """The project's filings, each with the level that confirms it next and whether the user is that level."""
    filings = list(project.filings.select_related("filed_by", "acknowledged_by"))
    for filing in filings:
        level = selectors.filing_next_level(filing)
        filing.next_level = level  # type: ignore[attr-defined]
        filing.can_acknowledge = level is not None and services.acknowledges_for(request.user, level)  # type: ignore[attr-defined]
        filing.rows = selectors.filing_rows(filing, project.pack_code)  # type: ignore[attr-defined]
    return filings
