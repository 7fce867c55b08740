"""催办 and 抄送: the bureau reminds the unit of a returned declaration, and copies a project to a bureau of its
own or a higher level; both audited, neither changes the project."""

from __future__ import annotations

import datetime as dt

import pytest

from govit.accounts.models import Notification
from govit.audit.models import AuditEvent
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.workflow.services import project_copy_to, project_urge


@pytest.fixture
def returned(make_returned):
    return make_returned(dt.date(2099, 1, 1))


def test_urge_reminds_the_unit_of_a_returned_declaration(world, returned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_urge(actor=world["users"]["reviewer"], project=returned, message="请尽快修改后重新提交")
    assert Notification.objects.filter(recipient=world["users"]["clerk"], text__startswith="催办").exists()
    assert AuditEvent.objects.filter(action="project.urge").exists()
    with pytest.raises(PermissionDeniedError):
        project_urge(actor=world["users"]["outsider_reviewer"], project=returned, message="x")


def test_copy_goes_to_bureaus_of_this_or_a_higher_level_only(
    world, returned, django_capture_on_commit_callbacks
):
    city = world["orgs"]["city_bureau"]
    with django_capture_on_commit_callbacks(execute=True):
        project_copy_to(actor=world["users"]["reviewer"], project=returned, organisation=city, message="请阅")
    assert Notification.objects.filter(
        recipient=world["users"]["supervisor"], text__startswith="抄送"
    ).exists()
    assert AuditEvent.objects.get(action="project.copy_to").after["organisation"] == city.name
    with pytest.raises(ServiceError, match="只能抄送本级或上级"):
        project_copy_to(
            actor=world["users"]["reviewer"],
            project=returned,
            organisation=world["orgs"]["zg_bureau"],
            message="",
        )
    with pytest.raises(PermissionDeniedError):
        project_copy_to(actor=world["users"]["clerk"], project=returned, organisation=city, message="")
    assert AuditEvent.objects.filter(action="project.copy_to").count() == 1
