from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from govit.accounts.models import Jurisdiction, Organisation
from govit.projects.choices import (
    COST_HEADS,
    EARMARKS,
    FundingSource,
    Nature,
    ProcurementCategory,
    Secrecy,
    Status,
)


def _amount(label: str) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(f"{label}（元）", default=0)


class DeclarationRound(models.Model):
    """申报批次 — a jurisdiction's call for one plan year's projects: its window, or rolling intake (常态化受理)
    when it has no closing date."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="declaration_rounds"
    )
    year = models.PositiveSmallIntegerField("计划年度")
    name = models.CharField("批次名称", max_length=100)
    opens_on = models.DateField("开始受理日期")
    closes_on = models.DateField("申报截止日期", null=True, blank=True, help_text="不填为常态化受理")
    notice = models.CharField("申报通知（文号）", max_length=120, blank=True)
    basis = models.CharField("依据", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        ordering = ["-year", "jurisdiction__code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="uniq_round_per_year"),
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts(self, day: dt.date) -> bool:
        """Whether a declaration on ``day`` is within the window."""
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)

    @property
    def is_rolling(self) -> bool:
        return self.closes_on is None


class Project(models.Model):
    """项目 — one government IT project, from its declaration onwards."""

    name = models.CharField("项目名称", max_length=100)
    year = models.PositiveSmallIntegerField("申报年度", db_index=True)
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT)
    lead_unit = models.ForeignKey(
        Organisation, verbose_name="建设单位", on_delete=models.PROTECT, related_name="led_projects"
    )
    co_units = models.ManyToManyField(
        Organisation, verbose_name="共建单位", blank=True, related_name="co_built_projects"
    )
    nature = models.CharField("建设性质", max_length=24, choices=Nature.choices)
    procurement_category = models.CharField("采购类别", max_length=16, choices=ProcurementCategory.choices)
    secrecy = models.CharField(
        "涉密属性", max_length=16, choices=Secrecy.choices, default=Secrecy.NON_CLASSIFIED
    )

    summary = models.TextField("项目简要说明及建设依据", blank=True)
    objectives = models.TextField("建设目标", blank=True)
    content = models.TextField("主要建设内容", blank=True)
    benefits = models.TextField("预期效益", blank=True)
    functions = models.TextField("主要功能", blank=True)
    tech_route = models.TextField("技术路线", blank=True)
    data_summary = models.TextField("数据资源", blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)

    cost_engineering = _amount("工程费")
    cost_equipment = _amount("设备购置费")
    cost_software = _amount("软件开发费")
    cost_services = _amount("服务费")
    cost_testing = _amount("测评费")
    cost_supervision = _amount("监理费")
    cost_other = _amount("其他费用")
    cost_contingency = _amount("预备费")
    cost_om = _amount("运维费")
    cost_security = _amount("其中：网络安全投入")
    cost_crypto = _amount("其中：密码应用投入")
    total_yuan = models.PositiveBigIntegerField("总投资（元）", default=0, db_index=True)

    fund_fiscal = _amount(FundingSource.FISCAL.label)
    fund_upper = _amount(FundingSource.UPPER.label)
    fund_bond = _amount(FundingSource.BOND.label)
    fund_self = _amount(FundingSource.SELF.label)
    fund_social = _amount(FundingSource.SOCIAL.label)
    fund_other = _amount(FundingSource.OTHER.label)

    buys_server_hardware = models.BooleanField("购置服务器等硬件", default=False)
    deploys_on_gov_cloud = models.BooleanField("部署在政务云", default=False)
    has_data_catalog = models.BooleanField("已编制数据资源目录", default=False)

    status = models.CharField(
        "状态", max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    current_stage = models.CharField("当前环节", max_length=60, blank=True)
    pack_code = models.CharField("政策包", max_length=40, blank=True)
    pack_version = models.CharField("政策包版本", max_length=40, blank=True)
    version = models.PositiveIntegerField("版本号", default=1)
    request_key = models.CharField(
        "提交标识",
        max_length=36,
        blank=True,
        help_text="新建表单的一次性标识：重复提交同一表单不会建出第二个项目",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("申报时间", null=True, blank=True)
    declaration_round = models.ForeignKey(
        DeclarationRound,
        verbose_name="申报批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    off_window = models.BooleanField("窗口外申报（增补项目 / 专题请示）", default=False)
    off_window_reason = models.TextField("窗口外申报理由", blank=True)
    form_data = models.JSONField(
        "申报表数据",
        default=dict,
        blank=True,
        help_text="政策包规定的申报表中项目信息以外的栏目：{表编号: {栏目: 值}}",
    )

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "status"]),
            models.Index(fields=["lead_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_yuan__lte=10**12), name="project_total_within_limit"
            ),
            models.UniqueConstraint(
                fields=["created_by", "request_key"],
                condition=~models.Q(request_key=""),
                name="uniq_project_request_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def cost(self, head: str) -> int:
        return int(getattr(self, f"cost_{head}"))

    def computed_total(self) -> int:
        return sum(self.cost(code) for code, _label in COST_HEADS)

    def funding_total(self) -> int:
        return sum(int(getattr(self, f"fund_{code}")) for code in FundingSource.values)


# What a construction unit writes on its declaration besides the amounts (the form, the edit service and the
# edit page all read this list)
DECLARATION_FIELDS = (
    "name",
    "year",
    "nature",
    "procurement_category",
    "secrecy",
    "summary",
    "objectives",
    "content",
    "benefits",
    "functions",
    "tech_route",
    "data_summary",
    "contact_name",
    "contact_phone",
    "buys_server_hardware",
    "deploys_on_gov_cloud",
    "has_data_catalog",
)
COST_FIELDS = tuple(f"cost_{code}" for code, _ in COST_HEADS + EARMARKS)
FUNDING_FIELDS = tuple(f"fund_{code}" for code in FundingSource.values)


class ProjectTransition(models.Model):
    """状态变更记录 — one move of a project's status, who made it and why."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("原状态", max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=24, choices=Status.choices)
    stage = models.CharField("环节", max_length=60, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT)
    reason = models.TextField("说明", blank=True)
    pack_version = models.CharField("政策包版本", max_length=40, blank=True)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.from_status}→{self.to_status}"


class ExpertAssignment(models.Model):
    """专家指派 — an expert may see a project only while assigned to it."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="expert_assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="专家",
        on_delete=models.PROTECT,
        related_name="expert_assignments",
    )
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "专家指派"
        verbose_name_plural = "专家指派"
        constraints = [models.UniqueConstraint(fields=["project", "expert"], name="uniq_expert_assignment")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.project}"


class FindingOverride(models.Model):
    """原则性审查意见的豁免 — the competent bureau's reasoned decision to set a soft finding aside.

    Rows are never deleted: a revocation sets ``revoked_at`` so the history of who decided what stays."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="finding_overrides"
    )
    rule_id = models.CharField("规则编号", max_length=80)
    rule_message = models.CharField("审查意见", max_length=300)
    cite = models.CharField("依据", max_length=300)
    justification = models.TextField("豁免理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间")
    pack_version = models.CharField("政策包版本", max_length=40, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoke_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        verbose_name = "审查意见豁免"
        verbose_name_plural = "审查意见豁免"
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "rule_id"],
                condition=models.Q(revoked_at__isnull=True),
                name="uniq_active_finding_override",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.rule_id}"
