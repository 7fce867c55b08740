"""The REST API (/api/v1/) fuzzed from its own OpenAPI description with Schemathesis (等保 8.1.4.4 d; ASVS V5).

Every operation gets generated valid and invalid requests as a logged-in clerk of 舒城县教育局 (session cookie and
CSRF token, as a browser sends them). The operations that read a JSON body without declaring it (create and
update a project, fill a declaration form) are described here with the fields the page's form reads, loosely
typed, so the fuzzer reaches the validation. Checks: no server error; the documented content type; a
documented status answers with its documented schema; and every operation refuses a request without the
session (GET: 401 请先登录; unsafe methods: 401/403, the CSRF check comes first). Bounded and derandomised: the same requests on every run."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import get_token
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
_TEXT = {"type": "string"}
_AMOUNT = {"anyOf": [{"type": "integer"}, {"type": "number"}, {"type": "string"}]}
PROJECT_BODY = {
    "type": "object",
    "properties": {
        "name": _TEXT,
        "year": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "lead_unit": {"type": "integer"},
        "nature": {"enum": ["NEW", "UPGRADE", "OPERATE", "x"]},
        "procurement_category": {"enum": ["SERVICE", "GOODS", "ENGINEERING", "x"]},
        "secrecy": {"enum": ["NON_CLASSIFIED", "WORK_SECRET", "x"]},
        "summary": _TEXT,
        "content": _TEXT,
        "contact_phone": _TEXT,
        "co_units": {"type": "array", "items": {"type": "integer"}},
        "version": {"type": "integer"},
        "cost_software": _AMOUNT,
        "cost_equipment": _AMOUNT,
        "fund_fiscal": _AMOUNT,
    },
}
FORM_BODY = {"type": "object", "additionalProperties": {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}}
BODIES = {
    ("/api/v1/projects", "post"): PROJECT_BODY,
    ("/api/v1/projects/{project_id}", "put"): PROJECT_BODY,
    ("/api/v1/projects/{project_id}/forms/{form_id}", "put"): FORM_BODY,
}


def _described(raw: dict[str, Any]) -> dict[str, Any]:
    described = copy.deepcopy(raw)
    for (path, method), body in BODIES.items():
        operation = described["paths"][path][method]
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return described


@pytest.fixture
def hostile_api(
    world: dict[str, Any], make_project: Any, media_root: Any, client: Any
) -> Iterator[dict[str, Any]]:
    """The schema bound to the WSGI app, and the cookies and header of the clerk's browser session. As Django's
    test client does, the handler must not close the test's database connection at the end of a request."""
    from govit.api import api

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    make_project()
    client.force_login(world["users"]["clerk"])
    token = get_token(RequestFactory().get("/"))
    schema = schemathesis.openapi.from_dict(_described(api.get_openapi_schema()))
    schema.app = WSGIHandler()
    try:
        yield {
            "schema": schema,
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
            "headers": {"X-CSRFToken": token, "Referer": "http://testserver/"},
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def test_it_answers_every_generated_request_without_a_server_error(hostile_api, subtests):
    schema = hostile_api["schema"]
    operations = _operations(schema)
    assert len(operations) >= 14
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with subtests.test(f"{operation.method.upper()} {operation.path} {mode.value}"):

                @settings(
                    max_examples=MAX_EXAMPLES,
                    derandomize=True,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(generation_mode=mode))
                def run(case: Any) -> None:
                    case.call_and_validate(
                        cookies=hostile_api["cookies"], headers=hostile_api["headers"], checks=CHECKS
                    )

                run()


def test_every_operation_refuses_a_request_without_the_session(hostile_api, subtests):
    for operation in _operations(hostile_api["schema"]):
        with subtests.test(f"{operation.method.upper()} {operation.path} anonymous"):

            @settings(max_examples=1, derandomize=True, deadline=None, database=None)
            @given(case=operation.as_strategy())
            def run(case: Any) -> None:
                response = case.call(headers=hostile_api["headers"])
                if case.method.upper() == "GET":
                    assert response.status_code == 401 and response.json() == {"detail": "请先登录"}
                else:  # an unsafe method without the session fails the CSRF check first
                    assert response.status_code in (401, 403)

            run()
