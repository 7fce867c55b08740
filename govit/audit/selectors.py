"""Reading the audit log: listing and verifying the chain."""

from __future__ import annotations

from dataclasses import dataclass

from govit.audit.hashing import GENESIS_HASH, event_digest
from govit.audit.models import AuditChainHead, AuditEvent
from govit.audit.services import event_content


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""


def audit_chain_verify() -> ChainVerification:
    """Recompute every digest in order; name the first event that does not fit."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainVerification(
                False, checked, expected_seq, f"缺少序号 {expected_seq} 的事件（可能被删除）"
            )
        if event.prev_hash != expected_prev:
            return ChainVerification(False, checked, event.seq, "前一事件摘要不匹配（链条断裂）")
        if event_digest(event_content(event), event.prev_hash) != event.hash:
            return ChainVerification(False, checked, event.seq, "事件内容与摘要不符（记录被篡改）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return ChainVerification(False, checked, head.last_seq, "链头与最后一个事件不符（末尾事件被删除）")
    return ChainVerification(True, checked)
