"""外发通知 — reminders sent to an organisation's own endpoint as JSON, signed with HMAC-SHA256, delivered by
the worker (never inside a user's request) and retried with back-off; every attempt is logged.

Request: ``POST <url>`` with ``Content-Type: application/json; charset=utf-8`` and the headers
``X-GovIT-Event`` (e.g. ``obligation.overdue``), ``X-GovIT-Delivery`` (the delivery id; the same on a retry),
``X-GovIT-Timestamp`` (Unix seconds) and ``X-GovIT-Signature: sha256=<hex>``, the HMAC-SHA256 of
``<timestamp>.<body>`` with the webhook's secret. Any 2xx answer counts as delivered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from govit.accounts.choices import Role
from govit.accounts.models import Organisation, RoleAssignment
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.errors import ServiceError
from govit.obligations.models import Webhook, WebhookDelivery

log = logging.getLogger(__name__)
# Seconds to wait before the 2nd, 3rd … attempt; after the last one the delivery is given up.
BACKOFF = (60, 300, 1800, 7200, 43200)
TIMEOUT = 5  # seconds; settings.GOVIT_WEBHOOK_TIMEOUT overrides
MANAGERS = frozenset({Role.UNIT_HEAD, Role.REVIEWER, Role.SYSTEM_ADMIN})
MANAGERS_ONLY = "只有本单位负责人、主管部门审核人或系统管理员可以设置外发通知"


def may_manage(actor: Any, organisation: Organisation) -> bool:
    """The unit's 负责人, a reviewer of the bureau itself, or the system administrator."""
    return RoleAssignment.objects.filter(
        Q(organisation=organisation, role__in=MANAGERS) | Q(role=Role.SYSTEM_ADMIN), user=actor
    ).exists()


def url_check(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or len(url) > 500
        or any(c.isspace() for c in url)
    ):
        raise ServiceError(
            "接收地址须为 http:// 或 https:// 开头的完整网址（不超过 500 个字符）", field="url"
        )
    return url


def webhook_register(*, actor: Any, organisation: Organisation, url: str, secret: str = "") -> Webhook:
    """登记外发通知地址; without a secret one is generated (shown once to the user who registers it)."""
    if not may_manage(actor, organisation):
        audit_denied(actor=actor, action="webhook.register", target=organisation, message=MANAGERS_ONLY)
    url = url_check(url)
    secret = (secret or "").strip() or secrets.token_hex(24)
    if not 16 <= len(secret) <= 128:
        raise ServiceError("签名密钥应为 16 至 128 个字符", field="secret")
    with transaction.atomic():
        hook = Webhook.objects.create(
            organisation=organisation, url=url, secret=secret, created_by=actor, created_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="webhook.register",
            target=organisation,
            after={"webhook": hook.pk, "url": url},
        )
    return hook


def webhook_deactivate(*, actor: Any, webhook: Webhook) -> Webhook:
    if not may_manage(actor, webhook.organisation):
        audit_denied(
            actor=actor, action="webhook.deactivate", target=webhook.organisation, message=MANAGERS_ONLY
        )
    with transaction.atomic():
        webhook.is_active = False
        webhook.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="webhook.deactivate",
            target=webhook.organisation,
            after={"webhook": webhook.pk},
        )
    return webhook


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def deliveries_queue(items: list[tuple[int, str, dict[str, Any]]]) -> int:
    """(organisation id, event, payload) → one pending delivery per active webhook of the organisation."""
    if not items:
        return 0
    hooks: dict[int, list[int]] = {}
    for pk, org_id in Webhook.objects.filter(
        organisation_id__in={org for org, _e, _p in items}, is_active=True
    ).values_list("id", "organisation_id"):
        hooks.setdefault(org_id, []).append(pk)
    now = clock.now()
    rows = [
        WebhookDelivery(webhook_id=hook, event=event, payload=payload, next_attempt_at=now, created_at=now)
        for org, event, payload in items
        for hook in hooks.get(org, [])
    ]
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(
        {"event": delivery.event, "delivery": delivery.pk, **delivery.payload}, ensure_ascii=False
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "GovIT-webhook/1",
            "X-GovIT-Event": delivery.event,
            "X-GovIT-Delivery": str(delivery.pk),
            "X-GovIT-Timestamp": timestamp,
            "X-GovIT-Signature": signature(hook.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(
            request, timeout=getattr(settings, "GOVIT_WEBHOOK_TIMEOUT", TIMEOUT)
        ) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(reason).__name__}: {reason}"[:300]


def deliveries_send(*, limit: int = 500) -> dict[str, int]:
    """Send the deliveries whose time has come; a failure is logged and tried again later (BACKOFF), and
    given up after the last attempt."""
    now = clock.now()
    sent = {"delivered": 0, "retrying": 0, "failed": 0}
    due = list(
        WebhookDelivery.objects.filter(state="pending", next_attempt_at__lte=now)
        .select_related("webhook")
        .order_by("next_attempt_at", "id")[:limit]
    )
    for delivery in due:
        status, error = _post(delivery.webhook, delivery)
        delivery.attempts += 1
        delivery.last_status = status
        if status is not None and 200 <= status < 300:
            delivery.state, delivery.delivered_at, delivery.last_error = "delivered", clock.now(), ""
            sent["delivered"] += 1
        else:
            delivery.last_error = error or f"HTTP {status}"
            if delivery.attempts > len(BACKOFF):
                delivery.state = "failed"
                sent["failed"] += 1
                log.warning(
                    "webhook delivery %s to %s given up: %s",
                    delivery.pk,
                    delivery.webhook.url,
                    delivery.last_error,
                )
            else:
                delivery.next_attempt_at = clock.now() + dt.timedelta(seconds=BACKOFF[delivery.attempts - 1])
                sent["retrying"] += 1
        delivery.save(
            update_fields=[
                "attempts",
                "last_status",
                "state",
                "delivered_at",
                "last_error",
                "next_attempt_at",
            ]
        )
    return sent
