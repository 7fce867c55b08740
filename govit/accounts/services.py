"""Changes to accounts: users and role assignments, each audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from govit.accounts.choices import THREE_ADMIN_ROLES, Role
from govit.accounts.models import Notification, Organisation, RoleAssignment, User
from govit.accounts.selectors import three_admin_conflict
from govit.audit.services import audit_record
from govit.core.errors import ServiceError


def role_assign(*, actor: Any | None, user: User, organisation: Organisation, role: str) -> RoleAssignment:
    """Grant ``role`` at ``organisation``; refuses a second 三员 role for the same account."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        conflict = three_admin_conflict(user=user, role=role)
        if conflict:
            raise ServiceError(conflict, field="role")
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if created:
            if role in THREE_ADMIN_ROLES:
                _grant_admin_group(user, role)
            if user.primary_organisation_id is None:
                user.primary_organisation = organisation
                user.save(update_fields=["primary_organisation"])
            audit_record(
                actor=actor,
                action="accounts.role_assign",
                target=user,
                after={"role": role, "organisation_id": organisation.pk},
            )
    return assignment


def role_revoke(*, actor: Any | None, assignment: RoleAssignment) -> None:
    with transaction.atomic():
        before = {"role": assignment.role, "organisation_id": assignment.organisation_id}
        user = assignment.user
        assignment.delete()
        _admin_groups_sync(user)
        audit_record(actor=actor, action="accounts.role_revoke", target=user, before=before)


def user_create(
    *,
    actor: Any | None,
    username: str,
    password: str,
    display_name: str,
    organisation: Organisation | None = None,
) -> User:
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ServiceError("用户名已存在", field="username")
        user = User(username=username, display_name=display_name, primary_organisation=organisation)
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="accounts.user_create", target=user, after={"username": username})
    return user


def notify_after_commit(
    *,
    text: str,
    url: str = "",
    jurisdiction_id: int | None = None,
    role: str | None = None,
    organisation_id: int | None = None,
    user_ids: Iterable[int] = (),
) -> None:
    """Once the transaction commits, tell people: holders of ``role`` in the jurisdiction, everyone with a
    role in ``organisation_id`` (optionally only ``role``), and/or the given users."""
    direct = list(user_ids)

    def send() -> None:
        recipients: set[int] = set(direct)
        if jurisdiction_id is not None or organisation_id is not None:
            query = RoleAssignment.objects.all()
            if jurisdiction_id is not None:
                query = query.filter(organisation__jurisdiction_id=jurisdiction_id)
            if organisation_id is not None:
                query = query.filter(organisation_id=organisation_id)
            if role is not None:
                query = query.filter(role=role)
            recipients.update(query.values_list("user_id", flat=True).distinct())
        Notification.objects.bulk_create(
            [Notification(recipient_id=user_id, text=text[:255], url=url) for user_id in sorted(recipients)]
        )

    transaction.on_commit(send)


# What each of the 三员 may do in the admin back office (三员分立, 等保 8.1.4.2 d / 8.1.5): the 系统管理员 keeps
# accounts and organisations (create, disable, reset a password) but grants no role; the 安全管理员 grants
# roles and keeps the working-day calendar but creates no account; the 审计管理员 only reads the audit log.
# None of them reads the audit log but the 审计管理员.
ADMIN_GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SYSTEM_ADMIN: (
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_organisation",
        "accounts.add_jurisdiction",
        "accounts.change_jurisdiction",
        "accounts.view_jurisdiction",
        "accounts.view_roleassignment",
    ),
    Role.SECURITY_ADMIN: (
        "accounts.view_user",
        "accounts.view_roleassignment",
        "accounts.add_roleassignment",
        "accounts.delete_roleassignment",
        # The working-day calendar decides legal deadlines, so it sits with security policy.
        "policies.view_calendaryear",
        "policies.add_calendaryear",
        "policies.change_calendaryear",
        "policies.view_calendarday",
        "policies.add_calendarday",
        "policies.change_calendarday",
        "policies.delete_calendarday",
    ),
    Role.AUDIT_ADMIN: ("audit.view_auditevent", "audit.view_auditcheckpoint"),
}


def _admin_group(role: str) -> Group:
    """The back-office group of one of the 三员, its permissions reset to the table above."""
    group, _ = Group.objects.get_or_create(name=Role(role).label)
    wanted = ADMIN_GROUP_PERMISSIONS.get(role, ())
    permissions = [
        perm
        for perm in Permission.objects.select_related("content_type")
        if f"{perm.content_type.app_label}.{perm.codename}" in wanted
    ]
    group.permissions.set(permissions)
    return group


def _grant_admin_group(user: User, role: str) -> None:
    user.groups.add(_admin_group(role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _admin_groups_sync(user: User) -> None:
    """After a revoke: the account keeps the groups of the 三员 roles it still holds, and loses the back office
    when it holds none (a superuser keeps it)."""
    held = set(
        RoleAssignment.objects.filter(user=user, role__in=THREE_ADMIN_ROLES).values_list("role", flat=True)
    )
    stale = [Role(role).label for role in THREE_ADMIN_ROLES if role not in held]
    user.groups.remove(*Group.objects.filter(name__in=stale))
    if not held and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
