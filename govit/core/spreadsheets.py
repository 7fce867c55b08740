"""Spreadsheet cells that cannot run anything: text a user typed is written as text, so a value such as
``=HYPERLINK("http://…")`` or ``@SUM(…)`` shows as typed in WPS/LibreOffice/Excel instead of becoming a
formula (CSV/formula injection). Every .xlsx GovIT writes goes through ``row_append`` (openpyxl) or
``xlsx_row_write`` (XlsxWriter, for the large exports)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs read as the start of a formula (or a DDE command) in a typed cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def text_is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def cell_set(cell: Cell, value: Any) -> None:
    """``value`` into ``cell``; a string is always stored as a string (openpyxl would otherwise turn a string
    starting with ``=`` into a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def row_append(sheet: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """Append ``values`` as the next row, strings as text; returns the row's cells (to style them). Each row
    costs the same however long the sheet is: nothing here asks the sheet for its size, which openpyxl works
    out by looking at every cell."""
    cells = []
    for value in values:
        cell = Cell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
    return cells


def xlsx_row_write(sheet: Any, row: int, values: Iterable[Any], formats: Iterable[Any]) -> None:
    """``values`` into row ``row`` (0-based) of an XlsxWriter sheet, each cell with its format: strings always
    as strings (never as formulas), numbers as numbers, nothing for ``None``."""
    for column, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
        if value is None:
            sheet.write_blank(row, column, None, cell_format)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, cell_format)
        else:
            sheet.write_number(row, column, value, cell_format)
