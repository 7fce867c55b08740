from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govit.audit.services import audit_denied
from govit.core.errors import ServiceError
from govit.core.views import form_errors_text, refused_page
from govit.opendata import selectors
from govit.opendata.choices import ExportFormat
from govit.opendata.forms import YearFilterForm
from govit.opendata.services import DENIED, opendata_export


def _refused(request: HttpRequest, error: ServiceError) -> HttpResponse:
    """The reason on a page of its own, with the service's status (400, 403, 404)."""
    return refused_page(request, error.message, status=error.status_code, heading="未能导出")


@login_required
def opendata_home(request: HttpRequest) -> HttpResponse:
    """数据报送 — the jurisdictions the user may send up, each with its JSON and OCDS downloads."""
    jurisdictions = selectors.export_jurisdictions_for(request.user)
    if not jurisdictions:
        try:
            audit_denied(actor=request.user, action="opendata.view", target=None, message=DENIED)
        except ServiceError as error:
            return _refused(request, error)
    form = YearFilterForm(request.GET)
    valid = form.is_valid()
    year = form.cleaned_data.get("year") if valid else None
    counts = selectors.reported_project_counts([j.pk for j in jurisdictions], year=year)
    rows = [(j, counts.get(j.pk, {"reported": 0, "approved": 0})) for j in jurisdictions]
    return render(
        request,
        "opendata/home.html",
        {
            "rows": rows,
            "form": form,
            "year": year,
            "error": "" if valid else form_errors_text(form),
        },
        status=200 if valid else 400,
    )


@login_required
def opendata_download(request: HttpRequest, code: str, export_format: str) -> HttpResponse:
    """One export as a file: ``?year=`` limits it to a 申报年度."""
    try:
        export = opendata_export(
            actor=request.user,
            jurisdiction_code=code,
            export_format=export_format,
            year=request.GET.get("year"),
            via="web",
        )
    except ServiceError as error:
        return _refused(request, error)
    response = HttpResponse(export.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(export.filename)}"
    return response


def opendata_projects(request: HttpRequest, code: str) -> HttpResponse:
    return opendata_download(request, code, ExportFormat.PROJECTS)


def opendata_ocds(request: HttpRequest, code: str) -> HttpResponse:
    return opendata_download(request, code, ExportFormat.OCDS)
