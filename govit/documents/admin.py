from django.contrib import admin

from govit.documents.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin[Attachment]):
    list_display = [
        "project",
        "requirement_name",
        "version",
        "original_name",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    search_fields = ["project__name", "requirement_name", "original_name", "sm3"]
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
