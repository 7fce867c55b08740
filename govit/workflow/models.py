from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.accounts.models import Organisation
from govit.projects.models import Project
from govit.workflow.choices import OpinionConclusion, Outcome


class StageDecision(models.Model):
    """环节结论 — what was decided at one stage of a project's route, by whom, why, in which round."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_decisions"
    )
    round = models.PositiveIntegerField("申报轮次")
    stage_id = models.CharField("环节编号", max_length=80)
    stage_name = models.CharField("环节", max_length=120)
    kind = models.CharField("环节类型", max_length=40)
    outcome = models.CharField("结论", max_length=20, choices=Outcome.choices)
    reason = models.TextField("意见", blank=True)
    due_date = models.DateField("修改期限", null=True, blank=True)
    data = models.JSONField("结论数据", default=dict, blank=True)
    cite = models.CharField("依据", max_length=300, blank=True)
    pack_version = models.CharField("政策包版本", max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "环节结论"
        verbose_name_plural = "环节结论"
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["actor", "-decided_at"], name="stage_decision_actor_latest")]  # 已办
        constraints = [
            models.UniqueConstraint(
                fields=["project", "round", "stage_id"], name="uniq_stage_decision_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.stage_name} {self.get_outcome_display()}"


class StageOpinion(models.Model):
    """评分 / 会审意见 — one reviewer's scores (scored review) or one member bureau's opinion (joint review)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_opinions"
    )
    round = models.PositiveIntegerField("申报轮次")
    stage_id = models.CharField("环节编号", max_length=80)
    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField("评分", default=dict, blank=True)
    total = models.PositiveIntegerField("总分", null=True, blank=True)
    conclusion = models.CharField("意见结论", max_length=24, choices=OpinionConclusion.choices, blank=True)
    opinion = models.TextField("意见")
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "审查意见"
        verbose_name_plural = "审查意见"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "-created_at"], name="stage_opinion_author_latest")]  # 已办
        constraints = [
            models.UniqueConstraint(
                fields=["project", "round", "stage_id", "author"], name="uniq_stage_opinion_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.stage_id}"


class ProjectApproval(models.Model):
    """立项 — the collective decision that approves the project, its number, budget and date."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="approval"
    )
    approval_number = models.CharField("立项文号", max_length=80, unique=True)
    approved_budget_yuan = models.PositiveBigIntegerField("批复投资（元）")
    approved_on = models.DateField("批复日期")
    decided_by_body = models.CharField("决策机构", max_length=120)
    stage_id = models.CharField("环节编号", max_length=80)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "立项批复"
        verbose_name_plural = "立项批复"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_budget_yuan__lte=10**12), name="approval_budget_limit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.approval_number}"
