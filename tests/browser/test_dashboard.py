"""统计分析 in the browser (舒城, demo world): the bureau's reviewer opens the dashboard, every chart with data is
drawn on its canvas from the JSON view; the 按项目状态 chart switched to its table shows the known figures; its
.xlsx downloads and reads back with the same rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from govit.accounts.models import User
from govit.core import clock
from govit.dashboards.services import dashboard_summary_rebuild
from govit.obligations.models import Obligation
from govit.portal.demo import demo_load
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval
from tests.browser.test_contract_and_change import log_in

# (unit, year, status, total 元, approved 元)
PORTFOLIO = [
    ("sc_clerk", 2027, "approved", 3_000_000, 2_800_000),
    ("sc_clerk", 2027, "approved", 10_000_000, 9_000_000),
    ("sc_clerk", 2027, "submitted", 499_999, None),
    ("sc_clerk2", 2026, "in_construction", 12_345_678, 12_000_000),
    ("sc_clerk2", 2027, "draft", 800_000, None),  # not the bureau's to see
]

DRAWN = "(box) => { const c = box.querySelector('canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let painted = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) painted++; } const option = echarts.getInstanceByDom(box).getOption(); return {series: option.series.map((s) => s.data.length), painted: painted, png: c.toDataURL().length}; }"


def portfolio_create() -> list[Project]:
    now = clock.now()
    projects = Project.objects.bulk_create(
        Project(
            name=f"统计项目{n}",
            year=year,
            jurisdiction=clerk.primary_organisation.jurisdiction,
            lead_unit=clerk.primary_organisation,
            nature="NEW",
            procurement_category="SERVICE",
            created_by=clerk,
            status=status,
            total_yuan=total,
            cost_software=total,
            fund_fiscal=total,
        )
        for n, (username, year, status, total, _approved) in enumerate(PORTFOLIO)
        for clerk in [
            User.objects.select_related("primary_organisation__jurisdiction").get(username=username)
        ]
    )
    reviewer = User.objects.get(username="sc_reviewer")
    ProjectApproval.objects.bulk_create(
        ProjectApproval(
            project=project,
            approval_number=f"舒政秘〔2026〕{n}号",
            approved_budget_yuan=spec[4],
            approved_on=dt.date(2026, 11, 2),
            decided_by_body="县政府常务会议",
            stage_id="ST-000-06",
            recorded_by=reviewer,
            recorded_at=now,
        )
        for n, (project, spec) in enumerate(zip(projects, PORTFOLIO, strict=True))
        if spec[4] is not None
    )
    Obligation.objects.create(
        project=projects[3],
        jurisdiction=projects[3].jurisdiction,
        organisation=projects[3].lead_unit,
        role="PROJECT_UNIT",
        rule_id="DL-05",
        name="合同签订后10个工作日内备案",
        due_on=dt.date(2026, 10, 1),
        remind_on=dt.date(2026, 9, 28),
        state="overdue",
    )
    dashboard_summary_rebuild()  # the rows above are written in bulk, past the audited services
    return projects


@pytest.mark.django_db(transaction=True)
def test_the_bureau_reads_the_dashboard_as_charts_tables_and_xlsx(transactional_db, live_server, page, shot):
    demo_load(projects=False)
    portfolio_create()
    base = live_server.url

    log_in(page, base, "sc_reviewer")
    page.goto(f"{base}/dashboard/")
    drawn: dict[str, Any] = {}
    for key in ("stage", "year", "unit", "band", "budget", "overdue"):
        box = page.locator(f'.dash-chart[data-chart="{key}"][data-rendered="1"]')
        box.wait_for()
        drawn[key] = box.evaluate(DRAWN)
    for key, figures in drawn.items():
        assert figures["series"] and min(figures["series"]) > 0, key
        assert figures["painted"] > 2_000 and figures["png"] > 5_000, (key, figures)
    assert drawn["stage"]["series"] == [3, 3]  # 已申报, 已立项, 建设中: counts and amounts
    # no acceptance application or evaluation yet: those cards stay as tables saying so
    assert page.locator("#chart-acceptance .dash-empty").is_visible()
    assert page.locator("#chart-acceptance .view-switch").is_hidden()
    shot(page, "dashboard-01-charts")

    card = page.locator("#chart-stage")
    assert card.locator("table").is_hidden()
    card.get_by_role("button", name="表格").click()
    assert card.locator(".dash-chart").is_hidden()
    assert card.get_by_role("button", name="表格").get_attribute("aria-pressed") == "true"
    approved = card.locator("tbody tr", has_text="已立项")
    assert approved.locator("td").all_inner_texts() == ["2", "1,300.00"]
    assert card.locator("tfoot tr").locator("td").all_inner_texts() == ["4", "2,584.5677"]
    shot(page, "dashboard-02-table")

    with page.expect_download() as info:
        card.get_by_role("link", name="下载 Excel").click()
    download = info.value
    assert download.suggested_filename == "统计分析-按项目状态-全部年度.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [row[:2] for row in rows] == [["已申报", 1], ["已立项", 2], ["建设中", 1], ["合计", 4]]
    assert Decimal(str(rows[2][2])) == Decimal("1234.5678") and Decimal(str(rows[3][2])) == Decimal(
        "2584.5677"
    )

    card.get_by_role("button", name="图表").click()
    assert card.locator(".dash-chart").is_visible() and card.locator("table").is_hidden()
