import pytest

from govit.accounts.admin import RoleAssignmentForm
from govit.accounts.choices import Role
from govit.accounts.models import RoleAssignment
from govit.accounts.services import role_assign, user_create
from govit.audit.models import AuditEvent
from govit.core.errors import ServiceError


def _account(username="admin_only"):
    """An account with no role yet: 三员分立 keeps administrators apart from business roles."""
    return user_create(actor=None, username=username, password="x", display_name=username)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN),
        (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN),
    ],
)
def test_it_refuses_a_second_three_admin_role(world, first, second):
    user, org = _account(), world["orgs"]["bureau"]
    role_assign(actor=None, user=user, organisation=org, role=first)
    with pytest.raises(ServiceError) as caught:
        role_assign(actor=None, user=user, organisation=world["orgs"]["finance"], role=second)
    assert "三员分立" in caught.value.message
    assert caught.value.field == "role"
    assert not RoleAssignment.objects.filter(user=user, role=second).exists()


def test_an_admin_role_opens_only_its_own_back_office(world):
    user = _account()
    role_assign(actor=None, user=user, organisation=world["orgs"]["bureau"], role=Role.AUDIT_ADMIN)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("audit.view_auditevent")
    assert not user.has_perm("accounts.change_user")


def test_it_audits_each_grant(world):
    user = world["users"]["expert"]
    before = AuditEvent.objects.filter(action="accounts.role_assign", target_id=str(user.pk)).count()
    role_assign(
        actor=world["users"]["reviewer"], user=user, organisation=world["orgs"]["bureau"], role=Role.LEADER
    )
    events = AuditEvent.objects.filter(action="accounts.role_assign", target_id=str(user.pk))
    assert events.count() == before + 1
    assert events.first().after == {"role": "leader", "organisation_id": world["orgs"]["bureau"].pk}


def test_admin_form_shows_the_three_admin_conflict_on_the_role_field(world):
    user = _account()
    role_assign(actor=None, user=user, organisation=world["orgs"]["bureau"], role=Role.SYSTEM_ADMIN)
    form = RoleAssignmentForm(
        data={"user": user.pk, "organisation": world["orgs"]["bureau"].pk, "role": Role.AUDIT_ADMIN}
    )
    assert not form.is_valid()
    assert "三员分立" in form.errors["role"][0]
