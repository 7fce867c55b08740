"""申报表 and the outlines, as the packs lay them out: 舒城 附件2 (one table with its 合计 row), 石嘴山 附件1
and 附件2 (a grid of labels and values), the 需求分析报告 outline of 石嘴山 附件3 and the 建设方案 outline of 舒城
第九条 — each opened again with python-docx and read cell by cell. Which forms a project offers follows its
pack; a form of another pack, an unknown format and a project one cannot see are 404s."""

from __future__ import annotations

from typing import Any

import pytest

from govit.audit.models import AuditEvent
from govit.policies.engine import load_pack
from govit.printouts.tests.helpers import (
    cell_beside,
    client_for,
    declare,
    docx_open,
    download,
    url,
)

SC_FORM = {
    "seq": "1",
    "unit": "舒城县教育局",
    "period": "2028-03 至 2028-12",
    "bank_loan": "12.5",
    "self_raised": "0",
    "other": "0",
    "leader": "王建国",
    "contact": "张明",
    "phone": "0564-8888000",
    "email": "xxb@example.gov.cn",
    "remark": "县级统筹",
}
SZS_FORM = {
    "declaring_unit": "石嘴山市教育局",
    "date": "2027-06-18",
    "unit": "石嘴山市教育局",
    "leader": "马文涛",
    "phone": "0952-2012345",
    "participants": "石嘴山市大数据中心",
    "category": "服务类（含运维类）",
    "address": "石嘴山市大武口区",
    "start": "2028-01-01",
    "end": "2028-12-31",
    "preparation": "已完成需求调研和可行性研究。",
    "current_year": "100",
    "national": "20",
    "region": "30.25",
    "city": "113.4567",
    "social": "0",
    "materials": "可行性研究报告、初步设计",
    "remark": "",
    "free_om_months": "36",
    "service_months": "36",
}
SZS_SECURITY = {
    "declaring_unit": "石嘴山市教育局",
    "date": "2027-06-18",
    "unit": "石嘴山市教育局",
    "leader": "马文涛",
    "phone": "0952-2012345",
    "category": "服务类（含运维类）",
    "content": "建设统一身份认证平台 & 单点登录 <门户>",
    "security_basics": "按网络安全等级保护第二级建设，部署在自治区政务云。",
    "security_result": "符合",
    "security_reviewer": "中共石嘴山市委网络安全和信息化委员会办公室",
    "security_date": "2027-06-25",
    "crypto_basics": "采用SM2/SM3/SM4商用密码算法。\n身份鉴别使用数字证书。",
}


def shucheng_project() -> Any:
    return declare("sc", forms={"F-000-SBB": SC_FORM})


def test_shucheng_declaration_form_carries_the_project_in_its_row_and_total(demo: None) -> None:
    project = shucheng_project()
    clerk = client_for("sc_clerk")
    document = docx_open(download(clerk, url(project, "F-000-SBB", "docx")))
    assert "舒城县电子政务建设项目申报表" in [p.text for p in document.paragraphs]
    table = document.tables[0]
    headers = [cell.text for cell in table.rows[1].cells]
    row = dict(zip(headers, (cell.text for cell in table.rows[2].cells), strict=True))
    assert row["序号"] == "1"
    assert row["建设单位"] == "舒城县教育局"
    assert row["项目名称"] == "智慧校园统一身份认证平台"
    assert row["项目简要说明及建设依据"] == project.summary
    assert row["建设年度"] == "2028年03月至2028年12月"
    assert row["项目投资（万元）"] == "163.4567"  # 1,634,567 元: exact to the yuan
    assert row["财政资金（万元）"] == "163.4567"
    assert row["银行贷款（万元）"] == "12.50"
    assert (row["负责人"], row["联系人"], row["联系电话"]) == ("王建国", "张明", "0564-8888000")
    assert row["电子邮箱"] == "xxb@example.gov.cn" and row["备注"] == "县级统筹"
    total = dict(zip(headers, (cell.text for cell in table.rows[3].cells), strict=True))
    assert total["序号"] == "合计" and total["项目投资（万元）"] == "163.4567"
    assert table.rows[4].cells[0].text.startswith("项目主管部门意见（盖章）")


def test_shizuishan_declaration_and_security_review_fill_the_annex_grids(demo: None) -> None:
    project = declare(
        "szs",
        forms={"F-001-SBB": SZS_FORM, "F-001-SEC-CRYPTO": SZS_SECURITY},
        fund_fiscal=1_134_567,
        fund_upper=302_500,
        fund_social=0,
        cost_software=1_037_067,
    )
    clerk = client_for("szs_clerk")
    document = docx_open(download(clerk, url(project, "F-001-SBB", "docx")))
    assert any(
        p.text.startswith("项目申报单位：石嘴山市教育局") and "2027年6月18日" in p.text
        for p in document.paragraphs
    )
    table = document.tables[0]
    assert cell_beside(table, "项目建设单位") == "石嘴山市教育局"
    assert cell_beside(table, "项目负责人") == "马文涛"
    assert cell_beside(table, "联系电话") == "0952-2012345"
    assert cell_beside(table, "项目名称") == project.name
    assert cell_beside(table, "项目类别") == "服务"  # the project's own 采购类别
    assert cell_beside(table, "项目建设依据") == project.summary
    assert cell_beside(table, "项目计划时间") == "起始时间：2028年1月1日            完成时间：2028年12月31日"
    assert cell_beside(table, "项目预计总投资（万元）") == "143.7067"
    assert cell_beside(table, "本年度预计投入（万元）") == "100.00"
    funding = [cell.text for cell in table.rows[10].cells]
    # 国家资金 from the form; 自治区 and 市级 from the project's funding sources (exact), 社会 none
    assert funding == ["计划资金来源（万元）", "20.00", "30.25", "113.4567", "0.00"]

    review = docx_open(download(clerk, url(project, "F-001-SEC-CRYPTO", "docx"))).tables[0]
    assert cell_beside(review, "项目名称") == project.name
    assert (
        cell_beside(review, "项目建设内容") == "建设统一身份认证平台 & 单点登录 <门户>"
    )  # escaped, not lost
    assert (
        cell_beside(review, "密码保护应用基本情况") == "采用SM2/SM3/SM4商用密码算法。\n身份鉴别使用数字证书。"
    )
    security = cell_beside(review, "网络安全审查")
    assert "审查结果：符合" in security and "中共石嘴山市委网络安全和信息化委员会办公室" in security
    assert "2027年6月25日" in security
    assert "审查结果：（符合/不符合）" in cell_beside(review, "密码保护审查")  # left for the 密码管理部门


def _headings(document: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def _after(document: Any, heading: str) -> str:
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    return paragraphs[index + 1].text


def test_shizuishan_requirements_outline_has_the_pack_chapters_with_the_project_values(demo: None) -> None:
    project = declare("szs")
    document = docx_open(download(client_for("szs_clerk"), url(project, "F-001-REQ-ANALYSIS", "docx")))
    items = next(f for f in load_pack("shizuishan").pack.forms if f.id == "F-001-REQ-ANALYSIS").items
    headings = _headings(document)
    chapters = [text for style, text in headings if style == "Heading 1"]
    assert chapters == [item.split("：")[0] if item[0] != "附" else item for item in items]
    assert ("Heading 2", "（一）项目名称") in headings and ("Heading 2", "（一）建设目标") in headings
    assert _after(document, "（一）项目名称") == project.name
    assert _after(document, "（一）建设目标") == project.objectives
    assert _after(document, "（二）建设规模和内容") == project.content
    assert _after(document, "（一）业务功能、业务流程、业务量") == project.functions
    assert _after(document, "（四）政务信息共享开放需求") == project.data_summary
    assert "石嘴山市教育局" in _after(document, "（二）项目建设单位概况和负责人、项目责任人")
    assert _after(document, "（二）现有信息系统装备和信息化应用状况及存在问题和差距") == "（待编制）"
    assert _after(document, "五、项目投资估算及资金筹措").startswith("项目总投资163.4567万元，其中")
    amounts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert amounts["软件开发费"] == "123.4567" and amounts["项目总投资"] == "163.4567"
    assert amounts["资金来源：本级财政资金"] == "163.4567"


def test_shucheng_offers_its_own_forms_and_not_those_of_another_pack(demo: None) -> None:
    project = shucheng_project()
    clerk = client_for("sc_clerk")
    page = clerk.get(f"/projects/{project.pk}/printouts/").content.decode()
    assert "舒城县电子政务建设项目申报表" in page and "项目建设方案（编制提纲）" in page
    assert "石嘴山" not in page and "F-001-SBB" not in page
    outline = docx_open(download(clerk, url(project, "F-000-PLAN-CONTENT", "docx")))
    assert _after(outline, "四、建设目标") == project.objectives  # 舒城 第九条 lists the contents unnumbered
    assert _after(outline, "六、建设内容") == project.content

    refused = clerk.get(url(project, "F-001-SBB", "docx"))
    assert refused.status_code == 404
    text = refused.content.decode()
    assert "《石嘴山市政务信息化项目申报表》是石嘴山市政策包" in text and "不适用于本项目" in text
    assert clerk.get(url(project, "F-000-SBB", "xlsx")).status_code == 404
    assert "不提供 .xlsx 格式" in clerk.get(url(project, "F-000-SBB", "xlsx")).content.decode()
    assert clerk.get(url(project, "no-such-form", "docx")).status_code == 404
    assert (
        not AuditEvent.objects.filter(action="printout.download", outcome="success")
        .exclude(after__document="F-000-PLAN-CONTENT")
        .exists()
    )  # nothing handed out, nothing recorded


@pytest.mark.parametrize("username", ["zg_clerk", "szs_reviewer", "sc_clerk2"])
def test_a_user_who_cannot_see_the_project_gets_404_and_no_file(demo: None, username: str) -> None:
    project = shucheng_project()  # a draft: not even the 舒城 bureau sees it yet
    client = client_for(username)
    for address in (url(project, "F-000-SBB", "docx"), url(project, "F-000-SBB", "pdf")):
        response = client.get(address)
        assert response.status_code == 404
        assert "项目不存在或无权查看" in response.content.decode()
    assert client.get(f"/projects/{project.pk}/printouts/").status_code == 404
    assert AuditEvent.objects.filter(action="project.view_denied", target_id=str(project.pk)).count() == 3
    assert not AuditEvent.objects.filter(action="printout.download").exists()


def test_each_download_is_in_the_audit_log(demo: None) -> None:
    project = shucheng_project()
    download(client_for("sc_clerk"), url(project, "F-000-SBB", "docx"))
    event = AuditEvent.objects.get(action="printout.download")
    assert event.actor is not None and event.actor.username == "sc_clerk"
    assert event.target_id == str(project.pk) and event.outcome == "success"
    assert event.after["document"] == "F-000-SBB" and event.after["format"] == "docx"
    assert event.after["filename"] == "智慧校园统一身份认证平台-舒城县电子政务建设项目申报表.docx"


def test_a_bad_record_number_is_a_clear_400(demo: None) -> None:
    project = shucheng_project()
    response = client_for("sc_clerk").get(url(project, "F-000-SBB", "docx", "filing=abc"))
    assert response.status_code == 400
    assert "“备案记录”应为记录编号（正整数）" in response.content.decode()


def test_the_project_page_links_to_its_printouts(demo: None) -> None:
    project = shucheng_project()
    page = client_for("sc_clerk").get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/printouts/"' in page
