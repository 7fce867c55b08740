from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govit.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: nobody edits or deletes audit rows, not even a superuser."""

    list_display = ["seq", "created_at", "actor_name", "action", "target_repr", "outcome", "client_ip"]
    list_filter = ["outcome", "action"]
    search_fields = ["actor_name", "action", "target_repr", "request_id"]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
