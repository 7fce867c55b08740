"""A small expert pool for 舒城县 (and one expert each in 六安市 above it and 章贡区 elsewhere), a 上城区 world
for the pack with a panel-size rule and a scoring table, and submitted projects to draw for."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.services import role_assign, user_create
from govit.experts.models import Expert, ExpertField
from govit.projects.services import declaration_submit, project_create

SHUCHENG_REVIEW = "ST-000-05"  # 舒城 集中审查论证 (expert_review)
SHANGCHENG_REVIEW = "ST-004-05"  # 上城 专家评审 (expert_review)
SHANGCHENG_INITIAL_ACCEPTANCE = "ST-004-11"  # 上城 初验, acceptance panel (TH-33)

_counter = itertools.count(1)


def new_expert(
    *,
    jurisdiction: Jurisdiction,
    pool_org: Organisation,
    name: str | None = None,
    employer: Organisation | None = None,
    employer_name: str = "安徽大学",
    specialties: tuple[ExpertField, ...] = (),
    with_user: bool = True,
    **fields: Any,
) -> Expert:
    number = next(_counter)
    name = name or f"专家{number:02d}"
    user = None
    if with_user:
        user = user_create(
            actor=None,
            username=f"expert_{number:03d}",
            password="Test@2026pass",
            display_name=name,
            organisation=pool_org,
        )
        role_assign(actor=None, user=user, organisation=pool_org, role=Role.EXPERT)
    expert = Expert.objects.create(
        user=user,
        name=name,
        employer=employer,
        employer_name="" if employer is not None else employer_name,
        jurisdiction=jurisdiction,
        phone=f"138{number:08d}",
        id_number=f"34012319800101{number:04d}",
        **fields,
    )
    expert.specialties.set(specialties)
    return expert


@pytest.fixture
def fields(db: Any) -> dict[str, ExpertField]:
    return {name: ExpertField.objects.create(name=name) for name in ("信息技术", "网络安全", "财务")}


@pytest.fixture
def pool(world: dict[str, Any], fields: dict[str, ExpertField]) -> dict[str, Any]:
    """Eight 舒城县 experts with accounts (the first four 信息技术, the next two 网络安全), the world's own
    ``sc_expert`` linked as a ninth, one 六安市 expert (eligible: a pool above) and one 章贡区 expert (not)."""
    shucheng = world["jurisdictions"]["shucheng"]
    pool_org = world["orgs"]["experts"]
    experts = []
    for index in range(8):
        specialty = (fields["信息技术"],) if index < 4 else (fields["网络安全"],) if index < 6 else ()
        experts.append(new_expert(jurisdiction=shucheng, pool_org=pool_org, specialties=specialty))
    linked = Expert.objects.create(
        user=world["users"]["expert"],
        name="世界专家",
        employer_name="合肥工业大学",
        jurisdiction=shucheng,
        phone="13900001111",
    )
    experts.append(linked)
    city_org = Organisation.objects.create(
        jurisdiction=world["jurisdictions"]["luan"],
        name="六安市评审专家库",
        kind=OrganisationKind.EXPERT_POOL,
    )
    city = new_expert(jurisdiction=world["jurisdictions"]["luan"], pool_org=city_org, name="市级专家")
    zg_org = Organisation.objects.create(
        jurisdiction=world["jurisdictions"]["zhanggong"],
        name="章贡区评审专家库",
        kind=OrganisationKind.EXPERT_POOL,
    )
    elsewhere = new_expert(jurisdiction=world["jurisdictions"]["zhanggong"], pool_org=zg_org, name="外地专家")
    return {"experts": experts, "city": city, "elsewhere": elsewhere, "linked": linked, "pool_org": pool_org}


@pytest.fixture
def submitted(world: dict[str, Any], make_project: Any) -> Any:
    """A submitted 舒城县 project of 舒城县教育局 (the competent reviewer is ``sc_reviewer``)."""

    def make(**overrides: Any) -> Any:
        project = make_project(**overrides)
        return declaration_submit(actor=world["users"]["clerk"], project=project)

    return make


@pytest.fixture
def project(submitted: Any) -> Any:
    return submitted()


@pytest.fixture
def shangcheng(db: Any) -> dict[str, Any]:
    """杭州市上城区 with the 上城 pack: its bureau's reviewer, a unit's clerk, a pool of seven experts and a
    submitted project."""
    zhejiang = Jurisdiction.objects.create(code="330000", name="浙江省", level=JurisdictionLevel.PROVINCE)
    hangzhou = Jurisdiction.objects.create(
        code="330100", name="杭州市", level=JurisdictionLevel.CITY, parent=zhejiang
    )
    district = Jurisdiction.objects.create(
        code="330102", name="上城区", level=JurisdictionLevel.COUNTY, parent=hangzhou, pack_code="shangcheng"
    )
    bureau = Organisation.objects.create(
        jurisdiction=district, name="上城区数据资源局", kind=OrganisationKind.COMPETENT_BUREAU
    )
    unit = Organisation.objects.create(
        jurisdiction=district, name="上城区卫生健康局", kind=OrganisationKind.DEPARTMENT
    )
    pool_org = Organisation.objects.create(
        jurisdiction=district, name="上城区评审专家库", kind=OrganisationKind.EXPERT_POOL
    )
    reviewer = user_create(
        actor=None, username="shc_reviewer", password="Test@2026pass", display_name="上城审核人"
    )
    role_assign(actor=None, user=reviewer, organisation=bureau, role=Role.REVIEWER)
    clerk = user_create(actor=None, username="shc_clerk", password="Test@2026pass", display_name="上城经办人")
    role_assign(actor=None, user=clerk, organisation=unit, role=Role.CLERK)
    experts = [
        new_expert(jurisdiction=district, pool_org=pool_org, employer_name="浙江大学") for _ in range(7)
    ]
    from conftest import project_fields

    project = project_create(actor=clerk, lead_unit=unit, fields=project_fields(name="上城区智慧医疗平台"))
    project = declaration_submit(actor=clerk, project=project)
    return {
        "district": district,
        "reviewer": reviewer,
        "clerk": clerk,
        "experts": experts,
        "project": project,
        "unit": unit,
    }


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def full_scores(draw: Any, fraction: float = 0.8) -> dict[str, int]:
    """Valid scores for whatever scoring table applies to the draw's stage ({} when there is none)."""
    from govit.experts.packrules import scoring_table_for

    table = scoring_table_for(draw.project.pack_code, draw.stage_id)
    if table is None:
        return {}
    return {c.code: int(c.weight * fraction) for c in table.criteria}
