"""Acceptance, rectification and operation through the page, for each pack: a contracted project goes through
初验, the trial run and 竣工验收 (failing first, rectified, then passing) into operation, with an O&M filing
and an evaluation where the pack has them (catalogue §2 ST-xxx-10…15, TH-05, TH-33, TH-34, DL-03, DL-24,
DL-35, DL-49, DL-50, §7.1.4, §7.3.2, §7.5.5)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from govit.acceptance import selectors
from govit.acceptance.models import (
    AcceptanceApplication,
    InitialAcceptance,
    RectificationOrder,
    TrialRun,
)
from govit.accounts.models import User
from govit.audit.models import AuditEvent
from govit.core import clock
from govit.delivery.models import Filing
from govit.delivery.tests.test_delivery import UNITS, approved_project, client_for, contract, procure
from govit.delivery.tests.test_delivery import post as delivery_post
from govit.policies.engine import load_pack
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.policy import project_policy

D = dt.date
PANEL = [("张一", "it", "某大学"), ("李二", "security", "某测评中心"), ("王三", "business", "某局")]
# the bureau that confirms each role's evidence in the demo (章贡 第二十五条(一))
CONFIRMERS = {"COMPETENT_BUREAU": "zg_reviewer", "XINCHUANG": "zg_co4", "CRYPTO": "zg_co4"}


@pytest.fixture
def demo(db: Any, media_root: Any) -> None:
    from govit.portal.demo import demo_load

    demo_load(projects=False)


def contracted(pack: str, **kw: Any) -> Project:
    """A project of ``pack`` with its procurement and main contract (signed 2026-10-15, 12 months): 建设中."""
    project = approved_project(pack, **kw)
    clerk = client_for(f"{UNITS[pack][0]}_clerk")
    procure(clerk, project)
    assert "已登记合同 HT-2026-001" in delivery_post(clerk, project, contract())
    project.refresh_from_db()
    assert project.status == Status.IN_CONSTRUCTION
    return project


def act(client: Client, project: Project, data: dict[str, Any], day: dt.date) -> str:
    with clock.frozen_on(day):
        response = client.post(f"/projects/{project.pk}/acceptance/", data, follow=True)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def initial(project: Project, panel: list[tuple[str, str, str]] = PANEL, **overrides: Any) -> dict[str, Any]:
    """初验 as posted: passed, every check of the pack's 初验 list ticked."""
    data: dict[str, Any] = {
        "checks": selectors.checklist_items(project, "initial_acceptance"),
        "action": "initial",
        "held_on": "2026-11-02",
        "conclusion": "pass",
        "goals_met": "on",
        "scope_met": "on",
        "contract_met": "on",
        "opinion": "项目完成批复的全部建设内容，符合建设目标，同意通过初验。",
    }
    for n, (name, field, employer) in enumerate(panel, 1):
        data |= {f"panel_name_{n}": name, f"panel_field_{n}": field, f"panel_employer_{n}": employer}
    return data | overrides


def evidence_forms(project: Project) -> list[Any]:
    return selectors.pack_forms(project, "acceptance_evidence")


def give_evidence(clerk: Client, project: Project, day: dt.date, issued: dt.date) -> None:
    for form in evidence_forms(project):
        values = {f"ev_{k}": v for k, v in selectors.evidence_sample(form, issued).items()}
        page = act(clerk, project, {"action": "evidence", "form_id": form.id, **values}, day)
        assert "已保存验收材料" in page, page
        if form.confirm_by:
            confirmer = client_for(CONFIRMERS[form.confirm_by])
            page = act(
                confirmer,
                project,
                {"action": "confirm", "form_id": form.id, "decision": "confirm", "note": "经核，情况属实。"},
                day,
            )
            assert "已确认" in page, page


def run_trial(clerk: Client, project: Project, start: dt.date, end: dt.date) -> None:
    assert "已开始试运行" in act(
        clerk, project, {"action": "trial_start", "started_on": start.isoformat()}, start
    )
    for offset in range(3):
        day = start + dt.timedelta(days=offset)
        data = {
            "action": "usage",
            "day": day.isoformat(),
            "active_users": "40",
            "visits": "300",
            "faults": "0",
        }
        assert "已登记运行记录" in act(clerk, project, data, day)
    page = act(
        clerk,
        project,
        {"action": "trial_end", "ended_on": end.isoformat(), "report_source": "generated"},
        end,
    )
    assert "试运行已结束" in page, page


@pytest.mark.parametrize("pack", list(UNITS))
def test_a_contracted_project_goes_through_acceptance_into_operation(demo, pack):
    # 石嘴山 files the O&M of projects with O&M content (第十八条(二)3)
    project = contracted(pack, om_yuan=200_000 if pack == "shizuishan" else 0)
    prefix = UNITS[pack][0]
    clerk, bureau = client_for(f"{prefix}_clerk"), client_for(f"{prefix}_reviewer")
    if selectors.has_stage(project, "INITIAL_ACCEPT"):  # 舒城 has no 初验: the trial run follows construction
        assert "已登记初步验收" in act(clerk, project, initial(project), D(2026, 11, 2))
    run_trial(clerk, project, D(2026, 11, 3), D(2026, 12, 3))
    trial = TrialRun.objects.get(project=project)
    assert "共 30 天" in trial.report and "累计访问 900 次" in trial.report
    give_evidence(clerk, project, D(2026, 12, 4), D(2026, 12, 1))
    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 4))
    assert "已提出竣工验收申请" in page, page

    # 验收不通过 → a rectification order (the pack's rule where it has one)
    cases = selectors.checklist_items(project, "acceptance_failure")
    fail = {
        "action": "decide",
        "outcome": "fail",
        "decided_on": "2026-12-10",
        "opinion": "部分功能未达到设计要求，验收不通过。",
        "reasons": cases[:1],
        "rectify_by": "2027-01-20",
    }
    page = act(bureau, project, fail, D(2026, 12, 10))
    assert "验收不通过，已下达整改通知" in page, page
    order = RectificationOrder.objects.get(project=project)
    assert order.due_on == D(2027, 1, 20) and order.owner_unit == project.lead_unit
    expected_rule = {
        "shizuishan": "DL-14",
        "zhanggong": "DL-24",
        "jinxiang": "DL-35",
        "shangcheng": "DL-50",
    }.get(pack, "")
    assert order.rule_id == expected_rule
    # applying again before the rectification is closed is refused
    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 11))
    assert "竣工验收不通过的整改尚未完成" in page
    page = act(
        clerk,
        project,
        {"action": "respond", "order": order.pk, "evidence": "已完成功能修复并经第三方复测通过。"},
        D(2026, 12, 20),
    )
    assert "已报送整改情况" in page
    assert "已复核：整改完成" in act(
        bureau,
        project,
        {"action": "recheck", "order": order.pk, "decision": "close", "note": "同意"},
        D(2026, 12, 21),
    )

    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 22))
    assert "已提出竣工验收申请" in page, page
    passed = {
        "action": "decide",
        "outcome": "pass",
        "decided_on": "2026-12-28",
        "opinion": "整改到位，同意通过竣工验收。",
    }
    assert "已登记：验收通过" in act(bureau, project, passed, D(2026, 12, 28))
    project.refresh_from_db()
    assert project.status == Status.IN_OPERATION
    assert list(AcceptanceApplication.objects.filter(project=project).values_list("status", flat=True)) == [
        "passed",
        "failed",
    ]

    # operation: an O&M filing and an evaluation, where the pack has them
    with clock.frozen_on(D(2027, 1, 10)):
        page = bureau.get(f"/projects/{project.pk}/acceptance/").content.decode()
    assert "运维经费" in page
    filed = 0
    for duty in selectors.operation_duties(project):
        if duty.form is not None:
            values = {f"data_{k}": v for k, v in selectors.evidence_sample(duty.form, D(2027, 1, 5)).items()}
        else:
            values = {"data_content": "已完成年度测评，报告编号 CP-2026-118，结论符合。"}
        data = {
            "action": "om_filing",
            "rule_id": duty.rule.id,
            "year": "2026",
            "filed_on": "2027-01-05",
            **values,
        }
        page = act(clerk, project, data, D(2027, 1, 10))
        assert "已报送：" in page and "（2026年度）" in page, page
        assert Filing.objects.filter(project=project, rule_id=duty.rule.id, due_on=D(2026, 12, 31)).exists()
        assert "2026 年度已报送" in act(clerk, project, data, D(2027, 1, 10))
        filed += duty.form is not None
    assert filed == (1 if pack in {"shucheng", "shizuishan"} else 0)
    for table in selectors.evaluation_tables(project):
        scores = {f"score_{c.code}": "80" for c in table.criteria}
        data = {
            "action": "evaluation",
            "rule_id": table.id,
            "year": "2026",
            "evaluated_on": "2027-01-08",
            **scores,
        }
        assert "已登记绩效评价：合格，加权总分 80.00" in act(bureau, project, data, D(2027, 1, 10))
    for form in selectors.pack_forms(project, "evaluation"):
        values = {f"ev_{k}": v for k, v in selectors.evidence_sample(form, D(2027, 1, 8)).items()}
        data = {
            "action": "evaluation",
            "rule_id": form.id,
            "year": "2026",
            "evaluated_on": "2027-01-08",
            **values,
        }
        who = clerk if _unit_evaluates(project, form) else bureau
        page = act(who, project, data, D(2027, 1, 10))
        assert "已登记" in page and "评价" in page, page
    actions = set(AuditEvent.objects.filter(target_id=str(project.pk)).values_list("action", flat=True))
    assert {
        "acceptance.trial_start",
        "acceptance.apply",
        "acceptance.fail",
        "rectification.close",
        "acceptance.pass",
    } <= actions
    assert ("acceptance.initial" in actions) is selectors.has_stage(project, "INITIAL_ACCEPT")


def _unit_evaluates(project: Project, form: Any) -> bool:
    stage = next(s for s in load_pack(project.pack_code).pack.route if s.id == form.stage)
    return "PROJECT_UNIT" in stage.roles


def test_th33_shangcheng_panel_of_four_is_refused_and_nothing_is_recorded(demo):
    """上城 ¶78 (TH-33): 3 人（含）以上单数; a panel of 4 is refused with the article."""
    project = contracted("shangcheng")
    clerk = client_for("shc_clerk")
    four = [*PANEL, ("赵四", "it", "某公司")]
    page = act(clerk, project, initial(project, four), D(2026, 11, 2))
    assert "未能办理" in page and "单数" in page and "¶78" in page, page
    assert not InitialAcceptance.objects.filter(project=project).exists()
    two = PANEL[:2]
    assert "单数" in act(clerk, project, initial(project, two), D(2026, 11, 2))
    assert "已登记初步验收" in act(clerk, project, initial(project, PANEL), D(2026, 11, 2))


@pytest.mark.parametrize(
    ("end", "blocked"),
    [(D(2026, 12, 2), True), (D(2026, 12, 3), False), (D(2026, 12, 4), False)],  # TH-34 / DL-49: ≥ 30 天
)
def test_th34_shangcheng_trial_run_one_day_short_blocks_the_application(demo, end, blocked):
    project = contracted("shangcheng")
    clerk = client_for("shc_clerk")
    act(clerk, project, initial(project), D(2026, 11, 2))
    run_trial(clerk, project, D(2026, 11, 3), end)
    give_evidence(clerk, project, D(2026, 12, 5), D(2026, 12, 1))
    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 5))
    if blocked:
        assert "不能提出竣工验收申请" in page and "30" in page, page
        assert not AcceptanceApplication.objects.filter(project=project, status="submitted").exists()
    else:
        assert "已提出竣工验收申请" in page, page


@pytest.mark.parametrize(
    ("apply_on", "blocked"),
    [(D(2026, 12, 3), True), (D(2026, 12, 4), False)],  # 舒城 TH-05 / DL-03: 试运行不低于1个月 (from 11-03)
)
def test_dl03_shucheng_application_before_a_month_of_trial_run_is_refused(demo, apply_on, blocked):
    project = contracted("shucheng")
    clerk = client_for("sc_clerk")
    run_trial(clerk, project, D(2026, 11, 3), D(2026, 12, 2))
    give_evidence(clerk, project, apply_on, D(2026, 12, 1))
    page = act(clerk, project, {"action": "apply"}, apply_on)
    assert ("不能提出竣工验收申请" in page) is blocked, page
    assert ("最早可于 2026-12-04 提出申请" in page) is blocked  # the earliest day is named


def _mlps_form(project: Project) -> Any:
    return next(f for f in evidence_forms(project) if any(s.expires for s in f.fields))


def test_expired_mlps_report_blocks_the_application_with_its_article(demo):
    """An 等保测评报告 whose validity ended before the application day does not count (§7.3.2)."""
    project = contracted("zhanggong")
    clerk = client_for("zg_clerk")
    act(
        clerk,
        project,
        initial(project),
        D(2026, 11, 2),
    )
    run_trial(clerk, project, D(2026, 11, 3), D(2026, 12, 3))
    give_evidence(clerk, project, D(2026, 12, 4), D(2026, 12, 1))
    form = _mlps_form(project)
    expires = next(s for s in form.fields if s.expires)
    values = {f"ev_{k}": v for k, v in selectors.evidence_sample(form, D(2026, 12, 1)).items()} | {
        f"ev_{expires.key}": "2026-12-03"
    }
    assert "已保存验收材料" in act(
        clerk, project, {"action": "evidence", "form_id": form.id, **values}, D(2026, 12, 4)
    )
    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 4))
    assert "已过有效期" in page and form.cite.article in page, page
    assert not AcceptanceApplication.objects.filter(status="submitted").exists()


def test_missing_crypto_evaluation_blocks_and_only_the_named_bureau_confirms(demo):
    """章贡 第二十五条(一): 密评 must be given and confirmed by 区委保密和机要局; the finance bureau cannot."""
    project = contracted("zhanggong")
    clerk = client_for("zg_clerk")
    act(
        clerk,
        project,
        initial(project),
        D(2026, 11, 2),
    )
    run_trial(clerk, project, D(2026, 11, 3), D(2026, 12, 3))
    crypto = next(f for f in evidence_forms(project) if f.confirm_by == "CRYPTO")
    for form in evidence_forms(project):
        if form.id == crypto.id:
            continue
        values = {f"ev_{k}": v for k, v in selectors.evidence_sample(form, D(2026, 12, 1)).items()}
        act(clerk, project, {"action": "evidence", "form_id": form.id, **values}, D(2026, 12, 4))
        if form.confirm_by:
            act(
                client_for(CONFIRMERS[form.confirm_by]),
                project,
                {"action": "confirm", "form_id": form.id, "decision": "confirm"},
                D(2026, 12, 4),
            )
    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 4))
    assert f"未提供《{crypto.name}》" in page, page
    values = {f"ev_{k}": v for k, v in selectors.evidence_sample(crypto, D(2026, 12, 1)).items()}
    act(clerk, project, {"action": "evidence", "form_id": crypto.id, **values}, D(2026, 12, 4))
    assert "尚待" in act(clerk, project, {"action": "apply"}, D(2026, 12, 4))
    finance = client_for("zg_finance")
    with clock.frozen_on(D(2026, 12, 4)):
        response = finance.post(
            f"/projects/{project.pk}/acceptance/",
            {"action": "confirm", "form_id": crypto.id, "decision": "confirm"},
        )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="acceptance.confirm_denied", outcome="denied").exists()
    act(
        client_for("zg_co4"),
        project,
        {"action": "confirm", "form_id": crypto.id, "decision": "confirm"},
        D(2026, 12, 4),
    )
    page = act(clerk, project, {"action": "apply"}, D(2026, 12, 4))
    assert "已提出竣工验收申请" in page, re.findall(r"msg-\w+\" role=\"status\">([^<]*)", page)


def test_evidence_dated_in_the_future_is_refused(demo):
    project = contracted("shangcheng")
    clerk = client_for("shc_clerk")
    form = evidence_forms(project)[0]
    dated = next(s for s in form.fields if s.type == "date" and not s.expires)
    values = {f"ev_{k}": v for k, v in selectors.evidence_sample(form, D(2026, 12, 1)).items()} | {
        f"ev_{dated.key}": "2026-12-05"
    }
    page = act(clerk, project, {"action": "evidence", "form_id": form.id, **values}, D(2026, 12, 4))
    assert "不能晚于今天" in page and dated.label in page, page
    assert not AcceptanceApplication.objects.filter(project=project).exclude(evidence={}).exists()


def test_closing_a_rectification_without_evidence_is_refused(demo):
    project = contracted("jinxiang")
    bureau = client_for("jx_reviewer")
    page = act(
        bureau,
        project,
        {"action": "order", "finding": "未按规定报送项目进度情况，资料不全。", "due_on": "2026-12-31"},
        D(2026, 12, 1),
    )
    assert "已下达限期整改通知" in page, page
    order = RectificationOrder.objects.get(project=project)
    page = act(
        bureau,
        project,
        {"action": "recheck", "order": order.pk, "decision": "close", "note": "关闭"},
        D(2026, 12, 2),
    )
    assert "尚未报送整改情况" in page
    order.refresh_from_db()
    assert order.status == "open" and order.closed_on is None


# ------------------------------------------------------------------ sanctions after an overdue rectification


def supervision_order(
    project: Project, reviewer: str, rule_id: str, due: str, day: dt.date
) -> RectificationOrder:
    data = {
        "action": "order",
        "finding": "未按规定共享数据资源，存在重复采集数据。",
        "rule_id": rule_id,
        "due_on": due,
    }
    page = act(client_for(reviewer), project, data, day)
    assert "已下达限期整改通知" in page, page
    return RectificationOrder.objects.filter(project=project).latest("id")


def sanction(order: RectificationOrder, code: str) -> dict[str, Any]:
    return {"action": "sanction", "order": order.pk, "code": code, "reason": "逾期未完成整改，依规处理。"}


@pytest.mark.parametrize(
    ("code", "message", "status"),
    [
        ("CRITICISM", "已执行：通报批评", Status.IN_CONSTRUCTION),
        ("FUNDS_DEFERRED", "已执行：暂缓安排建设或资金计划", Status.IN_CONSTRUCTION),
        ("SUSPEND", "已执行：暂停项目建设", Status.SUSPENDED),
        ("TERMINATE", "已执行：终止项目", Status.TERMINATED),
    ],
)
def test_dl25_zhanggong_overdue_rectification_sanctions(
    demo, django_capture_on_commit_callbacks, code, message, status
):
    """章贡 第三十六条 (DL-25): 逾期不整改的 — 通报批评、暂缓安排建设或资金计划、暂停项目建设，直至终止项目."""
    project = contracted("zhanggong")
    bureau = client_for("zg_reviewer")
    order = supervision_order(project, "zg_reviewer", "DL-25", "2026-12-15", D(2026, 12, 1))
    assert order.rule_id == "DL-25" and order.due_on == D(2026, 12, 15)
    # on the due day it is not overdue yet; the day after it is
    assert "不能采取处理措施" in act(bureau, project, sanction(order, code), D(2026, 12, 15))
    with django_capture_on_commit_callbacks(execute=True):
        page = act(bureau, project, sanction(order, code), D(2026, 12, 16))
    assert message in page, page
    project.refresh_from_db()
    assert project.status == status
    if code == "FUNDS_DEFERRED":
        with clock.frozen_on(D(2026, 12, 17)):
            page = delivery_post(
                client_for("zg_finance"),
                project,
                {
                    "action": "budget",
                    "year": "2027",
                    "document_number": "章财预〔2027〕1号",
                    "approved_on": "2026-12-17",
                    "fund_fiscal": "10",
                },
            )
        assert "不能安排预算：已决定暂缓安排建设或资金计划" in page, page
        assert not project.budgets.exists()
        # once the rectification is closed the funds may be arranged again
        evidence = {"action": "respond", "order": order.pk, "evidence": "已完成数据资源共享整改。"}
        act(client_for("zg_clerk"), project, evidence, D(2026, 12, 18))
        act(bureau, project, {"action": "recheck", "order": order.pk, "decision": "close"}, D(2026, 12, 18))
        with clock.frozen_on(D(2026, 12, 19)):
            page = delivery_post(
                client_for("zg_finance"),
                project,
                {
                    "action": "budget",
                    "year": "2027",
                    "document_number": "章财预〔2027〕1号",
                    "approved_on": "2026-12-19",
                    "fund_fiscal": "10",
                },
            )
        assert "已登记 2027 年度预算安排" in page, page
    if code == "CRITICISM":
        from govit.accounts.models import Notification

        assert Notification.objects.filter(text__startswith="通报批评").exists()


def test_a_sanction_the_pack_does_not_allow_is_refused(demo):
    """上城 DL-51 (¶87) allows only 下架; 暂停建设 under it is refused and nothing changes."""
    project = contracted("shangcheng")
    bureau = client_for("shc_reviewer")
    order = supervision_order(project, "shc_reviewer", "", "2026-12-15", D(2026, 12, 1))
    page = act(bureau, project, sanction(order, "SUSPEND"), D(2026, 12, 20))
    assert "政策包对这项整改允许的处理措施为：无" in page, page
    project.refresh_from_db()
    assert project.status == Status.IN_CONSTRUCTION and not project.sanctions.exists()


def operating(pack: str) -> Project:
    """A project of ``pack`` through 竣工验收 (recorded directly: the route there is tested above)."""
    project = contracted(pack)
    clerk, bureau = client_for(f"{UNITS[pack][0]}_clerk"), client_for(f"{UNITS[pack][0]}_reviewer")
    act(clerk, project, initial(project), D(2026, 11, 2))
    run_trial(clerk, project, D(2026, 11, 3), D(2026, 12, 3))
    give_evidence(clerk, project, D(2026, 12, 4), D(2026, 12, 1))
    act(clerk, project, {"action": "apply"}, D(2026, 12, 4))
    passed = {
        "action": "decide",
        "outcome": "pass",
        "decided_on": "2026-12-10",
        "opinion": "同意通过竣工验收，投入运行。",
    }
    assert "已登记：验收通过" in act(bureau, project, passed, D(2026, 12, 10))
    return project


def test_dl53_shangcheng_low_performance_not_rectified_is_retired_after_the_leader_approves(demo):
    """上城 ¶84 (DL-53): 对低绩且未按期整改的应用…经分管领导审批后强制淘汰."""
    project = operating("shangcheng")
    bureau = client_for("shc_reviewer")
    form = next(f for f in selectors.pack_forms(project, "evaluation") if f.id == "F-004-PERF-EVAL")
    values = {f"ev_{k}": v for k, v in selectors.evidence_sample(form, D(2027, 3, 1)).items()} | {
        "ev_grade": "低绩"
    }
    data = {
        "action": "evaluation",
        "rule_id": form.id,
        "year": "2026",
        "evaluated_on": "2027-03-01",
        **values,
    }
    assert "已登记绩效评价：低绩" in act(bureau, project, data, D(2027, 3, 2))
    order = supervision_order(project, "shc_reviewer", "DL-53", "2027-04-30", D(2027, 3, 2))
    page = act(bureau, project, sanction(order, "RETIRE"), D(2027, 5, 1))
    assert "已报请审批：强制淘汰" in page, page
    project.refresh_from_db()
    assert project.status == Status.IN_OPERATION  # nothing irreversible before the approval
    proposed = project.sanctions.get()
    decide = {
        "action": "sanction_decide",
        "sanction": proposed.pk,
        "decision": "approve",
        "note": "同意强制淘汰",
    }
    with clock.frozen_on(D(2027, 5, 2)):
        denied = bureau.post(f"/projects/{project.pk}/acceptance/", decide)
    assert denied.status_code == 403  # the reviewer is not the 分管领导
    assert "已审批" in act(client_for("shc_leader"), project, decide, D(2027, 5, 2))
    project.refresh_from_db()
    assert project.status == Status.RETIRED
    facts = project_policy_dates(project)
    assert facts["decommissioned"] == "2027-05-02"


def project_policy_dates(project: Project) -> dict[str, Any]:
    from govit.projects.facts import project_facts

    return project_facts(project).model_dump(mode="json")["dates"]


@pytest.mark.parametrize(
    ("today", "new_due", "message"),
    [
        (D(2027, 10, 14), "2027-12-31", "已提出延期验收申请"),  # the day before the contractual date
        (D(2027, 10, 15), "2027-12-31", "已提出延期验收申请"),  # on it
        (D(2027, 10, 16), "2027-12-31", "延期验收须在此之前申请"),  # the day after
        (D(2027, 10, 14), "2027-10-15", "应晚于合同约定的验收时间"),
    ],
)
def test_dl04_shucheng_extension_is_asked_before_the_contractual_acceptance_date(
    demo, today, new_due, message
):
    """舒城 第二十一条 (DL-04): 不能按合同约定时间验收的，提前申请延期验收; the contract (signed 2026-10-15,
    12 months) sets 2027-10-15."""
    project = contracted("shucheng")
    clerk = client_for("sc_clerk")
    data = {"action": "extension", "new_due_on": new_due, "reason": "第三方测评排期推迟，需延后验收。"}
    page = act(clerk, project, data, today)
    assert message in page, page
    if message == "已提出延期验收申请":
        extension = project.acceptance_extensions.get()
        agree = {
            "action": "extension_decide",
            "extension": extension.pk,
            "decision": "agree",
            "note": "同意延期",
        }
        assert "已办理延期验收申请" in act(client_for("sc_reviewer"), project, agree, today)
        assert selectors.contract_acceptance_due(project) == D(2027, 12, 31)


def test_shizuishan_overdue_filing_proposes_a_rectification_order_to_the_bureau(demo):
    """石嘴山 第十八条/第二十四条: a 备案 not made in time (DL-10, on_overdue: propose_rectification) is proposed to
    市数据局 as a 限期整改 under DL-14; nothing is ordered until the bureau confirms."""
    from govit.obligations.services import obligations_scan, obligations_sync

    project = contracted("shizuishan")
    dl10 = next(d for d in project_policy(project)["deadlines"] if d["id"] == "DL-10")
    late = dt.date.fromisoformat(dl10["due"]) + dt.timedelta(days=1)
    with clock.frozen_on(late):
        obligations_sync(project)
        obligations_scan(today=late)
        overview = client_for("szs_reviewer").get("/obligations/").content.decode()
    assert (
        "政策包提出限期整改建议" in overview
        and f"/projects/{project.pk}/acceptance/?propose=DL-10" in overview
    )
    assert not RectificationOrder.objects.exists()
    with clock.frozen_on(late):
        page = (
            client_for("szs_reviewer")
            .get(f"/projects/{project.pk}/acceptance/?propose=DL-10")
            .content.decode()
        )
    assert "政策包提出限期整改建议" in page and "逾期未办理" in page
    data = {
        "action": "order",
        "source": "obligation",
        "finding": f"{dl10['name']}（应于 {dl10['due']} 前）逾期未办理",
        "rule_id": "DL-14",
        "due_on": (late + dt.timedelta(days=15)).isoformat(),
    }
    assert "已下达限期整改通知" in act(client_for("szs_reviewer"), project, data, late)
    order = RectificationOrder.objects.get(project=project)
    assert (order.source, order.rule_id, order.issuer.name) == ("obligation", "DL-14", "石嘴山市数据局")


def test_dl51_shangcheng_data_not_shared_rectified_in_three_months_or_delisted(demo):
    """上城 ¶87 (DL-51): 不按照数据共享规范要求共享目录资源的…应在3个月内完成整改，未完成整改的，予以下架."""
    project = operating("shangcheng")
    clerk, bureau = client_for("shc_clerk"), client_for("shc_reviewer")
    entry = {
        "action": "data_resource",
        "kind": "catalogue",
        "name": "学生学籍信息",
        "description": "姓名、学籍号、学校、年级",
        "share_mode": "conditional",
        "shared_on": "2026-12-20",
    }
    assert "已登记信息资源目录：学生学籍信息" in act(clerk, project, entry, D(2026, 12, 21))
    assert "已登记" in act(clerk, project, entry, D(2026, 12, 21)) and project.data_resources.count() == 1
    check = {
        "action": "sharing_check",
        "decision": "noncompliant",
        "note": "目录资源未按规范挂接，数据未更新。",
    }
    assert "未按规定共享" in act(bureau, project, check, D(2027, 1, 12))
    order = {"action": "order", "finding": "目录资源未按规范共享，须整改。", "rule_id": "DL-51"}
    page = act(bureau, project, order, D(2027, 1, 12))
    assert "整改期限 2027-04-12" in page, re.findall(
        r"msg-\w+\" role=\"status\">([^<]*)", page
    )  # 3 months on
    order = RectificationOrder.objects.get(project=project)
    later = {
        "action": "order",
        "finding": "再次下达，期限延后一个月。",
        "rule_id": "DL-51",
        "due_on": "2027-05-12",
    }
    assert "不能晚于政策包规定的 2027-04-12" in act(bureau, project, later, D(2027, 1, 12))
    assert "不能采取处理措施" in act(bureau, project, sanction(order, "DELIST"), D(2027, 4, 12))
    assert "已执行：下架" in act(bureau, project, sanction(order, "DELIST"), D(2027, 4, 13))
    project.refresh_from_db()
    assert project.status == Status.RETIRED


def test_zhanggong_data_not_shared_means_no_om_funds_with_its_article(demo):
    """章贡 第三十三条 (RJ-60): 未按要求共享数据资源的，原则上不安排运维经费 — shown on the project, cited."""
    project = operating("zhanggong")
    bureau = client_for("zg_reviewer")
    page = act(bureau, project, {"action": "sharing_check", "decision": "compliant"}, D(2026, 12, 20))
    assert "未发现政策包规定的不予安排情形" in page
    check = {
        "action": "sharing_check",
        "decision": "noncompliant",
        "note": "未按要求共享数据资源，存在重复采集。",
    }
    page = act(bureau, project, check, D(2026, 12, 21))
    assert "运维经费：不符合安排条件" in page and "第三十三条" in page, page
    assert "请填写核查意见" in act(
        bureau, project, {"action": "sharing_check", "decision": "noncompliant"}, D(2026, 12, 21)
    )


@pytest.mark.parametrize(
    ("today", "banned"),
    [(D(2027, 12, 31), False), (D(2028, 1, 1), True), (D(2028, 12, 31), True), (D(2029, 1, 1), False)],
)
def test_th38_shangcheng_app_stopped_within_two_years_bars_next_years_declarations(demo, today, banned):
    """上城 ¶89 (TH-38, RJ-105): 应用建成使用不满两年而停用的，取消该单位下一年度的项目申报资格 — read as the
    declarations made in the calendar year after it was stopped (2027 → 2028); other units are not affected."""
    from govit.projects.services import declaration_check, project_create

    project = operating("shangcheng")  # in use from 2026-12-10
    bureau = client_for("shc_reviewer")
    act(
        bureau,
        project,
        {"action": "sharing_check", "decision": "noncompliant", "note": "目录资源长期未更新共享。"},
        D(2027, 1, 12),
    )
    order = supervision_order(project, "shc_reviewer", "DL-51", "", D(2027, 1, 12))
    assert "已执行：下架" in act(bureau, project, sanction(order, "DELIST"), D(2027, 4, 13))
    clerk = User.objects.get(username="shc_clerk")
    with clock.frozen_on(today):
        draft = project_create(
            actor=clerk,
            lead_unit=project.lead_unit,
            fields={
                "name": "新建教育数据平台",
                "year": today.year + 1,
                "nature": "NEW",
                "cost_engineering": 1_000_000,
                "fund_fiscal": 1_000_000,
                "summary": "说明",
                "content": "内容",
            },
        )
        problems = [message for field, message in declaration_check(draft) if field == "lead_unit"]
    assert bool(problems) is banned, problems
    if banned:
        assert "¶89" in problems[0] and "上城区教育局教学管理平台" in problems[0]


@pytest.mark.parametrize(("pack", "refused"), [("shucheng", False), ("shangcheng", True)])
def test_the_trial_run_waits_for_a_passed_initial_acceptance_where_the_pack_has_one(demo, pack, refused):
    """上城 ¶78: 初验通过后开展试运行; 舒城 第二十条 has no 初验 — the trial run follows construction, and the page
    does not offer one."""
    project = contracted(pack)
    clerk = client_for(f"{UNITS[pack][0]}_clerk")
    page = act(clerk, project, {"action": "trial_start", "started_on": "2026-11-03"}, D(2026, 11, 3))
    assert ("初步验收通过后方可开始试运行" in page) is refused, page
    assert ('id="initial"' in page) is refused
    assert TrialRun.objects.filter(project=project).exists() is not refused
