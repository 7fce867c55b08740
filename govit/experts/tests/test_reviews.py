"""Expert reviews against the pack's scoring table, who sees whose review, the aggregate, the conclusion."""

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.experts import services as experts_services
from govit.experts.choices import MemberStatus
from govit.experts.models import ExpertReview, PanelConclusion
from govit.experts.packrules import scoring_table_for
from govit.experts.selectors import panel_aggregate, panel_conclusion, panel_outcome, panel_reviews_visible_to
from govit.experts.services import draw_member_decline, expert_draw, expert_review_submit, panel_conclude
from govit.policies.engine import load_pack
from govit.projects.choices import Status

from .conftest import SHANGCHENG_REVIEW, SHUCHENG_REVIEW, full_scores


@pytest.fixture
def sc_draw(shangcheng):
    """A 上城 专家评审 panel of three: ST-004-05 has no table of its own, so the pack's first table applies."""
    return expert_draw(
        actor=shangcheng["reviewer"],
        project=shangcheng["project"],
        stage_id=SHANGCHENG_REVIEW,
        size=3,
        backups=1,
    )


@pytest.fixture
def table(sc_draw):
    table = scoring_table_for("shangcheng", SHANGCHENG_REVIEW)
    assert table is not None and table == load_pack("shangcheng").pack.scoring[0]
    return table


def _panel(draw):
    return list(draw.members.filter(is_backup=False).order_by("position"))


def _submit(member, scores, opinion="方案可行，建议压缩硬件投入。", budget=1_800_000, **kwargs):
    return expert_review_submit(
        actor=member.expert.user,
        member=member,
        scores=scores,
        opinion=opinion,
        recommended_budget_yuan=budget,
        **kwargs,
    )


def test_a_complete_review_is_stored_with_its_total_and_audited(sc_draw, table):
    member = _panel(sc_draw)[0]
    scores = {c.code: c.weight for c in table.criteria}
    review = _submit(member, scores, verdict="pass")
    assert review.total == 100 and review.scores == scores and review.scoring_table == table.id
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED
    event = AuditEvent.objects.get(action="expert.review_submit")
    assert event.actor == member.expert.user and event.after["total"] == 100


def test_a_missing_criterion_is_named(sc_draw, table):
    first = table.criteria[0]
    scores = {c.code: 0 for c in table.criteria[1:]}
    with pytest.raises(ServiceError) as caught:
        _submit(_panel(sc_draw)[0], scores)
    assert caught.value.message == f"请填写评分项“{first.name}”的得分（0 至 {first.weight} 分）"
    assert caught.value.field == f"score_{first.code}"
    assert not ExpertReview.objects.exists()


@pytest.mark.parametrize("bad", [-1, "over", "5", 2.5, True])
def test_a_score_outside_its_range_names_the_criterion_and_the_range(sc_draw, table, bad):
    last = table.criteria[-1]
    value = last.weight + 1 if bad == "over" else bad
    scores = {c.code: 0 for c in table.criteria} | {last.code: value}
    with pytest.raises(ServiceError) as caught:
        _submit(_panel(sc_draw)[0], scores)
    assert f"评分项“{last.name}”的得分须" in caught.value.message
    assert f"0 至 {last.weight}" in caught.value.message
    assert not ExpertReview.objects.exists()


def test_an_unknown_criterion_is_refused(sc_draw, table):
    scores = {c.code: 0 for c in table.criteria} | {"beauty": 3}
    with pytest.raises(ServiceError) as caught:
        _submit(_panel(sc_draw)[0], scores)
    assert "beauty" in caught.value.message


@pytest.mark.parametrize(
    ("opinion", "budget", "field"),
    [
        ("", 1, "opinion"),
        ("  ", 1, "opinion"),
        ("意" * 2001, 1, "opinion"),
        ("同意", -1, "recommended_budget_yuan"),
        ("同意", 10**12 + 1, "recommended_budget_yuan"),
        ("同意", "100", "recommended_budget_yuan"),
    ],
)
def test_opinion_and_budget_are_checked(sc_draw, table, opinion, budget, field):
    with pytest.raises(ServiceError) as caught:
        _submit(_panel(sc_draw)[0], full_scores(sc_draw), opinion=opinion, budget=budget)
    assert caught.value.field == field


def test_the_limits_themselves_are_accepted(sc_draw, table):
    review = _submit(_panel(sc_draw)[0], full_scores(sc_draw), opinion="意" * 2000, budget=10**12)
    assert review.recommended_budget_yuan == 10**12


def test_without_a_scoring_table_no_scores_are_taken(world, pool, project, monkeypatch):
    monkeypatch.setattr(experts_services, "scoring_table_for", lambda pack, stage: None)
    draw = expert_draw(actor=world["users"]["reviewer"], project=project, stage_id=SHUCHENG_REVIEW, size=1)
    member = _panel(draw)[0]
    with pytest.raises(ServiceError) as caught:
        _submit(member, {"necessity": 20})
    assert caught.value.message == "本环节政策包未设评分表，无需打分，请填写评审意见"
    review = _submit(member, {}, verdict="revise")
    assert review.total is None and review.verdict == "revise"


def test_only_that_expert_only_once_and_not_a_backup(sc_draw, shangcheng):
    first, second = _panel(sc_draw)[:2]
    backup = sc_draw.members.get(is_backup=True)
    for actor in (second.expert.user, shangcheng["reviewer"], shangcheng["clerk"]):
        with pytest.raises(PermissionDeniedError):
            expert_review_submit(
                actor=actor,
                member=first,
                scores=full_scores(sc_draw),
                opinion="x",
                recommended_budget_yuan=None,
            )
    with pytest.raises(ConflictError):
        _submit(backup, full_scores(sc_draw))
    _submit(first, full_scores(sc_draw))
    with pytest.raises(ConflictError) as caught:
        _submit(first, full_scores(sc_draw, 1.0))
    assert caught.value.message == "您已提交评审意见，提交后不能修改"
    assert ExpertReview.objects.get().total == sum(full_scores(sc_draw).values())


def test_an_expert_sees_others_reviews_only_after_submitting(sc_draw, shangcheng):
    first, second, third = _panel(sc_draw)
    _submit(first, full_scores(sc_draw, 0.6))
    assert panel_reviews_visible_to(second.expert.user, sc_draw) == []
    assert panel_reviews_visible_to(third.expert.user, sc_draw) == []
    assert [r.member for r in panel_reviews_visible_to(first.expert.user, sc_draw)] == [first]
    _submit(second, full_scores(sc_draw, 0.9))
    assert [r.member for r in panel_reviews_visible_to(first.expert.user, sc_draw)] == [first, second]
    assert [r.member for r in panel_reviews_visible_to(second.expert.user, sc_draw)] == [first, second]
    assert panel_reviews_visible_to(third.expert.user, sc_draw) == []
    assert len(panel_reviews_visible_to(shangcheng["reviewer"], sc_draw)) == 2
    assert panel_reviews_visible_to(shangcheng["clerk"], sc_draw) == []


def _all_submit(draw, fractions=(0.5, 0.7, 0.9)):
    for member, fraction in zip(_panel(draw), fractions, strict=True):
        _submit(member, full_scores(draw, fraction), budget=int(2_000_000 * fraction))


def test_the_aggregate_has_mean_min_max_count_and_the_pass_mark(sc_draw, table):
    _all_submit(sc_draw)
    totals = [sum(full_scores(sc_draw, f).values()) for f in (0.5, 0.7, 0.9)]
    aggregate = panel_aggregate(sc_draw)
    assert aggregate["count"] == aggregate["expected"] == 3 and aggregate["complete"]
    assert aggregate["mean_total"] == round(sum(totals) / 3, 2)
    assert (aggregate["min_total"], aggregate["max_total"]) == (min(totals), max(totals))
    assert aggregate["pass_mark"] == table.pass_mark
    assert aggregate["passed"] is (aggregate["mean_total"] >= table.pass_mark)
    assert aggregate["budget"] == {
        "count": 3,
        "mean_yuan": 1_400_000,
        "min_yuan": 1_000_000,
        "max_yuan": 1_800_000,
    }
    assert [c["code"] for c in aggregate["criteria"]] == [c.code for c in table.criteria]


def test_the_conclusion_waits_for_every_panel_member(sc_draw, shangcheng):
    project = shangcheng["project"]
    first, second, third = _panel(sc_draw)
    _submit(first, full_scores(sc_draw))
    _submit(second, full_scores(sc_draw))
    with pytest.raises(ServiceError) as caught:
        panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="pass", opinion="同意")
    assert caught.value.message == (
        f"尚有 1 位专家未提交评审意见（{third.expert.name}），全部提交后才能形成结论"
    )
    assert panel_outcome(project, SHANGCHENG_REVIEW) is None
    _submit(third, full_scores(sc_draw))
    conclusion = panel_conclude(
        actor=shangcheng["reviewer"], draw=sc_draw, outcome="pass", opinion="同意立项，预算核减10%"
    )
    assert conclusion.aggregate["count"] == 3
    assert panel_outcome(project, SHANGCHENG_REVIEW) == "pass"
    assert panel_conclusion(project, SHANGCHENG_REVIEW) == conclusion
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED  # the lifecycle module moves the project, not this app
    event = AuditEvent.objects.get(action="expert.panel_conclude", target_id=str(project.pk))
    assert event.after["outcome"] == "pass" and event.after["aggregate"]["count"] == 3
    with pytest.raises(ConflictError):
        panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="fail", opinion="x")
    backup = sc_draw.members.get(is_backup=True)
    with pytest.raises(ConflictError):
        draw_member_decline(actor=shangcheng["reviewer"], member=backup, reason="x")


def test_a_promoted_backup_must_submit_too(sc_draw, shangcheng):
    first, second, third = _panel(sc_draw)
    _submit(first, full_scores(sc_draw))
    _submit(second, full_scores(sc_draw))
    promoted = draw_member_decline(actor=third.expert.user, member=third, reason="回避")
    with pytest.raises(ServiceError) as caught:
        panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="revise", opinion="需修改")
    assert promoted.expert.name in caught.value.message
    _submit(promoted, full_scores(sc_draw))
    panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="revise", opinion="需修改")
    assert panel_outcome(shangcheng["project"], SHANGCHENG_REVIEW) == "revise"


def test_only_the_reviewer_concludes_and_the_outcome_must_be_known(sc_draw, shangcheng):
    _all_submit(sc_draw)
    member = _panel(sc_draw)[0]
    for actor in (member.expert.user, shangcheng["clerk"]):
        with pytest.raises(PermissionDeniedError):
            panel_conclude(actor=actor, draw=sc_draw, outcome="pass", opinion="同意")
    with pytest.raises(ServiceError) as caught:
        panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="approve", opinion="同意")
    assert caught.value.field == "outcome"
    with pytest.raises(ServiceError):
        panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="pass", opinion="")
    assert not PanelConclusion.objects.exists()
    assert not AuditEvent.objects.filter(action="expert.panel_conclude").exists()


def test_panel_outcome_is_none_without_a_draw(shangcheng):
    assert panel_outcome(shangcheng["project"], SHANGCHENG_REVIEW) is None


def test_a_new_round_needs_a_new_panel_and_the_old_outcome_stays_readable(sc_draw, shangcheng):
    """After 退回修改 and resubmission (a second SUBMITTED transition: 申报轮次 2) the stage has no outcome
    until a new panel concludes; round 1's outcome is still there when asked for explicitly."""
    from govit.core import clock
    from govit.projects.models import ProjectTransition

    project = shangcheng["project"]
    _all_submit(sc_draw)
    panel_conclude(actor=shangcheng["reviewer"], draw=sc_draw, outcome="revise", opinion="请补充需求分析")
    assert panel_outcome(project, SHANGCHENG_REVIEW) == "revise"
    for to_status in (Status.RETURNED, Status.SUBMITTED):
        ProjectTransition.objects.create(
            project=project,
            from_status="",
            to_status=to_status,
            actor=shangcheng["clerk"],
            created_at=clock.now(),
        )
    assert panel_outcome(project, SHANGCHENG_REVIEW) is None
    assert panel_outcome(project, SHANGCHENG_REVIEW, round=1) == "revise"
    again = expert_draw(
        actor=shangcheng["reviewer"], project=project, stage_id=SHANGCHENG_REVIEW, size=3, backups=0
    )
    assert again.round == 2


def test_drawn_experts_are_notified_and_the_reviewer_when_all_have_submitted(
    shangcheng, django_capture_on_commit_callbacks
):
    from govit.accounts.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        draw = expert_draw(
            actor=shangcheng["reviewer"],
            project=shangcheng["project"],
            stage_id=SHANGCHENG_REVIEW,
            size=2,
            backups=1,
        )
    panel = _panel(draw)
    for member in panel:
        assert Notification.objects.get(recipient=member.expert.user).url == f"/expert-reviews/{member.pk}/"
    backup = draw.members.get(is_backup=True)
    assert not Notification.objects.filter(recipient=backup.expert.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        for member in panel:
            _submit(member, full_scores(draw))
    note = Notification.objects.get(recipient=shangcheng["reviewer"])
    assert (
        "已全部提交" in note.text and note.url == f"/projects/{draw.project_id}/experts/{SHANGCHENG_REVIEW}/"
    )
