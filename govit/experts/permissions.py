"""Who may do what with the expert pool, draws and reviews."""

from __future__ import annotations

from typing import Any

from govit.accounts.choices import Role
from govit.accounts.models import Jurisdiction
from govit.accounts.selectors import user_scope
from govit.experts.models import DrawMember, Expert, ExpertDraw
from govit.projects.models import Project
from govit.projects.permissions import is_competent_reviewer


def can_manage_draws(user: Any, project: Project) -> bool:
    """主管部门审核人 of the project's jurisdiction (or of one above it)."""
    return is_competent_reviewer(user, project)


def can_edit_expert(user: Any, expert: Expert) -> bool:
    """A reviewer of the pool's jurisdiction (or of one above it)."""
    return expert.jurisdiction_id in user_scope(user).reviewer_jurisdiction_ids


def can_see_pool(user: Any) -> bool:
    return user_scope(user).has(Role.REVIEWER)


def pool_jurisdiction_ids(user: Any) -> set[int]:
    """Pools a reviewer may browse: where they review, the jurisdictions below and those above (whose
    experts their draws may take)."""
    scope = user_scope(user)
    ids = set(scope.reviewer_jurisdiction_ids)
    for jurisdiction in Jurisdiction.objects.filter(id__in=scope.reviewer_jurisdiction_ids):
        ids.update(jurisdiction.ancestors().values_list("id", flat=True))
    return ids


def is_member_expert(user: Any, member: DrawMember) -> bool:
    return bool(getattr(user, "pk", None)) and member.expert.user_id == user.pk


def user_id_of(user: Any) -> int:
    """The user's id, 0 for an anonymous user (matches no row)."""
    pk = getattr(user, "pk", None)
    return int(pk) if pk else 0


def has_submitted(user: Any, draw: ExpertDraw) -> bool:
    return draw.members.filter(expert__user_id=user_id_of(user), review__isnull=False).exists()


def can_see_panel_results(user: Any, draw: ExpertDraw) -> bool:
    """Other experts' reviews and the aggregate: the reviewer always; an expert once they have submitted."""
    return can_manage_draws(user, draw.project) or has_submitted(user, draw)
