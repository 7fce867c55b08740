"""The import sheet's columns: one table that the template, its 说明 sheet, the row check and
docs/imports.md all follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govit.imports.choices import IMPORTABLE_STATUSES
from govit.projects.choices import (
    COST_HEADS,
    EARMARKS,
    FundingSource,
    Nature,
    ProcurementCategory,
    Secrecy,
)

TEXT_LIMIT = 5000
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    """One column of the import sheet."""

    header: str
    key: str
    kind: str  # unit, units, text, year, choice, amount, total, bool, status, date
    required: bool = False
    limit: int = 0
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label)
    note: str = ""

    @property
    def labels(self) -> list[str]:
        return [label for _value, label in self.choices]


def _amount_column(key: str, label: str, note: str = "") -> Column:
    return Column(f"{label}（万元）", key, "amount", note=note)


_STATUS_CHOICES = tuple((str(s.value), str(s.label)) for s in IMPORTABLE_STATUSES)
_BOOL_CHOICES = ((YES, YES), (NO, NO))

COLUMNS: tuple[Column, ...] = (
    Column(
        "建设单位", "lead_unit", "unit", required=True, note="本行政区划已登记的单位全称（见“建设单位”表）"
    ),
    Column("项目名称", "name", "text", required=True, limit=100),
    Column("申报年度", "year", "year", required=True, note="四位数字年份，2000 至 2100"),
    Column("建设性质", "nature", "choice", required=True, choices=tuple(Nature.choices)),
    Column(
        "采购类别",
        "procurement_category",
        "choice",
        required=True,
        choices=tuple(ProcurementCategory.choices),
    ),
    Column("涉密属性", "secrecy", "choice", choices=tuple(Secrecy.choices), note="不填为“非涉密”"),
    Column("共建单位", "co_units", "units", note="本行政区划已登记的单位，多个用顿号“、”分隔"),
    *(_amount_column(f"cost_{code}", label) for code, label in COST_HEADS),
    *(_amount_column(f"cost_{code}", label, note="包含在总投资内，不另计") for code, label in EARMARKS),
    Column(
        "总投资（万元）",
        "total",
        "total",
        note="可不填；填写时须等于各项费用之和。只有总投资、没有分项的，总投资全部计入“其他费用”",
    ),
    *(
        _amount_column(f"fund_{code}", "其他资金" if code == FundingSource.OTHER else str(label))
        for code, label in FundingSource.choices
    ),
    Column("项目简要说明及建设依据", "summary", "text", limit=TEXT_LIMIT),
    Column("建设目标", "objectives", "text", limit=TEXT_LIMIT),
    Column("主要建设内容", "content", "text", limit=TEXT_LIMIT),
    Column("预期效益", "benefits", "text", limit=TEXT_LIMIT),
    Column("主要功能", "functions", "text", limit=TEXT_LIMIT),
    Column("技术路线", "tech_route", "text", limit=TEXT_LIMIT),
    Column("数据资源", "data_summary", "text", limit=TEXT_LIMIT),
    Column("联系人", "contact_name", "text", limit=40),
    Column("联系电话", "contact_phone", "phone", limit=20, note="手机或固定电话，如 0564-8621234"),
    Column("购置服务器等硬件", "buys_server_hardware", "bool", choices=_BOOL_CHOICES, note="不填为“否”"),
    Column("部署在政务云", "deploys_on_gov_cloud", "bool", choices=_BOOL_CHOICES, note="不填为“否”"),
    Column("已编制数据资源目录", "has_data_catalog", "bool", choices=_BOOL_CHOICES, note="不填为“否”"),
    Column(
        "项目状态",
        "status",
        "status",
        choices=_STATUS_CHOICES,
        note="不填时：有立项文号的为“已立项”，否则为“已申报”。已立项、建设中、已验收、运行维护、已下线须填写立项文号、"
        "批复投资和批复日期；已申报、不予支持不能填写立项信息；已终止可填可不填",
    ),
    Column("申报日期", "declared_on", "date", note="不填为导入当天；不晚于批复日期"),
    Column("立项文号", "approval_number", "text", limit=80, note="全系统唯一"),
    Column(
        "批复投资（万元）",
        "approved_budget",
        "amount",
        note="大于 0，不超过总投资",
    ),
    Column("批复日期", "approved_on", "date", note="不晚于今天"),
    Column(
        "决策机构",
        "decided_by_body",
        "text",
        limit=120,
        note="作出立项决定的机构；不填时取政策包立项环节的决策机构",
    ),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
REQUIRED_HEADERS = tuple(c.header for c in COLUMNS if c.required)
COST_COLUMNS = tuple(c for c in COLUMNS if c.key.startswith("cost_"))
HEAD_KEYS = tuple(f"cost_{code}" for code, _label in COST_HEADS)
FUNDING_COLUMNS = tuple(c for c in COLUMNS if c.key.startswith("fund_"))
AMOUNT_HEADERS = frozenset(c.header for c in (*COST_COLUMNS, *FUNDING_COLUMNS)) | {"总投资（万元）"}
# The template's example row, by column key (amounts in 万元).
EXAMPLE: dict[str, Any] = {
    "name": "（示例，导入前请删除）智慧校园统一身份认证平台",
    "year": 2025,
    "nature": "新建",
    "procurement_category": "服务",
    "cost_software": 180,
    "cost_equipment": 40,
    "total": 220,
    "status": "已立项",
    "declared_on": "2024-09-20",
    "approval_number": "数据局〔2025〕12号",
    "approved_budget": 200,
    "approved_on": "2025-03-18",
    "summary": "依据《教育信息化2.0行动计划》，建设全县中小学统一身份认证平台。",
    "content": "统一身份认证、单点登录、权限管理。",
    "contact_name": "张明",
    "contact_phone": "0564-8621234",
    "fund_fiscal": 220,
    "deploys_on_gov_cloud": YES,
}
