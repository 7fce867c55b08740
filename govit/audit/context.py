"""Who is acting, from where, in which request: set by middleware, read by the audit service."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


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


# Denials recorded during the current request: a refusal that a service already audited is not recorded again
# by the 403 page. None outside a request.
_denials: ContextVar[list[str] | None] = ContextVar("govit_request_denials", default=None)


def denials_begin() -> object:
    return _denials.set([])


def denials_end(token: object) -> None:
    _denials.reset(token)  # type: ignore[arg-type]


def denial_note(action: str) -> None:
    recorded = _denials.get()
    if recorded is not None:
        recorded.append(action)


def denials_recorded() -> bool:
    return bool(_denials.get())
