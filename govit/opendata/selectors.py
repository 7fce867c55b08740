"""Reads for 数据报送: who may send which jurisdiction's data up, and everything about its projects in a few
queries, however many projects it has."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q

from govit.acceptance.choices import ApplicationStatus
from govit.acceptance.models import AcceptanceApplication
from govit.accounts.choices import OrganisationKind
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.delivery.choices import ChangeStatus
from govit.delivery.models import ChangeRequest, Contract, Payment, Procurement
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation
from govit.opendata.choices import DEFAULT_OCID_PREFIX, EXPORT_ROLES
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval
from govit.workflow.selectors import APPROVED_ONWARDS


def export_role_holder(user: Any) -> bool:
    """Whether ``user`` holds a role that reports for some jurisdiction (审核人, 分管领导, 上级主管部门)."""
    return any(role in EXPORT_ROLES for role, _org in user_scope(user).role_orgs)


def export_jurisdiction_ids(user: Any) -> frozenset[int]:
    """The jurisdictions ``user`` may send up: where they act for the competent bureau or supervise, and every
    jurisdiction below (never more than what their roles oversee)."""
    scope = user_scope(user)
    org_ids = {org for role, org in scope.role_orgs if role in EXPORT_ROLES}
    if not org_ids:
        return frozenset()
    roots = Jurisdiction.objects.filter(organisations__id__in=org_ids).distinct()
    reachable: set[int] = set()
    for root in roots:
        reachable.update(root.descendants(include_self=True).values_list("id", flat=True))
    return frozenset(reachable & set(scope.overseen_jurisdiction_ids))


def export_jurisdictions_for(user: Any) -> list[Jurisdiction]:
    return list(
        Jurisdiction.objects.filter(pk__in=export_jurisdiction_ids(user))
        .select_related("parent")
        .order_by("code")
    )


def jurisdiction_by_code(code: str) -> Jurisdiction | None:
    return Jurisdiction.objects.select_related("parent").filter(code=code).first()


def reported_project_counts(jurisdiction_ids: list[int], *, year: int | None) -> dict[int, dict[str, int]]:
    """{jurisdiction id: {"reported": non-draft projects, "approved": those granted 立项}} for the home page."""
    projects = Project.objects.filter(jurisdiction_id__in=jurisdiction_ids).exclude(status=Status.DRAFT)
    if year is not None:
        projects = projects.filter(year=year)
    rows = projects.values("jurisdiction_id").annotate(
        reported=Count("id"),
        approved=Count("id", filter=Q(status__in=APPROVED_ONWARDS)),
    )
    return {
        row["jurisdiction_id"]: {"reported": row["reported"], "approved": row["approved"]} for row in rows
    }


def competent_bureau(jurisdiction: Jurisdiction) -> Organisation | None:
    return (
        Organisation.objects.filter(
            jurisdiction=jurisdiction, kind=OrganisationKind.COMPETENT_BUREAU, is_active=True
        )
        .order_by("pk")
        .first()
    )


def ocid_for(project: Project, jurisdiction: Jurisdiction) -> str:
    """The open contracting identifier: the publisher's prefix (``GOVIT_OCID_PREFIX``), the jurisdiction's
    code and the project's id — stable for the life of the project."""
    prefix = getattr(settings, "GOVIT_OCID_PREFIX", "") or DEFAULT_OCID_PREFIX
    return f"{prefix}{jurisdiction.code}-{project.pk}"


@dataclass
class ProjectRecord:
    """One project and what was recorded about it after 立项, as loaded for an export."""

    project: Project
    approval: ProjectApproval | None
    contracts: list[Contract] = field(default_factory=list)
    procurements: list[Procurement] = field(default_factory=list)
    changes: list[ChangeRequest] = field(default_factory=list)  # approved, oldest first
    accepted_on: dt.date | None = None
    overdue: int = 0

    @property
    def paid_yuan(self) -> int:
        return sum(payment.amount_yuan for contract in self.contracts for payment in contract.payments.all())

    @property
    def contract_total_yuan(self) -> int:
        return sum(contract.amount_yuan for contract in self.contracts)

    @property
    def current_budget_yuan(self) -> int | None:
        """The budget in force: the last agreed change, else the 立项 budget (None without a 立项 record)."""
        if self.changes:
            return self.changes[-1].new_total_yuan
        return self.approval.approved_budget_yuan if self.approval is not None else None


def project_records(
    jurisdiction: Jurisdiction, *, year: int | None, approved_only: bool = False
) -> list[ProjectRecord]:
    """The jurisdiction's own projects (drafts are never reported), oldest id first; ``approved_only`` keeps
    those granted 立项. A fixed number of queries."""
    projects = Project.objects.filter(jurisdiction=jurisdiction).exclude(status=Status.DRAFT)
    if year is not None:
        projects = projects.filter(year=year)
    if approved_only:
        projects = projects.filter(status__in=APPROVED_ONWARDS)
    projects = (
        projects.select_related("lead_unit", "approval")
        .prefetch_related(
            Prefetch("co_units", queryset=Organisation.objects.order_by("pk")),
            Prefetch(
                "contracts",
                queryset=Contract.objects.order_by("signed_on", "id").prefetch_related(
                    Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id"))
                ),
            ),
            Prefetch("procurements", queryset=Procurement.objects.order_by("lot", "id")),
            Prefetch(
                "change_requests",
                queryset=ChangeRequest.objects.filter(status=ChangeStatus.APPROVED).order_by(
                    "decided_at", "id"
                ),
                to_attr="approved_changes",
            ),
        )
        .order_by("pk")
    )
    loaded = list(projects)
    ids = [project.pk for project in loaded]
    accepted = dict(
        AcceptanceApplication.objects.filter(project_id__in=ids, status=ApplicationStatus.PASSED)
        .values("project_id")
        .annotate(last=Max("decided_on"))
        .values_list("project_id", "last")
    )
    overdue = dict(
        Obligation.objects.filter(project_id__in=ids, state=ObligationState.OVERDUE)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    return [
        ProjectRecord(
            project=project,
            approval=getattr(project, "approval", None),
            contracts=list(project.contracts.all()),
            procurements=list(project.procurements.all()),
            changes=list(project.approved_changes),  # type: ignore[attr-defined]
            accepted_on=accepted.get(project.pk),
            overdue=int(overdue.get(project.pk, 0)),
        )
        for project in loaded
    ]
