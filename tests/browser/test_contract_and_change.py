"""After 立项, in the browser (金乡, demo world): the clerk records the procurement, registers the contract —
first refused for a missing 源代码 clause (第二十三条), then asked for a reason because the 质保期 is short
(原则性, 第三十条), then registered — and files a change request, which the bureau agrees to with the
项目审批部门's adjustment approval (第三十三条)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from govit.core import clock
from govit.delivery.models import ChangeRequest, Contract
from govit.delivery.tests.test_delivery import approved_project
from govit.portal.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import log_in as log_in_as


def log_in(page: Any, base: str, username: str) -> None:
    log_in_as(page, base, username, DEMO_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_contract_and_change_in_the_browser(transactional_db, live_server, page, shot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(projects=False)
    project = approved_project("jinxiang")
    base = live_server.url
    log_in(page, base, "jx_clerk")
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_role("link", name="采购与合同").click()

    form = page.locator("#procurement form")
    form.get_by_label("采购途径").select_option(label="政府采购")
    form.get_by_label("采购方式").select_option(label="公开招标")
    form.get_by_label("开标（采购）日期").fill("2026-09-21")
    form.get_by_label("中标（成交）通知书日期").fill("2026-09-28")
    form.get_by_label("中标（成交）供应商").fill("济宁某某软件有限公司")
    form.get_by_role("button", name="登记采购结果").click()
    page.get_by_text("已登记采购结果").wait_for()

    contract = page.locator("#contract-form")
    contract.get_by_label("合同编号").fill("JX-HT-2026-018")
    contract.get_by_label("乙方（供应商）").fill("济宁某某软件有限公司")
    contract.get_by_label("签订日期").fill("2026-10-16")
    contract.get_by_label("合同金额（万元）").fill("260")
    contract.get_by_label("实施周期（月）").fill("12")
    contract.get_by_label("质保期 / 维保期（月）").fill("12")
    for box in contract.locator("input[type=checkbox]").all():
        box.check()
    contract.get_by_label("源代码及技术文档移交").uncheck()
    contract.get_by_role("button", name="登记合同").click()
    page.get_by_text(re.compile("合同不符合刚性规定")).wait_for()
    shot(page, "delivery-01-hard-clause")

    contract = page.locator("#contract-form")
    contract.get_by_label("源代码及技术文档移交").check()
    contract.get_by_role("button", name="登记合同").click()
    page.get_by_text("以下原则性要求未满足，请逐项说明理由").wait_for()
    for reason in page.locator("#contract-form textarea[name^=reason_]").all():
        reason.fill("供应商另行出具原厂保修承诺，保修期延长至两年，由保修协议约定。")
    shot(page, "delivery-02-soft-reasons")
    page.locator("#contract-form").get_by_role("button", name="登记合同").click()
    page.get_by_text("已登记合同 JX-HT-2026-018").wait_for()
    assert Contract.objects.get().reasons
    shot(page, "delivery-03-contract")

    change = page.locator("#change-form")
    change.get_by_label("投资（预算）").check()
    change.get_by_label("变更内容及理由").fill("压减部分硬件采购，改用政务云资源。")
    change.get_by_label(re.compile("变更后投资")).fill("262")
    change.get_by_role("button", name="提交变更申请").click()
    page.get_by_text(re.compile("已提交变更申请")).wait_for()
    shot(page, "delivery-04-change")
    page.get_by_role("button", name="退出").click()

    log_in(page, base, "jx_reviewer")
    page.goto(f"{base}/projects/{project.pk}/delivery/#changes")
    card = page.locator("#changes")
    card.get_by_label("办理意见").fill("同意变更，按变更后投资执行。")
    card.get_by_label("调整批复文号").fill("金发改投资〔2026〕88号")  # 第三十三条 重新履行审批手续
    card.get_by_label("调整批复日期").fill(clock.today().isoformat())
    card.get_by_role("button", name="办理变更").click()
    page.get_by_text("已办理变更").wait_for()
    assert page.get_by_text("现行批复投资 262.00 万元").is_visible()
    assert ChangeRequest.objects.get().status == "approved"
    shot(page, "delivery-05-change-agreed")
