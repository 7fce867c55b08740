"""Content-Security-Policy in the browser: every page is sent with ``default-src 'self'`` (in development too),
and the pages with the most moving parts — 统计分析 with its ECharts canvases and tooltips, and 新建项目 with its
form — run without a single violation the browser reports (``securitypolicyviolation`` events and console
errors naming the policy)."""

from __future__ import annotations

from typing import Any

import pytest

from govit.portal.demo import demo_load
from tests.browser.test_contract_and_change import log_in
from tests.browser.test_dashboard import portfolio_create

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def violations(page: Any, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations"), *console]


@pytest.mark.django_db(transaction=True)
def test_charts_and_forms_raise_no_csp_violation(transactional_db, live_server, page, shot):
    demo_load(projects=False)
    portfolio_create()
    base = live_server.url
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(LISTEN)

    response = page.request.get(f"{base}/login/")
    policy = response.headers["content-security-policy"]
    assert (
        "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    )

    log_in(page, base, "sc_reviewer")
    page.goto(f"{base}/dashboard/")
    for key in ("stage", "year", "unit"):
        page.locator(f'.dash-chart[data-chart="{key}"][data-rendered="1"]').wait_for()
    chart = page.locator('.dash-chart[data-chart="stage"] canvas').first
    box = chart.bounding_box()
    assert box is not None
    for fraction in (0.3, 0.5, 0.7):  # bring up ECharts' tooltips, which it builds as HTML
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(150)
    page.locator("#chart-stage").get_by_role("button", name="表格").click()
    shot(page, "csp-01-dashboard")
    assert violations(page, console) == []

    page.context.clear_cookies()
    log_in(page, base, "sc_clerk")
    page.goto(f"{base}/projects/new/")
    page.get_by_label("项目名称").fill("内容安全策略检查项目")
    page.get_by_role("button", name="保存").first.click()  # refused for the missing fields: the page redraws
    page.wait_for_load_state()
    shot(page, "csp-02-project-form")
    assert violations(page, console) == []
