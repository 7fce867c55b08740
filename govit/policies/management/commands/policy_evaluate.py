from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.policies.engine import FactsError, PackError
from govit.policies.services import policy_evaluate


class Command(BaseCommand):
    help = "按政策包评估一份项目事实数据，输出 JSON（govit policy evaluate --pack CODE --facts FILE [--on DATE]）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pack", required=True, help="政策包代码，如 shucheng")
        parser.add_argument("--facts", required=True, help="facts JSON 文件路径（- 表示标准输入）")
        parser.add_argument("--on", help="评估日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = self.stdin_or_file(options["facts"])
            facts = json.loads(text)
        except OSError as error:
            raise CommandError(f"无法读取 facts 文件：{error}") from None
        except ValueError as error:
            raise CommandError(f"facts 文件不是有效的 JSON：{error}") from None
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError:
            raise CommandError("--on 应为 YYYY-MM-DD 格式的日期") from None
        try:
            result = policy_evaluate(pack_code=options["pack"], facts=facts, on=on)
        except (PackError, FactsError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))

    @staticmethod
    def stdin_or_file(path: str) -> str:
        if path == "-":
            import sys

            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
