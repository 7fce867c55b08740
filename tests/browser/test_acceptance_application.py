"""竣工验收申请 in the browser (上城, demo world): the clerk fills an evidence item of the pack's checklist
(信创测评报告, ¶78), sees what still blocks the application — the trial run short of 30 days (TH-34), the
evidence not yet given — each with its article, and the application is refused with those reasons."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govit.acceptance import selectors, services
from govit.acceptance.models import AcceptanceApplication
from govit.acceptance.tests.test_acceptance import PANEL
from govit.accounts.models import User
from govit.core import clock
from govit.delivery.tests.test_delivery import approved_project, client_for, contract, procure
from govit.delivery.tests.test_delivery import post as delivery_post
from govit.portal.demo import demo_load
from tests.browser.test_contract_and_change import log_in


@pytest.mark.django_db(transaction=True)
def test_acceptance_application_shows_its_blocking_reasons(
    transactional_db, live_server, page, shot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(projects=False)
    project = approved_project("shangcheng")
    clerk = client_for("shc_clerk")
    procure(clerk, project)
    assert "已登记合同" in delivery_post(clerk, project, contract())
    project.refresh_from_db()
    unit_user = User.objects.get(username="shc_clerk")
    today = clock.today()
    services.initial_acceptance_record(
        actor=unit_user,
        project=project,
        held_on=today - dt.timedelta(days=30),
        panel=[{"name": n, "field": f, "employer": e} for n, f, e in PANEL],
        goals_met=True,
        scope_met=True,
        contract_met=True,
        checks=selectors.checklist_items(project, "initial_acceptance"),
        conclusion="pass",
        opinion="完成全部建设内容，符合建设目标，同意通过初验。",
    )
    trial = services.trial_run_start(
        actor=unit_user, project=project, started_on=today - dt.timedelta(days=29)
    )
    services.trial_run_end(actor=unit_user, trial=trial, ended_on=today, report_source="generated", report="")

    base = live_server.url
    log_in(page, base, "shc_clerk")
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_role("link", name="验收与运行").click()
    item = page.locator(".evidence-item[data-form=F-004-EV-XINCHUANG]")
    item.get_by_label(re.compile("报告编号")).fill("XC-2026-031")
    item.get_by_label(re.compile("测评机构")).fill("浙江某某信创测评中心")
    item.get_by_label(re.compile("报告日期")).fill((today - dt.timedelta(days=2)).isoformat())
    for label in ("服务器", "操作系统", "数据库"):
        item.get_by_label(re.compile(label)).fill("国产某某")
    item.get_by_label(re.compile("结论")).select_option(index=1)
    item.get_by_role("button", name="保存").click()
    page.get_by_text("已保存验收材料").wait_for()

    blockers = page.locator("#blockers")
    blockers.get_by_text(re.compile("试运行不足30天")).first.wait_for()
    assert "¶78" in blockers.inner_text()
    assert "未提供《" in blockers.inner_text()
    assert "XC-2026-031" not in blockers.inner_text()
    shot(page, "acceptance-01-blockers")
    page.get_by_role("button", name="提出竣工验收申请").click()
    page.get_by_text(re.compile("未能办理：不能提出竣工验收申请")).wait_for()
    shot(page, "acceptance-02-refused")
    assert not AcceptanceApplication.objects.filter(status="submitted").exists()
    saved = AcceptanceApplication.objects.get(project=project)
    assert saved.evidence["F-004-EV-XINCHUANG"]["report_no"] == "XC-2026-031"
