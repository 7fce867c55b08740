"""The OCDS 1.1 release package a jurisdiction publishes: one release per project granted 立项, with its
budget, procurement, awards, contracts, payments (as transactions) and agreed changes (as amendments). Field
names are OCDS's, values Chinese, amounts integer 元 in CNY; see docs/opendata.md for the mapping."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.utils import timezone

from govit.accounts.models import Jurisdiction, Organisation
from govit.delivery.choices import ContractKind, ProcurementLot, ProcurementMethod
from govit.delivery.models import ChangeRequest, Contract, Procurement
from govit.opendata.choices import (
    CREDIT_CODE_SCHEME,
    CURRENCY,
    OCDS_VERSION,
    PROCUREMENT_CATEGORIES,
    PROCUREMENT_METHODS,
)
from govit.opendata.documents import change_kinds, credit_code_of, rfc3339
from govit.opendata.selectors import ProjectRecord, ocid_for
from govit.projects.choices import Status

# Statuses after which a project's contracts have come to a close (completed, or ended early).
CLOSED_STATUSES = frozenset({Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED, Status.TERMINATED})


def _value(yuan: int) -> dict[str, Any]:
    return {"amount": yuan, "currency": CURRENCY}


def organisation_party_id(org: Organisation) -> str:
    code = credit_code_of(org)
    return f"{CREDIT_CODE_SCHEME}-{code}" if code else f"govit-org-{org.pk}"


def supplier_party_id(name: str) -> str:
    """Suppliers are recorded by name only: the same name is the same party in every release."""
    return "govit-supplier-" + hashlib.sha256(name.strip().encode()).hexdigest()[:12]


class _Parties:
    """The release's ``parties``: each organisation once, with every role it plays."""

    def __init__(self, *, region: str) -> None:
        self._by_id: dict[str, dict[str, Any]] = {}
        self._region = region

    def organisation(self, org: Organisation, *roles: str) -> dict[str, str]:
        party_id = organisation_party_id(org)
        party = self._by_id.setdefault(
            party_id,
            {
                "id": party_id,
                "name": org.name,
                "address": {"region": self._region, "countryName": "中国"},
                "roles": [],
            },
        )
        code = credit_code_of(org)
        if code:
            party["identifier"] = {"scheme": CREDIT_CODE_SCHEME, "id": code, "legalName": org.name}
        self._roles(party, roles)
        return {"id": party_id, "name": org.name}

    def supplier(self, name: str, *roles: str) -> dict[str, str]:
        party_id = supplier_party_id(name)
        party = self._by_id.setdefault(party_id, {"id": party_id, "name": name.strip(), "roles": []})
        self._roles(party, roles)
        return {"id": party_id, "name": party["name"]}

    @staticmethod
    def _roles(party: dict[str, Any], roles: tuple[str, ...]) -> None:
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)

    def as_list(self) -> list[dict[str, Any]]:
        return list(self._by_id.values())


def _tender(ocid: str, record: ProjectRecord, procurement: Procurement) -> dict[str, Any]:
    project = record.project
    tender: dict[str, Any] = {
        "id": f"{ocid}-tender",
        "title": project.name,
        "description": f"{project.get_procurement_category_display()}采购，"
        f"采购途径：{procurement.get_route_display()}",
        "status": "complete",
        "procurementMethod": PROCUREMENT_METHODS.get(procurement.method),
        "procurementMethodDetails": ProcurementMethod(procurement.method).label,
        "mainProcurementCategory": PROCUREMENT_CATEGORIES.get(project.procurement_category),
        "tenderPeriod": {"endDate": rfc3339(procurement.tender_on)},
        "awardPeriod": {"endDate": rfc3339(procurement.award_notice_on)},
    }
    if procurement.control_price_yuan is not None:
        tender["value"] = _value(procurement.control_price_yuan)
    return tender


def _contract_period(contract: Contract) -> dict[str, Any]:
    months = contract.signed_on.month - 1 + contract.implementation_months
    year, month = contract.signed_on.year + months // 12, months % 12 + 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    end = dt.date(year, month, min(contract.signed_on.day, last_day))
    return {
        "startDate": rfc3339(contract.signed_on),
        "endDate": rfc3339(end),
        "durationInDays": (end - contract.signed_on).days,
    }


def _amendment(ocid: str, change: ChangeRequest) -> dict[str, Any]:
    text = (
        f"变更事项：{'、'.join(change_kinds(change)) or '—'}；办理方式：{change.route_stage_name}；"
        f"投资由 {change.baseline_yuan} 元调整为 {change.new_total_yuan} 元"
    )
    if change.reapproval_number:
        text += f"；调整批复文号：{change.reapproval_number}"
    amendment: dict[str, Any] = {
        "id": f"{ocid}-change-{change.pk}",
        "rationale": change.description,
        "description": text,
    }
    if change.decided_at is not None:
        amendment["date"] = rfc3339(change.decided_at)
    return amendment


def _award_for(contract: Contract, awards: dict[str, dict[str, Any]], lots: dict[str, str]) -> str | None:
    """The award a contract follows from: its own lot's award to the same supplier, else any award to that
    supplier."""
    supplier = contract.supplier_name.strip()
    lot = ProcurementLot.SUPERVISION if contract.kind == ContractKind.SUPERVISION else ProcurementLot.MAIN
    wanted = lots.get(lot)
    if wanted is not None and awards[wanted]["suppliers"][0]["name"] == supplier:
        return wanted
    return next((key for key, award in awards.items() if award["suppliers"][0]["name"] == supplier), None)


def _planning(record: ProjectRecord) -> dict[str, Any]:
    project, approval = record.project, record.approval
    budget: dict[str, Any] = {"project": project.name, "projectID": str(project.pk)}
    if approval is not None:
        budget.update(
            {
                "id": approval.approval_number,
                "description": (
                    f"立项批复投资（立项文号 {approval.approval_number}，"
                    f"批复日期 {approval.approved_on.isoformat()}，决策机构 {approval.decided_by_body}）"
                ),
                "amount": _value(approval.approved_budget_yuan),
            }
        )
    planning: dict[str, Any] = {"budget": budget}
    if project.summary.strip():
        planning["rationale"] = project.summary.strip()
    return planning


def _awards(
    ocid: str, record: ProjectRecord, parties: _Parties
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """One award per procurement (the project's, and its 监理 tendered on its own), keyed by award id; and
    {lot: award id}."""
    awards: dict[str, dict[str, Any]] = {}
    lots: dict[str, str] = {}
    for procurement in record.procurements:
        award_id = f"{ocid}-award-{procurement.lot}"
        lots[procurement.lot] = award_id
        awards[award_id] = {
            "id": award_id,
            "title": procurement.get_lot_display(),
            "description": f"{ProcurementMethod(procurement.method).label}，"
            f"中标（成交）通知书日期 {procurement.award_notice_on.isoformat()}",
            "status": "active",
            "date": rfc3339(procurement.award_notice_on),
            "suppliers": [parties.supplier(procurement.supplier_name, "supplier")],
        }
    return awards, lots


def _contract_entry(
    ocid: str, contract: Contract, award_id: str, *, buyer: dict[str, str], parties: _Parties, closed: bool
) -> dict[str, Any]:
    payments = list(contract.payments.all())
    payee = parties.supplier(contract.supplier_name, *(("supplier", "payee") if payments else ("supplier",)))
    entry: dict[str, Any] = {
        "id": f"{ocid}-contract-{contract.pk}",
        "awardID": award_id,
        "title": f"{contract.get_kind_display()} {contract.number}",
        "description": f"合同编号 {contract.number}，乙方 {contract.supplier_name}",
        "status": "terminated" if closed else "active",
        "value": _value(contract.amount_yuan),
        "dateSigned": rfc3339(contract.signed_on),
        "period": _contract_period(contract),
    }
    if payments:
        entry["implementation"] = {
            "transactions": [
                {
                    "id": f"{ocid}-payment-{payment.pk}",
                    "date": rfc3339(payment.paid_on),
                    "value": _value(payment.amount_yuan),
                    "payer": buyer,
                    "payee": payee,
                }
                for payment in payments
            ]
        }
    return entry


def _contracts(
    ocid: str,
    record: ProjectRecord,
    awards: dict[str, dict[str, Any]],
    lots: dict[str, str],
    *,
    buyer: dict[str, str],
    parties: _Parties,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Every contract with the award it follows from (made up for a contract without a recorded procurement,
    as OCDS wants an ``awardID``), adding the contract amounts to the awards' values; and the contract the
    agreed changes amend: the main one, else the first."""
    entries: list[dict[str, Any]] = []
    closed = record.project.status in CLOSED_STATUSES
    for contract in record.contracts:
        award_id = _award_for(contract, awards, lots)
        if award_id is None:
            award_id = f"{ocid}-award-contract-{contract.pk}"
            awards[award_id] = {
                "id": award_id,
                "title": contract.get_kind_display(),
                "description": "未单独登记采购结果，按合同登记",
                "status": "active",
                "date": rfc3339(contract.signed_on),
                "suppliers": [parties.supplier(contract.supplier_name, "supplier")],
            }
        awards[award_id].setdefault("value", _value(0))["amount"] += contract.amount_yuan
        entries.append(_contract_entry(ocid, contract, award_id, buyer=buyer, parties=parties, closed=closed))
    main = [entry for entry, c in zip(entries, record.contracts, strict=True) if c.kind == ContractKind.MAIN]
    amended = (main or entries)[0] if entries else None
    return entries, amended


def _release(record: ProjectRecord, jurisdiction: Jurisdiction) -> dict[str, Any]:
    project = record.project
    ocid = ocid_for(project, jurisdiction)
    parties = _Parties(region=jurisdiction.name)
    paid = any(contract.payments.all() for contract in record.contracts)
    buyer = parties.organisation(project.lead_unit, *(("buyer", "payer") if paid else ("buyer",)))
    latest = _release_moment(record)
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{latest:%Y%m%dT%H%M%S}",
        "date": rfc3339(latest),
        "tag": [],
        "initiationType": "tender",
        "language": "zh",
        "parties": [],
        "buyer": buyer,
        "planning": _planning(record),
    }
    tags = ["planning"]  # the budget and rationale are always there
    main = next((p for p in record.procurements if p.lot == ProcurementLot.MAIN), None)
    if record.procurements:
        release["tender"] = _tender(ocid, record, main or record.procurements[0])
        tags.append("tender")

    awards, lots = _awards(ocid, record, parties)
    contracts, amended = _contracts(ocid, record, awards, lots, buyer=buyer, parties=parties)
    amendments = [_amendment(ocid, change) for change in record.changes]
    if amendments and amended is not None:
        amended["amendments"] = amendments
        tags.append("contractAmendment")
    elif amendments and "tender" in release:
        release["tender"]["amendments"] = amendments
        tags.append("tenderAmendment")
    if awards:
        release["awards"] = list(awards.values())
        tags.append("award")
    if contracts:
        release["contracts"] = contracts
        tags.append("contract")
    if any("implementation" in entry for entry in contracts):
        tags.append("implementation")
    if contracts and project.status == Status.TERMINATED:
        tags.append("contractTermination")
    release["tag"] = _ordered(tags)
    release["parties"] = parties.as_list()
    return release


TAG_ORDER = (
    "planning",
    "tender",
    "tenderAmendment",
    "award",
    "contract",
    "implementation",
    "contractAmendment",
    "contractTermination",
)


def _ordered(tags: list[str]) -> list[str]:
    return [tag for tag in TAG_ORDER if tag in tags]


def _release_moment(record: ProjectRecord) -> dt.datetime:
    """When the latest information in the release was recorded: the release date, and its id with the ocid."""
    moments = [record.project.updated_at]
    moments += [p.recorded_at for p in record.procurements]
    for contract in record.contracts:
        moments.append(contract.registered_at)
        moments += [payment.recorded_at for payment in contract.payments.all()]
    moments += [c.decided_at for c in record.changes if c.decided_at is not None]
    if record.approval is not None:
        moments.append(record.approval.recorded_at)
    return timezone.localtime(max(moments)).replace(microsecond=0)


def ocds_package(
    jurisdiction: Jurisdiction,
    records: list[ProjectRecord],
    *,
    year: int | None,
    generated_at: dt.datetime,
    publisher: Organisation | None,
) -> dict[str, Any]:
    """An OCDS 1.1 release package: one release per project granted 立项, ocid-ordered by project id."""
    uri = f"{settings.GOVIT_BASE_URL}/opendata/{jurisdiction.code}/ocds.json"
    if year is not None:
        uri += f"?year={year}"
    publisher_entry: dict[str, Any] = {
        "name": publisher.name if publisher else f"{jurisdiction.name}（GovIT）"
    }
    if publisher is not None and credit_code_of(publisher):
        publisher_entry.update({"scheme": CREDIT_CODE_SCHEME, "uid": credit_code_of(publisher)})
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": rfc3339(generated_at),
        "publisher": publisher_entry,
        "releases": [_release(record, jurisdiction) for record in records],
    }
