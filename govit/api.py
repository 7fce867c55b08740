"""The REST API at /api/v1/ (OpenAPI at /api/v1/docs), logged-in session required."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from govit.core.errors import ServiceError
from govit.opendata.api import router as opendata_router
from govit.policies.api import FactsInvalid
from govit.policies.api import router as policy_router
from govit.projects.api import FormInvalid
from govit.projects.api import router as projects_router

api = NinjaAPI(title="GovIT API", version="1", urls_namespace="api", auth=django_auth)
api.add_router("/", projects_router)
api.add_router("/", policy_router)
api.add_router("/", opendata_router)


def _location(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["errors"] = {exc.field: [exc.message]}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(FormInvalid)
def _form_invalid(request: HttpRequest, exc: FormInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": "提交的数据有误", "errors": exc.errors}, status=400)


@api.exception_handler(FactsInvalid)
def _facts_invalid(request: HttpRequest, exc: FactsInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": "项目事实数据有误", "errors": exc.errors}, status=400)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        errors.setdefault(_location(list(item.get("loc", []))), []).append(_chinese(item))
    return api.create_response(request, {"detail": "提交的数据有误", "errors": errors}, status=400)


def _chinese(item: dict[str, Any]) -> str:
    kind = str(item.get("type", ""))
    if kind == "missing":
        return "缺少必填字段"
    if kind.startswith("int") or kind.startswith("float"):
        return "应为数字"
    if kind.startswith("string"):
        return "应为文本"
    if kind.startswith("json"):
        return "请求体不是有效的 JSON"
    if kind == "extra_forbidden":
        return "不允许的字段"
    return "取值无效"


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "对象不存在或无权查看"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "请先登录"}, status=401)
