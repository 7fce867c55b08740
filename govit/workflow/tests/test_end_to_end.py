"""From draft to 立项 through the pages, one project per pack, on the demo world (catalogue §2.6).

The walk does not know the packs: at each step it reads the current stage and does what that kind of stage
needs (materials the pack asks for, soft findings set aside with a reason, an expert draw and reviews, scores,
会审 opinions, the decision by whoever the stage's level says). The tables below are what each regulation
prescribes, so a pack that routes differently, asks for other materials or lets the wrong level decide fails.
Also per pack: a 不通过 path (本次申报结束) and a 退回-and-resubmit path that reaches 立项 in round 2."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PDF_BYTES
from govit.accounts.choices import Role
from govit.accounts.models import Organisation, User
from govit.audit.models import AuditEvent
from govit.core import clock
from govit.experts.models import DrawMember, ExpertDraw
from govit.experts.packrules import scoring_table_for
from govit.portal.demo import demo_load
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import sample_values
from govit.workflow.models import ProjectApproval, StageDecision
from govit.workflow.selectors import (
    can_decide,
    documents_missing,
    joint_members,
    route_state,
)

REASON = "经审查，该事项已由建设单位书面说明并承诺整改，同意按程序推进。"
APPROVERS = ("leader", "reviewer")
OFF_WINDOW = "市里部署的紧急任务，须在明年一季度上线，确需新增（一事一议）。"


@dataclass(frozen=True)
class Case:
    pack: str
    prefix: str
    unit: str
    fields: dict[str, str]
    stages: list[tuple[str, str]]  # (stage id, who decides it) in the order met
    documents: set[str]  # requirement codes the walk was asked for
    forms: set[str]  # the pack's declaration forms (申报表, content checklists) the unit filled
    fail_at: str  # a stage with a 不通过 / 本次申报结束 outcome
    revise_at: str  # a stage that returns the declaration for revision


BASE = {
    "year": "2027",
    "secrecy": "NON_CLASSIFIED",
    "summary": "整合部门业务数据，建设统一受理、统一办理的业务平台，对接上级一体化政务服务平台。",
    "objectives": "实现业务网上办理率 95% 以上，数据按目录共享。",
    "content": "需求分析、软件开发、部署上云、安全防护和密码应用。",
    "benefits": "减少群众跑动次数，提高办事效率。",
    "contact_name": "张明",
    "contact_phone": "0564-8888000",
    "deploys_on_gov_cloud": "on",
    "has_data_catalog": "on",
}

CASES = [
    # 舒城 (000): 初审 → 集中审查论证 (专家) → 打捆立项 (<500万, TH-02) → 县政府批准年度计划 (立项)
    Case(
        pack="shucheng",
        prefix="sc",
        unit="舒城县教育局",
        fields={
            "name": "智慧教育资源公共服务平台",
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "cost_software": "260",
            "cost_supervision": "8",
            "cost_security": "20",
            "fund_fiscal": "268",
        },
        stages=[
            ("ST-000-04", "sc_reviewer"),
            ("ST-000-05", "sc_reviewer"),
            ("ST-000-03-bundle", "sc_reviewer"),
            ("ST-000-06", "sc_leader"),
        ],
        documents={
            "feasibility_study",
            "declaration_form",
            "cost_estimate",
            "construction_plan",
            "data_sharing_list",
            "security_solution",
            "bundled_project_proposal",
        },
        forms={"F-000-SBB", "F-000-PLAN-CONTENT"},  # 附件2 申报表, 建设方案内容 (第九条)
        fail_at="ST-000-05",
        revise_at="ST-000-04",
    ),
    Case(
        pack="shizuishan",
        prefix="szs",
        unit="石嘴山市教育局",
        fields={
            "name": "教育城域网与数据中心改造工程",
            "nature": "NEW",
            "procurement_category": "ENGINEERING",
            "cost_engineering": "420",
            "cost_equipment": "150",
            "cost_contingency": "30",
            "cost_security": "40",
            "fund_fiscal": "600",
        },
        stages=[
            ("ST-001-03", "szs_reviewer"),  # 受理审查 (第十四条)
            ("ST-001-04", "szs_reviewer"),  # 市数据局技术审查 (第十五条)
            ("ST-001-05", "nx_supervisor"),  # ≥500万 → 自治区政府办公厅 (第十六条, TH-11)
            ("ST-001-06-approval", "szs_leader"),  # 工程类 立项审批
        ],
        documents={
            # 附件1 申报表, 附件2 网络安全和密码保护审查表, 上级准许, 数据资源目录, 安全和密码方案 (第十四条)
            "declaration_form",
            "security_crypto_review_form",
            "superior_permission",
            "data_resource_catalog",
            "security_crypto_plan",
            "om_terms_engineering",  # 工程类 三年免费运维 (TH-12)
            "post_free_om_funding_source",
            "preliminary_design",  # <1500万: 初步设计 (TH-10)
            "requirements_analysis_report",  # 附件3 需求分析报告 (第十六条)
            "region_declaration_form",
        },
        forms={"F-001-SBB", "F-001-SEC-CRYPTO"},  # 附件1 申报表, 附件2 网络安全和密码保护审查表
        fail_at="ST-001-04",
        revise_at="ST-001-03",
    ),
    Case(
        pack="zhanggong",
        prefix="zg",
        unit="章贡区教育局",
        fields={
            "name": "智慧教育大数据平台",
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "cost_software": "240",
            "cost_testing": "20",
            "cost_security": "25",
            "fund_fiscal": "260",
        },
        stages=[
            ("ST-002-03-upper", "jxs_supervisor"),  # ≥200万: 对口省直单位书面同意 (第十二条, TH-18)
            ("ST-002-04", "zg_reviewer"),  # 财政承受能力评估
            ("ST-002-06", "zg_reviewer"),  # 论证评估 (第十六条, TH-16)
            ("ST-002-06-city", "gz_supervisor"),  # ≥200万 汇总报市 (第六条, TH-17)
            ("ST-002-07", "zg_reviewer"),  # 联合会审, every member bureau's opinion
            ("ST-002-08", "zg_reviewer"),  # 工作专班审定
            ("ST-002-09", "zg_leader"),  # 审批 (立项)
        ],
        documents={
            "upper_written_consent",
            # 建设方案 contents for a 新建 project (第十三条, §7.3)
            "project_situation_table",
            "project_basis",
            "construction_plan",
            "technical_plan",
            "party_meeting_minutes",  # 党组或办公会议纪要
            "plan_and_funding_schedule",
            "joint_review_opinion",
        },
        forms={"F-002-SITUATION-TABLE", "F-002-DECLARATION"},  # 项目建设情况表, 申报材料清单
        fail_at="ST-002-06",
        revise_at="ST-002-07",
    ),
    Case(
        pack="jinxiang",
        prefix="jx",
        unit="金乡县教育和体育局",
        fields={
            "name": "教育管理公共服务平台",
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "cost_software": "110",
            "cost_security": "10",
            "fund_fiscal": "110",
        },
        stages=[
            ("ST-003-02", "jx_reviewer"),  # 需求评审 (第六条)
            ("ST-003-03", "jx_reviewer"),  # 技术评审 (第六条)
            ("ST-003-04", "jx_leader"),  # 县大数据局统一立项
        ],
        documents={
            "party_committee_minutes",  # 党委（党组）会议 (第八条, RJ-77)
            "overall_plan",
            "requirements_review_materials",
            "construction_plan",
            "crypto_application_plan",
            "secure_reliable_statement",
        },
        forms=set(),  # 金乡 has no declaration form: its materials are documents (第八条, 第六条)
        fail_at="ST-003-03",
        revise_at="ST-003-02",
    ),
    Case(
        pack="shangcheng",
        prefix="shc",
        unit="上城区教育局",
        fields={
            "name": "数字校园一网通办平台",
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "cost_software": "180",
            "cost_security": "15",
            "fund_fiscal": "180",
        },
        stages=[
            ("ST-004-02", "shc_reviewer"),  # 合规性审查 (¶35); 补正 ST-004-03 only after a 退回
            ("ST-004-04", "shc_reviewer"),  # 初审评分 (¶37)
            ("ST-004-05", "shc_reviewer"),  # 专家评审
            ("ST-004-06", "shc_reviewer"),  # 联合审查
            ("ST-004-07", "shc_leader"),  # 集体审议 (立项)
        ],
        documents={
            "declaration_form",
            "feasibility_study",
            "supplementary_approval",  # declared after 9月底: the 增补 一事一议 approval (¶32)
            "expert_review_uploads",  # 修改清单 and 汇报PPT before the expert review
            "post_review_uploads",
        },
        forms={"F-004-DECL-PACKAGE"},  # 申报材料清单 (¶33)
        fail_at="ST-004-05",
        revise_at="ST-004-02",
    ),
]


class Walk:
    """One project driven through the pages by the demo users of ``case``."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.clients: dict[str, Client] = {}
        self.met: list[tuple[str, str]] = []
        self.asked: set[str] = set()
        self.filled: set[str] = set()
        self.project = self._create()

    # ------------------------------------------------------------------ plumbing

    def client(self, username: str) -> Client:
        if username not in self.clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]

    def post(self, username: str, url: str, data: dict[str, Any]) -> str:
        response = self.client(username).post(url, data, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def refresh(self) -> Project:
        self.project = Project.objects.get(pk=self.project.pk)
        return self.project

    @property
    def url(self) -> str:
        return f"/projects/{self.project.pk}/"

    # ------------------------------------------------------------------ the unit

    def _create(self) -> Project:
        unit = Organisation.objects.get(name=self.case.unit)
        data = {**BASE, **self.case.fields, "lead_unit": str(unit.pk)}
        response = self.client(f"{self.case.prefix}_clerk").post("/projects/new/", data)
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        return Project.objects.get(name=self.case.fields["name"], lead_unit=unit)

    def fill_forms(self) -> None:
        """The clerk fills every declaration form the pack gives (申报表 and content checklists)."""
        clerk = f"{self.case.prefix}_clerk"
        page = self.client(clerk).get(f"{self.url}forms/")
        for bound in page.context["forms"]:
            self.filled.add(bound.id)
            values = sample_values(self.refresh(), bound.form)
            data: dict[str, Any] = {"form_id": bound.id}
            for key, value in values.items():
                if isinstance(value, str) and "/" in value and len(value) == 15:  # a month range
                    data[f"{key}__start"], data[f"{key}__end"] = value.split("/")
                else:
                    data[key] = value
            saved = self.post(clerk, f"{self.url}forms/", data)
            assert f"已保存《{bound.form.name}》" in saved, _messages(saved)
        assert all(not f.missing for f in self.client(clerk).get(f"{self.url}forms/").context["forms"])

    def submit(self) -> None:
        # the demo's 2027 rounds of 舒城 and 上城 closed in 2026 (第九条 7月底, ¶32 9月底): a declaration now
        # is a 增补项目 with its reason; in the other three rolling intake ignores it
        page = self.post(f"{self.case.prefix}_clerk", f"{self.url}submit/", {"off_window_reason": OFF_WINDOW})
        assert "已提交申报" in page, _messages(page)
        assert self.refresh().status == Status.SUBMITTED

    def give_materials(self) -> None:
        state = route_state(self.refresh())
        assert state.current is not None
        for document in documents_missing(self.project, state, state.current):
            self.asked.add(document["code"])
            upload = SimpleUploadedFile(f"{document['code']}.pdf", PDF_BYTES, "application/pdf")
            page = self.post(
                f"{self.case.prefix}_clerk",
                f"{self.url}attachments/",
                {"requirement_code": document["code"], "file": upload},
            )
            assert "已上传" in page, _messages(page)

    # ------------------------------------------------------------------ the bureaus

    def decider(self) -> str:
        """The demo user who may record the current stage's conclusion (a leader only for 立项)."""
        state = route_state(self.refresh())
        stage = state.current
        assert stage is not None
        candidates = [f"{self.case.prefix}_{role}" for role in APPROVERS if stage.grants_approval]
        candidates += [f"{self.case.prefix}_reviewer"]
        candidates += list(
            User.objects.filter(username__endswith="_supervisor")
            .order_by("username")
            .values_list("username", flat=True)
        )
        for username in candidates:
            if can_decide(User.objects.get(username=username), self.project, stage):
                return username
        raise AssertionError(f"no demo user may decide {stage.id}")

    def set_aside_soft_findings(self) -> None:
        state = route_state(self.refresh())
        for finding in state.policy.get("findings", []):
            if finding.get("status") != "active":
                continue
            assert finding["severity"] == "soft", f"hard finding {finding['id']}: {finding['message']}"
            page = self.post(
                f"{self.case.prefix}_reviewer",
                f"{self.url}findings/{finding['id']}/override/",
                {"justification": REASON},
            )
            assert "已豁免" in page or "豁免" in page

    def expert_panel(self, stage_id: str) -> None:
        reviewer = f"{self.case.prefix}_reviewer"
        page = self.post(reviewer, f"{self.url}experts/{stage_id}/draw/", {"size": "5", "backups": "2"})
        draw = ExpertDraw.objects.filter(project=self.project, stage_id=stage_id).first()
        assert draw is not None, _messages(page)
        table = scoring_table_for(self.project.pack_code, stage_id)
        for member in DrawMember.objects.filter(draw=draw, is_backup=False).select_related("expert__user"):
            username = member.expert.user.username
            self.post(username, f"/draw-members/{member.pk}/accept/", {})
            scores = {f"score_{c.code}": str(c.weight) for c in table.criteria} if table else {}
            page = self.post(
                username,
                f"/expert-reviews/{member.pk}/",
                {**scores, "verdict": "pass", "opinion": "建设必要，方案可行，同意通过。", "budget": ""},
            )
            assert "已提交" in page, _messages(page)
        self.post(
            reviewer, f"/expert-draws/{draw.pk}/conclude/", {"outcome": "pass", "opinion": "专家组同意通过"}
        )

    def opinions(self, stage_id: str, kind: str) -> None:
        table = scoring_table_for(self.project.pack_code, stage_id, fallback_first=False)
        for org in joint_members(self.project):
            user = (
                User.objects.filter(
                    role_assignments__organisation=org,
                    role_assignments__role__in=[Role.REVIEWER, Role.CO_REVIEWER],
                )
                .order_by("username")
                .first()
            )
            assert user is not None, f"no demo user speaks for {org.name}"
            data = {"stage_id": stage_id, "opinion": f"{org.name}同意"}
            if kind == "joint_review":
                data["conclusion"] = "agree"
            elif table is not None:
                data.update({f"score_{c.code}": str(c.weight) for c in table.criteria})
            page = self.post(user.username, f"{self.url}workflow/opinion/", data)
            assert "已提交" in page, _messages(page)
            if kind == "scored_review":
                break  # the competent bureau's score suffices; joint reviews need every member

    def decide(self, outcome: str | None = None, **extra: str) -> str:
        state = route_state(self.refresh())
        stage = state.current
        assert stage is not None
        username = self.decider()
        if outcome is None:
            preferred = (
                ["approved", "pass", "next"] if stage.grants_approval else ["pass", "next", "approved"]
            )
            outcome = next(code for code in preferred if code in stage.choices)
        data: dict[str, str] = {"stage_id": stage.id, "outcome": outcome, "reason": "审查同意", **extra}
        if stage.grants_approval and outcome == "approved":
            data.update(
                approval_number=f"{self.case.prefix}-立项〔2026〕{self.project.pk}号",
                approved_budget=str(self.project.total_yuan / 10_000),
                approved_on=clock.today().isoformat(),
            )
        self.met.append((stage.id, username))
        return self.post(username, f"{self.url}workflow/decide/", data)

    # ------------------------------------------------------------------ the walk

    def step(self) -> str:
        """Do what the current stage needs, then pass it."""
        state = route_state(self.refresh())
        stage = state.current
        assert stage is not None
        self.give_materials()
        if stage.kind == "compliance_check" or stage is state.stages[0]:
            self.set_aside_soft_findings()
        if stage.kind == "expert_review":
            self.expert_panel(stage.id)
        elif stage.kind in {"scored_review", "joint_review"}:
            self.opinions(stage.id, stage.kind)
        return self.decide()

    def to_approval(self, *, revise_at: str = "") -> None:
        for _ in range(20):
            state = route_state(self.refresh())
            if state.current is None:
                break
            if state.current.id == revise_at and state.round == 1:
                self.decide("revise", reason="请补充建设内容和预算测算依据", due_date=_in(days=30))
                assert self.refresh().status == Status.RETURNED
                clerk = f"{self.case.prefix}_clerk"
                form = self.client(clerk).get(f"{self.url}edit/").context["form"]
                content = self.project.content + "（已补充测算依据）"
                page = self.post(clerk, f"{self.url}edit/", {**_form_values(form), "content": content})
                assert "已保存" in page or self.refresh().content == content, page
                self.submit()
                continue
            page = self.step()
            assert "未能" not in page, (self.met, self.asked, _messages(page))
        assert self.refresh().status == Status.APPROVED, (self.met, self.asked, self.project.status)


def _messages(page: str) -> list[str]:
    """The flash messages shown on a page."""
    import re

    return re.findall(r'<li class="msg-[^"]*" role="status">(.*?)</li>', page, re.S)


def _in(*, days: int) -> str:
    return (clock.today() + dt.timedelta(days=days)).isoformat()


def _form_values(form: Any) -> dict[str, str]:
    """What the edit page's form posts back unchanged."""
    values: dict[str, str] = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False, ""):
            continue
        if isinstance(value, list):
            continue
        values[name] = "on" if value is True else str(value)
    return values


@pytest.fixture
def demo(db: Any, media_root: Any) -> None:
    demo_load()


@pytest.mark.parametrize("case", CASES, ids=[c.pack for c in CASES])
def test_draft_to_approval_through_the_pages(demo: None, case: Case) -> None:
    walk = Walk(case)
    walk.fill_forms()
    walk.submit()
    walk.to_approval()
    assert (walk.met, walk.asked, walk.filled) == (case.stages, case.documents, case.forms)
    approval = ProjectApproval.objects.get(project=walk.project)
    assert approval.approved_budget_yuan == walk.project.total_yuan
    # every decision wrote its audit event, and every status change its transition
    decisions = StageDecision.objects.filter(project=walk.project)
    assert decisions.count() == len(case.stages)
    events = AuditEvent.objects.filter(target_id=str(walk.project.pk), action__startswith="stage.")
    assert sorted(e.after["stage"] for e in events if e.action != "stage.opinion") == sorted(
        d.stage_id for d in decisions
    )
    assert walk.project.transitions.last().to_status == Status.APPROVED


@pytest.mark.parametrize("case", CASES, ids=[c.pack for c in CASES])
def test_a_failed_stage_ends_the_declaration(demo: None, case: Case) -> None:
    walk = Walk(case)
    walk.fill_forms()
    walk.submit()
    while route_state(walk.refresh()).current.id != case.fail_at:
        walk.step()
    page = walk.decide(
        "fail" if "fail" in route_state(walk.project).current.choices else "end",
        reason="建设必要性不足，与已建系统功能重复",
    )
    assert "本次申报结束" in page or "不通过" in page
    assert walk.refresh().status == Status.NOT_SUPPORTED
    page = walk.post(f"{case.prefix}_clerk", f"{walk.url}submit/", {})
    assert "未能提交" in page
    assert walk.refresh().status == Status.NOT_SUPPORTED


@pytest.mark.parametrize("case", CASES, ids=[c.pack for c in CASES])
def test_returned_and_resubmitted_reaches_approval_in_round_two(demo: None, case: Case) -> None:
    walk = Walk(case)
    walk.fill_forms()
    walk.submit()
    walk.to_approval(revise_at=case.revise_at)
    returned = StageDecision.objects.get(project=walk.project, outcome="revise")
    assert returned.stage_id == case.revise_at and returned.round == 1 and returned.due_date is not None
    assert route_state(walk.project).round == 2
    assert walk.project.transitions.filter(to_status=Status.RETURNED).count() == 1
