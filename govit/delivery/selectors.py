"""Reading delivery records: the facts they give the policy engine, which contract clauses a pack checks,
what a contract about to be registered would make the pack say, and how much money is left."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from govit.delivery.choices import CLAUSES, ContractKind
from govit.delivery.models import Contract, Payment, Procurement
from govit.policies.engine import PackError, load_pack
from govit.projects.models import Project
from govit.projects.policy import project_policy

_CLAUSE_FIELDS = {code for code, _label in CLAUSES}
_FACT_REF = re.compile(r"contract\.([a-z_]+)")


def main_contract(project: Project) -> Contract | None:
    return project.contracts.filter(kind=ContractKind.MAIN).order_by("signed_on", "id").first()


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
    procurement = Procurement.objects.filter(project=project).first()
    if procurement is not None:
        facts["procurement_route"] = procurement.route
        facts["dates.tender_completed"] = procurement.tender_on
        facts["dates.award_notice"] = procurement.award_notice_on
        facts["dates.procurement_completed"] = procurement.award_notice_on
    contract = main_contract(project)
    if contract is not None:
        facts.update(contract_facts(contract))
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


@dataclass
class ContractCheck:
    """What the pack would newly object to if the contract were registered: hard items block, soft ones
    need a reason."""

    hard: list[dict[str, Any]] = field(default_factory=list)
    soft: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def _objections(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for finding in policy.get("findings", []):
        if finding.get("status") == "active":
            out[finding["id"]] = finding
    for check in policy.get("validations", []):
        if check.get("status") == "fail":
            out[check["id"]] = check
    return out


def contract_check(project: Project, overlay: dict[str, Any]) -> ContractCheck:
    before = project_policy(project)
    after = project_policy(project, overlay)
    if "error" in after:
        return ContractCheck(error=str(after["error"]))
    known = _objections(before)
    result = ContractCheck()
    for rule_id, item in _objections(after).items():
        if rule_id in known:
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
