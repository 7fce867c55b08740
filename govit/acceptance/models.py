"""验收、整改与运行评价: 初验 and its panel, the trial run, the 竣工验收 application with its evidence (each item a
record of the pack's form, confirmed by another bureau where the pack says), 延期验收, rectification orders
(限期整改) and the sanctions a pack allows when they run out, and the evaluations of a system in use."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.acceptance.choices import (
    ApplicationStatus,
    Conclusion,
    EvaluationKind,
    ExtensionStatus,
    OrderSource,
    OrderStatus,
    PanelField,
    ReportSource,
    ResourceKind,
    SanctionCode,
    SanctionStatus,
    ShareMode,
)
from govit.accounts.models import Organisation
from govit.projects.models import Project

_USER = settings.AUTH_USER_MODEL


class InitialAcceptance(models.Model):
    """初验 — organised by the unit with an expert panel, checked against the approved goals, the approved
    content and the contract."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="initial_acceptances"
    )
    held_on = models.DateField("初验日期")
    goals_met = models.BooleanField("符合批复的建设目标")
    scope_met = models.BooleanField("完成批复的建设内容")
    contract_met = models.BooleanField("符合合同约定")
    checks = models.JSONField("政策包初验清单", default=list, blank=True)
    conclusion = models.CharField("初验结论", max_length=8, choices=Conclusion.choices)
    opinion = models.TextField("专家组意见")
    recorded_by = models.ForeignKey(_USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "初步验收"
        verbose_name_plural = "初步验收"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · 初验 {self.held_on}"


class PanelMember(models.Model):
    initial_acceptance = models.ForeignKey(
        InitialAcceptance, verbose_name="初验", on_delete=models.CASCADE, related_name="panel"
    )
    name = models.CharField("姓名", max_length=40)
    field = models.CharField("专业领域", max_length=16, choices=PanelField.choices)
    employer = models.CharField("工作单位", max_length=100)

    class Meta:
        verbose_name = "验收专家"
        verbose_name_plural = "验收专家"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TrialRun(models.Model):
    """试运行 — from the day after 初验 until the unit ends it with a report."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="trial_runs"
    )
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    report_source = models.CharField("试运行报告", max_length=12, choices=ReportSource.choices, blank=True)
    report = models.TextField("试运行报告内容", blank=True)
    recorded_by = models.ForeignKey(_USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "试运行"
        verbose_name_plural = "试运行"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="trial_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · 试运行 {self.started_on}"


class UsageRecord(models.Model):
    """One day of recorded use during a trial run; the system-generated trial-run report sums them."""

    trial_run = models.ForeignKey(
        TrialRun, verbose_name="试运行", on_delete=models.CASCADE, related_name="usage"
    )
    day = models.DateField("日期")
    active_users = models.PositiveIntegerField("活跃用户数")
    visits = models.PositiveIntegerField("访问量")
    faults = models.PositiveIntegerField("故障次数", default=0)

    class Meta:
        verbose_name = "运行记录"
        verbose_name_plural = "运行记录"
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["trial_run", "day"], name="uniq_usage_day")]

    def __str__(self) -> str:
        return f"{self.trial_run} · {self.day}"


class AcceptanceApplication(models.Model):
    """竣工验收申请 — the pack's evidence, then the bureau's conclusion."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="acceptance_applications"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    evidence = models.JSONField("验收材料", default=dict, blank=True, help_text="{表单编号: {栏目: 值}}")
    applied_on = models.DateField("申请日期", null=True, blank=True)
    submitted_by = models.ForeignKey(
        _USER, verbose_name="申请人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("验收日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        _USER, verbose_name="验收登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField("不通过情形", default=list, blank=True)
    opinion = models.TextField("验收意见", blank=True)
    created_by = models.ForeignKey(_USER, verbose_name="创建人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "竣工验收申请"
        verbose_name_plural = "竣工验收申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · 竣工验收申请"


class EvidenceConfirmation(models.Model):
    """Another bureau's confirmation of one evidence item (章贡 第二十五条(一): 保密和机要局 confirms 安全可靠
    and 密评, the data authority confirms sharing)."""

    application = models.ForeignKey(
        AcceptanceApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="confirmations"
    )
    form_id = models.CharField("材料", max_length=80)
    organisation = models.ForeignKey(Organisation, verbose_name="确认单位", on_delete=models.PROTECT)
    confirmed = models.BooleanField("确认")
    note = models.TextField("意见")
    confirmed_by = models.ForeignKey(_USER, verbose_name="确认人", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间")

    class Meta:
        verbose_name = "材料确认"
        verbose_name_plural = "材料确认"
        constraints = [
            models.UniqueConstraint(fields=["application", "form_id"], name="uniq_confirmation_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.form_id}"


class AcceptanceExtension(models.Model):
    """延期验收申请 — made before the contractual acceptance date."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="acceptance_extensions"
    )
    requested_on = models.DateField("申请日期")
    new_due_on = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    status = models.CharField(
        "状态", max_length=12, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )
    requested_by = models.ForeignKey(_USER, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        _USER, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "延期验收申请"
        verbose_name_plural = "延期验收申请"
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · 延期验收至 {self.new_due_on}"


class RectificationOrder(models.Model):
    """限期整改通知 — finding, article, owner unit, due date → evidence → re-check → closed; once overdue the
    pack's sanctions may follow."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="rectification_orders"
    )
    source = models.CharField("来源", max_length=16, choices=OrderSource.choices)
    rule_id = models.CharField("期限规则", max_length=80, blank=True)
    finding = models.TextField("问题")
    basis = models.CharField("依据", max_length=300)
    owner_unit = models.ForeignKey(
        Organisation, verbose_name="整改责任单位", on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(
        Organisation, verbose_name="下达单位", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("下达日期")
    due_on = models.DateField("整改期限")
    status = models.CharField("状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    evidence = models.TextField("整改情况", blank=True)
    evidence_on = models.DateField("报送日期", null=True, blank=True)
    recheck_note = models.TextField("复核意见", blank=True)
    closed_on = models.DateField("整改完成日期", null=True, blank=True)
    application = models.ForeignKey(
        AcceptanceApplication,
        verbose_name="验收申请",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    issued_by = models.ForeignKey(_USER, verbose_name="下达人", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("下达时间")

    class Meta:
        verbose_name = "限期整改"
        verbose_name_plural = "限期整改"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · 限期整改 {self.due_on}"


class Sanction(models.Model):
    """A measure the pack allows once a rectification is overdue (通报批评、暂缓安排资金、暂停建设、终止项目、下架、
    强制淘汰), taken by the bureau; where the pack names an approver, effective only once approved."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="sanctions"
    )
    order = models.ForeignKey(
        RectificationOrder, verbose_name="整改通知", on_delete=models.PROTECT, related_name="sanctions"
    )
    code = models.CharField("处理措施", max_length=16, choices=SanctionCode.choices)
    reason = models.TextField("理由")
    status = models.CharField("状态", max_length=12, choices=SanctionStatus.choices)
    approval_role = models.CharField("审批", max_length=24, blank=True)
    proposed_by = models.ForeignKey(_USER, verbose_name="提出人", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField("提出时间")
    decided_by = models.ForeignKey(
        _USER, verbose_name="审批人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "处理措施"
        verbose_name_plural = "处理措施"
        ordering = ["-proposed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["order", "code"], name="uniq_sanction_per_order")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_code_display()}"


class Evaluation(models.Model):
    """自评价 / 绩效评价 of a system in use, with the pack's indicators (weighted scores) or report form."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="evaluations"
    )
    kind = models.CharField("类型", max_length=12, choices=EvaluationKind.choices)
    year = models.PositiveSmallIntegerField("评价年度")
    rule_id = models.CharField("评价依据", max_length=80)
    scores = models.JSONField("指标得分", default=dict, blank=True, help_text="{指标: 得分 0-100}")
    total = models.DecimalField("加权总分", max_digits=5, decimal_places=2, null=True, blank=True)
    data = models.JSONField("报告内容", default=dict, blank=True)
    conclusion = models.CharField("评价结论", max_length=40)
    evaluated_on = models.DateField("评价日期")
    recorded_by = models.ForeignKey(_USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "year"], name="uniq_evaluation_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.year} {self.get_kind_display()}"


class DataResource(models.Model):
    """A project's 信息资源目录 entry or an item of its 数据“三清单”, with how it is shared."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="data_resources"
    )
    kind = models.CharField("类别", max_length=16, choices=ResourceKind.choices)
    name = models.CharField("资源（事项）名称", max_length=100)
    description = models.TextField("信息项 / 说明")
    share_mode = models.CharField("共享方式", max_length=16, choices=ShareMode.choices)
    shared_on = models.DateField("挂接共享平台日期", null=True, blank=True)
    recorded_by = models.ForeignKey(_USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "数据资源"
        verbose_name_plural = "数据资源"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "name"], name="uniq_data_resource_name")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"


class SharingCheck(models.Model):
    """数据共享核查 by the data authority: whether the project shares its data as required (章贡 第二十五条,
    上城 ¶87, 舒城 第八条); the latest check is the fact ``data_sharing_compliant``."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="sharing_checks"
    )
    compliant = models.BooleanField("按规定共享")
    note = models.TextField("核查意见")
    checked_on = models.DateField("核查日期")
    checked_by = models.ForeignKey(_USER, verbose_name="核查人", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "数据共享核查"
        verbose_name_plural = "数据共享核查"
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · 共享核查 {self.checked_on}"
