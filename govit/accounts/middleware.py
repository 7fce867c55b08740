"""会话控制 — idle and absolute session limits, the second-factor gate and the forced password change.

Runs after ``AuthenticationMiddleware`` and reads only the session: what a login decided (second factor
required? password to change?) is stored in the session by ``session_start`` at login, so that ordinary
requests cost no query and do not write. The last activity is written at most once a minute
(``GOVIT_SESSION_ACTIVITY_WRITE_SECONDS``), so the idle limit is measured from the last recorded activity
and a session may end up to that many seconds early, never late."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from govit.accounts import mfa
from govit.accounts.passwords import password_change_reason

SESSION_LOGIN_AT = "govit_login_at"
SESSION_SEEN_AT = "govit_seen_at"
SESSION_PASSWORD_CHANGE = "govit_password_change"


def now() -> float:
    """Seconds since the epoch (wall clock, not the business calendar of ``govit.core.clock``)."""
    return time.time()


def session_start(request: HttpRequest, user: Any) -> None:
    """At login: start both session clocks and decide what the user must do before anything else."""
    session = request.session
    moment = now()
    session[SESSION_LOGIN_AT] = moment
    session[SESSION_SEEN_AT] = moment
    session.pop(mfa.SESSION_OTP_DEVICE, None)
    session[mfa.SESSION_MFA_REQUIRED] = mfa.mfa_required(user)
    reason = password_change_reason(user)
    if reason:
        session[SESSION_PASSWORD_CHANGE] = reason
    else:
        session.pop(SESSION_PASSWORD_CHANGE, None)


def session_expiry(session: Any, moment: float) -> str | None:
    """``idle`` or ``absolute`` when the session has run out at ``moment``, else None."""
    login_at = session.get(SESSION_LOGIN_AT)
    seen_at = session.get(SESSION_SEEN_AT)
    if login_at is None or seen_at is None:
        return None
    if moment - float(login_at) > settings.GOVIT_SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if moment - float(seen_at) > settings.GOVIT_SESSION_IDLE_SECONDS:
        return "idle"
    return None


def pending_step(session: Any) -> str | None:
    """The page a logged-in session must go through first: the second factor, then the password."""
    if mfa.session_mfa_pending(session):
        return "otp"
    if session.get(SESSION_PASSWORD_CHANGE):
        return "password"
    return None


class SessionControlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        moment = now()
        if SESSION_LOGIN_AT not in session:  # a session from before these controls: decide as at a login
            session_start(request, request.user)
        expired = session_expiry(session, moment)
        if expired:
            return self._end(request, expired)
        if moment - float(session[SESSION_SEEN_AT]) >= settings.GOVIT_SESSION_ACTIVITY_WRITE_SECONDS:
            session[SESSION_SEEN_AT] = moment
        step = pending_step(session)
        if step and not self._allowed_during(request, step):
            return self._detour(request, step)
        return self.get_response(request)

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        from govit.accounts.auth_services import session_expired

        user = request.user
        logout(request)  # flushes: the server-side session row is deleted
        session_expired(user=user, reason=reason)
        target = f"{reverse('login')}?{urlencode({'expired': reason, 'next': request.get_full_path()})}"
        if _wants_json(request):
            return JsonResponse({"detail": "会话已超时，请重新登录。"}, status=401)
        return HttpResponseRedirect(target)

    @staticmethod
    def _allowed_during(request: HttpRequest, step: str) -> bool:
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path == reverse("logout"):
            return True
        if step == "otp":
            return path in (reverse("otp_verify"), reverse("otp_enrol"))
        return path == reverse("password_change")

    @staticmethod
    def _detour(request: HttpRequest, step: str) -> HttpResponse:
        if _wants_json(request):
            message = "请先完成双因素认证。" if step == "otp" else "请先修改密码。"
            return JsonResponse({"detail": message}, status=403)
        # The verify page sends a user without a confirmed device on to enrolment.
        return HttpResponseRedirect(reverse("otp_verify" if step == "otp" else "password_change"))


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")
