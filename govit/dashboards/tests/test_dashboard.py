"""统计分析: each chart's counts and sums for a known portfolio, seen by a unit, its bureau and the city above;
nothing of another county; the tables without JavaScript; each .xlsx the same as its table; audited; the data
view's query count does not grow with the portfolio."""

from __future__ import annotations

import io
import itertools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from govit.acceptance.models import AcceptanceApplication, Evaluation
from govit.audit.models import AuditEvent
from govit.core.money import yuan_to_wan_exact_text
from govit.dashboards.choices import AMOUNT_BANDS
from govit.dashboards.services import dashboard_summary_rebuild
from govit.dashboards.tests.conftest import (
    application,
    evaluation,
    obligation,
    page_tables,
    projects_create,
)
from govit.obligations.models import Obligation


def data(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"/dashboard/data/{query}")
    assert response.status_code == 200
    return response.json()


def rows(payload: dict[str, Any], key: str) -> list[list[Any]]:
    return next(chart for chart in payload["charts"] if chart["key"] == key)["rows"]


def keys(payload: dict[str, Any]) -> list[str]:
    return [chart["key"] for chart in payload["charts"]]


# ------------------------------------------------------------------ the figures


def test_it_counts_and_sums_each_chart_for_the_bureau(world, login, portfolio):
    payload = data(login(world["users"]["reviewer"]))
    # 舒城's six declared projects; the drafts (E) and 章贡 (H, I) are not the bureau's to see
    assert payload["summary"] == {
        "projects": 6,
        "total_wan": 2834.5677,
        "approved_projects": 4,
        "approved_wan": 2430.0,
        "overdue_obligations": 3,
    }
    assert rows(payload, "stage") == [
        ["已申报", 1, 49.9999],
        ["审查中", 1, 200.0],
        ["已立项", 2, 1300.0],
        ["建设中", 1, 1234.5678],
        ["运行维护", 1, 50.0],
    ]
    assert rows(payload, "year") == [["2026年", 1, 50.0], ["2027年", 5, 2784.5677]]
    assert rows(payload, "unit") == [
        ["舒城县教育局", 4, 1634.5677],
        ["舒城县卫生健康委员会", 2, 1200.0],
    ]
    # the boundaries: 499,999 元 is under 50万; 50万, 200万 and 1000万 open the next band
    assert rows(payload, "band") == [
        ["50万元以下", 1, 49.9999],
        ["50万至200万元", 1, 50.0],
        ["200万至1000万元", 2, 500.0],
        ["1000万元及以上", 2, 2234.5678],
    ]
    assert rows(payload, "budget") == [
        ["舒城县教育局", 3, 1584.5678, 1530.0, 54.5678],
        ["舒城县卫生健康委员会", 1, 1000.0, 900.0, 100.0],
    ]
    assert rows(payload, "overdue") == [["舒城县教育局", 2, 2], ["舒城县数据资源管理局", 1, 1]]
    assert rows(payload, "acceptance") == [
        ["已申请，待验收", 1, 1],
        ["验收通过", 1, 1],
        ["验收不通过", 1, 1],
    ]
    assert rows(payload, "evaluation") == [["绩效评价", "合格", 1], ["自评价", "优", 1]]
    assert "children" not in keys(payload)  # a county has no lower level
    totals = {chart["key"]: chart["total"] for chart in payload["charts"]}
    assert totals["stage"] == ["合计", 6, 2834.5677]
    assert totals["budget"] == ["合计", 4, 2584.5678, 2430.0, 154.5678]


def test_the_bands_are_one_constant_that_covers_every_amount():
    assert AMOUNT_BANDS[0][1] == 0 and AMOUNT_BANDS[-1][2] is None
    for (_l, _low, high), (_n, low, _h) in itertools.pairwise(AMOUNT_BANDS):
        assert high == low


def test_the_year_filter_narrows_every_chart_but_the_yearly_trend(world, login, portfolio):
    payload = data(login(world["users"]["reviewer"]), "?year=2026")
    assert payload["summary"]["projects"] == 1
    assert rows(payload, "stage") == [["运行维护", 1, 50.0]]
    assert rows(payload, "year") == [["2026年", 1, 50.0], ["2027年", 5, 2784.5677]]
    assert rows(payload, "budget") == [["舒城县教育局", 1, 50.0, 50.0, 0.0]]
    assert rows(payload, "overdue") == []  # A, B and G are 2027 projects
    assert rows(payload, "acceptance") == [["验收通过", 1, 1]]
    page = login(world["users"]["reviewer"]).get("/dashboard/?year=2026").content.decode()
    assert '<option value="2026" selected>2026年</option>' in page
    assert "2026年度" in page


def test_a_unit_sees_its_own_projects_drafts_included(world, login, portfolio):
    payload = data(login(world["users"]["clerk"]))
    assert payload["summary"]["projects"] == 5
    assert ["草稿", 1, 80.0] in rows(payload, "stage")
    assert rows(payload, "unit") == [["舒城县教育局", 5, 1714.5677]]
    assert rows(payload, "overdue") == [["舒城县教育局", 2, 2]]  # G's (卫健委) is not its project
    assert rows(payload, "evaluation") == [["绩效评价", "合格", 1], ["自评价", "优", 1]]
    assert "children" not in keys(payload)
    assert payload["scope"] == "舒城县教育局牵头或参与共建的项目"


def test_a_co_built_project_counts_once_for_each_unit_that_sees_it(world, login, portfolio):
    portfolio["G"].co_units.set([world["orgs"]["education"], world["orgs"]["bureau"]])
    payload = data(login(world["users"]["clerk"]))
    assert (
        payload["summary"]["projects"] == 6
    )  # its five, and 卫健委's G once (two co-units, no double count)
    assert rows(payload, "unit") == [
        ["舒城县教育局", 5, 1714.5677],
        ["舒城县卫生健康委员会", 1, 1000.0],  # G is counted under its lead unit
    ]
    assert rows(payload, "overdue") == [["舒城县教育局", 2, 2], ["舒城县数据资源管理局", 1, 1]]
    assert data(login(world["users"]["reviewer"]))["summary"]["projects"] == 6


def test_a_city_supervisor_sees_its_counties_side_by_side(world, login, portfolio):
    client = login(world["users"]["supervisor"])
    payload = data(client)
    assert payload["summary"]["projects"] == 6
    # 六安市 has no projects of its own, so only 舒城县 is listed (no “六安市本级” row)
    assert rows(payload, "children") == [["舒城县", 6, 2834.5677, 4, 2430.0]]
    assert "六安市及下级区划" in payload["scope"]
    headers, tables = page_tables(client.get("/dashboard/").content.decode())
    assert headers["children"] == ["行政区划", "项目数", "总投资（万元）", "已立项项目数", "批复投资（万元）"]
    assert tables["children"][0] == ["舒城县", "6", "2,834.5677", "4", "2,430.00"]


def test_a_province_counts_a_county_under_its_city_and_its_own_projects_apart(world, login, portfolio):
    from govit.accounts.choices import OrganisationKind, Role
    from govit.accounts.models import Organisation
    from govit.accounts.services import role_assign, user_create

    province = world["jurisdictions"]["luan"].parent
    office = Organisation.objects.create(
        jurisdiction=province, name="安徽省数据资源管理局", kind=OrganisationKind.COMPETENT_BUREAU
    )
    world["orgs"]["province"] = office
    supervisor = user_create(
        actor=None, username="ah_supervisor", password="x", display_name="省", organisation=office
    )
    role_assign(actor=None, user=supervisor, organisation=office, role=Role.SUPERVISOR)
    world["users"]["province"] = supervisor
    projects_create(world, {"P": ("province", "province", 2027, "submitted", 700_000, None)}, prefix="省")
    payload = data(login(supervisor))
    assert rows(payload, "children") == [
        ["六安市", 6, 2834.5677, 4, 2430.0],
        ["安徽省本级", 1, 70.0, 0, 0.0],
    ]


@pytest.mark.parametrize("who", ["outsider", "outsider_reviewer"])
def test_an_outsider_sees_nothing_of_another_county(world, login, portfolio, who):
    client = login(world["users"][who])
    payload = data(client)
    names = {row[0] for chart in payload["charts"] for row in chart["rows"]}
    assert not {name for name in names if "舒城" in name}
    expected = 2 if who == "outsider" else 1  # the unit sees its draft too
    assert payload["summary"]["projects"] == expected
    assert rows(payload, "overdue") == [["章贡区教育局", 1, 1]]
    assert rows(payload, "evaluation") == [["绩效评价", "不合格", 1]]
    page = client.get("/dashboard/").content.decode()
    assert "舒城县教育局" not in page and "舒城县数据资源管理局" not in page
    book = load_workbook(io.BytesIO(client.get("/dashboard/export/unit.xlsx").content))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "章贡区教育局" in cells and not [c for c in cells if isinstance(c, str) and "舒城县教" in c]


def test_an_account_without_projects_sees_empty_charts(world, login, portfolio):
    from govit.accounts.models import User

    nobody = User.objects.create(username="nobody")
    payload = data(login(nobody))
    assert payload["summary"]["projects"] == 0
    assert all(chart["rows"] == [] for chart in payload["charts"])
    assert "您的账号没有可查看的项目" in payload["scope"]


def test_the_page_needs_a_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/dashboard/data/").status_code == 302


# ------------------------------------------------------------------ the page, the tables and the downloads


def test_the_page_shows_every_table_without_javascript(world, login, portfolio):
    page = login(world["users"]["reviewer"]).get("/dashboard/").content.decode()
    headers, tables = page_tables(page)
    assert list(tables) == ["stage", "year", "unit", "band", "budget", "overdue", "acceptance", "evaluation"]
    assert tables["stage"][-1] == ["合计", "6", "2,834.5677"]
    assert tables["band"][0] == ["50万元以下", "1", "49.9999"]
    assert headers["budget"] == [
        "建设单位",
        "已立项项目数",
        "申报总投资（万元）",
        "批复投资（万元）",
        "核减（万元）",
    ]
    # the charts and their switches appear only once the script has drawn them
    assert page.count('class="dash-chart"') == 8 and page.count('role="img"') == 8
    assert page.count('<div class="view-switch" role="group"') == 8
    assert "hidden></div>" in page and "vendor/echarts/echarts.min.js" in page
    assert 'data-data-url="/dashboard/data/"' in page


@pytest.mark.parametrize(
    "key", ["stage", "year", "unit", "band", "budget", "overdue", "acceptance", "evaluation"]
)
def test_each_xlsx_matches_its_table(world, login, portfolio, key):
    client = login(world["users"]["reviewer"])
    headers, tables = page_tables(client.get("/dashboard/").content.decode())
    response = client.get(f"/dashboard/export/{key}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    filename = unquote(response["Content-Disposition"])
    assert filename.startswith("attachment; filename*=UTF-8''统计分析-") and filename.endswith(
        "-全部年度.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("统计分析：") and "（全部年度）" in sheet["A1"].value
    assert sheet["A2"].value == "统计范围：舒城县及下级区划已申报的项目"
    assert [c.value for c in sheet[3]] == headers[key]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]

    def shown(heading: str, value: Any) -> str:
        if value is None:
            return ""
        if heading.endswith("（万元）"):
            return yuan_to_wan_exact_text(
                int((Decimal(str(value)) * 10_000).quantize(Decimal(1), ROUND_HALF_UP))
            )
        return str(value)

    assert [[shown(h, v) for h, v in zip(headers[key], row, strict=True)] for row in body] == tables[key]
    assert len(body) >= 2  # every chart of the portfolio has rows, and the 合计


def test_amounts_are_numbers_in_wan_exact_to_the_yuan(world, login, portfolio):
    client = login(world["users"]["reviewer"])
    sheet = load_workbook(io.BytesIO(client.get("/dashboard/export/stage.xlsx").content)).active
    by_status = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert Decimal(str(by_status["建设中"][2].value)) == Decimal("1234.5678")
    assert by_status["建设中"][2].number_format == "#,##0.00##"
    assert by_status["合计"][1].value == 6


def test_a_name_that_looks_like_a_formula_stays_text(world, login, portfolio):
    from govit.accounts.models import Organisation

    Organisation.objects.filter(pk=world["orgs"]["health"].pk).update(name='=HYPERLINK("http://x")')
    sheet = load_workbook(
        io.BytesIO(login(world["users"]["reviewer"]).get("/dashboard/export/unit.xlsx").content)
    ).active
    cell = next(row[0] for row in sheet.iter_rows(min_row=4) if str(row[0].value).startswith("="))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_views_and_downloads_are_audited(world, login, portfolio):
    client = login(world["users"]["reviewer"])
    client.get("/dashboard/?year=2027")
    client.get("/dashboard/data/?year=2027")
    client.get("/dashboard/export/budget.xlsx?year=2027")
    views = list(AuditEvent.objects.filter(action="dashboard.view").order_by("seq"))
    assert [event.after["format"] for event in views] == ["page", "json"]
    assert views[0].after["year"] == 2027 and views[0].after["projects"] == 5
    assert views[0].actor == world["users"]["reviewer"]
    export = AuditEvent.objects.get(action="dashboard.export")
    assert export.after["chart"] == "budget" and export.after["rows"] == 2
    assert export.after["scope"] == "舒城县及下级区划已申报的项目"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?year=明年", "不能识别所填内容"),
        ("?year=1999", "不能早于 2000 年"),
        ("?year=2101", "不能晚于 2100 年"),
    ],
)
def test_a_bad_year_is_refused_in_chinese(world, login, portfolio, query, message):
    client = login(world["users"]["reviewer"])
    for path in ("/dashboard/", "/dashboard/data/", "/dashboard/export/stage.xlsx"):
        response = client.get(path + query)
        assert response.status_code == 400
        assert "年度应为 2000 至 2100 之间的四位数字年份" in response.content.decode()
        assert message in response.content.decode()
    assert client.get("/dashboard/data/" + query).json()["errors"]["year"]
    assert not AuditEvent.objects.filter(action__startswith="dashboard.").exists()


def test_an_unknown_chart_or_one_outside_the_scope_is_not_found(world, login, portfolio):
    client = login(world["users"]["reviewer"])
    assert client.get("/dashboard/export/nonsense.xlsx").status_code == 404
    assert client.get("/dashboard/export/children.xlsx").status_code == 404  # a county has no lower level
    supervisor = login(world["users"]["supervisor"])
    assert supervisor.get("/dashboard/export/children.xlsx").status_code == 200
    assert not AuditEvent.objects.filter(action="dashboard.export", actor=world["users"]["reviewer"]).exists()


# ------------------------------------------------------------------ query count


def _grow(world: dict[str, Any], copies: int, prefix: str) -> None:
    """``copies`` more projects of each kind in 舒城, with approvals, obligations, applications, evaluations."""
    specs = {
        f"{n}{kind}": (unit, creator, year, status, total, approved)
        for n in range(copies)
        for kind, (unit, creator, year, status, total, approved) in {
            "a": ("education", "clerk", 2027, "approved", 3_000_000, 2_800_000),
            "b": ("health", "health_clerk", 2026, "in_operation", 600_000, 600_000),
            "c": ("education", "clerk", 2028, "submitted", 20_000_000, None),
        }.items()
    }
    made = projects_create(world, specs, prefix=prefix)
    Obligation.objects.bulk_create(
        obligation(project, world["orgs"]["education"], "overdue", f"DL-{key}")
        for key, project in made.items()
    )
    AcceptanceApplication.objects.bulk_create(
        application(project, "passed", world["users"]["clerk"]) for key, project in made.items() if "b" in key
    )
    Evaluation.objects.bulk_create(
        evaluation(project, "performance", 2027, "合格", world["users"]["reviewer"])
        for key, project in made.items()
        if "b" in key
    )
    dashboard_summary_rebuild()


@pytest.mark.parametrize("who", ["reviewer", "supervisor", "clerk"])
def test_the_data_view_query_count_stays_the_same_as_projects_grow(
    world, login, portfolio, django_assert_num_queries, who
):
    client = login(world["users"][who])
    client.get("/dashboard/data/")  # warm the session
    with CaptureQueriesContext(connection) as small:
        data(client)
    _grow(world, 30, "甲")
    # session and user; the scope (roles, the overseen tree, the names); five aggregates; the audit event with
    # its savepoints (a read does not write the session)
    expected = {"reviewer": 17, "supervisor": 17, "clerk": 16}[who]
    assert len(small) == expected
    with django_assert_num_queries(expected):
        payload = data(client)
    assert payload["summary"]["projects"] > 60
