"""The background worker for real: `govit worker --once` enqueues the scan on the database queue
(django-tasks-db) and runs it; the reminder reaches the message centre and the mail outbox. And the backend is
a setting: another one (here the immediate backend) takes the same task."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from govit.accounts.models import Notification
from govit.core import clock
from govit.obligations.models import Obligation
from govit.obligations.tasks import obligations_scan_task


def at(day: dt.date):
    return clock.frozen_on(day, dt.time(9, 0))


def returned(make_returned, due: dt.date):
    with at(dt.date(2026, 11, 2)):
        return make_returned(due)


@pytest.fixture
def committed(transactional_db):
    """Real commits (the worker runs tasks in its own transactions); the tables are emptied afterwards,
    for which the audit table's append-only guard is lifted (as in the browser tests)."""
    yield
    from django.db import connection

    from govit.audit.dbguard import guard_remove

    guard_remove(connection)


def test_the_worker_runs_the_scan_from_the_database_queue(committed, world, make_returned, settings):
    from django_tasks_db.models import DBTaskResult

    from govit.obligations.tests.test_webhooks import SECRET, Receiver
    from govit.obligations.webhooks import signature, webhook_register

    settings.GOVIT_WEBHOOK_TIMEOUT = 2
    robot = Receiver([200])
    webhook_register(
        actor=world["users"]["head"], organisation=world["orgs"]["education"], url=robot.url, secret=SECRET
    )
    clerk = world["users"]["clerk"]
    clerk.email = "edu_clerk@example.gov.cn"
    clerk.save(update_fields=["email"])
    project = returned(make_returned, dt.date(2026, 11, 13))
    with at(dt.date(2026, 11, 10)):
        call_command("worker", "--once", verbosity=0)
    run = DBTaskResult.objects.get(task_path="govit.obligations.tasks.obligations_scan_task")
    assert run.status == "SUCCESSFUL"
    # the 查重 the project's changes queued ran in the same pass
    assert set(DBTaskResult.objects.exclude(pk=run.pk).values_list("task_path", "status")) == {
        ("govit.similarity.tasks.project_check_task", "SUCCESSFUL")
    }
    assert run.return_value["due_soon"] == 1
    assert Obligation.objects.get(project=project, rule_id="RETURN").state == "due_soon"
    message = Notification.objects.get(recipient=clerk, text__startswith="【")
    assert (
        message.text.startswith("【即将到期提醒】") and message.url == f"/projects/{project.pk}/obligations/"
    )
    assert [m.to for m in mail.outbox] == [["edu_clerk@example.gov.cn"]]
    assert "退回修改后重新提交" in mail.outbox[0].body and "/obligations/" in mail.outbox[0].body
    robot.close()
    [request] = robot.received  # the unit's robot, signed
    headers = request["headers"]
    assert headers["X-GovIT-Signature"] == signature(SECRET, headers["X-GovIT-Timestamp"], request["body"])
    assert run.return_value["delivered"] == 1
    # the header shows it unread; opening it marks it read and leads to the project's obligations
    client = Client()
    client.force_login(clerk)
    unread = Notification.objects.filter(recipient=clerk, read_at__isnull=True).count()  # the return, too
    assert f'aria-label="{unread} 条未读"' in client.get("/").content.decode()
    response = client.get(f"/messages/{message.pk}/")
    assert response.status_code == 302 and response["Location"] == message.url
    assert f'aria-label="{unread - 1} 条未读"' in client.get("/").content.decode()
    with at(dt.date(2026, 11, 10)):
        call_command("worker", "--once", verbosity=0)  # a second run sends nothing twice
    assert Notification.objects.filter(recipient=clerk, text__startswith="【").count() == 1
    assert len(mail.outbox) == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_another_backend_is_a_setting(make_returned):
    project = returned(make_returned, dt.date(2026, 11, 13))
    with at(dt.date(2026, 11, 11)):
        result = obligations_scan_task.enqueue()
    assert result.status == "SUCCESSFUL" and result.return_value["due_soon"] == 1
    assert Obligation.objects.get(project=project, rule_id="RETURN").state == "due_soon"


def test_the_backend_comes_from_the_environment():
    """GOVIT_TASKS_BACKEND selects the backend (e.g. a Celery or RQ backend on several machines)."""
    code = "import django, os; django.setup(); from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govit.settings"}
    default = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert default.stdout.strip() == "django_tasks_db.DatabaseBackend"
    env["GOVIT_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    chosen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "django_tasks.backends.immediate.ImmediateBackend"
