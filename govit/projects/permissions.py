"""What a user may do to a project they can see."""

from __future__ import annotations

from typing import Any

from govit.accounts.selectors import user_scope
from govit.projects.choices import EDITABLE_STATUSES, Status
from govit.projects.models import Project


def is_unit_member(user: Any, project: Project) -> bool:
    return project.lead_unit_id in user_scope(user).unit_org_ids


def can_create_for(user: Any, organisation_id: int) -> bool:
    return organisation_id in user_scope(user).unit_org_ids


def can_edit(user: Any, project: Project) -> bool:
    return is_unit_member(user, project) and project.status in EDITABLE_STATUSES


def can_submit(user: Any, project: Project) -> bool:
    return can_edit(user, project)


def can_withdraw(user: Any, project: Project) -> bool:
    return is_unit_member(user, project) and project.status in {Status.SUBMITTED, Status.IN_REVIEW}


def is_competent_reviewer(user: Any, project: Project) -> bool:
    """主管部门审核人 of the project's jurisdiction (or of a jurisdiction above it)."""
    return project.jurisdiction_id in user_scope(user).reviewer_jurisdiction_ids


def can_override_finding(user: Any, project: Project) -> bool:
    return is_competent_reviewer(user, project) and project.status != Status.DRAFT


def can_upload(user: Any, project: Project) -> bool:
    """The unit's clerk or head, until the project is closed."""
    return is_unit_member(user, project) and project.status not in {Status.TERMINATED, Status.NOT_SUPPORTED}


def can_open_round(user: Any, jurisdiction_id: int) -> bool:
    """申报批次 are published by a 主管部门审核人 of the jurisdiction itself."""
    from govit.accounts.models import Organisation

    scope = user_scope(user)
    return Organisation.objects.filter(
        pk__in=scope.reviewer_org_ids, jurisdiction_id=jurisdiction_id
    ).exists()
