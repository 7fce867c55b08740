from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.accounts.models import Jurisdiction
from govit.imports.choices import BatchState
from govit.projects.models import Project


class ImportBatch(models.Model):
    """项目导入批次 — one uploaded .xlsx of a jurisdiction's existing projects: checked row by row in the
    background, previewed, then committed as a whole or not at all."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")
    file = models.FileField("文件", max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    state = models.CharField(
        "状态", max_length=16, choices=BatchState.choices, default=BatchState.PARSING, db_index=True
    )
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_valid = models.PositiveIntegerField("无误行数", default=0)
    error_count = models.PositiveIntegerField("问题数", default=0)
    errors = models.JSONField(
        "问题",
        default=list,
        blank=True,
        help_text="[{row: 行号（整表问题为空）, column: 列名, message: 原因}]",
    )
    preview = models.JSONField("预览", default=list, blank=True, help_text="前若干行将保存的内容")
    summary = models.JSONField("汇总", default=dict, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    projects_created = models.PositiveIntegerField("导入项目数", default=0)
    follow_up_done = models.PositiveIntegerField(
        "已计算期限事项与查重的项目数", default=0, help_text="导入后在后台逐个计算期限事项、建立查重索引"
    )

    class Meta:
        verbose_name = "项目导入批次"
        verbose_name_plural = "项目导入批次"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"导入批次 #{self.pk} {self.original_name}"

    @property
    def percent(self) -> int:
        """How far the background check has come, in per cent."""
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def follow_up_pending(self) -> bool:
        return self.state == BatchState.COMMITTED and self.follow_up_done < self.projects_created


class ImportedProject(models.Model):
    """导入的项目 — which batch and row a project came from."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name="导入批次", on_delete=models.PROTECT, related_name="imported"
    )
    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="imported_from"
    )
    row = models.PositiveIntegerField("行号")
    followed_up = models.BooleanField(
        "已计算期限事项与查重", default=False, help_text="导入提交后由后台任务逐个计算"
    )

    class Meta:
        verbose_name = "导入的项目"
        verbose_name_plural = "导入的项目"
        ordering = ["batch", "row"]

    def __str__(self) -> str:
        return f"{self.batch} 第{self.row}行"
