from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.accounts.models import Jurisdiction, Organisation
from govit.obligations.choices import ObligationState, ReminderKind
from govit.projects.models import Project


class Obligation(models.Model):
    """期限事项 — one of the pack's deadlines as it applies to a project: who must act, by when, and where it
    stands. Created and recomputed whenever the project changes; moved on by date by the scan."""

    project = models.ForeignKey(
        Project,
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="obligations",
        db_index=False,  # uniq_obligation_due leads with it
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="行政区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # obligation_jur_state leads with it
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="obligations",
        db_index=False,  # obligation_org_state leads with it
    )
    role = models.CharField("责任方", max_length=40)
    rule_id = models.CharField("期限规则", max_length=80)
    name = models.CharField("事项", max_length=200)
    cite = models.CharField("依据", max_length=300, blank=True)
    consequence = models.CharField("逾期后果", max_length=300, blank=True)
    on_overdue = models.CharField("逾期后处理", max_length=40, blank=True)
    recurring = models.BooleanField("周期性", default=False)
    rolled = models.BooleanField("已生成下一期", default=False, help_text="周期性事项：下一期是否已生成")
    trigger_on = models.DateField("起算日期", null=True, blank=True)
    due_on = models.DateField("应办日期")
    remind_on = models.DateField("提醒日期")
    state = models.CharField("状态", max_length=16, choices=ObligationState.choices)
    closed_on = models.DateField("完成日期", null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="豁免人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,  # read only with its obligation; users are never deleted
    )
    waived_at = models.DateTimeField("豁免时间", null=True, blank=True)
    waive_reason = models.TextField("豁免理由", blank=True)
    next_check_on = models.DateField("下次检查日期", null=True, blank=True)
    escalation = models.PositiveSmallIntegerField("催办级别", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "期限事项"
        verbose_name_plural = "期限事项"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "rule_id", "due_on"], name="uniq_obligation_due"),
        ]
        indexes = [
            models.Index(fields=["next_check_on", "state"], name="obligation_scan"),
            models.Index(fields=["organisation", "state"], name="obligation_org_state"),
            models.Index(fields=["jurisdiction", "state"], name="obligation_jur_state"),
            models.Index(
                fields=["due_on"], name="obligation_to_roll", condition=models.Q(recurring=True, rolled=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.name} {self.due_on}"


class Reminder(models.Model):
    """A reminder sent about an obligation — at most one of each kind, so a scan run twice sends nothing
    twice."""

    obligation = models.ForeignKey(
        Obligation,
        verbose_name="期限事项",
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,  # uniq_reminder_kind leads with it
    )
    kind = models.CharField("类型", max_length=24, choices=ReminderKind.choices)
    sent_at = models.DateTimeField("发送时间")
    recipients = models.PositiveIntegerField("接收人数", default=0)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        constraints = [models.UniqueConstraint(fields=["obligation", "kind"], name="uniq_reminder_kind")]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.kind}"


class IssuerDueDate(models.Model):
    """限期 — the due date an issuing bureau sets for a deadline of kind "set by issuer" (金乡 DL-38 变更
    情况及时备案, 章贡 DL-25 限期整改 …); it reaches the engine as ``issuer_due_dates``."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="issuer_due_dates"
    )
    rule_id = models.CharField("期限规则", max_length=80)
    due_on = models.DateField("限期")
    note = models.CharField("说明", max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设定人", on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField("设定时间")

    class Meta:
        verbose_name = "限期"
        verbose_name_plural = "限期"
        constraints = [models.UniqueConstraint(fields=["project", "rule_id"], name="uniq_issuer_due")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.rule_id} {self.due_on}"


class Webhook(models.Model):
    """外发通知 — an organisation's endpoint (e.g. a 浙政钉 / 山东通 / 赣政通 robot behind a relay) that receives
    its reminders as signed JSON."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField("接收地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=128)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "外发通知地址"
        verbose_name_plural = "外发通知地址"
        ordering = ["organisation_id", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"


class WebhookDelivery(models.Model):
    """One message to a webhook, retried with back-off until it is answered with 2xx or given up."""

    webhook = models.ForeignKey(
        Webhook, verbose_name="接收地址", on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField("事件", max_length=40)
    payload = models.JSONField("内容")
    state = models.CharField(
        "状态",
        max_length=16,
        choices=[("pending", "待发送"), ("delivered", "已送达"), ("failed", "发送失败")],
        default="pending",
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", db_index=True)
    last_status = models.PositiveSmallIntegerField("最近响应码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "外发通知记录"
        verbose_name_plural = "外发通知记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.event} {self.state}"
