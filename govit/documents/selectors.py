"""Reading materials: which requirement a code names, what a project has given, who may download."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govit.audit.choices import Outcome
from govit.audit.services import audit_record
from govit.core.errors import NotFoundError
from govit.documents.models import Attachment
from govit.projects.models import Project
from govit.projects.policy import project_policy
from govit.projects.selectors import project_list_for_user


def requirement_find(project: Project, code: str) -> dict[str, Any] | None:
    """The pack's document requirement ``code`` as it applies to the project now."""
    policy = project_policy(project)
    for documents in (policy.get("documents") or {}).values():
        for document in documents:
            if document.get("code") == code:
                return dict(document)
    return None


def attachments_latest(attachments: Iterable[Attachment]) -> dict[str, Attachment]:
    """The latest version per requirement code, of ``attachments`` read by code, newest version first (the
    model's order)."""
    latest: dict[str, Attachment] = {}
    for attachment in attachments:
        latest.setdefault(attachment.requirement_code, attachment)
    return latest


def attachment_get_for_user(*, user: Any, attachment_id: int) -> Attachment:
    """The attachment if ``user`` may see its project; otherwise 404 (and the attempt is audited)."""
    attachment = Attachment.objects.select_related("project").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError("材料不存在或无权查看")
    if not project_list_for_user(user).filter(pk=attachment.project_id).exists():
        audit_record(
            actor=user, action="attachment.download_denied", target=attachment.project, outcome=Outcome.DENIED
        )
        raise NotFoundError("材料不存在或无权查看")
    return attachment
