"""数据报送 exports: who may send a jurisdiction's data up, the file, and the audit event it leaves."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from govit.accounts.models import Jurisdiction
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.errors import NotFoundError, ServiceError
from govit.opendata import selectors
from govit.opendata.choices import ExportFormat
from govit.opendata.documents import projects_document
from govit.opendata.ocds import ocds_package

ACTION = "opendata.export"
YEAR_MIN, YEAR_MAX = 2000, 2100
DENIED = "只有本级主管部门（审核人、分管领导）和上级主管部门可以导出数据报送"
VIA = {"web": "页面", "api": "接口", "command": "命令行"}


@dataclass(frozen=True)
class ExportFile:
    """One produced export: the document and how to hand it out."""

    jurisdiction: Jurisdiction
    export_format: str
    year: int | None
    document: dict[str, Any]
    projects: int

    @property
    def content(self) -> bytes:
        return json.dumps(self.document, ensure_ascii=False, indent=1).encode("utf-8")

    @property
    def filename(self) -> str:
        years = f"{self.year}年度" if self.year is not None else "全部年度"
        kind = "数据报送" if self.export_format == ExportFormat.PROJECTS else "OCDS发布包"
        return f"{self.jurisdiction.name}{years}{kind}（{self.jurisdiction.code}）.json"


def year_parse(raw: Any) -> int | None:
    """The 申报年度 filter: blank for every year, else a four-digit year between 2000 and 2100."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if not text.isdigit() or len(text) != 4:
        raise ServiceError(f"申报年度“{text[:20]}”应为四位数字年份，如 2027；不填为全部年度", field="year")
    year = int(text)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ServiceError(f"申报年度应在 {YEAR_MIN} 至 {YEAR_MAX} 年之间", field="year")
    return year


def export_jurisdiction_get(*, actor: Any | None, code: str) -> Jurisdiction:
    """The jurisdiction of ``code`` if ``actor`` may send its data up (no actor: the command line, run by
    an operator on the server). Unknown codes are 404; a refusal is 403 and audited."""
    code = (code or "").strip()
    jurisdiction = selectors.jurisdiction_by_code(code)
    if jurisdiction is None:
        raise NotFoundError(f"行政区划代码“{code[:20]}”不存在", field="jurisdiction")
    if actor is None:
        return jurisdiction
    if not selectors.export_role_holder(actor):
        audit_denied(actor=actor, action=ACTION, target=jurisdiction, message=DENIED)
    if jurisdiction.pk not in selectors.export_jurisdiction_ids(actor):
        audit_denied(
            actor=actor,
            action=ACTION,
            target=jurisdiction,
            message=f"您无权导出{jurisdiction.name}的数据：只能导出本级及下级行政区划",
        )
    return jurisdiction


def opendata_export(
    *, actor: Any | None, jurisdiction_code: str, export_format: str, year: Any = None, via: str = "web"
) -> ExportFile:
    """Build the jurisdiction's 数据报送 JSON or OCDS release package and record who took it.

    ``year`` is the raw 申报年度 filter (blank for all); drafts are never exported, the OCDS package holds
    the projects granted 立项. Access is checked before the input, so an outsider learns nothing from it."""
    jurisdiction = export_jurisdiction_get(actor=actor, code=jurisdiction_code)
    if export_format not in ExportFormat.values:
        raise ServiceError("导出格式应为 projects（数据报送 JSON）或 ocds（OCDS 发布包）", field="format")
    chosen_year = year_parse(year)
    with transaction.atomic():
        now = clock.now()
        ocds = export_format == ExportFormat.OCDS
        records = selectors.project_records(jurisdiction, year=chosen_year, approved_only=ocds)
        if ocds and not records:
            scope = f"{chosen_year}年度" if chosen_year is not None else ""
            raise ServiceError(
                f"{jurisdiction.name}{scope}没有已立项的项目，OCDS 发布包至少要有一个发布",
                field="year" if chosen_year is not None else "jurisdiction",
            )
        document = (
            ocds_package(
                jurisdiction,
                records,
                year=chosen_year,
                generated_at=now,
                publisher=selectors.competent_bureau(jurisdiction),
            )
            if ocds
            else projects_document(jurisdiction, records, year=chosen_year, generated_at=now)
        )
        audit_record(
            actor=actor,
            action=ACTION,
            target=jurisdiction,
            after={
                "format": export_format,
                "year": chosen_year,
                "projects": len(records),
                "via": VIA.get(via, via),
            },
            actor_name="" if actor is not None else "govit opendata export",
        )
    return ExportFile(
        jurisdiction=jurisdiction,
        export_format=export_format,
        year=chosen_year,
        document=document,
        projects=len(records),
    )
