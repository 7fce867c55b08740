"""After 立项, through the pages, on the demo world: the unit records its procurement, registers the contract
(checked against the pack's clause rules, catalogue §7.6), and pays in stages; deadlines follow from the
recorded dates (金乡 DL-29 合同 within 10 working days of the award notice, across the 2026 National Day
holiday and its 调休 Saturday 2026-10-10)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from govit.accounts.models import User
from govit.audit.models import AuditEvent
from govit.core import clock
from govit.delivery.models import Contract, Payment, Procurement
from govit.experts.models import ProjectVendor
from govit.portal.demo import demo_load
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import declaration_forms, sample_values
from govit.projects.policy import project_policy
from govit.projects.services import project_create
from govit.workflow.models import ProjectApproval

ALL_CLAUSES = [
    "ip_clause",
    "data_ownership_clause",
    "source_code_clause",
    "confidentiality_clause",
    "security_liability_clause",
    "overrun_penalty_clause",
    "acceptance_standard_clause",
    "payment_schedule_clause",
    "data_three_lists",
]
UNITS = {
    "shucheng": ("sc", "舒城县教育局"),
    "shizuishan": ("szs", "石嘴山市教育局"),
    "zhanggong": ("zg", "章贡区教育局"),
    "jinxiang": ("jx", "金乡县教育和体育局"),
    "shangcheng": ("shc", "上城区教育局"),
}


@pytest.fixture
def demo(db: Any, media_root: Any) -> None:
    demo_load(projects=False)  # the demo's people; each test makes its own projects


def approved_project(
    pack: str,
    *,
    category: str = "ENGINEERING",
    approved_on: dt.date = dt.date(2026, 9, 1),
    total_yuan: int = 3_000_000,
    om_yuan: int = 0,
) -> Project:
    """A 300万 project (or ``total_yuan``) of ``pack``'s demo unit, granted 立项 on ``approved_on`` (the
    route to it is tested in workflow)."""
    prefix, unit_name = UNITS[pack]
    clerk = User.objects.get(username=f"{prefix}_clerk")
    unit = clerk.primary_organisation
    assert unit is not None and unit.name == unit_name
    project = project_create(
        actor=clerk,
        lead_unit=unit,
        fields={
            "name": f"{unit_name}教学管理平台",
            "year": 2027,
            "nature": "NEW",
            "procurement_category": category,
            "summary": "建设教学管理平台。",
            "content": "平台开发、部署上云。",
            "cost_engineering": total_yuan - om_yuan,
            "cost_om": om_yuan,
            "fund_fiscal": total_yuan,
            "deploys_on_gov_cloud": True,
        },
    )
    project.form_data = {form.id: sample_values(project, form) for form in declaration_forms(project)}
    project.status = Status.APPROVED
    project.save()
    ProjectApproval.objects.create(
        project=project,
        approval_number=f"{prefix}〔2026〕{project.pk}号",
        approved_budget_yuan=min(2_800_000, total_yuan),
        approved_on=approved_on,
        decided_by_body="集体决策",
        stage_id="approval",
        recorded_by=User.objects.get(username=f"{prefix}_reviewer"),
        recorded_at=clock.now(),
    )
    return project


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def post(client: Client, project: Project, data: dict[str, Any]) -> str:
    response = client.post(f"/projects/{project.pk}/delivery/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


PROCUREMENT = {
    "action": "procurement",
    "route": "GOV_PROCUREMENT",
    "method": "open_tender",
    "tender_on": "2026-09-20",
    "award_notice_on": "2026-09-28",
    "supplier_name": "某某信息技术有限公司",
}


SUPERVISION = {
    **PROCUREMENT,
    "lot": "supervision",
    "tender_on": "2026-09-20",
    "award_notice_on": "2026-09-24",
    "supplier_name": "某某工程监理有限公司",
}


def procure(client: Client, project: Project, **overrides: str) -> str:
    """The project's procurement, then its 监理 tendered on its own and the 监理 contract (舒城 TH-03 ≥ 100万,
    上城 RJ-106 ¶55); returns the page after the project's procurement."""
    page = post(client, project, {**PROCUREMENT, **overrides})
    assert "已登记监理采购结果" in post(client, project, SUPERVISION)
    supervised = contract(
        kind="supervision",
        number="JL-2026-001",
        supplier_name="某某工程监理有限公司",
        signed_on="2026-09-25",
        amount="10",
    )
    assert "已登记合同 JL-2026-001" in post(client, project, supervised)
    return page


def contract(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "contract",
        "kind": "main",
        "number": "HT-2026-001",
        "supplier_name": "某某信息技术有限公司",
        "signed_on": "2026-10-15",
        "amount": "250",
        "implementation_months": "12",
        "warranty_months": "24",
        "free_om_months": "36",
        **{f"clause_{code}": "on" for code in ALL_CLAUSES},
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def payment(
    contract_pk: int, amount_wan: str, milestone: str, *, batch: int = 1, **report: str
) -> dict[str, Any]:
    """A payment as posted, with the 资金支付报备单 the 上城 pack asks for (¶58; ignored elsewhere)."""
    return {
        "action": "payment",
        "contract": contract_pk,
        "paid_on": "2026-11-02",
        "amount": amount_wan,
        "milestone": milestone,
        "report_payment_batch": str(batch),
        "report_amount": str(int(Decimal(amount_wan) * 10_000)),
        "report_condition_met": "on",
        **report,
    }


@pytest.mark.parametrize("pack", list(UNITS))
def test_procurement_contract_and_payments_through_the_page(demo, pack):
    project = approved_project(pack)
    clerk = client_for(f"{UNITS[pack][0]}_clerk")
    assert "已登记采购结果" in procure(clerk, project)
    assert ProjectVendor.objects.filter(project=project, role="winner", name="某某信息技术有限公司").exists()
    page = post(clerk, project, contract())
    assert "已登记合同 HT-2026-001" in page, page
    assert f"<title>采购与合同 · {project.name} · 政务信息化项目管理系统</title>" in page
    project.refresh_from_db()
    assert project.status == Status.IN_CONSTRUCTION
    registered = Contract.objects.get(project=project, kind="main")
    for batch, (milestone, amount) in enumerate(
        (("合同签订后首付 30%", "75"), ("初验合格后付至 60%", "75")), 1
    ):
        page = post(clerk, project, payment(registered.pk, amount, milestone, batch=batch))
        assert "已登记支付" in page, page
    assert sum(p.amount_yuan for p in Payment.objects.filter(contract=registered)) == 1_500_000
    assert "已付 150.00 万元，未付 100.00 万元" in page
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(project.pk),
            action__in=["procurement.record", "contract.register", "payment.record"],
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "procurement.record",
        "procurement.record",
        "contract.register",
        "contract.register",
        "payment.record",
        "payment.record",
    ]
    facts = project_policy(project)
    assert facts.get("error") is None


@pytest.mark.parametrize(
    ("signed_on", "status"),
    [
        ("2026-10-15", "met"),  # the day before the deadline
        ("2026-10-16", "met"),  # DL-29: 10 working days after 09-28 → 10-16 (10-01…07 off, 10-10 Sat worked)
        ("2026-10-19", "late"),  # the next working day after it
    ],
)
def test_dl29_jinxiang_contract_within_ten_working_days_of_the_award(demo, signed_on, status):
    project = approved_project("jinxiang", category="SERVICE")
    clerk = client_for("jx_clerk")
    procure(clerk, project, tender_on="2026-09-21")
    deadline = next(d for d in project_policy(project)["deadlines"] if d["id"] == "DL-29")
    assert deadline["due"] == "2026-10-16"
    post(clerk, project, contract(signed_on=signed_on, free_om_months=None))
    deadline = next(d for d in project_policy(project)["deadlines"] if d["id"] == "DL-29")
    assert deadline["status"] == status


@pytest.mark.parametrize(
    ("pack", "change", "message"),
    [
        ("shucheng", {"clause_data_three_lists": None}, "三清单"),  # RJ-17 第十八条
        ("zhanggong", {"clause_ip_clause": None}, "知识产权"),  # 第二十七条
        ("jinxiang", {"clause_source_code_clause": None}, "源代码"),  # RJ-83 第二十三条
        ("jinxiang", {"implementation_months": "37"}, "实施周期超过3年"),  # RJ-83-period: ≤ 3 年 (第三十条)
        ("shizuishan", {"free_om_months": "35"}, "免费运维期"),  # RJ-30 / TH-12 第十四条
    ],
)
def test_a_contract_breaking_a_hard_rule_is_refused(demo, pack, change, message):
    project = approved_project(pack)
    clerk = client_for(f"{UNITS[pack][0]}_clerk")
    procure(clerk, project)
    page = post(clerk, project, contract(**change))
    assert "未能登记：合同不符合刚性规定" in page and message in page, page
    assert not Contract.objects.filter(kind="main").exists()
    assert Project.objects.get(pk=project.pk).status == Status.APPROVED


@pytest.mark.parametrize(
    ("warranty", "asks"), [("23", True), ("24", False), ("25", False)]
)  # 金乡 DL-32 ≥ 2 年
def test_a_soft_rule_needs_a_reason(demo, warranty, asks):
    project = approved_project("jinxiang")
    clerk = client_for("jx_clerk")
    procure(clerk, project)
    page = post(clerk, project, contract(warranty_months=warranty))
    if not asks:
        assert "已登记合同" in page
        return
    assert "属原则性要求，请说明理由" in page and "以下原则性要求未满足" in page
    assert not Contract.objects.filter(kind="main").exists()
    asked = sorted(set(re.findall(r'name="reason_([^"]+)"', page)))
    assert asked == ["DL-32", "RJ-83-warranty"]  # the validation and the finding on 质保期 (第三十条)
    text = "供应商另行承诺原厂保修延长，质保期差一个月由保修协议补足。"
    page = post(
        clerk, project, {**contract(warranty_months=warranty), **{f"reason_{r}": text for r in asked}}
    )
    assert "已登记合同" in page
    assert Contract.objects.get(kind="main").reasons == {rule: text for rule in asked}


# ------------------------------------------------------------------ 监理 (舒城 TH-03 / RJ-15, 上城 RJ-106)


def test_shangcheng_government_procurement_needs_a_separately_tendered_supervisor(demo):
    """上城 ¶55: 纳入政府采购的项目实行工程监理制，项目监理独立招标 — signing the main contract closes the
    procurement, so it is refused until the 监理 has its own procurement and contract."""
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    page = post(clerk, project, PROCUREMENT)
    assert "纳入政府采购的项目须实行工程监理制" in page  # shown before the contract is due
    refused = post(clerk, project, contract())
    assert "未能登记：采购不符合刚性规定：纳入政府采购的项目须实行工程监理制" in refused and "¶55" in refused
    assert not Contract.objects.exists()
    supervised = contract(
        kind="supervision", number="JL-1", supplier_name="某某工程监理有限公司", amount="10"
    )
    assert "已登记合同 JL-1" in post(clerk, project, supervised)
    assert "采购不符合刚性规定" in post(clerk, project, contract())  # a 监理 contract without its own tender
    assert "已登记监理采购结果" in post(clerk, project, SUPERVISION)
    assert "已登记合同 HT-2026-001" in post(clerk, project, contract())
    assert "须实行工程监理制" not in post(clerk, project, {})


def test_shangcheng_small_procurement_needs_no_supervisor(demo):
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    post(clerk, project, {**PROCUREMENT, "route": "SMALL_PUBLIC_RESOURCE", "method": "inquiry"})
    assert "已登记合同 HT-2026-001" in post(clerk, project, contract())


@pytest.mark.parametrize(
    ("total_yuan", "asks"),
    [(999_999, False), (1_000_000, True), (1_000_001, True)],  # TH-03: 投资预算达到100万元及以上 (含)
)
def test_shucheng_a_million_or_more_asks_for_a_supervisor_or_a_reason(demo, total_yuan, asks):
    """舒城 第十七条 is 原则上 (soft): without a 监理 contract the unit gives its reason when it signs."""
    project = approved_project("shucheng", total_yuan=total_yuan)
    clerk = client_for("sc_clerk")
    post(clerk, project, PROCUREMENT)
    page = post(clerk, project, contract(amount="50"))
    if not asks:
        assert "已登记合同 HT-2026-001" in page
        return
    assert "须引入监理" in page and 'name="reason_RJ-15"' in page
    assert not Contract.objects.exists()
    reason = "项目以设备采购为主，经县数管局同意不单独引入监理。"
    page = post(clerk, project, {**contract(amount="50"), "reason_RJ-15": reason})
    assert "已登记合同 HT-2026-001" in page
    assert Contract.objects.get().reasons == {"RJ-15": reason}


def test_the_supervisor_is_not_the_contractor(demo):
    project = approved_project("shucheng")
    clerk = client_for("sc_clerk")
    post(clerk, project, PROCUREMENT)
    same = {**SUPERVISION, "supplier_name": PROCUREMENT["supplier_name"]}
    page = post(clerk, project, same)
    assert "已是本项目的中标（成交）供应商，不能同时承担监理" in page
    assert list(Procurement.objects.values_list("lot", flat=True)) == ["main"]
    page = post(clerk, project, contract(kind="supervision", number="JL-1", amount="10"))
    assert "不能同时承担监理" in page and not Contract.objects.exists()
    assert "该项目已登记项目采购结果" in post(clerk, project, PROCUREMENT)


def test_bad_payments_and_dates_change_nothing(demo):
    project = approved_project("shucheng")
    clerk = client_for("sc_clerk")
    procure(clerk, project)
    assert "不能早于中标（成交）通知书日期" in post(clerk, project, contract(signed_on="2026-09-27"))
    before_approval = approved_project("jinxiang", approved_on=dt.date(2026, 10, 1))
    jx = client_for("jx_clerk")
    assert "不得未批先建" in post(jx, before_approval, {**PROCUREMENT, "tender_on": "2026-09-20"})
    assert not Procurement.objects.filter(project=before_approval).exists()
    post(clerk, project, contract())
    registered = Contract.objects.get(project=project, kind="main")
    page = post(
        clerk,
        project,
        {
            "action": "payment",
            "contract": registered.pk,
            "paid_on": "2026-11-02",
            "amount": "250.0001",
            "milestone": "全款",
        },
    )
    assert "支付金额超过合同剩余未付金额 250.00 万元" in page
    page = post(
        clerk,
        project,
        {
            "action": "payment",
            "contract": registered.pk,
            "paid_on": "2026-10-14",
            "amount": "10",
            "milestone": "预付",
        },
    )
    assert "支付日期不能早于合同签订日期" in page
    assert "不能超过批复投资" not in page
    assert "合同金额合计 300.00 万元超过批复投资 280.00 万元" in post(
        clerk, project, contract(number="HT-2026-002", kind="other", amount="40")
    )
    assert not Payment.objects.exists() and Contract.objects.count() == 2


PLAN = "合同签订后 30%\n初验合格后 40%\n终验合格后 30%"


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("合同签订后 30%\n初验合格后 40%\n终验合格后 29%", "付款计划各节点比例合计应为 100%（现为 99%）"),
        ("合同签订后 30%\n初验合格后 70.001%", "付款计划第 2 行应写作“节点名称 比例%”"),
        ("合同签订后 50%\n合同签订后 50%", "付款计划中支付节点“合同签订后”重复"),
        ("合同签订后 0%\n初验合格后 100%", "支付节点“合同签订后”的比例应大于 0"),
    ],
)
def test_a_bad_payment_plan_changes_nothing(demo, plan, message):
    project = approved_project("jinxiang")
    clerk = client_for("jx_clerk")
    procure(clerk, project)
    assert message in post(clerk, project, contract(payment_plan=plan))
    assert not Contract.objects.filter(kind="main").exists()


@pytest.mark.parametrize(
    ("amount_wan", "paid"),
    [("74.9999", True), ("75", True), ("75.0001", False)],  # 30% of 250万 = 75万
)
def test_payments_follow_the_contracts_staged_plan(demo, amount_wan, paid):
    """上城 ¶64 资金分批支付的条件及比例: each milestone pays at most its share of the contract."""
    project = approved_project("jinxiang")
    clerk = client_for("jx_clerk")
    procure(clerk, project)
    assert "已登记合同" in post(clerk, project, contract(payment_plan=PLAN))
    registered = Contract.objects.get(kind="main")
    assert [step["percent"] for step in registered.payment_plan] == ["30", "40", "30"]
    page = post(clerk, project, payment(registered.pk, amount_wan, "合同签订后"))
    if paid:
        assert "已登记支付" in page and "尚可支付" in page
        return
    assert "“合同签订后”节点按合同计划支付 75.00 万元（30%），已付 0.00 万元，本次最多 75.00 万元" in page
    assert "请选择合同付款计划中的支付节点" in post(clerk, project, payment(registered.pk, "10", "预付款"))
    assert not Payment.objects.exists()


def test_other_units_and_bureaus_cannot_record(demo):
    project = approved_project("shucheng")
    other_unit = client_for("sc_clerk2")  # 舒城县卫生健康委员会
    assert other_unit.post(f"/projects/{project.pk}/delivery/", PROCUREMENT).status_code == 404
    assert AuditEvent.objects.filter(action="project.view_denied", target_id=str(project.pk)).exists()
    reviewer = client_for("sc_reviewer")
    assert reviewer.post(f"/projects/{project.pk}/delivery/", PROCUREMENT).status_code == 403
    denied = AuditEvent.objects.get(action="procurement.record_denied")
    assert denied.outcome == "denied" and denied.after["reason"] == "只有项目建设单位可以登记"
    assert not Procurement.objects.exists()


# ------------------------------------------------------------------ 变更 (上城 ¶75–76, TH-29…TH-31)


def change(new_total: str, **overrides: Any) -> dict[str, Any]:
    return {
        "action": "change",
        "kinds": ["budget", "scope"],
        "description": "经论证压减部分硬件采购，改用政务云资源。",
        "new_total": new_total,
        **overrides,
    }


@pytest.mark.parametrize(
    ("new_total", "stage", "status"),
    [
        ("280", "CHG-004-INTERNAL", "submitted"),  # no cut (0%): 内控 + 备案
        ("238", "CHG-004-INTERNAL", "submitted"),  # TH-29: a cut of exactly 15% of 280万
        ("237.9999", "CHG-004-FORMAL", "submitted"),  # TH-30: 15% + 1 元 → 申请 + 专家论证
        ("280.0001", "CHG-004-REDECLARE", "redeclare"),  # TH-31: budget + 1 元 → 重新申报立项
    ],
)
def test_shangcheng_change_routing_boundaries(demo, new_total, stage, status):
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    page = post(clerk, project, change(new_total))
    recorded = project.change_requests.get()
    assert (recorded.route_stage_id, recorded.status) == (stage, status), page
    assert recorded.baseline_yuan == 2_800_000 and "¶7" in recorded.cite
    if status == "redeclare":
        assert "应重新申报立项" in page
        reviewer = client_for("shc_reviewer")
        page = post(
            reviewer,
            project,
            {"action": "change_decide", "change": recorded.pk, "decision": "agree", "note": "同意"},
        )
        assert "应重新申报立项" in page
        assert project.change_requests.get().status == "redeclare"


def test_an_agreed_change_becomes_the_budget_in_force(demo):
    """金乡 第三十三条 (A-JX-06: any change of goal, place, budget, content or schedule is 较大变化): the
    change goes to the 项目审批部门 again; the bureau agrees only with its adjustment approval."""
    project = approved_project("jinxiang")
    clerk = client_for("jx_clerk")
    page = post(clerk, project, change("200"))
    recorded = project.change_requests.get()
    assert recorded.route_stage_id == "CHG-003-REAPPROVE" and recorded.needs_reapproval
    assert recorded.reduction_pct == Decimal("28.5714") and "第三十三条" in recorded.cite
    assert {d["code"] for d in recorded.required_documents} >= {"change_request"}  # 调整申请
    assert "已提交变更申请，办理方式：较大变化：事先向项目审批部门提交调整申请" in page
    assert "有一项变更尚在办理" in post(clerk, project, change("190"))
    reviewer = client_for("jx_reviewer")
    agree = {"action": "change_decide", "change": recorded.pk, "decision": "agree", "note": "同意变更"}
    page = post(reviewer, project, agree)
    assert "请填写项目审批部门的调整批复文号" in page
    assert project.change_requests.get().status == "submitted"
    today = clock.today()
    agree |= {"reapproval_number": "金发改投资〔2026〕88号", "reapproved_on": today.isoformat()}
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "调整批复日期不能晚于今天" in post(reviewer, project, {**agree, "reapproved_on": tomorrow})
    page = post(reviewer, project, agree)
    assert "已办理变更" in page and "现行批复投资 200.00 万元" in page
    assert "调整批复 金发改投资〔2026〕88号" in page
    assert (
        AuditEvent.objects.get(action="change.approve").after["reapproval_number"] == "金发改投资〔2026〕88号"
    )
    procure(clerk, project)
    assert "合同金额合计 260.00 万元超过批复投资 200.00 万元" in post(clerk, project, contract())
    events = AuditEvent.objects.filter(action__in=["change.submit", "change.approve"]).order_by("seq")
    assert [e.action for e in events] == ["change.submit", "change.approve"]


def test_shizuishan_files_again_within_a_month_of_each_change(demo):
    """石嘴山 DL-11 (第十八条(一)): 备案信息发生变更后，应在一个月内更新备案信息 — after every change."""
    project = approved_project("shizuishan")
    clerk, reviewer = client_for("szs_clerk"), client_for("szs_reviewer")
    agree = {"action": "change_decide", "decision": "agree", "note": "同意，予以备案"}

    def changed_on(day: dt.date, new_total: str) -> None:
        with clock.frozen_on(day):
            post(clerk, project, change(new_total))
            recorded = project.change_requests.latest("id")
            assert recorded.route_stage_name == "报主管部门备案" and not recorded.needs_reapproval
            assert "已办理变更" in post(reviewer, project, {**agree, "change": recorded.pk})

    def dl11() -> dict[str, Any]:
        return next(d for d in project_policy(project)["deadlines"] if d["id"] == "DL-11")

    changed_on(dt.date(2026, 10, 9), "270")
    assert (dl11()["due"], dl11()["status"]) == ("2026-11-09", "overdue")  # 10-09 + 1 month, a Monday
    page = post(clerk, project, {})
    assert 'value="DL-11"' in page and "备案信息变更后一个月内更新" in page
    filing = {"action": "filing", "rule_id": "DL-11", "content": "投资调减至270万元，已更新备案信息"}
    assert "已备案：备案信息变更后一个月内更新（逾期）" in post(
        clerk, project, {**filing, "filed_on": "2026-11-10"}
    )
    assert dl11()["status"] == "late"
    changed_on(dt.date(2026, 11, 20), "260")  # a second change: the filing is due again
    assert (dl11()["due"], dl11()["status"]) == ("2026-12-21", "open")  # 12-20 is a Sunday → Monday
    page = post(clerk, project, {**filing, "filed_on": "2026-11-23"})
    assert "已备案：备案信息变更后一个月内更新" in page and "（逾期）" not in page.split("已备案")[1][:40]
    assert dl11()["status"] == "met"
    assert list(project.filings.values_list("rule_id", "filed_on")) == [
        ("DL-11", dt.date(2026, 11, 10)),
        ("DL-11", dt.date(2026, 11, 23)),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new_total": "0"}, "变更后投资须大于 0"),
        ({"new_total": "-1"}, "金额不能为负数"),
        ({"kinds": []}, "请选择变更事项"),
        ({"description": ""}, "变更内容及理由"),
    ],
)
def test_bad_change_requests_change_nothing(demo, fields, message):
    project = approved_project("shangcheng")
    page = post(client_for("shc_clerk"), project, {**change("250"), **fields})
    assert message in page
    assert not project.change_requests.exists()


def test_only_the_bureau_decides_a_change(demo):
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    post(clerk, project, change("250"))
    recorded = project.change_requests.get()
    response = clerk.post(
        f"/projects/{project.pk}/delivery/",
        {"action": "change_decide", "change": recorded.pk, "decision": "agree", "note": "自己同意"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="change.decide_denied").exists()
    assert project.change_requests.get().status == "submitted"


# ------------------------------------------------------------------ the whole way after 立项, per pack

# Hand-computed from the 2026 calendar: 10-01…10-07 National Day (and 09-25 中秋) off, Saturday 10-10 worked.
FILINGS = {
    "shucheng": {},
    "shizuishan": {"DL-10": "2026-10-28"},  # 完成招标后一个月内备案 (09-28 + 1 month, a Wednesday)
    "zhanggong": {},
    "jinxiang": {"DL-30": "2026-10-16"},  # 10 working days after 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 …
    "shangcheng": {"DL-44-contract": "2026-10-10"},  # 5 working days: 09-29, 09-30, 10-08, 10-09, 10-10 (Sat)
}


# The pack's filing form where it has one (石嘴山 第十八条(二)1 新建类, 上城 ¶57); free text elsewhere.
BUILD_FILING = {
    "data_main_functions": "教学资源管理、排课、学情分析",
    "data_winner": "某某信息技术有限公司",
    "data_settlement_amount": "250",
    "data_approval_department": "石嘴山市数据局",
    "data_fund_source": "市本级财政资金",
    "data_resource_catalog": "学籍信息、课程信息",
    "data_sharing": "学籍信息向市共享平台开放",
    "data_mlps_filing": "第二级，已备案",
    "data_crypto": "采用商用密码 SM2/SM4",
    "data_security_assessment": "已完成上线前安全评估",
}
FILING_DATA = {
    "shizuishan": BUILD_FILING,
    "shangcheng": {"data_document_name": "项目合同", "data_generated_on": "2026-09-28"},
}


@pytest.mark.parametrize("pack", list(UNITS))
def test_after_approval_through_the_pages(demo, pack):
    """Procurement, contract, the filings the pack asks for (due dates hand-computed), two monthly progress
    reports where the pack wants them (上城 DL-46), one change, one payment."""
    project = approved_project(pack)
    prefix = UNITS[pack][0]
    clerk = client_for(f"{prefix}_clerk")
    procure(clerk, project, award_notice_on="2026-09-28")
    assert "已登记合同" in post(clerk, project, contract(signed_on="2026-09-28"))
    page = post(clerk, project, {})
    for rule_id, due in FILINGS[pack].items():
        assert f'value="{rule_id}"' in page and due in page
        page = post(
            clerk,
            project,
            {
                "action": "filing",
                "rule_id": rule_id,
                "filed_on": due,
                "content": "合同文本及附件已报送",
                **FILING_DATA.get(pack, {}),
            },
        )
        assert "已备案" in page and "（逾期）" not in page
        deadline = next(d for d in project_policy(project)["deadlines"] if d["id"] == rule_id)
        assert (deadline["due"], deadline["status"]) == (due, "met")
    assert 'name="action" value="filing"' not in post(clerk, project, {})  # nothing left to file
    for period, percent, spent in (("2026-09", "30", "80"), ("2026-10", "60", "150")):
        page = post(
            clerk,
            project,
            {"action": "progress", "period": period, "percent_complete": percent, "spent": spent},
        )
        assert f"已报送 {period} 月度进度" in page
    # only 上城 sets a day for it (DL-46 每月20日前); elsewhere reporting is the unit's own choice
    assert ("本地办法未规定按月报送" in page) is (pack != "shangcheng")
    lower = {"action": "progress", "period": "2026-11", "percent_complete": "50", "spent": "150"}
    assert "累计完成比例不能低于上期（2026-10：60%）" in post(clerk, project, lower)
    future = {"action": "progress", "period": "2026-12", "percent_complete": "70", "spent": "150"}
    assert "不能报送以后月份的进度" in post(clerk, project, future)
    assert project.progress_reports.count() == 2
    assert "已提交变更申请" in post(clerk, project, change("270"))
    registered = Contract.objects.get(project=project, kind="main")
    page = post(clerk, project, payment(registered.pk, "75", "首付"))
    assert "已登记支付" in page
    if FILINGS[pack]:
        reviewer = client_for(f"{prefix}_reviewer")
        filing = project.filings.get()
        assert "已确认备案" in post(reviewer, project, {"action": "acknowledge", "filing": filing.pk})


@pytest.mark.parametrize(
    ("nature", "form", "field"),
    [
        ("NEW", "F-001-FILING-BUILD", "信息资源目录"),  # 第十八条(二)1
        ("SERVICE_PURCHASE", "F-001-FILING-SERVICE", "服务期限"),  # 第十八条(二)2
    ],
)
def test_shizuishan_filing_content_follows_the_project_type(demo, nature, form, field):
    project = approved_project("shizuishan")
    Project.objects.filter(pk=project.pk).update(nature=nature)
    clerk = client_for("szs_clerk")
    procure(clerk, project, award_notice_on="2026-09-28")
    post(clerk, project, contract(signed_on="2026-09-28"))
    page = post(clerk, project, {})
    assert "第十八条(二)" in page and field in page
    filing = {"action": "filing", "rule_id": "DL-10", "filed_on": "2026-10-20"}
    page = post(
        clerk, project, {**filing, "data_winner": "某某信息技术公司", "data_project_name": "别的名称"}
    )
    assert "未能登记：《项目备案表" in page and "请填写“" in page
    assert 'value="某某信息技术公司"' in page  # what was typed is kept
    assert not project.filings.exists()
    data = (
        BUILD_FILING
        if nature == "NEW"
        else {
            "data_service_content": "教学平台运营服务",
            "data_winner": "某某信息技术有限公司",
            "data_settlement_amount": "250",
            "data_approval_department": "石嘴山市数据局",
            "data_fund_source": "市本级财政资金",
            "data_service_period": "2026-10 至 2027-09",
        }
    )
    page = post(clerk, project, {**filing, **data, "data_project_name": "别的名称"})
    assert "已备案：完成招标后一个月内备案" in page, page
    recorded = project.filings.get()
    assert recorded.form_id == form and recorded.data["project_name"] == project.name  # 立项 name, not typed
    assert field in page and "别的名称" not in page


def test_shangcheng_filing_carries_the_approved_name(demo):
    """上城 ¶57: 上述文档中“项目名称”应与立项文件保持一致 — the name comes from the project."""
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    procure(clerk, project, award_notice_on="2026-09-28")
    post(clerk, project, contract(signed_on="2026-09-28"))
    filing = {"action": "filing", "rule_id": "DL-44-contract", "filed_on": "2026-10-09"}
    page = post(
        clerk, project, {**filing, "data_document_name": "项目合同", "data_generated_on": "2026-9-28"}
    )
    assert "“文件生成日期”的日期格式应为 YYYY-MM-DD" in page and not project.filings.exists()
    page = post(
        clerk, project, {**filing, "data_document_name": "项目合同", "data_generated_on": "2026-09-28"}
    )
    assert "已备案" in page
    assert project.filings.get().data == {
        "document_name": "项目合同",
        "document_number": "",
        "generated_on": "2026-09-28",
        "project_name": project.name,
    }


def test_a_late_filing_is_marked_late(demo):
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    procure(clerk, project, award_notice_on="2026-09-28")
    post(clerk, project, contract(signed_on="2026-09-28"))
    page = post(
        clerk,
        project,
        {
            "action": "filing",
            "rule_id": "DL-44-contract",
            "filed_on": "2026-10-12",
            "content": "补报",
            **FILING_DATA["shangcheng"],
        },
    )
    assert "已备案：合同文件生成后5个工作日内备案（逾期）" in page
    assert (
        next(d for d in project_policy(project)["deadlines"] if d["id"] == "DL-44-contract")["status"]
        == "late"
    )
    assert "该项目当前没有这项须备案的事项" in post(
        clerk,
        project,
        {"action": "filing", "rule_id": "DL-44-contract", "filed_on": "2026-10-12", "content": "再报"},
    )


def test_the_bureau_sees_who_has_not_reported(demo):
    reported = approved_project("shangcheng")
    silent = approved_project("shangcheng")
    Project.objects.filter(pk=silent.pk).update(name="上城区教育局校园安全平台")
    clerk = client_for("shc_clerk")
    for project in (reported, silent):
        procure(clerk, project, award_notice_on="2026-09-28")
        post(clerk, project, contract(signed_on="2026-09-28"))
    post(
        clerk, reported, {"action": "progress", "period": "2026-11", "percent_complete": "40", "spent": "100"}
    )
    page = client_for("shc_reviewer").get("/delivery/progress/?period=2026-11").content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in page.split("<tr")[1:] if "</a>" in row}
    assert "✓" in rows[reported.name] and "40%" in rows[reported.name]
    assert "✗ 未报送（已过报送日）" in rows["上城区教育局校园安全平台"]
    assert client_for("shc_clerk").get("/delivery/progress/").status_code == 403


# ------------------------------------------------------------------ 撤销 / 终止 and 重大事项


def test_a_pack_clock_proposes_cancellation_and_the_bureau_confirms(demo):
    """上城 DL-42 (¶53): 立项发文后 6 个月内未完成采购的，取消相应立项指标."""
    # 6 months from 05-01 end on 11-01, a Sunday → the next working day 11-02 (民法典 第二百零三条)
    late = approved_project("shangcheng", approved_on=dt.date(2026, 5, 1))
    recent = approved_project("shangcheng", approved_on=dt.date(2026, 9, 1))
    reviewer = client_for("shc_reviewer")
    page = reviewer.get(f"/projects/{late.pk}/delivery/").content.decode()
    assert "立项发文后6个月内完成采购（应于 2026-11-02 前）已逾期" in page and "取消相应立项指标" in page
    assert "政策包提示" not in reviewer.get(f"/projects/{recent.pk}/delivery/").content.decode()
    assert "政策包没有提出这项撤销建议" in post(
        reviewer, recent, {"action": "termination_confirm", "rule_id": "DL-42", "note": "核实后取消"}
    )
    page = post(
        reviewer,
        late,
        {"action": "termination_confirm", "rule_id": "DL-42", "note": "经核实未完成采购，取消立项指标"},
    )
    assert "已确认撤销，项目已终止" in page
    late.refresh_from_db()
    assert late.status == Status.TERMINATED
    assert late.transitions.last().reason.startswith("未完成采购的")
    assert AuditEvent.objects.get(action="termination.confirm").after["rule"] == "DL-42"
    assert client_for("shc_clerk").post(f"/projects/{late.pk}/delivery/", PROCUREMENT).status_code == 403


def test_the_unit_asks_to_terminate_with_the_packs_cases(demo):
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    explanation = {
        "action": "termination_request",
        "explanation": "职能划转，系统由市级平台替代，已支付首付款 30 万元。",
    }
    assert "请选择撤销/终止建设的情形" in post(clerk, project, explanation)
    case = "5 因职能划转、政策变动及其他原因，造成系统停用或需转移"  # ¶67
    page = post(clerk, project, {**explanation, "reasons": [case]})
    assert "《撤销/终止建设的内部决策和领导批示》：请填写“党委（党组）会议日期”" in page
    assert "职能划转，系统由市级平台替代" in page  # the statement typed is kept
    assert not project.terminations.exists()
    approvals = {
        "approval_party_meeting_on": "2026-11-10",
        "approval_party_meeting_minutes": "党组会议纪要〔2026〕12号，同意终止",
        "approval_leader_name": "张某某",
        "approval_leader_approved_on": "2026-11-12",
        "approval_leader_opinion": "同意",
    }
    page = post(clerk, project, {**explanation, "reasons": [case], **approvals})
    assert "已提出撤销/终止建设申请" in page
    record = project.terminations.get()
    assert record.approvals["leader_name"] == "张某某" and (record.budgeted_yuan, record.paid_yuan) == (0, 0)
    assert "批示的分管区领导" in page and "提出时资金情况：已安排预算 0.00 万元，已支付 0.00 万元" in page
    reviewer = client_for("shc_reviewer")
    page = post(
        reviewer,
        project,
        {"action": "termination_decide", "termination": record.pk, "decision": "agree", "note": "同意终止"},
    )
    assert "已办理撤销/终止申请" in page
    project.refresh_from_db()
    assert project.status == Status.TERMINATED and project.terminations.get().reasons == [case]


def test_the_bureau_suspends_and_resumes_construction(demo):
    """章贡 第三十六条: 逾期不整改的…暂停项目建设 — nothing is recorded while suspended; resuming returns the
    project to where it was."""
    project = approved_project("zhanggong")
    clerk, reviewer = client_for("zg_clerk"), client_for("zg_reviewer")
    procure(clerk, project)
    post(clerk, project, contract())
    order = {"action": "suspension_order", "reason": "逾期未完成整改，暂停建设", "basis": "第三十六条"}
    assert clerk.post(f"/projects/{project.pk}/delivery/", order).status_code == 403
    assert AuditEvent.objects.filter(action="suspension.order_denied").exists()
    assert "暂停原因不少于 10 个字" in post(reviewer, project, {**order, "reason": "未整改"})
    page = post(reviewer, project, order)
    assert "已决定暂停建设" in page and "s-suspended" in page
    project.refresh_from_db()
    assert project.status == Status.SUSPENDED
    registered = Contract.objects.get(project=project, kind="main")
    response = clerk.post(f"/projects/{project.pk}/delivery/", payment(registered.pk, "10", "进度款"))
    assert response.status_code == 403 and not Payment.objects.exists()
    denied = AuditEvent.objects.filter(action="payment.record_denied").latest("seq")
    assert denied.after["reason"] == "项目已暂停建设，恢复建设前不能登记"
    assert "已决定暂停建设" not in post(reviewer, project, order) and project.suspensions.count() == 1
    page = post(reviewer, project, {"action": "suspension_lift", "note": "整改完成，恢复建设"})
    assert "已恢复建设" in page
    project.refresh_from_db()
    assert project.status == Status.IN_CONSTRUCTION
    assert "项目未处于暂停建设状态" in post(
        reviewer, project, {"action": "suspension_lift", "note": "再次恢复"}
    )
    assert "已登记支付" in post(clerk, project, payment(registered.pk, "10", "进度款"))
    transitions = list(project.transitions.values_list("from_status", "to_status"))
    assert transitions[-2:] == [("in_construction", "suspended"), ("suspended", "in_construction")]


def test_an_incident_reaches_the_bureau_and_finance(demo, django_capture_on_commit_callbacks):
    """章贡 第二十三条: 工期滞后、安全事件、严重超支 报区政务服务和数据管理局和区财政局."""
    from govit.accounts.models import Notification

    project = approved_project("zhanggong")
    clerk = client_for("zg_clerk")
    future = {
        "action": "incident",
        "kind": "security",
        "occurred_on": "2099-01-01",
        "description": "勒索病毒",
    }
    assert "发生日期不能晚于今天" in post(clerk, project, future)
    with django_capture_on_commit_callbacks(execute=True):
        page = post(clerk, project, {**future, "occurred_on": "2026-11-20", "measures": "已断网隔离"})
    assert "已报告重大事项" in page
    for username in ("zg_reviewer", "zg_finance"):
        assert Notification.objects.filter(
            recipient__username=username, text__contains="报告重大事项（网络安全事件）"
        ).exists()


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ({"report_condition_met": ""}, "须确认“合同约定支付条件已满足”"),
        ({"report_amount": "750001"}, "“本次支付金额（元）”应与本次支付金额一致"),
        ({"report_payment_batch": ""}, "请填写“支付批次”"),
    ],
)
def test_shangcheng_pays_only_with_the_payment_report(demo, report, message):
    """上城 ¶58: 在符合资金支付条件时需提前填报《电子政务项目资金支付报备单》."""
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    procure(clerk, project)
    post(clerk, project, contract())
    registered = Contract.objects.get(project=project, kind="main")
    page = post(clerk, project, payment(registered.pk, "75", "首付", **report))
    assert "《电子政务项目资金支付报备单》" in page and message in page
    assert not Payment.objects.exists()
    assert "已登记支付" in post(clerk, project, payment(registered.pk, "75", "首付"))
    assert Payment.objects.get().report == {"payment_batch": 1, "amount": "750000", "condition_met": True}


# ------------------------------------------------------------------ 项目库 and 预算安排


def budget(year: str, **funds: str) -> dict[str, Any]:
    return {
        "action": "budget",
        "year": year,
        "document_number": f"金财预〔{year}〕12号",
        "approved_on": "2026-11-20",
        **{f"fund_{code}": amount for code, amount in funds.items()},
    }


def test_finance_arranges_budgets_within_the_budget_in_force(demo):
    project = approved_project("jinxiang")
    finance = client_for("jx_finance")  # 金乡县财政局 (ST-003-06)
    page = post(finance, project, budget("2027", fiscal="100", upper="50"))
    assert "已登记 2027 年度预算安排" in page
    assert project.budgets.get().funding == {"fiscal": 1_000_000, "upper": 500_000}
    assert "各年度预算安排合计将超过现行批复投资 280.00 万元" in post(
        finance, project, budget("2028", fiscal="130.0001")
    )
    assert "已登记 2028 年度预算安排" in post(finance, project, budget("2028", fiscal="130"))
    assert "2027 年度预算已安排" in post(finance, project, budget("2027", fiscal="0.0001"))
    assert "预算年度应在 2026 至 2031 年之间" in post(finance, project, budget("2035", fiscal="1"))
    assert AuditEvent.objects.filter(action="budget.arrange").count() == 2
    assert project_policy(project)["deadlines"]  # facts carry dates.budget_approved without error
    assert (
        client_for("jx_clerk")
        .post(f"/projects/{project.pk}/delivery/", budget("2029", fiscal="1"))
        .status_code
        == 403
    )
    assert AuditEvent.objects.filter(action="budget.arrange_denied").exists()


def test_no_budget_outside_the_library(demo):
    """金乡 第二十二条: budgets are arranged only for projects in the library; 上城 DL-42: 6 months without
    procurement cancel the 立项 (¶53), so the project has left it."""
    lapsed = approved_project("shangcheng", approved_on=dt.date(2026, 5, 1))
    reviewer = client_for("shc_reviewer")
    page = post(reviewer, lapsed, {**budget("2027", fiscal="100"), "document_number": "上财〔2026〕3号"})
    assert "项目不在项目库中，不能安排预算：立项发文后6个月内完成采购已于 2026-11-02 届满（¶53）" in page
    terminated = approved_project("jinxiang")
    Project.objects.filter(pk=terminated.pk).update(status=Status.TERMINATED)
    assert "已不在项目库中" in post(client_for("jx_finance"), terminated, budget("2027", fiscal="100"))
    library = reviewer.get("/library/").content.decode()
    assert lapsed.name in library and "已届满" in library
    assert client_for("shc_clerk").get("/library/").status_code == 403


def test_shizuishan_filings_are_confirmed_up_to_the_region(demo):
    """石嘴山 第十八条 “全口径”备案: 市数据局汇总 → 自治区政府办公厅备案 (ST-001-08, escalation region)."""
    project = approved_project("shizuishan")
    clerk = client_for("szs_clerk")
    procure(clerk, project, award_notice_on="2026-09-28")
    post(
        clerk,
        project,
        {"action": "filing", "rule_id": "DL-10", "filed_on": "2026-10-20", **BUILD_FILING},
    )
    filing = project.filings.get()
    nx = client_for("nx_supervisor")
    assert (
        nx.post(
            f"/projects/{project.pk}/delivery/", {"action": "acknowledge", "filing": filing.pk}
        ).status_code
        == 403
    )
    page = post(client_for("szs_reviewer"), project, {"action": "acknowledge", "filing": filing.pk})
    assert "已确认备案：完成招标后一个月内备案，待宁夏回族自治区确认" in page
    page = post(nx, project, {"action": "acknowledge", "filing": filing.pk})
    assert "已确认备案：完成招标后一个月内备案" in page and "待宁夏" not in page.split("已确认备案")[1][:30]
    filing.refresh_from_db()
    assert [a["jurisdiction"] for a in filing.acknowledgements] == ["石嘴山市", "宁夏回族自治区"]
    assert filing.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="filing.acknowledge_denied").count() == 1


def test_settlement_returns_the_leftover_in_full(demo):
    project = approved_project("jinxiang")
    post(client_for("jx_finance"), project, budget("2027", fiscal="150"))
    clerk = client_for("jx_clerk")
    procure(clerk, project)
    post(clerk, project, contract())
    registered = Contract.objects.get(project=project, kind="main")
    post(clerk, project, payment(registered.pk, "100", "首付"))
    settle = {"action": "settlement", "settled_on": "2026-11-20", "returned": "49.9999"}
    assert "应退回结余资金 50.00 万元（已安排预算 150.00 万元，实际支付 100.00 万元）" in post(
        clerk, project, settle
    )
    assert "结算日期不能早于最后一笔支付" in post(
        clerk, project, {**settle, "settled_on": "2026-11-01", "returned": "50"}
    )
    assert "已登记资金结算" in post(clerk, project, {**settle, "returned": "50"})
    assert project.settlement.returned_yuan == 500_000
    assert "该项目已结算" in post(clerk, project, {**settle, "returned": "50"})


# Every mandatory-clause rule of the packs (catalogue §7.6): leaving the clause out of the contract blocks it.
CLAUSE_RULES = [
    ("shucheng", "data_three_lists", "三清单"),  # RJ-17 第十八条
    ("zhanggong", "ip_clause", "知识产权"),  # IP-CLAUSE 第二十七条
    ("jinxiang", "ip_clause", "知识产权"),  # RJ-83-ip 第三十条
    ("jinxiang", "data_ownership_clause", "数据"),  # RJ-83-data
    ("jinxiang", "source_code_clause", "源代码"),  # RJ-83-source
    ("jinxiang", "confidentiality_clause", "保密"),  # RJ-83-confidentiality
    ("shangcheng", "ip_clause", "知识产权"),  # CLAUSE-IP ¶59
    ("shangcheng", "data_ownership_clause", "数据"),  # CLAUSE-DATA
    ("shangcheng", "confidentiality_clause", "保密"),  # CLAUSE-CONFIDENTIALITY
    ("shangcheng", "security_liability_clause", "安全"),  # CLAUSE-SECURITY
    ("shangcheng", "overrun_penalty_clause", "超期相关惩罚"),  # CLAUSE-OVERRUN ¶52
    ("shangcheng", "payment_schedule_clause", "分批支付"),  # CLAUSE-PAYMENT ¶58
]


@pytest.mark.parametrize(
    ("pack", "clause", "words"), CLAUSE_RULES, ids=[f"{p}-{c}" for p, c, _w in CLAUSE_RULES]
)
def test_each_mandatory_clause(demo, pack, clause, words):
    project = approved_project(pack)
    clerk = client_for(f"{UNITS[pack][0]}_clerk")
    procure(clerk, project)
    page = post(clerk, project, contract(**{f"clause_{clause}": None}))
    refused = next(m for m in re.findall(r'role="status">([^<]*)', page) if m.startswith("未能登记"))
    assert "合同不符合刚性规定" in refused and words in refused, refused
    assert not Contract.objects.filter(kind="main").exists()
    assert "已登记合同" in post(clerk, project, contract())


def test_shizuishan_service_contract_without_construction_content(demo):
    """石嘴山 RJ-31 (第十四条): 服务类项目 不得含建设内容, 服务期不超过三年."""
    project = approved_project("shizuishan", category="SERVICE")
    clerk = client_for("szs_clerk")
    procure(clerk, project)
    page = post(
        clerk,
        project,
        contract(free_om_months=None, service_months="24", clause_has_construction_content="on"),
    )
    assert "合同不符合刚性规定" in page
    page = post(
        clerk,
        project,
        contract(free_om_months=None, service_months="24", clause_has_construction_content=None),
    )
    assert "已登记合同" in page


def test_the_contract_stays_within_the_control_price(demo):
    """章贡 第十九条: 在预算控制价格内启动政府采购 (TH-19)."""
    project = approved_project("zhanggong")
    clerk = client_for("zg_clerk")
    procure(clerk, project, control_price="240")
    assert "合同金额不能超过预算控制价 240.00 万元" in post(clerk, project, contract(amount="240.0001"))
    assert "已登记合同" in post(clerk, project, contract(amount="240"))


def test_a_filing_for_another_units_project_is_not_found(demo):
    project = approved_project("jinxiang")
    clerk = client_for("jx_clerk")
    procure(clerk, project)
    post(clerk, project, contract(signed_on="2026-10-15"))
    other = client_for("jx_clerk2")
    filing = {"action": "filing", "rule_id": "DL-30", "filed_on": "2026-10-20", "content": "代报"}
    assert other.post(f"/projects/{project.pk}/delivery/", filing).status_code == 404
    assert AuditEvent.objects.filter(action="project.view_denied", target_id=str(project.pk)).exists()
    assert not project.filings.exists()
