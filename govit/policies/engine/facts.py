"""The *facts* document: what the policy engine knows about one project.

Derived from the project record by the application (or typed in by hand for a "what applies?" query).
Every field is optional with a sane default, except that amounts default to 0. Amounts are integer 元
(500万 = 5,000,000). Unknown judgments are ``None`` (not yet established), so a rule written as
``review.design_feasible == false`` fires only once a reviewer has said so.

Inside CEL conditions the same names are used: top-level fields as variables (``nature``,
``secrecy``, ``buys_server_hardware``), nested groups with a dot (``amounts.total``,
``dates.contract_signed``, ``contract.warranty_months``). Dates are exposed to CEL as integers
``YYYYMMDD`` (e.g. ``dates.contract_signed >= 20260101``) and the evaluation date as ``on``.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, model_validator

__all__ = [
    "AMOUNT_MAX",
    "Amounts",
    "Contract",
    "Counts",
    "Dates",
    "Facts",
    "FactsError",
    "Funding",
    "Override",
    "Review",
    "Similarity",
    "facts_json_schema",
]

AMOUNT_MAX = 10**12

Amount = Annotated[int, Field(strict=True, ge=0, le=AMOUNT_MAX)]
OptAmount = Annotated[int | None, Field(strict=True, ge=0, le=AMOUNT_MAX)]
Count = Annotated[int | None, Field(ge=0, le=1_000_000)]
Months = Annotated[int | None, Field(ge=0, le=1200)]

Nature = Literal[
    "NEW",  # 新建
    "CONTINUATION",  # 续建
    "REBUILD",  # 改建
    "EXPANSION",  # 扩建
    "MIGRATION",  # 迁移
    "UPGRADE",  # 升级 / 迭代升级
    "OM",  # 运维
    "SERVICE_PURCHASE",  # 购买服务
    "XINCHUANG_RETROFIT",  # 信创改造
    "SUPPORT_SERVICE",  # 配套第三方服务（设计、监理、测评、安全）
]
ProcurementCategory = Literal["ENGINEERING", "GOODS", "SERVICE"]  # 工程类 / 货物类 / 服务类
ProcurementRoute = Literal["GOV_PROCUREMENT", "SMALL_PUBLIC_RESOURCE"]  # 政府采购 / 小额公共资源交易
ScaleCategory = Literal["INFRASTRUCTURE", "CROSS_DEPT_LEVEL_INTEGRATION", "OTHER"]
Secrecy = Literal["CLASSIFIED", "WORK_SECRET", "NON_CLASSIFIED"]
UnitLevel = Literal["province", "city", "county", "district", "town"]
UnitKind = Literal[
    "party_gov_organ",  # 党政机关
    "public_institution",  # 事业单位
    "people_org",  # 人民团体
    "stationed_unit",  # 中央和省市驻地单位
    "town_street",  # 镇街
    "park",  # 产业园
    "soe",  # 国有企业
    "enterprise",
    "other",
]
FunctionalType = Literal[
    "NETWORK_PLATFORM",  # 电子政务网络平台
    "BUSINESS_SYSTEM",  # 业务信息系统 / 业务应用系统
    "DATA_RESOURCE",  # 信息资源库 / 数据资源
    "SECURITY_INFRA",  # 信息安全基础设施 / 安全保障设施
    "EGOV_INFRA",  # 电子政务基础设施（政务云、数据中心、机房）/ 信息基础设施
    "STANDARDS",  # 标准化体系
    "SUPPORT_PLATFORM",  # 支撑体系 / 应用支撑平台
    "PORTAL",  # 信息门户
    "PUBLIC_SERVICE",  # 公共服务 / 对公服务
    "COMMAND_DISPATCH",  # 指挥调度 / 态势运行 / 智能算法
    "LAW_ENFORCEMENT",  # 执法监管
]
OosCategory = Literal[
    "SMART_BUILDING",
    "CIVIL_WORKS",
    "OFFICE_DEVICE_STANDALONE",
    "DESKTOP_SOFTWARE_STANDALONE",
    "GENERAL_AV_DEVICE_STANDALONE",
    "SPECIALIST_DEVICE_STANDALONE",
    "RESEARCH_SYSTEM",
    "OUTDOOR_TELECOM",
    "SIM_IOT_CARD",
    "BUSINESS_OPERATION_SERVICE",
    "CONTENT_PRODUCTION",
    "PERFORMANCE_ASSESSMENT_SERVICE",
    "CENTRAL_PROCURED_GENERAL_DEVICE",
    "CENTRAL_PROCURED_PACKAGED_SOFTWARE",
    "CLASSIFIED",
    "SOE",
    "OUT_OF_LEVEL",
    "BELOW_MIN_AMOUNT",
]


class _Model(BaseModel):
    # Frozen: a facts document is a snapshot, so derived values (totals) can be cached per instance.
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        """Accept our own dumps: computed fields (``total`` ...) are ignored on input."""
        if isinstance(data, dict) and any(k in cls.model_computed_fields for k in data):
            return {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        return data


class Amounts(_Model):
    """Investment by cost head, integer 元. The nine heads sum to ``total``;
    ``security`` and ``crypto`` are 其中 amounts already inside the total (not added)."""

    engineering: Amount = 0  # 工程费
    equipment: Amount = 0  # 设备购置费
    software: Amount = 0  # 软件开发费
    services: Amount = 0  # 服务费
    testing: Amount = 0  # 测评费
    supervision: Amount = 0  # 监理费
    other: Amount = 0  # 其他费用
    contingency: Amount = 0  # 预备费
    om: Amount = 0  # 运维费
    security: Amount = 0  # 其中：网络安全投入
    crypto: Amount = 0  # 其中：密码投入

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def total(self) -> int:
        return (
            self.engineering
            + self.equipment
            + self.software
            + self.services
            + self.testing
            + self.supervision
            + self.other
            + self.contingency
            + self.om
        )

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def total_excl_om(self) -> int:
        return self.total - self.om

    @model_validator(mode="after")
    def _included_amounts(self) -> Amounts:
        total = self.total
        bad = [n for n in ("security", "crypto") if getattr(self, n) > total]
        if bad:
            raise ValueError(f"{'、'.join(bad)} 是总投资中的“其中”金额，不能超过总投资 {total} 元")
        return self


class Funding(_Model):
    """Funding sources (资金筹措), integer 元."""

    fiscal_local: Amount = 0  # 本级财政资金
    fiscal_upper_national: Amount = 0  # 上级（国家）财政资金
    fiscal_upper_province: Amount = 0  # 上级（省）财政资金
    fiscal_upper_city: Amount = 0  # 上级（市）财政资金
    bank_loan: Amount = 0  # 银行贷款
    self_raised: Amount = 0  # 自筹
    social: Amount = 0  # 社会资金
    special_bond: Amount = 0  # 政府专项债券
    other: Amount = 0  # 其他

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def total(self) -> int:
        return (
            self.fiscal_local
            + self.fiscal_upper_national
            + self.fiscal_upper_province
            + self.fiscal_upper_city
            + self.bank_loan
            + self.self_raised
            + self.social
            + self.special_bond
            + self.other
        )


class Contract(_Model):
    """Main contract terms (months) and mandatory clauses (None = unknown)."""

    implementation_months: Months = None  # 实施周期
    warranty_months: Months = None  # 质保期 / 维保期
    free_om_months: Months = None  # 免费运维期
    service_months: Months = None  # 服务期（服务类）
    has_construction_content: bool | None = None  # 服务类合同是否含建设内容
    data_three_lists: bool | None = None  # 数据“三清单”
    ip_clause: bool | None = None  # 知识产权归属条款
    data_ownership_clause: bool | None = None
    source_code_clause: bool | None = None
    confidentiality_clause: bool | None = None
    security_liability_clause: bool | None = None
    overrun_penalty_clause: bool | None = None
    acceptance_standard_clause: bool | None = None
    payment_schedule_clause: bool | None = None


class Counts(_Model):
    streets_surveyed: Count = None  # 调研街道数
    review_panel_size: Count = None  # 评审专家组人数
    acceptance_panel_size: Count = None  # 验收专家组人数
    acceptance_panel_fields: Count = None  # 验收专家组覆盖的专业领域数（信息技术、网络安全、业务领域，0-3）
    secrecy_experts_on_panel: Count = None  # 保密专家人数
    platforms_of_unit: Count = None  # 本单位已有平台数


class Similarity(_Model):
    """查重: this declaration compared with the other projects of its jurisdiction and the levels above,
    and with the systems in operation there (编目), under the pack's ``similarity`` settings. Pairs a reviewer
    marked “不重复” are left out; ``checked`` is false until the comparison has run."""

    checked: bool = False
    best_score: Annotated[int | None, Field(ge=0, le=100)] = None  # 最高相似度（百分制）
    duplicates: Count = None  # 达到“疑似重复”线的项目与在用系统数
    duplicate_systems: Count = None  # 其中：已编目的在用系统数
    similar_in_progress: Count = None  # 本单位已立项、未完成竣工验收且达到“相似”线的项目数
    split_parts: Count = None  # 拆分申报：本单位窗口期内相似且各自低于限额线的申报数（含本项目）
    split_total_yuan: OptAmount = None  # 以上各部分合计金额
    split_line_yuan: OptAmount = None  # 被拆分跨越的限额线（各部分均低于、合计达到）


class Review(_Model):
    """Reviewer judgments; None = not yet assessed."""

    complies_standards: bool | None = None  # 符合政策规定及标准规范
    fits_local_plan: bool | None = None  # 符合本地智慧城市、数字政府等规划
    design_feasible: bool | None = None  # 技术设计和建设方案合理、可行
    budget_schedule_reasonable: bool | None = None  # 投资概算和进度安排合理
    other_legal_conditions_met: bool | None = None  # 法律法规规定的其他条件


class Dates(_Model):
    """Dates of lifecycle events (ISO dates)."""

    declared: dt.date | None = None  # 申报
    preliminary_check: dt.date | None = None  # 初审
    review_completed: dt.date | None = None  # 审查论证 / 评审完成
    proposal_approved: dt.date | None = None  # 项目建议书批复
    plan_approved: dt.date | None = None  # 年度计划批准
    approved: dt.date | None = None  # 立项 / 批复
    budget_approved: dt.date | None = None
    tender_completed: dt.date | None = None  # 完成招标
    award_notice: dt.date | None = None  # 中标（成交）通知书发出
    procurement_completed: dt.date | None = None
    contract_signed: dt.date | None = None
    construction_started: dt.date | None = None
    construction_completed: dt.date | None = None
    initial_acceptance: dt.date | None = None  # 初验
    trial_run_started: dt.date | None = None
    trial_run_ended: dt.date | None = None
    acceptance_applied: dt.date | None = None  # 竣工验收申请
    contract_acceptance_due: dt.date | None = None  # 合同约定验收时间
    extension_requested: dt.date | None = None  # 延期验收申请
    final_acceptance: dt.date | None = None  # 竣工验收 / 终验
    put_into_use: dt.date | None = None
    change_occurred: dt.date | None = None  # 备案信息变更
    documents_generated: dt.date | None = None
    om_filed: dt.date | None = None  # 年度运维备案
    explanation_submitted: dt.date | None = None  # 书面说明
    rectification_notice: dt.date | None = None  # 限期整改通知
    rectification_done: dt.date | None = None
    decommissioned: dt.date | None = None
    security_assessed: dt.date | None = None  # 最近一次安全评估


class Override(_Model):
    """Recorded override of a soft finding (原则上 / 一般)."""

    by: str = Field(min_length=1)
    justification: str = Field(min_length=1)
    approver: str | None = None
    date: dt.date | None = None


class Facts(_Model):
    """Facts about one project, the input of :func:`evaluate`."""

    # identity / free text
    name: str | None = None
    summary: str | None = None  # 项目简要说明及建设依据
    plan_start_month: Annotated[str | None, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None
    plan_end_month: Annotated[str | None, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None
    plan_year: Annotated[int | None, Field(ge=1990, le=2200)] = None  # 年度计划所属年度

    amounts: Amounts = Field(default_factory=Amounts)
    funding: Funding = Field(default_factory=Funding)

    # classification axes (catalogue §8)
    nature: Nature | None = None
    procurement_category: ProcurementCategory | None = None
    procurement_route: ProcurementRoute | None = None
    scale_category: ScaleCategory | None = None
    secrecy: Secrecy = "NON_CLASSIFIED"
    mlps_level: Annotated[int | None, Field(ge=1, le=5)] = None  # 等保级别
    critical_info_infra: bool = False
    important_system: bool = False
    functional_types: list[FunctionalType] = Field(default_factory=list)
    oos_category: OosCategory | None = None
    unit_level: UnitLevel | None = None
    unit_kind: UnitKind | None = None
    is_budget_unit: bool | None = None
    # collaboration
    cross_dept: bool = False
    cross_level: bool = False
    reaches_street_community: bool = False
    sector_project: bool = False
    attached_to_construction_work: bool = False
    # deployment
    deploys_on_gov_cloud: bool | None = None
    deploys_on_egov_extranet: bool | None = None
    deploys_on_egov_intranet: bool | None = None
    connects_data_platform: bool | None = None
    leases_private_network: bool | None = None

    # flags
    software_development: bool = False  # 软件开发类
    buys_hardware: bool = False
    buys_server_hardware: bool = False
    hardware_in_gov_cloud: bool | None = None
    builds_app_datacenter: bool = False
    has_data_catalog: bool = False  # 政务数据资源共享清单
    has_security_solution: bool = False  # 网络与信息安全解决方案
    has_supervision_contract: bool = False  # 已引入监理
    supervision_tendered: bool = False  # 监理单独采购（独立招标）
    budget_includes_testing: bool = False  # 系统测评费用纳入预算
    budget_includes_mlps: bool = False  # 等级保护（含密评）费用纳入预算
    in_annual_plan: bool = False
    special_approval: bool = False  # 县政府专题请示批准 等
    intensive_integration_done: bool | None = None  # 集约整合
    data_sharing_compliant: bool | None = None  # 按规定共享数据
    reuses_existing_infra: bool | None = None  # 充分利用已有软硬件
    previous_phase_accepted: bool | None = None
    implemented_as_planned: bool | None = None
    acceptance_passed: bool | None = None
    in_formal_use: bool = False  # 已正式投入使用
    force_majeure: bool = False

    counts: Counts = Field(default_factory=Counts)
    similarity: Similarity = Field(default_factory=Similarity)
    contract: Contract = Field(default_factory=Contract)
    review: Review = Field(default_factory=Review)
    dates: Dates = Field(default_factory=Dates)
    issuer_due_dates: dict[str, dt.date] = Field(default_factory=dict)  # rule id -> due set by issuer
    # rule id -> date the obligation was discharged by a record of its own (备案, 报送 …), for deadlines
    # the pack gives no closing event
    fulfilled: dict[str, dt.date] = Field(default_factory=dict)
    overrides: dict[str, Override] = Field(default_factory=dict)  # rule id -> override of a soft rule

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def classified(self) -> bool:
        return self.secrecy == "CLASSIFIED"

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def summary_chars(self) -> int:
        """字数 of ``summary``: characters excluding whitespace (Word-style 字数)."""
        if not self.summary:
            return 0
        return len("".join(self.summary.split()))

    @classmethod
    def from_dict(cls, data: Any) -> Facts:
        """Validate a plain dict; raise :class:`FactsError` listing every bad field."""
        if isinstance(data, Facts):
            return data
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise FactsError.from_validation(exc) from None


class FactsError(ValueError):
    """Bad facts; ``.fields`` lists ``(path, message)`` for every problem."""

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self.fields = fields
        lines = "; ".join(f"{path}: {msg}" for path, msg in fields)
        super().__init__(f"项目事实数据有误（{len(fields)}处）: {lines}")

    @classmethod
    def from_validation(cls, exc: ValidationError) -> FactsError:
        fields: list[tuple[str, str]] = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or "(root)"
            fields.append((path, err["msg"]))
        return cls(fields)


# Names of nested groups whose members are exposed to CEL as ``group.member``.
NESTED_GROUPS: dict[str, type[BaseModel]] = {
    "amounts": Amounts,
    "funding": Funding,
    "contract": Contract,
    "counts": Counts,
    "similarity": Similarity,
    "review": Review,
    "dates": Dates,
}
# Top-level fields not exposed to CEL (free text / maps handled in Python).
NOT_IN_CEL = frozenset({"name", "summary", "issuer_due_dates", "overrides", "fulfilled"})


def model_field_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields) + list(model.model_computed_fields)


def cel_variable_names() -> dict[str, str]:
    """Every CEL variable the facts provide -> 'scalar' | 'group' (plus ``on``)."""
    out: dict[str, str] = {"on": "scalar"}
    for name in model_field_names(Facts):
        if name in NOT_IN_CEL:
            continue
        out[name] = "group" if name in NESTED_GROUPS else "scalar"
    return out


def facts_json_schema() -> dict[str, Any]:
    """JSON Schema of the facts document (validation mode, i.e. what a client sends)."""
    schema = Facts.model_json_schema(mode="validation")
    schema["title"] = "GovIT policy facts"
    schema["description"] = (
        "项目事实数据：金额为整数元；dates 为 ISO 日期；在 CEL 条件中日期以 YYYYMMDD 整数出现。"
    )
    return schema
