"""Who a user is: their roles, organisations and the jurisdictions they oversee."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from govit.accounts.choices import JURISDICTION_ROLES, THREE_ADMIN_ROLES, UNIT_ROLES, Role
from govit.accounts.models import Jurisdiction, RoleAssignment, User


@dataclass(frozen=True)
class UserScope:
    """What a user's roles reach; computed once per request."""

    roles: frozenset[str] = frozenset()
    unit_org_ids: frozenset[int] = frozenset()
    overseen_jurisdiction_ids: frozenset[int] = frozenset()
    reviewer_org_ids: frozenset[int] = frozenset()
    reviewer_jurisdiction_ids: frozenset[int] = frozenset()  # where the user acts for the competent bureau
    is_expert: bool = False
    role_orgs: tuple[tuple[str, int], ...] = field(default=())

    def has(self, role: str) -> bool:
        return role in self.roles


def user_scope(user: Any) -> UserScope:
    """Cached on the user object for the life of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return UserScope()
    cached = getattr(user, "_govit_scope", None)
    if cached is not None:
        return cached
    assignments = list(
        RoleAssignment.objects.filter(user=user, organisation__is_active=True).values_list(
            "role", "organisation_id", "organisation__jurisdiction_id"
        )
    )
    roots = {jur for role, _org, jur in assignments if role in JURISDICTION_ROLES}
    below: dict[int, list[int]] = {}  # each root jurisdiction -> itself and those below it
    if roots:
        # one query for every root: a jurisdiction's tree path holds its ancestors' ids and its own
        under_any = Q()
        for root in roots:
            under_any |= Q(tree_path__contains=root)
        tree = Jurisdiction.objects.with_tree_fields().filter(under_any).values_list("id", "tree_path")
        for jurisdiction_id, path in tree:
            for root in roots.intersection(path):
                below.setdefault(root, []).append(jurisdiction_id)
    overseen = {jid for ids in below.values() for jid in ids}
    reviewing = {
        jid for role, _org, jur in assignments if role == Role.REVIEWER for jid in below.get(jur, [])
    }
    scope = UserScope(
        roles=frozenset(role for role, _o, _j in assignments),
        unit_org_ids=frozenset(org for role, org, _j in assignments if role in UNIT_ROLES),
        overseen_jurisdiction_ids=frozenset(overseen),
        reviewer_org_ids=frozenset(org for role, org, _j in assignments if role == Role.REVIEWER),
        reviewer_jurisdiction_ids=frozenset(reviewing),
        is_expert=any(role == Role.EXPERT for role, _o, _j in assignments),
        role_orgs=tuple((role, org) for role, org, _j in assignments),
    )
    user._govit_scope = scope
    return scope


def three_admin_conflict(*, user: User, role: str) -> str | None:
    """三员分立: the message to show when ``role`` would give ``user`` a second administrator role, or would
    put an administrator role and a business role on the same account."""
    held = set(RoleAssignment.objects.filter(user=user).exclude(role=role).values_list("role", flat=True))
    if role in THREE_ADMIN_ROLES:
        admin_held = held & THREE_ADMIN_ROLES
        if admin_held:
            held_label = "、".join(Role(r).label for r in sorted(admin_held))
            return f"三员分立：该账号已担任{held_label}，不能再担任{Role(role).label}"
        if held:
            held_label = "、".join(Role(r).label for r in sorted(held))
            return f"三员分立：该账号已担任业务角色（{held_label}），不能再担任{Role(role).label}"
        return None
    admin_held = held & THREE_ADMIN_ROLES
    if admin_held:
        held_label = "、".join(Role(r).label for r in sorted(admin_held))
        return f"三员分立：该账号是{held_label}，不能再担任业务角色{Role(role).label}"
    return None
