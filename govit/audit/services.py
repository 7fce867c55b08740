"""Writing audit events. Every service that changes state calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, NoReturn

from django.db import models, transaction

from govit.audit import context
from govit.audit.choices import Outcome
from govit.audit.hashing import canonical_json, event_digest
from govit.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from govit.core import clock
from govit.core.errors import PermissionDeniedError

# Apps above this one react to what happened (e.g. obligations recomputed when a project changes). A listener
# runs in the caller's transaction just before the event is chained — not while the chain's head row is
# locked, so the time it takes never holds up other writers.
AuditListener = Callable[[str, models.Model | None, str], None]
_LISTENERS: list[AuditListener] = []


def audit_listener_register(listener: AuditListener) -> AuditListener:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def _json_native(value: Any) -> Any:
    """What the JSON column will give back, so the digest is the same after a round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def event_content(event: AuditEvent) -> dict[str, Any]:
    """The fields the SM3 digest covers."""
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
        "outcome": event.outcome,
    }


def checkpoint_content(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """The fields a checkpoint's SM3 digest (and its SM2 signature) cover."""
    return {
        "seq": checkpoint.seq,
        "kind": checkpoint.kind,
        "created_at": checkpoint.created_at.isoformat(),
        "through_seq": checkpoint.through_seq,
        "through_hash": checkpoint.through_hash,
        "event_count": checkpoint.event_count,
        "first_at": checkpoint.first_at.isoformat() if checkpoint.first_at else None,
        "last_at": checkpoint.last_at.isoformat() if checkpoint.last_at else None,
    }


def checkpoint_signed_bytes(checkpoint: AuditCheckpoint) -> bytes:
    """What the SM2 signature is computed over: the previous checkpoint's digest and this one's content."""
    return checkpoint.prev_hash.encode() + canonical_json(checkpoint_content(checkpoint))


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    organisation_id: int | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the chain (in the caller's transaction when there is one)."""
    for listener in _LISTENERS:
        listener(action, target, outcome)
    ctx = context.current()
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    if organisation_id is None and actor_obj is not None:
        organisation_id = getattr(actor_obj, "primary_organisation_id", None)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            # In UTC, as the database gives it back: the digest covers its ISO text.
            created_at=clock.now().astimezone(dt.UTC),
            actor=actor_obj,
            actor_name=(actor_name or (actor_obj.get_username() if actor_obj is not None else ""))[:150],
            organisation_id=organisation_id,
            action=action,
            target_type=target._meta.label if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:255] if target is not None else "",
            before=_json_native(before),
            after=_json_native(after),
            request_id=ctx.request_id,
            client_ip=ctx.client_ip,
            outcome=outcome,
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event_content(event), event.prev_hash)
        event.save()
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    if outcome == Outcome.DENIED:
        context.denial_note(action)
    return event


def audit_denied(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None,
    message: str,
    after: dict[str, Any] | None = None,
) -> NoReturn:
    """A refused action: recorded as ``<action>_denied`` with outcome “拒绝”, then refused with ``message``. In a
    request the record is written when the request's transaction has unwound (the middleware), so it survives
    the rollback of the refused change; outside one (commands, the worker) it is written at once."""
    if not context.denials_active():
        audit_record(
            actor=actor, action=f"{action}_denied", target=target, outcome=Outcome.DENIED, after=after
        )
    error = PermissionDeniedError(message)
    context.denial_pending(
        id(error),
        {"actor": actor, "action": f"{action}_denied", "target": target, "after": after, "reason": message},
    )
    raise error


def denial_hook(error: PermissionDeniedError) -> None:
    """Every refusal raised during a request is recorded at its end as ``auth.denied`` (unless its service
    recorded it under its own action, see ``audit_denied``)."""
    context.denial_pending(id(error), {"action": "auth.denied", "reason": error.message})
