"""The SM3 hash chain: intact after real use, broken (and named) after tampering; rows are append-only."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from govit.audit.dbguard import guard_install, guard_remove
from govit.audit.hashing import sm3_hex
from govit.audit.models import AppendOnlyError, AuditEvent
from govit.audit.selectors import audit_chain_verify
from govit.audit.services import audit_record


def test_sm3_matches_the_standard_vector():
    # GB/T 32905-2016 Appendix A, example 1: SM3("abc").
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _drop_append_only_triggers():
    """What an attacker with DDL rights would do first."""
    guard_remove(connection)


@pytest.fixture
def chain(world, make_project):
    make_project()
    make_project(name="第二个项目")
    return list(AuditEvent.objects.order_by("seq"))


def test_chain_is_intact_after_normal_use(chain):
    result = audit_chain_verify()
    assert result.ok and result.checked == len(chain) >= 10
    call_command("audit_verify")


def test_altering_one_row_in_the_database_is_detected_and_named(chain):
    victim = chain[4]
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["project.harmless", victim.seq]
        )
    result = audit_chain_verify()
    assert not result.ok and result.first_broken_seq == victim.seq
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


def test_deleting_a_row_is_detected(chain):
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [chain[2].seq])
    result = audit_chain_verify()
    assert not result.ok and result.first_broken_seq == chain[2].seq


def test_deleting_the_last_row_is_detected(chain):
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [chain[-1].seq])
    assert not audit_chain_verify().ok


def test_the_orm_refuses_to_change_or_delete_audit_rows(chain):
    event = chain[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=event.seq).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes(chain):
    guard_install(connection)  # as the migration leaves it (transactional tests elsewhere lift it to flush)
    for statement in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert audit_chain_verify().ok


def test_events_carry_request_id_and_client_ip(world, login, make_project):
    project = make_project()
    client = login(world["users"]["outsider"])
    client.get(f"/projects/{project.pk}/", HTTP_X_REQUEST_ID="req-123", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "project.view_denied"
    assert (event.request_id, event.client_ip, event.actor) == (
        "req-123",
        "10.1.2.3",
        world["users"]["outsider"],
    )


def test_login_logout_and_failed_login_are_audited(world, client):
    from conftest import PASSWORD

    client.post("/login/", {"username": "edu_clerk", "password": "wrong-password"})
    client.post("/login/", {"username": "edu_clerk", "password": PASSWORD})
    client.post("/logout/")
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", "outcome")[:3])
    assert actions == [
        ("auth.logout", "success"),
        ("auth.login", "success"),
        ("auth.login_failed", "failure"),
    ]


def test_the_admin_cannot_edit_or_delete_audit_rows(world, admin_client):
    event = audit_record(actor=None, action="test.event")
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "forged"})
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
