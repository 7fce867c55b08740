from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govit.accounts.models import Organisation
from govit.core.views import form_refused, service_run
from govit.experts.packrules import scoring_table_for
from govit.projects.models import Project
from govit.projects.selectors import project_get_for_user, project_list_for_user
from govit.workflow import selectors, services
from govit.workflow.forms import CopyToForm, StageDecisionForm, StageOpinionForm, UrgeForm


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
                if not raw.isdigit():
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


@login_required
def review_todo(request: HttpRequest) -> HttpResponse:
    """待办 / 已办 for reviewers, co-reviewers, leaders and supervisors."""
    visible = (
        project_list_for_user(request.user).filter(status__in=selectors.IN_ROUTE).order_by("submitted_at")
    )
    todo = selectors.workflow_todo_for_user(request.user, visible[:200])
    done = selectors.workflow_done_for_user(request.user)
    return render(request, "workflow/todo.html", {"todo": todo, "done": done})
