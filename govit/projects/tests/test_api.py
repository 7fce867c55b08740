"""/api/v1/projects: amounts in integer 元, same validation and services as the pages."""

import json

import pytest

from govit.projects.choices import Status
from govit.projects.models import Project


def payload(world, **overrides):
    data = {
        "name": "API 创建的项目",
        "year": 2027,
        "lead_unit": world["orgs"]["education"].pk,
        "nature": "NEW",
        "procurement_category": "SERVICE",
        "secrecy": "NON_CLASSIFIED",
        "summary": "说明",
        "content": "内容",
        "cost_software": 5_000_000,
        "fund_fiscal": 5_000_000,
    }
    data.update(overrides)
    return data


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_create_submit_and_read_back(world, login):
    client = login(world["users"]["clerk"])
    created = post(client, "/api/v1/projects", payload(world))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["total_yuan"] == 5_000_000 and body["status"] == "draft"
    refused = client.post(f"/api/v1/projects/{body['id']}/submit")
    assert refused.status_code == 400
    assert (
        "《舒城县电子政务建设项目申报表》尚未填写：建设年度、负责人、联系人、联系电话"
        in refused.json()["detail"]
    )
    forms = client.get(f"/api/v1/projects/{body['id']}/forms").json()
    assert forms["F-000-SBB"]["missing"] == ["建设年度", "负责人", "联系人", "联系电话"]
    bad = client.put(
        f"/api/v1/projects/{body['id']}/forms/F-000-SBB",
        data=json.dumps({"period": "2027-12/2027-01", "leader": "王强", "contact": "张明", "phone": "0564"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "起始年月不能晚于结束年月" in bad.json()["detail"]
    filled = {"period": "2027-01/2027-12", "leader": "王强", "contact": "张明", "phone": "0564-8888000"}
    saved = client.put(
        f"/api/v1/projects/{body['id']}/forms/F-000-SBB",
        data=json.dumps(filled),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    submitted = client.post(f"/api/v1/projects/{body['id']}/submit")
    assert submitted.json()["status_label"] == "已申报"
    listed = client.get("/api/v1/projects").json()
    assert [p["id"] for p in listed] == [body["id"]]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost_software", -1, "金额不能为负数"),
        ("cost_software", "很多", "请输入数字金额"),
        ("cost_software", 10**12 + 1, "不能超过"),
        ("cost_software", 1.5, "整数元"),
        ("name", "", "请填写项目名称"),
        ("name", "x" * 10_000, "项目名称不能超过"),
        ("content", "<script>alert(1)</script>", "不能包含 HTML"),
    ],
)
def test_bad_input_gets_a_400_with_field_errors_and_saves_nothing(world, login, field, value, message):
    response = post(login(world["users"]["clerk"]), "/api/v1/projects", payload(world, **{field: value}))
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    assert Project.objects.count() == 0


def test_a_forged_status_is_refused(world, login):
    response = post(
        login(world["users"]["clerk"]), "/api/v1/projects", payload(world, status=Status.APPROVED)
    )
    assert response.status_code == 400
    assert "受控字段" in response.json()["errors"]["__all__"][0]
    assert Project.objects.count() == 0


def test_malformed_json_is_a_400_in_chinese(world, login):
    client = login(world["users"]["clerk"])
    response = client.post("/api/v1/projects", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Project.objects.count() == 0


def test_submitting_someone_else_s_project_is_404(world, login, make_project):
    project = make_project()
    response = login(world["users"]["outsider"]).post(f"/api/v1/projects/{project.pk}/submit")
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_submitting_twice_is_a_403_with_a_reason(world, login, make_project):
    project = make_project()
    client = login(world["users"]["clerk"])
    assert client.post(f"/api/v1/projects/{project.pk}/submit").status_code == 200
    again = client.post(f"/api/v1/projects/{project.pk}/submit")
    assert again.status_code == 403
    assert "不能提交" in again.json()["detail"]
