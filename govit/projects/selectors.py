"""Reading projects. Visibility is decided here, once, and every view and API endpoint uses it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from govit.accounts.choices import Role
from govit.accounts.selectors import user_scope
from govit.audit.choices import Outcome
from govit.audit.services import audit_record
from govit.core.errors import NotFoundError
from govit.projects.choices import EDITABLE_STATUSES, Status
from govit.projects.models import Project


def project_visibility_q(user: Any) -> Q:
    """A unit sees its own and co-built projects; bureaus their jurisdictions and those below; experts what is assigned."""
    scope = user_scope(user)
    q = Q(pk__in=[])
    if scope.unit_org_ids:
        q |= Q(lead_unit_id__in=scope.unit_org_ids) | Q(co_units__id__in=scope.unit_org_ids)
    if scope.overseen_jurisdiction_ids:
        q |= Q(jurisdiction_id__in=scope.overseen_jurisdiction_ids) & ~Q(status=Status.DRAFT)
    if scope.is_expert:
        q |= Q(expert_assignments__expert=user, expert_assignments__is_active=True)
    return q


def project_list_for_user(user: Any) -> QuerySet[Project]:
    visible_ids = Project.objects.filter(project_visibility_q(user)).values("pk")
    return Project.objects.filter(pk__in=visible_ids).select_related("lead_unit", "jurisdiction")


def project_get_for_user(*, user: Any, project_id: int) -> Project:
    """The project if ``user`` may see it; otherwise 404 (and the attempt is audited)."""
    project = project_list_for_user(user).filter(pk=project_id).first()
    if project is not None:
        return project
    existing = Project.objects.filter(pk=project_id).first()
    if existing is not None:
        audit_record(actor=user, action="project.view_denied", target=existing, outcome=Outcome.DENIED)
    raise NotFoundError("项目不存在或无权查看")


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    year: int | None = None
    unit_id: int | None = None
    min_yuan: int | None = None
    max_yuan: int | None = None
    text: str = ""


def project_filter(queryset: QuerySet[Project], filters: ProjectFilters) -> QuerySet[Project]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.unit_id:
        queryset = queryset.filter(lead_unit_id=filters.unit_id)
    if filters.min_yuan is not None:
        queryset = queryset.filter(total_yuan__gte=filters.min_yuan)
    if filters.max_yuan is not None:
        queryset = queryset.filter(total_yuan__lte=filters.max_yuan)
    if filters.text:
        queryset = queryset.filter(Q(name__icontains=filters.text) | Q(summary__icontains=filters.text))
    return queryset


def project_todo_for_user(user: Any) -> QuerySet[Project]:
    """待办 — what is waiting for this user's action."""
    scope = user_scope(user)
    q = Q(pk__in=[])
    if scope.unit_org_ids:
        q |= Q(lead_unit_id__in=scope.unit_org_ids, status__in=EDITABLE_STATUSES)
    if scope.has(Role.REVIEWER):
        q |= Q(
            jurisdiction_id__in=scope.overseen_jurisdiction_ids,
            status__in=[Status.SUBMITTED, Status.IN_REVIEW],
        )
    return project_list_for_user(user).filter(q).order_by("-updated_at")


def project_round(project: Project) -> int:
    """申报轮次: how many times the declaration has been submitted (a resubmission after 退回 starts a new
    round); 0 before the first submission."""
    return project.transitions.filter(to_status=Status.SUBMITTED).count()
