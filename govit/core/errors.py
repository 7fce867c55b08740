"""Errors a service raises for the user to read: Chinese message, optional field name."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; nothing has been changed."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDeniedError(ServiceError):
    status_code = 403


class NotFoundError(ServiceError):
    status_code = 404


class ConflictError(ServiceError):
    """The record changed under the user (stale version, wrong state)."""

    status_code = 409
