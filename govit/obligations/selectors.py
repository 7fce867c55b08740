"""Reading obligations: their state on a day, the lights of a list of projects, what a user may see, and the
due dates issuing bureaus set (as facts for the engine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from govit.accounts.choices import OrganisationKind
from govit.accounts.models import Organisation
from govit.accounts.selectors import user_scope
from govit.obligations.choices import LIGHTS, ObligationState
from govit.obligations.models import IssuerDueDate, Obligation
from govit.projects.models import Project

# Roles of a pack deadline that the construction unit itself carries.
UNIT_PARTIES = frozenset({"PROJECT_UNIT", "LEADER_SIGNOFF"})
_ONE_DAY = dt.timedelta(days=1)


def state_on(due_on: dt.date, remind_on: dt.date, today: dt.date) -> tuple[str, dt.date | None]:
    """(state, the day it next changes) of an obligation still open on ``today``; the day after an overdue
    one is left to the escalation ladder."""
    if today > due_on:
        return ObligationState.OVERDUE, None
    if today >= remind_on:
        return ObligationState.DUE_SOON, due_on + _ONE_DAY
    return ObligationState.UPCOMING, remind_on


def responsible_organisation(project: Project, role: str) -> Organisation:
    """The unit for its own duties; the jurisdiction's 主管部门 for the others (it coordinates finance, the
    approval department and experts within its procedure)."""
    if role in UNIT_PARTIES:
        return project.lead_unit
    bureau = (
        Organisation.objects.filter(
            jurisdiction_id=project.jurisdiction_id, kind=OrganisationKind.COMPETENT_BUREAU
        )
        .order_by("id")
        .first()
    )
    return bureau or project.lead_unit


def issuer_due_facts(project: Project) -> dict[str, Any]:
    """``issuer_due_dates`` for the engine (registered as a fact provider)."""
    return {
        f"issuer_due_dates.{rule_id}": due_on
        for rule_id, due_on in IssuerDueDate.objects.filter(project=project).values_list("rule_id", "due_on")
    }


def obligation_lights(project_ids: Iterable[int]) -> dict[int, str]:
    """{project id: red | yellow | green} for a page of projects, in one query."""
    ids = list(project_ids)
    lights = dict.fromkeys(ids, "green")
    rows = (
        Obligation.objects.filter(project_id__in=ids, state__in=list(LIGHTS))
        .values_list("project_id", "state")
        .distinct()
    )
    for project_id, state in rows:
        if lights[project_id] != "red":
            lights[project_id] = LIGHTS[ObligationState(state)]
    return lights


def obligations_for_user(user: Any) -> QuerySet[Obligation]:
    """A unit sees its own obligations and those of its projects; a bureau its jurisdiction and those below
    it; nobody else sees any."""
    scope = user_scope(user)
    jurisdictions = scope.reviewer_jurisdiction_ids | scope.overseen_jurisdiction_ids
    query = Q(pk__in=[])
    if scope.unit_org_ids:
        query |= Q(organisation_id__in=scope.unit_org_ids) | Q(project__lead_unit_id__in=scope.unit_org_ids)
    if jurisdictions:
        query |= Q(jurisdiction_id__in=jurisdictions)
    return Obligation.objects.filter(query)


def project_obligations(project: Project) -> list[Obligation]:
    return list(project.obligations.select_related("organisation", "waived_by").order_by("due_on", "id"))
