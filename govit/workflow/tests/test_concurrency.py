"""Two people acting at the same moment (issue: two reviewers on one stage → exactly one transition; a
double-clicked submit → one declaration). Real threads, each with its own database connection, released
together by a barrier; run on PostgreSQL, where rows are locked with SELECT … FOR UPDATE. SQLite serialises
every writer on the file, so the race the test needs cannot happen there."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import race
from govit.audit.models import AuditEvent
from govit.core.errors import ServiceError
from govit.projects.choices import Status
from govit.projects.models import Project, ProjectTransition
from govit.projects.services import declaration_submit, finding_override_create
from govit.workflow.models import StageDecision
from govit.workflow.services import stage_decide

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL"
    ),
]
REASON = "项目由县数管局统一委托第三方全过程跟踪，不再单独引入监理。"


def test_two_reviewers_deciding_one_stage_make_one_transition(
    world, make_project, upload_missing, second_reviewer
):
    reviewer = world["users"]["reviewer"]
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    upload_missing(project)
    finding_override_create(actor=reviewer, project=project, rule_id="RJ-15", justification=REASON)
    before = ProjectTransition.objects.filter(project=project).count()

    def decide(user: Any, outcome: str) -> Any:
        fresh = Project.objects.get(pk=project.pk)
        return stage_decide(
            actor=user, project=fresh, stage_id="ST-000-04", outcome=outcome, reason="材料齐全，同意"
        )

    results = race(lambda: decide(reviewer, "pass"), lambda: decide(second_reviewer, "pass"))

    decided = [r for r in results if isinstance(r, StageDecision)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(decided) == 1 and len(refused) == 1, results
    assert "已由他人处理" in str(refused[0])
    assert StageDecision.objects.filter(project=project).count() == 1
    assert ProjectTransition.objects.filter(project=project).count() == before + 1
    assert AuditEvent.objects.filter(action="stage.pass").count() == 1
    project.refresh_from_db()
    assert project.status == Status.IN_REVIEW and project.current_stage == "ST-000-05"


def test_a_double_clicked_submit_sends_one_declaration(world, make_project):
    project = make_project()
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(world["users"]["clerk"])
        clients.append(client)

    responses = race(*[lambda c=c: c.post(f"/projects/{project.pk}/submit/") for c in clients])

    assert all(r.status_code == 302 for r in responses), responses
    submits = ProjectTransition.objects.filter(project=project, to_status=Status.SUBMITTED)
    assert submits.count() == 1
    assert AuditEvent.objects.filter(action="declaration.submit").count() == 1
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED and project.version == 2


def test_a_double_clicked_create_form_makes_one_project(world):
    client = Client()
    client.force_login(world["users"]["clerk"])
    form = client.get("/projects/new/").context["form"]
    key = str(form["request_key"].value())
    data = {
        "name": "县域教育专网升级",
        "year": "2027",
        "lead_unit": str(world["orgs"]["education"].pk),
        "nature": "UPGRADE",
        "procurement_category": "GOODS",
        "secrecy": "NON_CLASSIFIED",
        "content": "核心交换机更换。",
        "cost_equipment": "123.4567",
        "fund_fiscal": "123.4567",
        "request_key": key,
    }
    second = Client()
    second.force_login(world["users"]["clerk"])

    responses = race(lambda: client.post("/projects/new/", data), lambda: second.post("/projects/new/", data))

    assert Project.objects.count() == 1
    project = Project.objects.get()
    assert {r["Location"] for r in responses} == {f"/projects/{project.pk}/"}
    assert AuditEvent.objects.filter(action="project.create").count() == 1
