from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from govit.accounts.models import Jurisdiction, Organisation, RoleAssignment, User
from govit.accounts.selectors import three_admin_conflict
from govit.audit.admin_mixins import AuditedModelAdmin


class RoleAssignmentForm(forms.ModelForm[RoleAssignment]):
    class Meta:
        model = RoleAssignment
        fields = ["user", "organisation", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, role = data.get("user") or getattr(self.instance, "user", None), data.get("role")
        if user is not None and role:
            conflict = three_admin_conflict(user=user, role=role)
            if conflict:
                self.add_error("role", conflict)
        return data


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    form = RoleAssignmentForm
    extra = 0


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):  # type: ignore[misc]
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "primary_organisation", "is_active", "last_login"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("单位", {"fields": ("display_name", "phone", "primary_organisation")}),
    )


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent", "pack_code"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "jurisdiction", "kind", "is_active"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "short_name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "organisation", "role", "granted_at"]
    list_filter = ["role"]
