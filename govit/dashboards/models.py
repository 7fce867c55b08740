"""统计分析汇总 — the dashboard's figures kept per 行政区划 and 申报年度, so a bureau's dashboard adds up hundreds of
rows instead of grouping every visible project. Each row counts only declared projects (not drafts), the ones a
bureau sees. The rows follow every audited change of a project inside its transaction (``summary``), and are
recomputed by ``dashboard_summary_rebuild`` after bulk work."""

from __future__ import annotations

from django.db import models

from govit.accounts.models import Jurisdiction, Organisation
from govit.projects.models import Project


class StatusCell(models.Model):
    """项目状态汇总 — the declared projects of one jurisdiction, year and status, with their amount bands."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField("申报年度")
    status = models.CharField("项目状态", max_length=30)
    n = models.PositiveIntegerField("项目数")
    yuan = models.PositiveBigIntegerField("总投资（元）")
    # one count and sum per band of ``choices.AMOUNT_BANDS``, in its order
    band0_n = models.PositiveIntegerField(default=0)
    band0_yuan = models.PositiveBigIntegerField(default=0)
    band1_n = models.PositiveIntegerField(default=0)
    band1_yuan = models.PositiveBigIntegerField(default=0)
    band2_n = models.PositiveIntegerField(default=0)
    band2_yuan = models.PositiveBigIntegerField(default=0)
    band3_n = models.PositiveIntegerField(default=0)
    band3_yuan = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "项目状态汇总"
        verbose_name_plural = "项目状态汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "status"], name="dashboard_status_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} · {self.year} · {self.status}"


class UnitCell(models.Model):
    """建设单位汇总 — the declared projects one unit leads in one jurisdiction and year, and their 立项 sums."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField("申报年度")
    lead_unit = models.ForeignKey(
        Organisation, verbose_name="建设单位", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    n = models.PositiveIntegerField("项目数")
    yuan = models.PositiveBigIntegerField("总投资（元）")
    approved_n = models.PositiveIntegerField("已立项项目数")
    requested_yuan = models.PositiveBigIntegerField("已立项项目的申报总投资（元）")
    approved_yuan = models.PositiveBigIntegerField("批复投资（元）")

    class Meta:
        verbose_name = "建设单位汇总"
        verbose_name_plural = "建设单位汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "lead_unit"], name="dashboard_unit_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} · {self.year} · {self.lead_unit_id}"


class RecordKind(models.TextChoices):
    OVERDUE = "overdue", "逾期期限事项"
    ACCEPTANCE = "acceptance", "竣工验收申请"
    EVALUATION = "evaluation", "评价"


class RecordCell(models.Model):
    """项目记录汇总 — the overdue obligations (by responsible organisation), acceptance applications (by status)
    or evaluations (by kind and conclusion) of the declared projects of one jurisdiction and year."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField("申报年度")
    kind = models.CharField("记录类型", max_length=12, choices=RecordKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="责任单位",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        db_index=False,
    )
    # the responsible organisation's id (overdue), the application's status or the evaluation's kind
    key = models.CharField("分类", max_length=40, blank=True)
    conclusion = models.CharField("评价结论", max_length=40, blank=True)
    n = models.PositiveIntegerField("记录数")
    # distinct projects: a project belongs to one jurisdiction and year, so these add up across cells
    projects = models.PositiveIntegerField("涉及项目数")

    class Meta:
        verbose_name = "项目记录汇总"
        verbose_name_plural = "项目记录汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "kind", "key", "conclusion"],
                name="dashboard_record_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} · {self.year} · {self.kind}"


class ProjectTally(models.Model):
    """What one declared project adds to the summary rows now, so a change can take out the old contribution
    and add the new one (see ``summary``)."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    cells = models.JSONField("汇总贡献", default=dict)

    class Meta:
        verbose_name = "项目汇总贡献"
        verbose_name_plural = "项目汇总贡献"

    def __str__(self) -> str:
        return str(self.project_id)
