"""双因素认证 — the TOTP second factor (django-otp) for administrators, reviewers and experts.

The session remembers, from the moment of login, whether the second factor is required and which device
verified it; a request of an unverified session of such a user reaches only the verify, enrol and logout
pages (see ``govit.accounts.middleware``)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django_otp.plugins.otp_totp.models import TOTPDevice

from govit.accounts.choices import Role
from govit.accounts.models import RoleAssignment

# Roles whose holders must present a second factor after the password.
MFA_ROLES = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
        Role.REVIEWER,
        Role.CO_REVIEWER,
        Role.EXPERT,
    }
)

SESSION_MFA_REQUIRED = "govit_mfa_required"
SESSION_OTP_DEVICE = "govit_otp_device"
DEVICE_NAME = "身份验证器"


def mfa_required(user: Any) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return RoleAssignment.objects.filter(user_id=user.pk, role__in=MFA_ROLES).exists()


def totp_device_confirmed(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def totp_device_pending(user: Any) -> TOTPDevice:
    """The unconfirmed device an enrolment shows (created on first visit, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in by hand."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def session_mfa_pending(session: SessionBase) -> bool:
    return bool(session.get(SESSION_MFA_REQUIRED)) and not session.get(SESSION_OTP_DEVICE)


def session_mark_verified(session: SessionBase, device: TOTPDevice) -> None:
    session[SESSION_OTP_DEVICE] = device.persistent_id


def session_verify_directly(session: SessionBase, user: Any) -> None:
    """Mark a logged-in session as past the second factor without a code — for a session a test or a benchmark
    opened with ``force_login`` standing for a completed login. Binds a confirmed device when the user has none,
    as enrolment would. Not reachable from any page."""
    if not session.get(SESSION_MFA_REQUIRED):
        return
    device = totp_device_confirmed(user)
    if device is None:
        device = totp_device_pending(user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    session_mark_verified(session, device)
    session.save()


def totp_device_fixed(user: Any, secret_base32: str) -> TOTPDevice:
    """A confirmed device with a known secret (demo accounts only; see README, 演示账号的动态口令)."""
    key = base64.b32decode(secret_base32).hex()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": key, "confirmed": True}
    )
    return device
