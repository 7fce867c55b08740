"""/api/v1/opendata — the same two exports as the 数据报送 page, for the level above's systems to fetch.

Errors answer as every GovIT API does, ``{"detail": …, "errors": {字段: [消息]}}`` with 400/403/404; they are
turned into responses here so the exports behave the same wherever the router is mounted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from govit.core.errors import ServiceError
from govit.opendata import selectors
from govit.opendata.choices import ExportFormat
from govit.opendata.services import opendata_export

router = Router(tags=["数据报送"])


class JurisdictionOut(Schema):
    code: str
    name: str
    level: str
    pack_code: str
    projects_url: str
    ocds_url: str


def _error(error: ServiceError) -> JsonResponse:
    body: dict[str, Any] = {"detail": error.message}
    if error.field:
        body["errors"] = {error.field: [error.message]}
    return JsonResponse(body, status=error.status_code, json_dumps_params={"ensure_ascii": False})


def _export(request: HttpRequest, code: str, export_format: str, year: str | None) -> HttpResponse:
    try:
        export = opendata_export(
            actor=request.user, jurisdiction_code=code, export_format=export_format, year=year, via="api"
        )
    except ServiceError as error:
        return _error(error)
    return HttpResponse(export.content, content_type="application/json; charset=utf-8")


@router.get("/opendata/jurisdictions", response=list[JurisdictionOut])
def jurisdictions(request: HttpRequest) -> list[dict[str, Any]]:
    """The jurisdictions the caller may export (empty for anyone who reports for none)."""
    return [
        {
            "code": j.code,
            "name": j.name,
            "level": j.level,
            "pack_code": j.pack_code,
            "projects_url": f"/api/v1/opendata/{j.code}/projects",
            "ocds_url": f"/api/v1/opendata/{j.code}/ocds",
        }
        for j in selectors.export_jurisdictions_for(request.user)
    ]


@router.get("/opendata/{code}/projects")
def projects(request: HttpRequest, code: str, year: str | None = None) -> HttpResponse:
    """数据报送 JSON (schema govit-projects 1.0) of the jurisdiction ``code``; ``year`` limits it to a 申报年度."""
    return _export(request, code, ExportFormat.PROJECTS, year)


@router.get("/opendata/{code}/ocds")
def ocds(request: HttpRequest, code: str, year: str | None = None) -> HttpResponse:
    """OCDS 1.1 release package of the jurisdiction's projects granted 立项."""
    return _export(request, code, ExportFormat.OCDS, year)
