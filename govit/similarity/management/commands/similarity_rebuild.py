"""`govit similarity rebuild` — index every project and catalogued system again and find their pairs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govit.similarity.services import similarity_rebuild


class Command(BaseCommand):
    help = "重建查重索引（以当前词频重新计算全部项目与在用系统），并重新比对"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-pairs", action="store_true", help="只重建索引，不重新比对")

    def handle(self, *args: Any, **options: Any) -> None:
        result = similarity_rebuild(pairs=not options["no_pairs"])
        self.stdout.write(
            f"已重建：{result['documents']} 份文档，{result['terms']} 个词，{result['pairs']} 对相似项"
        )
