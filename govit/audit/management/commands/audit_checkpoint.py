from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govit.audit.checkpoints import audit_checkpoint_write


class Command(BaseCommand):
    help = "写入每日审计检查点（链头序号与摘要；配置 SM2 私钥时签名）（govit audit checkpoint）"

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = audit_checkpoint_write()
        signed = "，已用 SM2 签名" if checkpoint.signature else "（未配置 SM2 私钥，未签名）"
        self.stdout.write(
            f"检查点 #{checkpoint.seq}：截至事件 #{checkpoint.through_seq}，"
            f"共 {checkpoint.event_count} 个事件，摘要 {checkpoint.hash}{signed}。"
        )
