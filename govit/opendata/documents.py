"""数据报送 JSON (schema govit-projects 1.0, schemas/govit-projects-1.0.schema.json) built from
``ProjectRecord``s, and the helpers the OCDS package shares. Pure functions of what they are given and the
time; amounts stay integer 元."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from govit.accounts.choices import JurisdictionLevel
from govit.accounts.models import Jurisdiction, Organisation
from govit.delivery.choices import ChangeKind
from govit.delivery.models import ChangeRequest
from govit.opendata.choices import CURRENCY, PROJECTS_SCHEMA_VERSION
from govit.opendata.selectors import ProjectRecord, ocid_for

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_of(org: Organisation) -> str | None:
    """The 统一社会信用代码 when it follows GB 32100-2015, else None."""
    code = (org.credit_code or "").strip().upper()
    return code if CREDIT_CODE.match(code) else None


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _local_date(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment is not None else None


def rfc3339(value: dt.date | dt.datetime) -> str:
    """RFC 3339 with the local offset; a date is its local midnight."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min)).isoformat(timespec="seconds")


def _coded(code: str, label: str) -> dict[str, str]:
    return {"code": code, "label": label}


def _organisation(org: Organisation) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "credit_code": credit_code_of(org)}


def change_kinds(change: ChangeRequest) -> list[str]:
    labels = dict(ChangeKind.choices)
    return [str(labels.get(kind, kind)) for kind in change.kinds or []]


# ------------------------------------------------------------------ 数据报送 (govit-projects 1.0)


def _project_entry(record: ProjectRecord, jurisdiction: Jurisdiction) -> dict[str, Any]:
    project, approval = record.project, record.approval
    return {
        "id": project.pk,
        "ocid": ocid_for(project, jurisdiction),
        "name": project.name,
        "year": project.year,
        "unit": _organisation(project.lead_unit),
        "co_units": [_organisation(org) for org in project.co_units.all()],
        "nature": _coded(project.nature, project.get_nature_display()),
        "procurement_category": _coded(
            project.procurement_category, project.get_procurement_category_display()
        ),
        "status": _coded(project.status, project.get_status_display()),
        "current_stage": project.current_stage,
        "amounts": {
            "requested_total_yuan": project.total_yuan,
            "approved_budget_yuan": approval.approved_budget_yuan if approval is not None else None,
            "current_budget_yuan": record.current_budget_yuan,
            "contract_total_yuan": record.contract_total_yuan,
            "paid_yuan": record.paid_yuan,
        },
        "approval": (
            {
                "number": approval.approval_number,
                "date": approval.approved_on.isoformat(),
                "decided_by": approval.decided_by_body,
            }
            if approval is not None
            else None
        ),
        "contracts": [
            {
                "number": contract.number,
                "kind": _coded(contract.kind, contract.get_kind_display()),
                "supplier": contract.supplier_name,
                "amount_yuan": contract.amount_yuan,
                "signed_on": contract.signed_on.isoformat(),
                "paid_yuan": sum(payment.amount_yuan for payment in contract.payments.all()),
            }
            for contract in record.contracts
        ],
        "changes": [
            {
                "id": change.pk,
                "decided_on": _local_date(change.decided_at),
                "kinds": change_kinds(change),
                "baseline_yuan": change.baseline_yuan,
                "new_total_yuan": change.new_total_yuan,
                "reapproval_number": change.reapproval_number or None,
            }
            for change in record.changes
        ],
        "dates": {
            "submitted": _local_date(project.submitted_at),
            "approved": _date(approval.approved_on if approval is not None else None),
            "contracts_signed": _date(record.contracts[0].signed_on if record.contracts else None),
            "accepted": _date(record.accepted_on),
        },
        "obligations": {"overdue": record.overdue},
    }


def projects_document(
    jurisdiction: Jurisdiction, records: list[ProjectRecord], *, year: int | None, generated_at: dt.datetime
) -> dict[str, Any]:
    """数据报送: the jurisdiction, the filter, the totals and every project."""
    entries = [_project_entry(record, jurisdiction) for record in records]
    parent = jurisdiction.parent
    return {
        "schema_version": PROJECTS_SCHEMA_VERSION,
        "generated_at": rfc3339(generated_at),
        "generator": "GovIT",
        "currency": CURRENCY,
        "amount_unit": "元",
        "jurisdiction": {
            "code": jurisdiction.code,
            "name": jurisdiction.name,
            "level": _coded(jurisdiction.level, JurisdictionLevel(jurisdiction.level).label),
            "pack_code": jurisdiction.pack_code,
            "parent": {"code": parent.code, "name": parent.name} if parent is not None else None,
        },
        "filter": {"year": year},
        "totals": {
            "projects": len(entries),
            "requested_total_yuan": sum(e["amounts"]["requested_total_yuan"] for e in entries),
            "approved_budget_yuan": sum(e["amounts"]["approved_budget_yuan"] or 0 for e in entries),
            "current_budget_yuan": sum(e["amounts"]["current_budget_yuan"] or 0 for e in entries),
            "contract_total_yuan": sum(e["amounts"]["contract_total_yuan"] for e in entries),
            "paid_yuan": sum(e["amounts"]["paid_yuan"] for e in entries),
            "overdue_obligations": sum(e["obligations"]["overdue"] for e in entries),
        },
        "projects": entries,
    }
