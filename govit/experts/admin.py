"""Back office: the pool is maintained here (audited, personal data masked in the log); draws, reviews and
conclusions are made through the services only, so they are read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from govit.accounts.choices import Role
from govit.accounts.models import RoleAssignment
from govit.audit.admin_mixins import AuditedModelAdmin
from govit.audit.services import audit_record
from govit.experts.masking import mask_email, mask_id, mask_phone
from govit.experts.models import (
    DrawMember,
    DrawSupplement,
    Expert,
    ExpertDeclaredConflict,
    ExpertDraw,
    ExpertEmployment,
    ExpertField,
    ExpertReview,
    PanelConclusion,
    ProjectVendor,
)

_MASKS = {"phone": mask_phone, "id_number": mask_id, "email": mask_email}


def _masked(obj: models.Model) -> dict[str, Any]:
    data = model_to_dict(obj)
    for name, mask in _MASKS.items():
        if name in data:
            data[name] = mask(data[name])
    return data


class ExpertAdminForm(forms.ModelForm[Expert]):
    class Meta:
        model = Expert
        fields = [
            "user",
            "name",
            "gender",
            "specialties",
            "employer",
            "employer_name",
            "title",
            "phone",
            "email",
            "id_number",
            "jurisdiction",
            "is_available",
            "unavailable_until",
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        if user is not None and not RoleAssignment.objects.filter(user=user, role=Role.EXPERT).exists():
            self.add_error("user", "该账号没有“评审专家”角色，请先为其授予该角色")
        if not data.get("employer") and not (data.get("employer_name") or "").strip():
            self.add_error("employer_name", "请选择系统内工作单位或填写工作单位名称")
        return data


class EmploymentInline(admin.TabularInline[ExpertEmployment, Expert]):
    model = ExpertEmployment
    extra = 0
    autocomplete_fields = ["organisation"]


class DeclaredConflictInline(admin.TabularInline[ExpertDeclaredConflict, Expert]):
    model = ExpertDeclaredConflict
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(ExpertField)
class ExpertFieldAdmin(AuditedModelAdmin):
    search_fields = ["name"]


@admin.register(Expert)
class ExpertAdmin(AuditedModelAdmin):
    """Audited like every admin edit, but phone, e-mail and ID number go into the log masked; changes to
    past employers and declared interests (inlines) are audited too."""

    form = ExpertAdminForm
    inlines = [EmploymentInline, DeclaredConflictInline]
    list_display = ["name", "jurisdiction", "employer_display", "title", "masked_phone", "is_available"]
    list_filter = ["jurisdiction", "is_available", "specialties"]
    search_fields = ["name", "employer_name", "employer__name"]
    autocomplete_fields = ["user", "employer"]
    filter_horizontal = ["specialties"]

    @admin.display(description="手机号")
    def masked_phone(self, obj: Expert) -> str:
        return mask_phone(obj.phone)

    @admin.display(description="工作单位")
    def employer_display(self, obj: Expert) -> str:
        return obj.employer_display

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = _masked(Expert.objects.get(pk=obj.pk)) if change and obj.pk else None
            admin.ModelAdmin.save_model(self, request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}.expert",
                target=obj,
                before=before,
                after=_masked(obj),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action="admin.delete.expert", target=obj, before=_masked(obj))
            admin.ModelAdmin.delete_model(self, request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            saved = [model_to_dict(o) for o in getattr(formset, "new_objects", [])]
            saved += [model_to_dict(o) for o, _fields in getattr(formset, "changed_objects", [])]
            deleted = [model_to_dict(o) for o in getattr(formset, "deleted_objects", [])]
            if saved or deleted:
                audit_record(
                    actor=request.user,
                    action=f"admin.change.{formset.model._meta.model_name}",
                    target=form.instance,
                    before={"deleted": deleted} if deleted else None,
                    after={"saved": saved} if saved else None,
                )


@admin.register(ProjectVendor)
class ProjectVendorAdmin(AuditedModelAdmin):
    list_display = ["project", "name", "role", "organisation", "created_at"]
    list_filter = ["role"]
    search_fields = ["name", "project__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["project", "created_by"]


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DrawMemberInline(admin.TabularInline[DrawMember, ExpertDraw]):
    model = DrawMember
    extra = 0
    fields = ["position", "expert", "is_backup", "status", "replaces", "decline_reason"]
    readonly_fields = ["position", "expert", "is_backup", "status", "replaces", "decline_reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExpertDraw)
class ExpertDrawAdmin(_ReadOnly):
    inlines = [DrawMemberInline]
    list_display = [
        "project",
        "round",
        "stage_id",
        "stage_name",
        "size",
        "backups",
        "status",
        "seed",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["project__name", "stage_id", "seed"]


@admin.register(DrawSupplement)
class DrawSupplementAdmin(_ReadOnly):
    list_display = ["draw", "count", "seed", "created_by", "created_at"]


@admin.register(ExpertReview)
class ExpertReviewAdmin(_ReadOnly):
    list_display = ["member", "total", "verdict", "recommended_budget_yuan", "submitted_at"]


@admin.register(PanelConclusion)
class PanelConclusionAdmin(_ReadOnly):
    list_display = ["draw", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
