"""Reading the audit log: searching events and verifying the chain and its checkpoints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from govit.audit.choices import CheckpointKind
from govit.audit.hashing import GENESIS_HASH, event_digest, sm3_hex
from govit.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from govit.audit.services import checkpoint_signed_bytes, event_content
from govit.audit.signing import SigningKeyError, configured_public_key, sm2_verify


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0
    signatures: int = 0
    broken_checkpoint_seq: int | None = None
    start_seq: int = 1

    @property
    def summary(self) -> str:
        if self.ok:
            purged = f"（序号 {self.start_seq} 之前的事件已按保存期限清理）" if self.start_seq > 1 else ""
            return (
                f"审计链完整：已校验 {self.checked} 个事件{purged}、{self.checkpoints} 个检查点"
                f"（其中 {self.signatures} 个 SM2 签名有效）。"
            )
        where = (
            f"检查点 #{self.broken_checkpoint_seq}"
            if self.broken_checkpoint_seq is not None
            else f"第一个异常事件序号 #{self.first_broken_seq}"
        )
        return f"审计链校验失败：{where}：{self.problem}（此前 {self.checked} 个事件校验通过）"


@dataclass
class _CheckpointState:
    count: int = 0
    signatures: int = 0
    purged_seq: int = 0
    purged_hash: str = GENESIS_HASH
    pins: dict[int, tuple[int, str]] = field(default_factory=dict)  # event seq -> (checkpoint seq, hash)


def _checkpoints_verify() -> tuple[_CheckpointState, ChainVerification | None]:
    """The checkpoint chain: sequence, SM3 digests and SM2 signatures; once one checkpoint is signed, every
    later one must be."""
    state = _CheckpointState()
    expected_prev = GENESIS_HASH
    try:
        public_key = configured_public_key()
    except SigningKeyError as error:
        return state, ChainVerification(False, 0, problem=f"SM2 密钥配置错误：{error}")
    signed_seen = False
    for checkpoint in AuditCheckpoint.objects.order_by("seq").iterator(chunk_size=2000):

        def broken(problem: str, seq: int = checkpoint.seq) -> ChainVerification:
            return ChainVerification(False, 0, problem=problem, broken_checkpoint_seq=seq)

        if checkpoint.seq != state.count + 1:
            return state, broken(f"缺少序号 {state.count + 1} 的检查点", state.count + 1)
        if checkpoint.prev_hash != expected_prev:
            return state, broken("前一检查点摘要不匹配（检查点链断裂）")
        if sm3_hex(checkpoint_signed_bytes(checkpoint)) != checkpoint.hash:
            return state, broken("检查点内容与摘要不符（检查点被篡改）")
        if checkpoint.signature:
            if not public_key:
                return state, broken("检查点带有 SM2 签名，但未配置用于验签的公钥")
            if not sm2_verify(
                checkpoint_signed_bytes(checkpoint), checkpoint.signature, public_key=public_key
            ):
                return state, broken("SM2 签名验证失败（检查点被篡改或签名密钥不符）")
            signed_seen = True
            state.signatures += 1
        elif signed_seen and public_key:
            return state, broken("此前的检查点已签名，该检查点缺少 SM2 签名")
        if checkpoint.kind == CheckpointKind.PURGE and checkpoint.through_seq >= state.purged_seq:
            state.purged_seq, state.purged_hash = checkpoint.through_seq, checkpoint.through_hash
        else:
            state.pins[checkpoint.through_seq] = (checkpoint.seq, checkpoint.through_hash)
        expected_prev = checkpoint.hash
        state.count += 1
    return state, None


def audit_chain_verify() -> ChainVerification:
    """Recompute every digest in order, from the last purge checkpoint (or the genesis); name the first event
    or checkpoint that does not fit."""
    state, failure = _checkpoints_verify()
    if failure is not None:
        return failure
    start = state.purged_seq + 1
    expected_prev = state.purged_hash
    expected_seq = start
    checked = 0

    def result(ok: bool, seq: int | None = None, problem: str = "") -> ChainVerification:
        return ChainVerification(
            ok, checked, seq, problem, checkpoints=state.count, signatures=state.signatures, start_seq=start
        )

    for event in AuditEvent.objects.filter(seq__gte=start).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return result(False, expected_seq, f"缺少序号 {expected_seq} 的事件（可能被删除）")
        if event.prev_hash != expected_prev:
            return result(False, event.seq, "前一事件摘要不匹配（链条断裂）")
        if event_digest(event_content(event), event.prev_hash) != event.hash:
            return result(False, event.seq, "事件内容与摘要不符（记录被篡改）")
        pin = state.pins.get(event.seq)
        if pin is not None and pin[1] != event.hash:
            return result(False, event.seq, f"与检查点 #{pin[0]} 记录的摘要不符（链条被改写）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return result(False, head.last_seq, "链头与最后一个事件不符（末尾事件被删除）")
    missing_pin = next((seq for seq in sorted(state.pins) if start <= seq and seq > last_seq), None)
    if missing_pin is not None:
        return result(False, missing_pin, "检查点记录的事件已不存在（末尾事件被删除）")
    return result(True)


@dataclass(frozen=True)
class AuditEventFilter:
    """审计日志检索条件; each is optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user: str = ""
    action: str = ""
    outcome: str = ""


def audit_event_search(criteria: AuditEventFilter) -> QuerySet[AuditEvent]:
    """Events matching ``criteria``, newest first. Dates are local calendar days, both ends included; the
    event type matches by prefix (``auth.`` finds every sign-in event)."""
    from django.utils import timezone

    events = AuditEvent.objects.all()
    if criteria.date_from:
        start = timezone.make_aware(dt.datetime.combine(criteria.date_from, dt.time.min))
        events = events.filter(created_at__gte=start)
    if criteria.date_to:
        end = timezone.make_aware(dt.datetime.combine(criteria.date_to + dt.timedelta(days=1), dt.time.min))
        events = events.filter(created_at__lt=end)
    if criteria.user:
        events = events.filter(actor_name__icontains=criteria.user)
    if criteria.action:
        events = events.filter(action__startswith=criteria.action)
    if criteria.outcome:
        events = events.filter(outcome=criteria.outcome)
    return events.order_by("-seq")
