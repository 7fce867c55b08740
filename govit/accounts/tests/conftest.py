"""Helpers for the authentication tests: a login through the real form, TOTP codes, session clocks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp

from conftest import PASSWORD
from govit.accounts import middleware
from govit.accounts.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT


def form_login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> Any:
    """POST the login form as a browser would (no shortcut around django-axes or the second factor)."""
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def code_for(device: Any, steps_ahead: int = 0) -> str:
    """The code the user's authenticator shows now (or ``steps_ahead`` 30-second steps later)."""
    return f"{totp(device.bin_key, t0=-30 * steps_ahead):06d}"


def shift_session(client: Client, *, login_ago: float | None = None, seen_ago: float | None = None) -> None:
    """Move the session's clocks into the past, as if the login or the last activity were that long ago
    (measured from the middleware's clock, which ``still_clock`` stops)."""
    session = client.session
    moment = middleware.now()
    if login_ago is not None:
        session[SESSION_LOGIN_AT] = moment - login_ago
    if seen_ago is not None:
        session[SESSION_SEEN_AT] = moment - seen_ago
    session.save()


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> float:
    """The session middleware's clock stands still, so boundaries are met to the second."""
    import time

    moment = time.time()
    monkeypatch.setattr(middleware, "now", lambda: moment)
    return moment


@pytest.fixture
def people(world: dict[str, Any]) -> dict[str, Any]:
    """The world's personas plus the 三员 and a 分管领导, each with only that role."""
    from govit.accounts.choices import Role
    from govit.accounts.services import role_assign, user_create

    users = dict(world["users"])
    bureau = world["orgs"]["bureau"]
    for key, role in (
        ("sysadmin", Role.SYSTEM_ADMIN),
        ("secadmin", Role.SECURITY_ADMIN),
        ("auditadmin", Role.AUDIT_ADMIN),
        ("leader", Role.LEADER),
    ):
        user = user_create(actor=None, username=key, password=PASSWORD, display_name=key)
        role_assign(actor=None, user=user, organisation=bureau, role=role)
        users[key] = user
    return users
