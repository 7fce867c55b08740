"""年度项目计划: the approved projects of a jurisdiction and year, totals by unit and funding source, as a
page and an .xlsx that opens again with the same figures; only bureau and supervising users see it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from govit.audit.models import AuditEvent
from govit.core import clock
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval


@pytest.fixture
def approved(world: dict[str, Any], make_project: Any) -> list[Project]:
    """Two approved 2027 projects of 教育局 and one of 卫健委, a 2028 one, and one still in review."""

    def approve(project: Project, budget: int, number: str) -> Project:
        Project.objects.filter(pk=project.pk).update(status=Status.APPROVED)
        ProjectApproval.objects.create(
            project=project,
            approval_number=number,
            approved_budget_yuan=budget,
            approved_on=dt.date(2026, 11, 2),
            decided_by_body="县政府常务会议",
            stage_id="ST-000-06",
            recorded_by=world["users"]["reviewer"],
            recorded_at=clock.now(),
        )
        return project

    def make(**fields: Any) -> Project:
        return make_project(**{"cost_software": 0, "cost_equipment": 0, "fund_fiscal": 0, **fields})

    first = make(name="教育专网升级", cost_equipment=1_234_567, fund_fiscal=1_234_567)
    second = make(name="智慧校园平台", cost_software=3_000_000, fund_fiscal=2_000_000, fund_upper=1_000_000)
    health = make(
        name="全民健康信息平台", unit="health", actor="health_clerk", cost_software=800_000, fund_self=800_000
    )
    later = make(name="下年度项目", year=2028, cost_software=500_000, fund_fiscal=500_000)
    make(name="审查中项目", cost_software=900_000, fund_fiscal=900_000)
    return [
        approve(first, 1_200_000, "舒政秘〔2026〕1号"),
        approve(second, 2_800_000, "舒政秘〔2026〕2号"),
        approve(health, 800_000, "舒政秘〔2026〕3号"),
        approve(later, 500_000, "舒政秘〔2027〕1号"),
    ]


def plan_url(world: dict[str, Any], year: int = 2027, path: str = "/plans/") -> str:
    return f"{path}?jurisdiction={world['jurisdictions']['shucheng'].pk}&year={year}"


def test_the_page_lists_approved_projects_with_totals(world, login, approved):
    page = login(world["users"]["reviewer"]).get(plan_url(world)).content.decode()
    assert "舒城县2027年度政务信息化项目计划" in page
    assert "3 个项目，批复投资 480.00 万元" in page
    assert "教育专网升级" in page and "全民健康信息平台" in page
    assert "下年度项目" not in page and "审查中项目" not in page
    # by unit: 教育局 2 projects 400万 approved; by source: 本级财政 323.4567万 declared
    assert '<td>舒城县教育局</td><td class="num">2</td>' in page
    assert "400.00" in page and "323.46" in page


def test_the_xlsx_opens_with_the_same_rows_and_totals(world, login, approved):
    client = login(world["users"]["reviewer"])
    response = client.get(plan_url(world, path="/plans/export/"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert unquote(response["Content-Disposition"]).endswith("舒城县2027年度项目计划.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["年度项目计划", "按单位汇总", "按资金来源汇总"]
    sheet = book["年度项目计划"]
    assert sheet["A1"].value == "舒城县2027年度政务信息化项目计划"
    header = [c.value for c in sheet[2]]
    assert header[:7] == [
        "序号",
        "建设单位",
        "项目名称",
        "建设性质",
        "采购类别",
        "申报总投资（万元）",
        "批复投资（万元）",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    # grouped by unit (in code-point order of the unit names), then by date and name
    assert [r[2] for r in rows[:-1]] == ["全民健康信息平台", "教育专网升级", "智慧校园平台"]
    assert Decimal(str(rows[1][5])) == Decimal("123.4567")  # exact to the yuan
    total = rows[-1]
    assert total[0] == "合计" and Decimal(str(total[6])) == Decimal("480")
    fiscal = header.index("本级财政资金（万元）")
    assert Decimal(str(total[fiscal])) == Decimal("323.4567")
    units = {row[0].value: row[1].value for row in book["按单位汇总"].iter_rows(min_row=3)}
    assert units == {"舒城县教育局": 2, "舒城县卫生健康委员会": 1, "合计": 3}
    sources = {
        row[0].value: Decimal(str(row[1].value)) for row in book["按资金来源汇总"].iter_rows(min_row=3)
    }
    assert sources["上级专项资金"] == Decimal("100") and sources["合计"] == Decimal("503.4567")
    event = AuditEvent.objects.get(action="plan.export")
    assert event.after == {"year": 2027, "projects": 3, "approved_yuan": 4_800_000}


def test_a_supervisor_above_sees_the_county_plan(world, login, approved):
    page = login(world["users"]["supervisor"]).get(plan_url(world)).content.decode()
    assert "3 个项目" in page


@pytest.mark.parametrize("who", ["clerk", "outsider_reviewer"])
def test_others_cannot_read_the_plan(world, login, approved, who):
    client = login(world["users"][who])
    if who == "clerk":
        assert client.get(plan_url(world)).status_code == 403
        assert "年度计划" not in client.get("/").content.decode()
    else:  # a reviewer of another county choosing 舒城县
        response = client.get(plan_url(world), follow=True)
        assert "所选行政区划无效或您无权查看" in response.content.decode()
        assert client.get(plan_url(world, path="/plans/export/")).status_code == 302
    assert not AuditEvent.objects.filter(action="plan.export").exists()


@pytest.mark.parametrize(
    ("year", "message"), [("二〇二七", "计划年度应为四位数字年份"), ("1999", "不能早于")]
)
def test_a_bad_year_gets_a_chinese_error(world, login, year, message):
    page = login(world["users"]["reviewer"]).get(plan_url(world, year=year)).content.decode()
    assert message in page
