"""Back-office edits are state changes too: every admin save and delete writes an audit event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from govit.audit.services import audit_record


def _fields(obj: models.Model) -> dict[str, Any]:
    # Secrets never go into the audit log.
    return model_to_dict(obj, exclude=["password"])


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = _fields(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}.{obj._meta.model_name}",
                target=obj,
                before=before,
                after=_fields(obj),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            before = _fields(obj)
            audit_record(
                actor=request.user, action=f"admin.delete.{obj._meta.model_name}", target=obj, before=before
            )
            super().delete_model(request, obj)
