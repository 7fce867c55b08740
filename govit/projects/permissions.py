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
    return is_unit_member(user, project) and project.status == Status.SUBMITTED
