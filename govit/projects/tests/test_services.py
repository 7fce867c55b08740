"""project_create / project_update / declaration_submit / declaration_withdraw."""

import pytest

from govit.accounts.models import Notification
from govit.audit.models import AuditEvent
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.projects.choices import Status
from govit.projects.services import declaration_submit, declaration_withdraw, project_update


def _events(project, action):
    return AuditEvent.objects.filter(action=action, target_id=str(project.pk))


def test_create_records_a_draft_with_total_pack_transition_and_audit(world, make_project):
    project = make_project(cost_om=200_000, fund_fiscal=2_400_000)
    assert project.status == Status.DRAFT
    assert project.total_yuan == 2_400_000
    assert project.pack_code == "shucheng"
    assert project.jurisdiction == world["jurisdictions"]["shucheng"]
    assert [t.to_status for t in project.transitions.all()] == [Status.DRAFT]
    event = _events(project, "project.create").get()
    assert event.actor == world["users"]["clerk"]
    assert event.after["total_yuan"] == 2_400_000


def test_only_the_unit_s_own_staff_may_create_for_it(world, make_project):
    with pytest.raises(PermissionDeniedError):
        make_project(actor="outsider")
    with pytest.raises(PermissionDeniedError):
        make_project(actor="reviewer")


def test_submit_moves_to_submitted_records_transition_audit_and_notifies_reviewers(
    world, make_project, django_capture_on_commit_callbacks
):
    project = make_project()
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(actor=world["users"]["clerk"], project=project)
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert project.submitted_at is not None
    last = project.transitions.last()
    assert (last.from_status, last.to_status, last.actor) == (
        Status.DRAFT,
        Status.SUBMITTED,
        world["users"]["clerk"],
    )
    event = _events(project, "declaration.submit").get()
    assert event.before == {"status": "draft"}
    assert event.after == {"status": "submitted", "round": None, "off_window_reason": None}
    assert Notification.objects.filter(
        recipient=world["users"]["reviewer"], url=f"/projects/{project.pk}/"
    ).exists()
    assert not Notification.objects.filter(recipient=world["users"]["outsider_reviewer"]).exists()


def test_an_incomplete_declaration_is_refused_and_nothing_changes(world, make_project):
    project = make_project(summary="", fund_fiscal=100)
    with pytest.raises(ServiceError) as caught:
        declaration_submit(actor=world["users"]["clerk"], project=project)
    assert "简要说明" in caught.value.message and "资金来源合计" in caught.value.message
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert not _events(project, "declaration.submit").exists()
    assert project.transitions.count() == 1


def test_withdraw_returns_to_draft_with_reason(world, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    declaration_withdraw(actor=world["users"]["head"], project=project, reason="预算需调整")
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert "预算需调整" in project.transitions.last().reason
    assert _events(project, "declaration.withdraw").get().after["reason"] == "预算需调整"


def test_withdraw_needs_a_reason_and_a_submitted_project(world, make_project):
    project = make_project()
    with pytest.raises(ServiceError):
        declaration_withdraw(actor=world["users"]["clerk"], project=project, reason="  ")
    with pytest.raises(PermissionDeniedError):
        declaration_withdraw(actor=world["users"]["clerk"], project=project, reason="误操作")


def test_a_submitted_project_cannot_be_edited_or_submitted_again(world, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    with pytest.raises(PermissionDeniedError):
        project_update(actor=world["users"]["clerk"], project=project, fields={"name": "改名"})
    with pytest.raises(PermissionDeniedError):
        declaration_submit(actor=world["users"]["clerk"], project=project)


def test_update_audits_only_what_changed_and_checks_the_version(world, make_project):
    project = make_project()
    project_update(
        actor=world["users"]["clerk"], project=project, fields={"name": "新名称"}, expected_version=1
    )
    event = _events(project, "project.update").get()
    assert event.before == {"name": "智慧校园统一身份认证平台"}
    assert event.after == {"name": "新名称"}
    with pytest.raises(ConflictError):
        project_update(
            actor=world["users"]["clerk"], project=project, fields={"name": "再改"}, expected_version=1
        )


def test_update_refuses_fields_a_unit_may_not_set(world, make_project):
    project = make_project()
    with pytest.raises(ServiceError):
        project_update(actor=world["users"]["clerk"], project=project, fields={"status": Status.APPROVED})
    project.refresh_from_db()
    assert project.status == Status.DRAFT
