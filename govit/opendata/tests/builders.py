"""A project with everything after 立项 recorded — two procurements, three contracts (one without a recorded
procurement), payments, an agreed and a refused change, a passed acceptance and overdue deadlines — built
straight into the tables (the services that record them are tested in their own apps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from govit.acceptance.choices import ApplicationStatus
from govit.acceptance.models import AcceptanceApplication
from govit.accounts.models import Organisation
from govit.core import clock
from govit.delivery.choices import ChangeStatus, ContractKind, ProcurementLot, ProcurementMethod
from govit.delivery.models import ChangeRequest, Contract, Payment, Procurement
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.services import project_create
from govit.workflow.models import ProjectApproval

SUPPLIER = "合肥某某信息技术有限公司"
SUPERVISOR = "安徽某某工程监理有限公司"
TESTER = "某某软件测评中心"


def moment(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@dataclass
class Rich:
    project: Project
    main: Contract
    supervision: Contract
    other: Contract
    agreed: ChangeRequest
    refused: ChangeRequest


def declared(*, unit: Organisation, clerk: Any, name: str, status: str, year: int = 2027) -> Project:
    """A declaration of ``unit`` brought to ``status`` as a data import would (its route is tested in workflow)."""
    project = project_create(
        actor=clerk,
        lead_unit=unit,
        fields={
            "name": name,
            "year": year,
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "summary": f"建设{name}，提升业务办理效率。",
            "content": f"{name}软件开发、部署上云。",
            "cost_software": 1_800_000,
            "cost_equipment": 400_000,
            "fund_fiscal": 2_200_000,
        },
    )
    Project.objects.filter(pk=project.pk).update(
        status=status, submitted_at=None if status == Status.DRAFT else moment(2026, 8, 3, 10)
    )
    project.refresh_from_db()
    return project


def rich_project(
    *,
    unit: Organisation,
    clerk: Any,
    reviewer: Any,
    status: str = Status.IN_OPERATION,
    name: str = "智慧校园统一身份认证平台",
) -> Rich:
    project = declared(unit=unit, clerk=clerk, name=name, status=status)
    now = clock.now()
    ProjectApproval.objects.create(
        project=project,
        approval_number=f"舒数〔2026〕{project.pk}号",
        approved_budget_yuan=2_000_000,
        approved_on=dt.date(2026, 9, 1),
        decided_by_body="县政府常务会议",
        stage_id="approval",
        recorded_by=reviewer,
        recorded_at=now,
    )
    common = {"project": project, "recorded_by": clerk, "recorded_at": now, "route": "GOV_PROCUREMENT"}
    Procurement.objects.create(
        **common,
        lot=ProcurementLot.MAIN,
        method=ProcurementMethod.OPEN_TENDER,
        tender_on=dt.date(2026, 9, 20),
        award_notice_on=dt.date(2026, 9, 28),
        supplier_name=SUPPLIER,
        control_price_yuan=1_900_000,
    )
    Procurement.objects.create(
        **common,
        lot=ProcurementLot.SUPERVISION,
        method=ProcurementMethod.CONSULTATION,
        tender_on=dt.date(2026, 9, 18),
        award_notice_on=dt.date(2026, 9, 22),
        supplier_name=SUPERVISOR,
    )

    def contract(kind: str, number: str, supplier: str, signed: dt.date, amount: int) -> Contract:
        return Contract.objects.create(
            project=project,
            kind=kind,
            number=number,
            supplier_name=supplier,
            signed_on=signed,
            amount_yuan=amount,
            implementation_months=12,
            warranty_months=24,
            registered_by=clerk,
            registered_at=now,
        )

    supervision = contract(ContractKind.SUPERVISION, "JL-2026-001", SUPERVISOR, dt.date(2026, 9, 30), 100_000)
    main = contract(ContractKind.MAIN, "HT-2026-001", SUPPLIER, dt.date(2026, 10, 15), 1_500_000)
    other = contract(ContractKind.OTHER, "QT-2026-001", TESTER, dt.date(2026, 11, 1), 40_000)
    Payment.objects.bulk_create(
        [
            Payment(
                contract=main,
                paid_on=dt.date(2026, 11, 2),
                amount_yuan=450_000,
                milestone="合同签订后首付 30%",
                recorded_by=clerk,
                recorded_at=now,
            ),
            Payment(
                contract=main,
                paid_on=dt.date(2027, 3, 1),
                amount_yuan=450_000,
                milestone="初验合格后付至 60%",
                recorded_by=clerk,
                recorded_at=now,
            ),
            Payment(
                contract=supervision,
                paid_on=dt.date(2026, 12, 1),
                amount_yuan=50_000,
                milestone="监理首付",
                recorded_by=clerk,
                recorded_at=now,
            ),
        ]
    )
    change = {
        "project": project,
        "baseline_yuan": 2_000_000,
        "route_stage_name": "主管部门备案",
        "submitted_by": clerk,
        "decided_by": reviewer,
    }
    agreed = ChangeRequest.objects.create(
        **change,
        kinds=["budget", "scope"],
        description="核减部分硬件采购，改用政务云资源。",
        new_total_yuan=1_800_000,
        reduction_pct=Decimal("10.0000"),
        status=ChangeStatus.APPROVED,
        reapproval_number="舒发改〔2027〕3号",
        reapproved_on=dt.date(2027, 1, 12),
        submitted_at=moment(2027, 1, 5, 9),
        decided_at=moment(2027, 1, 10, 15, 30),
    )
    refused = ChangeRequest.objects.create(
        **change,
        kinds=["budget"],
        description="增加移动端功能。",
        new_total_yuan=2_500_000,
        reduction_pct=Decimal("-25.0000"),
        status=ChangeStatus.REJECTED,
        submitted_at=moment(2027, 2, 5, 9),
        decided_at=moment(2027, 2, 8, 9),
    )
    AcceptanceApplication.objects.create(
        project=project,
        status=ApplicationStatus.PASSED,
        applied_on=dt.date(2027, 10, 1),
        decided_on=dt.date(2027, 10, 20),
        created_by=clerk,
        created_at=now,
    )
    Obligation.objects.bulk_create(
        [
            Obligation(
                project=project,
                jurisdiction=project.jurisdiction,
                organisation=unit,
                role="PROJECT_UNIT",
                rule_id=rule,
                name=f"期限事项 {rule}",
                due_on=dt.date(2027, 5, day),
                remind_on=dt.date(2027, 5, day - 3),
                state=state,
            )
            for rule, day, state in (
                ("DL-T1", 10, ObligationState.OVERDUE),
                ("DL-T2", 11, ObligationState.OVERDUE),
                ("DL-T3", 12, ObligationState.FULFILLED),
            )
        ]
    )
    return Rich(project, main, supervision, other, agreed, refused)
