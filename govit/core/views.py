"""What every page that changes something does: show the form's or the service's Chinese error, or the
success message, then redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govit.core.errors import ServiceError

T = TypeVar("T")


def form_errors_text(form: BaseForm, *, labelled: bool = False) -> str:
    """Every error of a bound form, in one line; ``labelled``: each after its field's label (``年度：…``)."""
    return "；".join(
        f"{form.fields[name].label}：{e}" if labelled and name in form.fields else str(e)
        for name, errs in form.errors.items()
        for e in errs
    )


def form_refused(request: HttpRequest, failure: str, form: BaseForm) -> None:
    """``<failure>：<the form's errors>`` as the page's error message."""
    messages.error(request, f"{failure}：{form_errors_text(form)}")


def service_run(
    request: HttpRequest, failure: str, call: Callable[[], T], success: str | Callable[[T], str]
) -> T | None:
    """Run a service for a page. A ServiceError becomes ``<failure>：<message>`` and None is returned
    (the service changed nothing); otherwise the success message is shown and the result returned."""
    try:
        result = call()
    except ServiceError as error:
        messages.error(request, f"{failure}：{error.message}")
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def project_record_get(model: Any, pk: int, project: Any, label: str) -> Any:
    """A record of ``project`` by the id a form posted; another project's id is treated as absent."""
    record = model.objects.filter(pk=pk, project=project).first()
    if record is None:
        raise ServiceError(f"{label}不存在")
    return record


def posted_prefixed(request: HttpRequest, prefix: str) -> dict[str, str]:
    """{key: value} of the posted fields named ``<prefix><key>`` (a pack form's fields)."""
    return {
        key[len(prefix) :]: str(request.POST.get(key, "")) for key in request.POST if key.startswith(prefix)
    }


def refused_page(
    request: HttpRequest,
    message: str,
    *,
    status: int,
    heading: str | None = None,
    back: tuple[str, str] = ("home", "返回首页"),
) -> HttpResponse:
    """A request that cannot be answered, on a page of its own: the reason in Chinese and the way back, with
    ``status`` (403, 404, 400 …)."""
    heading = heading or {404: "未找到", 403: "无权访问"}.get(status, "无法办理")
    return render(
        request,
        "core/refused.html",
        {"heading": heading, "message": message, "back": back[0], "back_label": back[1]},
        status=status,
    )
