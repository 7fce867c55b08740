"""Pages answer a service's NotFoundError with 404 and its PermissionDeniedError with 403, like Django's own
Http404 / PermissionDenied, so views need not translate them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from govit.core.errors import NotFoundError, PermissionDeniedError


class ServiceErrorPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, PermissionDeniedError):
            return response_for_exception(request, PermissionDenied(exception.message))
        return None


# Room for the form fields and multipart framing around the largest file GovIT accepts.
_REQUEST_MARGIN = 1024 * 1024


class RequestSizeLimitMiddleware:
    """A request larger than the largest upload GovIT accepts is refused with 413 before its body is read, so a
    2 GB file is not first spooled to disk only to be refused by the upload's own checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.GOVIT_UPLOAD_MAX_BYTES) + _REQUEST_MARGIN
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = f"提交的内容过大（{length // (1024 * 1024)} MB），单个文件上限 {settings.GOVIT_UPLOAD_MAX_BYTES // (1024 * 1024)} MB"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {"file": [message]}}, status=413)
            return HttpResponse(
                f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>文件过大</title>'
                f"<p>{message}。请压缩或拆分后重新上传。</p></html>",
                status=413,
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)
