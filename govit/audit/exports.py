"""审计日志导出 — the searched events as .xlsx or .csv; text a user typed never becomes a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from govit.audit.models import AuditEvent
from govit.core.spreadsheets import row_append, text_is_formula_like

HEADERS = ["序号", "时间", "操作人", "单位编号", "事件类型", "对象类型", "对象编号", "对象", "结果",
           "客户端 IP", "请求编号", "变更前", "变更后", "摘要 (SM3)"]  # fmt: skip


def _row(event: AuditEvent) -> list[Any]:
    return [
        event.seq,
        timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_name,
        event.organisation_id or "",
        event.action,
        event.target_type,
        event.target_id,
        event.target_repr,
        event.get_outcome_display(),
        event.client_ip,
        event.request_id,
        "" if event.before is None else str(event.before),
        "" if event.after is None else str(event.after),
        event.hash,
    ]


def audit_events_xlsx(events: Iterable[AuditEvent]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "审计日志"
    row_append(sheet, HEADERS)
    for event in events:
        row_append(sheet, _row(event))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    # A leading apostrophe keeps a typed "=…" as text when the file is opened in a spreadsheet program.
    if isinstance(value, str) and text_is_formula_like(value):
        return "'" + value
    return value


def audit_events_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """UTF-8 with BOM, so WPS and Excel open the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    yield "\ufeff" + buffer.getvalue()
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(value) for value in _row(event)])
        yield buffer.getvalue()
