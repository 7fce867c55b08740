"""Page helpers: a service's NotFoundError / PermissionDeniedError answer 404 / 403; service_run shows the
service's Chinese error or the success message."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from govit.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from govit.core.middleware import ServiceErrorPageMiddleware
from govit.core.views import service_run


@pytest.mark.django_db  # a refusal (403) is recorded in the audit log
@pytest.mark.parametrize(
    ("error", "status"), [(NotFoundError("项目不存在"), 404), (PermissionDeniedError("无权"), 403)]
)
def test_service_errors_become_error_pages(error, status):
    middleware = ServiceErrorPageMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(RequestFactory().get("/x/"), error)
    assert response is not None and response.status_code == status


def test_other_errors_are_left_alone():
    middleware = ServiceErrorPageMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(RequestFactory().get("/x/"), ServiceError("x")) is None


def _request():
    request = RequestFactory().post("/x/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_service_run_reports_failure_and_success():
    request = _request()

    def refuse() -> int:
        raise ServiceError("请填写理由", field="reason")

    assert service_run(request, "未能提交", refuse, "已提交") is None
    assert service_run(request, "未能提交", lambda: 3, lambda n: f"已提交 {n} 项") == 3
    assert [str(m) for m in get_messages(request)] == ["未能提交：请填写理由", "已提交 3 项"]
