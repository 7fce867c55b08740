from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govit.audit.models import AuditCheckpoint, AuditEvent
from govit.audit.permissions import audit_reader


class _AuditReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only, and only for the 审计管理员: nobody edits or deletes audit rows, not even a superuser."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return audit_reader(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return audit_reader(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(_AuditReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_name", "action", "target_repr", "outcome", "client_ip"]
    list_filter = ["outcome", "action"]
    search_fields = ["actor_name", "action", "target_repr", "request_id"]


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(_AuditReadOnlyAdmin):
    list_display = ["seq", "kind", "created_at", "through_seq", "event_count", "hash"]
    list_filter = ["kind"]
