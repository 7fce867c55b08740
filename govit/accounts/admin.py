"""The back office of the 三员 (三员分立): what each may touch follows from their group's permissions
(``accounts.services.ADMIN_GROUP_PERMISSIONS``); what a permission cannot express is refused here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from govit.accounts.choices import THREE_ADMIN_ROLES
from govit.accounts.models import Jurisdiction, Organisation, RoleAssignment, User
from govit.accounts.selectors import three_admin_conflict
from govit.accounts.services import role_assign, role_revoke
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
    """Shown on the user page for reference; roles are granted and revoked only on the 角色授权 page, through
    ``role_assign`` / ``role_revoke``."""

    model = RoleAssignment
    fields = ["organisation", "role", "granted_at"]
    readonly_fields = ["organisation", "role", "granted_at"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _is_admin_account(user: User) -> bool:
    return user.is_superuser or user.role_assignments.filter(role__in=THREE_ADMIN_ROLES).exists()


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):  # type: ignore[misc]
    """用户 — the 系统管理员 creates accounts, disables them (``is_active``) and resets passwords. Groups,
    permissions, staff and superuser flags are not on their form: rights come only from roles, which the
    安全管理员 grants. The accounts of the 三员 and of superusers are read-only to them, so a 系统管理员 cannot
    take over another administrator by resetting a password."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "primary_organisation", "is_active", "last_login"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("单位", {"fields": ("display_name", "phone", "primary_organisation")}),
    )
    _limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active",)}),
        ("单位", {"fields": ("display_name", "phone", "primary_organisation")}),
    )

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self._limited_fieldsets

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or request.user.is_superuser or not _is_admin_account(obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {} if not request.user.is_superuser else super().get_actions(request)


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
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    """角色授权 — the 安全管理员 grants and revokes roles here, through the same services (and audit events
    ``accounts.role_assign`` / ``accounts.role_revoke``) as everywhere else. A grant is not edited: revoke it and
    grant the new one."""

    form = RoleAssignmentForm
    list_display = ["user", "organisation", "role", "granted_at"]
    list_filter = ["role"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        assignment = role_assign(
            actor=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
        )
        obj.pk = assignment.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        role_revoke(actor=request.user, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset.select_related("user"):
            role_revoke(actor=request.user, assignment=assignment)
