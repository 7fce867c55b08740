"""Fixtures shared by the security suites. Authorisation matrix fixtures are named ``authz_*``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import person_create, project_fields

# ---------------------------------------------------------------- authorisation matrix (等保 8.1.4.2)
AUTHZ_PASSWORD = "Authz@2026pass"
AUTHZ_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _authz_build(media: Any) -> dict[str, Any]:
    """The matrix's world: 舒城县 (六安市, 安徽省) and its neighbour 金寨县, one person per role, and one project
    per (scope, lifecycle state), each with one uploaded material. Built with the product's own services."""
    from django.test import override_settings

    from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
    from govit.accounts.models import Jurisdiction, Organisation
    from govit.documents.services import attachment_upload
    from govit.projects.choices import Status
    from govit.projects.models import ExpertAssignment, Project
    from govit.projects.packforms import declaration_forms, sample_values
    from govit.projects.services import declaration_submit, project_create
    from govit.workflow.selectors import can_decide, route_state
    from govit.workflow.services import stage_decide
    from tests.security import authz_table as table

    with override_settings(MEDIA_ROOT=str(media)):
        anhui = Jurisdiction.objects.create(code="340000", name="安徽省", level=JurisdictionLevel.PROVINCE)
        luan = Jurisdiction.objects.create(
            code="341500", name="六安市", level=JurisdictionLevel.CITY, parent=anhui, pack_code="shizuishan"
        )
        shucheng = Jurisdiction.objects.create(
            code="341523",
            name="舒城县",
            level=JurisdictionLevel.COUNTY,
            parent=luan,
            pack_code="shucheng",
        )
        jinzhai = Jurisdiction.objects.create(
            code="341524",
            name="金寨县",
            level=JurisdictionLevel.COUNTY,
            parent=luan,
            pack_code="shucheng",
        )
        jurisdictions = {"county": shucheng, "other_county": jinzhai, "city": luan, "province": anhui}

        def org(jurisdiction: Jurisdiction, name: str, kind: str) -> Organisation:
            return Organisation.objects.create(jurisdiction=jurisdiction, name=name, kind=kind)

        orgs = {
            "bureau": org(shucheng, "舒城县数据资源管理局", OrganisationKind.COMPETENT_BUREAU),
            "finance": org(shucheng, "舒城县财政局", OrganisationKind.CO_REVIEWER),
            "experts": org(shucheng, "舒城县评审专家库", OrganisationKind.EXPERT_POOL),
            "own_unit": org(shucheng, "舒城县教育局", OrganisationKind.DEPARTMENT),
            "same_county": org(shucheng, "舒城县卫生健康委员会", OrganisationKind.DEPARTMENT),
            "jz_bureau": org(jinzhai, "金寨县数据资源管理局", OrganisationKind.COMPETENT_BUREAU),
            "other_county": org(jinzhai, "金寨县教育局", OrganisationKind.DEPARTMENT),
            "city_bureau": org(luan, "六安市数据资源管理局", OrganisationKind.COMPETENT_BUREAU),
            "above": org(luan, "六安市教育局", OrganisationKind.DEPARTMENT),
            "province_bureau": org(anhui, "安徽省数据资源管理局", OrganisationKind.COMPETENT_BUREAU),
        }

        def person(username: str, organisation: str, role: str) -> Any:
            return person_create(username, orgs[organisation], role, AUTHZ_PASSWORD)

        users = {
            role: person(f"authz_{role}", org_key, kind) for role, (org_key, kind) in table.PEOPLE.items()
        }
        # The people who run the other scopes' projects: not rows of the matrix, only its stage hands.
        hands = {
            "same_county": person("authz_h_clerk", "same_county", Role.CLERK),
            "other_county": person("authz_jz_clerk", "other_county", Role.CLERK),
            "above": person("authz_la_clerk", "above", Role.CLERK),
            "jz_reviewer": person("authz_jz_reviewer", "jz_bureau", Role.REVIEWER),
            "la_reviewer": person("authz_la_reviewer", "city_bureau", Role.REVIEWER),
            "ah_supervisor": person("authz_ah_supervisor", "province_bureau", Role.SUPERVISOR),
        }
        hands["own_unit"] = users["clerk"]
        deciders = {
            "own_unit": users["reviewer"],
            "same_county": users["reviewer"],
            "other_county": hands["jz_reviewer"],
            "above": hands["la_reviewer"],
        }
        upper = hands["ah_supervisor"]  # for a stage the pack escalates to the province

        projects: dict[tuple[str, str], Project] = {}
        attachments: dict[tuple[str, str], int] = {}
        materials: dict[tuple[str, str], str] = {}
        stages: dict[str, str] = {}  # scope -> the first review stage of its declarations
        for scope in table.SCOPES:
            for state in table.STATES:
                project = project_create(
                    actor=hands[scope],
                    lead_unit=orgs[scope],
                    fields=project_fields(name=f"矩阵项目-{scope}-{state}"),
                )
                filled = {form.id: sample_values(project, form) for form in declaration_forms(project)}
                Project.objects.filter(pk=project.pk).update(form_data=filled)
                project.form_data = filled
                material = _authz_material(project)
                materials[(scope, state)] = material
                attachments[(scope, state)] = attachment_upload(
                    actor=hands[scope],
                    project=project,
                    requirement_code=material,
                    handle=io.BytesIO(AUTHZ_PDF),
                    name="共享清单.pdf",
                    size=len(AUTHZ_PDF),
                ).pk
                if state != Status.DRAFT:
                    project = declaration_submit(actor=hands[scope], project=project)
                if state != Status.DRAFT:
                    current = route_state(project).current
                    assert current is not None, (scope, state)
                    stages[scope] = current.id
                if state == Status.RETURNED:
                    stage = route_state(project).current
                    decider = deciders[scope] if can_decide(deciders[scope], project, stage) else upper
                    stage_decide(
                        actor=decider,
                        project=project,
                        stage_id=stages[scope],
                        outcome="revise",
                        reason="补充共享清单",
                        due_date=table.REVISE_DUE,
                    )
                if state == Status.APPROVED:
                    # 立项 is reached through the whole review route; the matrix asks who may act on an
                    # approved project, not how it got there, so the row is moved to the state directly.
                    Project.objects.filter(pk=project.pk).update(status=Status.APPROVED)
                project = Project.objects.get(pk=project.pk)
                assert project.status == state, (scope, state, project.status)
                if table.expert_assigned(scope, state):
                    ExpertAssignment.objects.create(project=project, expert=users["expert_assigned"])
                projects[(scope, state)] = project
    return {
        "jurisdictions": jurisdictions,
        "orgs": orgs,
        "users": users,
        "projects": projects,
        "attachments": attachments,
        "materials": materials,
        "stages": stages,
    }


def _authz_material(project: Any) -> str:
    """A material the project's pack asks of the unit: 政务数据资源共享清单 where it applies, else the first."""
    from govit.projects.policy import project_policy
    from tests.security import authz_table as table

    codes = [
        document["code"]
        for documents in (project_policy(project).get("documents") or {}).values()
        for document in documents
    ]
    assert codes, f"the pack asks {project} for no material"
    return table.MATERIAL_CODE if table.MATERIAL_CODE in codes else codes[0]


@pytest.fixture(scope="module")
def authz_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Built once per module inside a transaction that is rolled back when the module is done. Only for test
    modules whose tests use ``db`` (through ``authz_case``): that is what makes pytest-django create the test
    database this transaction runs in."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("authz-media")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=str(media)
    )
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _authz_build(media)
            world["media"] = media
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def authz_case(authz_world: dict[str, Any], db: None) -> dict[str, Any]:
    """One matrix case: the module's world; what the case changes is rolled back with the test's own
    transaction (``db``), back to the world as it was built."""
    return authz_world
