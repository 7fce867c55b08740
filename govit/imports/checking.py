"""The check of a batch's file: every row read and checked (with its progress saved as it goes, for the
polling page), the whole file's problems (header, length, damage), and what the database says about the rows
(projects and 立项文号 already there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govit.accounts.models import Jurisdiction
from govit.core import clock
from govit.imports import selectors
from govit.imports.columns import COLUMNS, REQUIRED_HEADERS
from govit.imports.models import ImportBatch
from govit.imports.rows import ParsedRow, Problem, RowChecker, cell_text
from govit.imports.workbook import SheetError, sheet_open
from govit.projects.choices import Status

IMPORT_MAX_ROWS = 20_000
PROGRESS_STEPS = 100  # the background check saves its progress about this many times
_COLUMN_ORDER = {c.header: i for i, c in enumerate(COLUMNS)}


@dataclass
class Checked:
    """What the check of a batch's file found."""

    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_total: int = 0
    ignored: list[str] = field(default_factory=list)  # columns not in the template

    @property
    def sorted_problems(self) -> list[dict[str, Any]]:
        ordered = sorted(self.problems, key=lambda p: (p.row or 0, _COLUMN_ORDER.get(p.column, -1)))
        return [p.as_dict() for p in ordered]


def _header_problems(header: list[str]) -> tuple[list[Problem], list[str]]:
    named = [h for h in header if h]
    repeated = sorted({h for h in named if named.count(h) > 1}, key=named.index)
    missing = [h for h in REQUIRED_HEADERS if h not in named]
    problems = []
    if missing:
        problems.append(
            Problem(None, "表头", f"缺少必填列：{'、'.join(missing)}（请下载模板，按模板的列名填写）")
        )
    if repeated:
        problems.append(Problem(None, "表头", f"列名重复：{'、'.join(repeated)}"))
    known = {c.header for c in COLUMNS}
    return problems, [h for h in dict.fromkeys(named) if h not in known]


def batch_progress_save(batch_id: int, done: int, total: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows_total=max(total, done))


def batch_check(batch: ImportBatch, *, progress: bool) -> Checked:
    """Read the batch's file and check every row against the jurisdiction's units, the file's other rows and
    the projects and 立项文号 GovIT already has."""
    checked = Checked()
    checker = RowChecker(
        jurisdiction_name=batch.jurisdiction.name,
        units=selectors.construction_units(batch.jurisdiction),
        today=clock.today(),
        existing=selectors.existing_keys(batch.jurisdiction),
    )
    try:
        with _file_open(batch) as handle, sheet_open(handle) as sheet:
            header_problems, checked.ignored = _header_problems(sheet.header)
            if header_problems:
                checked.problems = header_problems
                return checked
            estimate = sheet.estimated_rows
            if estimate is None and progress:  # the file does not record its size: count first
                estimate = _rows_count(batch)
            estimate = min(estimate or 0, IMPORT_MAX_ROWS)
            step = max(50, estimate // PROGRESS_STEPS)
            if progress:
                batch_progress_save(batch.pk, 0, estimate)
            for number, cells in sheet.rows:
                if all(cell_text(c) == "" for c in cells):
                    continue
                checked.rows_total += 1
                if checked.rows_total > IMPORT_MAX_ROWS:
                    return Checked(
                        problems=[
                            Problem(
                                None,
                                "文件",
                                f"数据超过 {IMPORT_MAX_ROWS:,} 行的上限，请分成多个文件导入",
                            )
                        ],
                        rows_total=checked.rows_total,
                    )
                row, problems = checker.check(number, dict(zip(sheet.header, cells, strict=False)))
                checked.problems.extend(problems)
                if row is not None and not problems:
                    checked.rows.append(row)
                if progress and checked.rows_total % step == 0:
                    batch_progress_save(batch.pk, checked.rows_total, estimate)
    except SheetError as error:
        return Checked(problems=[Problem(None, "文件", str(error))])
    except FileNotFoundError:
        return Checked(problems=[Problem(None, "文件", "找不到上传的文件，请重新上传")])
    if checked.rows_total == 0:
        checked.problems.append(Problem(None, "文件", "没有数据行（第 1 行为表头，数据从第 2 行开始）"))
    taken = selectors.approval_numbers_taken(checker.numbers)
    for taken_number in sorted(taken, key=lambda n: checker.numbers[n]):
        checked.problems.append(
            Problem(
                checker.numbers[taken_number],
                "立项文号",
                f"“{taken_number}”已被系统中的其他项目使用，立项文号不能重复",
            )
        )
    if taken:
        bad_rows = {checker.numbers[n] for n in taken}
        checked.rows = [r for r in checked.rows if r.number not in bad_rows]
    return checked


def _file_open(batch: ImportBatch) -> Any:
    """The batch's file, opened on its own (a second reader of the same file does not disturb the first)."""
    return batch.file.storage.open(str(batch.file.name), "rb")


def _rows_count(batch: ImportBatch) -> int:
    """The data rows of the batch's file (up to one past the limit), for a file that does not record it."""
    count = 0
    with _file_open(batch) as handle, sheet_open(handle) as sheet:
        for _number, cells in sheet.rows:
            if any(cell_text(c) != "" for c in cells):
                count += 1
                if count > IMPORT_MAX_ROWS:
                    break
    return count


def checked_summary(checked: Checked) -> dict[str, Any]:
    by_status: dict[str, int] = {}
    for row in checked.rows:
        label = str(Status(row.status).label)
        by_status[label] = by_status.get(label, 0) + 1
    return {
        "by_status": by_status,
        "total_yuan": sum(int(r.fields["total_yuan"]) for r in checked.rows),
        "approved_yuan": sum(int(r.approval["approved_budget_yuan"]) for r in checked.rows if r.approval),
        "units": len({r.unit_id for r in checked.rows}),
        "ignored_columns": checked.ignored,
    }


def conflicts_now(jurisdiction: Jurisdiction, rows: list[ParsedRow]) -> list[Problem]:
    """Inside the commit's transaction: projects or 立项文号 that appeared since the check."""
    existing = selectors.existing_keys(jurisdiction)
    problems = [
        Problem(r.number, "项目名称", f"{r.unit_name}已有{r.fields['year']}年度的同名项目，不能重复导入")
        for r in rows
        if r.key in existing
    ]
    numbers = {str(r.approval["approval_number"]): r.number for r in rows if r.approval}
    for number in selectors.approval_numbers_taken(numbers):
        problems.append(
            Problem(numbers[number], "立项文号", f"“{number}”已被系统中的其他项目使用，立项文号不能重复")
        )
    return problems
