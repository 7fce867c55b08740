"""The back office: the pool is edited there, audited with personal data masked; draws are read-only."""

from govit.accounts.models import User
from govit.audit.models import AuditEvent
from govit.experts.models import Expert
from govit.experts.services import expert_draw

from .conftest import SHUCHENG_REVIEW


def _admin(login):
    user = User.objects.create_superuser("root", password="Test@2026pass")
    return login(user)


def _inline_management(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_adding_an_expert_is_audited_with_phone_and_id_masked(world, login):
    client = _admin(login)
    data = {
        "name": "王工",
        "employer_name": "安徽大学",
        "phone": "13912345678",
        "id_number": "340123198001011234",
        "jurisdiction": str(world["jurisdictions"]["shucheng"].pk),
        "is_available": "on",
        **_inline_management("employments"),
        **_inline_management("declared_conflicts"),
    }
    response = client.post("/admin/experts/expert/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    expert = Expert.objects.get(name="王工")
    event = AuditEvent.objects.get(action="admin.add.expert", target_id=str(expert.pk))
    assert event.after["phone"] == "139****5678"
    assert event.after["id_number"] == "3401**********1234"


def test_linking_an_account_without_the_expert_role_is_refused(world, login):
    client = _admin(login)
    data = {
        "user": str(world["users"]["clerk"].pk),
        "name": "李工",
        "employer_name": "安徽大学",
        "jurisdiction": str(world["jurisdictions"]["shucheng"].pk),
        **_inline_management("employments"),
        **_inline_management("declared_conflicts"),
    }
    response = client.post("/admin/experts/expert/add/", data)
    assert response.status_code == 200
    assert "该账号没有“评审专家”角色" in response.content.decode()
    assert not Expert.objects.filter(name="李工").exists()


def test_admin_pages_load_and_draws_cannot_be_added(world, pool, project, login):
    draw = expert_draw(actor=world["users"]["reviewer"], project=project, stage_id=SHUCHENG_REVIEW, size=2)
    client = _admin(login)
    for path in (
        "/admin/experts/expert/",
        f"/admin/experts/expert/{pool['experts'][0].pk}/change/",
        "/admin/experts/expertdraw/",
        f"/admin/experts/expertdraw/{draw.pk}/change/",
        "/admin/experts/projectvendor/",
        "/admin/experts/expertreview/",
        "/admin/experts/panelconclusion/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/experts/expertdraw/add/").status_code == 403
