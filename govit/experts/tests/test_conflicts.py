"""回避: employer = applicant / co-builder / vendor, past employers at the look-back boundary, declared
interests, the expert's own account in the applicant unit; the draw leaves conflicted experts out."""

import datetime as dt

import pytest

from govit.accounts.choices import Role
from govit.accounts.services import role_assign
from govit.experts.conflicts import (
    Declared,
    Party,
    PastEmployment,
    Unit,
    conflict_reasons,
    expert_conflicts,
    lookback_start,
)
from govit.experts.masking import mask_email, mask_id, mask_phone
from govit.experts.models import ExpertDeclaredConflict, ExpertEmployment, ProjectVendor
from govit.experts.selectors import draw_candidates

from .conftest import new_expert

ON = dt.date(2026, 6, 15)
LIMIT = dt.date(2023, 6, 15)  # three years before ON: the first day inside the look-back
APPLICANT = Party(1, "舒城县教育局", "建设单位")


def _past(end: dt.date, name: str = "舒城县教育局") -> list[str]:
    return conflict_reasons(
        parties=[APPLICANT],
        employments=[PastEmployment(Unit(None, name), dt.date(2015, 1, 1), end)],
        on=ON,
        lookback_years=3,
    )


def test_lookback_start_is_the_same_day_years_before_and_29_february_falls_back():
    assert lookback_start(ON, 3) == LIMIT
    assert lookback_start(dt.date(2028, 2, 29), 3) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("end", "conflicted"),
    [
        (LIMIT - dt.timedelta(days=1), False),  # left the day before the look-back starts: outside
        (LIMIT, True),  # left on the first day of the look-back: inside
        (LIMIT + dt.timedelta(days=1), True),
    ],
    ids=["day-before-limit", "on-limit", "day-after-limit"],
)
def test_past_employer_counts_only_inside_the_lookback(end, conflicted):
    reasons = _past(end)
    assert bool(reasons) is conflicted
    if conflicted:
        assert "近 3 年内曾任职于本项目的建设单位“舒城县教育局”" in reasons[0]


def test_an_employment_not_yet_ended_always_counts():
    reasons = conflict_reasons(
        parties=[APPLICANT],
        employments=[PastEmployment(Unit(1, "x"), dt.date(2010, 1, 1), None)],
        on=ON,
        lookback_years=3,
    )
    assert reasons == ["任职单位“舒城县教育局”是本项目的建设单位"]


def test_names_match_exactly_apart_from_whitespace_and_an_unrelated_unit_is_no_conflict():
    assert conflict_reasons(
        parties=[APPLICANT], employers=[Unit(None, " 舒城县 教育局 ")], on=ON, lookback_years=3
    )
    assert not conflict_reasons(
        parties=[APPLICANT], employers=[Unit(None, "舒城县教育")], on=ON, lookback_years=3
    )
    assert not conflict_reasons(parties=[APPLICANT], employers=[Unit(2, "")], on=ON, lookback_years=3)


def test_declared_interest_and_own_account_are_reasons():
    reasons = conflict_reasons(
        parties=[APPLICANT],
        declared=[Declared(Unit(1, ""), "配偶在该单位任职")],
        user_org_ids={1},
        on=ON,
        lookback_years=3,
    )
    assert reasons == [
        "本人申报与本项目的建设单位“舒城县教育局”存在利害关系：配偶在该单位任职",
        "本人是本项目建设单位“舒城县教育局”的系统用户",
    ]


def _expert(world, **kwargs):
    return new_expert(
        jurisdiction=world["jurisdictions"]["shucheng"], pool_org=world["orgs"]["experts"], **kwargs
    )


def test_employer_is_the_applicant(world, project):
    expert = _expert(world, employer=world["orgs"]["education"])
    assert expert_conflicts(expert, project) == ["现工作单位“舒城县教育局”是本项目的建设单位"]


def test_employer_is_a_co_builder(world, submitted):
    project = submitted(co_units=("health",))
    expert = _expert(world, employer_name="舒城县卫生健康委员会")
    assert expert_conflicts(expert, project) == ["现工作单位“舒城县卫生健康委员会”是本项目的共建单位"]


def test_employer_is_a_bidder_by_name(world, project):
    ProjectVendor.objects.create(
        project=project,
        name="安徽某某信息技术有限公司",
        role="bidder",
        created_by=world["users"]["reviewer"],
        created_at=project.created_at,
    )
    expert = _expert(world, employer_name="安徽某某信息技术有限公司")
    assert expert_conflicts(expert, project) == ["现工作单位“安徽某某信息技术有限公司”是本项目的投标人"]


@pytest.mark.parametrize(
    ("offset", "conflicted"), [(-1, False), (0, True), (1, True)], ids=["before", "on", "after"]
)
def test_past_employer_from_the_database_at_the_boundary(world, project, offset, conflicted, settings):
    settings.GOVIT_EXPERT_LOOKBACK_YEARS = 3
    expert = _expert(world)
    ExpertEmployment.objects.create(
        expert=expert,
        organisation=world["orgs"]["education"],
        start=dt.date(2012, 3, 1),
        end=LIMIT + dt.timedelta(days=offset),
    )
    assert bool(expert_conflicts(expert, project, on=ON)) is conflicted


def test_lookback_years_comes_from_settings(world, project, settings):
    expert = _expert(world)
    ExpertEmployment.objects.create(
        expert=expert, name="舒城县教育局", start=dt.date(2012, 3, 1), end=dt.date(2021, 6, 15)
    )
    settings.GOVIT_EXPERT_LOOKBACK_YEARS = 3
    assert expert_conflicts(expert, project, on=ON) == []
    settings.GOVIT_EXPERT_LOOKBACK_YEARS = 5
    assert expert_conflicts(expert, project, on=ON)


def test_declared_conflict_with_the_applicant(world, project):
    expert = _expert(world)
    ExpertDeclaredConflict.objects.create(
        expert=expert, organisation=world["orgs"]["education"], reason="亲属任职"
    )
    assert expert_conflicts(expert, project) == [
        "本人申报与本项目的建设单位“舒城县教育局”存在利害关系：亲属任职"
    ]


def test_an_expert_who_is_a_user_of_the_applicant_unit(world, project):
    expert = _expert(world)
    role_assign(actor=None, user=expert.user, organisation=world["orgs"]["education"], role=Role.CLERK)
    assert expert_conflicts(expert, project) == ["本人是本项目建设单位“舒城县教育局”的系统用户"]


def test_the_draw_leaves_conflicted_experts_out_and_records_why(world, pool, project):
    conflicted = _expert(world, employer=world["orgs"]["education"])
    candidates = draw_candidates(project=project, on=ON)
    assert conflicted.pk not in candidates.eligible_ids
    assert candidates.excluded[conflicted.pk] == ["现工作单位“舒城县教育局”是本项目的建设单位"]


def test_masking_never_shows_the_whole_number():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("1234") == "****"
    assert mask_id("340123198001011234") == "3401**********1234"
    assert "19800101" not in mask_id("340123198001011234")
    assert mask_email("zhangsan@example.cn") == "z***@example.cn"
