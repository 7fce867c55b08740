"""Who may read the audit log: the 审计管理员 only (三员分立).

The permission ``audit.view_auditevent`` comes with the 审计管理员 role's group and with no other role; a
superuser — created per deployment and disabled for daily use — is not an audit administrator either."""

from __future__ import annotations

from typing import Any


def audit_reader(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.is_superuser
        and user.has_perm("audit.view_auditevent")
    )
