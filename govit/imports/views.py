"""存量项目导入 pages: the list with the upload form and the template, a batch's progress, preview, problems
and commit. Only the competent bureau's 审核人 of a jurisdiction sees them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRefresh

from govit.accounts.models import Jurisdiction
from govit.audit.choices import Outcome
from govit.audit.services import audit_record
from govit.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from govit.core.views import form_errors_text, refused_page
from govit.imports import checking, selectors, services
from govit.imports.choices import BUSY_STATES, BatchState
from govit.imports.columns import COLUMNS
from govit.imports.forms import UploadForm
from govit.imports.models import ImportBatch
from govit.imports.rows import problem_text
from govit.imports.workbook import XLSX, template_xlsx

ERRORS_PER_PAGE = 200
LIST_LIMIT = 50
NOT_IMPORTER = "只有本行政区划主管部门（数据主管部门）的审核人可以批量导入项目。"


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return refused_page(request, message, status=status)


def _importer(request: HttpRequest) -> list[Jurisdiction] | HttpResponse:
    """The jurisdictions the user imports into, or the 403 page for anyone else (audited)."""
    jurisdictions = selectors.importable_jurisdictions(request.user)
    if not jurisdictions:
        audit_record(actor=request.user, action="import.view_denied", outcome=Outcome.DENIED)
        return _refused(request, NOT_IMPORTER, 403)
    return jurisdictions


def _list_page(
    request: HttpRequest, jurisdictions: list[Jurisdiction], form: UploadForm, status: int = 200
) -> HttpResponse:
    batches = list(selectors.batches_in(jurisdictions)[:LIST_LIMIT])
    return render(
        request,
        "imports/list.html",
        {
            "jurisdictions": jurisdictions,
            "form": form,
            "batches": batches,
            "max_mb": services.import_max_bytes() // (1024 * 1024),
            "max_rows": checking.IMPORT_MAX_ROWS,
        },
        status=status,
    )


def _chosen(jurisdictions: list[Jurisdiction], pk: int | None) -> Jurisdiction | None:
    if pk is None:
        return jurisdictions[0]
    return next((j for j in jurisdictions if j.pk == pk), None) or Jurisdiction.objects.filter(pk=pk).first()


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """导入存量项目 — upload a filled template; the batches uploaded so far."""
    jurisdictions = _importer(request)
    if isinstance(jurisdictions, HttpResponse):
        return jurisdictions
    if request.method != "POST":
        return _list_page(request, jurisdictions, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"未能上传：{form_errors_text(form)}")
        return _list_page(request, jurisdictions, form, status=400)
    jurisdiction = _chosen(jurisdictions, form.cleaned_data["jurisdiction"])
    if jurisdiction is None:
        messages.error(request, "未能上传：所选行政区划不存在")
        return _list_page(request, jurisdictions, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        batch = services.import_batch_create(
            actor=request.user,
            jurisdiction=jurisdiction,
            handle=upload,
            name=upload.name or "",
            size=upload.size or 0,
        )
    except PermissionDeniedError as error:
        return _refused(request, error.message, 403)
    except ServiceError as error:
        messages.error(request, f"未能上传：{error.message}")
        return _list_page(request, jurisdictions, form, status=error.status_code)
    messages.success(request, f"已上传“{batch.original_name}”，正在后台逐行检查")
    return redirect("import_batch", batch_id=batch.pk)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The import template (.xlsx) with the jurisdiction's unit names; the download is audited."""
    jurisdictions = _importer(request)
    if isinstance(jurisdictions, HttpResponse):
        return jurisdictions
    try:
        pk = int(request.GET["jurisdiction"]) if request.GET.get("jurisdiction") else None
    except ValueError:
        pk = -1
    jurisdiction = next((j for j in jurisdictions if pk is None or j.pk == pk), None)
    if jurisdiction is None:
        return _refused(request, "所选行政区划不存在，或您不能导入该行政区划的项目", 404)
    units = sorted(selectors.construction_units(jurisdiction))
    content = template_xlsx(
        jurisdiction_name=jurisdiction.name,
        units=units,
        max_rows=checking.IMPORT_MAX_ROWS,
        max_mb=services.import_max_bytes() // (1024 * 1024),
    )
    audit_record(
        actor=request.user,
        action="import.template_download",
        target=jurisdiction,
        after={"columns": len(COLUMNS), "units": len(units)},
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{jurisdiction.name}存量项目导入模板.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _batch_or_refused(request: HttpRequest, batch_id: int) -> ImportBatch | HttpResponse:
    try:
        return selectors.batch_get_for_user(user=request.user, batch_id=batch_id)
    except NotFoundError as error:
        existing = ImportBatch.objects.filter(pk=batch_id).first()
        if existing is not None:
            audit_record(
                actor=request.user, action="import.view_denied", target=existing, outcome=Outcome.DENIED
            )
        return _refused(request, error.message, 404)


def _busy(batch: ImportBatch) -> bool:
    return batch.state in BUSY_STATES or batch.follow_up_pending


def _batch_page(request: HttpRequest, batch: ImportBatch, status: int = 200) -> HttpResponse:
    errors = Paginator(batch.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "busy": _busy(batch),
            "errors": [problem_text(p) for p in errors.object_list],
            "errors_page": errors,
            "may_commit": batch.state == BatchState.READY and not batch.error_count,
            "stalled": selectors.batch_commit_stalled(batch),
            "imported": selectors.batch_projects(batch) if batch.state == BatchState.COMMITTED else [],
        },
        status=status,
    )


@login_required
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """导入批次 — progress while it is checked, then the counts, the first rows as they will be saved and every
    problem (第N行 列名：原因); 确认导入 only when there is none."""
    batch = _batch_or_refused(request, batch_id)
    if isinstance(batch, HttpResponse):
        return batch
    if request.method == "POST":
        try:
            services.import_batch_commit_request(actor=request.user, batch=batch)
        except PermissionDeniedError as error:
            return _refused(request, error.message, 403)
        except ServiceError as error:
            messages.error(request, f"未能导入：{error.message}")
            batch.refresh_from_db()
            return _batch_page(request, batch, status=error.status_code)
        messages.success(request, "已开始导入：全部行在一个事务中保存，完成前不会保存任何一行")
        return redirect("import_batch", batch_id=batch.pk)
    return _batch_page(request, batch)


@login_required
def import_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The progress bar, polled by the batch page; when the batch moves on (checked, committed, done) the
    whole page reloads to show it."""
    batch = _batch_or_refused(request, batch_id)
    if isinstance(batch, HttpResponse):
        return batch
    busy = _busy(batch)
    polled_in = request.GET.get("state", batch.state)
    if getattr(request, "htmx", False) and (not busy or polled_in != batch.state):
        return HttpResponseClientRefresh()
    context: dict[str, Any] = {"batch": batch, "busy": busy}
    return render(request, "imports/_progress.html", context)
