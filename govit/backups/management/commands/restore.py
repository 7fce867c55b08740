from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.backups.services import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "校验并恢复 govit backup 生成的备份（govit restore --from DIR [--check]）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="备份目录")
        parser.add_argument("--check", action="store_true", help="只校验备份，不恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = backup_verify(source=Path(options["source"]))
                self.stdout.write(
                    f"备份校验通过：{len(manifest['files'])} 个文件与数据库文件的 SM3 摘要均与清单一致。"
                )
                return
            result = backup_restore(source=Path(options["source"]))
        except BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"恢复完成：{result.tables} 张表 {result.rows} 行与清单一致，{result.files} 个文件摘要一致，"
            f"审计链完整（已校验 {result.audit_events} 个事件），用时 {result.seconds:.1f} 秒。"
        )
