"""Reads for 验收、整改与运行评价: the facts these records give the engine, the pack's evidence checklist and
what blocks an application, the pack's rectification rules and sanctions, O&M-fund eligibility."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from govit.acceptance.choices import (
    NAMED_FIELDS,
    ApplicationStatus,
    Conclusion,
    ExtensionStatus,
    OrderStatus,
    ResourceKind,
    SanctionCode,
    SanctionStatus,
)
from govit.acceptance.models import (
    AcceptanceApplication,
    AcceptanceExtension,
    DataResource,
    InitialAcceptance,
    PanelMember,
    RectificationOrder,
    Sanction,
    SharingCheck,
    TrialRun,
)
from govit.accounts.choices import Role
from govit.accounts.models import Organisation
from govit.accounts.selectors import user_scope
from govit.core import clock
from govit.delivery.choices import ContractKind
from govit.delivery.models import Contract
from govit.policies.engine import PackError, load_pack
from govit.policies.engine.calendar import add_months
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import form_check
from govit.projects.permissions import is_competent_reviewer
from govit.projects.policy import policy_objections, project_policy
from govit.workflow.selectors import APPROVED_ONWARDS

# Finding effects that keep an application from being made (不得申请/组织竣工验收).
BLOCKING_EFFECTS = frozenset({"ACCEPT_BLOCKED", "NO_FINAL_ACCEPT"})


def project_pack(project: Project) -> Any | None:
    try:
        return load_pack(project.pack_code).pack
    except PackError:
        return None


# ------------------------------------------------------------------ facts


def contract_acceptance_due(project: Project) -> dt.date | None:
    """合同约定验收时间: an agreed 延期验收 date, else the main contract's signing date plus its
    implementation period (the contract's end of implementation read as its acceptance date)."""
    return _acceptance_due(project, _extensions(project))


def _extensions(project: Project) -> list[tuple[str, dt.date, dt.date]]:
    """(status, new due date, requested on) of the project's 延期验收 requests, the latest request first."""
    return list(
        AcceptanceExtension.objects.filter(project_id=project.pk).values_list(
            "status", "new_due_on", "requested_on"
        )
    )


def _acceptance_due(project: Project, extensions: list[tuple[str, dt.date, dt.date]]) -> dt.date | None:
    """``contract_acceptance_due`` with the 延期验收 requests already read (``_extensions``)."""
    agreed = [new_due_on for status, new_due_on, _requested in extensions if status == ExtensionStatus.AGREED]
    if agreed:
        return max(agreed)
    contract = (
        Contract.objects.filter(project_id=project.pk, kind=ContractKind.MAIN)
        .order_by("signed_on", "id")
        .values_list("signed_on", "implementation_months")
        .first()
    )
    if contract is None or not contract[1]:
        return None
    signed_on, implementation_months = contract
    return add_months(signed_on, implementation_months, extend=False).due


def acceptance_facts(project: Project) -> dict[str, Any]:
    """Facts the acceptance, rectification and sanction records hold (a provider of ``project_facts``). Each
    record is read as the values the facts need, one query per kind of record."""
    facts: dict[str, Any] = {}
    if project.status not in APPROVED_ONWARDS:
        return facts  # nothing is recorded here before 立项
    pk = project.pk
    extensions = _extensions(project)
    due = _acceptance_due(project, extensions)
    if due is not None:
        facts["dates.contract_acceptance_due"] = due
    initial = (
        InitialAcceptance.objects.filter(project_id=pk)
        .values_list("pk", "goals_met", "scope_met", "contract_met", "conclusion", "held_on")
        .first()
    )  # the latest
    if initial is not None:
        initial_id, goals_met, scope_met, contract_met, conclusion, held_on = initial
        fields = list(
            PanelMember.objects.filter(initial_acceptance_id=initial_id).values_list("field", flat=True)
        )
        facts["counts.acceptance_panel_size"] = len(fields)
        facts["counts.acceptance_panel_fields"] = len(set(fields) & NAMED_FIELDS)
        facts["implemented_as_planned"] = goals_met and scope_met and contract_met
        if conclusion == Conclusion.PASS:
            facts["dates.initial_acceptance"] = held_on
    trial = TrialRun.objects.filter(project_id=pk).values_list("started_on", "ended_on").first()
    if trial is not None:
        facts["dates.trial_run_started"], facts["dates.trial_run_ended"] = trial
    application = (
        AcceptanceApplication.objects.filter(project_id=pk, applied_on__isnull=False)
        .exclude(status=ApplicationStatus.RETURNED)
        .values_list("applied_on", "status", "decided_on")
        .first()
    )
    if application is not None:
        applied_on, status, decided_on = application
        facts["dates.acceptance_applied"] = applied_on
        if status in {ApplicationStatus.PASSED, ApplicationStatus.FAILED}:
            passed = status == ApplicationStatus.PASSED
            facts["dates.final_acceptance"] = decided_on
            facts["acceptance_passed"] = passed
            if passed:
                facts["dates.put_into_use"] = decided_on
                facts["in_formal_use"] = True
    requested = next(
        (requested_on for status, _due, requested_on in extensions if status != ExtensionStatus.REJECTED),
        None,
    )
    if requested is not None:
        facts["dates.extension_requested"] = requested
    orders = list(
        RectificationOrder.objects.filter(project_id=pk).values_list(
            "issued_on", "status", "closed_on", "rule_id", "due_on"
        )
    )  # the latest first
    if orders:
        issued_on, order_status, closed_on, _rule, _due = orders[0]
        facts["dates.rectification_notice"] = issued_on
        if order_status == OrderStatus.CLOSED:
            facts["dates.rectification_done"] = closed_on
    for _issued, _status, _closed, rule_id, due_on in orders:
        if rule_id:
            facts.setdefault(f"issuer_due_dates.{rule_id}", due_on)  # the latest order under each rule
    compliant = SharingCheck.objects.filter(project_id=pk).values_list("compliant", flat=True).first()
    if compliant is not None:
        facts["data_sharing_compliant"] = compliant
    if DataResource.objects.filter(project_id=pk, kind=ResourceKind.CATALOGUE).exists():
        facts["has_data_catalog"] = True
    retired = _retirements().filter(project_id=pk).values_list("decided_at", flat=True).first()
    if retired is not None:
        facts["dates.decommissioned"] = retired.date()
    return facts


def _retirements() -> QuerySet[Sanction]:
    """Sanctions in force that took a system out of use (下线, 停用), the latest first."""
    return Sanction.objects.filter(
        status=SanctionStatus.EFFECTIVE,
        code__in=[SanctionCode.DELIST, SanctionCode.RETIRE],
        decided_at__isnull=False,
    )


def budget_hold(project: Project) -> str:
    """暂缓安排资金 in force (a sanction after an overdue rectification, until the rectification is closed), as
    the reason; else ""."""
    held = (
        Sanction.objects.filter(
            project=project, code=SanctionCode.FUNDS_DEFERRED, status=SanctionStatus.EFFECTIVE
        )
        .exclude(order__status=OrderStatus.CLOSED)
        .first()
    )
    return f"已决定暂缓安排建设或资金计划（{held.reason[:60]}）" if held else ""


def declaration_ban(project: Project) -> str:
    """取消下一年度的项目申报资格: in the calendar year after one of the unit's systems was stopped while the
    pack bans for it (上城 ¶89 RJ-105: 应用建成使用不满两年而停用), or after a 取消申报资格 sanction, the unit
    may not declare. "下一年度的项目申报" is read as the declarations made in the following calendar year."""
    year = clock.today().year
    stopped_on: dict[
        int, dt.date
    ] = {}  # the unit's other stopped systems: when (as acceptance_facts reads it)
    for project_id, decided_at in (
        _retirements()
        .filter(project__lead_unit_id=project.lead_unit_id, project__status=Status.RETIRED)
        .exclude(project_id=project.pk)
        .values_list("project_id", "decided_at")
    ):
        if decided_at is not None:  # excluded by the query; for the type checker
            stopped_on.setdefault(project_id, decided_at.date())
    stopped_last_year = [pk for pk, day in stopped_on.items() if day.year + 1 == year]
    for other in Project.objects.filter(pk__in=stopped_last_year) if stopped_last_year else []:
        stopped = stopped_on[other.pk]
        policy = project_policy(other)
        ban = next(
            (
                f
                for f in policy.get("findings", [])
                if f.get("status") == "active" and "BAN" in (f.get("effects") or [])
            ),
            None,
        )
        if ban is not None:
            article = (ban.get("cite") or {}).get("article", "")
            return f"{ban.get('message')}（{article}；“{other.name}”于 {stopped:%Y-%m-%d} 停用），{year} 年度不能申报"
    banned = (
        Sanction.objects.filter(
            project__lead_unit_id=project.lead_unit_id,
            code=SanctionCode.BAN,
            status=SanctionStatus.EFFECTIVE,
            decided_at__year=year - 1,
        )
        .select_related("project")
        .first()
    )
    if banned is not None:
        return f"因“{banned.project.name}”逾期未整改，已取消本单位 {year} 年度的项目申报资格"
    return ""


# ------------------------------------------------------------------ pack forms


def pack_forms(project: Project, purpose: str, policy: dict[str, Any] | None = None) -> list[Any]:
    """The pack's forms for ``purpose`` that apply to the project (their ``when`` holds)."""
    pack = project_pack(project)
    if pack is None:
        return []
    forms = [f for f in pack.forms if f.purpose == purpose]
    if any(f.when for f in forms):
        policy = policy if policy is not None else project_policy(project)
        applicable = set(policy.get("forms", []))
        forms = [f for f in forms if not f.when or f.id in applicable]
    return forms


def checklist_items(project: Project, purpose: str, policy: dict[str, Any] | None = None) -> list[str]:
    return [item for form in pack_forms(project, purpose, policy) for item in form.items]


def initial_acceptance_passed(project: Project) -> InitialAcceptance | None:
    """The latest 初验, when it passed."""
    initial = InitialAcceptance.objects.filter(project=project).first()
    return initial if initial is not None and initial.conclusion == Conclusion.PASS else None


@dataclass
class EvidenceItem:
    form: Any
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    confirmation: Any | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def confirming_organisations(project: Project, role: str) -> list[Organisation]:
    """The bodies of the project's jurisdiction that act as the pack role ``role`` — found by the role's
    local names in the pack (章贡: SECRECY → 区委保密和机要局)."""
    pack = project_pack(project)
    names = list(pack.meta.roles.get(role, [])) if pack is not None else []
    orgs = Organisation.objects.filter(jurisdiction_id=project.jurisdiction_id, is_active=True)
    return [org for org in orgs if any(name and name in org.name for name in names)]


def may_confirm(user: Any, project: Project, role: str) -> Organisation | None:
    """The organisation ``user`` confirms for, when they act for the body the pack names; else None."""
    if role == "COMPETENT_BUREAU":
        if not is_competent_reviewer(user, project):
            return None
        return Organisation.objects.filter(pk__in=user_scope(user).reviewer_org_ids).first()
    acting = {org for r, org in user_scope(user).role_orgs if r in {Role.REVIEWER, Role.CO_REVIEWER}}
    return next((org for org in confirming_organisations(project, role) if org.pk in acting), None)


def evidence_items(
    project: Project, application: AcceptanceApplication, on: dt.date, policy: dict[str, Any] | None = None
) -> list[EvidenceItem]:
    """Each evidence form of the pack with what was entered and what is wrong with it as of ``on``:
    missing, dated in the future, expired, a failing conclusion, not (or not yet) confirmed."""
    confirmations = (
        {c.form_id: c for c in application.confirmations.select_related("organisation")}
        if application.pk
        else {}
    )
    pack = project_pack(project)
    items = []
    for form in pack_forms(project, "acceptance_evidence", policy):
        values = dict(application.evidence.get(form.id) or {})
        item = EvidenceItem(form=form, values=values, confirmation=confirmations.get(form.id))
        cite = f"（{form.cite.article}）"
        if not values:
            item.problems.append(f"未提供《{form.name}》{cite}")
        else:
            _, errors = form_check(project, form, values)
            item.problems += [f"《{form.name}》：{message}{cite}" for message in errors.values()]
            for spec in form.fields:
                value = values.get(spec.key)
                if spec.type == "date" and value:
                    day = dt.date.fromisoformat(str(value))
                    if spec.expires and day < on:  # other dates were refused when later than the day saved
                        item.problems.append(
                            f"《{form.name}》已过有效期（{spec.label} {day:%Y-%m-%d}）{cite}"
                        )
                if spec.type == "bool" and spec.required and not value:
                    item.problems.append(f"《{form.name}》：须确认“{spec.label}”{cite}")
                if spec.blocking and value in spec.blocking:
                    item.problems.append(f"《{form.name}》：{spec.label}为“{value}”，不满足验收条件{cite}")
        if form.confirm_by:
            who = "、".join(pack.meta.roles.get(form.confirm_by, [])) if pack is not None else form.confirm_by
            confirmation = item.confirmation
            if confirmation is None:
                item.problems.append(f"《{form.name}》尚待{who}确认{cite}")
            elif not confirmation.confirmed:
                item.problems.append(
                    f"{confirmation.organisation.name}不予确认《{form.name}》：{confirmation.note}"
                )
        items.append(item)
    return items


def application_blockers(
    project: Project,
    application: AcceptanceApplication,
    on: dt.date,
    *,
    policy: dict[str, Any] | None = None,
    evidence: list[EvidenceItem] | None = None,
) -> list[dict[str, Any]]:
    """Why the application cannot be made on ``on``: each {message, article, quote}. The pack is asked
    what it would say if the application were made that day (findings that block 验收, failing checks,
    minimum periods not yet run), and every evidence item is checked. ``policy`` (the project's evaluation
    today) and ``evidence`` are reused when the caller already has them."""
    before = policy if policy is not None else project_policy(project)
    after = project_policy(project, {"dates.acceptance_applied": on})
    if "error" in after:
        return [{"message": str(after["error"]), "article": "", "quote": ""}]
    out: list[dict[str, Any]] = []
    if has_stage(project, "INITIAL_ACCEPT") and initial_acceptance_passed(project) is None:
        out.append({"message": "尚未通过初步验收", "article": "", "quote": ""})
    known = policy_objections(before)
    for rule_id, item in policy_objections(after).items():
        effects = set(item.get("effects") or [])
        if item.get("severity") != "hard":
            continue
        if effects & BLOCKING_EFFECTS or (not effects and rule_id not in known):  # a check it newly fails
            cite = item.get("cite") or {}
            out.append(
                {
                    "message": item.get("message", ""),
                    "article": cite.get("article", ""),
                    "quote": cite.get("quote", ""),
                }
            )
    for deadline in after.get("deadlines", []):
        if deadline.get("status") == "too_early" and deadline.get("closing_event") == "acceptance_applied":
            cite = deadline.get("cite") or {}
            out.append(
                {
                    "message": f"{deadline.get('name')}：最早可于 {deadline.get('earliest')} 提出申请",
                    "article": cite.get("article", ""),
                    "quote": cite.get("quote", ""),
                }
            )
    items = evidence if evidence is not None else evidence_items(project, application, on, after)
    out += [
        {"message": problem, "article": entry.form.cite.article, "quote": entry.form.cite.quote}
        for entry in items
        for problem in entry.problems
    ]
    return out


OPERATION_STAGES = frozenset({"OPERATE", "EVALUATE"})


def is_operation_stage(project: Project, stage_id: str | None) -> bool:
    """A stage of the system in use (运行维护、绩效评价): the filings made there are the yearly O&M filings."""
    pack = project_pack(project)
    return pack is not None and any(s.id == stage_id and s.code in OPERATION_STAGES for s in pack.route)


@dataclass
class OperationDuty:
    """A duty of the system in use the unit discharges with a record each year: the pack's filing form of
    the operation stage (年度运维备案), or a written account for a recurring duty without a form (上城 DL-48
    等保测评, periodic 风险评估 and 密评)."""

    rule: Any
    form: Any | None
    due: str = ""  # this period's due date, when the pack gives one


def operation_duties(project: Project, policy: dict[str, Any] | None = None) -> list[OperationDuty]:
    pack = project_pack(project)
    if pack is None:
        return []
    policy = policy if policy is not None else project_policy(project)
    rules = {d.id: d for d in pack.deadlines}
    duties: dict[str, OperationDuty] = {}
    for form in pack_forms(project, "filing", policy):
        if is_operation_stage(project, form.stage):
            for rule_id in form.fulfils:
                duties[rule_id] = OperationDuty(rule=rules[rule_id], form=form)
    by_evaluation = {
        rule_id for form in pack.forms if form.purpose == "evaluation" for rule_id in form.fulfils
    }
    for item in policy.get("deadlines", []):
        rule = rules.get(item["id"])
        due = str(item.get("due") or "")
        if rule is None:
            continue
        if rule.id in duties:
            duties[rule.id].due = due
        elif (
            rule.id not in by_evaluation
            and rule.direction == "by"
            and rule.period.kind == "recurring"
            and rule.period.every != "monthly"
            and item.get("status") == "recurring"
        ):
            duties[rule.id] = OperationDuty(rule=rule, form=None, due=due)
    return list(duties.values())


def has_stage(project: Project, code: str) -> bool:
    pack = project_pack(project)
    return pack is not None and any(stage.code == code for stage in pack.route)


# ------------------------------------------------------------------ rectification and sanctions


def rectification_rules(project: Project, policy: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The pack's 限期整改 deadlines whose condition holds now (e.g. 上城 DL-50 after a failed acceptance,
    2 months; 章贡 DL-24, 期限 set in the notice)."""
    pack = project_pack(project)
    if pack is None:
        return []
    ids = {d.id for d in pack.deadlines if d.rectification}
    policy = policy if policy is not None else project_policy(project)
    return [d for d in policy.get("deadlines", []) if d["id"] in ids]


def rectification_proposal(policy: dict[str, Any], rule_id: str) -> dict[str, Any] | None:
    """An overdue deadline the pack answers with 限期整改 (石嘴山 DL-10 备案逾期 → 市数据局 限期整改), as the
    finding to propose to the bureau; None unless it is overdue and the pack says so."""
    deadline = next((d for d in policy.get("deadlines", []) if d["id"] == rule_id), None)
    if deadline is None or deadline.get("status") != "overdue":
        return None
    if deadline.get("on_overdue") != "propose_rectification":
        return None
    cite = deadline.get("cite") or {}
    return {
        "rule_id": rule_id,
        "finding": f"{deadline.get('name')}（应于 {deadline.get('due')} 前，{cite.get('article', '')}）逾期未办理",
    }


def rectification_rule(project: Project, rule_id: str) -> Any | None:
    pack = project_pack(project)
    if pack is None or not rule_id:
        return None
    return next((d for d in pack.deadlines if d.id == rule_id and d.rectification), None)


def order_overdue(order: RectificationOrder, on: dt.date | None = None) -> bool:
    return order.status != OrderStatus.CLOSED and (on or clock.today()) > order.due_on


def sanctions_allowed(order: RectificationOrder) -> list[Any]:
    """The measures the pack allows under the order's rule once it is overdue (章贡 第三十六条: 通报批评、
    暂缓安排建设或资金计划、暂停项目建设，直至终止项目)."""
    rule = rectification_rule(order.project, order.rule_id)
    return list(rule.sanctions) if rule is not None else []


def may_issue_orders(user: Any, project: Project) -> bool:
    """The competent bureau, a supervising bureau above it, or a co-reviewing bureau of the jurisdiction
    (财政、审计 …) — each supervises the projects it can see."""
    if is_competent_reviewer(user, project):
        return True
    scope = user_scope(user)
    if scope.has(Role.SUPERVISOR) and project.jurisdiction_id in scope.overseen_jurisdiction_ids:
        return True
    co = [org for role, org in scope.role_orgs if role == Role.CO_REVIEWER]
    return Organisation.objects.filter(pk__in=co, jurisdiction_id=project.jurisdiction_id).exists()


def issuing_organisation(user: Any, project: Project) -> Organisation | None:
    scope = user_scope(user)
    preferred = [org for role, org in scope.role_orgs if role == Role.REVIEWER] + [
        org for role, org in scope.role_orgs if role in {Role.SUPERVISOR, Role.CO_REVIEWER}
    ]
    return Organisation.objects.filter(pk__in=preferred).order_by("-jurisdiction__level").first() or (
        Organisation.objects.filter(pk=preferred[0]).first() if preferred else None
    )


def may_approve_sanction(user: Any, project: Project, role: str) -> bool:
    """Where the pack names an approver (上城 ¶84: 分管领导 for 强制淘汰): a 领导 of the jurisdiction."""
    if role != "LEADER_SIGNOFF":
        return is_competent_reviewer(user, project)
    leader_orgs = [org for r, org in user_scope(user).role_orgs if r == Role.LEADER]
    return Organisation.objects.filter(pk__in=leader_orgs, jurisdiction_id=project.jurisdiction_id).exists()


# ------------------------------------------------------------------ operation


def om_funds_standing(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """Why the project may not be given O&M funds (findings with effect 不予安排运维经费), each cited."""
    return [
        f
        for f in policy.get("findings", [])
        if f.get("status") == "active" and "NO_OM_FUNDS" in (f.get("effects") or [])
    ]


def evaluation_tables(project: Project) -> list[Any]:
    """The pack's weighted indicator systems for performance evaluation (舒城 第二十四条)."""
    pack = project_pack(project)
    return [t for t in pack.scoring if t.purpose == "evaluation"] if pack is not None else []


def trial_report_generate(trial: TrialRun) -> str:
    """A trial-run report written from the usage recorded day by day (上城 ¶78: 系统自动生成的试运行报告)."""
    usage = list(trial.usage.all())
    end = trial.ended_on or clock.today()
    days = (end - trial.started_on).days
    if not usage:
        return f"试运行 {trial.started_on:%Y-%m-%d} 至 {end:%Y-%m-%d}，共 {days} 天；未登记运行记录。"
    visits = sum(u.visits for u in usage)
    faults = sum(u.faults for u in usage)
    peak = max(u.active_users for u in usage)
    average = sum(u.active_users for u in usage) / len(usage)
    return (
        f"试运行 {trial.started_on:%Y-%m-%d} 至 {end:%Y-%m-%d}，共 {days} 天；登记运行记录 {len(usage)} 天，"
        f"累计访问 {visits} 次，日均活跃用户 {average:.1f} 人（峰值 {peak} 人），故障 {faults} 次。"
    )


def evidence_sample(form: Any, issued: dt.date) -> dict[str, str]:
    """Plausible values that meet an evidence, filing or evaluation form of any pack (demo data and tests):
    dates ``issued`` (a validity a year on), the first conclusion that does not block, every confirmation
    ticked."""
    values: dict[str, str] = {}
    for spec in form.fields:
        if spec.type == "file":
            continue
        if spec.type == "date":
            values[spec.key] = (issued + dt.timedelta(days=365) if spec.expires else issued).isoformat()
        elif spec.type == "choice":
            values[spec.key] = next((c for c in spec.choices if c not in spec.blocking), "")
        elif spec.type == "bool":
            values[spec.key] = "on"
        elif spec.type == "int":
            values[spec.key] = "3" if "level" in spec.key else str(issued.year)
        elif spec.type in {"money_yuan", "money_wan"}:
            values[spec.key] = "100000"
        elif spec.type == "longtext":
            values[spec.key] = "按要求完成，运行情况良好，资料齐全。"
        else:
            values[spec.key] = "某某单位 2026-001"
    return values
