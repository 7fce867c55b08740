from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govit.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链、检查点及其 SM2 签名（govit audit verify）"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if result.ok:
            self.stdout.write(result.summary)
            return
        raise CommandError(result.summary)
