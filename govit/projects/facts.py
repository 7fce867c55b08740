"""项目事实数据 — the one place a Project becomes the facts document the policy engine reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from govit.accounts.choices import JurisdictionLevel, OrganisationKind
from govit.policies.engine import Facts, PackError, load_pack
from govit.projects.choices import COST_HEADS, EARMARKS
from govit.projects.models import Project
from govit.projects.packforms import form_facts, plan_months

_UNIT_LEVEL: dict[str, str] = {
    JurisdictionLevel.PROVINCE: "province",
    JurisdictionLevel.CITY: "city",
    JurisdictionLevel.COUNTY: "county",
}
_UNIT_KIND: dict[str, str] = {
    OrganisationKind.COMPETENT_BUREAU: "party_gov_organ",
    OrganisationKind.CO_REVIEWER: "party_gov_organ",
    OrganisationKind.DEPARTMENT: "party_gov_organ",
    OrganisationKind.TOWN_STREET: "town_street",
    OrganisationKind.PARK: "park",
    OrganisationKind.STATE_ENTERPRISE: "soe",
}
FUNDING_FACTS = {
    "fund_fiscal": "fiscal_local",
    "fund_upper": "fiscal_upper_province",
    "fund_bond": "special_bond",
    "fund_self": "self_raised",
    "fund_social": "social",
    "fund_other": "other",
}


def _unit_level(project: Project) -> str | None:
    """县 and 区 share a level in the jurisdiction tree; the facts tell them apart (上城 ¶5 covers 区本级)."""
    jurisdiction = project.jurisdiction
    if jurisdiction.level == JurisdictionLevel.COUNTY and jurisdiction.name.endswith("区"):
        return "district"
    return _UNIT_LEVEL.get(jurisdiction.level)


# Later stages of the lifecycle (procurement, contracts …) live in apps above this one; each registers a
# function giving the facts it holds as {dotted path: value}.
FactProvider = Callable[[Project], dict[str, Any]]
_PROVIDERS: list[FactProvider] = []


def fact_provider_register(provider: FactProvider) -> FactProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def project_facts(project: Project, overlay: dict[str, Any] | None = None) -> Facts:
    """The facts document of ``project``; ``overlay`` ({dotted path: value}) shows what a change would make
    of it before the change is saved."""
    data = project_facts_data(project)
    for path, value in (overlay or {}).items():
        _put(data, path, value)
    return Facts.from_dict(data)


def project_facts_data(project: Project) -> dict[str, Any]:
    unit = project.lead_unit
    data: dict[str, Any] = {
        "name": project.name,
        "summary": project.summary,
        "plan_year": project.year,
        "amounts": {code: project.cost(code) for code, _label in COST_HEADS + EARMARKS},
        "funding": {target: int(getattr(project, source)) for source, target in FUNDING_FACTS.items()},
        "nature": project.nature,
        "procurement_category": project.procurement_category,
        "secrecy": project.secrecy,
        "unit_level": _unit_level(project),
        "unit_kind": _UNIT_KIND.get(unit.kind),
        "buys_server_hardware": project.buys_server_hardware,
        "buys_hardware": project.buys_server_hardware or project.cost_equipment > 0,
        "deploys_on_gov_cloud": project.deploys_on_gov_cloud,
        "has_data_catalog": project.has_data_catalog,
        "cross_dept": project.co_units.exists(),  # answered from the page's prefetched co-units if it has them
        # declared outside the round's window as 增补项目（一事一议）/ 专题请示: the pack asks for its approval
        "special_approval": project.off_window,
        "dates": {"declared": timezone.localdate(project.submitted_at) if project.submitted_at else None},
        "overrides": {
            o.rule_id: {
                "by": o.decided_by.display_name or o.decided_by.username,
                "justification": o.justification,
                "date": timezone.localdate(o.decided_at),
            }
            for o in _overrides_in_force(project)
        },
    }
    if project.pack_code and project.pk:
        data.update(_document_facts(project))
        data["plan_start_month"], data["plan_end_month"] = plan_months(project)
        for path, value in form_facts(project).items():
            _put(data, path, value)
    if project.pk:
        for provider in _PROVIDERS:
            for path, value in provider(project).items():
                _put(data, path, value)
    return data


def _document_facts(project: Project) -> dict[str, bool]:
    """Facts a pack says an uploaded document establishes (e.g. 政务数据资源共享清单 → has_data_catalog)."""
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        return {}
    wanted = {d.code: d.fact for d in pack.documents if d.fact}
    if not wanted:
        return {}
    attachments = _prefetched(project, "attachments")
    if attachments is not None:
        given = {a.requirement_code for a in attachments} & set(wanted)
    else:
        given = set(
            project.attachments.filter(requirement_code__in=list(wanted)).values_list(
                "requirement_code", flat=True
            )
        )
    return {wanted[code]: True for code in given}


def _overrides_in_force(project: Project) -> list[Any]:
    """The finding overrides not revoked, each with who decided it."""
    overrides = _prefetched(project, "finding_overrides")
    if overrides is not None:
        return [o for o in overrides if o.revoked_at is None]
    return list(project.finding_overrides.filter(revoked_at__isnull=True).select_related("decided_by"))


def _prefetched(project: Project, relation: str) -> list[Any] | None:
    """The rows of ``relation`` the caller prefetched (the project page reads them once for its panels and for
    the facts), else None. Services pass projects read without prefetching, so their facts are never stale."""
    cache = getattr(project, "_prefetched_objects_cache", None) or {}
    rows = cache.get(relation)
    return list(rows) if rows is not None else None


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b`` in the nested facts dict."""
    *groups, name = path.split(".")
    target = data
    for group in groups:
        target = target.setdefault(group, {})
    target[name] = value
