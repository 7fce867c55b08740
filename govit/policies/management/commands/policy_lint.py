from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govit.policies.engine import lint_all, list_packs


class Command(BaseCommand):
    help = "检查全部政策包（govit policy lint）：错误列出文件、规则编号和问题"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = lint_all()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"政策包检查未通过：{len(problems)} 处问题")
        self.stdout.write(f"政策包检查通过：{'、'.join(str(p['code']) for p in list_packs())}")
