"""打印文书 — the documents a project offers, and their download."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govit.core.errors import ServiceError
from govit.core.views import form_errors_text, refused_page
from govit.printouts import selectors, services
from govit.printouts.forms import RecordForm
from govit.projects.selectors import project_get_for_user


def _refused(request: HttpRequest, error: ServiceError) -> HttpResponse:
    """The reason in Chinese on a page of its own, with the error's status (404 for what is not offered)."""
    return refused_page(
        request,
        error.message,
        status=error.status_code,
        heading="无法生成文书",
        back=("project_list", "返回项目列表"),
    )


@login_required
def printout_list(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project = project_get_for_user(user=request.user, project_id=project_id)
    except ServiceError as error:
        return _refused(request, error)
    return render(
        request,
        "printouts/printout_list.html",
        {"project": project, "printouts": selectors.printouts_for(project, request.user)},
    )


@login_required
def printout_download(request: HttpRequest, project_id: int, printout_id: str, fmt: str) -> HttpResponse:
    """``/projects/<id>/printouts/<document>.<docx|pdf|xlsx>[?filing=|application=|draw=<record id>]``."""
    form = RecordForm(request.GET)
    if not form.is_valid():
        return _refused(request, ServiceError(f"未能生成文书：{form_errors_text(form)}"))
    try:
        project = project_get_for_user(user=request.user, project_id=project_id)
        download = services.printout_download(
            actor=request.user,
            project=project,
            printout_id=printout_id,
            fmt=fmt,
            records=form.record_ids(),
        )
    except ServiceError as error:
        return _refused(request, error)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download.filename)}"
    return response
