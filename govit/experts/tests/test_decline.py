"""回避/谢绝: the next backup steps in and the 专家指派 follows; no backup left → draw more first."""

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.experts.choices import MemberStatus
from govit.experts.selectors import expert_draw_replay
from govit.experts.services import (
    draw_member_accept,
    draw_member_decline,
    expert_draw,
    expert_draw_supplement,
    expert_review_submit,
)
from govit.projects.models import ExpertAssignment

from .conftest import SHUCHENG_REVIEW, full_scores


@pytest.fixture
def draw(world, pool, project):
    return expert_draw(
        actor=world["users"]["reviewer"], project=project, stage_id=SHUCHENG_REVIEW, size=3, backups=2, seed=1
    )


def _assigned(project, member):
    return ExpertAssignment.objects.filter(
        project=project, expert=member.expert.user, is_active=True
    ).exists()


def _m(draw, position):
    return draw.members.get(position=position)


def test_an_expert_declines_and_the_first_backup_is_promoted_with_the_assignment(world, project, draw):
    panel, backup = _m(draw, 2), _m(draw, 4)
    assert _assigned(project, panel) and not _assigned(project, backup)
    promoted = draw_member_decline(actor=panel.expert.user, member=panel, reason="与建设单位存在业务往来")
    panel.refresh_from_db()
    backup.refresh_from_db()
    assert promoted == backup
    assert panel.status == MemberStatus.DECLINED and panel.decline_reason == "与建设单位存在业务往来"
    assert not backup.is_backup and backup.replaces == panel and backup.status == MemberStatus.INVITED
    assert not _assigned(project, panel) and _assigned(project, backup)
    event = AuditEvent.objects.get(action="expert.decline", target_id=str(project.pk))
    assert event.actor == panel.expert.user
    assert event.after["promoted"]["position"] == 4
    assert event.after["assignments"] == {"deactivated": True, "activated": True}


def test_the_reviewer_replaces_a_member_and_the_next_backup_follows_in_order(world, project, draw):
    draw_member_decline(actor=world["users"]["reviewer"], member=_m(draw, 1), reason="联系不上")
    second = draw_member_decline(actor=world["users"]["reviewer"], member=_m(draw, 3), reason="出差")
    assert _m(draw, 1).status == MemberStatus.REPLACED
    assert second.position == 5
    assert [m.position for m in draw.members.filter(is_backup=False, status__in=["invited", "accepted"])] == [
        2,
        4,
        5,
    ]


def test_with_no_backup_left_the_decline_is_refused_until_more_are_drawn(world, pool, project):
    draw = expert_draw(
        actor=world["users"]["reviewer"], project=project, stage_id=SHUCHENG_REVIEW, size=3, backups=0
    )
    member = _m(draw, 1)
    with pytest.raises(ServiceError) as caught:
        draw_member_decline(actor=world["users"]["reviewer"], member=member, reason="出差")
    assert "没有可递补的备选专家" in caught.value.message and "补充抽取" in caught.value.message
    member.refresh_from_db()
    assert member.status == MemberStatus.INVITED and _assigned(project, member)
    assert not AuditEvent.objects.filter(action="expert.decline").exists()

    added = expert_draw_supplement(
        actor=world["users"]["reviewer"], draw=draw, count=1, reason="有专家需回避", seed=5
    )
    assert [m.position for m in added] == [4] and added[0].is_backup
    assert added[0].expert_id not in {m.expert_id for m in draw.members.filter(position__lte=3)}
    assert expert_draw_replay(draw) == [m.expert_id for m in draw.members.order_by("position")]
    event = AuditEvent.objects.get(action="expert.draw_supplement")
    assert event.after["seed"] == "5"

    promoted = draw_member_decline(actor=world["users"]["reviewer"], member=member, reason="出差")
    assert promoted == added[0] and _assigned(project, promoted)


def test_a_backup_may_withdraw_from_the_queue_without_a_promotion(world, project, draw):
    backup = _m(draw, 4)
    assert draw_member_decline(actor=backup.expert.user, member=backup, reason="时间冲突") is None
    backup.refresh_from_db()
    assert backup.status == MemberStatus.DECLINED
    assert draw.members.filter(is_backup=False, status=MemberStatus.INVITED).count() == 3


def test_only_the_expert_or_the_reviewer_may_decline(world, project, draw):
    member, other = _m(draw, 1), _m(draw, 2)
    for actor in (other.expert.user, world["users"]["clerk"], world["users"]["outsider_reviewer"]):
        with pytest.raises(PermissionDeniedError):
            draw_member_decline(actor=actor, member=member, reason="x")
    with pytest.raises(ServiceError):
        draw_member_decline(actor=member.expert.user, member=member, reason="  ")


def test_no_decline_after_the_review_is_submitted_and_no_second_decline(world, project, draw):
    member = _m(draw, 1)
    expert_review_submit(
        actor=member.expert.user,
        member=member,
        scores=full_scores(draw),
        opinion="同意",
        recommended_budget_yuan=None,
    )
    with pytest.raises(ConflictError):
        draw_member_decline(actor=member.expert.user, member=member, reason="x")
    declined = _m(draw, 2)
    draw_member_decline(actor=declined.expert.user, member=declined, reason="x")
    with pytest.raises(ConflictError):
        draw_member_decline(actor=declined.expert.user, member=declined, reason="x")


def test_accepting_is_for_the_expert_and_is_audited(world, project, draw):
    member = _m(draw, 1)
    with pytest.raises(PermissionDeniedError):
        draw_member_accept(actor=world["users"]["reviewer"], member=member)
    assert draw_member_accept(actor=member.expert.user, member=member).status == MemberStatus.ACCEPTED
    assert AuditEvent.objects.filter(action="expert.accept").count() == 1
    with pytest.raises(ConflictError):
        draw_member_accept(actor=member.expert.user, member=member)
