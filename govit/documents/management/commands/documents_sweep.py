from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.documents.sweep import DEFAULT_MIN_AGE, attachment_files_sweep


class Command(BaseCommand):
    help = "清理没有材料记录引用的上传文件（govit documents sweep），例如上传过程中进程被终止留下的文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=DEFAULT_MIN_AGE.total_seconds() / 3600,
            help="只清理修改时间早于若干小时之前的文件（默认 24；0 仅在没有上传进行时使用）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出将被清理的文件，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["older_than_hours"]
        if not hours >= 0:
            raise CommandError("--older-than-hours 须为不小于 0 的小时数")
        result = attachment_files_sweep(older_than=dt.timedelta(hours=hours), dry_run=options["dry_run"])
        verb = "将清理" if options["dry_run"] else "已清理"
        for name in result.removed:
            self.stdout.write(f"{verb}：{name}")
        for name in result.missing:
            self.stderr.write(f"材料记录引用的文件不存在（请从备份恢复）：{name}")
        self.stdout.write(
            f"检查文件 {result.scanned} 个，被材料引用 {result.referenced} 个；{verb}孤立文件 "
            f"{len(result.removed)} 个，未满 {hours:g} 小时暂不清理 {len(result.kept_young)} 个；"
            f"记录缺少文件 {len(result.missing)} 个。"
        )
