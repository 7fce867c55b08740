"""Uploading and downloading materials. The file is checked and hashed before anything is written (and
encrypted with SM4-GCM when a key is configured, see ``crypto``); the row and its audit event commit together,
and a file whose row did not commit is removed again. A download is served only after the stored file has
been read through once and its plaintext found to have the SM3 digest recorded at upload."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from govit.audit.choices import Outcome
from govit.audit.hashing import sm3_hex_stream
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.documents import crypto, detect
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
    stored = _store(f"projects/{project.pk}/{uuid.uuid4().hex}.{kind.extension}", handle)
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


def _store(name: str, handle: IO[bytes]) -> str:
    """Save the upload under ``name``: as it is, or SM4-GCM encrypted through a temporary file of ciphertext
    (never the whole file in memory) when a key is configured."""
    key = crypto.storage_key()
    if key is None:
        return default_storage.save(name, File(handle))
    with tempfile.TemporaryFile() as sealed:
        crypto.encrypt_stream(handle, sealed, key, nonce=os.urandom(crypto.NONCE_SIZE))
        sealed.seek(0)
        return default_storage.save(name, File(sealed, name=name))


def _integrity_refuse(actor: Any, attachment: Attachment, problem: str) -> ServiceError:
    audit_record(
        actor=actor,
        action="document.integrity_failed",
        target=attachment.project,
        outcome=Outcome.FAILURE,
        after={"attachment_id": attachment.pk, "sm3": attachment.sm3, "problem": problem},
    )
    return ServiceError(
        f"“{attachment.requirement_name}”第 {attachment.version} 版未通过完整性校验（{problem}），"
        "系统拒绝提供下载，已记入审计日志。请联系系统管理员从备份恢复该文件。",
        field="file",
    )


def _plaintext_digest(attachment: Attachment, key: bytes | None) -> str:
    digest = hashes.Hash(hashes.SM3())
    with attachment.file.storage.open(str(attachment.file.name), "rb") as handle:
        for block in crypto.plaintext_chunks(handle, key):
            digest.update(block)
    return digest.finalize().hex()


def attachment_download(*, actor: Any, attachment: Attachment) -> Iterator[bytes]:
    """下载材料 — the material's plaintext as a stream of chunks, after it has been verified.

    The stored file is read through once (decrypting frame by frame) and the SM3 digest of its plaintext
    compared with the one recorded at upload. A file that fails (altered, cut short, wrong or missing key,
    missing from storage) is refused with a ``ServiceError`` and a ``document.integrity_failed`` audit event.
    The stream then served decrypts again and checks the digest once more at its end, so a file replaced
    between the two reads is cut off and audited rather than completed."""
    key = crypto.storage_key()
    try:
        digest = _plaintext_digest(attachment, key)
    except crypto.IntegrityFailure as failure:
        raise _integrity_refuse(actor, attachment, failure.message) from None
    except Exception:  # the storage's own errors: OSError locally, botocore's ClientError on S3
        raise _integrity_refuse(actor, attachment, "存储中找不到或无法读取该文件") from None
    if digest != attachment.sm3:
        raise _integrity_refuse(actor, attachment, "SM3 摘要与上传时不一致") from None
    audit_record(
        actor=actor,
        action="attachment.download",
        target=attachment.project,
        after={"attachment_id": attachment.pk, "sm3": attachment.sm3},
    )
    return _verified_stream(actor, attachment, key)


def _verified_stream(actor: Any, attachment: Attachment, key: bytes | None) -> Iterator[bytes]:
    digest = hashes.Hash(hashes.SM3())
    with attachment.file.storage.open(str(attachment.file.name), "rb") as handle:
        try:
            for block in crypto.plaintext_chunks(handle, key):
                digest.update(block)
                yield block
        except crypto.IntegrityFailure as failure:
            raise _integrity_refuse(actor, attachment, failure.message) from None
    if digest.finalize().hex() != attachment.sm3:
        raise _integrity_refuse(actor, attachment, "SM3 摘要与上传时不一致（文件在下载过程中被替换）")
