"""数据报送 on the persona world of conftest: the values a known project sends up (budget, contracts,
payments as OCDS transactions, an agreed change as an amendment), who may export (the bureau and the
supervisors above; a unit, an outsider and a co-reviewer are refused in Chinese), the audit trail, bad input,
the API and the `govit opendata export` command."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from govit.accounts.choices import Role
from govit.accounts.models import Organisation
from govit.accounts.services import role_assign, user_create
from govit.audit.choices import Outcome
from govit.audit.models import AuditEvent
from govit.delivery.choices import ContractKind
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation
from govit.opendata.services import opendata_export
from govit.opendata.tests.builders import (
    SUPERVISOR,
    SUPPLIER,
    TESTER,
    Rich,
    declared,
    moment,
    rich_project,
)
from govit.opendata.validation import ocds_errors, projects_errors, projects_schema
from govit.projects.choices import Nature, ProcurementCategory, Status

CREDIT_CODE = "12341523MB1234567X"

pytestmark = pytest.mark.urls("govit.opendata.tests.urls")


@pytest.fixture
def rich(world: dict[str, Any]) -> Rich:
    users, orgs = world["users"], world["orgs"]
    Organisation.objects.filter(pk=orgs["education"].pk).update(credit_code=CREDIT_CODE)
    Organisation.objects.filter(pk=orgs["health"].pk).update(credit_code="不是信用代码")
    built = rich_project(unit=orgs["education"], clerk=users["clerk"], reviewer=users["reviewer"])
    built.project.co_units.set([orgs["health"]])
    return built


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user: Any, path: str) -> Any:
    return client_for(user).get(path)


def export(user: Any, kind: str, code: str = "341523", **query: Any) -> dict[str, Any]:
    response = client_for(user).get(f"/opendata/{code}/{kind}.json", query)
    assert response.status_code == 200, response.content.decode()
    data: dict[str, Any] = json.loads(response.content)
    return data


def test_known_project_in_the_projects_export(world, rich):
    document = export(world["users"]["reviewer"], "projects")
    assert projects_errors(document) == []
    assert document["jurisdiction"]["code"] == "341523" and document["jurisdiction"]["name"] == "舒城县"
    assert document["jurisdiction"]["pack_code"] == "shucheng"
    assert document["jurisdiction"]["parent"] == {"code": "341500", "name": "六安市"}
    (entry,) = document["projects"]
    assert entry["id"] == rich.project.pk and entry["ocid"] == f"ocds-govit-341523-{rich.project.pk}"
    assert entry["unit"] == {
        "id": world["orgs"]["education"].pk,
        "name": "舒城县教育局",
        "credit_code": CREDIT_CODE,
    }
    assert entry["co_units"] == [
        {"id": world["orgs"]["health"].pk, "name": "舒城县卫生健康委员会", "credit_code": None}
    ]
    assert entry["status"] == {"code": "in_operation", "label": "运行维护"}
    assert entry["nature"] == {"code": "NEW", "label": "新建"}
    assert entry["procurement_category"] == {"code": "SERVICE", "label": "服务"}
    assert entry["amounts"] == {
        "requested_total_yuan": 2_200_000,
        "approved_budget_yuan": 2_000_000,
        "current_budget_yuan": 1_800_000,  # the agreed change, not the refused one
        "contract_total_yuan": 1_640_000,
        "paid_yuan": 950_000,
    }
    assert entry["approval"] == {
        "number": f"舒数〔2026〕{rich.project.pk}号",
        "date": "2026-09-01",
        "decided_by": "县政府常务会议",
    }
    assert [
        (c["number"], c["kind"]["label"], c["amount_yuan"], c["paid_yuan"]) for c in entry["contracts"]
    ] == [
        ("JL-2026-001", "监理合同", 100_000, 50_000),
        ("HT-2026-001", "项目合同", 1_500_000, 900_000),
        ("QT-2026-001", "其他合同", 40_000, 0),
    ]
    assert entry["changes"] == [
        {
            "id": rich.agreed.pk,
            "decided_on": "2027-01-10",
            "kinds": ["投资（预算）", "建设内容"],
            "baseline_yuan": 2_000_000,
            "new_total_yuan": 1_800_000,
            "reapproval_number": "舒发改〔2027〕3号",
        }
    ]
    assert entry["dates"] == {
        "submitted": "2026-08-03",
        "approved": "2026-09-01",
        "contracts_signed": "2026-09-30",
        "accepted": "2027-10-20",
    }
    # the two overdue rows of the builder and whatever the pack's own deadlines say; never the fulfilled one
    overdue = Obligation.objects.filter(project=rich.project, state=ObligationState.OVERDUE).count()
    assert overdue >= 2 and Obligation.objects.filter(project=rich.project).count() > overdue
    assert entry["obligations"] == {"overdue": overdue}
    assert document["totals"]["paid_yuan"] == 950_000 and document["totals"]["overdue_obligations"] == overdue


def test_known_project_in_the_ocds_package(world, rich, settings):
    settings.GOVIT_OCID_PREFIX = "ocds-t3st01-"
    package = export(world["users"]["reviewer"], "ocds")
    assert ocds_errors(package) == []
    assert package["version"] == "1.1"
    assert package["publisher"]["name"] == "舒城县数据资源管理局"
    assert package["uri"].endswith("/opendata/341523/ocds.json")
    (release,) = package["releases"]
    ocid = f"ocds-t3st01-341523-{rich.project.pk}"
    assert release["ocid"] == ocid and release["id"].startswith(ocid + "-")
    assert release["tag"] == [
        "planning",
        "tender",
        "award",
        "contract",
        "implementation",
        "contractAmendment",
    ]
    assert release["planning"]["budget"]["amount"] == {"amount": 2_000_000, "currency": "CNY"}
    assert release["planning"]["budget"]["id"] == f"舒数〔2026〕{rich.project.pk}号"

    tender = release["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("open", "公开招标")
    assert tender["mainProcurementCategory"] == "services"
    assert tender["value"] == {"amount": 1_900_000, "currency": "CNY"}

    parties = {party["id"]: party for party in release["parties"]}
    buyer = release["buyer"]
    assert parties[buyer["id"]]["roles"] == ["buyer", "payer"]
    assert parties[buyer["id"]]["identifier"] == {
        "scheme": "CN-USCC",
        "id": CREDIT_CODE,
        "legalName": "舒城县教育局",
    }
    by_name = {party["name"]: party for party in release["parties"]}
    assert by_name[SUPPLIER]["roles"] == ["supplier", "payee"]
    assert by_name[TESTER]["roles"] == ["supplier"]  # never paid

    awards = {award["id"]: award for award in release["awards"]}
    contracts = {contract["title"].split()[-1]: contract for contract in release["contracts"]}
    main = contracts["HT-2026-001"]
    assert awards[main["awardID"]]["suppliers"] == [{"id": by_name[SUPPLIER]["id"], "name": SUPPLIER}]
    assert awards[contracts["JL-2026-001"]["awardID"]]["suppliers"][0]["name"] == SUPERVISOR
    assert awards[contracts["QT-2026-001"]["awardID"]]["description"] == "未单独登记采购结果，按合同登记"
    assert main["value"] == {"amount": 1_500_000, "currency": "CNY"}
    assert main["dateSigned"] == "2026-10-15T00:00:00+08:00"
    assert main["period"]["endDate"] == "2027-10-15T00:00:00+08:00"
    assert main["status"] == "terminated"  # accepted and in operation: the contract has come to a close
    transactions = main["implementation"]["transactions"]
    assert [(t["date"][:10], t["value"]["amount"], t["value"]["currency"]) for t in transactions] == [
        ("2026-11-02", 450_000, "CNY"),
        ("2027-03-01", 450_000, "CNY"),
    ]
    assert {t["payer"]["id"] for t in transactions} == {buyer["id"]}
    assert {t["payee"]["id"] for t in transactions} == {by_name[SUPPLIER]["id"]}
    assert "implementation" not in contracts["QT-2026-001"]

    (amendment,) = main["amendments"]  # the agreed change; the refused one is not an amendment
    assert amendment["id"] == f"{ocid}-change-{rich.agreed.pk}"
    assert amendment["date"] == "2027-01-10T15:30:00+08:00"
    assert amendment["rationale"] == "核减部分硬件采购，改用政务云资源。"
    assert "投资由 2000000 元调整为 1800000 元" in amendment["description"]
    assert "舒发改〔2027〕3号" in amendment["description"]
    for contract in release["contracts"]:
        if contract is not main:
            assert "amendments" not in contract
    references = [release["buyer"], *(s for a in release["awards"] for s in a["suppliers"])]
    assert all(ref["id"] in parties for ref in references)


def test_ocds_keeps_only_projects_granted_approval_and_drafts_are_never_sent(world, rich):
    users, orgs = world["users"], world["orgs"]
    draft = declared(
        unit=orgs["education"], clerk=users["clerk"], name="政务外网终端安全加固", status=Status.DRAFT
    )
    in_review = declared(
        unit=orgs["education"], clerk=users["clerk"], name="数据共享交换平台", status=Status.IN_REVIEW
    )
    document = export(users["reviewer"], "projects")
    assert [p["id"] for p in document["projects"]] == [rich.project.pk, in_review.pk]
    assert draft.pk not in [p["id"] for p in document["projects"]]
    package = export(users["reviewer"], "ocds")
    assert [r["ocid"].rsplit("-", 1)[1] for r in package["releases"]] == [str(rich.project.pk)]


def test_year_filter(world, rich):
    users, orgs = world["users"], world["orgs"]
    later = declared(
        unit=orgs["education"],
        clerk=users["clerk"],
        name="智慧养老服务平台",
        status=Status.SUBMITTED,
        year=2028,
    )
    document = export(users["reviewer"], "projects", year="2028")
    assert document["filter"] == {"year": 2028}
    assert [p["id"] for p in document["projects"]] == [later.pk]
    assert projects_errors(document) == []
    response = download(users["reviewer"], "/opendata/341523/ocds.json?year=2028")
    assert response.status_code == 400
    assert "舒城县2028年度没有已立项的项目" in response.content.decode()


def test_bureau_leader_and_supervisor_may_export(world, rich):
    users, orgs = world["users"], world["orgs"]
    leader = user_create(
        actor=None,
        username="sc_leader",
        password="Test@2026pass",
        display_name="分管领导",
        organisation=orgs["bureau"],
    )
    role_assign(actor=None, user=leader, organisation=orgs["bureau"], role=Role.LEADER)

    page = download(users["reviewer"], "/opendata/").content.decode()
    assert (
        "舒城县" in page and "/opendata/341523/projects.json" in page and "/opendata/341523/ocds.json" in page
    )
    assert "章贡区" not in page and "六安市" not in page
    assert "/opendata/341523/ocds.json" in download(leader, "/opendata/").content.decode()
    supervised = download(users["supervisor"], "/opendata/").content.decode()
    assert "六安市" in supervised and "舒城县" in supervised and "章贡区" not in supervised

    for user in (users["reviewer"], leader, users["supervisor"]):
        response = download(user, "/opendata/341523/projects.json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert unquote(response["Content-Disposition"]).endswith("舒城县全部年度数据报送（341523）.json")
        assert json.loads(response.content)["projects"][0]["id"] == rich.project.pk
    assert download(users["supervisor"], "/opendata/341500/projects.json").status_code == 200


@pytest.mark.parametrize("who", ["clerk", "head", "finance", "expert", "outsider"])
def test_units_co_reviewers_experts_and_outsiders_are_refused(world, rich, who):
    user = world["users"][who]
    home = download(user, "/opendata/")
    assert home.status_code == 403
    assert "只有本级主管部门（审核人、分管领导）和上级主管部门可以导出数据报送" in home.content.decode()
    for kind in ("projects", "ocds"):
        response = download(user, f"/opendata/341523/{kind}.json")
        assert response.status_code == 403
        assert "只有本级主管部门" in response.content.decode()
        assert SUPPLIER not in response.content.decode()
    denied = AuditEvent.objects.filter(actor=user, action="opendata.export_denied")
    assert denied.count() == 2 and {e.outcome for e in denied} == {Outcome.DENIED}
    assert not AuditEvent.objects.filter(actor=user, action="opendata.export").exists()


def test_another_jurisdictions_bureau_is_refused(world, rich):
    users = world["users"]
    response = download(users["outsider_reviewer"], "/opendata/341523/projects.json")
    assert response.status_code == 403
    assert "您无权导出舒城县的数据：只能导出本级及下级行政区划" in response.content.decode()
    assert download(users["outsider_reviewer"], "/opendata/360702/projects.json").status_code == 200
    # a county bureau does not report for the city above it
    assert download(users["reviewer"], "/opendata/341500/projects.json").status_code == 403


def test_anonymous_is_sent_to_login(world):
    response = Client().get("/opendata/341523/projects.json")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_each_export_is_audited(world, rich):
    users = world["users"]
    download(users["reviewer"], "/opendata/341523/projects.json?year=2027")
    download(users["supervisor"], "/opendata/341523/ocds.json")
    client_for(users["supervisor"]).get("/test-api/opendata/341523/projects")
    events = list(AuditEvent.objects.filter(action="opendata.export").order_by("seq"))
    assert [(e.actor, e.target_repr, e.outcome) for e in events] == [
        (users["reviewer"], "舒城县", Outcome.SUCCESS),
        (users["supervisor"], "舒城县", Outcome.SUCCESS),
        (users["supervisor"], "舒城县", Outcome.SUCCESS),
    ]
    assert [e.after for e in events] == [
        {"format": "projects", "year": 2027, "projects": 1, "via": "页面"},
        {"format": "ocds", "year": None, "projects": 1, "via": "页面"},
        {"format": "projects", "year": None, "projects": 1, "via": "接口"},
    ]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/opendata/999999/projects.json", 404, "行政区划代码“999999”不存在"),
        ("/opendata/341523/projects.json?year=20x7", 400, "申报年度“20x7”应为四位数字年份，如 2027"),
        ("/opendata/341523/ocds.json?year=二〇二七", 400, "申报年度“二〇二七”应为四位数字年份"),
        ("/opendata/341523/projects.json?year=1999", 400, "申报年度应在 2000 至 2100 年之间"),
    ],
)
def test_bad_input_is_answered_in_chinese(world, rich, path, status, message):
    response = download(world["users"]["reviewer"], path)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="opendata.export").exists()


def test_home_page_year_filter(world, rich):
    reviewer = world["users"]["reviewer"]
    page = download(reviewer, "/opendata/?year=2027").content.decode()
    assert "/opendata/341523/projects.json?year=2027" in page
    bad = download(reviewer, "/opendata/?year=abc")
    assert bad.status_code == 400
    assert "未能筛选：申报年度“abc”应为四位数字年份" in bad.content.decode()


def test_api_exports_and_errors(world, rich):
    users = world["users"]
    supervisor = client_for(users["supervisor"])
    listed = supervisor.get("/test-api/opendata/jurisdictions").json()
    assert [(j["code"], j["projects_url"]) for j in listed] == [
        ("341500", "/api/v1/opendata/341500/projects"),
        ("341523", "/api/v1/opendata/341523/projects"),
    ]
    document = supervisor.get("/test-api/opendata/341523/projects", {"year": "2027"}).json()
    assert projects_errors(document) == [] and document["projects"][0]["amounts"]["paid_yuan"] == 950_000
    package = supervisor.get("/test-api/opendata/341523/ocds").json()
    assert ocds_errors(package) == []

    bad_year = supervisor.get("/test-api/opendata/341523/projects", {"year": "明年"})
    assert bad_year.status_code == 400
    assert bad_year.json()["errors"] == {"year": ["申报年度“明年”应为四位数字年份，如 2027；不填为全部年度"]}
    unknown = supervisor.get("/test-api/opendata/000000/ocds")
    assert unknown.status_code == 404 and unknown.json()["detail"] == "行政区划代码“000000”不存在"
    clerk = client_for(users["clerk"])
    refused = clerk.get("/test-api/opendata/341523/projects")
    assert refused.status_code == 403 and "只有本级主管部门" in refused.json()["detail"]
    assert clerk.get("/test-api/opendata/jurisdictions").json() == []
    assert Client().get("/test-api/opendata/341523/projects").status_code == 401
    openapi = supervisor.get("/test-api/openapi.json").json()
    assert {"/test-api/opendata/{code}/projects", "/test-api/opendata/{code}/ocds"} <= set(openapi["paths"])


def test_site_api_mounts_the_router(world, rich):
    from govit.api import api

    if not any("opendata" in str(url.pattern) for url in api.urls[0]):
        pytest.skip("govit/api.py 尚未挂载 govit.opendata.api.router")
    response = client_for(world["users"]["reviewer"]).get("/api/v1/opendata/341523/projects")
    assert response.status_code == 200 and response.json()["projects"][0]["id"] == rich.project.pk


def test_command_writes_valid_files(world, rich, tmp_path, capsys):
    out = tmp_path / "sc.json"
    call_command("opendata_export", jurisdiction="341523", format="projects", year="2027", out=str(out))
    assert "已导出舒城县（341523）数据报送（JSON）：1 个项目" in capsys.readouterr().out
    document = json.loads(out.read_text(encoding="utf-8"))
    assert projects_errors(document) == [] and document["filter"] == {"year": 2027}
    ocds = tmp_path / "sc-ocds.json"
    call_command("opendata_export", jurisdiction="341523", format="ocds", out=str(ocds))
    assert ocds_errors(json.loads(ocds.read_text(encoding="utf-8"))) == []
    event = AuditEvent.objects.filter(action="opendata.export").latest("seq")
    assert event.actor is None and event.actor_name == "govit opendata export"
    assert event.after["via"] == "命令行"

    with pytest.raises(CommandError, match="行政区划代码“123456”不存在"):
        call_command("opendata_export", jurisdiction="123456", format="projects", out=str(out))
    with pytest.raises(CommandError, match="申报年度“27”应为四位数字年份"):
        call_command("opendata_export", jurisdiction="341523", format="projects", year="27", out=str(out))
    with pytest.raises(CommandError, match="输出目录"):
        call_command(
            "opendata_export", jurisdiction="341523", format="projects", out=str(tmp_path / "no" / "x.json")
        )


def test_validators_catch_a_broken_file(world, rich):
    document = opendata_export(actor=None, jurisdiction_code="341523", export_format="projects").document
    document["projects"][0]["amounts"]["paid_yuan"] = "95万"
    document["projects"][0]["status"]["code"] = "draft"
    errors = projects_errors(document)
    assert any(e.startswith("projects/0/amounts/paid_yuan") for e in errors)
    assert any(e.startswith("projects/0/status") for e in errors)

    package = opendata_export(actor=None, jurisdiction_code="341523", export_format="ocds").document
    package["releases"][0]["tag"] = ["declared"]  # only the vendored release schema knows the tag codelist
    package["releases"][0]["contracts"][0]["value"]["currency"] = "RMB"
    errors = ocds_errors(package)
    assert any(e.startswith("releases/0/tag/0") for e in errors)
    assert any(e.startswith("releases/0/contracts/0/value/currency") for e in errors)


def test_schema_code_lists_follow_the_models():
    project = projects_schema()["$defs"]["project"]["properties"]

    def codes(prop: dict[str, Any]) -> list[str]:
        return prop["allOf"][1]["properties"]["code"]["enum"]

    assert codes(project["status"]) == [s for s in Status.values if s != Status.DRAFT]
    assert codes(project["nature"]) == Nature.values
    assert codes(project["procurement_category"]) == ProcurementCategory.values
    assert codes(projects_schema()["$defs"]["contract"]["properties"]["kind"]) == ContractKind.values


def test_release_ids_change_only_when_the_project_does(world, rich):
    first = opendata_export(actor=None, jurisdiction_code="341523", export_format="ocds").document
    again = opendata_export(actor=None, jurisdiction_code="341523", export_format="ocds").document
    assert first["releases"][0]["id"] == again["releases"][0]["id"]
    rich.main.payments.create(
        paid_on=dt.date(2027, 6, 1),
        amount_yuan=100_000,
        milestone="验收后付至 70%",
        recorded_by=world["users"]["clerk"],
        recorded_at=moment(2030, 1, 2, 9),  # later than anything the builder recorded
    )
    later = opendata_export(actor=None, jurisdiction_code="341523", export_format="ocds").document
    assert later["releases"][0]["id"] != first["releases"][0]["id"]
    assert later["releases"][0]["ocid"] == first["releases"][0]["ocid"]


def test_export_queries_do_not_grow_with_the_projects(world, rich):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users, orgs = world["users"], world["orgs"]

    def queries(export_format: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            opendata_export(actor=users["reviewer"], jurisdiction_code="341523", export_format=export_format)
        return len(captured.captured_queries)

    queries("projects")  # the reviewer's roles are read once, then kept for the request
    before = {kind: queries(kind) for kind in ("projects", "ocds")}
    for name in ("协同办公平台", "移动办事应用", "电子证照库"):
        rich_project(unit=orgs["education"], clerk=users["clerk"], reviewer=users["reviewer"], name=name)
    assert {kind: queries(kind) for kind in ("projects", "ocds")} == before
