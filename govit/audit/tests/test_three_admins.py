"""三员分立 (等保 8.1.4.2 d, 8.1.5): each of the three administrators does their own work in the back office
and nothing else; every refusal is a 403 that changes nothing and leaves a denial in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from govit.accounts.choices import Role
from govit.accounts.models import Organisation, RoleAssignment, User
from govit.accounts.services import role_assign, role_revoke, user_create
from govit.audit.models import AuditEvent
from govit.core.errors import ServiceError
from govit.policies.models import CalendarDay

NEW_PASSWORD = "Neu@2026-passwort"


def _state() -> tuple[Any, ...]:
    """Everything an administrator's action could change, to show that a refusal changed none of it."""
    return (
        list(
            User.objects.order_by("pk").values_list(
                "username", "password", "is_active", "is_staff", "is_superuser"
            )
        ),
        list(RoleAssignment.objects.order_by("pk").values_list("user_id", "organisation_id", "role")),
        list(Organisation.objects.order_by("pk").values_list("name", "is_active")),
        list(CalendarDay.objects.filter(date__year=2040).values_list("date", "is_workday")),
    )


def _requests(bureau: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Every back-office page and action of the 三员, as (method, url, form data)."""
    users, orgs = bureau["users"], bureau["orgs"]
    clerk, auditadmin = users["clerk"], users["auditadmin"]
    clerk_role = RoleAssignment.objects.get(user=clerk)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return {
        "user list": ("get", "/admin/accounts/user/", {}),
        "user create": (
            "post",
            "/admin/accounts/user/add/",
            {
                "username": "new_clerk",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        ),
        "user disable": (
            "post",
            f"/admin/accounts/user/{clerk.pk}/change/",
            {
                "username": clerk.username,
                "display_name": clerk.display_name,
                "primary_organisation": orgs["education"].pk,
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-INITIAL_FORMS": "1",
                "role_assignments-0-id": clerk_role.pk,
                "role_assignments-0-user": clerk.pk,
            },
        ),
        "password reset": (
            "post",
            f"/admin/accounts/user/{clerk.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        "admin password reset": (
            "post",
            f"/admin/accounts/user/{auditadmin.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        "organisation create": (
            "post",
            "/admin/accounts/organisation/add/",
            {
                "jurisdiction": bureau["jurisdiction"].pk,
                "name": "舒城县卫生健康委员会",
                "kind": "department",
                "is_active": "on",
            },
        ),
        "role list": ("get", "/admin/accounts/roleassignment/", {}),
        "role assign": (
            "post",
            "/admin/accounts/roleassignment/add/",
            {"user": users["reviewer"].pk, "organisation": orgs["bureau"].pk, "role": Role.LEADER},
        ),
        "role revoke": ("post", f"/admin/accounts/roleassignment/{clerk_role.pk}/delete/", {"post": "yes"}),
        "calendar edit": (
            "post",
            "/admin/policies/calendarday/add/",
            {"date": "2040-03-02", "is_workday": "", "note": "放假"},
        ),
        "audit admin list": ("get", "/admin/audit/auditevent/", {}),
        "audit admin delete": ("post", f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}),
        "audit page": ("get", "/audit/", {}),
        "audit export": ("get", "/audit/export.csv", {}),
        "audit verify": ("post", "/audit/verify/", {}),
    }


ALLOWED = {
    "sysadmin": {
        "user list",
        "user create",
        "user disable",
        "password reset",
        "organisation create",
        "role list",
    },
    "secadmin": {"user list", "role list", "role assign", "role revoke", "calendar edit"},
    "auditadmin": {"audit admin list", "audit page", "audit export", "audit verify"},
}
ACTIONS = sorted(
    {
        *ALLOWED["sysadmin"],
        *ALLOWED["secadmin"],
        *ALLOWED["auditadmin"],
        "admin password reset",
        "audit admin delete",
    }
)


def _done(action: str, bureau: dict[str, Any]) -> bool:
    """What an allowed action leaves behind, for the ones that change something."""
    clerk = User.objects.get(pk=bureau["users"]["clerk"].pk)
    effects = {
        "user create": lambda: User.objects.filter(username="new_clerk").exists(),
        "user disable": lambda: not clerk.is_active,
        "password reset": lambda: clerk.check_password(NEW_PASSWORD),
        "organisation create": lambda: Organisation.objects.filter(name="舒城县卫生健康委员会").exists(),
        "role assign": lambda: RoleAssignment.objects.filter(role=Role.LEADER).exists(),
        "role revoke": lambda: not RoleAssignment.objects.filter(user=clerk).exists(),
        "calendar edit": lambda: CalendarDay.objects.filter(date="2040-03-02", is_workday=False).exists(),
        "audit verify": lambda: AuditEvent.objects.filter(action="audit.verify", outcome="success").exists(),
        "audit page": lambda: AuditEvent.objects.filter(action="audit.search").exists(),
        "audit export": lambda: AuditEvent.objects.filter(action="audit.export").exists(),
    }
    return effects.get(action, lambda: True)()


def _check(bureau: dict[str, Any], client: Any, who: str, action: str) -> str | None:
    """One cell of the table: None when the administrator got what the table says, else what went wrong."""
    admin = bureau["users"][who]
    method, url, data = _requests(bureau)[action]
    client.force_login(admin)
    before, last_seq = _state(), AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = getattr(client, method)(url, data)
    if action in ALLOWED[who]:
        if response.status_code not in (200, 302):
            return f"allowed, got {response.status_code}"
        return None if _done(action, bureau) else "allowed, but it did not happen"
    if response.status_code != 403 or "无权访问" not in response.content.decode():
        return f"refused expected, got {response.status_code}"
    if _state() != before:
        return "refused, but something changed"
    denials = list(AuditEvent.objects.filter(seq__gt=last_seq, outcome="denied"))
    if len(denials) != 1 or denials[0].actor != admin:
        return f"refused, but {len(denials)} denial events"
    if denials[0].action == "auth.denied" and (
        denials[0].after["path"] != url or not denials[0].after["reason"]
    ):
        return "denial event without path or reason"
    return None


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_each_admin_does_only_their_own_work(bureau, client, who):
    """Each cell runs in a savepoint that is rolled back, so every action starts from the same state."""
    problems = {}
    for action in ACTIONS:
        with transaction.atomic():
            problem = _check(bureau, client, who, action)
            transaction.set_rollback(True)
        if problem:
            problems[action] = problem
    assert problems == {}
    assert len(ACTIONS) == 15  # the table: 15 pages and actions for each of the three


@pytest.mark.parametrize(
    ("held", "wanted"),
    [
        (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN),
        (Role.SECURITY_ADMIN, Role.CLERK),  # an administrator takes no business role …
        (Role.REVIEWER, Role.SYSTEM_ADMIN),  # … and a business account becomes no administrator
    ],
)
def test_the_service_refuses_mixing_roles_on_one_account(bureau, held, wanted):
    user = user_create(actor=None, username="someone", password="x", display_name="某人")
    role_assign(actor=None, user=user, organisation=bureau["orgs"]["bureau"], role=held)
    with pytest.raises(ServiceError) as caught:
        role_assign(actor=None, user=user, organisation=bureau["orgs"]["education"], role=wanted)
    assert caught.value.message.startswith("三员分立：") and caught.value.field == "role"
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [held]


def test_the_security_admin_cannot_give_an_admin_a_second_role_in_the_back_office(bureau, client_of):
    client = client_of(bureau["users"]["secadmin"])
    auditadmin = bureau["users"]["auditadmin"]
    for role in (Role.SYSTEM_ADMIN, Role.CLERK):
        response = client.post(
            "/admin/accounts/roleassignment/add/",
            {"user": auditadmin.pk, "organisation": bureau["orgs"]["bureau"].pk, "role": role},
        )
        assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert list(RoleAssignment.objects.filter(user=auditadmin).values_list("role", flat=True)) == [
        "audit_admin"
    ]


def test_the_system_admin_cannot_raise_anyones_rights_through_the_user_form(bureau, client_of):
    sysadmin, clerk = bureau["users"]["sysadmin"], bureau["users"]["clerk"]
    client = client_of(sysadmin)
    form = client.get(f"/admin/accounts/user/{clerk.pk}/change/").content.decode()
    assert 'name="is_active"' in form
    assert not any(
        f'name="{field}"' in form for field in ("is_superuser", "is_staff", "groups", "user_permissions")
    )
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/change/",
        {
            "username": clerk.username,
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [g.pk for g in sysadmin.groups.all()],
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": RoleAssignment.objects.get(user=clerk).pk,
            "role_assignments-0-user": clerk.pk,
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.is_superuser, clerk.is_staff, clerk.groups.count()) == (False, False, 0)
    event = AuditEvent.objects.filter(action="admin.change.user").latest("seq")
    assert event.actor == sysadmin and "password" not in event.after


def test_a_revoked_admin_loses_the_back_office(bureau, client_of):
    auditadmin = bureau["users"]["auditadmin"]
    role_revoke(actor=bureau["users"]["secadmin"], assignment=RoleAssignment.objects.get(user=auditadmin))
    auditadmin.refresh_from_db()
    assert not auditadmin.is_staff and not auditadmin.groups.exists()
    assert client_of(auditadmin).get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action="accounts.role_revoke", target_id=str(auditadmin.pk)).exists()


def test_a_superuser_is_not_an_audit_admin(bureau, admin_client):
    assert admin_client.get("/audit/").status_code == 403
    assert admin_client.get("/admin/audit/auditevent/").status_code == 403
