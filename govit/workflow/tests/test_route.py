"""Declaration → 立项 route driven by the pack: compliance check on the engine's findings (hard blocks, soft
needs a reasoned override), 退回 with reasons and a due date and resubmission in a new round, 本次申报结束,
scored preliminary review (上城 ¶37, A-SC4-20), permissions and stale/double decisions. Every decision audited."""

from __future__ import annotations

import datetime as dt

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.services import (
    declaration_submit,
    finding_override_create,
    finding_override_revoke,
    project_update,
)
from govit.workflow.selectors import route_state
from govit.workflow.services import stage_decide, stage_opinion_submit

LATER = dt.date(2099, 1, 1)
REASON = "项目由县数管局统一委托第三方全过程跟踪，不再单独引入监理。"


@pytest.fixture
def submitted(world, make_project):
    return declaration_submit(actor=world["users"]["clerk"], project=make_project())


def current(project):
    return route_state(Project.objects.get(pk=project.pk)).current


def test_route_to_approval_comes_from_the_pack(world, submitted):
    state = route_state(submitted)
    ids = [s.id for s in state.stages]
    # 舒城 (000): 合规性审查 → 专家评审 → 打捆立项 (<500万, TH-02) → 县政府 (立项); 申报 stages are the unit's own
    assert ids == ["ST-000-04", "ST-000-05", "ST-000-03-bundle", "ST-000-06"]
    assert state.current is not None and state.current.id == "ST-000-04"
    assert state.stages[-1].grants_approval
    assert state.round == 1 and submitted.pack_version == "2022.1"


def test_compliance_check_is_blocked_by_hard_findings(world, submitted):
    reviewer = world["users"]["reviewer"]
    # RJ-08 (第十一条(五)): no 政务数据资源共享清单 → hard
    with pytest.raises(ServiceError, match="刚性审查意见"):
        stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="pass")
    assert current(submitted).id == "ST-000-04"
    assert not submitted.stage_decisions.exists()


def test_compliance_passes_once_documents_are_given_and_soft_findings_set_aside(
    world, submitted, upload, login
):
    reviewer = world["users"]["reviewer"]
    upload(submitted, "data_sharing_list")  # RJ-08
    upload(submitted, "security_solution")  # RJ-09
    finding_override_create(actor=reviewer, project=submitted, rule_id="RJ-15", justification=REASON)
    # 第九条: the declaration's materials must be complete before 初审 passes
    with pytest.raises(ServiceError, match=r"申报材料不全，尚缺：项目可行性研究报告（第九条）.*项目概算"):
        stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="pass")
    for code in ["feasibility_study", "declaration_form", "cost_estimate"]:
        upload(submitted, code)
    page = login(reviewer).get(f"/projects/{submitted.pk}/").content.decode()
    assert "本环节通过前尚需上传的材料（1 项）" in page and "项目建设方案" in page
    with pytest.raises(ServiceError, match=r"尚缺：项目建设方案（第九条）$"):
        stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="pass")
    upload(submitted, "construction_plan")
    page = login(reviewer).get(f"/projects/{submitted.pk}/").content.decode()
    assert "尚需上传的材料" not in page
    finding_override_revoke(
        actor=reviewer,
        override=submitted.finding_overrides.get(),
        reason="复核后认为仍需单独说明监理安排",
    )
    with pytest.raises(ServiceError, match="原则性审查意见尚未处理"):  # RJ-15 监理 (soft)
        stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="pass")
    finding_override_create(actor=reviewer, project=submitted, rule_id="RJ-15", justification=REASON)
    decision = stage_decide(
        actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="pass", reason="材料齐全"
    )
    assert decision.cite.startswith("第十二条") or decision.cite
    project = Project.objects.get(pk=submitted.pk)
    assert project.status == Status.IN_REVIEW and project.current_stage == "ST-000-05"
    assert current(project).id == "ST-000-05"
    event = AuditEvent.objects.filter(action="stage.pass").get()
    assert event.after["stage"] == "ST-000-04" and event.after["status"] == Status.IN_REVIEW


def test_return_for_revision_and_resubmit_starts_a_new_round(world, submitted):
    reviewer, clerk = world["users"]["reviewer"], world["users"]["clerk"]
    with pytest.raises(ServiceError, match="修改期限"):
        stage_decide(
            actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="revise", reason="补充共享清单"
        )
    with pytest.raises(ServiceError, match="退回原因"):
        stage_decide(
            actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="revise", due_date=LATER
        )
    stage_decide(
        actor=reviewer,
        project=submitted,
        stage_id="ST-000-04",
        outcome="revise",
        reason="补充共享清单",
        due_date=LATER,
    )
    project = Project.objects.get(pk=submitted.pk)
    assert project.status == Status.RETURNED
    assert route_state(project).stages[0].state == "returned"
    project_update(actor=clerk, project=project, fields={"has_data_catalog": True})
    project = declaration_submit(actor=clerk, project=Project.objects.get(pk=project.pk))
    state = route_state(project)
    assert state.round == 2 and state.current is not None and state.current.id == "ST-000-04"
    assert project.transitions.filter(reason="修改后重新提交申报").exists()
    assert AuditEvent.objects.filter(action="stage.revise").get().after["due_date"] == "2099-01-01"
    # the round-1 decision stays on record
    assert project.stage_decisions.get().round == 1


def test_fail_ends_the_declaration(world, submitted):
    reviewer = world["users"]["reviewer"]
    with pytest.raises(ServiceError, match="不通过的理由"):
        stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="end")
    stage_decide(
        actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="end", reason="不属于电子政务项目"
    )
    project = Project.objects.get(pk=submitted.pk)
    assert project.status == Status.NOT_SUPPORTED
    assert route_state(project).current is None
    assert AuditEvent.objects.filter(action="stage.end").exists()


@pytest.mark.parametrize("who", ["clerk", "finance", "outsider_reviewer", "expert"])
def test_only_the_stage_actors_may_decide(world, submitted, who):
    with pytest.raises(PermissionDeniedError):
        stage_decide(
            actor=world["users"][who], project=submitted, stage_id="ST-000-04", outcome="end", reason="x"
        )
    assert not submitted.stage_decisions.exists()


def test_outcomes_outside_the_stage_are_refused(world, submitted):
    with pytest.raises(ServiceError, match="结论只能是"):
        stage_decide(
            actor=world["users"]["reviewer"],
            project=submitted,
            stage_id="ST-000-04",
            outcome="approved",
            reason="x",
        )


def test_a_stale_or_repeated_decision_changes_nothing(world, submitted):
    reviewer = world["users"]["reviewer"]
    stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="end", reason="重复建设")
    with pytest.raises(ConflictError):
        stage_decide(
            actor=reviewer, project=submitted, stage_id="ST-000-04", outcome="end", reason="重复建设"
        )
    with pytest.raises(ConflictError):
        stage_decide(actor=reviewer, project=submitted, stage_id="ST-000-05", outcome="pass")
    assert submitted.stage_decisions.count() == 1
    assert AuditEvent.objects.filter(action__startswith="stage.").count() == 1


# ------------------------------------------------------------------ 上城 初审评分 (¶37, A-SC4-20)


@pytest.fixture
def shangcheng_project(world, make_project, upload_missing):
    """A 区 project judged by the 上城 pack (区本级, ¶5), with a co-reviewing 区财政局."""
    from govit.accounts.choices import OrganisationKind, Role
    from govit.accounts.models import Organisation
    from govit.accounts.services import role_assign, user_create

    district = world["jurisdictions"]["zhanggong"]
    finance = Organisation.objects.create(
        jurisdiction=district, name="区财政局", kind=OrganisationKind.CO_REVIEWER
    )
    user = user_create(
        actor=None, username="d_finance", password="x-Pass-2026", display_name="区财政", organisation=finance
    )
    role_assign(actor=None, user=user, organisation=finance, role=Role.CO_REVIEWER)
    world["users"]["district_finance"] = user
    project = make_project(unit="zg_education", actor="outsider", deploys_on_gov_cloud=True)  # ¶28
    Project.objects.filter(pk=project.pk).update(pack_code="shangcheng")
    project = declaration_submit(actor=world["users"]["outsider"], project=Project.objects.get(pk=project.pk))
    reviewer = world["users"]["outsider_reviewer"]
    for rule in [f["id"] for f in route_state(project).policy["findings"] if f["status"] == "active"]:
        finding_override_create(actor=reviewer, project=project, rule_id=rule, justification=REASON)
    upload_missing(project, who="outsider")
    stage_decide(actor=reviewer, project=project, stage_id="ST-004-02", outcome="pass")
    return Project.objects.get(pk=project.pk)


SCORES = {"necessity": 20, "intensive": 20, "feasibility": 15, "security": 10, "budget": 10}  # 75


def test_scored_review_skips_the_correction_stage_and_averages_scores(world, shangcheng_project):
    state = route_state(shangcheng_project)
    assert [s.state for s in state.stages[:3]] == ["done", "skipped", "current"]  # ST-004-03 补正 skipped
    stage_opinion_submit(
        actor=world["users"]["outsider_reviewer"],
        project=shangcheng_project,
        stage_id="ST-004-04",
        opinion="同意",
        scores=SCORES,
    )
    stage_opinion_submit(
        actor=world["users"]["district_finance"],
        project=shangcheng_project,
        stage_id="ST-004-04",
        opinion="资金来源需明确",
        scores={**SCORES, "budget": 0},
    )
    decision = stage_decide(
        actor=world["users"]["outsider_reviewer"],
        project=shangcheng_project,
        stage_id="ST-004-04",
        outcome="pass",
    )
    assert decision.data["mean"] == 70.0 and decision.data["pass_mark"] == 60
    assert current(shangcheng_project).id == "ST-004-05"


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({**SCORES, "budget": 16}, "“投资合理性”的得分应为 0–15"),
        ({**SCORES, "budget": -1}, "“投资合理性”的得分应为 0–15"),
        ({k: v for k, v in SCORES.items() if k != "security"}, "请为“安全与信创”打分"),
        ({**SCORES, "beauty": 5}, "评分表没有这些评分项"),
    ],
    ids=["above weight", "negative", "missing criterion", "unknown criterion"],
)
def test_scores_outside_the_table_are_refused(world, shangcheng_project, scores, message):
    with pytest.raises(ServiceError, match=message):
        stage_opinion_submit(
            actor=world["users"]["outsider_reviewer"],
            project=shangcheng_project,
            stage_id="ST-004-04",
            opinion="x",
            scores=scores,
        )
    assert not shangcheng_project.stage_opinions.exists()


@pytest.mark.parametrize(
    ("total_budget", "passes"), [(4, False), (5, True)], ids=["59 below 60", "60 at pass mark"]
)
def test_pass_mark_boundary(world, shangcheng_project, total_budget, passes):
    scores = {"necessity": 15, "intensive": 15, "feasibility": 15, "security": 10, "budget": total_budget}
    stage_opinion_submit(
        actor=world["users"]["outsider_reviewer"],
        project=shangcheng_project,
        stage_id="ST-004-04",
        opinion="x",
        scores=scores,
    )
    if passes:
        stage_decide(
            actor=world["users"]["outsider_reviewer"],
            project=shangcheng_project,
            stage_id="ST-004-04",
            outcome="pass",
        )
        assert current(shangcheng_project).id == "ST-004-05"
    else:
        with pytest.raises(ServiceError, match="低于通过分数线 60"):
            stage_decide(
                actor=world["users"]["outsider_reviewer"],
                project=shangcheng_project,
                stage_id="ST-004-04",
                outcome="pass",
            )
