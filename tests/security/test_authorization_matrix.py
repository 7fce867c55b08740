"""授权矩阵 (等保 8.1.4.2 a/e/f; ASVS V8): every role × operation × scope × lifecycle state of the declared
table in ``authz_table``, through the pages and the API, against one world built once for this module.

An allowed case must succeed and its change must be there; any other case must be refused — the login page
for the anonymous, 401 from the API, 404 for a project the person cannot see, 403 or the page's refusal
message otherwise — with nothing changed, and, where the product audits refusals, a 拒绝 audit record."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import project_fields
from tests.security import authz_table as table

MATRIX_NAME = "矩阵修改后的名称"


@pytest.fixture(scope="module")
def authz_clients(authz_world: dict[str, Any]) -> dict[str, Client]:
    """One signed-in browser per role (the anonymous one signed in as nobody); a role that needs the second
    factor has passed it, as after a complete login."""
    from conftest import otp_verify_session

    clients: dict[str, Client] = {}
    for role in table.ROLES:
        client = Client()
        if role != table.ANONYMOUS:
            user = authz_world["users"][role]
            client.force_login(user)
            otp_verify_session(client, user)
        clients[role] = client
    return clients


# ------------------------------------------------------------------ what changed


def _snapshot() -> dict[str, Any]:
    """Everything a refused request must leave as it was (successful audit events included)."""
    from govit.audit.choices import Outcome
    from govit.audit.models import AuditEvent
    from govit.documents.models import Attachment
    from govit.projects.models import Project, ProjectTransition
    from govit.workflow.models import StageDecision

    return {
        "projects": list(
            Project.objects.order_by("pk").values_list("pk", "name", "status", "version", "updated_at")
        ),
        "transitions": ProjectTransition.objects.count(),
        "attachments": Attachment.objects.count(),
        "decisions": StageDecision.objects.count(),
        "audit_success": AuditEvent.objects.exclude(outcome=Outcome.DENIED).count(),
    }


def _denials() -> int:
    from govit.audit.choices import Outcome
    from govit.audit.models import AuditEvent

    return AuditEvent.objects.filter(outcome=Outcome.DENIED).count()


def _audited(action: str) -> int:
    from govit.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=action).count()


def _error_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]


@dataclass
class CaseResult:
    """What one request did."""

    response: Any
    before: dict[str, Any]
    after: dict[str, Any]
    denials: int
    extra: dict[str, Any] = field(default_factory=dict)


def _run(client: Client, request: Any) -> CaseResult:
    client.cookies.pop("messages", None)  # no message left over from an earlier case
    before, denials = _snapshot(), _denials()
    response = request()
    return CaseResult(response, before, _snapshot(), _denials() - denials)


# ------------------------------------------------------------------ how each operation is asked


def _api_json(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    call = getattr(client, method)
    return call(url, data=json.dumps(data), content_type="application/json")


def _edit_payload(project: Any) -> dict[str, Any]:
    """The project's own fields with a new name, amounts in 元 as the API takes them."""
    return {
        "name": MATRIX_NAME,
        "year": project.year,
        "nature": project.nature,
        "procurement_category": project.procurement_category,
        "secrecy": project.secrecy,
        "summary": project.summary,
        "content": project.content,
        "cost_software": project.cost_software,
        "cost_equipment": project.cost_equipment,
        "fund_fiscal": project.fund_fiscal,
        "version": project.version,
    }


def _request(op: str, world: dict[str, Any], client: Client, project: Any, scope: str, state: str) -> Any:
    pid = project.pk
    if op == "page.detail":
        return lambda: client.get(f"/projects/{pid}/")
    if op in PAGES:
        return lambda: client.get(PAGES[op].format(pid=pid))
    if op == "api.detail":
        return lambda: client.get(f"/api/v1/projects/{pid}")
    if op == "api.forms":
        return lambda: client.get(f"/api/v1/projects/{pid}/forms")
    if op == "attachment.download":
        return lambda: client.get(f"/attachments/{world['attachments'][(scope, state)]}/download/")
    if op == "api.edit":
        payload = _edit_payload(project)
        return lambda: _api_json(client, "put", f"/api/v1/projects/{pid}", payload)
    if op == "api.submit":
        return lambda: client.post(f"/api/v1/projects/{pid}/submit")
    if op == "page.submit":
        return lambda: client.post(f"/projects/{pid}/submit/")
    if op == "api.withdraw":
        return lambda: _api_json(client, "post", f"/api/v1/projects/{pid}/withdraw", {"reason": "材料需补充"})
    if op == "attachment.upload":
        return lambda: client.post(
            f"/projects/{pid}/attachments/",
            {
                "requirement_code": world["materials"][(scope, state)],
                "file": SimpleUploadedFile("共享清单（修订）.pdf", PDF),
            },
        )
    if op == "workflow.decide":
        decision = {
            "stage_id": world["stages"][scope],
            "outcome": "revise",
            "reason": "补充共享清单",
            "due_date": table.REVISE_DUE.isoformat(),
        }
        return lambda: client.post(f"/projects/{pid}/workflow/decide/", decision)
    if op == "workflow.urge":
        return lambda: client.post(f"/projects/{pid}/workflow/urge/", {"message": "请尽快办理"})
    if op == "workflow.copy":
        target = world["orgs"]["city_bureau"].pk
        return lambda: client.post(
            f"/projects/{pid}/workflow/copy/", {"organisation": target, "message": "请知悉"}
        )
    raise AssertionError(f"no request for {op}")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

PAGES = {
    "page.forms": "/projects/{pid}/forms/",
    "page.printouts": "/projects/{pid}/printouts/",
    "page.similarity": "/projects/{pid}/similarity/",
    "page.obligations": "/projects/{pid}/obligations/",
    "page.delivery": "/projects/{pid}/delivery/",
    "page.acceptance": "/projects/{pid}/acceptance/",
}
READS = frozenset({*PAGES, "page.detail", "api.detail", "api.forms", "attachment.download"})


# ------------------------------------------------------------------ what an allowed case leaves


def _project_row(outcome: CaseResult, pid: int) -> tuple[Any, ...]:
    return next(row for row in outcome.after["projects"] if row[0] == pid)


def _assert_allowed(op: str, outcome: CaseResult, project: Any) -> None:
    response, pid = outcome.response, project.pk
    if op in READS:
        assert response.status_code == 200, response.status_code
        if op == "attachment.download":
            assert b"".join(response.streaming_content) == PDF
        elif op.startswith("api."):
            assert response.json()
        else:
            assert project.name in response.content.decode()
        return
    row = _project_row(outcome, pid)
    if op.startswith("api."):
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 302, response.status_code
        assert not _error_messages(response), _error_messages(response)
    if op == "api.edit":
        assert row[1] == MATRIX_NAME
    elif op in {"api.submit", "page.submit"}:
        assert row[2] == table.SUBMITTED
    elif op == "api.withdraw":
        assert row[2] == table.DRAFT
    elif op == "attachment.upload":
        assert outcome.after["attachments"] == outcome.before["attachments"] + 1
    elif op == "workflow.decide":
        assert row[2] == table.RETURNED
        assert outcome.after["decisions"] == outcome.before["decisions"] + 1
    elif op in {"workflow.urge", "workflow.copy"}:
        assert outcome.extra["audited"] == 1
    else:
        raise AssertionError(f"no success check for {op}")


# ------------------------------------------------------------------ what a refused case leaves


def _assert_refused(op: str, role: str, outcome: CaseResult, project: Any, *, seen: bool) -> None:
    response, pid = outcome.response, project.pk
    assert outcome.after == outcome.before, "a refused request changed data"
    if role == table.ANONYMOUS:
        if op.startswith("api."):
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/login/?next=")
        return
    if not seen:
        # Someone who may not see the project learns nothing of it: 404, and the attempt is audited.
        assert response.status_code == 404, response.status_code
        assert outcome.denials >= 1, "the refused access left no 拒绝 audit record"
        return
    if op.startswith("api."):
        assert response.status_code in {403, 409}, (response.status_code, response.content)
    else:
        assert response.status_code in {302, 403}, response.status_code
        if response.status_code == 302:
            assert response["Location"].startswith(f"/projects/{pid}/")
            assert _error_messages(response), "refused without telling the user why"


def _case_id(*parts: Any) -> str:
    return "-".join(str(p) for p in parts)


PROJECT_CASES = table.project_cases()


@pytest.mark.parametrize(
    ("op", "role", "scope", "state", "allowed"),
    PROJECT_CASES,
    ids=[_case_id(*c[:4], "allow" if c[4] else "deny") for c in PROJECT_CASES],
)
def test_project_operation(
    authz_case: dict[str, Any],
    authz_clients: dict[str, Client],
    op: str,
    role: str,
    scope: str,
    state: str,
    allowed: bool,
) -> None:
    world, client = authz_case, authz_clients[role]
    project = world["projects"][(scope, state)]
    audit_action = {"workflow.urge": "project.urge", "workflow.copy": "project.copy_to"}.get(op)
    counted = _audited(audit_action) if audit_action else 0
    outcome = _run(client, _request(op, world, client, project, scope, state))
    if audit_action:
        outcome.extra["audited"] = _audited(audit_action) - counted
    if allowed:
        _assert_allowed(op, outcome, project)
    else:
        seen = role != table.ANONYMOUS and table.visible(role, scope, state)
        _assert_refused(op, role, outcome, project, seen=seen)


LIST_CASES = table.list_cases()


@pytest.mark.parametrize(
    ("op", "role", "cells"),
    LIST_CASES,
    ids=[_case_id(op, role, f"{len(cells)}cells") for op, role, cells in LIST_CASES],
)
def test_project_list(
    authz_case: dict[str, Any],
    authz_clients: dict[str, Client],
    op: str,
    role: str,
    cells: dict[tuple[str, str], bool],
) -> None:
    """Each project of the world is listed to the role iff the table says it may see it."""
    world, client = authz_case, authz_clients[role]
    if op == "api.list":
        outcome = _run(client, lambda: client.get("/api/v1/projects", {"limit": 200}))
    else:
        outcome = _run(client, lambda: client.get("/projects/"))
    response = outcome.response
    assert outcome.after == outcome.before
    if role == table.ANONYMOUS:
        assert response.status_code == (401 if op == "api.list" else 302)
        return
    assert response.status_code == 200
    if op == "api.list":
        listed = {p["id"] for p in response.json()}
    else:
        page = response.content.decode()
        listed = {p.pk for p in world["projects"].values() if f'href="/projects/{p.pk}/"' in page}
    wrong = {
        cell: expected
        for cell, expected in cells.items()
        if (world["projects"][cell].pk in listed) != expected
    }
    assert not wrong, f"listed against the table (cell: should be listed): {wrong}"


CREATE_CASES = table.create_cases()


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    CREATE_CASES,
    ids=[_case_id("api.create", c[0], c[1], "allow" if c[2] else "deny") for c in CREATE_CASES],
)
def test_project_create(
    authz_case: dict[str, Any], authz_clients: dict[str, Client], role: str, scope: str, allowed: bool
) -> None:
    from govit.projects.models import Project

    world, client = authz_case, authz_clients[role]
    payload = {
        **project_fields(name="矩阵新建项目"),
        "secrecy": "NON_CLASSIFIED",
        "lead_unit": world["orgs"][scope].pk,
    }
    count = Project.objects.count()
    outcome = _run(client, lambda: _api_json(client, "post", "/api/v1/projects", payload))
    response = outcome.response
    if allowed:
        assert response.status_code == 201, response.content
        created = Project.objects.get(pk=response.json()["id"])
        assert created.lead_unit_id == world["orgs"][scope].pk and created.status == table.DRAFT
        assert Project.objects.count() == count + 1
        return
    assert outcome.after == outcome.before and Project.objects.count() == count
    if role == table.ANONYMOUS:
        assert response.status_code == 401
    else:
        assert response.status_code in {400, 403}
        assert "lead_unit" in response.json().get("errors", {}), response.content


JURISDICTION_CASES = table.jurisdiction_cases()
JURISDICTION_URLS = {
    "plan.export": lambda j: f"/plans/export/?jurisdiction={j.pk}&year=2027",
    "opendata.projects": lambda j: f"/opendata/{j.code}/projects.json",
}
JURISDICTION_AUDIT = {"plan.export": "plan.export", "opendata.projects": "opendata.export"}


@pytest.mark.parametrize(
    ("op", "role", "where", "allowed"),
    JURISDICTION_CASES,
    ids=[_case_id(*c[:3], "allow" if c[3] else "deny") for c in JURISDICTION_CASES],
)
def test_jurisdiction_export(
    authz_case: dict[str, Any],
    authz_clients: dict[str, Client],
    op: str,
    role: str,
    where: str,
    allowed: bool,
) -> None:
    world, client = authz_case, authz_clients[role]
    jurisdiction = world["jurisdictions"][where]
    counted = _audited(JURISDICTION_AUDIT[op])
    outcome = _run(client, lambda: client.get(JURISDICTION_URLS[op](jurisdiction)))
    response = outcome.response
    if allowed:
        assert response.status_code == 200, response.status_code
        assert "attachment" in response["Content-Disposition"]
        assert _audited(JURISDICTION_AUDIT[op]) == counted + 1
        return
    assert outcome.after == outcome.before, "a refused export changed data or was recorded as done"
    if role == table.ANONYMOUS:
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
        return
    assert not response.get("Content-Disposition"), "a refused export sent a file"
    if op == "opendata.projects":  # 数据报送 audits its refusals
        assert response.status_code == 403 and outcome.denials >= 1, (response.status_code, outcome.denials)
        return
    assert response.status_code in {302, 403}, response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith("/plans/")
        assert _error_messages(response), "refused without telling the user why"


GLOBAL_CASES = table.global_cases()
GLOBAL_URLS = {"imports.list": "/imports/"}


@pytest.mark.parametrize(
    ("op", "role", "allowed"),
    GLOBAL_CASES,
    ids=[_case_id(*c[:2], "allow" if c[2] else "deny") for c in GLOBAL_CASES],
)
def test_global_operation(
    authz_case: dict[str, Any], authz_clients: dict[str, Client], op: str, role: str, allowed: bool
) -> None:
    client = authz_clients[role]
    outcome = _run(client, lambda: client.get(GLOBAL_URLS[op]))
    response = outcome.response
    if allowed:
        assert response.status_code == 200
        return
    assert outcome.after == outcome.before
    if role == table.ANONYMOUS:
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
        return
    assert response.status_code == 403
    assert outcome.denials >= 1, "the refusal left no 拒绝 audit record"
