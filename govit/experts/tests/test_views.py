"""The pages as reviewers and experts meet them: masked personal data, 404 for outsiders, forms that go
through the services."""

import pytest

from govit.experts.models import ExpertDraw, ExpertReview, PanelConclusion, ProjectVendor
from govit.experts.services import expert_draw

from .conftest import SHANGCHENG_REVIEW, SHUCHENG_REVIEW, full_scores


def test_the_pool_is_for_reviewers_and_shows_phones_masked(world, pool, login):
    expert = pool["experts"][0]
    page = login(world["users"]["reviewer"]).get("/experts/").content.decode()
    assert expert.name in page and pool["city"].name in page and pool["elsewhere"].name not in page
    assert expert.phone not in page and f"{expert.phone[:3]}****{expert.phone[-4:]}" in page
    detail = login(world["users"]["reviewer"]).get(f"/experts/{expert.pk}/").content.decode()
    assert expert.id_number not in detail and expert.id_number[-4:] in detail
    assert login(world["users"]["clerk"]).get("/experts/").status_code == 403
    assert login(world["users"]["outsider_reviewer"]).get(f"/experts/{expert.pk}/").status_code == 404


def test_a_reviewer_marks_an_expert_unavailable(world, pool, login):
    expert = pool["experts"][0]
    client = login(world["users"]["reviewer"])
    response = client.post(f"/experts/{expert.pk}/availability/", {"is_available": "", "note": "长期出差"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert not expert.is_available and expert.note == "长期出差"


def test_the_reviewer_draws_from_the_stage_page(world, pool, project, login):
    client = login(world["users"]["reviewer"])
    index = client.get(f"/projects/{project.pk}/experts/").content.decode()
    assert SHUCHENG_REVIEW in index and "集中审查论证" in index
    page = client.get(f"/projects/{project.pk}/experts/{SHUCHENG_REVIEW}/").content.decode()
    assert "随机抽取" in page and "符合条件的专家" in page
    response = client.post(
        f"/projects/{project.pk}/experts/{SHUCHENG_REVIEW}/draw/",
        {"size": "3", "backups": "1", "specialty": ""},
    )
    assert response.status_code == 302
    draw = ExpertDraw.objects.get(project=project)
    page = client.get(response["Location"]).content.decode()
    assert draw.seed in page and "按种子复核一致" in page
    for member in draw.members.all():
        assert member.expert.name in page and member.expert.phone not in page


def test_a_bad_draw_shows_the_reason_and_writes_nothing(world, pool, project, login):
    client = login(world["users"]["reviewer"])
    response = client.post(
        f"/projects/{project.pk}/experts/{SHUCHENG_REVIEW}/draw/", {"size": "9", "backups": "5"}, follow=True
    )
    assert "可抽取专家不足：需要 14 人（含备选 5 人），符合条件的只有 10 人" in response.content.decode()
    assert not ExpertDraw.objects.exists()


@pytest.mark.parametrize("user", ["clerk", "expert", "outsider_reviewer"])
def test_others_cannot_reach_the_draw_pages(world, pool, project, login, user):
    client = login(world["users"][user])
    assert client.get(f"/projects/{project.pk}/experts/").status_code == 404
    assert client.get(f"/projects/{project.pk}/experts/{SHUCHENG_REVIEW}/").status_code == 404
    assert (
        client.post(f"/projects/{project.pk}/experts/{SHUCHENG_REVIEW}/draw/", {"size": "1"}).status_code
        == 404
    )
    assert not ExpertDraw.objects.exists()


def test_vendors_are_registered_on_the_project_page(world, pool, project, login):
    client = login(world["users"]["reviewer"])
    client.post(f"/projects/{project.pk}/vendors/", {"name": "安徽某某科技有限公司", "role": "winner"})
    vendor = ProjectVendor.objects.get(project=project)
    assert vendor.get_role_display() == "中标人"
    client.post(f"/project-vendors/{vendor.pk}/remove/")
    assert not ProjectVendor.objects.exists()


def test_an_expert_scores_on_their_page_and_then_sees_the_panel(shangcheng, login):
    draw = expert_draw(
        actor=shangcheng["reviewer"],
        project=shangcheng["project"],
        stage_id=SHANGCHENG_REVIEW,
        size=2,
        backups=0,
    )
    first, second = draw.members.order_by("position")
    client = login(first.expert.user)
    page = client.get(f"/expert-reviews/{first.pk}/").content.decode()
    assert "项目初审评分表" in page and "建设必要性（0—25 分）" in page
    assert client.get(f"/expert-reviews/{second.pk}/").status_code == 404
    assert str(first.pk) in client.get("/expert-reviews/").content.decode()

    data = {f"score_{k}": str(v) for k, v in full_scores(draw).items()}
    bad = client.post(f"/expert-reviews/{first.pk}/", data | {"score_necessity": "26", "opinion": "可行"})
    assert "评分项“建设必要性”的得分须在 0 至 25 分之间" in bad.content.decode()
    assert not ExpertReview.objects.exists()
    response = client.post(
        f"/expert-reviews/{first.pk}/", data | {"opinion": "总体同意，压缩硬件", "budget": "180"}
    )
    assert response.status_code == 302
    review = ExpertReview.objects.get(member=first)
    assert review.recommended_budget_yuan == 1_800_000
    page = client.get(f"/expert-reviews/{first.pk}/").content.decode()
    assert "提交后不能修改" in page and "专家组评审情况" in page

    other = login(second.expert.user).get(f"/expert-reviews/{second.pk}/").content.decode()
    assert "总体同意，压缩硬件" not in other  # not before submitting their own


def test_the_reviewer_concludes_on_the_stage_page(shangcheng, login):
    draw = expert_draw(
        actor=shangcheng["reviewer"],
        project=shangcheng["project"],
        stage_id=SHANGCHENG_REVIEW,
        size=1,
        backups=0,
    )
    member = draw.members.get()
    login(member.expert.user).post(
        f"/expert-reviews/{member.pk}/",
        {f"score_{k}": str(v) for k, v in full_scores(draw).items()} | {"opinion": "同意"},
    )
    client = login(shangcheng["reviewer"])
    response = client.post(f"/expert-draws/{draw.pk}/conclude/", {"outcome": "pass", "opinion": "专家组同意"})
    assert response.status_code == 302
    assert PanelConclusion.objects.get(draw=draw).outcome == "pass"
    page = client.get(response["Location"]).content.decode()
    assert "专家组同意" in page


def test_an_expert_declines_from_their_page(world, pool, project, login):
    draw = expert_draw(
        actor=world["users"]["reviewer"], project=project, stage_id=SHUCHENG_REVIEW, size=1, backups=1
    )
    member = draw.members.get(position=1)
    client = login(member.expert.user)
    response = client.post(f"/draw-members/{member.pk}/decline/", {"reason": "与建设单位有业务往来"})
    assert response.status_code == 302 and response["Location"] == f"/expert-reviews/{member.pk}/"
    member.refresh_from_db()
    assert member.status == "declined"
    assert draw.members.get(position=2).is_backup is False
