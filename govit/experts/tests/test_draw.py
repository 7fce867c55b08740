"""expert_draw: who may draw, who is eligible, the pack's panel-size rules, all-or-nothing, reproducibility."""

import datetime as dt
import random

import pytest

from govit.audit.models import AuditEvent
from govit.core import clock
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.experts.choices import DRAW_ALGORITHM, DrawStatus, MemberStatus
from govit.experts.models import DrawMember, ExpertDraw
from govit.experts.packrules import panel_size_problems
from govit.experts.selectors import draw_current, expert_draw_replay
from govit.experts.services import expert_draw, expert_draw_cancel
from govit.policies.engine import Facts
from govit.projects.models import ExpertAssignment
from govit.projects.selectors import project_list_for_user

from .conftest import SHANGCHENG_INITIAL_ACCEPTANCE, SHANGCHENG_REVIEW, SHUCHENG_REVIEW


def _draw(world, project, **kwargs):
    kwargs.setdefault("stage_id", SHUCHENG_REVIEW)
    kwargs.setdefault("size", 3)
    kwargs.setdefault("backups", 2)
    return expert_draw(actor=world["users"]["reviewer"], project=project, **kwargs)


def _members(draw):
    return list(draw.members.order_by("position"))


def test_a_draw_is_reproducible_from_its_seed(world, pool, project):
    draw = _draw(world, project, seed=20260615)
    members = _members(draw)
    assert draw.seed == "20260615"
    assert draw.algorithm == DRAW_ALGORITHM
    assert draw.candidate_ids == sorted(draw.candidate_ids)
    expected = random.Random(20260615).sample(draw.candidate_ids, 5)
    assert [m.expert_id for m in members] == expected
    assert expert_draw_replay(draw) == expected
    assert [m.is_backup for m in members] == [False, False, False, True, True]
    assert [m.position for m in members] == [1, 2, 3, 4, 5]


def test_the_same_seed_and_candidates_give_the_same_panel_and_no_seed_gets_a_recorded_random_one(
    world, pool, submitted
):
    first = _draw(world, submitted(), seed=7)
    second = _draw(world, submitted(name="另一个项目"), seed=7)
    assert first.candidate_ids == second.candidate_ids
    assert [m.expert_id for m in _members(first)] == [m.expert_id for m in _members(second)]
    third = _draw(world, submitted(name="第三个项目"))
    assert 0 <= int(third.seed) < 2**64
    assert expert_draw_replay(third) == [m.expert_id for m in _members(third)]


def test_eligible_are_available_experts_of_the_jurisdiction_and_above_with_an_expert_account(
    world, pool, project
):
    experts = pool["experts"]
    experts[0].is_available = False
    experts[0].save()
    experts[1].unavailable_until = clock.today()  # unavailable through today (inclusive)
    experts[1].save()
    experts[2].unavailable_until = clock.today() - dt.timedelta(days=1)  # back since today
    experts[2].save()
    experts[3].user = None  # no account: cannot review online, so not drawn
    experts[3].save()
    draw = _draw(world, project, size=1, backups=0)
    eligible = set(draw.candidate_ids)
    assert experts[0].pk not in eligible and experts[1].pk not in eligible and experts[3].pk not in eligible
    assert experts[2].pk in eligible
    assert pool["city"].pk in eligible  # 六安市 is above 舒城县
    assert pool["elsewhere"].pk not in eligible  # 章贡区 is not
    assert len(eligible) == 7


def test_a_field_narrows_the_candidates(world, pool, fields, project):
    draw = _draw(world, project, size=2, backups=0, field=fields["网络安全"])
    assert draw.candidate_ids == sorted(e.pk for e in pool["experts"][4:6])
    assert draw.specialty == fields["网络安全"]


def test_panel_members_get_the_assignment_backups_do_not(world, pool, project):
    draw = _draw(world, project)
    for member in _members(draw):
        user = member.expert.user
        assigned = ExpertAssignment.objects.filter(project=project, expert=user, is_active=True).exists()
        assert assigned is (not member.is_backup)
        assert (project in project_list_for_user(user)) is (not member.is_backup)


def test_the_draw_is_audited_with_seed_and_members(world, pool, project):
    draw = _draw(world, project, seed=99)
    event = AuditEvent.objects.get(action="expert.draw", target_id=str(project.pk))
    assert event.actor == world["users"]["reviewer"]
    assert event.after["seed"] == "99"
    assert [m["expert_id"] for m in event.after["members"]] == [m.expert_id for m in _members(draw)]
    assert event.after["candidate_ids"] == draw.candidate_ids


def _nothing_written(project):
    assert not ExpertDraw.objects.filter(project=project).exists()
    assert not DrawMember.objects.exists()
    assert not ExpertAssignment.objects.filter(project=project).exists()
    assert not AuditEvent.objects.filter(action="expert.draw").exists()


def test_too_few_experts_is_refused_and_nothing_is_written(world, pool, project):
    with pytest.raises(ServiceError) as caught:
        _draw(world, project, size=8, backups=3)
    assert caught.value.message == "可抽取专家不足：需要 11 人（含备选 3 人），符合条件的只有 10 人"
    assert caught.value.field == "size"
    _nothing_written(project)


@pytest.mark.parametrize("user", ["clerk", "expert", "finance", "outsider_reviewer", "supervisor"])
def test_only_the_competent_reviewer_may_draw(world, pool, project, user):
    with pytest.raises(PermissionDeniedError):
        expert_draw(actor=world["users"][user], project=project, stage_id=SHUCHENG_REVIEW, size=3, backups=0)
    _nothing_written(project)


@pytest.mark.parametrize(
    ("size", "backups", "field", "message"),
    [
        (0, 0, "size", "专家组人数至少为 1 人"),
        (3, -1, "backups", "备选人数不能为负数"),
        ("3", 0, "size", "专家组人数须为整数"),
        (True, 0, "size", "专家组人数须为整数"),
    ],
)
def test_size_and_backups_are_checked(world, pool, project, size, backups, field, message):
    with pytest.raises(ServiceError) as caught:
        _draw(world, project, size=size, backups=backups)
    assert (caught.value.field, caught.value.message) == (field, message)
    _nothing_written(project)


def test_a_draft_and_an_unknown_stage_are_refused(world, pool, make_project, project):
    draft = make_project(name="草稿项目")
    with pytest.raises(ServiceError) as caught:
        _draw(world, draft)
    assert caught.value.message == "项目当前状态为“草稿”，不能抽取评审专家"
    _nothing_written(draft)
    with pytest.raises(ServiceError) as caught:
        _draw(world, project, stage_id="ST-999")
    assert caught.value.message == "政策包中没有环节“ST-999”"
    _nothing_written(project)


def test_one_open_draw_per_stage_until_it_is_cancelled(world, pool, project):
    first = _draw(world, project)
    with pytest.raises(ConflictError):
        _draw(world, project)
    panel_users = [m.expert.user_id for m in _members(first) if not m.is_backup]
    expert_draw_cancel(actor=world["users"]["reviewer"], draw=first, reason="评审会改期")
    first.refresh_from_db()
    assert first.status == DrawStatus.CANCELLED
    assert not ExpertAssignment.objects.filter(
        project=project, expert_id__in=panel_users, is_active=True
    ).exists()
    assert AuditEvent.objects.filter(action="expert.draw_cancel", target_id=str(project.pk)).count() == 1
    second = _draw(world, project)
    assert draw_current(project, SHUCHENG_REVIEW) == second
    assert second.round == first.round == 1


def test_an_expert_on_two_panels_keeps_the_assignment_while_one_stands(world, pool, project):
    everyone = _draw(world, project, size=10, backups=0)
    other_stage = "ST-000-04"  # 初审: any stage of the pack may have a panel
    again = _draw(world, project, stage_id=other_stage, size=10, backups=0)
    expert_draw_cancel(actor=world["users"]["reviewer"], draw=again, reason="不需要")
    users = [m.expert.user_id for m in _members(everyone)]
    assert ExpertAssignment.objects.filter(project=project, expert_id__in=users, is_active=True).count() == 10


# ---------------------------------------------------------------- pack rules on the panel size


def test_shangcheng_th_33_an_acceptance_panel_under_three_is_refused(shangcheng):
    """上城 TH-33 (¶78): 初验验收专家组 3 人（含）以上 — counts.acceptance_panel_size for acceptance stages."""
    project = shangcheng["project"]
    with pytest.raises(ServiceError) as caught:
        expert_draw(
            actor=shangcheng["reviewer"],
            project=project,
            stage_id=SHANGCHENG_INITIAL_ACCEPTANCE,
            size=2,
            backups=0,
        )
    assert caught.value.field == "size"
    assert caught.value.message.startswith("专家组人数 2 人不符合规定：")
    assert "TH-33" in caught.value.message and "¶78" in caught.value.message
    assert not ExpertDraw.objects.filter(project=project).exists()
    draw = expert_draw(
        actor=shangcheng["reviewer"],
        project=project,
        stage_id=SHANGCHENG_INITIAL_ACCEPTANCE,
        size=3,
        backups=0,
    )
    assert draw.stage_kind == "acceptance"


def test_shangcheng_th_33_review_panel_size_is_not_the_acceptance_rule(shangcheng):
    """上城 has no rule on counts.review_panel_size, so a review panel of 2 at 专家评审 stands."""
    draw = expert_draw(
        actor=shangcheng["reviewer"],
        project=shangcheng["project"],
        stage_id=SHANGCHENG_REVIEW,
        size=2,
        backups=0,
    )
    assert draw.size == 2


@pytest.mark.parametrize(
    ("size", "rules"), [(2, {"TH-33-odd", "TH-33"}), (4, {"TH-33-odd"}), (3, set()), (5, set())]
)
def test_shangcheng_th_33_odd_validation_for_an_in_scope_project(db, size, rules):
    """上城 TH-33-odd: the acceptance panel must be an odd number ≥ 3 (validation on
    counts.acceptance_panel_size; it applies to 区本级预算部门 projects, i.e. unit_level 'district')."""
    facts = Facts.from_dict(
        {
            "name": "上城区智慧医疗平台",
            "amounts": {"software": 1_000_000},
            "funding": {"fiscal_local": 1_000_000},
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "unit_level": "district",
            "unit_kind": "party_gov_organ",
            "is_budget_unit": True,
        }
    )
    problems = panel_size_problems(
        pack_code="shangcheng",
        facts=facts,
        counts_field="acceptance_panel_size",
        size=size,
        on=dt.date(2026, 6, 1),
    )
    found = {
        rule
        for rule in ("TH-33-odd", "TH-33")
        if any(f"（{rule}，" in p or f"（{rule}：" in p for p in problems)
    }
    assert found == rules
    if size == 4:
        assert problems == [
            "初验验收专家组人数须为3人（含）以上单数（3、5、7……）（TH-33-odd，¶78：“专家3人（含）以上单数成立验收专家组”；TH-33）"
        ]


def test_decline_statuses_are_unchanged_by_a_draw(world, pool, project):
    draw = _draw(world, project)
    assert {m.status for m in _members(draw)} == {MemberStatus.INVITED}
