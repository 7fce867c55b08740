"""回避 — whether an expert must stay off a project's panel, and why.

An expert is conflicted when their current employer is the applicant (建设单位) or a co-builder (共建单位),
a vendor or bidder on the project; when they worked for one of those within the look-back period; when they
declared an interest in one of those; or when their own account belongs to one of those units. Units match
by their record in the system or, for names typed in, by the exact name (whitespace ignored).

``conflict_reasons`` is pure (plain values in, Chinese reasons out); ``expert_conflicts`` loads the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from govit.accounts.models import RoleAssignment
from govit.core import clock
from govit.experts.models import Expert, ProjectVendor
from govit.projects.models import Project

DEFAULT_LOOKBACK_YEARS = 3


def lookback_years_setting() -> int:
    return int(getattr(settings, "GOVIT_EXPERT_LOOKBACK_YEARS", DEFAULT_LOOKBACK_YEARS))


@dataclass(frozen=True)
class Party:
    """A unit taking part in the project: the applicant, a co-builder or a vendor."""

    org_id: int | None
    name: str
    label: str  # 建设单位 / 共建单位 / 投标人 / 中标人 / 供应商


@dataclass(frozen=True)
class Unit:
    """A unit the expert is tied to (employer, past employer, declared interest)."""

    org_id: int | None
    name: str


@dataclass(frozen=True)
class PastEmployment:
    unit: Unit
    start: dt.date
    end: dt.date | None  # None: still employed there


@dataclass(frozen=True)
class Declared:
    unit: Unit
    reason: str


def _norm(name: str) -> str:
    return "".join(name.split())


def _matches(unit: Unit, party: Party) -> bool:
    if unit.org_id is not None and party.org_id is not None and unit.org_id == party.org_id:
        return True
    return bool(_norm(unit.name)) and _norm(unit.name) == _norm(party.name)


def lookback_start(on: dt.date, years: int) -> dt.date:
    """The first day inside the look-back: the same day ``years`` years before ``on`` (29 Feb → 28 Feb)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def conflict_reasons(
    *,
    parties: Sequence[Party],
    employers: Sequence[Unit] = (),
    employments: Sequence[PastEmployment] = (),
    declared: Sequence[Declared] = (),
    user_org_ids: Iterable[int] = (),
    on: dt.date,
    lookback_years: int,
) -> list[str]:
    """Every reason the expert must not sit on the panel; empty when there is none.

    An employment counts when it ended on or after ``lookback_start(on, lookback_years)`` (or has not
    ended); one that ended the day before that is outside the look-back."""
    reasons: list[str] = []

    def add(reason: str) -> None:
        if reason not in reasons:
            reasons.append(reason)

    for party in parties:
        for unit in employers:
            if _matches(unit, party):
                add(f"现工作单位“{party.name}”是本项目的{party.label}")
    limit = lookback_start(on, lookback_years)
    for job in employments:
        if job.end is not None and job.end < limit:
            continue
        for party in parties:
            if _matches(job.unit, party):
                if job.end is None:
                    add(f"任职单位“{party.name}”是本项目的{party.label}")
                else:
                    add(
                        f"近 {lookback_years} 年内曾任职于本项目的{party.label}“{party.name}”"
                        f"（{job.end.isoformat()} 离职，追溯至 {limit.isoformat()}）"
                    )
    for item in declared:
        for party in parties:
            if _matches(item.unit, party):
                add(f"本人申报与本项目的{party.label}“{party.name}”存在利害关系：{item.reason}")
    org_ids = set(user_org_ids)
    for party in parties:
        if party.org_id is not None and party.org_id in org_ids:
            add(f"本人是本项目{party.label}“{party.name}”的系统用户")
    return reasons


def project_parties(project: Project) -> list[Party]:
    """The applicant, the co-builders and the vendors/bidders of ``project``."""
    parties = [Party(project.lead_unit_id, project.lead_unit.name, "建设单位")]
    parties.extend(Party(org.pk, org.name, "共建单位") for org in project.co_units.all())
    for vendor in ProjectVendor.objects.filter(project=project).select_related("organisation"):
        parties.append(Party(vendor.organisation_id, vendor.name, vendor.get_role_display()))
        if vendor.organisation is not None and vendor.organisation.name != vendor.name:
            parties.append(Party(None, vendor.organisation.name, vendor.get_role_display()))
    return parties


def _employers(expert: Expert) -> list[Unit]:
    units = []
    if expert.employer is not None:
        units.append(Unit(expert.employer_id, expert.employer.name))
    if expert.employer_name.strip():
        units.append(Unit(None, expert.employer_name))
    return units


def conflicts_for(
    experts: Sequence[Expert],
    project: Project,
    *,
    on: dt.date | None = None,
    lookback_years: int | None = None,
) -> dict[int, list[str]]:
    """Reasons per expert id (only conflicted experts appear); a few queries for the whole list."""
    on = on or clock.today()
    years = lookback_years_setting() if lookback_years is None else lookback_years
    parties = project_parties(project)
    user_ids = [e.user_id for e in experts if e.user_id is not None]
    orgs_of_user: dict[int, set[int]] = {}
    for user_id, org_id in RoleAssignment.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "organisation_id"
    ):
        orgs_of_user.setdefault(user_id, set()).add(org_id)
    out: dict[int, list[str]] = {}
    for expert in experts:
        user_orgs = set(orgs_of_user.get(expert.user_id or 0, set()))
        if expert.user is not None and expert.user.primary_organisation_id is not None:
            user_orgs.add(expert.user.primary_organisation_id)
        reasons = conflict_reasons(
            parties=parties,
            employers=_employers(expert),
            employments=[
                PastEmployment(Unit(job.organisation_id, job.display_name), job.start, job.end)
                for job in expert.employments.all()
            ],
            declared=[
                Declared(Unit(item.organisation_id, item.display_name), item.reason)
                for item in expert.declared_conflicts.all()
            ],
            user_org_ids=user_orgs,
            on=on,
            lookback_years=years,
        )
        if reasons:
            out[expert.pk] = reasons
    return out


def expert_conflicts(
    expert: Expert, project: Project, on: dt.date | None = None, lookback_years: int | None = None
) -> list[str]:
    """Why ``expert`` must stay off ``project``'s panel (``settings.GOVIT_EXPERT_LOOKBACK_YEARS``, default
    3 years of past employment); an empty list when nothing stands in the way."""
    return conflicts_for([expert], project, on=on, lookback_years=lookback_years).get(expert.pk, [])
