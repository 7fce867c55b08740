from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govit.accounts.choices import OrganisationKind
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.core.views import form_refused, service_run
from govit.documents.forms import AttachmentUploadForm
from govit.documents.models import Attachment
from govit.documents.selectors import attachments_latest
from govit.projects import permissions, services
from govit.projects.choices import Status
from govit.projects.forms import (
    DeclarationRoundForm,
    FindingOverrideForm,
    OverrideRevokeForm,
    ProjectFilterForm,
    ProjectForm,
    WithdrawForm,
)
from govit.projects.models import COST_FIELDS, DECLARATION_FIELDS, FUNDING_FIELDS, FindingOverride, Project
from govit.projects.packforms import bind, declaration_forms
from govit.projects.policy import project_policy
from govit.projects.selectors import (
    ProjectFilters,
    project_filter,
    project_get_for_user,
    project_list_for_user,
    project_unit_choices,
    round_defaults,
    round_standing,
    rounds_for_user,
)
from govit.workflow.selectors import workflow_panel_context

CO_UNIT_KINDS = [
    OrganisationKind.DEPARTMENT,
    OrganisationKind.TOWN_STREET,
    OrganisationKind.PARK,
    OrganisationKind.STATE_ENTERPRISE,
]


def _unit_choices(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(id__in=user_scope(request.user).unit_org_ids)


def _co_unit_choices(jurisdiction_ids: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        jurisdiction_id__in=jurisdiction_ids, kind__in=CO_UNIT_KINDS, is_active=True
    )


def _form_error(form: ProjectForm, error: ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# what the project table (projects/_project_table.html) shows of a project: not its texts and form data
LIST_COLUMNS = ("name", "lead_unit__name", "year", "total_yuan", "status", "updated_at")


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    visible = project_list_for_user(request.user)
    form = ProjectFilterForm(request.GET or None, unit_choices=project_unit_choices(request.user))
    filters = ProjectFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = ProjectFilters(
            status=data["status"],
            year=data["year"],
            unit_id=data["unit"].pk if data["unit"] else None,
            min_yuan=data["min_wan"] if request.GET.get("min_wan") else None,
            max_yuan=data["max_wan"] if request.GET.get("max_wan") else None,
            text=data["q"].strip(),
        )
    projects = (
        project_filter(visible, filters)
        .select_related(None)
        .select_related("lead_unit")
        .only(*LIST_COLUMNS)
        .order_by("-updated_at", "-id")
    )
    page = Paginator(projects, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": bool(user_scope(request.user).unit_org_ids),
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    units = _unit_choices(request)
    if not units.exists():
        messages.error(request, "只有建设单位的经办人或负责人可以新建项目")
        return redirect("project_list")
    co_units = _co_unit_choices(units.values("jurisdiction_id"))
    only_unit = units.first() if units.count() == 1 else None
    form = ProjectForm(
        request.POST or None,
        unit_choices=units,
        co_unit_choices=co_units,
        initial={"year": clock.today().year + 1, "lead_unit": only_unit, "request_key": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data.get("request_key")
        try:
            project = services.project_create(
                actor=request.user,
                lead_unit=form.cleaned_data["lead_unit"],
                fields=form.project_fields(),
                co_units=form.cleaned_data["co_units"],
                request_key=str(key) if key else "",
            )
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"已保存项目草稿：{project.name}")
            return redirect("project_detail", project_id=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "title": "新建项目"})


def _initial(project: Project) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(project, name) for name in (*DECLARATION_FIELDS, "version")}
    for name in (*COST_FIELDS, *FUNDING_FIELDS):
        amount = int(getattr(project, name))
        initial[name] = f"{amount / 10000:.4f}".rstrip("0").rstrip(".") if amount else ""
    initial["co_units"] = list(project.co_units.values_list("id", flat=True))
    return initial


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_edit(request.user, project):
        messages.error(request, "当前状态下不能修改该项目")
        return redirect("project_detail", project_id=project.pk)
    form = ProjectForm(
        request.POST or None,
        initial=_initial(project),
        co_unit_choices=_co_unit_choices([project.jurisdiction_id]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project=project,
                fields=form.project_fields(),
                co_units=form.cleaned_data["co_units"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, "已保存修改")
            return redirect("project_detail", project_id=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "title": f"修改项目：{project.name}", "project": project},
    )


def _project_for_detail(user: Any, project_id: int) -> Project:
    """The project with what its page shows read once: its 申报批次, 立项 and the jurisdictions above it (抄送)
    with the project; its co-units, overrides and materials for the cards and for the facts the 适用规则 card is
    evaluated with."""
    project = project_get_for_user(
        user=user,
        project_id=project_id,
        related=("declaration_round", "approval", "jurisdiction__parent__parent"),
    )
    prefetch_related_objects(
        [project],
        "co_units",
        # few projects have overrides: who decided and revoked them is read only when there are some
        Prefetch("finding_overrides", FindingOverride.objects.prefetch_related("decided_by", "revoked_by")),
        Prefetch("attachments", Attachment.objects.select_related("uploaded_by")),
    )
    return project


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_detail(request.user, project_id)
    can_submit = permissions.can_submit(request.user, project)
    transitions = project.transitions.select_related("actor").order_by("created_at", "id")
    overrides = project.finding_overrides.all()
    attachments = list(project.attachments.all())  # by requirement, newest version first
    latest_attachments = attachments_latest(attachments)
    policy = project_policy(project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "transitions": transitions,
            "co_units": project.co_units.all(),
            "can_edit": permissions.can_edit(request.user, project),
            "can_submit": can_submit,
            "can_withdraw": permissions.can_withdraw(request.user, project),
            "can_override": permissions.can_override_finding(request.user, project),
            "can_upload": permissions.can_upload(request.user, project),
            "withdraw_form": WithdrawForm(),
            "submit_problems": services.declaration_check(project, policy) if can_submit else [],
            "declaration_forms": declaration_forms(project),
            "round_standing": (
                round_standing(project, clock.today())
                if can_submit and project.status == Status.DRAFT
                else None
            ),
            "policy": policy,
            **workflow_panel_context(request.user, project, policy),
            "active_overrides": {o.rule_id: o for o in overrides if o.revoked_at is None},
            "override_history": [o for o in overrides if o.revoked_at is not None],
            "latest_attachments": latest_attachments,
            "attachments": attachments,
            "upload_form": AttachmentUploadForm(),
        },
    )


@login_required
@require_POST
def finding_override(request: HttpRequest, project_id: int, rule_id: str) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = FindingOverrideForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能豁免", form)
        return redirect("project_detail", project_id=project.pk)
    justification = form.cleaned_data["justification"]
    service_run(
        request,
        "未能豁免",
        lambda: services.finding_override_create(
            actor=request.user, project=project, rule_id=rule_id, justification=justification
        ),
        "已豁免该原则性审查意见，理由已记录",
    )
    return redirect("project_detail", project_id=project.pk)


@login_required
@require_POST
def finding_override_revoke(request: HttpRequest, project_id: int, override_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    override = FindingOverride.objects.filter(pk=override_id, project=project).first()
    if override is None:
        raise Http404("豁免记录不存在")
    form = OverrideRevokeForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能撤销豁免", form)
        return redirect("project_detail", project_id=project.pk)
    reason = form.cleaned_data["reason"]
    service_run(
        request,
        "未能撤销豁免",
        lambda: services.finding_override_revoke(actor=request.user, override=override, reason=reason),
        "已撤销豁免，该审查意见重新生效",
    )
    return redirect("project_detail", project_id=project.pk)


@login_required
@require_POST
def project_submit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    service_run(
        request,
        "未能提交",
        lambda: services.declaration_submit(
            actor=request.user,
            project=project,
            off_window_reason=str(request.POST.get("off_window_reason", ""))[:4000],
        ),
        "已提交申报，等待主管部门审查",
    )
    return redirect("project_detail", project_id=project.pk)


@login_required
@require_POST
def project_withdraw(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能撤回", form)
        return redirect("project_detail", project_id=project.pk)
    reason = form.cleaned_data["reason"]
    service_run(
        request,
        "未能撤回",
        lambda: services.declaration_withdraw(actor=request.user, project=project, reason=reason),
        "已撤回申报，项目回到草稿状态",
    )
    return redirect("project_detail", project_id=project.pk)


@login_required
def declaration_rounds(request: HttpRequest) -> HttpResponse:
    """申报批次 — the rounds a user can see; a bureau reviewer publishes a new one, filled from the pack."""
    scope = user_scope(request.user)
    openable = [
        j
        for j in Jurisdiction.objects.filter(organisations__pk__in=scope.reviewer_org_ids)
        .distinct()
        .order_by("code")
    ]
    form = None
    if openable:
        chosen = _int_param(request.GET.get("jurisdiction"), openable[0].pk)
        jurisdiction = next((j for j in openable if j.pk == chosen), openable[0])
        year = _int_param(request.GET.get("year"), clock.today().year + 1)
        year = year if 2000 <= year <= 2100 else clock.today().year + 1
        initial = {"jurisdiction": jurisdiction.pk, "year": year, **round_defaults(jurisdiction, year)}
        form = DeclarationRoundForm(request.POST or None, initial=initial, jurisdictions=openable)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = service_run(
                request,
                "未能发布",
                lambda: services.declaration_round_open(
                    actor=request.user,
                    jurisdiction=next(j for j in openable if j.pk == data["jurisdiction"]),
                    year=data["year"],
                    name=data["name"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    notice=data["notice"],
                    basis=data["basis"],
                ),
                lambda created: f"已发布：{created.name}",
            )
            if done is not None:
                return redirect("declaration_rounds")
        elif request.method == "POST":
            form_refused(request, "未能发布", form)
    elif request.method == "POST":
        raise PermissionDeniedError("只有本级主管部门审核人可以发布申报批次")
    rounds = rounds_for_user(request.user).order_by("-year", "jurisdiction__code")
    return render(request, "projects/rounds.html", {"rounds": rounds, "form": form})


def _int_param(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def _posted_form(request: HttpRequest, form: Any) -> dict[str, Any]:
    """What the page posted for one pack form, shaped as ``form_check`` reads it."""
    if form.kind == "checklist":
        return {"checked": request.POST.getlist("checked")}
    raw: dict[str, Any] = {}
    for spec in form.fields:
        if spec.type == "month_range":
            start = request.POST.get(f"{spec.key}__start", "").strip()
            end = request.POST.get(f"{spec.key}__end", "").strip()
            raw[spec.key] = f"{start}/{end}" if start or end else ""
        else:
            raw[spec.key] = request.POST.get(spec.key, "")
    return raw


@login_required
def project_forms(request: HttpRequest, project_id: int) -> HttpResponse:
    """申报表 — the pack's declaration forms for this project; the unit fills them while it may edit."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    forms = declaration_forms(project)
    editable = permissions.can_edit(request.user, project)
    posted_id = request.POST.get("form_id", "") if request.method == "POST" else ""
    bound = []
    for form in forms:
        if form.id == posted_id:
            raw = _posted_form(request, form)
            try:
                services.project_form_save(actor=request.user, project=project, form_id=form.id, raw=raw)
            except ServiceError as error:
                messages.error(request, f"未能保存《{form.name}》：{error.message}")
                shown = bind(project, form, raw)
                for item in shown.fields:
                    if item.key == error.field:
                        item.error = error.message
                bound.append(shown)
                continue
            messages.success(request, f"已保存《{form.name}》")
            return redirect(f"/projects/{project.pk}/forms/#{form.id}")
        bound.append(bind(project, form))
    if posted_id and not any(f.id == posted_id for f in forms):
        messages.error(request, "未能保存：政策包中没有该申报表")
    return render(request, "projects/forms.html", {"project": project, "forms": bound, "editable": editable})
