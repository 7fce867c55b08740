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
from govit.audit.models import AuditEvent
from govit.core import clock
from govit.delivery.models import Filing
from govit.delivery.tests.test_delivery import UNITS, approved_project, client_for, contract, procure
from govit.delivery.tests.test_delivery import post as delivery_post
from govit.policies.engine import load_pack
from govit.projects.choices import Status
from govit.projects.models import Project

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


def valid_values(form: Any, issued: dt.date) -> dict[str, str]:
    """Values that meet an evidence or evaluation form of any pack: dates ``issued`` (validity a year on),
    the first choice that does not block, every confirmation ticked."""
    values: dict[str, str] = {}
    for spec in form.fields:
        if spec.type == "file":
            continue
        if spec.type == "date":
            values[spec.key] = (issued + dt.timedelta(days=365) if spec.expires else issued).isoformat()
        elif spec.type == "choice":
            values[spec.key] = next(c for c in spec.choices if c not in spec.blocking)
        elif spec.type == "bool":
            values[spec.key] = "on"
        elif spec.type == "int":
            values[spec.key] = "3" if "level" in spec.key else str(issued.year)
        elif spec.type in {"money_yuan", "money_wan"}:
            values[spec.key] = "100000"
        elif spec.type == "longtext":
            values[spec.key] = "按要求完成，运行情况良好，资料齐全。"
        else:
            values[spec.key] = "某某单位 2026-001"
    return values


def evidence_forms(project: Project) -> list[Any]:
    return selectors.pack_forms(project, "acceptance_evidence")


def give_evidence(clerk: Client, project: Project, day: dt.date, issued: dt.date) -> None:
    for form in evidence_forms(project):
        values = {f"ev_{k}": v for k, v in valid_values(form, issued).items()}
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
    assert "已登记初步验收" in act(
        clerk,
        project,
        initial(project),
        D(2026, 11, 2),
    )
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
    for form in selectors.pack_forms(project, "filing"):
        if not selectors.is_operation_stage(project, form.stage):
            continue
        for rule_id in form.fulfils:
            values = {f"data_{k}": v for k, v in valid_values(form, D(2027, 1, 5)).items()}
            data = {
                "action": "om_filing",
                "rule_id": rule_id,
                "year": "2026",
                "filed_on": "2027-01-05",
                **values,
            }
            page = act(clerk, project, data, D(2027, 1, 10))
            assert "已报送 2026 年度运维备案" in page, page
            assert Filing.objects.filter(project=project, rule_id=rule_id, due_on=D(2026, 12, 31)).exists()
            page = act(clerk, project, data, D(2027, 1, 10))
            assert "2026 年度已备案" in page
            filed += 1
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
        values = {f"ev_{k}": v for k, v in valid_values(form, D(2027, 1, 8)).items()}
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
        "acceptance.initial",
        "acceptance.apply",
        "acceptance.fail",
        "rectification.close",
        "acceptance.pass",
    } <= actions


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
    act(clerk, project, initial(project), D(2026, 11, 2))
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
    values = {f"ev_{k}": v for k, v in valid_values(form, D(2026, 12, 1)).items()} | {
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
        values = {f"ev_{k}": v for k, v in valid_values(form, D(2026, 12, 1)).items()}
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
    values = {f"ev_{k}": v for k, v in valid_values(crypto, D(2026, 12, 1)).items()}
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
    values = {f"ev_{k}": v for k, v in valid_values(form, D(2026, 12, 1)).items()} | {
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
