from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.audit.checkpoints import audit_purge
from govit.core.errors import ServiceError


class Command(BaseCommand):
    help = "清理超过保存期限（GOVIT_AUDIT_RETENTION_DAYS）的审计事件，先写入清理检查点（govit audit purge）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出将要清理的事件，不做任何改动")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        try:
            result = audit_purge(dry_run=dry_run)
        except ServiceError as error:
            raise CommandError(error.message) from error
        cutoff = result.cutoff.isoformat(timespec="seconds")
        if not result.count:
            self.stdout.write(f"保存期限 {result.retention_days} 天：没有早于 {cutoff} 的审计事件需要清理。")
            return
        span = f"序号 ≤ {result.through_seq}，时间 {result.first_at:%Y-%m-%d %H:%M} 至 {result.last_at:%Y-%m-%d %H:%M}"
        if dry_run:
            self.stdout.write(f"试运行：将清理 {result.count} 个审计事件（{span}），未做任何改动。")
            return
        assert result.checkpoint is not None
        self.stdout.write(
            f"已清理 {result.count} 个审计事件（{span}），清理检查点 #{result.checkpoint.seq} 已写入。"
        )
