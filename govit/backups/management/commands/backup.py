from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库、材料文件和校验清单（govit backup --out DIR）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="新的或空的备份目录")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            manifest = backup_create(out=Path(options["out"]))
        except BackupError as error:
            raise CommandError(error.message) from None
        tables = manifest["tables"]
        files = manifest["files"]
        self.stdout.write(
            f"备份完成：{options['out']}，{len(tables)} 张表 {sum(tables.values())} 行，"
            f"{len(files)} 个文件（{sum(f['size'] for f in files.values())} 字节），"
            f"数据库文件 SM3 {manifest['database']['sm3']}，用时 {time.monotonic() - started:.1f} 秒。"
        )
        if manifest["storage"] != "local":
            self.stdout.write(
                "材料存放在对象存储中，未包含在本备份内：请依靠存储桶的版本控制与跨区域复制备份文件。"
            )
