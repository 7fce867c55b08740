"""申报批次: the window a pack sets (舒城 DL-01 每年7月底前 第九条; 上城 DL-39 每年9月底 ¶32), rolling intake
where the text sets none (章贡 declares by the bureau's notice, DL-18), and the off-window path (增补项目
一事一议 / 专题请示) with its reason, after which the pack asks for the approval document (上城 RJ-93)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govit.audit.models import AuditEvent
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.projects.facts import project_facts
from govit.projects.models import DeclarationRound, Project
from govit.projects.selectors import round_defaults
from govit.projects.services import declaration_round_open, declaration_submit
from govit.workflow.selectors import documents_missing, route_state

REASON = "省里下达的紧急任务，须在明年一季度上线，确需新增。"


def at(day: dt.date) -> Any:
    return clock.frozen_on(day)


@pytest.fixture
def shucheng_round(world: dict[str, Any]) -> DeclarationRound:
    with at(dt.date(2026, 5, 20)):
        return declaration_round_open(
            actor=world["users"]["reviewer"],
            jurisdiction=world["jurisdictions"]["shucheng"],
            year=2027,
            name="2027年度电子政务项目集中申报",
            opens_on=dt.date(2026, 6, 1),
            closes_on=dt.date(2026, 7, 31),
            notice="舒数管〔2026〕12号",
            basis="第九条：每年7月底前向县数管局申报下一年度电子政务项目建设计划",
        )


def test_the_new_round_form_is_filled_from_the_pack(world):
    shucheng = round_defaults(world["jurisdictions"]["shucheng"], 2027)
    assert shucheng["closes_on"] == dt.date(2026, 7, 31)  # DL-01: 7月底 of the year before the plan year
    assert shucheng["basis"].startswith("第九条")
    # 2025-07-31 was a Thursday; 2021-07-31 a Saturday → the next working day (民法典 第二百零三条)
    assert round_defaults(world["jurisdictions"]["shucheng"], 2022)["closes_on"] == dt.date(2021, 8, 2)
    zhanggong = round_defaults(world["jurisdictions"]["zhanggong"], 2027)
    assert zhanggong["closes_on"] is None and "常态化受理" in zhanggong["name"]


@pytest.mark.parametrize(
    ("day", "in_window"),
    [
        (dt.date(2026, 5, 31), False),  # the day before it opens
        (dt.date(2026, 6, 1), True),
        (dt.date(2026, 7, 30), True),  # DL-01: the day before the deadline
        (dt.date(2026, 7, 31), True),  # on the deadline
        (dt.date(2026, 8, 1), False),  # the day after
    ],
)
def test_dl01_window_boundaries(world, make_project, shucheng_round, day, in_window):
    project = make_project()
    with at(day):
        if in_window:
            declaration_submit(actor=world["users"]["clerk"], project=project)
        else:
            with pytest.raises(ServiceError) as refused:
                declaration_submit(actor=world["users"]["clerk"], project=project)
            assert refused.value.field == "off_window_reason"
            assert (
                "第九条" in refused.value.message
                and "增补项目（一事一议）或专题请示" in refused.value.message
            )
    project = Project.objects.get(pk=project.pk)
    assert (project.status == "submitted") is in_window
    assert (project.declaration_round_id == shucheng_round.pk) is in_window


def test_off_window_with_a_reason_is_declared_as_supplementary(world, make_project, shucheng_round):
    project = make_project()
    with at(dt.date(2026, 9, 10)):
        with pytest.raises(ServiceError, match="不少于 10 个字"):
            declaration_submit(actor=world["users"]["clerk"], project=project, off_window_reason="急需")
        declaration_submit(actor=world["users"]["clerk"], project=project, off_window_reason=REASON)
    project = Project.objects.get(pk=project.pk)
    assert project.off_window and project.off_window_reason == REASON
    assert project.declaration_round == shucheng_round
    assert project_facts(project).special_approval is True
    event = AuditEvent.objects.get(action="declaration.submit")
    assert event.after["off_window_reason"] == REASON and event.after["round"] == shucheng_round.name


def test_shangcheng_off_window_needs_the_approval_document(world, make_project):
    """上城 ¶32: outside the 9月底 window only as 增补项目 一事一议, whose approval must be uploaded."""
    district = world["jurisdictions"]["zhanggong"]
    district.pack_code = "shangcheng"
    district.save()
    from govit.accounts.choices import Role
    from govit.accounts.services import role_assign

    role_assign(
        actor=None,
        user=world["users"]["outsider_reviewer"],
        organisation=world["orgs"]["zg_bureau"],
        role=Role.REVIEWER,
    )
    defaults = round_defaults(district, 2027)
    assert defaults["closes_on"] == dt.date(2026, 9, 30)
    with at(dt.date(2026, 6, 1)):
        declaration_round_open(
            actor=world["users"]["outsider_reviewer"], jurisdiction=district, year=2027, **defaults
        )
    project = make_project(unit="zg_education", actor="outsider", deploys_on_gov_cloud=True)
    with at(dt.date(2026, 10, 9)):
        declaration_submit(actor=world["users"]["outsider"], project=project, off_window_reason=REASON)
        project = Project.objects.get(pk=project.pk)
        state = route_state(project)
        codes = [d["code"] for d in documents_missing(project, state, state.current)]
    assert "supplementary_approval" in codes  # DOC-SUPPLEMENT, ¶32


def test_publishing_a_round_through_the_page(world, login):
    client = login(world["users"]["reviewer"])
    page = client.get("/projects/rounds/?year=2028").content.decode()
    # DL-01 7月底: 2027-07-31 is a Saturday, so the form proposes the next working day (民法典 第二百零三条)
    assert "2028年度政务信息化项目集中申报" in page and 'value="2027-08-02"' in page and "第九条" in page
    data = {
        "jurisdiction": str(world["jurisdictions"]["shucheng"].pk),
        "year": "2028",
        "name": "2028年度电子政务项目集中申报",
        "opens_on": "2027-06-01",
        "closes_on": "2027-07-31",
        "notice": "舒数管〔2027〕8号",
        "basis": "第九条：每年7月底前向县数管局申报下一年度电子政务项目建设计划",
    }
    response = client.post("/projects/rounds/", data, follow=True)
    assert "已发布：2028年度电子政务项目集中申报" in response.content.decode()
    created = DeclarationRound.objects.get()
    assert created.closes_on == dt.date(2027, 7, 31) and created.notice == "舒数管〔2027〕8号"
    assert AuditEvent.objects.get(action="round.open").after["closes_on"] == "2027-07-31"
    again = client.post("/projects/rounds/", data, follow=True).content.decode()
    assert "舒城县2028年度的申报批次已发布" in again
    assert DeclarationRound.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_on": "2027-05-01"}, "申报截止日期不能早于开始受理日期"),
        ({"opens_on": "2029-01-01", "closes_on": ""}, "开始受理日期不能晚于计划年度"),
        ({"name": ""}, "请填写批次名称"),
        ({"opens_on": "七月"}, "日期格式应为 YYYY-MM-DD"),
    ],
)
def test_bad_round_input_changes_nothing(world, login, fields, message):
    client = login(world["users"]["reviewer"])
    data = {
        "jurisdiction": str(world["jurisdictions"]["shucheng"].pk),
        "year": "2028",
        "name": "2028年度集中申报",
        "opens_on": "2027-06-01",
        "closes_on": "2027-07-31",
        **fields,
    }
    page = client.post("/projects/rounds/", data, follow=True).content.decode()
    assert message in page
    assert not DeclarationRound.objects.exists()
    assert not AuditEvent.objects.filter(action="round.open").exists()


def test_only_the_jurisdictions_own_reviewer_publishes(world, login):
    with pytest.raises(PermissionDeniedError):
        declaration_round_open(
            actor=world["users"]["clerk"],
            jurisdiction=world["jurisdictions"]["shucheng"],
            year=2028,
            name="x",
            opens_on=dt.date(2027, 6, 1),
        )
    assert login(world["users"]["clerk"]).post("/projects/rounds/", {"year": "2028"}).status_code == 403
    with pytest.raises(PermissionDeniedError):  # 六安市 supervises 舒城 but does not publish its rounds
        declaration_round_open(
            actor=world["users"]["supervisor"],
            jurisdiction=world["jurisdictions"]["shucheng"],
            year=2028,
            name="x",
            opens_on=dt.date(2027, 6, 1),
        )


def test_a_resubmission_after_return_keeps_its_round(world, make_project, shucheng_round):
    from govit.projects.services import project_update
    from govit.workflow.services import stage_decide

    project = make_project()
    with at(dt.date(2026, 7, 20)):
        declaration_submit(actor=world["users"]["clerk"], project=project)
    stage_decide(
        actor=world["users"]["reviewer"],
        project=Project.objects.get(pk=project.pk),
        stage_id="ST-000-04",
        outcome="revise",
        reason="补充共享清单",
        due_date=clock.today() + dt.timedelta(days=10),
    )
    project_update(
        actor=world["users"]["clerk"], project=Project.objects.get(pk=project.pk), fields={"content": "补充"}
    )
    declaration_submit(
        actor=world["users"]["clerk"], project=Project.objects.get(pk=project.pk)
    )  # after 7/31
    project = Project.objects.get(pk=project.pk)
    assert (
        project.status == "submitted"
        and project.declaration_round == shucheng_round
        and not project.off_window
    )


def test_no_round_means_rolling_intake(world, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    assert project.status == "submitted" and project.declaration_round is None and not project.off_window
