from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govit.core.errors import PermissionDeniedError, ServiceError
from govit.core.views import form_errors_text
from govit.delivery import selectors, services
from govit.delivery.forms import ContractForm, PaymentForm, ProcurementForm
from govit.delivery.models import Contract, Procurement
from govit.projects.models import Project
from govit.projects.permissions import is_unit_member
from govit.projects.selectors import project_get_for_user


def _reasons(request: HttpRequest) -> dict[str, str]:
    return {
        key[len("reason_") :]: str(request.POST.get(key, ""))
        for key in request.POST
        if key.startswith("reason_")
    }


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
    )
    messages.success(request, "已登记采购结果")
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
        reasons=_reasons(request),
    )
    messages.success(request, f"已登记合同 {contract.number}")
    return contract


def _payment(request: HttpRequest, project: Project, form: PaymentForm) -> None:
    data = form.cleaned_data
    contract = Contract.objects.filter(pk=data["contract"], project=project).first()
    if contract is None:
        raise ServiceError("合同不存在", field="contract")
    services.payment_record(
        actor=request.user,
        contract=contract,
        paid_on=data["paid_on"],
        amount_yuan=data["amount"],
        milestone=data["milestone"],
    )
    messages.success(request, f"已登记支付：{contract.number}")


@login_required
def delivery_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """采购、合同与支付 — what the unit records after 立项, checked against the pack."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    clauses = selectors.contract_clause_fields(project.pack_code)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    procurement_form = ProcurementForm(request.POST if action == "procurement" else None)
    contract_form = ContractForm(request.POST if action == "contract" else None, clauses=clauses)
    payment_form = PaymentForm(request.POST if action == "payment" else None)
    pending_soft: list[dict[str, Any]] = []
    forms: dict[str, Any] = {
        "procurement": procurement_form,
        "contract": contract_form,
        "payment": payment_form,
    }
    if action in forms:
        form = forms[action]
        if not form.is_valid():
            messages.error(request, f"未能登记：{form_errors_text(form)}")
        else:
            try:
                if action == "procurement":
                    _procurement(request, project, form)
                elif action == "contract":
                    _contract(request, project, form)
                else:
                    _payment(request, project, form)
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
        contract.paid_yuan = selectors.paid_total(contract)  # type: ignore[attr-defined]
        contract.left_yuan = contract.amount_yuan - contract.paid_yuan  # type: ignore[attr-defined]
    return render(
        request,
        "delivery/delivery.html",
        {
            "project": project,
            "procurement": Procurement.objects.filter(project=project).first(),
            "contracts": contracts,
            "procurement_form": procurement_form,
            "contract_form": contract_form,
            "payment_form": payment_form,
            "pending_soft": pending_soft,
            "reasons": _reasons(request),
            "can_record": is_unit_member(request.user, project) and project.status in services.DELIVERING,
            "approval": getattr(project, "approval", None),
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
    return selectors.contract_check(project, selectors.contract_facts(draft)).soft
