from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govit.accounts.models import Organisation
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import PermissionDeniedError
from govit.core.views import form_errors_text, form_refused, service_run
from govit.experts.packrules import scoring_table_for
from govit.projects.models import Project
from govit.projects.selectors import project_get_for_user, project_list_for_user
from govit.workflow import selectors, services
from govit.workflow.exports import annual_plan_xlsx
from govit.workflow.forms import CopyToForm, PlanFilterForm, StageDecisionForm, StageOpinionForm, UrgeForm


def _back(project: Project) -> HttpResponse:
    return redirect(f"/projects/{project.pk}/#workflow")


@login_required
@require_POST
def stage_decide(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = StageDecisionForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能登记结论", form)
        return _back(project)
    data = form.cleaned_data
    approval = {
        "approval_number": data["approval_number"],
        "approved_budget_yuan": data["approved_budget"],
        "approved_on": data["approved_on"],
        "decided_by_body": data["decided_by_body"],
    }
    service_run(
        request,
        "未能登记结论",
        lambda: services.stage_decide(
            actor=request.user,
            project=project,
            stage_id=data["stage_id"],
            outcome=data["outcome"],
            reason=data["reason"],
            due_date=data["due_date"],
            approval=approval,
        ),
        lambda decision: f"已登记“{decision.stage_name}”环节结论：{decision.get_outcome_display()}",
    )
    return _back(project)


@login_required
@require_POST
def stage_opinion(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = StageOpinionForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能提交意见", form)
        return _back(project)
    data = form.cleaned_data
    scores: dict[str, int] = {}
    table = scoring_table_for(project.pack_code, data["stage_id"], fallback_first=False)
    if table is not None:
        for criterion in table.criteria:
            raw = (request.POST.get(f"score_{criterion.code}") or "").strip()
            if raw:
                if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is true, int("²") fails
                    messages.error(request, f"未能提交意见：“{criterion.name}”的得分应为整数")
                    return _back(project)
                scores[criterion.code] = int(raw)
    service_run(
        request,
        "未能提交意见",
        lambda: services.stage_opinion_submit(
            actor=request.user,
            project=project,
            stage_id=data["stage_id"],
            opinion=data["opinion"],
            conclusion=data["conclusion"],
            scores=scores,
        ),
        "意见已提交",
    )
    return _back(project)


@login_required
@require_POST
def project_urge(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = UrgeForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能催办", form)
        return _back(project)
    message = form.cleaned_data["message"]
    service_run(
        request,
        "未能催办",
        lambda: services.project_urge(actor=request.user, project=project, message=message),
        "已催办",
    )
    return _back(project)


@login_required
@require_POST
def project_copy_to(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, project_id=project_id)
    form = CopyToForm(request.POST)
    organisation = None
    if form.is_valid():
        organisation = Organisation.objects.filter(
            pk=form.cleaned_data["organisation"], is_active=True
        ).first()
    if organisation is None:
        messages.error(request, "未能抄送：请选择抄送单位")
        return _back(project)
    target, message = organisation, form.cleaned_data["message"]
    service_run(
        request,
        "未能抄送",
        lambda: services.project_copy_to(
            actor=request.user, project=project, organisation=target, message=message
        ),
        f"已抄送{target.name}",
    )
    return _back(project)


TODO_PAGE = 20  # 待办 rows on a page, oldest submission first


@login_required
def review_todo(request: HttpRequest) -> HttpResponse:
    """待办 / 已办 for reviewers, co-reviewers, leaders and supervisors."""
    visible = project_list_for_user(request.user).order_by("submitted_at", "id")
    page = Paginator(selectors.workflow_todo_for_user(request.user, visible), TODO_PAGE).get_page(
        request.GET.get("page")
    )
    projects = Project.objects.select_related("lead_unit").in_bulk([pk for pk, _stage in page.object_list])
    todo = [(projects[pk], stage) for pk, stage in page.object_list if pk in projects]
    done = selectors.workflow_done_for_user(request.user)
    return render(request, "workflow/todo.html", {"todo": todo, "page": page, "done": done})


def _plan_or_error(request: HttpRequest) -> tuple[selectors.AnnualPlan | None, PlanFilterForm]:
    jurisdictions = selectors.plan_jurisdictions_for(request.user)
    if not jurisdictions:
        raise PermissionDeniedError("只有主管部门、上级主管部门的人员可以查看年度项目计划")
    data = request.GET.copy()
    data.setdefault("jurisdiction", str(jurisdictions[0].pk))
    data.setdefault("year", str(clock.today().year + 1))
    form = PlanFilterForm(data, jurisdictions=jurisdictions)
    if not form.is_valid():
        return None, form
    chosen = next(j for j in jurisdictions if j.pk == form.cleaned_data["jurisdiction"])
    return selectors.annual_plan(chosen, form.cleaned_data["year"]), form


@login_required
def annual_plan(request: HttpRequest) -> HttpResponse:
    """年度项目计划 — approved projects of a jurisdiction and year, with totals by unit and funding source."""
    plan, form = _plan_or_error(request)
    if plan is None:
        messages.error(request, form_errors_text(form))
    return render(request, "workflow/annual_plan.html", {"plan": plan, "form": form})


@login_required
def annual_plan_export(request: HttpRequest) -> HttpResponse:
    plan, form = _plan_or_error(request)
    if plan is None:
        messages.error(request, form_errors_text(form))
        return redirect("annual_plan")
    content = annual_plan_xlsx(plan)
    audit_record(
        actor=request.user,
        action="plan.export",
        target=plan.jurisdiction,
        after={"year": plan.year, "projects": plan.total.count, "approved_yuan": plan.total.approved_yuan},
    )
    filename = f"{plan.jurisdiction.name}{plan.year}年度项目计划.xlsx"
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
