"""Documents printed from a project's records: the 备案表 of a filing (石嘴山 第十八条(二) 新建类), the 竣工验收
申请函 with its evidence list (舒城 第二十条), and the expert sign-in sheet and score summary of a draw (上城,
whose pack has a scoring table) — with the experts' phone and ID numbers masked everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govit.acceptance.selectors import pack_forms
from govit.accounts.models import User
from govit.audit.models import AuditEvent
from govit.delivery.models import Filing
from govit.printouts.tests.helpers import (
    accepted_shucheng_project,
    at_ten,
    cell_beside,
    client_for,
    declare,
    docx_open,
    docx_xml,
    download,
    url,
    xlsx_open,
)
from govit.projects.models import Project

D = dt.date
BUILD_FILING = {
    "main_functions": "教学资源管理、排课、学情分析",
    "winner": "某某信息技术有限公司",
    "settlement_amount": "250.5",
    "approval_department": "石嘴山市数据局",
    "fund_source": "市本级财政资金",
    "resource_catalog": "学籍信息、课程信息",
    "sharing": "学籍信息向市共享平台开放",
    "mlps_filing": "第二级，已备案",
    "crypto": "采用商用密码 SM2/SM4",
    "security_assessment": "已完成上线前安全评估",
    "prior_evaluation": "",
}


def filed(project: Project, form_id: str, data: dict[str, Any], filed_on: dt.date) -> Filing:
    """A filing as ``filing_record`` keeps it (the 立项 name taken from the project)."""
    clerk = User.objects.get(username="szs_clerk")
    return Filing.objects.create(
        project=project,
        rule_id="DL-10",
        title="完成招标后一个月内备案",
        cite="第十八条：项目建设单位应在完成招标后一个月内，向市数据局备案",
        due_on=D(2026, 10, 28),
        filed_on=filed_on,
        form_id=form_id,
        data={"project_name": project.name, **data},
        filed_by=clerk,
        filed_at=at_ten(filed_on),
        acknowledgements=[
            {"jurisdiction": "石嘴山市", "by": "石嘴山市审核人", "at": "2026-10-21T10:00:00+08:00"}
        ],
    )


def test_a_filing_prints_on_its_pack_form_with_each_value_beside_its_label(demo: None) -> None:
    project = declare("szs")
    filing = filed(project, "F-001-FILING-BUILD", BUILD_FILING, D(2026, 10, 20))
    other = filed(declare("szs", name="另一个项目"), "F-001-FILING-BUILD", BUILD_FILING, D(2026, 10, 22))
    clerk = client_for("szs_clerk")
    page = clerk.get(f"/projects/{project.pk}/printouts/").content.decode()
    assert "项目备案表（新建、改建、扩建类）" in page
    assert f"/projects/{project.pk}/printouts/F-001-FILING-BUILD.docx?filing={filing.pk}" in page

    document = docx_open(download(clerk, url(project, "F-001-FILING-BUILD", "docx", f"filing={filing.pk}")))
    form, tail = document.tables
    assert cell_beside(form, "项目名称") == project.name
    assert cell_beside(form, "中标单位") == "某某信息技术有限公司"
    assert cell_beside(form, "结算金额（万元）") == "250.50"
    assert cell_beside(form, "政务信息化系统网络安全等级保护备案情况") == "第二级，已备案"
    assert cell_beside(form, "前期项目第三方评价报告（改建、扩建类）") == ""
    assert cell_beside(tail, "备案（报送）日期") == "2026年10月20日"
    assert cell_beside(tail, "逐级确认") == "石嘴山市（石嘴山市审核人，2026年10月21日确认）"
    assert cell_beside(tail, "依据").startswith("第十八条")

    response = clerk.get(url(project, "F-001-FILING-BUILD", "docx", f"filing={other.pk}"))
    assert (
        response.status_code == 404 and f"本项目没有编号为 {other.pk} 的备案记录" in response.content.decode()
    )
    response = clerk.get(url(project, "F-001-FILING-SERVICE", "docx"))
    assert response.status_code == 404
    assert "尚无按《项目备案表（购买服务类）》登记的备案" in response.content.decode()
    event = AuditEvent.objects.get(action="printout.download")
    assert event.after["record"] == {"filing": filing.pk}


def test_the_acceptance_letter_names_approval_contract_trial_and_lists_the_evidence(demo: None) -> None:
    project, application = accepted_shucheng_project()
    clerk = client_for("sc_clerk")
    acceptance_page = clerk.get(f"/projects/{project.pk}/acceptance/").content.decode()
    link = f"/projects/{project.pk}/printouts/acceptance-letter.docx?application={application.pk}"
    assert link in acceptance_page
    document = docx_open(download(clerk, link))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于申请对“政务服务事项综合受理系统”进行竣工验收的函"
    assert "舒城县数据资源管理局：" in texts
    body = next(t for t in texts if t.startswith("我单位承建的"))
    assert "于2026年9月1日经批复立项（舒数管〔2026〕12号），批复投资280.00万元" in body
    assert "与某某信息技术有限公司签订合同（合同编号HT-2026-001，合同金额250.00万元）" in body
    assert "并于2026年11月3日至2026年12月3日完成试运行" in body
    assert any("根据《舒城县电子政务项目建设管理办法》第二十条的规定" in t for t in texts)
    assert "2026年12月4日" in texts and "舒城县教育局（盖章）" in texts

    table = document.tables[0]
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    names = [form.name.removeprefix("竣工验收材料·") for form in pack_forms(project, "acceptance_evidence")]
    assert [row.cells[1].text for row in table.rows[1:]] == names  # the pack's order, every item
    assert rows["项目合同"][2] == (
        "合同编号：HT-2026-001；承建单位：某某信息技术有限公司；合同签订日期：2026年10月15日；合同金额（元）：2,500,000"
    )
    assert rows["项目合同"][3] == "第二十条"
    assert rows["标准接口文档"][2] == "未提供"
    assert "数据库最高管理权限已移交项目建设单位：是" in rows["数据库最高管理权限移交确认"][2]

    response = client_for("zg_clerk").get(link)
    assert response.status_code == 404


# ------------------------------------------------------------------ experts


def test_the_sign_in_sheet_lists_the_panel_with_phone_and_id_masked_everywhere(panel: dict[str, Any]) -> None:
    project, draw, members = panel["project"], panel["draw"], panel["members"]
    reviewer = client_for("shc_reviewer")
    draw_page = reviewer.get(f"/projects/{project.pk}/experts/{draw.stage_id}/").content.decode()
    assert f"/projects/{project.pk}/printouts/expert-signin.docx?draw={draw.pk}" in draw_page

    word = download(reviewer, url(project, "expert-signin", "docx", f"draw={draw.pk}"))
    excel = download(reviewer, url(project, "expert-signin", "xlsx", f"draw={draw.pk}"))
    table = docx_open(word).tables[0]
    header = [c.text for c in table.rows[0].cells]
    rows = [dict(zip(header, (c.text for c in row.cells), strict=True)) for row in table.rows[1:]]
    assert [r["姓名"] for r in rows] == [m.expert.name for m in members]  # the panel, not the backup
    sheet = xlsx_open(excel).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    for member, row in zip(members, rows, strict=True):
        phone, id_number = member.expert.phone, member.expert.id_number
        assert row["手机号"] == f"{phone[:3]}****{phone[-4:]}"
        assert row["身份证号"] == f"{id_number[:4]}**********{id_number[-4:]}"
        assert [member.expert.name, row["手机号"], row["身份证号"]] in [[v[1], v[5], v[6]] for v in values]
        for content in (word, excel):
            xml = docx_xml(content)
            assert phone not in xml and id_number not in xml and id_number[6:14] not in xml


def test_the_score_summary_has_each_experts_scores_the_means_and_the_conclusion(
    panel: dict[str, Any],
) -> None:
    project, draw, members, table = panel["project"], panel["draw"], panel["members"], panel["table"]
    reviewer = client_for("shc_reviewer")
    document = docx_open(download(reviewer, url(project, "expert-scores", "docx", f"draw={draw.pk}")))
    grid = document.tables[0]
    header = [c.text for c in grid.rows[0].cells]
    assert header == [
        "序号",
        "专家",
        *[f"{c.name}（{c.weight}分）" for c in table.criteria],
        "总分",
        "评审建议 / 建议预算（万元）",
    ]
    first = [c.text for c in grid.rows[1].cells]
    assert first[1] == members[0].expert.name
    assert first[2:-2] == [str(c.weight) for c in table.criteria] and first[-2] == "100"
    assert first[-1] == "建议通过 150.00"
    third = [c.text for c in grid.rows[3].cells]
    assert third[-2] == str(100 - 2 * len(table.criteria))
    means = [c.text for c in grid.rows[4].cells]
    assert means[0] == "平均分" and means[-2] == str(100 - len(table.criteria))  # (100 + 95 + 90) / 3
    texts = [p.text for p in document.paragraphs]
    assert "通过分数线：60；平均分达到通过分数线" in texts
    assert any(t.startswith("专家组结论：通过（") for t in texts)

    sheet = xlsx_open(download(reviewer, url(project, "expert-scores", "xlsx", f"draw={draw.pk}"))).active
    assert sheet is not None
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    opinion = cells['=HYPERLINK("http://example.com","同意")']
    assert opinion.data_type == "s"  # typed text stays text: no formula runs in WPS or Excel
    assert sheet.cell(row=opinion.row, column=1).value == "专家组意见："
    means = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "平均分")
    assert means[7] == 100 - len(table.criteria)


def test_only_the_bureau_that_manages_draws_prints_the_expert_documents(panel: dict[str, Any]) -> None:
    project, draw = panel["project"], panel["draw"]
    clerk = client_for("shc_clerk")  # sees the project, not the panel
    for document in ("expert-signin", "expert-scores"):
        response = clerk.get(url(project, document, "docx", f"draw={draw.pk}"))
        assert response.status_code == 404
        assert "只由本级主管部门审核人打印" in response.content.decode()
    assert (
        'data-printout="expert-signin"'
        not in clerk.get(f"/projects/{project.pk}/printouts/").content.decode()
    )
    denied = AuditEvent.objects.filter(action="printout.download_denied", target_id=str(project.pk))
    assert denied.count() == 2 and {e.outcome for e in denied} == {"denied"}
    assert not AuditEvent.objects.filter(action="printout.download").exists()
    assert client_for("zg_reviewer").get(url(project, "expert-signin", "docx")).status_code == 404
