"""Who is acting, from where, in which request: set by middleware, read by the audit service."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
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


@dataclass
class Denials:
    """Refusals during one request: how many are in the chain already, and those to write once the request's
    transaction has unwound (a record written inside it would be rolled back with what was refused), by the key
    of their error, in the order raised."""

    written: int = 0
    pending: dict[int, dict[str, Any]] = field(default_factory=dict)


_denials: ContextVar[Denials | None] = ContextVar(
    "govit_request_denials", default=None
)  # None outside a request


def denials_begin() -> object:
    return _denials.set(Denials())


def denials_end(token: object) -> None:
    _denials.reset(token)  # type: ignore[arg-type]


def denials_active() -> bool:
    return _denials.get() is not None


def denial_note(action: str) -> None:
    """A refusal written to the chain (``action`` names it)."""
    denials = _denials.get()
    if denials is not None:
        denials.written += 1


def denial_pending(key: int, entry: dict[str, Any]) -> None:
    """A refusal to record at the end of the request; a later entry with the same ``key`` (the same error, now
    with its service's own action and target) replaces it in place."""
    denials = _denials.get()
    if denials is not None:
        denials.pending[key] = entry


def denials_pending_take() -> list[dict[str, Any]]:
    """The refusals still to record (and forget them)."""
    denials = _denials.get()
    if denials is None:
        return []
    taken = list(denials.pending.values())
    denials.pending.clear()
    return taken


def denials_recorded() -> bool:
    denials = _denials.get()
    return denials is not None and bool(denials.written or denials.pending)
