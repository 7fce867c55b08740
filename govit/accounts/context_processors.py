from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from govit.accounts.selectors import user_scope


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the main navigation shows: the annual plan, 查重 and 数据报送 to those who oversee a jurisdiction,
    导入 to a bureau's reviewers."""
    scope = user_scope(getattr(request, "user", None))
    return {
        "nav_oversees": bool(scope.overseen_jurisdiction_ids or scope.reviewer_jurisdiction_ids),
        "nav_imports": bool(scope.reviewer_org_ids),
    }


def unread_messages(request: HttpRequest) -> dict[str, Any]:
    """The unread count in the header (消息中心)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from govit.accounts.models import Notification

    return {"unread_count": Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()}
