from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govit.accounts.models import Notification
from govit.accounts.selectors import user_scope
from govit.projects.selectors import project_list_for_user, project_todo_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """首页 — 待办, 我的项目 and unread messages."""
    scope = user_scope(request.user)
    mine = project_list_for_user(request.user)
    if scope.unit_org_ids:
        mine = mine.filter(lead_unit_id__in=scope.unit_org_ids)
    return render(
        request,
        "portal/home.html",
        {
            "todo": project_todo_for_user(request.user)[:20],
            "mine": mine.order_by("-updated_at")[:10],
            "notifications": Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True)[
                :10
            ],
            "can_create": bool(scope.unit_org_ids),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
