"""/api/v1/projects — the same services and visibility as the web pages; amounts in integer 元."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from govit.accounts.models import Organisation
from govit.accounts.selectors import user_scope
from govit.core.errors import ServiceError
from govit.projects import services
from govit.projects.forms import ProjectForm
from govit.projects.models import Project
from govit.projects.packforms import bind, declaration_forms
from govit.projects.selectors import project_get_for_user, project_list_for_user
from govit.projects.textcheck import HIDDEN_CHARS_MESSAGE, first_hidden_text
from govit.projects.views import CO_UNIT_KINDS

router = Router(tags=["项目"])


class ProjectOut(Schema):
    id: int
    name: str
    year: int
    status: str
    status_label: str
    lead_unit: str
    jurisdiction: str
    total_yuan: int
    pack_code: str
    version: int
    submitted_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: Project) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_lead_unit(obj: Project) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_jurisdiction(obj: Project) -> str:
        return obj.jurisdiction.name


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class WithdrawIn(Schema):
    reason: str


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ServiceError("请求体不是有效的 JSON", field="__all__") from None
    if not isinstance(data, dict):
        raise ServiceError("请求体应为 JSON 对象", field="__all__")
    _hidden_refuse(data)
    return data


def _hidden_refuse(data: Any) -> None:
    """A lone surrogate or NUL cannot be stored (and a zero-width or direction character hides text):
    refuse it here, naming the field, rather than fail in the database."""
    where = first_hidden_text(data)
    if where is not None:
        raise ServiceError(f"“{where}”{HIDDEN_CHARS_MESSAGE}", field=where)


def _validate(
    payload: dict[str, Any], *, create: bool, user: Any, project: Project | None = None
) -> ProjectForm:
    units = Organisation.objects.filter(id__in=user_scope(user).unit_org_ids) if create else None
    # co-builders come from the project's own jurisdiction, as on the web form
    if units is not None:
        jurisdictions = list(units.values_list("jurisdiction_id", flat=True))
    else:
        jurisdictions = [project.jurisdiction_id] if project is not None else []
    co_units = Organisation.objects.filter(
        jurisdiction_id__in=jurisdictions, kind__in=CO_UNIT_KINDS, is_active=True
    )
    form = ProjectForm(data=payload, amount_unit="yuan", unit_choices=units, co_unit_choices=co_units)
    if not form.is_valid():
        raise FormInvalid(form)
    return form


class FormInvalid(Exception):
    def __init__(self, form: ProjectForm) -> None:
        super().__init__("invalid")
        self.errors = {name or "__all__": [str(m) for m in msgs] for name, msgs in form.errors.items()}


@router.get("/projects", response=list[ProjectOut])
def list_projects(request: HttpRequest, limit: int = 50, offset: int = 0) -> list[Project]:
    limit = max(1, min(limit, 200))
    offset = max(0, min(offset, 10**9))  # a negative or huge offset is no reason for a server error
    return list(project_list_for_user(request.user).order_by("-id")[offset : offset + limit])


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request: HttpRequest, project_id: int) -> Project:
    return project_get_for_user(user=request.user, project_id=project_id)


@router.post("/projects", response={201: ProjectOut, 400: FieldErrors})
def create_project(request: HttpRequest) -> Status:
    """申报信息 as JSON: the fields of the web form, amounts in integer 元."""
    form = _validate(_json_body(request), create=True, user=request.user)
    project = services.project_create(
        actor=request.user,
        lead_unit=form.cleaned_data["lead_unit"],
        fields=form.project_fields(),
        co_units=form.cleaned_data["co_units"],
    )
    return Status(201, project)


@router.put("/projects/{project_id}", response={200: ProjectOut, 400: FieldErrors})
def update_project(request: HttpRequest, project_id: int) -> Project:
    project = project_get_for_user(user=request.user, project_id=project_id)
    payload = _json_body(request)
    form = _validate(payload, create=False, user=request.user, project=project)
    return services.project_update(
        actor=request.user,
        project=project,
        fields=form.project_fields(),
        co_units=form.cleaned_data["co_units"] if "co_units" in payload else None,
        expected_version=form.cleaned_data.get("version"),
    )


@router.get("/projects/{project_id}/forms")
def get_forms(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """The pack's declaration forms: each field, whether it is taken from the project, and its value."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    out: dict[str, Any] = {}
    for form in declaration_forms(project):
        bound = bind(project, form)
        out[form.id] = {
            "name": form.name,
            "kind": form.kind,
            "items": form.items,
            "checked": bound.checked,
            "fields": [
                {
                    "key": f.key,
                    "label": f.label,
                    "type": f.spec.type,
                    "required": f.spec.required,
                    "from_project": f.from_project,
                    "value": f.value,
                }
                for f in bound.fields
            ],
            "missing": bound.missing,
        }
    return out


@router.put("/projects/{project_id}/forms/{form_id}", response=ProjectOut)
def put_form(request: HttpRequest, project_id: int, form_id: str) -> Project:
    """Fill one declaration form: {field key: value}; a checklist takes {"checked": [items]};
    a month range is "YYYY-MM/YYYY-MM"."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    return services.project_form_save(
        actor=request.user, project=project, form_id=form_id, raw=_json_body(request)
    )


@router.post("/projects/{project_id}/submit", response=ProjectOut)
def submit_project(request: HttpRequest, project_id: int) -> Project:
    """Optional body {"off_window_reason": "..."}: a declaration outside the round's window (增补/专题请示)."""
    project = project_get_for_user(user=request.user, project_id=project_id)
    body = _json_body(request) if request.content_type == "application/json" else {}
    reason = body.get("off_window_reason", "")
    return services.declaration_submit(
        actor=request.user, project=project, off_window_reason=reason if isinstance(reason, str) else ""
    )


@router.post("/projects/{project_id}/withdraw", response=ProjectOut)
def withdraw_project(request: HttpRequest, project_id: int, payload: WithdrawIn) -> Project:
    project = project_get_for_user(user=request.user, project_id=project_id)
    _hidden_refuse({"reason": payload.reason})
    return services.declaration_withdraw(actor=request.user, project=project, reason=payload.reason)


__all__ = ["FormInvalid", "ServiceError", "router"]
