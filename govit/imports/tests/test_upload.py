"""What an upload must be before a batch is kept (an .xlsx by its content, within the size limit), and what
stops a whole file (its header, its length)."""

from __future__ import annotations

import io
import zipfile

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.imports import checking, services
from govit.imports.models import ImportBatch
from govit.imports.rows import problem_text
from govit.imports.tests.conftest import HEADERS, good_row, sheet_bytes

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def test_a_renamed_exe_is_refused_by_its_content(upload_batch):
    with pytest.raises(ServiceError, match=r"内容不是 \.xlsx 工作簿（可能是改了扩展名的其他文件）"):
        upload_batch(EXE, name="存量项目.xlsx")
    assert not ImportBatch.objects.exists()


def test_other_files_are_refused_with_the_reason(upload_batch):
    with pytest.raises(ServiceError, match=r"请上传 \.xlsx 文件"):
        upload_batch(sheet_bytes([good_row(2)]), name="存量项目.csv")
    with pytest.raises(ServiceError, match=r"旧版 \.xls 格式，请在 Excel 或 WPS 中另存为 \.xlsx"):
        upload_batch(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, name="存量项目.xlsx")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ServiceError, match=r"不是有效的 \.xlsx 工作簿"):
        upload_batch(docx.getvalue(), name="存量项目.xlsx")
    with pytest.raises(ServiceError, match="文件为空"):
        upload_batch(b"", name="存量项目.xlsx")
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused(upload_batch, settings):
    content = sheet_bytes([good_row(2)])
    settings.GOVIT_UPLOAD_MAX_BYTES = 1024 * 1024  # the site's limit, when lower, wins over 20 MB
    assert services.import_max_bytes() == 1024 * 1024
    with pytest.raises(ServiceError, match=r"文件过大：导入文件不能超过 1 MB（所选文件 1\.0 MB）"):
        upload_batch(content + b"\x00" * (1024 * 1024 + 1 - len(content)))
    settings.GOVIT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
    assert services.import_max_bytes() == 20 * 1024 * 1024
    assert not ImportBatch.objects.exists()


def test_only_the_jurisdictions_reviewer_uploads(world, upload_batch):
    for who in ("clerk", "finance", "supervisor", "outsider_reviewer"):
        with pytest.raises(PermissionDeniedError, match="只有舒城县主管部门的审核人可以导入本行政区划的项目"):
            upload_batch(sheet_bytes([good_row(2)]), who=who)
    assert not ImportBatch.objects.exists()
    denied = AuditEvent.objects.filter(action="import.upload_denied", outcome="denied")
    assert denied.count() == 4 and denied.first().target_repr == "舒城县"


def test_an_upload_is_kept_and_audited(world, upload_batch):
    batch = upload_batch(sheet_bytes([good_row(2)]), name="../../台账<2024>.xlsx")
    assert batch.state == "parsing" and batch.original_name == "台账_2024_.xlsx"
    assert batch.file.name.startswith(f"imports/{world['jurisdictions']['shucheng'].pk}/")
    event = AuditEvent.objects.get(action="import.upload")
    assert event.actor == world["users"]["reviewer"] and event.after["file"] == "台账_2024_.xlsx"


def test_more_rows_than_the_limit_fail_the_file(checked_batch, monkeypatch):
    monkeypatch.setattr(checking, "IMPORT_MAX_ROWS", 5)
    batch = checked_batch([good_row(n) for n in range(2, 8)])
    assert batch.state == "failed"
    assert [problem_text(p) for p in batch.errors] == ["文件：数据超过 5 行的上限，请分成多个文件导入"]


def test_a_header_without_the_required_columns_fails_the_file(checked_batch):
    headers = [h for h in HEADERS if h != "建设性质"] + ["序号", "序号"]
    batch = checked_batch([good_row(2)], headers=headers)
    assert batch.state == "failed"
    assert [problem_text(p) for p in batch.errors] == [
        "表头：缺少必填列：建设性质（请下载模板，按模板的列名填写）",
        "表头：列名重复：序号",
    ]


def test_columns_may_come_in_any_order_and_extra_ones_are_left_out(checked_batch):
    headers = ["序号", *reversed(HEADERS), "备注"]
    rows = [{**good_row(n), "序号": n - 1, "备注": "历史台账"} for n in (2, 3)]
    batch = checked_batch(rows, headers=headers)
    assert batch.state == "ready" and batch.rows_valid == 2
    assert batch.summary["ignored_columns"] == ["序号", "备注"]
    assert batch.preview[0]["name"] == "存量信息化项目00002"


def test_empty_and_unreadable_files_fail_with_the_reason(checked_batch, upload_batch):
    batch = checked_batch([])
    assert [problem_text(p) for p in batch.errors] == ["文件：没有数据行（第 1 行为表头，数据从第 2 行开始）"]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>not really")
    batch = services.import_batch_parse(batch_id=upload_batch(broken.getvalue()).pk)
    assert batch.state == "failed"
    assert [problem_text(p) for p in batch.errors] == ["文件：无法读取文件：请上传用模板填写的 .xlsx 文件"]


def test_a_number_already_used_by_an_approval_is_reported(world, committed_batch, checked_batch):
    committed_batch([good_row(2)])
    batch = checked_batch([good_row(3, 立项文号="舒数管〔2024〕2号")])
    assert [problem_text(p) for p in batch.errors] == [
        "第2行 立项文号：“舒数管〔2024〕2号”已被系统中的其他项目使用，立项文号不能重复"
    ]
