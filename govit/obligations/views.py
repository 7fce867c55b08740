from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govit.accounts.models import Organisation, RoleAssignment
from govit.accounts.selectors import user_scope
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.core.views import form_errors_text
from govit.obligations import selectors, services, webhooks
from govit.obligations.choices import ACTIVE_STATES, LIGHTS, ObligationState
from govit.obligations.forms import IssuerDueForm, WaiveForm
from govit.obligations.models import Obligation, Webhook, WebhookDelivery
from govit.projects.permissions import is_competent_reviewer
from govit.projects.policy import project_policy
from govit.projects.selectors import project_get_for_user

LIST_LIMIT = 500


def _rows(obligations: list[Obligation]) -> list[Obligation]:
    today = clock.today()
    for ob in obligations:
        ob.light = LIGHTS.get(ObligationState(ob.state), "green")  # type: ignore[attr-defined]
        ob.days_late = (today - ob.due_on).days if ob.state == ObligationState.OVERDUE else 0  # type: ignore[attr-defined]
    return obligations


def _waive(request: HttpRequest, visible: Any) -> bool:
    form = WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"未能豁免：{form_errors_text(form)}")
        return False
    obligation = visible.filter(pk=form.cleaned_data["obligation"]).select_related("project").first()
    if obligation is None:
        messages.error(request, "未能豁免：期限事项不存在")
        return False
    try:
        services.obligation_waive(
            actor=request.user, obligation=obligation, reason=form.cleaned_data["reason"]
        )
    except PermissionDeniedError:
        raise
    except ServiceError as error:
        messages.error(request, f"未能豁免：{error.message}")
        return False
    messages.success(request, f"已豁免：{obligation.name}")
    return True


@login_required
def obligation_overview(request: HttpRequest) -> HttpResponse:
    """逾期事项 — the obligations a user is answerable for or oversees, worst first; filter by unit, rule and
    state."""
    scope = user_scope(request.user)
    visible = selectors.obligations_for_user(request.user)
    if request.method == "POST" and _waive(request, visible):
        return redirect(request.get_full_path())
    state = request.GET.get("state", "open")
    query = visible.select_related("project", "organisation", "jurisdiction")
    if state == "open":
        query = query.filter(state__in=[ObligationState.OVERDUE, ObligationState.DUE_SOON])
    elif state in ObligationState.values:
        query = query.filter(state=state)
    elif state != "all":
        state = "open"
        query = query.filter(state__in=[ObligationState.OVERDUE, ObligationState.DUE_SOON])
    organisation = request.GET.get("organisation", "")
    if organisation.isdigit():
        query = query.filter(organisation_id=int(organisation))
    rule = request.GET.get("rule", "").strip()[:80]
    if rule:
        query = query.filter(rule_id=rule)
    rows = _rows(list(query.order_by("due_on", "id")[:LIST_LIMIT]))
    organisations = Organisation.objects.filter(
        pk__in=visible.values_list("organisation_id", flat=True).distinct()
    ).order_by("name")
    return render(
        request,
        "obligations/overview.html",
        {
            "rows": rows,
            "limit": LIST_LIMIT,
            "state": state,
            "states": [("open", "未完成（逾期、即将到期）"), *ObligationState.choices, ("all", "全部")],
            "organisations": organisations,
            "organisation": organisation,
            "rule": rule,
            "rules": sorted(set(visible.values_list("rule_id", flat=True).distinct())),
            "can_waive": bool(scope.reviewer_jurisdiction_ids),
            "can_manage_webhooks": bool(scope.roles & webhooks.MANAGERS),
        },
    )


@login_required
def project_obligations(request: HttpRequest, project_id: int) -> HttpResponse:
    """A project's obligations with their lights; the bureau waives one or sets a 限期 the pack leaves to it."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    visible = Obligation.objects.filter(project=project)
    bureau = is_competent_reviewer(request.user, project)
    if request.method == "POST":
        if request.POST.get("action") == "set_due":
            form = IssuerDueForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"未能设定限期：{form_errors_text(form)}")
            else:
                try:
                    services.issuer_due_set(
                        actor=request.user,
                        project=project,
                        rule_id=form.cleaned_data["rule_id"],
                        due_on=form.cleaned_data["due_on"],
                        note=form.cleaned_data["note"],
                    )
                except PermissionDeniedError:
                    raise
                except ServiceError as error:
                    messages.error(request, f"未能设定限期：{error.message}")
                else:
                    messages.success(request, "已设定限期")
                    return redirect(request.path)
        elif _waive(request, visible):
            return redirect(request.path)
    obligations = _rows(selectors.project_obligations(project))
    awaiting = (
        [d for d in project_policy(project).get("deadlines", []) if d.get("status") == "awaiting_issuer"]
        if bureau
        else []
    )
    return render(
        request,
        "obligations/project.html",
        {
            "project": project,
            "open": [ob for ob in obligations if ob.state in ACTIVE_STATES],
            "closed": [ob for ob in obligations if ob.state not in ACTIVE_STATES],
            "can_waive": bureau,
            "awaiting": awaiting,
        },
    )


@login_required
def webhook_settings(request: HttpRequest) -> HttpResponse:
    """外发通知 — an organisation's endpoints for its reminders (e.g. a 浙政钉 / 山东通 / 赣政通 robot relay),
    with the log of deliveries."""
    org_ids = set(
        RoleAssignment.objects.filter(
            user_id=int(request.user.pk or 0), role__in=webhooks.MANAGERS
        ).values_list("organisation_id", flat=True)
    )
    if not org_ids:
        raise PermissionDeniedError(webhooks.MANAGERS_ONLY)
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "deactivate":
                hook = Webhook.objects.filter(
                    pk=request.POST.get("webhook", "0") or 0, organisation_id__in=org_ids
                ).first()
                if hook is None:
                    raise ServiceError("外发通知地址不存在")
                webhooks.webhook_deactivate(actor=request.user, webhook=hook)
                messages.success(request, "已停用")
            else:
                organisation = next(
                    (o for o in organisations if str(o.pk) == request.POST.get("organisation")), None
                )
                if organisation is None:
                    raise ServiceError("请选择单位", field="organisation")
                hook = webhooks.webhook_register(
                    actor=request.user,
                    organisation=organisation,
                    url=str(request.POST.get("url", "")),
                    secret=str(request.POST.get("secret", "")),
                )
                messages.success(request, f"已登记。签名密钥（只显示这一次，请配置到接收端）：{hook.secret}")
        except PermissionDeniedError:
            raise
        except ServiceError as error:
            messages.error(request, f"未能保存：{error.message}")
        else:
            return redirect(request.path)
    hooks = list(Webhook.objects.filter(organisation_id__in=org_ids).select_related("organisation"))
    log = list(
        WebhookDelivery.objects.filter(webhook__organisation_id__in=org_ids).select_related("webhook")[:50]
    )
    return render(
        request,
        "obligations/webhooks.html",
        {"organisations": organisations, "hooks": hooks, "log": log, "posted": request.POST},
    )
