"""登录、退出、双因素认证与修改密码 — the pages of authentication."""

from __future__ import annotations

from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from govit.accounts import mfa
from govit.accounts.auth_services import (
    otp_device_confirm,
    otp_failed_record,
    otp_verified_record,
    user_password_change,
)
from govit.accounts.middleware import SESSION_PASSWORD_CHANGE

EXPIRED_MESSAGES = {
    "idle": "会话已超过 30 分钟无操作，已自动退出，请重新登录。",
    "absolute": "会话已达到 8 小时上限，已自动退出，请重新登录。",
}
PASSWORD_REASONS = {
    "initial": "这是初始密码或管理员重置的密码，请先修改密码再继续使用。",
    "expired": "密码已超过 90 天未修改，请先修改密码再继续使用。",
}


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired_message"] = EXPIRED_MESSAGES.get(self.request.GET.get("expired", ""), "")
        context["oidc_enabled"] = settings.GOVIT_OIDC_ENABLED
        context["oidc_failed"] = self.request.GET.get("oidc") == "failed"
        return context


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """退出 — the server-side session is deleted, not merely forgotten by the browser."""
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    return None


def _otp_failure(request: HttpRequest) -> HttpResponse | None:
    """A wrong code: audited, and counted by django-axes like a wrong password. When that was one failure
    too many the session ends and the lockout page is shown."""
    user: Any = request.user
    otp_failed_record(user=user)
    credentials = {"username": user.get_username()}
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        return _locked_out(request, credentials)
    return None


def _locked_out(request: HttpRequest, credentials: dict[str, Any]) -> HttpResponse:
    auth_logout(request)
    request.axes_locked_out = False  # type: ignore[attr-defined]  # answered here, not by the middleware
    return get_lockout_response(request, None, credentials)


def _otp_step_refused(request: HttpRequest) -> HttpResponse | None:
    """The second-factor pages are for a logged-in session still waiting for its code; anyone else is sent on."""
    refused = _login_required(request)
    if refused:
        return refused
    if not mfa.session_mfa_pending(request.session):
        return redirect(_next_url(request))
    return None


def _otp_posted(request: HttpRequest, device: TOTPDevice) -> tuple[bool, HttpResponse | None]:
    """The posted code checked against ``device``: (accepted, the response that ends the attempt when the account
    is or becomes locked). A wrong code is counted like a wrong password."""
    credentials = {"username": request.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return False, _locked_out(request, credentials)
    token = request.POST.get("token", "").strip()
    if token.isdigit() and device.verify_token(token):
        return True, None
    return False, _otp_failure(request)


@never_cache
@sensitive_post_parameters("token")
def otp_verify(request: HttpRequest) -> HttpResponse:
    """输入动态口令 — the second step of a login for the roles that need it."""
    refused = _otp_step_refused(request)
    if refused:
        return refused
    device = mfa.totp_device_confirmed(request.user)
    if device is None:
        return redirect("otp_enrol")
    error = ""
    if request.method == "POST":
        accepted, ended = _otp_posted(request, device)
        if ended:
            return ended
        if accepted:
            mfa.session_mark_verified(request.session, device)
            otp_verified_record(user=request.user, device=device)  # type: ignore[arg-type]
            return redirect(_next_url(request))
        error = "动态口令不正确或已使用，请输入身份验证器当前显示的 6 位数字。"
    status = 400 if error else 200
    context = {"error": error, "next": request.GET.get("next", "")}
    return render(request, "accounts/otp_verify.html", context, status=status)


@never_cache
@sensitive_post_parameters("token")
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """绑定身份验证器 — shown once, to a user of a role that needs a second factor and has no device yet."""
    refused = _otp_step_refused(request)
    if refused:
        return refused
    if mfa.totp_device_confirmed(request.user) is not None:
        # A device is already bound: only a verified code from it lets anyone in, never a new binding.
        return redirect("otp_verify")
    device = mfa.totp_device_pending(request.user)
    error = ""
    if request.method == "POST":
        accepted, ended = _otp_posted(request, device)
        if ended:
            return ended
        if accepted:
            otp_device_confirm(user=request.user, device=device)  # type: ignore[arg-type]
            mfa.session_mark_verified(request.session, device)
            messages.success(request, "身份验证器已绑定，今后登录时请输入其显示的动态口令。")
            return redirect(_next_url(request))
        error = "动态口令不正确，请确认手机时间准确后输入身份验证器当前显示的 6 位数字。"
    return render(
        request,
        "accounts/otp_enrol.html",
        _enrol_context(device, error, request.GET.get("next", "")),
        status=400 if error else 200,
    )


def _enrol_context(device: TOTPDevice, error: str, next_url: str) -> dict[str, Any]:
    return {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, title="身份验证器二维码"),
        "secret": mfa.totp_secret_base32(device),
        "error": error,
        "next": next_url,
    }


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码 — also where an initial, reset or expired password sends its user first."""
    refused = _login_required(request)
    if refused:
        return refused
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_password_change(actor=user, user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        request.session.pop(SESSION_PASSWORD_CHANGE, None)
        messages.success(request, "密码已修改。")
        return redirect(settings.LOGIN_REDIRECT_URL)
    reason = PASSWORD_REASONS.get(request.session.get(SESSION_PASSWORD_CHANGE, ""), "")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason}, status=status)


def _oidc_enabled() -> None:
    if not settings.GOVIT_OIDC_ENABLED:
        raise Http404("未启用统一身份认证")


def oidc_authenticate(request: HttpRequest) -> HttpResponse:
    """统一身份认证 — off to the identity provider (only when ``GOVIT_OIDC_ISSUER`` is set)."""
    _oidc_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: logs in the existing account named by the username claim."""
    _oidc_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    response = OIDCAuthenticationCallbackView.as_view()(request)
    if isinstance(response, HttpResponseRedirect) and not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?oidc=failed")
    return response
