"""The bureau's reviewer opens a submitted 舒城 project from 审查办理, sees the route from the pack with its
articles, returns it for revision with a reason and a due date; the clerk sees 退回修改 and the message,
fixes the declaration and resubmits into round 2."""

from __future__ import annotations

import re

import pytest

from govit.projects.models import Project
from govit.projects.services import declaration_submit

from .test_declaration_flow import log_in, log_out


@pytest.mark.django_db(transaction=True)
def test_reviewer_returns_and_clerk_resubmits(world, make_project, live_server, page, shot):
    base = live_server.url
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())

    log_in(page, base, "sc_reviewer")
    page.get_by_role("link", name="审查办理").click()
    page.get_by_role("link", name=project.name).click()
    card = page.locator("#workflow")
    card.get_by_text("初审").first.wait_for()  # ST-000-04, 第十二条
    assert card.get_by_text("▶ 办理中").is_visible()
    shot(page, "10-reviewer-route")
    card.get_by_label("结论").select_option(label="退回修改")
    card.get_by_label("审查意见 / 退回原因").fill("请补充政务数据资源共享清单和网络安全方案")
    card.get_by_label("修改期限（退回时填写）").fill("2099-01-31")
    card.get_by_role("button", name="登记结论").click()
    page.get_by_text("已登记").wait_for()
    assert Project.objects.get(pk=project.pk).status == "returned"
    shot(page, "11-returned")
    log_out(page)

    log_in(page, base, "edu_clerk")
    assert page.get_by_text(re.compile("被退回修改")).first.is_visible()
    page.goto(f"{base}/projects/{project.pk}/")
    assert page.get_by_text("↩ 已退回").is_visible()
    page.get_by_role("button", name="提交申报").click()
    page.get_by_text("已提交申报，等待主管部门审查").wait_for()
    assert page.get_by_text("第 2 轮申报").is_visible()
    shot(page, "12-resubmitted")
