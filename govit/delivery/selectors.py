"""Reading delivery records: the facts they give the policy engine, which contract clauses a pack checks,
what a contract about to be registered would make the pack say, and how much money is left."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from govit.accounts.choices import JurisdictionLevel
from govit.accounts.models import Jurisdiction
from govit.delivery.choices import CLAUSES, ChangeStatus, ContractKind, ProcurementLot
from govit.delivery.models import (
    BudgetArrangement,
    ChangeRequest,
    Contract,
    Filing,
    Payment,
    Procurement,
    ProgressReport,
)
from govit.policies.engine import PackError, load_pack
from govit.projects.choices import COST_HEADS
from govit.projects.facts import FUNDING_FACTS
from govit.projects.models import Project
from govit.projects.policy import policy_objections, project_policy
from govit.workflow.selectors import APPROVED_ONWARDS, ESCALATION_RANK, LEVEL_RANK

_CLAUSE_FIELDS = {code for code, _label in CLAUSES}
_FACT_REF = re.compile(r"contract\.([a-z_]+)")


@dataclass
class PlannedPayment:
    milestone: str
    percent: Decimal
    planned_yuan: int
    paid_yuan: int

    @property
    def left_yuan(self) -> int:
        return max(self.planned_yuan - self.paid_yuan, 0)


def payment_plan_rows(contract: Contract) -> list[PlannedPayment]:
    """The contract's staged plan with what each milestone allows and what has been paid against it (from
    prefetched payments when the page has them); the last milestone takes the rounding so the plan adds up
    to the contract amount."""
    plan = contract.payment_plan or []
    if not plan:
        return []
    payments = list(contract.payments.all())
    rows: list[PlannedPayment] = []
    planned_so_far = 0
    for index, step in enumerate(plan):
        percent = Decimal(str(step["percent"]))
        planned = (
            contract.amount_yuan - planned_so_far
            if index == len(plan) - 1
            else int((contract.amount_yuan * percent / 100).to_integral_value())
        )
        planned_so_far += planned
        paid = sum(p.amount_yuan for p in payments if p.milestone == step["milestone"])
        rows.append(PlannedPayment(step["milestone"], percent, planned, paid))
    return rows


def main_contract(project: Project) -> Contract | None:
    return project.contracts.filter(kind=ContractKind.MAIN).order_by("signed_on", "id").first()


# What ``contract_facts`` reads of a contract.
CONTRACT_FACT_FIELDS = (
    "signed_on",
    "implementation_months",
    "warranty_months",
    "free_om_months",
    "service_months",
    "clauses",
)


def contract_facts(contract: Contract) -> dict[str, Any]:
    """{dotted fact path: value} for a main contract (saved or about to be)."""
    facts: dict[str, Any] = {
        "dates.contract_signed": contract.signed_on,
        "contract.implementation_months": contract.implementation_months,
        "contract.warranty_months": contract.warranty_months,
        "contract.free_om_months": contract.free_om_months,
        "contract.service_months": contract.service_months,
    }
    for code, value in (contract.clauses or {}).items():
        if code in _CLAUSE_FIELDS:
            facts[f"contract.{code}"] = bool(value)
    return {path: value for path, value in facts.items() if value is not None}


def delivery_facts(project: Project) -> dict[str, Any]:
    """Facts the procurement and the main contract hold (registered as a provider of ``project_facts``)."""
    facts: dict[str, Any] = {}
    if project.status not in APPROVED_ONWARDS:
        return facts  # nothing is recorded here before 立项
    procurements = Procurement.objects.filter(project_id=project.pk).values_list(
        "lot", "route", "tender_on", "award_notice_on"
    )
    for lot, route, tender_on, award_notice_on in procurements:
        if lot == ProcurementLot.SUPERVISION:
            facts["supervision_tendered"] = True
            continue
        facts["procurement_route"] = route
        facts["dates.tender_completed"] = tender_on
        facts["dates.award_notice"] = award_notice_on
        facts["dates.procurement_completed"] = award_notice_on
    # the main contract (the first signed) and whether a supervision contract exists, in one read
    contracts = list(
        Contract.objects.filter(
            project_id=project.pk, kind__in=[ContractKind.MAIN, ContractKind.SUPERVISION]
        ).values_list("kind", *CONTRACT_FACT_FIELDS)
    )  # in signing order
    main = next((row[1:] for row in contracts if row[0] == ContractKind.MAIN), None)
    if main is not None:
        facts.update(contract_facts(Contract(**dict(zip(CONTRACT_FACT_FIELDS, main, strict=True)))))
    if any(row[0] == ContractKind.SUPERVISION for row in contracts):
        facts["has_supervision_contract"] = True
    for rule_id, filed_on in Filing.objects.filter(project_id=project.pk).values_list("rule_id", "filed_on"):
        facts[f"fulfilled.{rule_id}"] = filed_on  # ordered by date: the latest filing
    changed = (
        ChangeRequest.objects.filter(project_id=project.pk, status=ChangeStatus.APPROVED)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    if changed is not None:
        facts["dates.change_occurred"] = timezone.localdate(changed)
    first_budget = (
        BudgetArrangement.objects.filter(project_id=project.pk)
        .order_by("approved_on")
        .values_list("approved_on", flat=True)
        .first()
    )
    if first_budget is not None:
        facts["dates.budget_approved"] = first_budget
    return facts


def contract_clause_fields(pack_code: str) -> list[tuple[str, str]]:
    """(field, label) of the contract clauses the project's pack has rules about, in a fixed order."""
    try:
        pack = load_pack(pack_code).pack
    except PackError:
        return []
    texts = [rule.when or "" for rule in pack.findings]
    texts += [f"{rule.when or ''} {rule.check}" for rule in pack.validations]
    used = {name for text in texts for name in _FACT_REF.findall(text)}
    return [(code, label) for code, label in CLAUSES if code in used]


# Findings with this effect make the procurement non-compliant; signing the main contract closes the
# procurement, so they are answered then even if they stood before (舒城 RJ-15 监理, 上城 RJ-106).
PROCUREMENT_NONCOMPLIANT = "PROCUREMENT_NONCOMPLIANT"


def procurement_objections(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The pack's standing objections to the procurement (e.g. no 监理 yet), shown before the main contract."""
    return [
        f
        for f in policy.get("findings", [])
        if f.get("status") == "active" and PROCUREMENT_NONCOMPLIANT in (f.get("effects") or [])
    ]


@dataclass
class ContractCheck:
    """What the pack would newly object to if the contract were registered (and, for the main contract,
    what still makes the procurement non-compliant): hard items block, soft ones need a reason."""

    hard: list[dict[str, Any]] = field(default_factory=list)
    soft: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def contract_check(project: Project, overlay: dict[str, Any], *, main: bool = True) -> ContractCheck:
    before = project_policy(project)
    after = project_policy(project, overlay)
    if "error" in after:
        return ContractCheck(error=str(after["error"]))
    known = policy_objections(before)
    result = ContractCheck()
    for rule_id, item in policy_objections(after).items():
        standing = main and PROCUREMENT_NONCOMPLIANT in (item.get("effects") or [])
        if rule_id in known and not standing:
            continue
        (result.hard if item.get("severity") == "hard" else result.soft).append(item)
    return result


def paid_total(contract: Contract) -> int:
    return int(contract.payments.aggregate(total=Sum("amount_yuan"))["total"] or 0)


def project_paid_total(project: Project) -> int:
    return int(
        Payment.objects.filter(contract__project=project).aggregate(total=Sum("amount_yuan"))["total"] or 0
    )


def contracted_total(project: Project) -> int:
    return int(project.contracts.aggregate(total=Sum("amount_yuan"))["total"] or 0)


# ------------------------------------------------------------------ 变更


def effective_budget(project: Project) -> int:
    """The budget now in force: the last agreed change, else the 立项 budget, else the declared total."""
    change = (
        ChangeRequest.objects.filter(project=project, status=ChangeStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )
    if change is not None:
        return change.new_total_yuan
    approval = getattr(project, "approval", None)
    return approval.approved_budget_yuan if approval is not None else project.total_yuan


def _scaled(parts: dict[str, int], total: int) -> dict[str, int]:
    """``parts`` scaled to add up to ``total`` exactly (the remainder goes to the largest part)."""
    current = sum(parts.values())
    if current <= 0:
        return {**{key: 0 for key in parts}, "other": total} if "other" in parts else parts
    scaled = {key: value * total // current for key, value in parts.items()}
    largest = max(parts, key=lambda key: parts[key])
    scaled[largest] += total - sum(scaled.values())
    return scaled


@dataclass
class ChangeRoute:
    """How the pack routes a change: the stage it newly applies (None: 备案 to the bureau only), the
    materials it newly asks for, and the 核减比例 against the budget in force."""

    baseline_yuan: int
    new_total_yuan: int
    reduction_pct: Decimal
    stage: dict[str, Any] | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)
    redeclare: bool = False
    error: str = ""


def change_route(project: Project, new_total_yuan: int, on: dt.date) -> ChangeRoute:
    baseline = effective_budget(project)
    reduction = (Decimal(baseline - new_total_yuan) * 100 / Decimal(baseline)) if baseline else Decimal(0)
    route = ChangeRoute(baseline, new_total_yuan, reduction.quantize(Decimal("0.0001")))
    heads = {code: project.cost(code) for code, _label in COST_HEADS}
    funds = {target: int(getattr(project, source)) for source, target in FUNDING_FACTS.items()}
    overlay: dict[str, Any] = {"dates.change_occurred": on}
    overlay.update({f"amounts.{k}": v for k, v in _scaled(heads, new_total_yuan).items()})
    overlay.update({f"funding.{k}": v for k, v in _scaled(funds, baseline).items()})
    before = project_policy(project, {"dates.change_occurred": None})  # as if no change had happened
    after = project_policy(project, overlay)
    if "error" in after:
        route.error = str(after["error"])
        return route
    known = {stage["id"] for stage in before.get("route", [])}
    new_stages = [stage for stage in after.get("route", []) if stage["id"] not in known]
    route.stage = new_stages[0] if new_stages else None
    # a change that sends the project back to the declaration (上城 ¶76 重新申报立项)
    route.redeclare = bool(route.stage and route.stage.get("kind") == "form_submission")
    had = {d["code"] for docs in before.get("documents", {}).values() for d in docs}
    route.documents = [
        d
        for docs in after.get("documents", {}).values()
        for d in docs
        if d["code"] not in had and d.get("required")
    ]
    return route


# ------------------------------------------------------------------ 备案 and 月报


def _deadline_rules(project: Project) -> dict[str, Any]:
    try:
        return {rule.id: rule for rule in load_pack(project.pack_code).pack.deadlines}
    except PackError:
        return {}


def filings_due(project: Project, policy: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The pack's deadlines a filing discharges that are running now (open or overdue, no closing event
    of their own, not recurring)."""
    rules = _deadline_rules(project)
    policy = policy if policy is not None else project_policy(project)
    out = []
    for deadline in policy.get("deadlines", []):
        rule = rules.get(deadline["id"])
        if rule is None or rule.closing_event or rule.period.kind in {"recurring", "validity"}:
            continue
        if not deadline.get("trigger_date"):
            continue  # yearly duties of the bureau (e.g. 章贡 DL-18 申报通知) are not the project's filings
        if deadline.get("status") in {"open", "overdue"} and deadline.get("direction", "by") == "by":
            out.append(deadline)
    return out


def filing_form(project: Project, rule_id: str, policy: dict[str, Any] | None = None) -> Any | None:
    """The pack's filing form (``purpose: filing``) for deadline ``rule_id`` that applies to the project
    (石嘴山 第十八条(二): one content list per project type), if any."""
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        return None
    policy = policy if policy is not None else project_policy(project)
    applicable = set(policy.get("forms", []))
    return next(
        (f for f in pack.forms if f.purpose == "filing" and rule_id in f.fulfils and f.id in applicable),
        None,
    )


def filing_rows(filing: Filing, pack_code: str) -> list[tuple[str, Any]]:
    """(label, value) of a filing made with a form of pack ``pack_code``, in the form's order."""
    if not filing.form_id:
        return []
    try:
        forms = {f.id: f for f in load_pack(pack_code).pack.forms}
    except PackError:
        forms = {}
    form = forms.get(filing.form_id)
    if form is None:
        return [(key, value) for key, value in filing.data.items()]
    return [(spec.label, filing.data[spec.key]) for spec in form.fields if spec.key in filing.data]


def monthly_report_rule(project: Project) -> Any | None:
    """The pack's monthly progress-report deadline (上城 DL-46 每月20日前), if any."""
    for rule in _deadline_rules(project).values():
        if rule.period.kind == "recurring" and rule.period.every == "monthly":
            return rule
    return None


def reports_missing(projects: Any, period: str, day: dt.date) -> list[tuple[Project, Any]]:
    """(project, rule) for projects under construction whose pack wants a monthly report, none given for
    ``period`` and the report day of that month passed by ``day``."""
    out = []
    reported = set(
        ProgressReport.objects.filter(project__in=projects, period=period).values_list(
            "project_id", flat=True
        )
    )
    year, month = (int(part) for part in period.split("-"))
    for project in projects:
        rule = monthly_report_rule(project)
        if rule is None or project.pk in reported:
            continue
        report_day = rule.period.day if isinstance(rule.period.day, int) else 28
        if day >= dt.date(year, month, min(report_day, 28)):
            out.append((project, rule))
    return out


# ------------------------------------------------------------------ 撤销终止


def _termination_forms(project: Project) -> list[Any]:
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        return []
    return [form for form in pack.forms if form.purpose == "termination"]


def termination_reasons(project: Project) -> list[str]:
    """The cases the pack lists for 撤销/终止建设 (上城 ¶67): the items of its termination checklist."""
    for form in _termination_forms(project):
        if form.kind == "checklist":
            return list(form.items)
    return []


def termination_form(project: Project) -> Any | None:
    """The pack's form of approvals a termination request carries (上城 ¶67 党委（党组）会议、分管区领导批示)."""
    return next((form for form in _termination_forms(project) if form.kind != "checklist"), None)


def payment_report_form(project: Project) -> Any | None:
    """The form the pack wants filled before each payment (上城 ¶58 资金支付报备单), if any."""
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        return None
    return next((form for form in pack.forms if form.purpose == "payment_report"), None)


def cancellation_proposals(project: Project, policy: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Overdue deadlines the pack marks ``on_overdue: propose_cancellation`` (上城 DL-42 6 个月未完成采购取消
    立项指标, 章贡 DL-22 半年未开工收回资金): for the bureau to confirm."""
    policy = policy if policy is not None else project_policy(project)
    return [
        d
        for d in policy.get("deadlines", [])
        if d.get("status") == "overdue" and d.get("on_overdue") == "propose_cancellation"
    ]


# ------------------------------------------------------------------ 项目库 and 预算

LIBRARY_TRIGGERS = frozenset({"approved", "review_completed"})


def library_validity(project: Project, policy: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The pack's clocks on a project's place in the library: validity periods and maximum durations that
    run from the review or the approval (章贡 DL-20/DL-21 两年, 上城 DL-41 两年 / DL-42 6 个月)."""
    policy = policy if policy is not None else project_policy(project)
    return [
        d
        for d in policy.get("deadlines", [])
        if d.get("trigger") in LIBRARY_TRIGGERS
        and (d.get("period") or {}).get("kind") in {"validity", "max_duration"}
        and d.get("status") not in {"no_trigger", "not_applicable"}
    ]


def library_standing(project: Project, policy: dict[str, Any] | None = None) -> tuple[bool, str]:
    """(in the library, why not): approved and still being delivered, no library clock run out."""
    if getattr(project, "approval", None) is None:
        return False, "项目未立项，未纳入项目库"
    if project.status == "suspended":
        return False, "项目已暂停建设，恢复建设前不安排预算"
    if project.status not in {"approved", "in_construction"}:
        return False, f"项目当前状态为“{project.get_status_display()}”，已不在项目库中"
    for clock_item in library_validity(project, policy):
        if clock_item.get("status") in {"expired", "overdue"}:
            article = (clock_item.get("cite") or {}).get("article", "")
            return (
                False,
                f"{clock_item.get('name')}已于 {clock_item.get('due')} 届满（{article}）：{clock_item.get('consequence', '')}",
            )
    return True, ""


def budgets_total(project: Project) -> int:
    return int(project.budgets.aggregate(total=Sum("amount_yuan"))["total"] or 0)


# ------------------------------------------------------------------ 备案链


def filing_chain(project: Project) -> list[Jurisdiction]:
    """Who acknowledges the project's filings, bottom up: its own bureau, then each level up to the one the
    pack's post-approval filing stage reaches (石嘴山 第十八条: 县区 → 市 → 自治区)."""
    top = LEVEL_RANK[JurisdictionLevel.COUNTY]  # a local filing stays with the project's own bureau
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        pack = None
    if pack is not None:
        approved = False
        for stage in pack.route:
            if stage.grants_approval:
                approved = True
                continue
            if approved and stage.kind == "filing":
                top = ESCALATION_RANK.get(stage.escalation, top)
                break
    chain = [project.jurisdiction]
    for ancestor in project.jurisdiction.ancestors().reverse():
        if LEVEL_RANK.get(ancestor.level, 0) <= top:
            chain.append(ancestor)
    return chain


def filing_next_level(filing: Filing) -> Jurisdiction | None:
    chain = filing_chain(filing.project)
    done = len(filing.acknowledgements or [])
    return chain[done] if done < len(chain) else None
