"""One chart's 表格 as an .xlsx workbook (opens in WPS and LibreOffice): title, header, the rows and 合计.
Amounts in 万元, exact to the yuan."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from govit.core.money import yuan_to_wan
from govit.core.spreadsheets import row_append
from govit.dashboards.charts import YUAN, Chart
from govit.dashboards.selectors import Dashboard

WAN_FORMAT = "#,##0.00##"
FONT = "宋体"
_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
SHEET_TITLE_FORBIDDEN = str.maketrans({c: "－" for c in "[]:*?/\\"})


def chart_title(board: Dashboard, chart: Chart) -> str:
    return f"统计分析：{chart.title}（{board.year_label}）"


def chart_filename(board: Dashboard, chart: Chart) -> str:
    return f"统计分析-{chart.title}-{board.year_label}.xlsx"


def chart_xlsx(board: Dashboard, chart: Chart) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = chart.title.translate(SHEET_TITLE_FORBIDDEN)[:31]
    width = len(chart.columns)
    row_append(sheet, [chart_title(board, chart)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    row_append(sheet, [f"统计范围：{board.scope.label}"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].font = Font(name=FONT, size=10)
    heading = row_append(sheet, [column.heading for column in chart.columns])
    for cell in heading:
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    lines = [(values, False) for values in chart.rows] + [(chart.total, True)]
    for values, is_total in lines:
        cells = [
            yuan_to_wan(int(value)) if column.kind == YUAN else value
            for column, value in zip(chart.columns, values, strict=True)
        ]
        # unit and jurisdiction names stay text
        for cell, column in zip(row_append(sheet, cells), chart.columns, strict=True):
            cell.font = Font(name=FONT, bold=is_total)
            cell.border = BORDER
            if column.kind == YUAN:
                cell.number_format = WAN_FORMAT
    for index, column in enumerate(chart.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 30 if not column.numeric else 18
    sheet.freeze_panes = sheet.cell(row=heading[0].row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
