from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govit.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链（govit audit verify）"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if result.ok:
            self.stdout.write(f"审计链完整：已校验 {result.checked} 个事件。")
            return
        raise CommandError(
            f"审计链校验失败：第一个异常事件序号 #{result.first_broken_seq}：{result.problem}"
            f"（此前 {result.checked} 个事件校验通过）"
        )
