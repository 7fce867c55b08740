"""Where a project stands on its way to 立项: the pack's route stages up to the approval point, which one is
current, who may act on it, and what has been decided so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects

from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.experts.packrules import scoring_table_for
from govit.experts.selectors import panel_outcome
from govit.policies.engine import PackError, load_pack
from govit.projects.choices import FundingSource, Nature, ProcurementCategory, Status
from govit.projects.models import Project
from govit.projects.packforms import (
    AFTER_APPROVAL_KINDS,
    UNIT_ROLES,
    declaration_stage_ids,
    is_declaration_side,
)
from govit.projects.permissions import is_competent_reviewer
from govit.projects.policy import project_policy
from govit.projects.selectors import project_round, project_rounds
from govit.workflow.choices import FORWARD, TERMINAL, Outcome
from govit.workflow.models import ProjectApproval, StageDecision, StageOpinion

# Statuses in which the approval route is being worked on.
IN_ROUTE = frozenset({Status.SUBMITTED, Status.IN_REVIEW})
LEVEL_RANK: dict[str, int] = {
    JurisdictionLevel.PROVINCE: 3,
    JurisdictionLevel.CITY: 2,
    JurisdictionLevel.COUNTY: 1,
}
# The materials the unit supplies are checked before a stage passes.
# Materials the unit uploads: its own, and those it obtains from its 上级主管部门 or an 对口单位.
UNIT_SUPPLIED = frozenset({*UNIT_ROLES, "INDUSTRY_AUTHORITY", "OTHER"})
# Escalation levels above the jurisdiction's own, and the jurisdiction level that may act on them.
ESCALATION_RANK = {"city": 2, "province": 3, "region": 3, "national": 4}


@dataclass
class Stage:
    id: str
    name: str
    kind: str
    escalation: str
    grants_approval: bool
    outcomes: list[str]
    outcome_next: dict[str, list[str]]  # an outcome may name several next stages, each conditional
    actors: list[str]
    cite: dict[str, Any]
    catalogue: list[str]
    state: str = "pending"  # done | current | pending | returned | ended
    decision: StageDecision | None = None

    @property
    def choices(self) -> list[str]:
        """Conclusions that may be recorded: the pack's outcomes, plus 退回 and 不通过 at every stage."""
        codes = [o for o in self.outcomes if o in Outcome.values]
        if Outcome.REVISE not in codes:
            codes.append(Outcome.REVISE)
        if not TERMINAL.intersection(codes):
            codes.append(Outcome.NOT_APPROVED if self.grants_approval else Outcome.FAIL)
        return codes

    def choice_label(self, code: str) -> str:
        """The outcome in words; 同意 rather than 同意立项 at a stage that approves without granting 立项
        (舒城 项目建议书审批, 章贡 工作专班审定)."""
        if code == Outcome.APPROVED and not self.grants_approval:
            return "同意"
        if code == Outcome.NOT_APPROVED and not self.grants_approval:
            return "不同意（本次申报结束）"
        return str(Outcome(code).label)

    @property
    def decision_label(self) -> str:
        return self.choice_label(self.decision.outcome) if self.decision is not None else ""

    @property
    def article(self) -> str:
        return str(self.cite.get("article", ""))


@dataclass
class RouteState:
    round: int
    stages: list[Stage] = field(default_factory=list)
    current: Stage | None = None
    policy: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    declaration_stage_ids: list[str] = field(default_factory=list)


def _is_declaration_side(stage: dict[str, Any]) -> bool:
    return is_declaration_side(str(stage.get("kind", "")), list(stage.get("roles") or []))


def _declaration_side(route: list[dict[str, Any]]) -> list[str]:
    return declaration_stage_ids(
        (s["id"], str(s.get("kind", "")), list(s.get("roles") or []), bool(s.get("grants_approval")))
        for s in route
    )


def _approval_phase(route: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Route stages from the declaration up to and including the approval point (立项)."""
    phase: list[dict[str, Any]] = []
    for stage in route:
        if stage.get("kind") in AFTER_APPROVAL_KINDS:
            break
        if _is_declaration_side(stage):
            continue
        phase.append(stage)
        if stage.get("grants_approval"):
            break
    return phase


def _outcome_next(outcomes: list[dict[str, Any]]) -> dict[str, list[str]]:
    targets: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.get("next"):
            targets.setdefault(outcome["code"], []).append(outcome["next"])
    return targets


def _stage_of(raw: dict[str, Any]) -> Stage:
    """A route stage of the pack, before anything is decided on it."""
    return Stage(
        id=raw["id"],
        name=raw.get("name", raw["id"]),
        kind=raw.get("kind", ""),
        escalation=raw.get("escalation", "local"),
        grants_approval=bool(raw.get("grants_approval")),
        outcomes=list(dict.fromkeys(o["code"] for o in raw.get("outcomes", []))) or [Outcome.PASS],
        outcome_next=_outcome_next(raw.get("outcomes", [])),
        actors=list(raw.get("actors", [])),
        cite=dict(raw.get("cite", {})),
        catalogue=list(raw.get("catalogue", [])),
    )


def pack_stage(pack_code: str, stage_id: str) -> Stage | None:
    """The review stage ``stage_id`` of the pack as it stands (a stage's definition does not depend on the
    project's facts; which stages a project passes through does). None if the pack has no such stage. Read-only:
    the stage is shared by every caller until the pack changes."""
    if not pack_code or not stage_id:
        return None
    try:
        pack = load_pack(pack_code)
    except PackError:
        return None
    cached = _PACK_STAGES.get(pack_code)
    if cached is None or cached[0] is not pack:
        stages = {
            raw["id"]: _stage_of(raw)
            for raw in pack.statics["route"]
            if raw.get("kind") not in AFTER_APPROVAL_KINDS and not _is_declaration_side(raw)
        }
        cached = _PACK_STAGES[pack_code] = (pack, stages)
    return cached[1].get(stage_id)


# pack code -> (the compiled pack the stages were read from, its review stages by id)
_PACK_STAGES: dict[str, tuple[Any, dict[str, Stage]]] = {}


def route_state(project: Project, policy: dict[str, Any] | None = None) -> RouteState:
    policy = policy if policy is not None else project_policy(project)
    current_round = project_round(project)
    state = RouteState(round=current_round, policy=policy)
    if "error" in policy:
        state.error = str(policy["error"])
        return state
    state.declaration_stage_ids = _declaration_side(policy.get("route", []))
    decisions: dict[str, StageDecision] = {}
    for recorded in project.stage_decisions.order_by("decided_at", "id"):
        decisions[recorded.stage_id] = recorded  # the latest decision per stage wins
    for raw in _approval_phase(policy.get("route", [])):
        stage = _stage_of(raw)
        stage.decision = decisions.get(raw["id"])
        last = stage.decision
        if last is not None and last.outcome in FORWARD:
            stage.state = "done"
        elif last is not None and last.outcome == Outcome.REVISE and last.round == current_round:
            stage.state = "returned"
        elif last is not None and last.outcome in TERMINAL:
            stage.state = "ended"
        state.stages.append(stage)
    _mark_skipped(state.stages)
    if project.status in IN_ROUTE:
        for stage in state.stages:
            if stage.state in {"pending", "returned"}:
                stage.state = "current"
                state.current = stage
                break
    return state


def _mark_skipped(stages: list[Stage]) -> None:
    """A forward decision whose outcome names its next stage skips the stages in between (e.g. 上城 ¶36:
    补正 only follows a 退回 at 合规性审查)."""
    index = {s.id: i for i, s in enumerate(stages)}
    for i, stage in enumerate(stages):
        if stage.state != "done" or stage.decision is None:
            continue
        # the first named stage that applies to this project (石嘴山 第十六条: 500万以上 → 自治区审查)
        targets = [t for t in stage.outcome_next.get(stage.decision.outcome, []) if t in index]
        target = targets[0] if targets else None
        if target is not None and index[target] > i + 1:
            for between in stages[i + 1 : index[target]]:
                if between.decision is None:
                    between.state = "skipped"


def _unit_supplied(document: dict[str, Any]) -> bool:
    """The unit uploads what it writes, and what only its leadership, 上级主管部门 or 对口单位 issue; a
    reviewing body's own output (评估报告, 审查意见) is not asked of it."""
    authors = set(document.get("by") or ["PROJECT_UNIT"])
    return "PROJECT_UNIT" in authors or authors <= UNIT_SUPPLIED


def documents_missing(project: Project, state: RouteState, stage: Stage) -> list[dict[str, Any]]:
    """Required materials the unit supplies that must be uploaded before ``stage`` can pass: the stage's own,
    and at the first review stage also those of the declaration (材料齐全方予受理)."""
    stage_ids = [stage.id]
    if state.stages and state.stages[0].id == stage.id:
        stage_ids = [*state.declaration_stage_ids, stage.id]
    documents = state.policy.get("documents") or {}
    given = set(project.attachments.values_list("requirement_code", flat=True))
    missing: list[dict[str, Any]] = []
    for stage_id in stage_ids:
        for document in documents.get(stage_id, []):
            if document.get("required") and _unit_supplied(document) and document["code"] not in given:
                missing.append(document)
    return missing


def stage_find(state: RouteState, stage_id: str) -> Stage | None:
    return next((s for s in state.stages if s.id == stage_id), None)


def _joint_members_of(jurisdiction_ids: Any) -> QuerySet[Organisation]:
    """会审成员单位 of the jurisdictions: their competent bureaus and co-reviewing bureaus."""
    return Organisation.objects.filter(
        jurisdiction_id__in=jurisdiction_ids,
        kind__in=[OrganisationKind.COMPETENT_BUREAU, OrganisationKind.CO_REVIEWER],
        is_active=True,
    )


def joint_members(project: Project) -> list[Organisation]:
    """会审成员单位 of the project's jurisdiction."""
    return list(_joint_members_of([project.jurisdiction_id]).order_by("kind", "name"))


def opinions_for(project: Project, round_no: int, stage_id: str) -> list[StageOpinion]:
    return list(
        StageOpinion.objects.filter(project=project, round=round_no, stage_id=stage_id).select_related(
            "organisation", "author"
        )
    )


def can_decide(user: Any, project: Project, stage: Stage) -> bool:
    """Who records a stage's conclusion: the upper level for escalated stages, the competent bureau for the
    others; a leader (联席会议/政府) may also record the collective decision that grants 立项."""
    scope = user_scope(user)
    rank = _supervisor_rank(scope) if stage.escalation in ESCALATION_RANK else 0
    return _can_decide_in(scope, rank, project.jurisdiction_id, stage)


# Roles that give a member bureau's opinion in a joint or scored review.
OPINION_ROLES = frozenset({Role.REVIEWER, Role.CO_REVIEWER})


def opinion_org_for(user: Any, project: Project) -> Organisation | None:
    """The member bureau a reviewer or co-reviewer speaks for in a joint or scored review."""
    scope = user_scope(user)
    members = {org.pk: org for org in joint_members(project)}
    for role, org_id in scope.role_orgs:
        if role in OPINION_ROLES and org_id in members:
            return members[org_id]
    return None


TODO_FIELDS = ("pk", "pack_code", "current_stage", "jurisdiction_id")


def workflow_todo_for_user(user: Any, projects: QuerySet[Project]) -> list[tuple[int, Stage]]:
    """(project id, current stage) of the projects among ``projects`` on which ``user`` can act now, in the
    order of ``projects``.

    The current stage is the one the project records (``current_stage``, kept by every transition and by the
    submission), so a project is one short row here; the route is worked out in full only for a project that
    records none (e.g. imported as 已申报).
    """
    scope = user_scope(user)
    upper_rank = _supervisor_rank(scope)
    opinion_roles = {org_id for role, org_id in scope.role_orgs if role in OPINION_ROLES}
    stages: dict[tuple[str, str], Stage | None] = {}  # pack_stage once per (pack, stage) in the list
    read: list[tuple[int, int, str, Stage | None]] = []  # (id, jurisdiction, pack, recorded stage or None)
    for pk, pack_code, current_stage, jurisdiction_id in projects.filter(status__in=IN_ROUTE).values_list(
        *TODO_FIELDS
    ):
        key = (pack_code, current_stage)
        if key not in stages:
            stages[key] = pack_stage(pack_code, current_stage)
        read.append((pk, jurisdiction_id, pack_code, stages[key]))
    # a project that records no stage has its route worked out (kept per process until it changes)
    unrecorded = [pk for pk, _j, _p, stage in read if stage is None]
    changed = (
        dict(Project.objects.filter(pk__in=unrecorded).values_list("pk", "updated_at")) if unrecorded else {}
    )
    located: list[tuple[int, int, Stage, int | None]] = []  # (id, jurisdiction, stage, round if known)
    for pk, jurisdiction_id, pack_code, stage in read:
        if stage is not None:
            located.append((pk, jurisdiction_id, stage, None))
            continue
        worked_out, worked_round = _route_current(pk, pack_code, changed.get(pk))
        if worked_out is not None:
            located.append((pk, jurisdiction_id, worked_out, worked_round))
    out: list[tuple[int, Stage]] = []
    opinion_candidates: list[tuple[int, int, Stage, int | None]] = []
    for pk, jurisdiction_id, stage, known_round in located:
        if _can_decide_in(scope, upper_rank, jurisdiction_id, stage):
            out.append((pk, stage))
        elif opinion_roles and stage.kind in {"joint_review", "scored_review"}:
            opinion_candidates.append((pk, jurisdiction_id, stage, known_round))
    if opinion_candidates:
        # 会审 / 评分: a member bureau's reviewer who has not yet given an opinion in this round
        ids = [pk for pk, *_rest in opinion_candidates]
        rounds = project_rounds(ids)
        given = set(
            StageOpinion.objects.filter(author=user, project_id__in=ids).values_list(
                "project_id", "round", "stage_id"
            )
        )
        members = _joint_member_ids({jurisdiction_id for _pk, jurisdiction_id, *_r in opinion_candidates})
        for pk, jurisdiction_id, stage, known_round in opinion_candidates:
            current_round = known_round if known_round is not None else rounds.get(pk, 0)
            if (pk, current_round, stage.id) not in given and opinion_roles & members.get(
                jurisdiction_id, set()
            ):
                out.append((pk, stage))
        order = {pk: i for i, (pk, *_rest) in enumerate(located)}
        out.sort(key=lambda item: order[item[0]])
    return out


def _route_current(pk: int, pack_code: str, updated_at: Any) -> tuple[Stage | None, int]:
    """The current stage and round of a project that records no stage, worked out from its route; kept per
    process until the project or its pack changes (every decision and submission touches ``updated_at``), so
    such projects (imported as 已申报, or with no stage to act on) do not cost an evaluation on every 待办."""
    try:
        pack: Any = load_pack(pack_code) if pack_code else None
    except PackError:
        pack = None
    key = (pk, updated_at, id(pack))
    hit = _ROUTE_CURRENT.get(key)
    if hit is not None and hit[0] is pack:
        return hit[1], hit[2]
    state = route_state(Project.objects.get(pk=pk))
    if len(_ROUTE_CURRENT) >= ROUTE_CURRENT_KEPT:
        _ROUTE_CURRENT.pop(next(iter(_ROUTE_CURRENT)))
    _ROUTE_CURRENT[key] = (pack, state.current, state.round)
    return state.current, state.round


def route_current_forget() -> None:
    """Forget the routes ``_route_current`` kept (tests, whose rolled-back projects reuse ids and times)."""
    _ROUTE_CURRENT.clear()


ROUTE_CURRENT_KEPT = 20_000
# (project id, updated_at, id of the compiled pack) -> (the pack, current stage, round), oldest first
_ROUTE_CURRENT: dict[tuple[int, Any, int], tuple[Any, Stage | None, int]] = {}


def _joint_member_ids(jurisdiction_ids: set[int]) -> dict[int, set[int]]:
    """``joint_members`` of several jurisdictions at once, as organisation ids."""
    members: dict[int, set[int]] = {}
    for org_id, jurisdiction_id in _joint_members_of(jurisdiction_ids).values_list("pk", "jurisdiction_id"):
        members.setdefault(jurisdiction_id, set()).add(org_id)
    return members


def _supervisor_rank(scope: Any) -> int:
    """The highest jurisdiction level (LEVEL_RANK) at which the user is 上级主管部门; 0 if none."""
    if not scope.has(Role.SUPERVISOR):
        return 0
    levels = Organisation.objects.filter(
        pk__in=[org for role, org in scope.role_orgs if role == Role.SUPERVISOR]
    ).values_list("jurisdiction__level", flat=True)
    return max((LEVEL_RANK.get(level, 0) for level in levels), default=0)


def _can_decide_in(scope: Any, upper_rank: int, jurisdiction_id: int, stage: Stage) -> bool:
    """``can_decide`` for a project of ``jurisdiction_id``, with the user's supervisor level worked out once for
    a whole list."""
    if stage.escalation in ESCALATION_RANK:
        return (
            upper_rank >= ESCALATION_RANK[stage.escalation]
            and jurisdiction_id in scope.overseen_jurisdiction_ids
        )
    if jurisdiction_id in scope.reviewer_jurisdiction_ids:
        return True
    return (
        stage.grants_approval
        and scope.has(Role.LEADER)
        and jurisdiction_id in scope.overseen_jurisdiction_ids
    )


DONE_FIELDS = (
    "project_id",
    "project__name",
)  # what 已办 shows of a decision or an opinion besides its own time


def workflow_done_for_user(user: Any, limit: int = 50) -> list[StageDecision | StageOpinion]:
    """已办: the user's latest decisions and opinions, newest first."""
    decisions = list(
        StageDecision.objects.filter(actor=user)
        .select_related("project")
        .only(*DONE_FIELDS, "stage_name", "outcome", "decided_at")
        .order_by("-decided_at")[:limit]
    )
    opinions = list(
        StageOpinion.objects.filter(author=user)
        .select_related("project")
        .only(*DONE_FIELDS, "created_at")
        .order_by("-created_at")[:limit]
    )
    items: list[StageDecision | StageOpinion] = [*decisions, *opinions]
    items.sort(
        key=lambda item: item.decided_at if isinstance(item, StageDecision) else item.created_at, reverse=True
    )
    return items[:limit]


def workflow_panel_context(user: Any, project: Project, policy: dict[str, Any]) -> dict[str, Any]:
    """Everything the project page's 审查流程 card shows to ``user``."""
    state = route_state(project, policy)
    # who recorded each decision shown, in one query
    prefetch_related_objects([s.decision for s in state.stages if s.decision is not None], "actor")
    context: dict[str, Any] = {"route": state, "approval": getattr(project, "approval", None)}
    stage = state.current
    scope = user_scope(user)
    if stage is not None:
        context["can_decide"] = can_decide(user, project, stage)
        context["outcome_choices"] = [(code, stage.choice_label(code)) for code in stage.choices]
        context["missing_documents"] = documents_missing(project, state, stage)
        if stage.kind in {"scored_review", "joint_review"}:
            opinions = opinions_for(project, state.round, stage.id)
            context["opinions"] = opinions
            org = opinion_org_for(user, project)
            context["opinion_org"] = org
            context["can_opine"] = org is not None and not any(o.author_id == user.pk for o in opinions)
            if stage.kind == "joint_review":
                members = joint_members(project)
                given = {o.organisation_id for o in opinions}
                context["members"] = members
                context["missing_members"] = [m for m in members if m.pk not in given]
            else:
                context["scoring"] = scoring_table_for(project.pack_code, stage.id, fallback_first=False)
                totals = [o.total for o in opinions if o.total is not None]
                context["score_mean"] = round(sum(totals) / len(totals), 2) if totals else None
        if stage.kind == "expert_review":
            outcome = panel_outcome(project, stage.id, state.round)
            context["panel_outcome"] = Outcome(outcome).label if outcome in Outcome.values else outcome
    reviewer = is_competent_reviewer(user, project)
    context["can_urge"] = project.status in {*IN_ROUTE, Status.RETURNED} and (
        reviewer
        or (project.status in IN_ROUTE and project.jurisdiction_id in scope.overseen_jurisdiction_ids)
    )
    if reviewer:
        context["copy_orgs"] = copy_targets(project)
    return context


def copy_targets(project: Project) -> list[Organisation]:
    """抄送 may go to the bureaus and co-reviewing bureaus of the project's jurisdiction and those above."""
    ancestors = []
    node: Jurisdiction | None = project.jurisdiction
    while node is not None:  # upwards through the parents (read with the project when the page asks for them)
        ancestors.append(node.pk)
        node = node.parent
    return list(
        Organisation.objects.filter(
            jurisdiction_id__in=ancestors,
            kind__in=[OrganisationKind.COMPETENT_BUREAU, OrganisationKind.CO_REVIEWER],
            is_active=True,
        ).order_by("jurisdiction__level", "name")
    )


# ------------------------------------------------------------------ 年度项目计划

# Statuses of a project that was granted 立项 (and may since have moved on).
APPROVED_ONWARDS = frozenset(
    {
        Status.APPROVED,
        Status.IN_CONSTRUCTION,
        Status.SUSPENDED,
        Status.ACCEPTED,
        Status.IN_OPERATION,
        Status.RETIRED,
        Status.TERMINATED,
    }
)


@dataclass
class PlanRow:
    """One project of the plan, as the page and the .xlsx show it."""

    project_id: int
    unit: str  # 建设单位
    name: str
    nature: str  # 建设性质, in words
    category: str  # 采购类别, in words
    declared_yuan: int
    approved_yuan: int
    approval_number: str
    approved_on: dt.date
    funding: dict[str, int]


@dataclass
class PlanTotal:
    label: str
    count: int = 0
    declared_yuan: int = 0
    approved_yuan: int = 0


@dataclass
class AnnualPlan:
    """年度项目计划 — the projects of one jurisdiction and year granted 立项, with totals by unit and by source."""

    jurisdiction: Jurisdiction
    year: int
    rows: list[PlanRow] = field(default_factory=list)
    by_unit: list[PlanTotal] = field(default_factory=list)
    by_source: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, yuan)
    total: PlanTotal = field(default_factory=lambda: PlanTotal("合计"))


def annual_plan(jurisdiction: Jurisdiction, year: int) -> AnnualPlan:
    """The projects of ``jurisdiction`` granted 立项 for ``year``, by unit, date and name; one query, read as
    rows (a plan may hold ten thousand)."""
    plan = AnnualPlan(jurisdiction=jurisdiction, year=year)
    codes = list(FundingSource.values)
    natures, categories = dict(Nature.choices), dict(ProcurementCategory.choices)
    rows = (
        ProjectApproval.objects.filter(
            project__jurisdiction=jurisdiction, project__year=year, project__status__in=APPROVED_ONWARDS
        )
        .order_by("project__lead_unit__name", "approved_on", "project__name", "pk")
        .values_list(
            "project_id",
            "project__lead_unit_id",
            "project__lead_unit__name",
            "project__name",
            "project__nature",
            "project__procurement_category",
            "project__total_yuan",
            "approved_budget_yuan",
            "approval_number",
            "approved_on",
            *(f"project__fund_{code}" for code in codes),
        )
    )
    units: dict[int, PlanTotal] = {}
    sources = dict.fromkeys(codes, 0)
    for (
        project_id,
        unit_id,
        unit_name,
        name,
        nature,
        category,
        declared,
        approved,
        number,
        on,
        *funds,
    ) in rows:
        funding = {code: int(amount) for code, amount in zip(codes, funds, strict=True)}
        plan.rows.append(
            PlanRow(
                project_id=project_id,
                unit=unit_name,
                name=name,
                nature=natures.get(nature, nature),
                category=categories.get(category, category),
                declared_yuan=declared,
                approved_yuan=approved,
                approval_number=number,
                approved_on=on,
                funding=funding,
            )
        )
        unit = units.setdefault(unit_id, PlanTotal(unit_name))
        for total in (unit, plan.total):
            total.count += 1
            total.declared_yuan += declared
            total.approved_yuan += approved
        for code, amount in funding.items():
            sources[code] += amount
    plan.by_unit = list(units.values())
    plan.by_source = [(code, FundingSource(code).label, amount) for code, amount in sources.items()]
    return plan


def plan_jurisdictions_for(user: Any) -> list[Jurisdiction]:
    """Jurisdictions whose annual plan ``user`` may read: those they oversee or review."""
    scope = user_scope(user)
    ids = set(scope.overseen_jurisdiction_ids) | set(scope.reviewer_jurisdiction_ids)
    return list(Jurisdiction.objects.filter(pk__in=ids).order_by("code"))


def approval_facts(project: Project) -> dict[str, Any]:
    """Facts the 立项 record gives the policy engine (registered as a provider of ``project_facts``): the
    approval date, and that the project is in the year's plan (舒城 第十三条 年度计划 is the approval)."""
    approval = ProjectApproval.objects.filter(project=project).only("approved_on").first()
    if approval is None:
        return {}
    return {"dates.approved": approval.approved_on, "in_annual_plan": True}
