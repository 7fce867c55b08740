"""Import sheets built in memory with openpyxl, and batches uploaded and checked through the services."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from govit.imports.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def good_row(number: int, **overrides: Any) -> dict[str, Any]:
    """A 已立项 project of 舒城县教育局 (or 卫健委 for odd numbers), 100 万元 of software, fiscally funded."""
    row: dict[str, Any] = {
        "建设单位": "舒城县卫生健康委员会" if number % 2 else "舒城县教育局",
        "项目名称": f"存量信息化项目{number:05d}",
        "申报年度": 2024,
        "建设性质": "新建",
        "采购类别": "服务",
        "软件开发费（万元）": 100,
        "本级财政资金（万元）": 100,
        "主要建设内容": "统一身份认证、单点登录、权限管理。",
        "项目状态": "已立项",
        "立项文号": f"舒数管〔2024〕{number}号",
        "批复投资（万元）": 95.5,
        "批复日期": "2024-03-01",
    }
    row.update(overrides)
    return row


def sheet_bytes(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    """An .xlsx with the template's header (or ``headers``) and ``rows`` ({header: value})."""
    headers = headers or HEADERS
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目导入")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def upload_batch(world: dict[str, Any], media_root: Any) -> Any:
    """Upload ``content`` as the 舒城 reviewer (or ``who``) through the service: a batch waiting for its check."""
    from govit.imports.services import import_batch_create

    def give(content: bytes, *, who: str = "reviewer", name: str = "存量项目.xlsx") -> Any:
        return import_batch_create(
            actor=world["users"][who],
            jurisdiction=world["jurisdictions"]["shucheng"],
            handle=io.BytesIO(content),
            name=name,
            size=len(content),
        )

    return give


@pytest.fixture
def checked_batch(upload_batch: Any) -> Any:
    """Upload and check ``rows`` (as the background task does); the batch after its check."""
    from govit.imports.services import import_batch_parse

    def give(rows: list[dict[str, Any]], headers: list[str] | None = None) -> Any:
        batch = upload_batch(sheet_bytes(rows, headers))
        return import_batch_parse(batch_id=batch.pk)

    return give


@pytest.fixture
def committed_batch(world: dict[str, Any], checked_batch: Any) -> Any:
    """Rows checked, the commit requested by the reviewer and run (as the background task does)."""
    from govit.imports.services import import_batch_commit, import_batch_commit_request

    def give(rows: list[dict[str, Any]]) -> Any:
        batch = checked_batch(rows)
        assert batch.state == "ready", batch.errors[:5]
        import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
        return import_batch_commit(batch_id=batch.pk)

    return give
