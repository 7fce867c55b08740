"""The whole way to 立项 in the browser, on the demo world, for two packs: 舒城 (初审 → 专家集中审查论证 →
打捆立项 → 县政府批准) and 章贡 (对口市直单位意见 → 财政承受能力评估 → 论证评估 by experts → 联合会审 with
every member bureau's opinion → 工作专班审定 → 审批). Every click is a user's: the clerk declares and uploads,
the reviewer sets soft findings aside with a reason and decides, experts accept and score, member bureaus give
their 会审意见, the leader records 立项. Screenshots go to test-artifacts/screenshots/walk-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import PDF_BYTES
from govit.experts.models import DrawMember
from govit.portal.demo import DEMO_PASSWORD, demo_load
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval
from govit.workflow.selectors import documents_missing, joint_members, route_state
from tests.browser.conftest import log_in

OFF_WINDOW = "县政府部署的紧急任务，须在明年一季度上线，确需新增。"
OVERRIDE = "经审查，建设单位已书面说明并承诺整改，同意按程序推进。"


class Ui:
    def __init__(self, page: Any, base: str, shot: Any, name: str, tmp: Path, fill_forms: Any) -> None:
        self.page, self.base, self.shot, self.name = page, base, shot, name
        self.fill_forms = fill_forms
        self.pdf = tmp / "材料.pdf"
        self.pdf.write_bytes(PDF_BYTES)
        self.project: Project | None = None
        self.shots = 0
        self.who = ""

    def snap(self, label: str) -> None:
        self.shots += 1
        self.shot(self.page, f"walk-{self.name}-{self.shots:02d}-{label}")

    def login(self, username: str) -> None:
        if self.who:
            self.page.get_by_role("button", name="退出").click()
            self.page.wait_for_url(re.compile(r".*/login/.*"))
        log_in(self.page, self.base, username, DEMO_PASSWORD)
        self.who = username

    def open_project(self) -> None:
        assert self.project is not None
        self.page.goto(f"{self.base}/projects/{self.project.pk}/")

    def fresh(self) -> Project:
        assert self.project is not None
        self.project = Project.objects.get(pk=self.project.pk)
        return self.project

    def expect(self, text: str) -> None:
        self.page.get_by_text(text).first.wait_for()

    # ------------------------------------------------------------------ the unit

    def declare(self, clerk: str, fields: dict[str, str], selects: dict[str, str]) -> None:
        self.login(clerk)
        self.page.get_by_role("link", name="新建项目").first.click()
        for label, value in fields.items():
            self.page.get_by_label(label).fill(value)
        for label, option in selects.items():
            self.page.get_by_label(label).select_option(label=option)
        self.page.get_by_label("部署在政务云").check()
        self.page.get_by_label("已编制数据资源目录").check()
        self.page.get_by_role("button", name="保存").click()
        self.expect("已保存项目草稿")
        self.project = Project.objects.get(name=fields["项目名称"])
        self.page.get_by_role("link", name=re.compile("申报表")).click()
        self.fill_forms(self.page, self.base, self.project)
        round_box = self.page.locator("#round")
        if round_box.get_by_role("button", name="以增补项目提交申报").count():
            round_box.get_by_label(re.compile("增补项目")).fill(OFF_WINDOW)
            self.snap("off-window")
            round_box.get_by_role("button", name="以增补项目提交申报").click()
        else:
            self.page.get_by_role("button", name="提交申报").click()
        self.expect("已提交申报，等待主管部门审查")

    def give_materials(self, clerk: str) -> None:
        """The clerk uploads, on the project page, what the current stage still needs."""
        project = self.fresh()
        state = route_state(project)
        assert state.current is not None
        missing = documents_missing(project, state, state.current)
        if not missing:
            return
        self.login(clerk)
        self.open_project()
        for document in missing:
            item = self.page.locator(f"li[data-code='{document['code']}']")
            item.locator("summary").click()
            item.locator("input[type=file]").set_input_files(str(self.pdf))
            item.get_by_role("button", name="上传").click()
            self.expect(f"已上传“{document['name']}”第 1 版")
        self.snap("materials")

    # ------------------------------------------------------------------ the bureaus

    def set_aside_soft_findings(self, reviewer: str) -> None:
        active = [f for f in route_state(self.fresh()).policy["findings"] if f["status"] == "active"]
        if not active:
            return
        self.login(reviewer)
        self.open_project()
        for finding in active:
            assert finding["severity"] == "soft", finding
            item = self.page.locator("li", has=self.page.get_by_text(finding["message"], exact=False)).first
            item.get_by_text("豁免（说明理由）").click()
            item.get_by_label(re.compile("豁免理由")).fill(OVERRIDE)
            item.get_by_role("button", name="确认豁免").click()
            self.expect("已豁免")

    def decide(self, username: str, outcome: str, approval: dict[str, str] | None = None) -> None:
        if self.who != username:
            self.login(username)
        self.open_project()
        card = self.page.locator("#workflow")
        form = card.locator("form", has=self.page.get_by_role("button", name="登记结论"))
        form.get_by_label("结论").select_option(label=outcome)
        form.get_by_label("审查意见 / 退回原因").fill("经审查，同意。")
        for label, value in (approval or {}).items():
            form.get_by_label(label).fill(value)
        self.snap(f"decide-{self.fresh().current_stage or 'stage'}")
        card.get_by_role("button", name="登记结论").click()
        self.expect("已登记")

    def expert_panel(self, reviewer: str, size: int) -> None:
        project = self.fresh()
        stage = route_state(project).current
        assert stage is not None and stage.kind == "expert_review"
        self.login(reviewer)
        self.open_project()
        self.page.get_by_role("link", name="专家抽取与评审").click()
        self.page.get_by_label("专家组人数").fill(str(size))
        self.page.get_by_label("备选人数").fill("1")
        self.page.get_by_role("button", name="随机抽取").click()
        self.expect("随机种子")
        self.snap("draw")
        draw_url = self.page.url
        members = DrawMember.objects.filter(
            draw__project=project, draw__stage_id=stage.id, is_backup=False
        ).select_related("expert__user")
        for member in members:
            self.login(member.expert.user.username)
            self.page.goto(f"{self.base}/expert-reviews/")
            self.page.get_by_role("link", name=re.compile(re.escape(project.name))).first.click()
            self.page.get_by_role("button", name="确认参加").click()
            for score in self.page.locator("input[name^=score_]").all():
                score.fill(score.get_attribute("max") or "0")
            self.page.get_by_label(re.compile("评审意见")).fill("建设必要，方案可行，同意通过。")
            self.page.get_by_role("button", name="提交评审意见").click()
            self.expect("已提交")
        self.snap("expert-review")
        self.login(reviewer)
        self.page.goto(draw_url)
        self.page.locator("select[name=outcome]").select_option(value="pass")
        self.page.get_by_label("专家组意见").fill("专家组一致同意通过。")
        self.page.get_by_role("button", name="登记结论").click()
        self.expect("专家组结论")
        self.snap("panel-conclusion")

    def joint_opinions(self) -> None:
        project = self.fresh()
        for org in joint_members(project):
            user = org.role_assignments.filter(role__in=["reviewer", "co_reviewer"]).order_by(
                "user__username"
            )
            username = user.first().user.username
            self.login(username)
            self.open_project()
            card = self.page.locator("#workflow")
            card.get_by_label("会审结论").select_option(label="同意")
            card.get_by_label("意见", exact=True).fill(f"{org.name}同意。")
            card.get_by_role("button", name="提交意见").click()
            self.expect("已提交")
        self.snap("joint-review")


def _approval(project: Project) -> dict[str, str]:
    return {
        "立项文号": f"示例〔2026〕{project.pk}号",
        "批复投资（万元）": str(project.total_yuan / 10_000),
        "批复日期": "2026-11-20",
    }


@pytest.fixture
def demo(transactional_db: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()


@pytest.mark.django_db(transaction=True)
def test_shucheng_to_approval_with_an_expert_review(demo, live_server, page, shot, tmp_path, fill_forms):
    ui = Ui(page, live_server.url, shot, "shucheng", tmp_path, fill_forms)
    ui.declare(
        "sc_clerk",
        {
            "项目名称": "智慧教育资源公共服务平台",
            "申报年度": "2027",
            "项目简要说明及建设依据": "依据县教育信息化三年行动计划，整合教育资源。",
            "主要建设内容": "资源平台软件开发、部署上云、安全防护。",
            "软件开发费（万元）": "260",
            "监理费（万元）": "8",
            "本级财政资金（万元）": "268",
        },
        {"建设性质": "新建", "采购类别": "服务"},
    )
    ui.give_materials("sc_clerk")
    ui.set_aside_soft_findings("sc_reviewer")
    ui.decide("sc_reviewer", "通过")  # ST-000-04 初审
    ui.expert_panel("sc_reviewer", size=5)  # ST-000-05 集中审查论证
    ui.decide("sc_reviewer", "通过")
    ui.give_materials("sc_clerk")  # 打捆编制的项目建议书
    ui.decide("sc_reviewer", "同意")  # ST-000-03-bundle 项目建议书审批
    project = ui.fresh()
    ui.decide("sc_leader", "同意立项", _approval(project))  # ST-000-06 县政府
    ui.expect("已立项")
    ui.snap("approved")
    assert ui.fresh().status == "approved"
    assert ProjectApproval.objects.get(project=project).approved_budget_yuan == 2_680_000


@pytest.mark.django_db(transaction=True)
def test_zhanggong_to_approval_with_a_joint_review(demo, live_server, page, shot, tmp_path, fill_forms):
    ui = Ui(page, live_server.url, shot, "zhanggong", tmp_path, fill_forms)
    ui.declare(
        "zg_clerk",
        {
            "项目名称": "校园安全智能预警平台",
            "申报年度": "2027",
            "项目简要说明及建设依据": "依据区教育数字化行动方案，建设校园安全预警。",
            "主要建设内容": "预警平台软件开发、部署上云、安全防护。",
            "软件开发费（万元）": "120",
            "本级财政资金（万元）": "120",
        },
        {"建设性质": "新建", "采购类别": "服务"},
    )
    ui.give_materials("zg_clerk")
    ui.set_aside_soft_findings("zg_reviewer")
    ui.decide("gz_supervisor", "完成")  # ST-002-03-city 对口市直单位意见 (50–200万, TH-15)
    ui.give_materials("zg_clerk")
    ui.decide("zg_reviewer", "通过")  # ST-002-04 财政承受能力评估
    ui.expert_panel("zg_reviewer", size=3)  # ST-002-06 论证评估
    ui.decide("zg_reviewer", "通过")
    ui.give_materials("zg_clerk")  # 联合会审用的建设方案及资金安排计划
    ui.joint_opinions()  # ST-002-07 联合会审
    ui.decide("zg_reviewer", "完成")
    ui.decide("zg_reviewer", "同意")  # ST-002-08 工作专班审定
    project = ui.fresh()
    ui.decide("zg_leader", "同意立项", _approval(project))  # ST-002-09 审批
    ui.expect("已立项")
    ui.snap("approved")
    assert ui.fresh().status == "approved"
