"""项目详情: who may open the page, and that its 适用规则 card shows the same evaluation as the pack gives the
project read afresh (the page reads co-units, overrides and materials once for its cards and for the facts)."""

from __future__ import annotations

import pytest

from govit.audit.models import AuditEvent
from govit.projects.models import ExpertAssignment, Project
from govit.projects.policy import project_policy
from govit.projects.services import declaration_submit, finding_override_create, finding_override_revoke

REASON = "该项目由县数管局统一组织实施并委托第三方全程监督，无需另行引入监理。"


def _finding(policy, rule_id):
    return next((f["status"] for f in policy["findings"] if f["id"] == rule_id), None)


@pytest.fixture
def submitted(world, make_project):
    project = make_project(co_units=("health",))
    return declaration_submit(actor=world["users"]["clerk"], project=project)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk", 200),  # own unit
        ("health_clerk", 200),  # co-building unit
        ("reviewer", 200),  # competent bureau of the jurisdiction
        ("finance", 200),  # co-reviewing bureau of the jurisdiction
        ("supervisor", 200),  # the city above
        ("expert", 404),  # not assigned
        ("outsider", 404),  # a clerk of another county
        ("outsider_reviewer", 404),  # the bureau of another county
    ],
)
def test_the_page_opens_for_those_who_see_the_project(world, submitted, login, persona, status):
    response = login(world["users"][persona]).get(f"/projects/{submitted.pk}/")
    assert response.status_code == status
    denied = AuditEvent.objects.filter(action="project.view_denied", actor=world["users"][persona])
    assert denied.exists() is (status == 404)


def test_an_assigned_expert_opens_the_page_and_a_bureau_not_a_draft(world, make_project, submitted, login):
    ExpertAssignment.objects.create(project=submitted, expert=world["users"]["expert"], is_active=True)
    assert login(world["users"]["expert"]).get(f"/projects/{submitted.pk}/").status_code == 200
    draft = make_project(name="尚未申报的项目")
    assert login(world["users"]["reviewer"]).get(f"/projects/{draft.pk}/").status_code == 404


def test_the_rules_card_shows_what_the_pack_says_of_the_project(world, submitted, login, upload, media_root):
    assert _finding(project_policy(submitted), "RJ-08") == "active"
    upload(submitted, "data_sharing_list")  # establishes has_data_catalog (第十一条(五))
    reviewer = world["users"]["reviewer"]
    finding_override_create(actor=reviewer, project=submitted, rule_id="RJ-15", justification=REASON)
    response = login(reviewer).get(f"/projects/{submitted.pk}/")
    fresh = Project.objects.get(pk=submitted.pk)
    assert response.context["policy"] == project_policy(fresh)
    assert _finding(response.context["policy"], "RJ-15") == "overridden"
    assert _finding(response.context["policy"], "RJ-08") != "active"  # the sharing list was given
    page = response.content.decode()
    assert "已豁免" in page and REASON in page
    assert 'data-code="data_sharing_list"><span class="ok"' in page


def test_a_revoked_override_leaves_the_finding_active_on_the_page(world, submitted, login):
    reviewer = world["users"]["reviewer"]
    override = finding_override_create(
        actor=reviewer, project=submitted, rule_id="RJ-15", justification=REASON
    )
    finding_override_revoke(actor=reviewer, override=override, reason="监理仍须引入，撤销此前的豁免。")
    response = login(reviewer).get(f"/projects/{submitted.pk}/")
    assert response.context["policy"] == project_policy(Project.objects.get(pk=submitted.pk))
    assert _finding(response.context["policy"], "RJ-15") == "active"
    assert "已撤销的豁免（1）" in response.content.decode()
