"""登录连接超时 (等保 8.1.4.1 b) and 剩余信息保护 (8.1.4.10 a): sessions end after 30 minutes idle or 8 hours,
and an ended session is deleted on the server."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govit.accounts.middleware import SESSION_SEEN_AT
from govit.accounts.tests.conftest import form_login, shift_session
from govit.audit.models import AuditEvent

MINUTE = 60
HOUR = 60 * MINUTE


def session_writes(queries: list[dict]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")
    ]


@pytest.mark.parametrize(
    ("idle", "alive"), [(29 * MINUTE + 59, True), (30 * MINUTE, True), (30 * MINUTE + 1, False)]
)
def test_thirty_minutes_idle_end_the_session(client, world, still_clock, idle, alive):
    form_login(client, "edu_clerk")
    key = client.session.session_key
    shift_session(client, seen_ago=idle)
    response = client.get("/projects/")
    assert (response.status_code == 200) is alive
    assert Session.objects.filter(session_key=key).exists() is alive
    if not alive:
        assert response["Location"].startswith("/login/?expired=idle")
        assert "30 分钟无操作" in client.get(response["Location"]).content.decode()
        assert AuditEvent.objects.filter(action="auth.session_expired", actor_name="edu_clerk").exists()


@pytest.mark.parametrize(
    ("since_login", "alive"), [(8 * HOUR - 1, True), (8 * HOUR, True), (8 * HOUR + 1, False)]
)
def test_eight_hours_after_login_the_session_ends_however_busy(
    client, world, still_clock, since_login, alive
):
    form_login(client, "edu_clerk")
    shift_session(client, login_ago=since_login, seen_ago=10)
    response = client.get("/projects/")
    assert (response.status_code == 200) is alive
    if not alive:
        assert response["Location"].startswith("/login/?expired=absolute")
        assert SESSION_KEY not in client.session


def test_an_expired_api_call_gets_401_not_a_login_page(client, world):
    form_login(client, "edu_clerk")
    shift_session(client, seen_ago=31 * MINUTE)
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert "会话已超时" in response.json()["detail"]


def test_logout_deletes_the_server_side_session(client, world):
    form_login(client, "edu_clerk")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/projects/").status_code == 302


def test_logout_by_get_is_refused(client, world):
    form_login(client, "edu_clerk")
    assert client.get("/logout/").status_code == 405
    assert SESSION_KEY in client.session


def test_reads_within_a_minute_do_not_write_the_session(client, world):
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    form_login(client, "edu_clerk")
    client.get("/projects/")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/projects/").status_code == 200
    assert session_writes(queries.captured_queries) == []


@pytest.mark.parametrize(("since_seen", "writes"), [(59, False), (60, True)])
def test_activity_is_recorded_at_most_once_a_minute(client, world, still_clock, since_seen, writes):
    form_login(client, "edu_clerk")
    shift_session(client, seen_ago=since_seen)
    before = client.session[SESSION_SEEN_AT]
    with CaptureQueriesContext(connection) as queries:
        client.get("/projects/")
    assert bool(session_writes(queries.captured_queries)) is writes
    assert (client.session[SESSION_SEEN_AT] > before) is writes


def test_activity_keeps_a_session_alive_past_thirty_minutes(client, world):
    form_login(client, "edu_clerk")
    shift_session(client, login_ago=25 * MINUTE, seen_ago=25 * MINUTE)
    assert client.get("/projects/").status_code == 200  # records the activity
    shift_session(client, login_ago=50 * MINUTE, seen_ago=25 * MINUTE)
    assert client.get("/projects/").status_code == 200
