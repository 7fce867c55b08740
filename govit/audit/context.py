"""Who is acting, from where, in which request: set by middleware, read by the audit service."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str = ""


_current: ContextVar[RequestContext] = ContextVar("govit_request_context", default=RequestContext())  # noqa: B039 — frozen dataclass


def current() -> RequestContext:
    return _current.get()


def activate(ctx: RequestContext) -> object:
    return _current.set(ctx)


def deactivate(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


# Refusals during the current request, in order. Each is ("written", action) for one already in the chain,
# ("pending", entry) for one to be written once the request's transaction has unwound (a record written inside
# it would be rolled back with what was refused). None outside a request.
_denials: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "govit_request_denials", default=None
)


def denials_begin() -> object:
    return _denials.set([])


def denials_end(token: object) -> None:
    _denials.reset(token)  # type: ignore[arg-type]


def denials_active() -> bool:
    return _denials.get() is not None


def denial_note(action: str) -> None:
    recorded = _denials.get()
    if recorded is not None:
        recorded.append(("written", {"action": action}))


def denial_pending(key: int, entry: dict[str, Any]) -> None:
    """A refusal to record at the end of the request; a later entry with the same ``key`` (the same error, now
    with its service's own action and target) replaces it."""
    recorded = _denials.get()
    if recorded is None:
        return
    for index, (kind, existing) in enumerate(recorded):
        if kind == "pending" and existing.get("key") == key:
            recorded[index] = ("pending", {**entry, "key": key})
            return
    recorded.append(("pending", {**entry, "key": key}))


def denials_pending_take() -> list[dict[str, Any]]:
    """The refusals still to record (and forget them)."""
    recorded = _denials.get()
    if recorded is None:
        return []
    pending = [entry for kind, entry in recorded if kind == "pending"]
    recorded[:] = [("written", {"action": entry.get("action", "auth.denied")}) for entry in pending] + [
        item for item in recorded if item[0] == "written"
    ]
    return pending


def denials_recorded() -> bool:
    return bool(_denials.get())
