"""Database helpers shared by the services."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from govit.core.errors import ConflictError


def row_insert_once(model: Any, *, conflict: str, field: str, **values: Any) -> Any:
    """Create a row a unique constraint allows once; a second one (double click, two users at the same
    moment) is a conflict with the message ``conflict`` and changes nothing (the caller's transaction goes
    on)."""
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError:
        raise ConflictError(conflict, field=field) from None
