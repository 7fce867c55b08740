"""Who sees which project: one selector, used by pages and the API alike."""

import pytest

from govit.audit.models import AuditEvent
from govit.projects.models import ExpertAssignment
from govit.projects.selectors import project_list_for_user
from govit.projects.services import declaration_submit


@pytest.fixture
def submitted(world, make_project):
    project = make_project(co_units=("health",))
    return declaration_submit(actor=world["users"]["clerk"], project=project)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("clerk", True),  # own unit
        ("head", True),
        ("health_clerk", True),  # co-building unit
        ("reviewer", True),  # competent bureau of the jurisdiction
        ("finance", True),  # co-reviewing bureau of the jurisdiction
        ("supervisor", True),  # the city above
        ("expert", False),  # not assigned
        ("outsider", False),  # a clerk of another county
        ("outsider_reviewer", False),  # the bureau of another county
    ],
)
def test_visibility_by_persona(world, submitted, persona, sees):
    visible = project_list_for_user(world["users"][persona])
    assert visible.filter(pk=submitted.pk).exists() is sees


def test_bureaus_do_not_see_a_unit_s_unsubmitted_draft(world, make_project):
    draft = make_project()
    assert not project_list_for_user(world["users"]["reviewer"]).filter(pk=draft.pk).exists()
    assert project_list_for_user(world["users"]["clerk"]).filter(pk=draft.pk).exists()


def test_an_expert_sees_a_project_only_while_assigned(world, submitted):
    expert = world["users"]["expert"]
    assignment = ExpertAssignment.objects.create(project=submitted, expert=expert)
    assert project_list_for_user(expert).filter(pk=submitted.pk).exists()
    assignment.is_active = False
    assignment.save()
    assert not project_list_for_user(expert).filter(pk=submitted.pk).exists()


def test_outsider_gets_404_on_the_page_and_the_api_and_the_attempt_is_audited(world, submitted, login):
    client = login(world["users"]["outsider"])
    assert client.get(f"/projects/{submitted.pk}/").status_code == 404
    response = client.get(f"/api/v1/projects/{submitted.pk}")
    assert response.status_code == 404
    assert response.json()["detail"]
    denied = AuditEvent.objects.filter(action="project.view_denied", target_id=str(submitted.pk))
    assert denied.count() == 2
    assert denied.first().outcome == "denied"


def test_a_missing_project_is_the_same_404(world, login):
    client = login(world["users"]["outsider"])
    assert client.get("/projects/999999/").status_code == 404
    assert client.get("/api/v1/projects/999999").status_code == 404


def test_anonymous_users_are_sent_to_login(client, submitted):
    response = client.get(f"/projects/{submitted.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/api/v1/projects").status_code == 401
