from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from govit.audit import context
from govit.audit.choices import Outcome
from govit.audit.services import audit_record


def client_ip_of(request: HttpRequest) -> str:
    # Behind the province's load balancer the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def access_denied_record(request: HttpRequest, *, reason: str) -> None:
    """越权访问 — ``auth.denied`` with who, which page and why (等保 8.1.4.3 a)."""
    user = getattr(request, "user", None)
    audit_record(
        actor=user if user is not None and user.is_authenticated else None,
        action="auth.denied",
        outcome=Outcome.DENIED,
        after={"path": request.path[:500], "method": request.method, "reason": reason[:255]},
    )


def denials_write(request: HttpRequest) -> None:
    """The refusals of this request, written now that its transaction has unwound (see ``audit_denied``)."""
    user = getattr(request, "user", None)
    for entry in context.denials_pending_take():
        if entry["action"] == "auth.denied":
            access_denied_record(request, reason=str(entry.get("reason", "")))
            continue
        after = dict(entry.get("after") or {})
        after.setdefault("reason", str(entry.get("reason", ""))[:255])
        actor = entry.get("actor")
        if actor is None and user is not None and user.is_authenticated:
            actor = user
        audit_record(
            actor=actor,
            action=entry["action"],
            target=entry.get("target"),
            outcome=Outcome.DENIED,
            after=after,
        )


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        token = context.activate(
            context.RequestContext(request_id=request_id, client_ip=client_ip_of(request))
        )
        denials = context.denials_begin()
        try:
            response = self.get_response(request)
            denials_write(request)
            if response.status_code == 403 and not context.denials_recorded():
                # A refusal answered without an exception (a refusal page, the API, a CSRF failure).
                access_denied_record(request, reason=f"HTTP 403：{response.reason_phrase}")
        finally:
            context.denials_end(denials)
            context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response
