"""Declaring a project through the services, and opening a downloaded document the way an office would:
Word with python-docx, Excel with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.test import Client
from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from govit.acceptance.choices import ApplicationStatus, ReportSource
from govit.acceptance.models import AcceptanceApplication, TrialRun
from govit.acceptance.selectors import evidence_sample, pack_forms
from govit.accounts.models import User
from govit.delivery.models import Contract
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import declaration_forms, form_check, sample_values
from govit.projects.services import project_create, project_form_save
from govit.workflow.models import ProjectApproval


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def declare(prefix: str, forms: dict[str, dict[str, str]] | None = None, **fields: Any) -> Project:
    """A draft of ``<prefix>_clerk``'s unit with its declaration forms filled in through the service: ``forms``
    as given ({form id: values}), the others with sample values."""
    clerk = User.objects.get(username=f"{prefix}_clerk")
    unit = clerk.primary_organisation
    assert unit is not None
    values: dict[str, Any] = {
        "name": "智慧校园统一身份认证平台",
        "year": 2028,
        "nature": "NEW",
        "procurement_category": "SERVICE",
        "summary": "依据教育信息化规划，建设全县统一身份认证平台。",
        "objectives": "实现教师、学生一个账号登录全部教育业务系统。",
        "content": "统一身份认证、单点登录、权限管理三个子系统。",
        "functions": "账号管理、单点登录、权限分配、审计日志",
        "tech_route": "微服务架构，部署在政务云，按等保二级建设。",
        "data_summary": "教师信息、学生学籍信息、登录日志",
        "benefits": "减少重复登录，提高办事效率。",
        "contact_name": "张明",
        "contact_phone": "0564-8888000",
        "cost_software": 1_234_567,
        "cost_equipment": 400_000,
        "fund_fiscal": 1_634_567,
        "deploys_on_gov_cloud": True,
    }
    values.update(fields)
    project = project_create(actor=clerk, lead_unit=unit, fields=values)
    given = forms or {}
    for form in declaration_forms(project):  # the others with plausible values, so it can be submitted
        raw = given.get(form.id) or sample_values(project, form)
        project = project_form_save(actor=clerk, project=project, form_id=form.id, raw=raw)
    return project


def url(project: Project, document: str, fmt: str, query: str = "") -> str:
    return f"/projects/{project.pk}/printouts/{document}.{fmt}" + (f"?{query}" if query else "")


def download(client: Client, address: str) -> bytes:
    response = client.get(address)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return b"".join(response.streaming_content) if response.streaming else response.content


def docx_open(content: bytes) -> DocumentObject:
    return Document(io.BytesIO(content))


def xlsx_open(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def docx_xml(content: bytes) -> str:
    """Every XML part of a .docx/.xlsx as one string (to be sure a value appears nowhere)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def cell_beside(table: Table, label: str, offset: int = 1) -> str:
    """The text of the cell ``offset`` cells right of the cell reading ``label`` (merged cells counted once)."""
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        for index, cell in enumerate(cells):
            if cell.text.strip() == label and index + offset < len(cells):
                return cells[index + offset].text
    raise AssertionError(f"no cell reads {label!r}")


def cell_below(table: Table, label: str, rows_down: int = 1) -> str:
    """The text of the cell ``rows_down`` rows below the header cell reading ``label``."""
    for row_index, row in enumerate(table.rows):
        for column, cell in enumerate(row.cells):
            if cell.text.strip() == label:
                return table.rows[row_index + rows_down].cells[column].text
    raise AssertionError(f"no cell reads {label!r}")


def at_ten(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def accepted_shucheng_project() -> tuple[Project, AcceptanceApplication]:
    """A 舒城 project approved, contracted, through its trial run, with its 竣工验收 evidence entered (one item,
    the interface documents, not yet) and the application made."""
    project = declare("sc", name="政务服务事项综合受理系统", year=2027)
    reviewer = User.objects.get(username="sc_reviewer")
    clerk = User.objects.get(username="sc_clerk")
    Project.objects.filter(pk=project.pk).update(status=Status.IN_CONSTRUCTION)
    ProjectApproval.objects.create(
        project=project,
        approval_number="舒数管〔2026〕12号",
        approved_budget_yuan=2_800_000,
        approved_on=dt.date(2026, 9, 1),
        decided_by_body="县政府常务会议",
        stage_id="ST-000-06",
        recorded_by=reviewer,
        recorded_at=at_ten(dt.date(2026, 9, 1)),
    )
    Contract.objects.create(
        project=project,
        number="HT-2026-001",
        supplier_name="某某信息技术有限公司",
        signed_on=dt.date(2026, 10, 15),
        amount_yuan=2_500_000,
        implementation_months=12,
        warranty_months=24,
        registered_by=clerk,
        registered_at=at_ten(dt.date(2026, 10, 15)),
    )
    TrialRun.objects.create(
        project=project,
        started_on=dt.date(2026, 11, 3),
        ended_on=dt.date(2026, 12, 3),
        report_source=ReportSource.GENERATED,
        report="试运行 30 天",
        recorded_by=clerk,
        recorded_at=at_ten(dt.date(2026, 12, 3)),
    )
    evidence = {}
    for form in pack_forms(project, "acceptance_evidence"):
        if form.id == "F-000-EV-INTERFACES":
            continue
        raw = evidence_sample(form, dt.date(2026, 12, 1))
        if form.id == "F-000-EV-CONTRACT":
            raw = {"contract_no": "HT-2026-001", "contractor": "某某信息技术有限公司"} | {
                "signed_on": "2026-10-15",
                "amount": "2500000",
            }
        clean, errors = form_check(project, form, raw)
        assert not errors
        evidence[form.id] = clean
    application = AcceptanceApplication.objects.create(
        project=project,
        status=ApplicationStatus.SUBMITTED,
        evidence=evidence,
        applied_on=dt.date(2026, 12, 4),
        submitted_by=clerk,
        created_by=clerk,
        created_at=at_ten(dt.date(2026, 12, 4)),
    )
    return project, application
