from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from govit.accounts.models import Notification
from govit.accounts.selectors import user_scope
from govit.core import clock
from govit.core.errors import NotFoundError
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


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """消息中心 — every message of the user, newest first; all can be marked read at once."""
    mine = Notification.objects.filter(recipient_id=request.user.pk)
    if request.method == "POST":
        count = mine.filter(read_at__isnull=True).update(read_at=clock.now())
        messages.success(request, f"已将 {count} 条消息标为已读")
        return redirect("message_list")
    page = Paginator(mine.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "portal/messages.html", {"page": page})


@login_required
def message_open(request: HttpRequest, message_id: int) -> HttpResponse:
    """Open a message: it is marked read and the user goes where it points."""
    message = Notification.objects.filter(pk=message_id, recipient_id=request.user.pk).first()
    if message is None:
        raise NotFoundError("消息不存在")
    if message.read_at is None:
        message.read_at = clock.now()
        message.save(update_fields=["read_at"])
    target = message.url if url_has_allowed_host_and_scheme(message.url, allowed_hosts=None) else ""
    return redirect(target or "message_list")
