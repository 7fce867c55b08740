"""Errors a service raises for the user to read: Chinese message, optional field name."""

from __future__ import annotations

from collections.abc import Callable


class ServiceError(Exception):
    """A request that cannot be carried out; nothing has been changed."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDeniedError(ServiceError):
    """A refusal. Every one is reported to the hooks in ``DENIAL_HOOKS`` (the audit app records it once the
    request's transaction has unwound, so the record survives the rollback of what was refused)."""

    status_code = 403

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        for hook in DENIAL_HOOKS:
            hook(self)


DENIAL_HOOKS: list[Callable[[PermissionDeniedError], None]] = []


class NotFoundError(ServiceError):
    status_code = 404


class ConflictError(ServiceError):
    """The record changed under the user (stale version, wrong state)."""

    status_code = 409
