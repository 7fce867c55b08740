"""Turning a document's contents into a file: Word through docxtpl from the committed .docx templates, PDF
through WeasyPrint from HTML templates, Excel through openpyxl (every row with ``row_append``)."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, Environment, TemplateError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from govit.core.errors import ServiceError
from govit.core.spreadsheets import row_append
from govit.printouts.catalogue import DOCX, PDF, XLSX, Layout

DOCX_DIR = Path(__file__).resolve().parent / "templates" / "printouts" / "docx"
FONT = "宋体"
WAN_FORMAT = "#,##0.00##"
_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


class TemplateBroken(ServiceError):
    """A document template staff edited no longer renders (a placeholder was split or mistyped)."""

    status_code = 500


def docx_render(template: str, context: dict[str, Any]) -> bytes:
    """``template`` (a file in DOCX_DIR) filled with ``context``; values are escaped, line breaks kept, and a
    name the contents do not have prints blank (a template staff edited may ask for one)."""
    document = DocxTemplate(str(DOCX_DIR / template))
    try:
        document.render(context, Environment(autoescape=True, undefined=ChainableUndefined))
    except TemplateError as error:
        line = getattr(error, "lineno", None)
        raise TemplateBroken(
            f"文书模板 {template} 有误{f'（第 {line} 行附近）' if line else ''}：{error}。"
            "请系统管理员按 docs/printouts.md 修正模板，或运行 build.py 重新生成"
        ) from None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    """An HTML template rendered by Django, laid out by WeasyPrint with the CJK fonts of the machine."""
    from weasyprint import HTML  # a 0.6 s import: only when a PDF is asked for

    html = render_to_string(template, context)
    return bytes(HTML(string=html, base_url=str(DOCX_DIR)).write_pdf())


# ------------------------------------------------------------------ Excel


def _number(value: Any) -> Any:
    """A score or amount as a number cell when it reads as one (a whole score as an integer); any other
    text stays text."""
    text = str(value).replace(",", "").strip()
    if not text:
        return value
    try:
        number = Decimal(text)
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() else number


def _sheet_table(
    sheet: Worksheet,
    title: str,
    lines: list[str],
    header: list[str],
    rows: list[list[Any]],
    widths: list[int],
    money_column: int | None = None,
) -> None:
    """A titled table; ``money_column`` (1-based) holds 万元, shown with two to four decimals."""
    row_append(sheet, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for line in lines:
        row_append(sheet, [line])
    for cell in row_append(sheet, header):
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for row in rows:
        for cell in row_append(sheet, row):
            cell.font = Font(name=FONT, bold=row[0] in {"平均分"})
            cell.border = BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if cell.column == money_column and isinstance(cell.value, int | Decimal):
                cell.number_format = WAN_FORMAT
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=len(lines) + 3, column=1)


def _header_lines(context: dict[str, Any]) -> list[str]:
    return [
        f"项目名称：{context['project_name']}",
        f"项目建设单位：{context['unit']}",
        f"评审环节：{context['stage_name']}    抽取日期：{context['drawn_on']}",
    ]


def signin_xlsx(context: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "签到表"
    rows = [
        [m["no"], m["name"], m["employer"], m["title"], m["fields"], m["phone"], m["id_number"], "", ""]
        for m in context["members"]
    ]
    _sheet_table(
        sheet,
        f"{context['project_name']}专家评审签到表",
        [*_header_lines(context), "评审时间：      年    月    日    评审地点："],
        ["序号", "姓名", "工作单位", "职称", "专业领域", "手机号", "身份证号", "签名", "备注"],
        rows,
        [6, 10, 28, 12, 14, 14, 22, 14, 10],
    )
    for row in sheet.iter_rows(min_row=len(_header_lines(context)) + 4):
        sheet.row_dimensions[row[0].row].height = 30
    return _save(book)


def scores_xlsx(context: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "评分汇总"
    criteria = [f"{c['name']}（{c['weight']}分）" for c in context["criteria"]]
    rows: list[list[Any]] = [
        [
            r["no"],
            r["name"],
            *[_number(s) for s in r["scores"]],
            _number(r["total"]),
            r["verdict"],
            _number(r["budget"]),
            r["opinion"],
        ]
        for r in context["rows"]
    ]
    rows.append(
        [
            "平均分",
            "",
            *[_number(m) for m in context["means"]],
            _number(context["mean_total"]),
            "",
            _number(context["budget_mean"]),
            "",
        ]
    )
    _sheet_table(
        sheet,
        f"{context['project_name']}专家评审评分汇总表",
        [*_header_lines(context), f"评分表：{context['table_name']}"],
        ["序号", "专家", *criteria, "总分", "评审建议", "建议预算（万元）", "评审意见"],
        rows,
        [6, 12, *[14] * len(criteria), 10, 16, 14, 50],
        money_column=len(criteria) + 5,
    )
    row_append(sheet, [f"通过分数线：{context['pass_mark']}；{context['passed_text']}"])
    conclusion = context["conclusion"]
    if conclusion is not None:
        row_append(
            sheet,
            [
                f"专家组结论：{conclusion['outcome']}（{conclusion['decided_by']}，{conclusion['decided_at']}登记）"
            ],
        )
        row_append(sheet, ["专家组意见：", conclusion["opinion"]])
    return _save(book)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_WRITERS = {"expert_signin": signin_xlsx, "expert_scores": scores_xlsx}


def printout_file(layout: Layout, fmt: str, context: dict[str, Any]) -> bytes:
    if fmt == DOCX:
        return docx_render(layout.docx, context)
    if fmt == PDF:
        return pdf_render(layout.pdf, context)
    assert fmt == XLSX
    return XLSX_WRITERS[layout.kind](context)
