"""Daily checkpoints, signed with SM2 when a key is configured (等保 8.1.4.3 c: 周期性签名检查点)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from govit.audit.dbguard import guard_remove
from govit.audit.hashing import event_digest, sm3_hex
from govit.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from govit.audit.selectors import audit_chain_verify
from govit.audit.services import audit_record, checkpoint_signed_bytes, event_content
from govit.audit.signing import public_key_derive, sm2_sign, sm2_verify

# Test keys only; a deployment generates its own and keeps the private key outside the database.
PRIVATE_KEY = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
OTHER_KEY = "128b2fa8bd433c6c068c8d803dff79792a519a55171b1b650c23661d15897263"


@pytest.fixture
def log(db):
    return [audit_record(actor=None, action=f"test.{n}") for n in range(5)]


@pytest.fixture
def signing(settings):
    settings.GOVIT_AUDIT_SM2_PRIVATE_KEY = PRIVATE_KEY
    settings.GOVIT_AUDIT_SM2_PUBLIC_KEY = ""
    return settings


def _checkpoint() -> tuple[AuditCheckpoint, str]:
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    return AuditCheckpoint.objects.order_by("-seq").first(), out.getvalue()


def _rewrite_checkpoint(checkpoint: AuditCheckpoint, **changes: object) -> None:
    """An attacker with database rights edits a checkpoint and recomputes its SM3 digest (but has no key)."""
    for field, value in changes.items():
        setattr(checkpoint, field, value)
    digest = sm3_hex(checkpoint_signed_bytes(checkpoint))
    guard_remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditcheckpoint SET event_count = %s, through_seq = %s, hash = %s, signature = %s "
            "WHERE seq = %s",
            [checkpoint.event_count, checkpoint.through_seq, digest, checkpoint.signature, checkpoint.seq],
        )


def test_the_sm2_signature_of_a_checkpoint_verifies(log, signing):
    checkpoint, output = _checkpoint()
    assert (checkpoint.kind, checkpoint.through_seq, checkpoint.event_count) == ("daily", log[-1].seq, 5)
    assert checkpoint.through_hash == log[-1].hash
    assert sm2_verify(
        checkpoint_signed_bytes(checkpoint), checkpoint.signature, public_key=public_key_derive(PRIVATE_KEY)
    )
    assert "已用 SM2 签名" in output
    result = audit_chain_verify()
    assert result.ok and (result.checkpoints, result.signatures) == (1, 1)
    assert AuditEvent.objects.filter(action="audit.checkpoint", target_id=str(checkpoint.pk)).exists()


def test_a_checkpoint_without_a_key_is_chained_but_unsigned(log, settings):
    settings.GOVIT_AUDIT_SM2_PRIVATE_KEY = ""
    checkpoint, output = _checkpoint()
    assert checkpoint.signature == "" and "未签名" in output
    assert audit_chain_verify().ok


def test_an_altered_checkpoint_fails_its_signature(log, signing):
    checkpoint, _ = _checkpoint()
    _rewrite_checkpoint(checkpoint, event_count=4)
    result = audit_chain_verify()
    assert not result.ok and result.broken_checkpoint_seq == checkpoint.seq
    assert "SM2 签名验证失败" in result.problem


def test_an_altered_checkpoint_without_a_new_digest_fails_its_digest(log, signing):
    checkpoint, _ = _checkpoint()
    guard_remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditcheckpoint SET event_count = 4 WHERE seq = %s", [checkpoint.seq])
    result = audit_chain_verify()
    assert not result.ok and "检查点内容与摘要不符" in result.problem


def test_a_signature_made_with_another_key_fails(log, signing):
    _checkpoint()
    signing.GOVIT_AUDIT_SM2_PRIVATE_KEY = ""
    signing.GOVIT_AUDIT_SM2_PUBLIC_KEY = "04" + public_key_derive(OTHER_KEY)
    assert not audit_chain_verify().ok
    signing.GOVIT_AUDIT_SM2_PUBLIC_KEY = "04" + public_key_derive(
        PRIVATE_KEY
    )  # the public key alone verifies
    assert audit_chain_verify().ok


def test_an_unsigned_checkpoint_after_a_signed_one_fails(log, signing):
    _checkpoint()
    audit_record(actor=None, action="test.later")
    second, _ = _checkpoint()
    _rewrite_checkpoint(second, signature="")
    result = audit_chain_verify()
    assert not result.ok and "缺少 SM2 签名" in result.problem


def test_a_rewritten_chain_is_caught_by_the_checkpoint_that_pinned_it(log, settings):
    """Rewriting an event and recomputing every later digest and the head fools the chain alone, not a
    checkpoint taken before."""
    settings.GOVIT_AUDIT_SM2_PRIVATE_KEY = ""
    _checkpoint()
    guard_remove(connection)
    previous = log[1].hash
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(seq__gte=log[2].seq).order_by("seq"):
            if event.seq == log[2].seq:
                event.action = "forged"
            event.prev_hash = previous
            event.hash = event_digest(event_content(event), previous)
            cursor.execute(
                "UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [event.action, event.prev_hash, event.hash, event.seq],
            )
            previous = event.hash
    AuditChainHead.objects.filter(id=1).update(last_hash=previous)
    result = audit_chain_verify()
    assert not result.ok and "检查点" in result.problem


def test_signing_uses_a_fresh_nonce_each_time(db):
    first, second = (sm2_sign(b"checkpoint", private_key=PRIVATE_KEY) for _ in range(2))
    assert first != second
    public = public_key_derive(PRIVATE_KEY)
    assert sm2_verify(b"checkpoint", first, public_key=public) and sm2_verify(
        b"checkpoint", second, public_key=public
    )
    assert not sm2_verify(b"checkpoinT", first, public_key=public)
    assert not sm2_verify(b"checkpoint", "zz" * 64, public_key=public)
