from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.projects.models import Project


class Attachment(models.Model):
    """材料 — one uploaded version of the document a project gives for a requirement of its policy pack.

    Versions are never replaced: a new upload for the same requirement is the next version and the
    earlier ones stay downloadable."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="attachments"
    )
    requirement_code = models.CharField("材料要求编号", max_length=80)
    requirement_name = models.CharField("材料名称", max_length=200)
    stage = models.CharField("环节", max_length=80, blank=True)
    version = models.PositiveIntegerField("版本")
    file = models.FileField("文件", max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    extension = models.CharField("扩展名", max_length=10)
    sm3 = models.CharField("SM3 摘要", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "材料"
        verbose_name_plural = "材料"
        ordering = ["requirement_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "requirement_code", "version"], name="uniq_attachment_version"
            )
        ]
        indexes = [models.Index(fields=["project", "requirement_code"])]

    def __str__(self) -> str:
        return f"{self.requirement_name} 第{self.version}版"
