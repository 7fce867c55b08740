from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.core.errors import PermissionDeniedError
from govit.core.views import form_errors_text, service_run
from govit.projects.models import Project
from govit.projects.permissions import is_competent_reviewer, is_unit_member
from govit.projects.selectors import project_get_for_user, project_list_for_user
from govit.similarity import selectors, services
from govit.similarity.forms import DismissForm, ImportForm, SystemForm
from govit.similarity.models import CatalogueSystem, IndexedDocument, Match

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def project_similarity(request: HttpRequest, project_id: int) -> HttpResponse:
    """查重 — the projects and systems that read like this declaration, section by section, with the words
    they share; a reviewer may judge a pair not duplicates, with the reason."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    reviewer = is_competent_reviewer(request.user, project)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "dismiss":
            form = DismissForm(request.POST)
            if not form.is_valid():
                messages.error(request, f"未能认定：{form_errors_text(form)}")
            else:
                data = form.cleaned_data
                other_project = (
                    Project.objects.filter(pk=data["other_project"]).first()
                    if data["other_project"]
                    else None
                )
                other_system = (
                    CatalogueSystem.objects.filter(pk=data["other_system"]).first()
                    if data["other_system"]
                    else None
                )
                service_run(
                    request,
                    "未能认定",
                    lambda: services.pair_dismiss(
                        actor=request.user,
                        project=project,
                        reason=data["reason"],
                        other_project=other_project,
                        other_system=other_system,
                    ),
                    "已认定为不重复：这一对不再作为查重问题提示",
                )
        elif action == "recheck" and (reviewer or is_unit_member(request.user, project)):
            found = services.project_check(project, force=True)
            messages.success(request, f"已重新查重：找到 {len(found)} 个相似项目或在用系统")
        return redirect("project_similarity", project_id=project.pk)
    visible = set(
        project_list_for_user(request.user)
        .filter(pk__in=Match.objects.filter(project=project).values("other_project_id"))
        .values_list("pk", flat=True)
    )
    duplicate_line, similar_line = selectors.pair_line(project)
    facts = selectors.similarity_facts(project, any_status=True)
    indexed = IndexedDocument.objects.filter(project=project).first()
    return render(
        request,
        "similarity/project.html",
        {
            "project": project,
            "pairs": selectors.project_pairs(project),
            "visible": visible,
            "reviewer": reviewer,
            "may_recheck": reviewer or is_unit_member(request.user, project),
            "duplicate_line": duplicate_line,
            "similar_line": similar_line,
            "facts": facts,
            "indexed": indexed,
            "pending": services.project_check_pending(project, indexed),
        },
    )


def _overseen(request: HttpRequest) -> list[int]:
    scope = user_scope(request.user)
    return sorted(scope.overseen_jurisdiction_ids)


@login_required
def similarity_report(request: HttpRequest) -> HttpResponse:
    """查重报告 — groups of declarations in the bureau's jurisdictions (and those below) that read alike."""
    jurisdictions = _overseen(request)
    if not jurisdictions:
        raise PermissionDenied("查重报告供主管部门查看")
    try:
        line = float(request.GET.get("line", "0.6"))
    except ValueError:
        line = 0.6
    line = min(max(line, 0.3), 1.0)
    return render(
        request,
        "similarity/report.html",
        {"clusters": selectors.clusters(jurisdictions, line), "line": line, "percent": round(line * 100)},
    )


def _catalogue_scope(request: HttpRequest) -> tuple[list[int], list[Jurisdiction]]:
    """(jurisdictions whose catalogue the user reads, those whose catalogue the user keeps)."""
    scope = user_scope(request.user)
    readable = set(scope.overseen_jurisdiction_ids)
    for jurisdiction_id in Organisation.objects.filter(pk__in=scope.unit_org_ids).values_list(
        "jurisdiction_id", flat=True
    ):
        readable.update(selectors.scope_of(Jurisdiction.objects.get(pk=jurisdiction_id)))
    keeps = list(Jurisdiction.objects.filter(pk__in=scope.reviewer_jurisdiction_ids))
    return sorted(readable), keeps


@login_required
def system_catalogue(request: HttpRequest) -> HttpResponse:
    """在用系统编目 — the systems a new declaration must not rebuild; kept by the competent bureau (one at a
    time or from an .xlsx), read by the units below."""
    readable, keeps = _catalogue_scope(request)
    if not readable and not keeps:
        raise PermissionDenied("没有可查看的编目")
    kept_ids = {j.pk for j in keeps}
    if request.method == "POST":
        action = request.POST.get("action")
        form: Any = (
            ImportForm(request.POST, request.FILES) if action == "import" else SystemForm(request.POST)
        )
        if not form.is_valid():
            messages.error(request, f"未能保存：{form_errors_text(form)}")
        elif form.cleaned_data["jurisdiction"] not in kept_ids:
            raise PermissionDeniedError("只有本级主管部门可以维护编目")
        else:
            jurisdiction = Jurisdiction.objects.get(pk=form.cleaned_data["jurisdiction"])
            data = form.cleaned_data
            if action == "import":
                service_run(
                    request,
                    "未能导入",
                    lambda: services.systems_import(
                        actor=request.user, jurisdiction=jurisdiction, upload=data["file"]
                    ),
                    lambda n: f"已导入 {n} 个在用系统",
                )
            else:
                service_run(
                    request,
                    "未能保存",
                    lambda: services.system_save(actor=request.user, jurisdiction=jurisdiction, fields=data),
                    "已登记在用系统",
                )
        return redirect("system_catalogue")
    systems = selectors.catalogue_of(sorted(set(readable) | kept_ids))
    return render(
        request,
        "similarity/catalogue.html",
        {"systems": systems, "keeps": keeps, "form": SystemForm(), "import_form": ImportForm()},
    )


@login_required
def system_template(request: HttpRequest) -> HttpResponse:
    """The .xlsx template of the catalogue import: the columns and one example row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "在用系统编目"
    sheet.append(list(services.IMPORT_COLUMNS))
    sheet.append(
        [
            "不动产登记信息管理系统",
            "",
            "全区不动产登记业务办理与信息共享",
            "登记受理、审核登簿、缮证发证、信息查询、统计分析",
            "不动产权属数据、登记簿数据",
            "2021-06-30",
        ]
    )
    for column, width in zip("ABCDEF", (28, 18, 36, 40, 30, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%9C%A8%E7%94%A8%E7%B3%BB%E7%BB%9F%E7%BC%96%E7%9B%AE%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
