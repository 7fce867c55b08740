"""审计日志 pages for the 审计管理员 (search, export, chain verification) and the site's 403 page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govit.audit import context
from govit.audit.choices import Outcome
from govit.audit.exports import audit_events_csv, audit_events_xlsx
from govit.audit.forms import AuditSearchForm
from govit.audit.middleware import access_denied_record
from govit.audit.permissions import audit_reader
from govit.audit.selectors import audit_chain_verify, audit_event_search
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.views import form_errors_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
REFUSAL = "只有审计管理员可以查看、检索和导出审计日志"


def _reader_required(request: HttpRequest, action: str) -> None:
    if not audit_reader(request.user):
        audit_denied(actor=request.user, action=action, target=None, message=REFUSAL)


def _refused(request: HttpRequest, form: AuditSearchForm) -> HttpResponse:
    """400 naming each field and what is wrong with it; nothing is searched, exported or recorded."""
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": None, "error": f"未能检索：{form_errors_text(form, labelled=True)}"},
        status=400,
    )


@login_required
@require_GET
def audit_event_list(request: HttpRequest) -> HttpResponse:
    """审计日志 — search by time range, user, event type and outcome; the search itself is audited."""
    _reader_required(request, "audit.search")
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    events = audit_event_search(form.criteria())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action="audit.search", after={**form.facts(), "page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_GET
def audit_event_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """审计日志导出 (.xlsx or .csv) of the searched events, oldest first; audited with the criteria and the row
    count."""
    _reader_required(request, "audit.export")
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    events = audit_event_search(form.criteria()).order_by("seq")
    count = events.count()
    limit = int(settings.GOVIT_AUDIT_EXPORT_MAX_ROWS)
    if count > limit:
        form.add_error(None, f"符合条件的事件有 {count} 条，超过单次导出上限 {limit} 条，请缩小时间范围")
        return _refused(request, form)
    audit_record(
        actor=request.user, action="audit.export", after={**form.facts(), "format": fmt, "rows": count}
    )
    filename = f"audit-{clock.now():%Y%m%d-%H%M%S}.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        response = HttpResponse(audit_events_xlsx(events.iterator(chunk_size=2000)), content_type=XLSX)
    else:
        response = StreamingHttpResponse(
            audit_events_csv(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response  # type: ignore[return-value]


@login_required
@require_POST
def audit_chain_check(request: HttpRequest) -> HttpResponse:
    """校验审计链 — the same check as ``govit audit verify``, run from the audit page and audited."""
    _reader_required(request, "audit.verify")
    result = audit_chain_verify()
    audit_record(
        actor=request.user,
        action="audit.verify",
        outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
        after={"checked": result.checked, "checkpoints": result.checkpoints, "problem": result.problem},
    )
    (messages.success if result.ok else messages.error)(request, result.summary)
    return redirect("audit_event_list")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the refusal in Chinese on the site's layout, recorded as ``auth.denied`` (user, path,
    reason) unless the refusing service has already recorded it."""
    reason = str(exception) if exception is not None and str(exception) else "您没有执行此操作的权限"
    if not context.denials_recorded():
        access_denied_record(request, reason=reason)
    return render(request, "403.html", {"reason": reason}, status=403)
