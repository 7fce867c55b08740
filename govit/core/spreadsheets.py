"""Spreadsheet cells that cannot run anything: text a user typed is written as text, so a value such as
``=HYPERLINK("http://…")`` or ``@SUM(…)`` shows as typed in WPS/LibreOffice/Excel instead of becoming a
formula (CSV/formula injection). Every .xlsx GovIT writes goes through ``row_append``."""

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
