"""Retention and purge (等保 8.1.4.3 c, 网络安全法 logs ≥ six months): events older than
GOVIT_AUDIT_RETENTION_DAYS go, through a purge checkpoint that keeps the chain verifiable; nothing else can
delete an audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from govit.audit.checks import audit_settings_check
from govit.audit.dbguard import guard_install, guard_remove
from govit.audit.models import AuditCheckpoint, AuditEvent
from govit.audit.selectors import audit_chain_verify
from govit.audit.services import audit_record
from govit.core import clock

TODAY = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))


def _event_at(days_ago: int, action: str) -> AuditEvent:
    with clock.frozen_at(TODAY - dt.timedelta(days=days_ago)):
        return audit_record(actor=None, action=action)


@pytest.fixture
def aged_log(db):
    """Events 300, 201, 200 and 199 days old, then two from today; the database guard as migrated."""
    guard_install(connection)
    return [
        _event_at(300, "old.300"),
        _event_at(201, "old.201"),
        _event_at(200, "old.200"),
        _event_at(199, "old.199"),
        _event_at(0, "today.1"),
        _event_at(0, "today.2"),
    ]


def _purge(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    with clock.frozen_at(TODAY):
        call_command("audit_purge", *args, stdout=out)
    return out.getvalue()


def _kept() -> list[str]:
    return list(
        AuditEvent.objects.exclude(action="audit.purge").order_by("seq").values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("retention", "kept"),
    [
        (199, ["old.199", "today.1", "today.2"]),
        (200, ["old.200", "old.199", "today.1", "today.2"]),
        (201, ["old.201", "old.200", "old.199", "today.1", "today.2"]),
    ],
)
def test_the_retention_setting_decides_what_is_purged(aged_log, settings, retention, kept):
    settings.GOVIT_AUDIT_RETENTION_DAYS = retention
    _purge()
    assert _kept() == kept  # an event exactly `retention` days old is kept
    assert audit_chain_verify().ok
    call_command("audit_verify")


def test_the_purge_writes_a_checkpoint_first_and_is_itself_audited(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    output = _purge()
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.kind, checkpoint.through_seq, checkpoint.event_count) == ("purge", aged_log[1].seq, 2)
    assert checkpoint.through_hash == aged_log[1].hash  # the last deleted event's digest
    assert (checkpoint.first_at, checkpoint.last_at) == (aged_log[0].created_at, aged_log[1].created_at)
    event = AuditEvent.objects.get(action="audit.purge")
    assert event.after["event_count"] == 2 and event.after["retention_days"] == 200
    assert "已清理 2 个审计事件" in output and f"清理检查点 #{checkpoint.seq}" in output


def test_a_dry_run_changes_nothing(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    output = _purge("--dry-run")
    assert "试运行：将清理 2 个审计事件" in output
    assert AuditEvent.objects.count() == len(aged_log) and not AuditCheckpoint.objects.exists()


def test_nothing_to_purge_is_said_and_writes_nothing(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 400
    assert "没有早于" in _purge()
    assert AuditEvent.objects.count() == len(aged_log) and not AuditCheckpoint.objects.exists()


def test_tampering_with_a_kept_event_is_still_detected_after_a_purge(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    _purge()
    victim = aged_log[3]
    guard_remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE seq = %s", [victim.seq])
    result = audit_chain_verify()
    assert not result.ok and result.first_broken_seq == victim.seq
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


def test_deleting_the_first_kept_event_after_a_purge_is_detected(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    _purge()
    guard_remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [aged_log[2].seq])
    result = audit_chain_verify()
    assert not result.ok and result.first_broken_seq == aged_log[2].seq


def test_a_second_purge_continues_the_chain(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    _purge()
    with clock.frozen_at(TODAY + dt.timedelta(days=2)):
        call_command("audit_purge")
    assert _kept() == ["today.1", "today.2"]
    assert list(AuditCheckpoint.objects.order_by("seq").values_list("event_count", flat=True)) == [2, 2]
    assert audit_chain_verify().ok


def test_the_database_lets_only_the_purge_delete_events(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    _purge()
    checkpoint = AuditCheckpoint.objects.get()
    for statement in (
        f"DELETE FROM audit_auditevent WHERE seq = {aged_log[2].seq}",  # within the retention
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditcheckpoint",
        f"UPDATE audit_auditcheckpoint SET through_seq = {aged_log[-1].seq}",  # to widen what may be deleted
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert _kept() == ["old.200", "old.199", "today.1", "today.2"]
    assert AuditCheckpoint.objects.get().through_seq == checkpoint.through_seq
    assert audit_chain_verify().ok


def test_a_broken_chain_is_not_purged(aged_log, settings):
    settings.GOVIT_AUDIT_RETENTION_DAYS = 200
    guard_remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE seq = %s", [aged_log[0].seq])
    with pytest.raises(CommandError, match="不能清理"):
        _purge()
    assert AuditEvent.objects.count() == len(aged_log) and not AuditCheckpoint.objects.exists()


@pytest.mark.parametrize(("days", "refused"), [(189, True), (190, False), (191, False), ("200", True)])
def test_the_system_check_refuses_a_retention_under_190_days(settings, days, refused):
    settings.GOVIT_AUDIT_RETENTION_DAYS = days
    errors = [e for e in audit_settings_check() if e.id == "govit.audit.E001"]
    assert bool(errors) is refused
