from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from govit.core.errors import NotFoundError
from govit.core.views import form_errors_text
from govit.dashboards import selectors, services
from govit.dashboards.choices import ChartKey
from govit.dashboards.exports import chart_filename, chart_xlsx
from govit.dashboards.forms import DashboardFilterForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, int | None]:
    form = DashboardFilterForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return form, year


def _refused_page(request: HttpRequest, form: DashboardFilterForm) -> HttpResponse:
    return render(
        request,
        "dashboards/dashboard.html",
        {"form": form, "board": None, "error": f"未能统计：{form_errors_text(form)}"},
        status=400,
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """统计分析 — the portfolio the user may see, as charts and (without JavaScript too) as tables."""
    form, year = _filters(request)
    if form.errors:
        return _refused_page(request, form)
    board = selectors.dashboard_compute(user=request.user, year=year)
    services.dashboard_view_record(actor=request.user, board=board, kind="page")
    query = f"?year={year}" if year else ""
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "board": board,
            "query": query,
            "data_url": reverse("dashboard_data") + query,
        },
    )


@login_required
@require_GET
def dashboard_data(request: HttpRequest) -> HttpResponse:
    """The charts' figures as JSON (amounts in 万元), for the page's ECharts."""
    form, year = _filters(request)
    if form.errors:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse(
            {"detail": f"未能统计：{form_errors_text(form)}", "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    board = selectors.dashboard_compute(user=request.user, year=year)
    services.dashboard_view_record(actor=request.user, board=board, kind="json")
    return JsonResponse(selectors.dashboard_json(board), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def dashboard_export(request: HttpRequest, chart_key: str) -> HttpResponse:
    """One chart's 表格 as .xlsx."""
    if chart_key not in ChartKey.values:
        raise NotFoundError("没有这张统计图")
    form, year = _filters(request)
    if form.errors:
        return _refused_page(request, form)
    board = selectors.dashboard_compute(user=request.user, year=year)
    chart = board.chart(chart_key)
    if chart is None:  # 下级区划对比 for a user without lower levels
        raise NotFoundError("您的统计范围没有这张统计图")
    content = chart_xlsx(board, chart)
    services.dashboard_export_record(actor=request.user, board=board, chart=chart)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(chart_filename(board, chart))}"
    return response
