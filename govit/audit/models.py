from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from govit.audit.choices import CheckpointKind, Outcome


class AppendOnlyError(Exception):
    """Audit rows are never changed or removed."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditEvent(models.Model):
    """审计事件 — one thing that happened, chained by SM3 to the event before it."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField("操作", max_length=80, db_index=True)
    target_type = models.CharField("对象类型", max_length=80, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    target_repr = models.CharField("对象", max_length=255, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    client_ip = models.CharField("客户端 IP", max_length=64, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    prev_hash = models.CharField("前一事件摘要", max_length=64)
    hash = models.CharField("摘要 (SM3)", max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditChainHead(models.Model):
    """The single row that serialises appends: the last sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class AuditCheckpointQuerySet(models.QuerySet["AuditCheckpoint"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计检查点只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("审计检查点只能追加，不能删除")


class AuditCheckpoint(models.Model):
    """审计检查点 — a fixed point of the event chain, itself chained by SM3 and optionally signed with SM2.

    A purge checkpoint is written before old events are deleted: the verifier starts the event chain from its
    ``through_hash``, and the database lets only events up to its ``through_seq`` be deleted. A daily checkpoint
    pins the chain head of that day."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    kind = models.CharField("类型", max_length=16, choices=CheckpointKind.choices)
    created_at = models.DateTimeField("时间")
    through_seq = models.PositiveBigIntegerField("截至事件序号")
    through_hash = models.CharField("截至事件摘要", max_length=64)
    event_count = models.PositiveBigIntegerField("事件数")
    first_at = models.DateTimeField("最早事件时间", null=True, blank=True)
    last_at = models.DateTimeField("最晚事件时间", null=True, blank=True)
    prev_hash = models.CharField("前一检查点摘要", max_length=64)
    hash = models.CharField("摘要 (SM3)", max_length=64, unique=True)
    signature = models.CharField("SM2 签名", max_length=256, blank=True)

    objects = AuditCheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = "审计检查点"
        verbose_name_plural = "审计检查点"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["kind", "through_seq"], name="audit_checkpoint_kind_seq")]

    def __str__(self) -> str:
        return f"检查点 #{self.seq} {self.get_kind_display()} 至事件 #{self.through_seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计检查点只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计检查点只能追加，不能删除")
