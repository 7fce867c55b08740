"""Pages: the expert pool (reviewers), a project's panels (reviewers), an expert's review tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govit.core import clock
from govit.core.errors import ServiceError
from govit.core.views import form_refused, service_run
from govit.experts import permissions, selectors, services
from govit.experts.choices import DrawStatus
from govit.experts.forms import (
    AvailabilityForm,
    ConcludeForm,
    DeclaredConflictForm,
    DrawForm,
    ReasonForm,
    ReviewForm,
    SupplementForm,
    VendorForm,
)
from govit.experts.models import DrawMember, Expert, ExpertDraw, ExpertField, ExpertReview, ProjectVendor
from govit.experts.packrules import PackError, pack_stages, scoring_table_for, stage_info
from govit.policies.engine.schema import ScoringTable
from govit.projects.models import Project
from govit.projects.selectors import project_get_for_user, project_round


def _managed_project(request: HttpRequest, project_id: int) -> Project:
    """The project, if the user is its competent reviewer; 404 otherwise (as for projects one cannot see)."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    if not permissions.can_manage_draws(request.user, project):
        raise Http404("只有本级主管部门审核人可以管理评审专家")
    return project


def _managed_draw(request: HttpRequest, draw_id: int) -> ExpertDraw:
    draw = ExpertDraw.objects.select_related("project").filter(pk=draw_id).first()
    if draw is None or not permissions.can_manage_draws(request.user, draw.project):
        raise Http404("抽取记录不存在或无权查看")
    return draw


def _with_score_rows(reviews: list[ExpertReview], table: ScoringTable | None) -> list[ExpertReview]:
    """Attach (criterion name, score, weight) rows for the page."""
    for review in reviews:
        review.score_rows = (  # type: ignore[attr-defined]
            [(c.name, review.scores.get(c.code), c.weight) for c in table.criteria] if table else []
        )
    return reviews


def _draw_url(draw: ExpertDraw) -> str:
    return f"/projects/{draw.project_id}/experts/{draw.stage_id}/"


# ------------------------------------------------------------------------------------------ pool


@login_required
def expert_pool(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_pool(request.user):
        raise PermissionDenied("只有主管部门审核人可以查看专家库")
    text = request.GET.get("q", "").strip()[:40]
    specialty = ExpertField.objects.filter(pk=request.GET.get("field") or 0).first()
    experts = selectors.pool_for_user(request.user, text=text, specialty=specialty)
    page = Paginator(experts, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/expert_pool.html",
        {
            "page": page,
            "q": text,
            "fields": ExpertField.objects.all(),
            "selected_field": specialty,
            "today": clock.today(),
        },
    )


def _pool_expert(request: HttpRequest, expert_id: int) -> Expert:
    expert = selectors.pool_for_user(request.user).filter(pk=expert_id).first()
    if expert is None:
        raise Http404("专家不存在或无权查看")
    return expert


@login_required
def expert_detail(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = _pool_expert(request, expert_id)
    can_edit = permissions.can_edit_expert(request.user, expert)
    return render(
        request,
        "experts/expert_detail.html",
        {
            "expert": expert,
            "employments": expert.employments.select_related("organisation"),
            "declared": expert.declared_conflicts.select_related("organisation"),
            "draws": expert.draw_members.select_related("draw__project").order_by("-draw__created_at")[:50],
            "can_edit": can_edit,
            "available_today": expert.available_on(clock.today()),
            "availability_form": AvailabilityForm(
                initial={
                    "is_available": expert.is_available,
                    "unavailable_until": expert.unavailable_until,
                    "note": expert.note,
                }
            ),
            "conflict_form": DeclaredConflictForm(),
        },
    )


@login_required
@require_POST
def expert_availability(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = _pool_expert(request, expert_id)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能保存", form)
        return redirect("expert_detail", expert_id=expert.pk)
    data = form.cleaned_data
    service_run(
        request,
        "未能保存",
        lambda: services.expert_availability_set(
            actor=request.user,
            expert=expert,
            is_available=data["is_available"],
            unavailable_until=data["unavailable_until"],
            note=data["note"],
        ),
        "已更新专家的抽取状态",
    )
    return redirect("expert_detail", expert_id=expert.pk)


@login_required
@require_POST
def expert_conflict_add(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = _pool_expert(request, expert_id)
    form = DeclaredConflictForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能登记", form)
        return redirect("expert_detail", expert_id=expert.pk)
    data = form.cleaned_data
    service_run(
        request,
        "未能登记",
        lambda: services.expert_conflict_declare(
            actor=request.user, expert=expert, name=data["name"], reason=data["reason"]
        ),
        "已登记利害关系，抽取时将自动回避",
    )
    return redirect("expert_detail", expert_id=expert.pk)


# ------------------------------------------------------------------------------------------ panels


@login_required
def project_experts(request: HttpRequest, project_id: int) -> HttpResponse:
    """A project's stages with expert panels, their draws, and the vendor list used for avoidance."""
    project = _managed_project(request, project_id)
    stages: list[Any] = []
    error = ""
    if project.pack_code:
        try:
            stages = [s for s in pack_stages(project.pack_code) if s.involves_experts]
        except PackError as exc:
            error = str(exc)
    round_number = project_round(project)
    draws = {
        d.stage_id: d
        for d in ExpertDraw.objects.filter(project=project, round=round_number).exclude(
            status=DrawStatus.CANCELLED
        )
    }
    return render(
        request,
        "experts/project_experts.html",
        {
            "project": project,
            "stages": stages,
            "draws": draws,
            "error": error,
            "round": round_number,
            "vendors": project.vendors.select_related("organisation"),
            "vendor_form": VendorForm(),
        },
    )


@login_required
def draw_page(request: HttpRequest, project_id: int, stage_id: str) -> HttpResponse:
    project = _managed_project(request, project_id)
    draw = selectors.draw_current(project, stage_id)
    stage_name = stage_id
    stage_article = ""
    if project.pack_code:
        try:
            info = stage_info(project.pack_code, stage_id)
        except PackError:
            info = None
        if info is None and draw is None:
            raise Http404("政策包中没有该环节")
        if info is not None:
            stage_name, stage_article = info.name, info.article
    context: dict[str, Any] = {
        "project": project,
        "stage_id": stage_id,
        "stage_name": stage_name,
        "stage_article": stage_article,
        "draw": draw,
        "history": [d for d in selectors.draw_history(project, stage_id) if draw is None or d.pk != draw.pk],
        "table": scoring_table_for(project.pack_code, stage_id),
    }
    if draw is None:
        candidates = selectors.draw_candidates(project=project, on=clock.today())
        context.update(
            {
                "form": DrawForm(),
                "eligible_count": len(candidates.eligible),
                "excluded": [(e, candidates.excluded[e.pk]) for e in candidates.excluded_experts],
            }
        )
    else:
        conclusion = getattr(draw, "conclusion", None)
        context.update(
            {
                "members": selectors.draw_members(draw),
                "reviews": _with_score_rows(
                    selectors.panel_reviews_visible_to(request.user, draw), context["table"]
                ),
                "aggregate": selectors.panel_aggregate(draw),
                "conclusion": conclusion,
                "replay_ok": selectors.expert_draw_replay(draw)
                == [m.expert_id for m in draw.members.order_by("position")],
                "supplement_form": SupplementForm(),
                "conclude_form": ConcludeForm(),
                "supplements": draw.supplements.select_related("created_by"),
            }
        )
    return render(request, "experts/draw_page.html", context)


@login_required
@require_POST
def draw_create(request: HttpRequest, project_id: int, stage_id: str) -> HttpResponse:
    project = _managed_project(request, project_id)
    form = DrawForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能抽取", form)
        return redirect("expert_draw_page", project_id=project.pk, stage_id=stage_id)
    data = form.cleaned_data
    service_run(
        request,
        "未能抽取",
        lambda: services.expert_draw(
            actor=request.user,
            project=project,
            stage_id=stage_id,
            size=data["size"],
            backups=data["backups"],
            field=data["specialty"],
        ),
        lambda draw: f"已随机抽取专家 {draw.size} 人、备选 {draw.backups} 人（随机种子 {draw.seed}）",
    )
    return redirect("expert_draw_page", project_id=project.pk, stage_id=stage_id)


@login_required
@require_POST
def draw_supplement(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = _managed_draw(request, draw_id)
    form = SupplementForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能补抽", form)
        return redirect(_draw_url(draw))
    data = form.cleaned_data
    service_run(
        request,
        "未能补抽",
        lambda: services.expert_draw_supplement(
            actor=request.user, draw=draw, count=data["count"], reason=data["reason"]
        ),
        lambda added: f"已补充抽取备选专家 {len(added)} 人",
    )
    return redirect(_draw_url(draw))


@login_required
@require_POST
def draw_cancel(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = _managed_draw(request, draw_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能作废", form)
        return redirect(_draw_url(draw))
    reason = form.cleaned_data["reason"]
    service_run(
        request,
        "未能作废",
        lambda: services.expert_draw_cancel(actor=request.user, draw=draw, reason=reason),
        "已作废本次抽取，可重新抽取",
    )
    return redirect(_draw_url(draw))


@login_required
@require_POST
def draw_conclude(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = _managed_draw(request, draw_id)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能登记结论", form)
        return redirect(_draw_url(draw))
    data = form.cleaned_data
    service_run(
        request,
        "未能登记结论",
        lambda: services.panel_conclude(
            actor=request.user, draw=draw, outcome=data["outcome"], opinion=data["opinion"]
        ),
        "已登记专家组结论",
    )
    return redirect(_draw_url(draw))


def _member_for(request: HttpRequest, member_id: int) -> DrawMember:
    """The member, if the user is that expert or the project's competent reviewer."""
    member = DrawMember.objects.select_related("draw__project", "expert").filter(pk=member_id).first()
    if member is None or not (
        permissions.is_member_expert(request.user, member)
        or permissions.can_manage_draws(request.user, member.draw.project)
    ):
        raise Http404("评审任务不存在或无权查看")
    return member


@login_required
@require_POST
def member_decline(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member_for(request, member_id)
    is_self = permissions.is_member_expert(request.user, member)
    back = f"/expert-reviews/{member.pk}/" if is_self else _draw_url(member.draw)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能办理回避", form)
        return redirect(back)
    reason = form.cleaned_data["reason"]

    def declined(promoted: DrawMember | None) -> str:
        if promoted is not None and not is_self:
            return f"已办理回避，由备选专家{promoted.expert.name}递补"
        return "已办理回避"

    service_run(
        request,
        "未能办理回避",
        lambda: services.draw_member_decline(actor=request.user, member=member, reason=reason),
        declined,
    )
    return redirect(back)


@login_required
@require_POST
def member_accept(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member_for(request, member_id)
    service_run(
        request,
        "未能确认",
        lambda: services.draw_member_accept(actor=request.user, member=member),
        "已确认参加评审",
    )
    return redirect("expert_review", member_id=member.pk)


@login_required
@require_POST
def vendor_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _managed_project(request, project_id)
    form = VendorForm(request.POST)
    if not form.is_valid():
        form_refused(request, "未能登记", form)
        return redirect("project_experts", project_id=project.pk)
    data = form.cleaned_data
    service_run(
        request,
        "未能登记",
        lambda: services.project_vendor_add(
            actor=request.user, project=project, name=data["name"], role=data["role"]
        ),
        "已登记，抽取专家时将回避该单位的人员",
    )
    return redirect("project_experts", project_id=project.pk)


@login_required
@require_POST
def vendor_remove(request: HttpRequest, vendor_id: int) -> HttpResponse:
    vendor = ProjectVendor.objects.select_related("project").filter(pk=vendor_id).first()
    if vendor is None or not permissions.can_manage_draws(request.user, vendor.project):
        raise Http404("供应商记录不存在或无权查看")
    service_run(
        request,
        "未能删除",
        lambda: services.project_vendor_remove(actor=request.user, vendor=vendor),
        "已删除",
    )
    return redirect("project_experts", project_id=vendor.project_id)


# ------------------------------------------------------------------------------------------ expert


@login_required
def expert_review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "experts/review_list.html", {"tasks": selectors.expert_tasks_for(request.user)[:200]}
    )


@login_required
def expert_review(request: HttpRequest, member_id: int) -> HttpResponse:
    """The expert's page for one panel: accept or decline, then score and give an opinion."""
    member = (
        DrawMember.objects.select_related("draw__project__lead_unit", "expert").filter(pk=member_id).first()
    )
    if member is None or not permissions.is_member_expert(request.user, member):
        raise Http404("评审任务不存在或无权查看")
    draw = member.draw
    project = draw.project
    table = scoring_table_for(project.pack_code, draw.stage_id)
    review = getattr(member, "review", None)
    form = ReviewForm(request.POST or None, table=table)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.expert_review_submit(
                    actor=request.user,
                    member=member,
                    scores=form.scores(),
                    opinion=form.cleaned_data["opinion"],
                    recommended_budget_yuan=form.budget_yuan(),
                    verdict=form.cleaned_data["verdict"],
                )
            except ServiceError as error:
                target = error.field if error.field in form.fields else None
                form.add_error(target, error.message)
            else:
                messages.success(request, "已提交评审意见")
                return redirect("expert_review", member_id=member.pk)
    can_see = permissions.can_see_panel_results(request.user, draw)
    conclusion = getattr(draw, "conclusion", None)
    return render(
        request,
        "experts/expert_review.html",
        {
            "member": member,
            "draw": draw,
            "project": project,
            "table": table,
            "form": form,
            "review": review,
            "can_submit": member.on_panel and review is None and draw.is_active and conclusion is None,
            "reviews": _with_score_rows(selectors.panel_reviews_visible_to(request.user, draw), table)
            if can_see
            else [],
            "aggregate": selectors.panel_aggregate(draw) if can_see else None,
            "conclusion": conclusion,
            "decline_form": ReasonForm(),
        },
    )
