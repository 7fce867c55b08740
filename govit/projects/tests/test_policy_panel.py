"""适用规则: the project's pack explains scope, findings, route, documents and deadlines with articles."""

import json

from django.core.management import call_command


def test_the_detail_page_shows_the_rules_that_apply_with_their_articles(world, login, make_project):
    project = make_project(cost_software=1_800_000, cost_equipment=400_000)
    page = login(world["users"]["clerk"]).get(f"/projects/{project.pk}/").content.decode()
    assert "适用规则" in page
    assert "舒城县电子政务项目建设管理办法" in page
    # TH-03 / RJ-15: 投资预算 ≥ 100万 → 原则上须引入监理 (soft)
    assert "须引入监理" in page and "原则性" in page and "第十七条" in page
    # DL-01: 每年7月底前申报
    assert "第九条" in page


def test_policy_explain_prints_chinese_text_with_citations(world, make_project, capsys):
    project = make_project()
    call_command("policy_explain", str(project.pk))
    text = capsys.readouterr().out
    assert "适用政策包：舒城县" in text and "管理范围：纳入管理" in text and "〔第" in text


def test_the_evaluate_endpoint_answers_with_cited_json(world, login):
    client = login(world["users"]["reviewer"])
    body = {
        "pack": "shucheng",
        "on": "2026-07-21",
        "facts": {"nature": "NEW", "amounts": {"software": 5_000_000}},
    }
    response = client.post("/api/v1/policy/evaluate", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    result = response.json()
    assert result["pack"]["code"] == "shucheng" and result["scope"]["status"] == "in_scope"
    assert all(item["cite"]["article"] for item in result["route"])


def test_the_evaluate_endpoint_lists_bad_facts_and_unknown_packs_in_chinese(world, login):
    client = login(world["users"]["reviewer"])
    bad = {"pack": "shucheng", "facts": {"amounts": {"software": -5}, "nature": "飞船"}}
    response = client.post("/api/v1/policy/evaluate", data=json.dumps(bad), content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"amounts.software", "nature"}
    unknown = {"pack": "atlantis", "facts": {}}
    response = client.post(
        "/api/v1/policy/evaluate", data=json.dumps(unknown), content_type="application/json"
    )
    assert response.status_code == 400 and "未知的政策包" in response.json()["detail"]
