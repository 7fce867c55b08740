"""Pydantic v2 models of a policy pack (one YAML file per jurisdiction).

Every rule carries ``cite`` (article + short original quote), ``catalogue`` (ids from the rules
catalogue such as TH-01, DL-03, RJ-17, ST-000-05) and optionally ``ambiguity`` (the catalogue §10 id
whose reading was applied). Unknown keys are errors (``extra="forbid"``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CANONICAL_ROLES",
    "EFFECT_CODES",
    "SIMILARITY_SECTIONS",
    "STAGE_KINDS",
    "Cite",
    "DeadlineRule",
    "DocumentRule",
    "FindingRule",
    "Form",
    "FormField",
    "Meta",
    "NotEncodable",
    "Outcome",
    "Pack",
    "Period",
    "ScopeRule",
    "ScoringCriterion",
    "ScoringTable",
    "SimilarityRules",
    "SourceDocument",
    "StageRule",
    "ThresholdRule",
    "ValidationRule",
]

IDENT = r"^[A-Za-z][A-Za-z0-9_]*$"
RULE_ID = r"^[A-Za-z][A-Za-z0-9_.\-]*$"
CATALOGUE_ID = re.compile(
    r"^(TH-\d{2}|DL-\d{2}|RJ-\d{2,3}|ST-\d{3}-\d{2}|OOS-[A-Z0-9]+-[0-9.]+|A-[A-Z0-9]+-\d{2}|C-\d{2}"
    r"|§[0-9.]+|[A-Z][A-Z0-9]*(-[A-Z0-9]+)+)$"
)

StageKind = Literal[
    "planning",
    "consultation",
    "form_submission",
    "compliance_check",
    "scored_review",
    "expert_review",
    "joint_review",
    "upper_review",
    "collective_decision",
    "approval",
    "budget",
    "procurement",
    "contract",
    "filing",
    "implementation",
    "change_review",
    "report",
    "trial_run",
    "acceptance_application",
    "acceptance",
    "operation",
    "evaluation",
    "close_out",
]
STAGE_KINDS: tuple[str, ...] = StageKind.__args__  # type: ignore[attr-defined]

CanonicalRole = Literal[
    "COMPETENT_BUREAU",
    "FINANCE",
    "DEV_REFORM",
    "PROJECT_APPROVAL",
    "CRYPTO",
    "CAC",
    "XINCHUANG",
    "SECRECY",
    "POLICE",
    "ARCHIVES",
    "AUDIT",
    "PROCUREMENT_CENTER",
    "INDUSTRY_AUTHORITY",
    "COLLEGIAL_BODY",
    "EXPERT",
    "PROJECT_UNIT",
    "LEADER_SIGNOFF",
    "OTHER",
]
CANONICAL_ROLES: tuple[str, ...] = CanonicalRole.__args__  # type: ignore[attr-defined]

CanonicalStage = Literal[
    "PLAN",
    "PRECONSULT",
    "DECLARE",
    "SCREEN",
    "REVIEW_REQ",
    "REVIEW_TECH",
    "REVIEW_EXPERT",
    "REVIEW_UPPER",
    "JOINT_REVIEW",
    "FINAL_CHECK",
    "APPROVE",
    "BUDGET",
    "PROCURE",
    "CONTRACT",
    "FILE",
    "IMPLEMENT",
    "CHANGE",
    "INITIAL_ACCEPT",
    "TRIAL",
    "PRE_ACCEPT_CONFIRM",
    "ACCEPT_APPLY",
    "FINAL_ACCEPT",
    "OPERATE",
    "EVALUATE",
    "CLOSE",
]

EffectCode = Literal[
    "NOT_APPROVED",  # 不予审批
    "NOT_ACCEPTED",  # 不受理
    "NOT_SUPPORTED",  # 不予支持
    "NO_NEW_BUILD",  # 一律不得新建
    "NO_OM_FUNDS",  # 不予安排运维经费
    "NO_BUDGET",  # 不安排预算/资金
    "NO_BUILD",  # 不得建设
    "NO_PROCURE",  # 不得采购
    "NO_USE",  # 不得投入使用
    "FAIL_ACCEPT",  # 验收不通过
    "NO_FINAL_ACCEPT",  # 不组织竣工验收
    "END",  # 本次申报结束
    "CANCEL",  # 取消立项指标
    "RECOVER",  # 收回资金
    "DELIST",  # 下架
    "RETIRE",  # 强制淘汰
    "BAN",  # 取消下一年度申报资格
    "SANCTION",  # 通报批评/暂缓/暂停/终止
    "REVIEW_FAIL",  # 审查不通过
    "RETURN",  # 退回修改
    "CONTRACT_INVALID",  # 合同不合规
    "ACCEPT_BLOCKED",  # 不得申请/组织验收
    "PROCUREMENT_NONCOMPLIANT",
    "FILING_REJECTED",
    "REDECLARE",  # 须重新申报立项
    "VIOLATION",  # 违规（追责）
    "WARNING",  # 提示
]
EFFECT_CODES: tuple[str, ...] = EffectCode.__args__  # type: ignore[attr-defined]

# Boolean facts that are established by providing a document (the upload is the evidence).
DocumentFact = Literal["has_data_catalog", "has_security_solution", "has_supervision_contract"]
# File formats a requirement may accept (what GovIT recognises from a file's content).
FileKind = Literal["pdf", "ofd", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "jpg", "png", "zip"]

EscalationLevel = Literal["unit", "local", "city", "province", "region", "national"]
Severity = Literal["hard", "soft"]


def _bool_to_cel(v: object) -> object:
    """YAML turns an unquoted ``true`` into a bool; accept it as the CEL literal."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


Expr = Annotated[str, BeforeValidator(_bool_to_cel), Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_Model):
    article: str = Field(min_length=1, description="第九条 / 第十一条(五) / 附件2 / ¶32")
    quote: str = Field(min_length=1, description="short original Chinese quote")


class _Rule(_Model):
    id: str = Field(pattern=RULE_ID)
    cite: Cite
    catalogue: list[str] = Field(default_factory=list)
    ambiguity: str | None = Field(default=None, pattern=r"^A-[A-Z0-9]+-\d{2}$")
    note: str | None = None

    @field_validator("catalogue")
    @classmethod
    def _catalogue_ids(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not CATALOGUE_ID.match(c)]
        if bad:
            raise ValueError(f"invalid catalogue id(s): {bad}")
        return v


# ---------------------------------------------------------------- meta


class SourceDocument(_Model):
    title: str
    doc_no: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    status: Literal["现行", "送审稿", "征求意见稿", "废止"]
    repeals: list[str] = Field(default_factory=list)


class Meta(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="pack code used by load_pack, e.g. shucheng")
    catalogue_code: str | None = Field(default=None, description="rules-catalogue code, e.g. 000")
    jurisdiction: str
    level: Literal["province", "city", "county", "district"]
    province: str | None = None
    source: SourceDocument
    version: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    extends: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    roles: dict[CanonicalRole, list[str]] = Field(default_factory=dict)
    remind_working_days: int = Field(
        default=3, ge=0, le=60, description="reminder lead time for the pack's deadlines, in working days"
    )

    @model_validator(mode="after")
    def _dates(self) -> Meta:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


# ---------------------------------------------------------------- rules


class ScopeRule(_Rule):
    """Scope classifier entry: when ``when`` holds the project gets ``outcome``."""

    outcome: Literal["in_scope", "partial", "filing_only", "out_of_scope"]
    category: str | None = None
    when: Expr
    message: str
    disables: list[str] = Field(default_factory=list, description="rule ids suppressed when this matches")


class ThresholdRule(_Rule):
    """A numeric threshold: ``measure`` (CEL integer expression) ``op`` ``value``.

    ``name`` (optional) makes the threshold usable as a boolean in other conditions.
    """

    name: str | None = Field(default=None, pattern=IDENT)
    literal: str = Field(description="原文 wording, e.g. 500万元（含）以上")
    measure: Expr
    op: Literal[">=", ">", "<=", "<", "=="]
    value: int
    unit: Literal["元", "字", "月", "天", "年", "人", "个", "%"] = "元"
    severity: Severity = "hard"
    consequence: str
    when: Expr | None = None


class Outcome(_Model):
    code: Literal["pass", "revise", "fail", "end", "escalate", "not_approved", "approved", "next"]
    next: str | None = None
    label: str | None = None


class StageRule(_Rule):
    code: CanonicalStage
    name: str
    kind: StageKind
    roles: list[CanonicalRole] = Field(min_length=1)
    actors: list[str] = Field(default_factory=list, description="local names of the acting bodies")
    escalation: EscalationLevel = "local"
    when: Expr | None = None
    outcomes: list[Outcome] = Field(default_factory=list)
    grants_approval: bool = Field(
        default=False, description="立项: a positive decision at this stage approves the project"
    )


class DocumentRule(_Rule):
    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    name: str
    stage: str
    when: Expr | None = None
    required: bool = True
    by: list[CanonicalRole] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list, description="mandatory content / checklist")
    fact: DocumentFact | None = Field(
        default=None, description="boolean fact that an uploaded file for this requirement establishes"
    )
    accept: list[FileKind] = Field(
        default_factory=list,
        description="formats accepted for this material (empty: every format GovIT keeps)",
    )
    max_mb: int | None = Field(
        default=None,
        ge=1,
        le=2048,
        description="largest file for this material in MB (default: the site's limit)",
    )


class FindingRule(_Rule):
    severity: Severity
    effects: list[EffectCode] = Field(min_length=1)
    stage: str | None = None
    when: Expr
    message: str


class ValidationRule(_Rule):
    field: str = Field(description="facts path or form field the constraint is about")
    severity: Severity = "hard"
    when: Expr | None = None
    check: Expr
    message: str


class Period(_Model):
    kind: Literal[
        "calendar_days",
        "months",
        "working_days",
        "fixed_date",
        "recurring",
        "validity",
        "set_by_issuer",
        "min_duration",
        "max_duration",
    ]
    amount: int | None = None
    unit: Literal["days", "months", "years", "working_days"] | None = None
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | Literal["last"] | None = None
    from_month: int | None = Field(default=None, ge=1, le=12)
    from_day: int | None = Field(default=None, ge=1, le=31)
    every: Literal["monthly", "yearly", "periodic"] | None = None
    year_offset: int = 0
    holiday_extension: bool | None = None

    @model_validator(mode="after")
    def _shape(self) -> Period:
        k = self.kind
        if k in ("calendar_days", "months", "working_days") and self.amount is None:
            raise ValueError(f"period kind {k} needs amount")
        if k == "working_days" and (self.amount or 0) < 0:
            raise ValueError("working_days amount must be >= 0")
        if k in ("validity", "min_duration", "max_duration") and (self.amount is None or self.unit is None):
            raise ValueError(f"period kind {k} needs amount and unit")
        if k == "fixed_date" and (self.month is None or self.day is None):
            raise ValueError("fixed_date needs month and day (day may be 'last')")
        if k == "recurring":
            if self.every is None:
                raise ValueError("recurring needs every: monthly | yearly | periodic")
            if self.every == "monthly" and self.day is None:
                raise ValueError("recurring monthly needs day")
            if self.every == "yearly" and (self.month is None) != (self.day is None):
                raise ValueError("recurring yearly needs both month and day, or neither")
        if isinstance(self.day, int) and not 1 <= self.day <= 31:
            raise ValueError("day must be 1..31 or 'last'")
        return self


SanctionCode = Literal[
    "CRITICISM",  # 通报批评
    "FUNDS_DEFERRED",  # 暂缓安排建设或资金计划 / 投资计划
    "SUSPEND",  # 暂停项目建设
    "TERMINATE",  # 终止项目
    "DELIST",  # 下架
    "RETIRE",  # 强制淘汰
    "BAN",  # 取消下一年度申报资格
]
SANCTION_CODES: tuple[str, ...] = SanctionCode.__args__  # type: ignore[attr-defined]


class Sanction(_Model):
    """One measure a pack allows once a rectification deadline has passed unmet."""

    code: SanctionCode
    approval_by: CanonicalRole | None = Field(
        default=None, description="who must approve the measure before it takes effect (上城 ¶84: 分管领导)"
    )


class DeadlineRule(_Rule):
    """A time rule.

    ``trigger``: a ``dates`` field name, or ``annual`` (the year of ``closing_event`` if known, else the
    evaluation year), or ``plan_year`` (facts.plan_year). ``direction``: ``by`` = the closing event must
    happen on/before ``due``; ``not_before`` = it may only happen after the minimum period has run.
    """

    name: str
    trigger: str
    period: Period
    direction: Literal["by", "not_before"] = "by"
    closing_event: str | None = None
    when: Expr | None = None
    severity: Severity = "hard"
    consequence: str
    by: list[CanonicalRole] = Field(
        default_factory=lambda: list[CanonicalRole](["PROJECT_UNIT"]),
        min_length=1,
        description="who must act by the due date (the first is the responsible party)",
    )
    remind_working_days: int | None = Field(
        default=None, ge=0, le=60, description="reminder lead time for this deadline (default: the pack's)"
    )
    on_overdue: Literal["propose_cancellation", "propose_rectification"] | None = Field(
        default=None,
        description="what the system does once the deadline is overdue: propose to the bureau that the "
        "approval be cancelled or the funds recovered, or that a rectification order (限期整改) be issued",
    )
    rectification: bool = Field(
        default=False,
        description="a 限期整改 deadline: a rectification order issued under this rule takes its due date "
        "from it (set by the issuer, or computed from the trigger)",
    )
    sanctions: list[Sanction] = Field(
        default_factory=list,
        description="measures the competent bureau may take once a rectification under this rule is overdue",
    )
    text: str = Field(description="the rule in words (shown when no due date can be computed)")


class FormField(_Model):
    key: str = Field(pattern=IDENT)
    label: str
    type: Literal[
        "int",
        "text",
        "longtext",
        "money_wan",
        "money_yuan",
        "date",
        "month_range",
        "phone",
        "email",
        "org_ref",
        "bool",
        "file",
        "choice",
    ]
    required: bool = False
    max_chars: int | None = None
    pattern: str | None = None
    computed: str | None = Field(default=None, description="e.g. sum(fiscal, bank_loan, self, other)")
    fact: str | None = Field(default=None, description="facts path this field maps to")
    choices: list[str] = Field(default_factory=list)
    note: str | None = None
    expires: bool = Field(
        default=False,
        description="a date field giving the end of the evidence's validity (有效期至): evidence that has "
        "expired by the application date does not count",
    )
    blocking: list[str] = Field(
        default_factory=list,
        description="choice values that mean the evidence does not meet the requirement (e.g. 不符合)",
    )

    @model_validator(mode="after")
    def _evidence_shape(self) -> FormField:
        if self.expires and self.type != "date":
            raise ValueError(f"field {self.key}: only a date field can be the end of a validity (expires)")
        unknown = [v for v in self.blocking if v not in self.choices]
        if unknown:
            raise ValueError(f"field {self.key}: blocking values {unknown} are not among its choices")
        return self


FormPurpose = Literal[
    "payment_report",
    "termination",
    "filing",
    "acceptance_evidence",
    "acceptance_failure",
    "initial_acceptance",
    "evaluation",
]


class Form(_Rule):
    name: str
    kind: Literal["form", "table", "checklist"] = "form"
    stage: str | None = None
    purpose: FormPurpose | None = Field(
        default=None,
        description="what the system uses the form for beyond its stage: filled before each payment "
        "(资金支付报备单), the cases a termination may cite, the content of a filing (备案) that "
        "discharges the deadlines in `fulfils`, one item of the 竣工验收 evidence (acceptance_evidence), "
        "the cases a failed acceptance may cite (acceptance_failure), what the 初验 checks "
        "(initial_acceptance), or the report of a self- or performance evaluation (evaluation)",
    )
    confirm_by: CanonicalRole | None = Field(
        default=None,
        description="acceptance evidence another body must confirm before the application is made (章贡: "
        "区委保密和机要局 confirms 安全可靠 and 密评); its users are found by the role's local names in meta.roles",
    )
    when: Expr | None = Field(
        default=None,
        description="the form applies only when this holds (e.g. one filing form per project type)",
    )
    fulfils: list[str] = Field(
        default_factory=list,
        description="deadline ids a filing made with this form discharges (purpose: filing)",
    )
    fields: list[FormField] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list, description="checklist items (kind=checklist)")
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_keys(self) -> Form:
        keys = [f.key for f in self.fields]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"duplicate form field keys: {dupes}")
        return self


class ScoringCriterion(_Model):
    code: str = Field(pattern=IDENT)
    name: str
    weight: int = Field(gt=0, le=100)
    description: str | None = None


class ScoringTable(_Rule):
    name: str
    stage: str | None = None
    purpose: Literal["review", "evaluation"] = Field(
        default="review",
        description="scores a declaration under review, or a project's performance evaluation",
    )
    criteria: list[ScoringCriterion] = Field(min_length=1)
    pass_mark: int | None = None

    @model_validator(mode="after")
    def _sum_100(self) -> ScoringTable:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"scoring weights sum to {total}, not 100")
        return self


SimilaritySection = Literal["name", "objectives", "content", "functions", "tech_route", "data_resources"]
SIMILARITY_SECTIONS: tuple[str, ...] = SimilaritySection.__args__  # type: ignore[attr-defined]


class SimilarityRules(_Model):
    """查重: how a declaration is compared with other projects and with systems in operation. The scores
    become facts (``similarity.*``); the pack's findings turn them into objections with articles."""

    cite: Cite
    catalogue: list[str] = Field(default_factory=list)
    weights: dict[SimilaritySection, float] = Field(
        description="weight of each section in the combined score (sections empty on either side are left out)"
    )
    duplicate_score: float = Field(gt=0, le=1, description="疑似重复: combined score at or above this line")
    similar_score: float = Field(
        gt=0, le=1, description="相似: the line for split declarations and 在建相似项目"
    )
    split_lines_yuan: list[int] = Field(
        default_factory=list,
        description="拆分申报: amount lines (元) that similar declarations of one unit may not straddle — each part "
        "below a line while their sum reaches it",
    )
    split_window: Literal["round", "year"] | int = Field(
        default="round",
        description="which declarations count together: the same 申报批次, the same plan year, or a number of days",
    )

    @model_validator(mode="after")
    def _weights(self) -> SimilarityRules:
        total = sum(self.weights.values())
        if abs(total - 1) > 1e-6 or any(w < 0 for w in self.weights.values()):
            raise ValueError(f"similarity weights are non-negative and sum to 1, not {total:g}")
        if self.similar_score > self.duplicate_score:
            raise ValueError("similar_score must not exceed duplicate_score")
        return self


class NotEncodable(_Model):
    catalogue: str
    reason: str


class Pack(_Model):
    meta: Meta
    defs: dict[Annotated[str, Field(pattern=IDENT)], Expr] = Field(default_factory=dict)
    scope: list[ScopeRule] = Field(default_factory=list)
    thresholds: list[ThresholdRule] = Field(default_factory=list)
    route: list[StageRule] = Field(default_factory=list)
    documents: list[DocumentRule] = Field(default_factory=list)
    findings: list[FindingRule] = Field(default_factory=list)
    validations: list[ValidationRule] = Field(default_factory=list)
    deadlines: list[DeadlineRule] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    scoring: list[ScoringTable] = Field(default_factory=list)
    similarity: SimilarityRules | None = None
    not_encodable: list[NotEncodable] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list, description="parent rule ids to drop (with extends)")

    RULE_KINDS: ClassVar[tuple[str, ...]] = (
        "scope",
        "thresholds",
        "route",
        "documents",
        "findings",
        "validations",
        "deadlines",
        "forms",
        "scoring",
    )

    def all_rules(self) -> list[tuple[str, _Rule]]:
        out: list[tuple[str, _Rule]] = []
        for kind in self.RULE_KINDS:
            for rule in getattr(self, kind):
                out.append((kind, rule))
        return out
