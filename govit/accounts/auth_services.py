"""身份鉴别 — changes made by logging in and out, each recorded in the audit chain (``auth.*`` events)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from govit.accounts.models import User
from govit.audit.choices import Outcome
from govit.audit.services import audit_record


def _known_user(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def locked_out_record(*, username: str) -> None:
    user = _known_user(username)
    audit_record(
        actor=None,
        actor_name=username,
        action="auth.locked_out",
        target=user,
        after={"username": username[:150]},
        outcome=Outcome.DENIED,
    )


def session_expired(*, user: Any, reason: str) -> None:
    """A session ended by the idle or absolute limit (its server-side row is already deleted)."""
    if user is not None and getattr(user, "pk", None):
        audit_record(actor=user, action="auth.session_expired", target=user, after={"reason": reason})


def otp_failed_record(*, user: User) -> None:
    audit_record(actor=user, action="auth.otp_failed", target=user, outcome=Outcome.FAILURE)


def otp_verified_record(*, user: User, device: TOTPDevice) -> None:
    audit_record(actor=user, action="auth.otp_verified", target=user, after={"device_id": device.pk})


def otp_device_confirm(*, user: User, device: TOTPDevice) -> TOTPDevice:
    """Enrolment done: the device the user proved to hold becomes their only confirmed TOTP device."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="auth.otp_enrolled", target=user, after={"device_id": device.pk})
    return device


def user_password_change(*, actor: User, user: User, password: str) -> User:
    """The user's own change (validated by the form against every password rule)."""
    return _password_set(actor, user, password, must_change=False, action="auth.password_changed")


def user_password_reset(*, actor: Any | None, user: User, password: str) -> User:
    """An administrator sets a new password; the user must change it at the next login."""
    return _password_set(actor, user, password, must_change=True, action="accounts.password_reset")


def _password_set(actor: Any | None, user: User, password: str, *, must_change: bool, action: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.password_must_change = must_change
        user.save()
        audit_record(actor=actor, action=action, target=user)
    return user
