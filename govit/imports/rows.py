"""One row of the import sheet checked cell by cell into what will be saved, with each problem as
第N行 列名：原因. No database here: the caller gives the jurisdiction's units and the projects it already has,
and checks the 立项文号 the rows use."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from govit.core.forms import has_markup
from govit.core.money import YUAN_PER_WAN, yuan_to_wan_text
from govit.imports.choices import APPROVAL_FORBIDDEN, APPROVAL_REQUIRED
from govit.imports.columns import (
    AMOUNT_HEADERS,
    COLUMN_BY_HEADER,
    COLUMNS,
    COST_COLUMNS,
    FUNDING_COLUMNS,
    HEAD_KEYS,
    NO,
    REQUIRED_HEADERS,
    YES,
    Column,
)
from govit.projects.choices import EARMARKS, Nature, ProcurementCategory, Secrecy, Status

MAX_YUAN = 10**12
YEAR_RANGE = (2000, 2100)
EXAMPLE_MARK = "（示例"
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")
_LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class Problem:
    """第N行 列名：原因 — the same words as the catalogue import; ``row`` is None for the whole file."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def problem_text(problem: dict[str, Any]) -> str:
    if problem.get("row"):
        return f"第{problem['row']}行 {problem['column']}：{problem['message']}"
    return f"{problem['column']}：{problem['message']}"


@dataclass
class ParsedRow:
    """One row as it will be saved."""

    number: int
    unit_id: int
    unit_name: str
    co_unit_ids: list[int]
    fields: dict[str, Any]
    status: str
    declared_on: dt.date | None
    approval: dict[str, Any] | None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.unit_id, int(self.fields["year"]), str(self.fields["name"]))

    def preview(self) -> dict[str, Any]:
        approval = self.approval or {}
        return {
            "row": self.number,
            "unit": self.unit_name,
            "name": self.fields["name"],
            "year": self.fields["year"],
            "nature": Nature(self.fields["nature"]).label,
            "procurement_category": ProcurementCategory(self.fields["procurement_category"]).label,
            "total_wan": yuan_to_wan_text(self.fields["total_yuan"]),
            "status": Status(self.status).label,
            "declared_on": self.declared_on.isoformat() if self.declared_on else "",
            "approval_number": approval.get("approval_number", ""),
            "approved_wan": yuan_to_wan_text(approval["approved_budget_yuan"]) if approval else "",
            "approved_on": approval["approved_on"].isoformat() if approval else "",
        }


def _ignore(*_args: Any) -> None:
    """A problem not worth reporting."""


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message says why, in Chinese."""


def cell_text(value: Any) -> str:
    """What a cell says, as text: a formula is its own text (the workbook is read without evaluating)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def amount_yuan(value: Any) -> int:
    """An amount in 万元 (up to four decimals, i.e. exact to the 元) as integer 元."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise CellError("应为数字金额（单位：万元）")
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        if text.startswith("="):
            raise CellError("应为数字金额，不能是公式")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{cell_text(value)[:20]}”不是数字金额（单位：万元），如 120.5") from None
    if not number.is_finite():
        raise CellError("应为数字金额（单位：万元）")
    if number < 0:
        raise CellError("金额不能为负数")
    yuan = number * YUAN_PER_WAN
    if yuan != yuan.to_integral_value():
        raise CellError("金额最多保留四位小数（精确到元）")
    if yuan > MAX_YUAN:
        raise CellError("金额不能超过 1 亿万元（10^12 元）")
    return int(yuan)


def year_value(value: Any) -> int:
    text = cell_text(value)
    if not re.fullmatch(r"\d{4}", text):
        raise CellError(f"“{text[:20]}”不是四位数字年份，如 2025")
    year = int(text)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CellError(f"应在 {YEAR_RANGE[0]} 至 {YEAR_RANGE[1]} 年之间")
    return year


def date_value(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise CellError(f"“{cell_text(value)[:20]}”不是有效日期，应如 2024-05-01")


def choice_value(value: Any, column: Column) -> str:
    text = cell_text(value)
    for stored, label in column.choices:
        if text == label:
            return stored
    raise CellError(f"“{text[:20]}”不是有效的选项，可选：{'、'.join(column.labels)}")


@dataclass
class RowChecker:
    """Checks the rows of one sheet in order; remembers what it saw, for duplicates within the file."""

    jurisdiction_name: str
    units: dict[str, int]  # name -> organisation id (the jurisdiction's construction units)
    today: dt.date
    existing: set[tuple[int, int, str]] = field(default_factory=set)  # (unit, year, name) already in GovIT
    numbers: dict[str, int] = field(default_factory=dict)  # 立项文号 -> the row that first gave it
    _keys: dict[tuple[int, int, str], int] = field(default_factory=dict)

    def check(self, number: int, cells: dict[str, Any]) -> tuple[ParsedRow | None, list[Problem]]:
        """``cells``: {header: value} of row ``number``. The row as it will be saved, or the problems."""
        problems: list[Problem] = []
        values: dict[str, Any] = {}

        def problem(column: Column | str, message: str) -> None:
            header = column.header if isinstance(column, Column) else column
            problems.append(Problem(number, header, message))

        for column in COLUMNS:
            raw = cells.get(column.header)
            if column.required and cell_text(raw) == "":
                problem(column, "必填，不能为空")
                continue
            try:
                values[column.key] = self._cell(column, raw)
            except CellError as error:
                problem(column, str(error))
        if problems and any(p.column in REQUIRED_HEADERS for p in problems):
            return None, problems  # without unit, name or year the rest cannot be judged
        name = str(values["name"])
        if name.startswith(EXAMPLE_MARK):
            problem(COLUMN_BY_HEADER["项目名称"], "这是模板中的示例行，导入前请删除")
        unit_name = str(values["lead_unit"])
        unit_id = self.units.get(unit_name)
        if unit_id is None:
            problem(COLUMN_BY_HEADER["建设单位"], f"{self.jurisdiction_name}没有名为“{unit_name}”的单位")
        co_unit_ids: list[int] = []
        for co_name in values.get("co_units") or []:
            co_id = self.units.get(co_name)
            if co_id is None:
                problem(COLUMN_BY_HEADER["共建单位"], f"{self.jurisdiction_name}没有名为“{co_name}”的单位")
            elif co_id != unit_id and co_id not in co_unit_ids:
                co_unit_ids.append(co_id)
        unreadable = {p.column for p in problems}
        amounts_read = not unreadable & AMOUNT_HEADERS  # sums of unreadable amounts would repeat the problem
        fields = self._amounts(values, problem if amounts_read else _ignore)
        status, approval = self._state(
            values, fields, problem, amounts_read=amounts_read, unreadable=unreadable
        )
        declared_on = values.get("declared_on")
        if declared_on is not None and declared_on > self.today:
            problem(COLUMN_BY_HEADER["申报日期"], "不能晚于今天")
        elif (
            declared_on and approval and approval.get("approved_on") and declared_on > approval["approved_on"]
        ):
            problem(COLUMN_BY_HEADER["申报日期"], "不能晚于批复日期")
        if unit_id is not None:
            key = (unit_id, int(values["year"]), name)
            earlier = self._keys.get(key)
            if key in self.existing:
                problem(
                    COLUMN_BY_HEADER["项目名称"],
                    f"{unit_name}已有{values['year']}年度的同名项目，不能重复导入",
                )
            elif earlier is not None:
                problem(
                    COLUMN_BY_HEADER["项目名称"],
                    f"与第{earlier}行重复（同一建设单位、同一年度的同名项目）",
                )
            else:
                self._keys[key] = number
        approval_number = str(values.get("approval_number") or "")
        if approval_number:
            earlier = self.numbers.get(approval_number)
            if earlier is not None:
                problem(COLUMN_BY_HEADER["立项文号"], f"与第{earlier}行的立项文号重复")
            else:
                self.numbers[approval_number] = number
        if problems or unit_id is None:
            return None, problems
        for name_of_field in ("nature", "procurement_category", "secrecy", "year", "name"):
            fields[name_of_field] = values[name_of_field]
        fields["secrecy"] = fields["secrecy"] or Secrecy.NON_CLASSIFIED
        for column in COLUMNS:
            if column.kind in {"text", "phone", "bool"} and column.key not in {
                "name",
                "approval_number",
                "decided_by_body",
            }:
                fields[column.key] = values[column.key]
        return (
            ParsedRow(
                number=number,
                unit_id=unit_id,
                unit_name=unit_name,
                co_unit_ids=co_unit_ids,
                fields=fields,
                status=status,
                declared_on=declared_on,
                approval=approval,
            ),
            problems,
        )

    def _cell(self, column: Column, raw: Any) -> Any:
        kind = column.kind
        if kind in {"amount", "total"}:
            return amount_yuan(raw) if cell_text(raw) != "" else None
        if kind == "year":
            return year_value(raw)
        if kind == "date":
            return date_value(raw)
        text = cell_text(raw)
        if kind in {"choice", "status"}:
            return choice_value(raw, column) if text else ""
        if kind == "bool":
            if text in {"", NO}:
                return False
            if text == YES:
                return True
            raise CellError(f"应填写“{YES}”或“{NO}”")
        if kind == "units":
            return [n.strip() for n in _LIST_SEPARATORS.split(text) if n.strip()]
        if column.limit and len(text) > column.limit:
            raise CellError(f"不能超过 {column.limit} 个字（当前 {len(text)} 个字）")
        if has_markup(text):
            raise CellError("不能包含 HTML 标签或脚本")
        if kind == "phone" and text and not _PHONE.match(text):
            raise CellError("联系电话格式不正确")
        return text

    def _amounts(self, values: dict[str, Any], problem: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {c.key: values.get(c.key) or 0 for c in (*COST_COLUMNS, *FUNDING_COLUMNS)}
        heads = sum(int(fields[k]) for k in HEAD_KEYS)
        total = values.get("total")
        total_column = COLUMN_BY_HEADER["总投资（万元）"]
        if total is not None and heads == 0:
            fields["cost_other"] = total  # only the total is known: it is all 其他费用
            heads = total
        elif total is not None and total != heads:
            problem(
                total_column,
                f"与各项费用之和（{yuan_to_wan_text(heads)} 万元）不一致",
            )
        if heads <= 0:
            problem(total_column, "项目总投资必须大于 0（请填写各项费用或总投资）")
        elif heads > MAX_YUAN:
            problem(total_column, "项目总投资不能超过 1 亿万元（10^12 元）")
        for column in COST_COLUMNS:
            if column.key in {f"cost_{code}" for code, _label in EARMARKS} and fields[column.key] > heads > 0:
                problem(column, "不能超过项目总投资")
        funding = sum(int(fields[c.key]) for c in FUNDING_COLUMNS)
        if heads > 0 and funding != heads:
            problem(
                FUNDING_COLUMNS[0],
                f"资金来源合计（{yuan_to_wan_text(funding)} 万元）应等于项目总投资（{yuan_to_wan_text(heads)} 万元）",
            )
        fields["total_yuan"] = heads
        return fields

    def _state(
        self,
        values: dict[str, Any],
        fields: dict[str, Any],
        problem: Any,
        *,
        amounts_read: bool,
        unreadable: set[str],
    ) -> tuple[str, dict[str, Any] | None]:
        """The status to import as and the 立项 record it comes with (None before 立项)."""
        number = str(values.get("approval_number") or "")
        budget = values.get("approved_budget")
        approved_on = values.get("approved_on")
        body = str(values.get("decided_by_body") or "")
        status = str(values.get("status") or "") or (Status.APPROVED if number else Status.SUBMITTED)
        label = Status(status).label
        given = {
            "立项文号": bool(number) or "立项文号" in unreadable,
            "批复投资（万元）": budget is not None or "批复投资（万元）" in unreadable,
            "批复日期": approved_on is not None or "批复日期" in unreadable,
        }
        if status in APPROVAL_FORBIDDEN:
            for header, present in given.items():
                if present:
                    problem(header, f"项目状态为“{label}”的项目尚未立项，不能填写{header.split('（')[0]}")
            if body:
                problem("决策机构", f"项目状态为“{label}”的项目尚未立项，不能填写决策机构")
            return status, None
        if status not in APPROVAL_REQUIRED and not any(given.values()):
            return status, None
        missing = [header for header, present in given.items() if not present]
        for header in missing:
            why = f"项目状态为“{label}”时必填" if status in APPROVAL_REQUIRED else "填写立项信息时必填"
            problem(header, why)
        if missing or budget is None or approved_on is None or not number:
            return status, None
        if budget <= 0:
            problem("批复投资（万元）", "必须大于 0")
        elif amounts_read and 0 < fields.get("total_yuan", 0) < budget:
            problem("批复投资（万元）", "不能超过项目总投资")
        if approved_on > self.today:
            problem("批复日期", "不能晚于今天")
        return status, {
            "approval_number": number,
            "approved_budget_yuan": budget,
            "approved_on": approved_on,
            "decided_by_body": body,
        }
