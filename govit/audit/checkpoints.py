"""Writing checkpoints: the daily one that pins the chain head, and the purge of events past their retention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min

from govit.audit.choices import CheckpointKind
from govit.audit.hashing import GENESIS_HASH, sm3_hex
from govit.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from govit.audit.services import audit_record, checkpoint_signed_bytes
from govit.audit.signing import configured_private_key, configured_public_key, sm2_sign
from govit.core import clock
from govit.core.errors import ConflictError


def _checkpoint_append(
    *,
    kind: str,
    through_seq: int,
    through_hash: str,
    event_count: int,
    first_at: dt.datetime | None,
    last_at: dt.datetime | None,
) -> AuditCheckpoint:
    """Chain a new checkpoint after the last one and sign it when an SM2 key is configured. The caller holds
    the chain head's lock, so checkpoints are numbered in order."""
    last = AuditCheckpoint.objects.order_by("-seq").first()
    checkpoint = AuditCheckpoint(
        seq=(last.seq if last else 0) + 1,
        kind=kind,
        created_at=clock.now().astimezone(dt.UTC),
        through_seq=through_seq,
        through_hash=through_hash,
        event_count=event_count,
        first_at=first_at,
        last_at=last_at,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    signed = checkpoint_signed_bytes(checkpoint)
    checkpoint.hash = sm3_hex(signed)
    private_key = configured_private_key()
    if private_key:
        checkpoint.signature = sm2_sign(signed, private_key=private_key, public_key=configured_public_key())
    checkpoint.save()
    return checkpoint


def _checkpoint_facts(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    return {
        "checkpoint_seq": checkpoint.seq,
        "through_seq": checkpoint.through_seq,
        "through_hash": checkpoint.through_hash,
        "event_count": checkpoint.event_count,
        "first_at": checkpoint.first_at,
        "last_at": checkpoint.last_at,
        "signed": bool(checkpoint.signature),
    }


def audit_checkpoint_write() -> AuditCheckpoint:
    """每日检查点 — pin today's chain head (sequence number, hash, how many events are kept)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        kept = AuditEvent.objects.aggregate(
            count=Count("seq"), first=Min("created_at"), last=Max("created_at")
        )
        checkpoint = _checkpoint_append(
            kind=CheckpointKind.DAILY,
            through_seq=head.last_seq,
            through_hash=head.last_hash,
            event_count=kept["count"],
            first_at=kept["first"],
            last_at=kept["last"],
        )
        audit_record(
            actor=None, action="audit.checkpoint", target=checkpoint, after=_checkpoint_facts(checkpoint)
        )
    return checkpoint


@dataclass(frozen=True)
class PurgeResult:
    retention_days: int
    cutoff: dt.datetime
    count: int
    through_seq: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    checkpoint: AuditCheckpoint | None = None


def audit_purge(*, dry_run: bool = False) -> PurgeResult:
    """Delete the events older than ``GOVIT_AUDIT_RETENTION_DAYS`` (a leading run of the chain: every event up
    to the last one before the first event still within the retention). A purge checkpoint holding the last
    deleted event's hash is written first; the verifier starts from it and the database guard lets only the
    events it covers be deleted. A broken chain is not purged: the evidence stays."""
    from govit.audit.selectors import audit_chain_verify

    retention = int(settings.GOVIT_AUDIT_RETENTION_DAYS)
    cutoff = clock.now() - dt.timedelta(days=retention)
    if not dry_run:
        verification = audit_chain_verify()
        if not verification.ok:
            raise ConflictError(f"审计链校验未通过，不能清理：{verification.summary}")
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        first_kept = (
            AuditEvent.objects.filter(created_at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        through = first_kept - 1 if first_kept is not None else head.last_seq
        old = AuditEvent.objects.filter(seq__lte=through).aggregate(
            count=Count("seq"), first=Min("created_at"), last=Max("created_at")
        )
        result = PurgeResult(retention, cutoff, old["count"], through, old["first"], old["last"])
        if dry_run or not result.count:
            return result
        checkpoint = _checkpoint_append(
            kind=CheckpointKind.PURGE,
            through_seq=through,
            through_hash=AuditEvent.objects.get(seq=through).hash,
            event_count=result.count,
            first_at=result.first_at,
            last_at=result.last_at,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq <= %s", [through])
        audit_record(
            actor=None,
            action="audit.purge",
            target=checkpoint,
            after={**_checkpoint_facts(checkpoint), "retention_days": retention, "cutoff": cutoff},
        )
    return PurgeResult(retention, cutoff, result.count, through, result.first_at, result.last_at, checkpoint)
