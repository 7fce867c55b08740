"""登录失败处理 (等保 8.1.4.1 b): 5 failures lock the account and the source address for 10 minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY

from govit.accounts.tests.conftest import form_login
from govit.audit.models import AuditEvent

WRONG = "Wrong@2026pass"


def fail(client, username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = form_login(client, username, WRONG, ip=ip)
        assert SESSION_KEY not in client.session
        assert response.status_code in (200, 429)


def age_attempts(minutes: float) -> None:
    """Move every recorded failure ``minutes`` into the past (the lockout clock of django-axes)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_it_lets_the_user_in_after_four_failures_and_clears_the_count(client, world):
    fail(client, "edu_clerk", 4)
    response = form_login(client, "edu_clerk")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world["users"]["clerk"].pk)
    assert not AccessAttempt.objects.filter(username="edu_clerk").exists()
    actions = list(AuditEvent.objects.filter(actor_name="edu_clerk").values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 4
    assert "auth.login" in actions


def test_the_fifth_failure_locks_even_the_right_password_out(client, world):
    fail(client, "edu_clerk", 5)
    response = form_login(client, "edu_clerk")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    text = response.content.decode()
    assert "登录已暂时锁定" in text and "10 分钟" in text
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_name="edu_clerk").exists()
    failed = AuditEvent.objects.filter(action="auth.login_failed", actor_name="edu_clerk")
    assert failed.count() == 6  # five wrong passwords and the refused right one
    assert failed.first().outcome == "failure"


def test_a_locked_account_stays_locked_from_another_address(client, world):
    for number in range(5):
        fail(client, "edu_clerk", 1, ip=f"10.0.1.{number}")
    assert form_login(client, "edu_clerk", ip="10.9.9.9").status_code == 429
    assert form_login(client, "edu_head", ip="10.9.9.9").status_code == 302


def test_an_address_guessing_several_accounts_is_locked(client, world):
    for username in ("edu_clerk", "edu_head", "health_clerk", "sc_expert", "zg_clerk"):
        fail(client, username, 1, ip="10.0.2.2")
    assert form_login(client, "la_supervisor", ip="10.0.2.2").status_code == 429
    assert form_login(client, "la_supervisor", ip="10.0.2.3").status_code == 302


@pytest.mark.parametrize(("minutes", "locked"), [(9 + 59 / 60, True), (10 + 1 / 60, False)])
def test_the_lock_lasts_ten_minutes(client, world, minutes, locked):
    fail(client, "edu_clerk", 5)
    age_attempts(minutes)
    response = form_login(client, "edu_clerk")
    assert (response.status_code == 429) is locked
    assert (SESSION_KEY in client.session) is not locked


def test_an_unknown_username_is_recorded_as_typed(client, world):
    fail(client, "nobody_here", 1)
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_name == "nobody_here"
    assert event.target_id == ""
    assert event.client_ip == "10.0.0.1"


def test_logout_is_recorded(client, world):
    form_login(client, "edu_clerk")
    client.post("/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor_name="edu_clerk").exists()
