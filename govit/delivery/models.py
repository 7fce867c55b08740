from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.delivery.choices import (
    ChangeStatus,
    ContractKind,
    IncidentKind,
    ProcurementLot,
    ProcurementMethod,
    ProcurementRoute,
    TerminationStatus,
)
from govit.projects.choices import Status
from govit.projects.models import Project


class Procurement(models.Model):
    """采购 — how the project bought its work and from whom: one record for the project itself and, where
    the 监理 is tendered on its own, one for the 监理."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="procurements"
    )
    lot = models.CharField(
        "采购标的", max_length=16, choices=ProcurementLot.choices, default=ProcurementLot.MAIN
    )
    route = models.CharField("采购途径", max_length=24, choices=ProcurementRoute.choices)
    method = models.CharField("采购方式", max_length=24, choices=ProcurementMethod.choices)
    tender_on = models.DateField("开标（采购）日期")
    award_notice_on = models.DateField("中标（成交）通知书日期")
    supplier_name = models.CharField("中标（成交）供应商", max_length=100)
    control_price_yuan = models.PositiveBigIntegerField("预算控制价（元）", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "采购"
        verbose_name_plural = "采购"
        ordering = ["lot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "lot"], name="uniq_procurement_per_lot"),
            models.CheckConstraint(
                condition=models.Q(award_notice_on__gte=models.F("tender_on")), name="award_after_tender"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.supplier_name}"


class Contract(models.Model):
    """合同 — registered with its terms and the mandatory clauses the pack checks."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="contracts"
    )
    kind = models.CharField(
        "合同类型", max_length=16, choices=ContractKind.choices, default=ContractKind.MAIN
    )
    number = models.CharField("合同编号", max_length=80)
    supplier_name = models.CharField("乙方（供应商）", max_length=100)
    signed_on = models.DateField("签订日期")
    amount_yuan = models.PositiveBigIntegerField("合同金额（元）")
    implementation_months = models.PositiveSmallIntegerField("实施周期（月）")
    warranty_months = models.PositiveSmallIntegerField("质保期 / 维保期（月）")
    free_om_months = models.PositiveSmallIntegerField("免费运维期（月）", null=True, blank=True)
    service_months = models.PositiveSmallIntegerField("服务期（月）", null=True, blank=True)
    clauses = models.JSONField("合同条款", default=dict, blank=True, help_text="{条款: 是否包含}")
    reasons = models.JSONField(
        "原则性要求未满足的说明", default=dict, blank=True, help_text="{规则编号: 说明}"
    )
    payment_plan = models.JSONField(
        "分期付款计划",
        default=list,
        blank=True,
        help_text='[{"milestone": 支付节点, "percent": "比例%"}]，合计 100%',
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "合同"
        verbose_name_plural = "合同"
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_contract_number"),
            models.CheckConstraint(condition=models.Q(amount_yuan__gt=0), name="contract_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.supplier_name}"


class Payment(models.Model):
    """资金支付 — one payment under a contract; never more than the contract leaves."""

    contract = models.ForeignKey(
        Contract, verbose_name="合同", on_delete=models.CASCADE, related_name="payments"
    )
    paid_on = models.DateField("支付日期")
    amount_yuan = models.PositiveBigIntegerField("支付金额（元）")
    milestone = models.CharField("支付节点", max_length=100)
    report = models.JSONField("资金支付报备单", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "资金支付"
        verbose_name_plural = "资金支付"
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_yuan__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.amount_yuan}"


class _Decided(models.Model):
    """The bureau's handling of a request: who, when, with what opinion."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decision_note = models.TextField("办理意见", blank=True)

    class Meta:
        abstract = True


class ChangeRequest(_Decided):
    """变更 — a change against the approved baseline, routed as the project's pack says (上城 ¶75–76: 核减
    ≤ 15% 内控 + 备案, > 15% 申请 + 专家论证, 超出立项预算 重新申报)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="change_requests"
    )
    kinds = models.JSONField("变更事项", default=list)
    description = models.TextField("变更内容及理由")
    baseline_yuan = models.PositiveBigIntegerField("变更前批复投资（元）")
    new_total_yuan = models.PositiveBigIntegerField("变更后投资（元）")
    reduction_pct = models.DecimalField("核减比例（%）", max_digits=7, decimal_places=4)
    route_stage_id = models.CharField("办理环节", max_length=80, blank=True)
    route_stage_name = models.CharField("办理方式", max_length=200)
    cite = models.CharField("依据", max_length=300, blank=True)
    required_documents = models.JSONField("须提交的材料", default=list, blank=True)
    needs_reapproval = models.BooleanField(
        "须重新履行审批手续", default=False, help_text="办理环节由项目审批部门参与（金乡 第三十三条）"
    )
    reapproval_number = models.CharField("调整批复文号", max_length=80, blank=True)
    reapproved_on = models.DateField("调整批复日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("申请时间")

    class Meta:
        verbose_name = "变更"
        verbose_name_plural = "变更"
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} 变更 #{self.pk}"


class Filing(models.Model):
    """备案 / 报送 — the record that discharges one of the pack's deadlines that has no closing event of its
    own (金乡 DL-30 合同备案, 上城 DL-44 合同文件备案, 石嘴山 DL-10 全口径备案 …)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="filings"
    )
    rule_id = models.CharField("期限规则", max_length=80)
    title = models.CharField("备案事项", max_length=200)
    cite = models.CharField("依据", max_length=300, blank=True)
    due_on = models.DateField("应办日期", null=True, blank=True)
    filed_on = models.DateField("备案（报送）日期")
    content = models.TextField("备案说明", blank=True)
    form_id = models.CharField(
        "备案表", max_length=80, blank=True, help_text="政策包中 purpose: filing 的表单"
    )
    data = models.JSONField("备案表内容", default=dict, blank=True, help_text="{栏目: 值}，含取自项目的栏目")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("登记时间")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledgements = models.JSONField(
        "逐级确认", default=list, blank=True, help_text="[{行政区划, 确认人, 时间}]，按备案链自下而上"
    )

    class Meta:
        verbose_name = "备案"
        verbose_name_plural = "备案"
        ordering = ["filed_on", "id"]
        constraints = [
            # a deadline that comes back (备案更新 after each change) is filed once per due date
            models.UniqueConstraint(fields=["project", "rule_id", "due_on"], name="uniq_filing_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.title}"


class ProgressReport(models.Model):
    """月度建设进度 — percent complete, money spent so far and issues, one per project and month."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.CharField("报告月份", max_length=7, help_text="YYYY-MM")
    percent_complete = models.PositiveSmallIntegerField("累计完成比例（%）")
    spent_yuan = models.PositiveBigIntegerField("累计完成投资（元）")
    issues = models.TextField("存在问题及下步计划", blank=True)
    reported_on = models.DateField("报送日期")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "月度进度"
        verbose_name_plural = "月度进度"
        ordering = ["period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="uniq_progress_per_month"),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="progress_percent_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period}"


class Termination(_Decided):
    """撤销 / 终止建设 — asked by the unit with the pack's reasons, or proposed by a pack clock (上城 ¶53 6 个月
    未完成采购, 章贡 半年未开工) and confirmed by the bureau."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="terminations"
    )
    reasons = models.JSONField("情形", default=list, blank=True)
    explanation = models.TextField("原因、建设进度及资金支付情况说明")
    rule_id = models.CharField("依据期限规则", max_length=80, blank=True)
    approvals = models.JSONField(
        "内部决策和领导批示", default=dict, blank=True, help_text="政策包撤销/终止审批表的内容（上城 ¶67）"
    )
    budgeted_yuan = models.PositiveBigIntegerField("申请时已安排预算（元）", default=0)
    paid_yuan = models.PositiveBigIntegerField("申请时已支付（元）", default=0)
    status = models.CharField(
        "状态", max_length=16, choices=TerminationStatus.choices, default=TerminationStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("提出时间")

    class Meta:
        verbose_name = "撤销终止"
        verbose_name_plural = "撤销终止"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_status_display()}"


class Suspension(models.Model):
    """暂停建设 — ordered by the bureau with its reason and basis (章贡 第三十六条、金乡 第四十一条 逾期不整改的
    暂停项目建设); nothing is recorded for the project until it is lifted, when it returns to where it was."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.TextField("暂停原因")
    basis = models.CharField("依据", max_length=300)
    previous_status = models.CharField("暂停前状态", max_length=20, choices=Status.choices)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField("暂停时间")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="恢复人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lifted_at = models.DateTimeField("恢复时间", null=True, blank=True)
    lift_note = models.TextField("恢复建设意见", blank=True)

    class Meta:
        verbose_name = "暂停建设"
        verbose_name_plural = "暂停建设"
        ordering = ["ordered_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} 暂停 {self.ordered_at:%Y-%m-%d}"


class Incident(models.Model):
    """重大事项报告 (章贡 第二十三条): 工期滞后、安全事件、严重超支 reported to the bureau and finance."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="incidents"
    )
    kind = models.CharField("事项类型", max_length=16, choices=IncidentKind.choices)
    occurred_on = models.DateField("发生日期")
    description = models.TextField("情况说明")
    measures = models.TextField("已采取的措施", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报告时间")

    class Meta:
        verbose_name = "重大事项报告"
        verbose_name_plural = "重大事项报告"
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"


class BudgetArrangement(models.Model):
    """预算安排 — money for the project in one budget year, by funding source, for a project in the library
    (金乡 第二十二条: 从项目库选择项目编报预算)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField("预算年度")
    amount_yuan = models.PositiveBigIntegerField("安排金额（元）")
    funding = models.JSONField("资金来源（元）", default=dict)
    document_number = models.CharField("预算批复文号", max_length=80)
    approved_on = models.DateField("批复日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "预算安排"
        verbose_name_plural = "预算安排"
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="uniq_budget_per_year"),
            models.CheckConstraint(condition=models.Q(amount_yuan__gt=0), name="budget_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class Settlement(models.Model):
    """资金结算 — what the project finally cost and the leftover funds returned."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="settlement"
    )
    settled_on = models.DateField("结算日期")
    budgeted_yuan = models.PositiveBigIntegerField("已安排预算（元）")
    paid_yuan = models.PositiveBigIntegerField("实际支付（元）")
    returned_yuan = models.PositiveBigIntegerField("退回结余资金（元）")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "资金结算"
        verbose_name_plural = "资金结算"

    def __str__(self) -> str:
        return f"{self.project} 结算"
