"""The authorisation matrix, declared: who may do what, to which project, in which lifecycle state.

Written from the rules as the product states them (README, docs/architecture.md, the 三员分立 and
visibility rules), not computed from the application's permission code: a case whose outcome differs from
this table is either a hole in the product or a mistake here, and is looked at, never silenced.

Axes:
- ROLES: one person per role; the expert comes twice, assigned (指派) to the county's submitted projects and
  not assigned to any.
- SCOPES: where the project's lead unit sits, seen from the persons of the matrix, who work in 舒城县
  (六安市, 安徽省): the clerk's own unit, another unit of the same county, a unit of another county of the
  same city (金寨县), and a unit of the city above (六安市).
- STATES: the lifecycle states in which permissions differ: 草稿, 已申报, 退回修改, 已立项.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

ANONYMOUS = "anonymous"
CLERK = "clerk"
UNIT_HEAD = "unit_head"
REVIEWER = "reviewer"
CO_REVIEWER = "co_reviewer"
EXPERT_ASSIGNED = "expert_assigned"
EXPERT_UNASSIGNED = "expert_unassigned"
LEADER = "leader"
SUPERVISOR = "supervisor"
SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
AUDIT_ADMIN = "audit_admin"

ROLES: tuple[str, ...] = (
    ANONYMOUS,
    CLERK,
    UNIT_HEAD,
    REVIEWER,
    CO_REVIEWER,
    EXPERT_ASSIGNED,
    EXPERT_UNASSIGNED,
    LEADER,
    SUPERVISOR,
    SYSTEM_ADMIN,
    SECURITY_ADMIN,
    AUDIT_ADMIN,
)

# role -> (the organisation the person works in, the role held there); anonymous has no person.
PEOPLE: dict[str, tuple[str, str]] = {
    CLERK: ("own_unit", "clerk"),
    UNIT_HEAD: ("own_unit", "unit_head"),
    REVIEWER: ("bureau", "reviewer"),
    CO_REVIEWER: ("finance", "co_reviewer"),
    EXPERT_ASSIGNED: ("experts", "expert"),
    EXPERT_UNASSIGNED: ("experts", "expert"),
    LEADER: ("bureau", "leader"),
    SUPERVISOR: ("city_bureau", "supervisor"),
    SYSTEM_ADMIN: ("bureau", "system_admin"),
    SECURITY_ADMIN: ("bureau", "security_admin"),
    AUDIT_ADMIN: ("bureau", "audit_admin"),
}

OWN_UNIT = "own_unit"
SAME_COUNTY = "same_county"
OTHER_COUNTY = "other_county"
ABOVE = "above"
SCOPES: tuple[str, ...] = (OWN_UNIT, SAME_COUNTY, OTHER_COUNTY, ABOVE)
COUNTY_SCOPES = frozenset({OWN_UNIT, SAME_COUNTY})  # projects of 舒城县 itself

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"
STATES: tuple[str, ...] = (DRAFT, SUBMITTED, RETURNED, APPROVED)

# 六安市 is given the city-level pack (石嘴山's) so that its own units' projects have a route: the 舒城 pack
# applies to county units only. Jurisdiction-level operations (exports) are asked of each of these.
JURISDICTION_SCOPES: tuple[str, ...] = ("county", "other_county", "city")

MATERIAL_CODE = "data_sharing_list"  # a material the 舒城 pack asks of the unit
REVISE_DUE = dt.date(2030, 6, 28)  # 修改期限 of the returned projects


# ------------------------------------------------------------------ who is who

UNIT_PEOPLE = frozenset({CLERK, UNIT_HEAD})  # 建设单位: act for their own unit only
COUNTY_OVERSEERS = frozenset({REVIEWER, CO_REVIEWER, LEADER})  # 舒城县 and below, never drafts
THREE_ADMINS = frozenset({SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN})  # 三员: no business data at all


def expert_assigned(scope: str, state: str) -> bool:
    """The assigned expert is on the panels of the county's declarations (never of a draft)."""
    return scope in COUNTY_SCOPES and state != DRAFT


def oversees(role: str, scope: str) -> bool:
    """主管部门、协审部门、领导 oversee their county; the city's 上级主管部门 the city and every county in it."""
    if role in COUNTY_OVERSEERS:
        return scope in COUNTY_SCOPES
    return role == SUPERVISOR


def visible(role: str, scope: str, state: str) -> bool:
    """项目可见范围: the unit its own projects in any state; overseers what was declared in their area;
    an expert what they are assigned to; nobody else anything."""
    if role in UNIT_PEOPLE:
        return scope == OWN_UNIT
    if oversees(role, scope):
        return state != DRAFT
    if role == EXPERT_ASSIGNED:
        return expert_assigned(scope, state)
    return False


def unit_may_edit(role: str, scope: str, state: str) -> bool:
    """申报 is edited and (re)submitted by the unit while it is a draft or returned for revision."""
    return role in UNIT_PEOPLE and scope == OWN_UNIT and state in {DRAFT, RETURNED}


def unit_may_withdraw(role: str, scope: str, state: str) -> bool:
    """撤回 before the bureau has taken the declaration into review."""
    return role in UNIT_PEOPLE and scope == OWN_UNIT and state == SUBMITTED


def may_decide(role: str, scope: str, state: str) -> bool:
    """合规性审查 is concluded by the county's 主管部门审核人, on a declaration waiting for it."""
    return role == REVIEWER and scope in COUNTY_SCOPES and state == SUBMITTED


def may_urge(role: str, scope: str, state: str) -> bool:
    """催办: while a stage waits, anyone overseeing the project's area reminds its reviewers; once it is
    returned, only the bureau that returned it reminds the unit. A draft has nothing to urge."""
    if state == SUBMITTED:
        return oversees(role, scope)
    if state == RETURNED:
        return role == REVIEWER and scope in COUNTY_SCOPES
    return False


def may_copy(role: str, scope: str, state: str) -> bool:
    """抄送 is done by the project's 主管部门审核人, on a project they can see."""
    return role == REVIEWER and visible(role, scope, state)


def may_upload(role: str, scope: str, state: str) -> bool:
    """Materials are uploaded by the unit's clerk or head to its own project, in every open state."""
    return role in UNIT_PEOPLE and scope == OWN_UNIT


def may_create(role: str, scope: str) -> bool:
    """A project is created only for one's own unit, by its clerk or head."""
    return role in UNIT_PEOPLE and scope == OWN_UNIT


# -------------------------------------------------------------- jurisdiction level

JURISDICTION_OF_SCOPE = {"county": "county", "other_county": "other_county", "city": "city"}


def reads_plan(role: str, where: str) -> bool:
    """年度项目计划 of an area: those overseeing it (county roles their county; the city's supervisor the city
    and its counties)."""
    if role in COUNTY_OVERSEERS:
        return where == "county"
    return role == SUPERVISOR


def exports_opendata(role: str, where: str) -> bool:
    """数据报送 of an area: its 主管部门审核人 or 分管领导, or the 上级主管部门 above it."""
    if role in {REVIEWER, LEADER}:
        return where == "county"
    return role == SUPERVISOR


def imports_projects(role: str) -> bool:
    """存量项目导入: only a 主管部门审核人."""
    return role == REVIEWER


# ------------------------------------------------------------------ the operations


@dataclass(frozen=True)
class ProjectOp:
    """An operation on one project: ``allowed(role, scope, state)``, asked in ``states``."""

    name: str
    allowed: Callable[[str, str, str], bool]
    states: tuple[str, ...] = STATES


# Visibility differs only between a draft and a declared project, so the pages that merely show a project
# are asked in one state of each; the project page, its API and its files in every state.
SHOWN_STATES: tuple[str, ...] = (DRAFT, SUBMITTED)

PROJECT_OPS: tuple[ProjectOp, ...] = (
    ProjectOp("page.detail", visible),
    ProjectOp("api.detail", visible),
    ProjectOp("attachment.download", visible),
    ProjectOp("page.forms", visible, SHOWN_STATES),
    ProjectOp("page.printouts", visible, SHOWN_STATES),
    ProjectOp("page.similarity", visible, SHOWN_STATES),
    ProjectOp("page.obligations", visible, SHOWN_STATES),
    ProjectOp("page.delivery", visible, SHOWN_STATES),
    ProjectOp("page.acceptance", visible, SHOWN_STATES),
    ProjectOp("api.forms", visible, SHOWN_STATES),
    ProjectOp("api.edit", unit_may_edit),
    ProjectOp("api.submit", unit_may_edit),
    ProjectOp("page.submit", unit_may_edit),
    ProjectOp("api.withdraw", unit_may_withdraw),
    ProjectOp("attachment.upload", may_upload, (DRAFT, SUBMITTED, APPROVED)),
    ProjectOp("workflow.decide", may_decide, (DRAFT, SUBMITTED, RETURNED)),
    ProjectOp("workflow.urge", may_urge, (DRAFT, SUBMITTED, RETURNED)),
    ProjectOp("workflow.copy", may_copy, SHOWN_STATES),
)

# 项目列表: one request per role answers for every project of the world; a project is listed iff visible.
LIST_OPS: tuple[str, ...] = ("page.list", "api.list")

JURISDICTION_OPS: dict[str, Callable[[str, str], bool]] = {
    "plan.export": reads_plan,
    "opendata.projects": exports_opendata,
}

GLOBAL_OPS: dict[str, Callable[[str], bool]] = {
    "imports.list": imports_projects,
}


def project_cases() -> list[tuple[str, str, str, str, bool]]:
    """(operation, role, scope, state, allowed) for every project operation."""
    return [
        (op.name, role, scope, state, op.allowed(role, scope, state))
        for op in PROJECT_OPS
        for role in ROLES
        for scope in SCOPES
        for state in op.states
    ]


def list_cases() -> list[tuple[str, str, dict[tuple[str, str], bool]]]:
    """(operation, role, {(scope, state): listed}) — each entry of the dict is one case of the matrix."""
    return [
        (op, role, {(scope, state): visible(role, scope, state) for scope in SCOPES for state in STATES})
        for op in LIST_OPS
        for role in ROLES
    ]


def create_cases() -> list[tuple[str, str, bool]]:
    return [(role, scope, may_create(role, scope)) for role in ROLES for scope in SCOPES]


def jurisdiction_cases() -> list[tuple[str, str, str, bool]]:
    return [
        (name, role, where, rule(role, where))
        for name, rule in JURISDICTION_OPS.items()
        for role in ROLES
        for where in JURISDICTION_SCOPES
    ]


def global_cases() -> list[tuple[str, str, bool]]:
    return [(name, role, rule(role)) for name, rule in GLOBAL_OPS.items() for role in ROLES]
