"""Uploading materials. The file is checked and hashed before anything is written; the row and its audit
event commit together, and a file whose row did not commit is removed again."""

from __future__ import annotations

import uuid
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from govit.audit.hashing import sm3_hex_stream
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.documents import detect
from govit.documents.models import Attachment
from govit.documents.selectors import requirement_find
from govit.projects import permissions
from govit.projects.models import Project
from govit.projects.services import project_lock


def attachment_upload(
    *,
    actor: Any,
    project: Project,
    requirement_code: str,
    handle: IO[bytes],
    name: str,
    size: int,
    note: str = "",
) -> Attachment:
    """上传材料 — the next version of the document answering ``requirement_code`` of the project's pack."""
    if not permissions.can_upload(actor, project):
        raise PermissionDeniedError("只有建设单位的经办人或负责人可以上传本项目材料")
    requirement = requirement_find(project, requirement_code)
    if requirement is None:
        raise ServiceError("该项目的政策包没有这项材料要求", field="requirement_code")
    limit = int(settings.GOVIT_UPLOAD_MAX_BYTES)
    if requirement.get("max_mb"):  # the pack's own limit for this material, never above the site's
        limit = min(limit, int(requirement["max_mb"]) * 1024 * 1024)
    if size <= 0:
        raise ServiceError("文件为空，请重新选择", field="file")
    if size > limit:
        raise ServiceError(
            f"文件过大：{requirement.get('name', '该材料')}上限 {limit // (1024 * 1024)} MB", field="file"
        )
    display_name = detect.filename_sanitise(name)
    try:
        kind = detect.content_detect(handle, display_name)
    except detect.UnsafeFile as error:
        raise ServiceError(str(error), field="file") from error
    accept = list(requirement.get("accept") or [])
    if accept and kind.extension not in accept:
        raise ServiceError(
            f"{requirement.get('name', '该材料')}只接受 {'、'.join(accept)} 格式，所选文件是 {kind.extension}",
            field="file",
        )
    handle.seek(0)
    digest = sm3_hex_stream(handle)
    handle.seek(0)
    stored = default_storage.save(f"projects/{project.pk}/{uuid.uuid4().hex}.{kind.extension}", File(handle))
    try:
        with transaction.atomic():
            locked = project_lock(project)
            current = locked.attachments.filter(requirement_code=requirement_code).aggregate(v=Max("version"))
            attachment = Attachment.objects.create(
                project=locked,
                requirement_code=requirement_code,
                requirement_name=str(requirement.get("name", requirement_code))[:200],
                stage=str(requirement.get("stage", ""))[:80],
                version=(current["v"] or 0) + 1,
                file=stored,
                original_name=display_name,
                size=size,
                content_type=kind.content_type,
                extension=kind.extension,
                sm3=digest,
                note=note.strip()[:200],
                uploaded_by=actor,
                uploaded_at=clock.now(),
            )
            audit_record(
                actor=actor,
                action="attachment.upload",
                target=locked,
                after={
                    "attachment_id": attachment.pk,
                    "requirement": requirement_code,
                    "version": attachment.version,
                    "name": display_name,
                    "size": size,
                    "sm3": digest,
                },
            )
    except Exception:
        default_storage.delete(stored)
        raise
    return attachment
