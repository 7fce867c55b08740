"""Reading projects. Visibility is decided here, once, and every view and API endpoint uses it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from govit.accounts.choices import OrganisationKind, Role
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.audit.choices import Outcome
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import NotFoundError
from govit.policies.engine import PackError, load_pack
from govit.policies.engine.windows import declaration_window
from govit.policies.selectors import work_calendar
from govit.projects.choices import EDITABLE_STATUSES, Status
from govit.projects.models import DeclarationRound, ExpertAssignment, Project, ProjectTransition


def project_visibility_q(user: Any) -> Q:
    """A unit sees its own and co-built projects; bureaus their jurisdictions and those below; experts what is
    assigned. Written without joins (the to-many parts are subqueries), so a filter by it reads each visible
    project once and can use the project table's own indexes. A unit's own and co-built projects are one
    ``UNION`` subquery: PostgreSQL cannot use an index for ``lead_unit IN (…) OR id IN (subquery)`` and read
    the whole table for it (130 ms at 100,000 projects; 3 ms as a union)."""
    scope = user_scope(user)
    q = Q(pk__in=[])
    if scope.unit_org_ids:
        own = Project.objects.filter(lead_unit_id__in=scope.unit_org_ids).order_by().values("pk")
        co_built = Project.co_units.through.objects.filter(organisation_id__in=scope.unit_org_ids).values(
            "project_id"
        )
        q |= Q(pk__in=own.union(co_built))
    if scope.overseen_jurisdiction_ids:
        q |= Q(jurisdiction_id__in=scope.overseen_jurisdiction_ids) & ~Q(status=Status.DRAFT)
    if scope.is_expert:
        assigned = ExpertAssignment.objects.filter(expert=user, is_active=True).values("project_id")
        q |= Q(pk__in=assigned)
    return q


def project_list_for_user(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(project_visibility_q(user)).select_related("lead_unit", "jurisdiction")


def project_unit_choices(user: Any) -> QuerySet[Organisation]:
    """The 建设单位 a user may filter the project list by: their own units, the lead units of the projects they
    co-build or are assigned, and every unit of the jurisdictions they oversee. Read from the organisations, not
    from the (many) visible projects."""
    scope = user_scope(user)
    q = Q(pk__in=scope.unit_org_ids)
    if scope.unit_org_ids:
        co_built = Project.co_units.through.objects.filter(organisation_id__in=scope.unit_org_ids).values(
            "project_id"
        )
        q |= Q(pk__in=Project.objects.filter(pk__in=co_built).values("lead_unit_id"))
    if scope.overseen_jurisdiction_ids:
        q |= Q(jurisdiction_id__in=scope.overseen_jurisdiction_ids) & ~Q(kind=OrganisationKind.EXPERT_POOL)
    if scope.is_expert:
        assigned = ExpertAssignment.objects.filter(expert=user, is_active=True).values("project_id")
        q |= Q(pk__in=Project.objects.filter(pk__in=assigned).values("lead_unit_id"))
    return Organisation.objects.filter(q).order_by("name")


def project_get_for_user(*, user: Any, project_id: int, related: tuple[str, ...] = ()) -> Project:
    """The project if ``user`` may see it; otherwise 404 (and the attempt is audited). ``related``: further
    relations to read in the same query (``select_related``)."""
    project = (
        Project.objects.select_related("lead_unit", "jurisdiction", *related).filter(pk=project_id).first()
    )
    if project is not None and (
        _visible_by_scope(user, project) or project_list_for_user(user).filter(pk=project_id).exists()
    ):
        return project
    if project is not None:
        audit_record(actor=user, action="project.view_denied", target=project, outcome=Outcome.DENIED)
    raise NotFoundError("项目不存在或无权查看")


def _visible_by_scope(user: Any, project: Project) -> bool:
    """The join-free terms of ``project_visibility_q``, checked on a project already read: its own unit, or a
    jurisdiction overseen and not a draft. When they do not hold, the whole rule is asked of the database
    (co-built, assigned experts)."""
    scope = user_scope(user)
    return project.lead_unit_id in scope.unit_org_ids or (
        project.jurisdiction_id in scope.overseen_jurisdiction_ids and project.status != Status.DRAFT
    )


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
    return project_rounds([project.pk]).get(project.pk, 0)


def project_rounds(project_ids: list[int]) -> dict[int, int]:
    """``project_round`` of many projects in one query (projects never submitted are left out)."""
    if not project_ids:
        return {}
    rows = (
        ProjectTransition.objects.filter(project_id__in=project_ids, to_status=Status.SUBMITTED)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    return dict(rows)


# ------------------------------------------------------------------ 申报批次


@dataclass(frozen=True)
class RoundStanding:
    """Where a declaration made today stands against its jurisdiction's round for its plan year."""

    round: DeclarationRound | None
    in_window: bool
    text: str


def round_for(project: Project) -> DeclarationRound | None:
    return DeclarationRound.objects.filter(jurisdiction_id=project.jurisdiction_id, year=project.year).first()


def round_standing(project: Project, day: dt.date) -> RoundStanding:
    found = round_for(project)
    if found is None:
        return RoundStanding(None, True, "本年度未发布申报批次，常态化受理")
    period = f"{found.opens_on:%Y年%m月%d日}起" + (
        f"至{found.closes_on:%Y年%m月%d日}" if found.closes_on else "常态化受理"
    )
    basis = f"（{found.basis}）" if found.basis else ""
    if found.accepts(day):
        return RoundStanding(found, True, f"{found.name}：{period}{basis}")
    state = "尚未开始受理" if day < found.opens_on else "已截止"
    return RoundStanding(found, False, f"{found.name}{state}：{period}{basis}")


def jurisdiction_pack_code(jurisdiction: Jurisdiction) -> str:
    """The policy pack that governs ``jurisdiction``: its own, else the nearest one above it."""
    for level in jurisdiction.ancestors(include_self=True).reverse():
        if level.pack_code:
            return level.pack_code
    return ""


def round_defaults(jurisdiction: Jurisdiction, year: int) -> dict[str, Any]:
    """A new round's form, filled from the jurisdiction's pack: its yearly window if the regulation sets one
    (舒城 第九条 7月底, 上城 ¶32 9月底), else rolling intake."""
    pack_code = jurisdiction_pack_code(jurisdiction)
    window = None
    if pack_code:
        try:
            window = declaration_window(load_pack(pack_code).pack, year, work_calendar())
        except PackError:
            window = None
    if window is None:
        return {
            "name": f"{year}年度政务信息化项目申报（常态化受理）",
            "opens_on": clock.today(),
            "closes_on": None,
            "basis": "",
        }
    return {
        "name": f"{year}年度政务信息化项目集中申报",
        "opens_on": window.opens_on or dt.date(year - 1, 1, 1),
        "closes_on": window.closes_on,
        "basis": f"{window.article}：{window.quote}"[:300],
    }


def rounds_for_user(user: Any) -> QuerySet[DeclarationRound]:
    scope = user_scope(user)
    ids = set(scope.overseen_jurisdiction_ids) | {
        jid
        for jid in Organisation.objects.filter(pk__in=scope.unit_org_ids).values_list(
            "jurisdiction_id", flat=True
        )
    }
    return DeclarationRound.objects.filter(jurisdiction_id__in=ids).select_related("jurisdiction")
