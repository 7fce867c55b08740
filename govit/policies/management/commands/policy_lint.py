from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.policies.engine import lint_all, list_packs
from govit.policies.engine.lint import lint_file


class Command(BaseCommand):
    help = "检查政策包（govit policy lint [文件 …]）：不带参数检查全部已安装的政策包；错误列出文件、规则编号和问题"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="要检查的政策包文件（例如尚未安装的草稿）")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        missing = [f for f in files if not Path(f).is_file()]
        if missing:
            raise CommandError(f"找不到文件：{'、'.join(missing)}")
        problems = [p for f in files for p in lint_file(f)] if files else lint_all()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"政策包检查未通过：{len(problems)} 处问题")
        names = files or [str(p["code"]) for p in list_packs()]
        self.stdout.write(f"政策包检查通过：{'、'.join(names)}")
