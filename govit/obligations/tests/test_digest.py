"""A backlog of reminders does not bury people (issue 7, reminders): up to ``DIGEST_AFTER`` reminders of one
kind for one person in one scan arrive one by one; one more and they arrive as one summary message that
points to the 期限事项 page — in the message centre and by e-mail. Every obligation still gets its own
reminder record, so nothing is sent twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from govit.accounts.models import Notification
from govit.core import clock
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation, Reminder
from govit.obligations.services import DIGEST_AFTER, obligations_scan

TODAY = dt.date(2026, 11, 23)


def _due_soon(project: Any, count: int) -> None:
    due = TODAY + dt.timedelta(days=2)
    Obligation.objects.bulk_create(
        Obligation(
            project=project,
            jurisdiction=project.jurisdiction,
            organisation=project.lead_unit,
            role="PROJECT_UNIT",
            rule_id=f"DL-T{n}",
            name=f"第{n}项报送",
            cite="第二十条",
            due_on=due,
            remind_on=TODAY,
            state=ObligationState.UPCOMING,
            next_check_on=TODAY,
        )
        for n in range(count)
    )


@pytest.mark.parametrize(
    ("count", "messages_each"),
    [(DIGEST_AFTER - 1, DIGEST_AFTER - 1), (DIGEST_AFTER, DIGEST_AFTER), (DIGEST_AFTER + 1, 1)],
)
def test_many_reminders_of_a_kind_come_as_one_summary(
    world: dict[str, Any],
    make_project: Any,
    django_capture_on_commit_callbacks: Any,
    count: int,
    messages_each: int,
) -> None:
    clerk = world["users"]["clerk"]
    clerk.email = "clerk@sc.example"
    clerk.save(update_fields=["email"])
    project = make_project()
    _due_soon(project, count)
    with clock.frozen_on(TODAY, dt.time(9, 0)), django_capture_on_commit_callbacks(execute=True):
        result = obligations_scan()
    assert result.due_soon == count
    assert Reminder.objects.filter(obligation__rule_id__startswith="DL-T").count() == count
    notes = list(Notification.objects.filter(recipient=clerk, text__startswith="【即将到期提醒】"))
    assert len(notes) == messages_each
    to_clerk = [m for m in mail.outbox if "clerk@sc.example" in m.to and "【即将到期提醒】" in m.subject]
    assert len(to_clerk) == messages_each
    if messages_each == 1:
        assert f"共 {count} 项期限事项" in notes[0].text
        assert notes[0].url == "/obligations/?state=due_soon"
        assert f"共 {count} 项期限事项" in to_clerk[0].subject
        assert all(f"第{n}项报送" in to_clerk[0].body for n in range(count))
    else:
        assert {n.url for n in notes} == {f"/projects/{project.pk}/obligations/"}
    # a second scan the same day sends nothing, summarised or not
    mail.outbox.clear()
    with clock.frozen_on(TODAY, dt.time(10, 0)), django_capture_on_commit_callbacks(execute=True):
        again = obligations_scan()
    assert again.due_soon == 0
    assert Reminder.objects.filter(obligation__rule_id__startswith="DL-T").count() == count
    assert not [m for m in mail.outbox if "【即将到期提醒】" in m.subject]
    assert (
        Notification.objects.filter(recipient=clerk, text__startswith="【即将到期提醒】").count()
        == messages_each
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="two scans at once need PostgreSQL (SQLite serialises every writer on the file)",
)
def test_two_workers_scanning_at_once_send_each_reminder_once(
    world: dict[str, Any], make_project: Any
) -> None:
    """Two workers start the daily scan at the same instant: one waits for the other (advisory lock), so
    every obligation gets one reminder, neither scan fails, and the one that waited reports nothing done
    (without the lock both would claim the 2,000 reminders)."""
    from conftest import race
    from govit.audit.dbguard import guard_remove

    project = make_project()
    _due_soon(project, 2000)  # enough that the two scans overlap
    try:
        with clock.frozen_on(TODAY, dt.time(9, 0)):
            results = race(obligations_scan, obligations_scan)
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(r.due_soon for r in results) == [0, 2000]
        assert Reminder.objects.filter(obligation__rule_id__startswith="DL-T").count() == 2000
    finally:
        from django.db import connection

        guard_remove(connection)
