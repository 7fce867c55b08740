"""The template the bureau downloads: re-read with openpyxl, it has the columns docs/imports.md documents, the
说明 sheet says what each takes, and filled in it imports."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from govit.audit.models import AuditEvent
from govit.imports.rows import problem_text
from govit.imports.services import import_batch_parse

DOC = Path(__file__).resolve().parents[3] / "docs" / "imports.md"


def documented_columns() -> list[list[str]]:
    """The rows of the column table in docs/imports.md: [列名, 是否必填, 填写说明, 可选值]."""
    text = DOC.read_text(encoding="utf-8")
    table = text.split("| 列名 | 是否必填 | 填写说明 | 可选值 |", 1)[1].split("\n\n", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table.strip().splitlines()[1:]  # after the |---| line
    ]


def download(login, world):
    client = login(world["users"]["reviewer"])
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    return response.content


def test_the_template_has_the_documented_columns(world, login):
    book = load_workbook(io.BytesIO(download(login, world)))
    assert book.sheetnames == ["项目导入", "说明", "建设单位"]
    documented = documented_columns()
    assert len(documented) == 43
    header = [c.value for c in book["项目导入"][1]]
    assert header == [row[0] for row in documented]

    notes = [[c.value or "" for c in row] for row in book["说明"].iter_rows()]
    assert any("金额单位：万元" in row[0] for row in notes)
    start = next(i for i, row in enumerate(notes) if row[:2] == ["列名", "是否必填"])
    assert notes[start + 1 :] == documented  # each column: required or not, what to write, allowed values
    by_name = {row[0]: row for row in documented}
    assert by_name["建设性质"][1:] == [
        "必填",
        "从可选值中选择",
        "新建、续建、改建、扩建、迁移、升级、运维、购买服务",
    ]
    assert by_name["项目状态"][3] == "已申报、不予支持、已立项、建设中、已验收、运行维护、已下线、已终止"

    units = [row[0].value for row in book["建设单位"].iter_rows(min_row=2)]
    assert "舒城县教育局" in units and "舒城县卫生健康委员会" in units
    assert "舒城县评审专家库" not in units and "章贡区教育局" not in units
    lists = {str(v.sqref): v.formula1 for v in book["项目导入"].data_validations.dataValidation}
    assert lists["D2:D20001"] == '"新建,续建,改建,扩建,迁移,升级,运维,购买服务"'  # 建设性质 as a drop-down

    event = AuditEvent.objects.get(action="import.template_download")
    assert event.actor == world["users"]["reviewer"] and event.target_repr == "舒城县"


def test_the_example_row_must_be_replaced_and_then_the_template_imports(world, login, upload_batch):
    content = download(login, world)
    batch = import_batch_parse(batch_id=upload_batch(content).pk)
    assert batch.state == "failed"
    assert [problem_text(p) for p in batch.errors] == ["第2行 项目名称：这是模板中的示例行，导入前请删除"]

    book = load_workbook(io.BytesIO(content))
    book["项目导入"]["B2"] = "全县中小学统一身份认证平台"
    filled = io.BytesIO()
    book.save(filled)
    batch = import_batch_parse(batch_id=upload_batch(filled.getvalue()).pk)
    assert batch.state == "ready" and batch.rows_valid == 1
    [row] = batch.preview
    assert row["name"] == "全县中小学统一身份认证平台" and row["total_wan"] == "220.00"
    assert row["status"] == "已立项" and row["approved_wan"] == "200.00"


def test_only_the_bureau_downloads_the_template_of_its_own_jurisdiction(world, login):
    response = login(world["users"]["clerk"]).get("/imports/template.xlsx")
    assert response.status_code == 403 and "主管部门" in response.content.decode()
    other = world["jurisdictions"]["zhanggong"].pk
    response = login(world["users"]["reviewer"]).get(f"/imports/template.xlsx?jurisdiction={other}")
    assert response.status_code == 404 and "不能导入该行政区划的项目" in response.content.decode()
    assert not AuditEvent.objects.filter(action="import.template_download").exists()
