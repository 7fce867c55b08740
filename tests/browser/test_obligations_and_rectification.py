"""期限事项 in the browser (石嘴山, demo world): a 备案 the unit did not make within a month of the tender
(DL-10, 第十八条) shows red on the bureau's overview, filtered by rule; the pack proposes 限期整改, the bureau
follows the link, issues the order under DL-14 (第二十四条), and the unit finds it in its 消息中心 with the
unread count in the header."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govit.acceptance.models import RectificationOrder
from govit.core import clock
from govit.delivery.tests.test_delivery import approved_project, client_for, contract, procure
from govit.delivery.tests.test_delivery import post as delivery_post
from govit.obligations.services import obligations_scan
from govit.portal.demo import demo_load
from tests.browser.test_contract_and_change import log_in


@pytest.mark.django_db(transaction=True)
def test_overdue_filing_becomes_a_rectification_order(
    transactional_db, live_server, page, shot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(projects=False)
    project = approved_project("shizuishan")
    clerk = client_for("szs_clerk")
    procure(clerk, project)  # tendered 2026-09-20: DL-10 备案 was due a month later
    assert "已登记合同" in delivery_post(clerk, project, contract())
    obligations_scan(today=clock.today())
    base = live_server.url

    log_in(page, base, "szs_reviewer")
    page.goto(f"{base}/obligations/")
    page.get_by_label("期限规则").select_option("DL-10")
    page.get_by_role("button", name="筛选").click()
    row = page.locator("tr", has_text=project.name).filter(has_text="DL-10")
    assert row.locator(".light-red").count() == 1
    row.get_by_text("政策包提出限期整改建议").wait_for()
    shot(page, "obligations-01-overdue")
    row.get_by_role("link", name="验收与整改").click()
    page.locator("#proposal").wait_for()
    form = page.locator("#order-form")
    assert "逾期未办理" in form.locator("textarea[name=finding]").input_value()
    form.locator("select[name=rule_id]").select_option("DL-14")
    due = clock.today() + dt.timedelta(days=20)
    form.locator("input[name=due_on]").fill(due.isoformat())
    form.get_by_role("button", name="下达").click()
    page.get_by_text(re.compile("已下达限期整改通知")).wait_for()
    shot(page, "obligations-02-order")
    order = RectificationOrder.objects.get(project=project)
    assert (order.source, order.rule_id, order.due_on) == ("obligation", "DL-14", due)
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "szs_clerk")
    page.locator("header, nav").get_by_text(re.compile("消息")).first.click()
    page.get_by_text(re.compile("下达限期整改通知")).first.wait_for()
    shot(page, "obligations-03-message")
