"""The import workbook: the template a bureau downloads (the columns, an example row, the 说明 sheet and the
jurisdiction's units) and the reading of an uploaded one — read-only, a formula read as its text and never
evaluated."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from govit.core.spreadsheets import row_append
from govit.imports.columns import COLUMNS, EXAMPLE
from govit.imports.rows import cell_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "项目导入"
NOTES_TITLE = "说明"
UNITS_TITLE = "建设单位"
FONT = "宋体"
# What reading a damaged workbook raises, at opening or while the rows are read.
READ_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, ParseError)


class SheetError(ValueError):
    """The workbook cannot be read; the message says why, in Chinese."""


def template_xlsx(*, jurisdiction_name: str, units: list[str], max_rows: int, max_mb: int) -> bytes:
    """The import template: sheet 项目导入 (header + example row, drop-down lists for the choice columns),
    说明 (each column: required or not, what to write, the allowed values) and 建设单位 (the unit names)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    row_append(sheet, [c.header for c in COLUMNS])
    for column, cell in zip(COLUMNS, sheet[1], strict=True):
        cell.font = Font(name=FONT, bold=True, color="C01C28" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="EEF1F6")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    example = {**EXAMPLE, "lead_unit": units[0] if units else "（本区划的单位全称）"}
    row_append(sheet, [example.get(c.key) for c in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(name=FONT, italic=True, color="808080")
    for index, column in enumerate(COLUMNS, start=1):
        width = 30 if column.kind == "text" and column.limit > 100 else max(10, len(column.header) * 2 + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    _validations(sheet, len(units), max_rows)

    notes = book.create_sheet(NOTES_TITLE)
    for line in notes_lines(jurisdiction_name=jurisdiction_name, max_rows=max_rows, max_mb=max_mb):
        row_append(notes, [line])
    row_append(notes, [])
    for cell in row_append(notes, ["列名", "是否必填", "填写说明", "可选值"]):
        cell.font = Font(name=FONT, bold=True)
    for column in COLUMNS:
        row_append(
            notes,
            [
                column.header,
                "必填" if column.required else "选填",
                column_note(column),
                "、".join(column.labels),
            ],
        )
    notes["A1"].font = Font(name=FONT, bold=True, size=14)
    for letter, width in zip("ABCD", (24, 10, 70, 60), strict=True):
        notes.column_dimensions[letter].width = width

    unit_sheet = book.create_sheet(UNITS_TITLE)
    row_append(unit_sheet, ["单位名称"])
    for name in units:
        row_append(unit_sheet, [name])
    unit_sheet.column_dimensions["A"].width = 40

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def notes_lines(*, jurisdiction_name: str, max_rows: int, max_mb: int) -> list[str]:
    """The rules of the sheet, first on the 说明 sheet (and in docs/imports.md)."""
    return [
        f"{jurisdiction_name}存量政务信息化项目导入模板 · 填写说明",
        "金额单位：万元，最多保留四位小数（即精确到元），不能为负数。",
        "第 2 行是示例，导入前请删除。表头（第 1 行）用模板的列名，列的顺序可以调整；模板以外的列不导入。",
        f"只读取第一个工作表；每个文件最多 {max_rows:,} 行数据、不超过 {max_mb} MB。",
        "同一建设单位、同一申报年度的同名项目视为重复：文件内重复，或与系统中已有的项目重复，都不能导入。",
        "任何一行有问题，整个文件都不导入；请按预览页列出的“第N行 列名：原因”修改后重新上传。",
        "单元格中的公式不会被计算，按其文字保存。",
    ]


def column_note(column: Any) -> str:
    kind_notes = {
        "amount": "单位：万元",
        "total": "单位：万元",
        "date": "日期，如 2024-05-01",
        "bool": "填写“是”或“否”",
        "choice": "从可选值中选择",
        "status": "从可选值中选择",
    }
    parts = [p for p in (kind_notes.get(column.kind, ""), column.note) if p]
    if column.limit and column.kind == "text":
        parts.append(f"不超过 {column.limit} 个字")
    return "；".join(parts)


def _validations(sheet: Any, unit_count: int, max_rows: int) -> None:
    """Drop-down lists on the data rows for the choice columns and the unit column."""
    last = max_rows + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if column.choices:
            formula = '"' + ",".join(column.labels) + '"'
        elif column.kind == "unit" and unit_count:
            formula = f"'建设单位'!$A$2:$A${unit_count + 1}"
        else:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="不在可选值中",
            error=f"{column.header}请从下拉列表中选择",
        )
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)


def header_clean(value: Any) -> str:
    """A header as typed, read as the template's: no asterisks or spaces, half-width brackets made full."""
    text = cell_text(value).replace("*", "").replace(" ", "").replace("\u3000", "")
    return text.replace("(", "（").replace(")", "）")


@dataclass
class Sheet:
    header: list[str]
    rows: Iterator[tuple[int, tuple[Any, ...]]]  # (row number as the spreadsheet shows it, cells)
    estimated_rows: int | None  # from the sheet's recorded size; None when the file does not say


@contextmanager
def sheet_open(handle: IO[bytes]) -> Iterator[Sheet]:
    """The first worksheet of an uploaded workbook, read row by row."""
    try:
        book = load_workbook(handle, read_only=True)  # a formula is read as its text
    except READ_ERRORS:
        raise SheetError("无法读取文件：请上传用模板填写的 .xlsx 文件") from None
    try:
        if not book.worksheets:
            raise SheetError("文件中没有工作表")
        sheet = book.worksheets[0]
        try:
            rows = sheet.iter_rows(values_only=True)
            header = [header_clean(c) for c in next(rows, ())]
            recorded = sheet.max_row
        except READ_ERRORS:
            raise SheetError("文件内容已损坏，无法读取") from None
        yield Sheet(
            header=header,
            rows=_numbered(rows),
            estimated_rows=(recorded - 1) if isinstance(recorded, int) and recorded > 1 else None,
        )
    finally:
        book.close()


def _numbered(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The data rows with their numbers; damage found on the way is a SheetError."""
    number = 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except READ_ERRORS:
            raise SheetError("文件内容已损坏，无法读取") from None
        number += 1
        yield number, tuple(row)
