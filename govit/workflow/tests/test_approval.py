"""立项: the stage that grants approval (舒城 ST-000-06, 第十三条 县政府) records number, approved budget and
date through the page; bad input names the field and writes nothing."""

from __future__ import annotations

import pytest

from govit.audit.models import AuditEvent
from govit.core import clock
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.services import declaration_submit
from govit.workflow.models import ProjectApproval, StageDecision
from govit.workflow.selectors import route_state


@pytest.fixture
def at_approval(world, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    for stage in route_state(project).stages[:-1]:  # earlier stages decided (their own tests cover them)
        StageDecision.objects.create(
            project=project,
            round=1,
            stage_id=stage.id,
            stage_name=stage.name,
            kind=stage.kind,
            outcome="pass",
            actor=world["users"]["reviewer"],
            decided_at=clock.now(),
        )
    state = route_state(project)
    assert state.current is not None and state.current.id == "ST-000-06"
    # where the decision service would have left it
    Project.objects.filter(pk=project.pk).update(current_stage="ST-000-06")
    project.refresh_from_db()
    return project


def post(client, project, **fields):
    data = {"stage_id": "ST-000-06", "outcome": "approved", "reason": "县政府常务会议研究同意", **fields}
    return client.post(f"/projects/{project.pk}/workflow/decide/", data, follow=True)


def test_approval_through_the_page(world, login, at_approval):
    client = login(world["users"]["reviewer"])
    page = client.get(f"/projects/{at_approval.pk}/").content.decode()
    assert "登记“" in page and "立项文号" in page
    response = post(
        client,
        at_approval,
        approval_number="舒政秘〔2026〕88号",
        approved_budget="200.5",
        approved_on=clock.today().isoformat(),
    )
    assert "已登记" in response.content.decode()
    approval = ProjectApproval.objects.get()
    assert approval.approved_budget_yuan == 2_005_000 and approval.approval_number == "舒政秘〔2026〕88号"
    project = Project.objects.get(pk=at_approval.pk)
    assert project.status == Status.APPROVED
    assert "已立项" in client.get(f"/projects/{project.pk}/").content.decode()
    event = AuditEvent.objects.get(action="stage.approved")
    assert event.after["approval"]["approved_budget_yuan"] == 2_005_000


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"approved_budget": "200", "approved_on": "2026-01-05"}, "请填写立项文号"),
        ({"approval_number": "X1", "approved_on": "2026-01-05"}, "请填写批复投资"),
        (
            {"approval_number": "X1", "approved_budget": "220.0001", "approved_on": "2026-01-05"},
            "不能超过申报总投资",
        ),
        ({"approval_number": "X1", "approved_budget": "200", "approved_on": "2099-01-01"}, "不能晚于今天"),
        ({"approval_number": "X1", "approved_budget": "abc", "approved_on": "2026-01-05"}, "请输入数字金额"),
    ],
    ids=["no number", "no budget", "budget above declared total +1 元", "future date", "not a number"],
)
def test_bad_approval_input_changes_nothing(world, login, at_approval, fields, message):
    response = post(login(world["users"]["reviewer"]), at_approval, **fields)
    assert message in response.content.decode()
    assert not ProjectApproval.objects.exists()
    assert Project.objects.get(pk=at_approval.pk).status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="stage.approved").exists()


def test_budget_equal_to_the_declared_total_is_allowed(world, login, at_approval):
    post(
        login(world["users"]["reviewer"]),
        at_approval,
        approval_number="X2",
        approved_budget="220",
        approved_on="2026-01-05",
    )
    assert ProjectApproval.objects.get().approved_budget_yuan == 2_200_000


def test_not_approved_ends_the_declaration(world, login, at_approval):
    post(login(world["users"]["reviewer"]), at_approval, outcome="not_approved", reason="财力不足，暂缓建设")
    assert Project.objects.get(pk=at_approval.pk).status == Status.NOT_SUPPORTED


def test_the_review_todo_lists_the_project_with_its_stage(world, login, at_approval):
    page = login(world["users"]["reviewer"]).get("/review/").content.decode()
    assert at_approval.name in page and "登记立项决定" in page
    assert at_approval.name not in login(world["users"]["outsider_reviewer"]).get("/review/").content.decode()
