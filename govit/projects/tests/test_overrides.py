"""Soft findings (原则上) may be set aside by the competent bureau with a reason; hard ones (不得/一律) never.
Catalogue: RJ-15 (soft, 000 第十七条 监理), RJ-08 (hard, 000 第十一条(五))."""

from __future__ import annotations

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.projects.policy import project_policy
from govit.projects.services import declaration_submit, finding_override_create, finding_override_revoke

REASON = "该项目由县数管局统一组织实施并委托第三方全程监督，无需另行引入监理。"


def _status(project, rule_id):
    return next(f["status"] for f in project_policy(project)["findings"] if f["id"] == rule_id)


@pytest.fixture
def submitted(world, make_project):
    project = make_project()
    return declaration_submit(actor=world["users"]["clerk"], project=project)


def test_reviewer_overrides_a_soft_finding_and_it_is_audited(world, submitted):
    assert _status(submitted, "RJ-15") == "active"
    override = finding_override_create(
        actor=world["users"]["reviewer"], project=submitted, rule_id="RJ-15", justification=REASON
    )
    assert override.cite.startswith("第十七条")
    assert _status(submitted, "RJ-15") == "overridden"
    event = AuditEvent.objects.filter(action="finding.override").get()
    assert event.after["rule_id"] == "RJ-15" and event.after["justification"] == REASON


def test_a_hard_finding_cannot_be_overridden(world, submitted):
    with pytest.raises(ServiceError, match="刚性规定不得豁免"):
        finding_override_create(
            actor=world["users"]["reviewer"], project=submitted, rule_id="RJ-08", justification=REASON
        )
    assert not submitted.finding_overrides.exists()
    assert _status(submitted, "RJ-08") == "active"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("clerk", PermissionDeniedError),
        ("finance", PermissionDeniedError),
        ("outsider_reviewer", PermissionDeniedError),
    ],
)
def test_only_the_competent_bureau_may_override(world, submitted, who, error):
    with pytest.raises(error):
        finding_override_create(
            actor=world["users"][who], project=submitted, rule_id="RJ-15", justification=REASON
        )
    assert not submitted.finding_overrides.exists()


@pytest.mark.parametrize(
    ("rule_id", "justification", "message"),
    [
        ("RJ-15", "理由太短", "不少于 10 个字"),
        ("RJ-15", "   ", "不少于 10 个字"),
        ("RJ-99", REASON, "没有这条审查意见"),
    ],
)
def test_bad_override_requests_change_nothing(world, submitted, rule_id, justification, message):
    with pytest.raises(ServiceError, match=message):
        finding_override_create(
            actor=world["users"]["reviewer"], project=submitted, rule_id=rule_id, justification=justification
        )
    assert not submitted.finding_overrides.exists()
    assert not AuditEvent.objects.filter(action="finding.override").exists()


def test_revoking_brings_the_finding_back_and_keeps_the_record(world, submitted):
    reviewer = world["users"]["reviewer"]
    override = finding_override_create(
        actor=reviewer, project=submitted, rule_id="RJ-15", justification=REASON
    )
    finding_override_revoke(actor=reviewer, override=override, reason="监理委托未落实")
    assert _status(submitted, "RJ-15") == "active"
    override.refresh_from_db()
    assert override.revoked_by == reviewer and override.revoke_reason == "监理委托未落实"
    assert AuditEvent.objects.filter(action="finding.override_revoke").count() == 1
    # a second override after revocation is allowed and recorded separately
    finding_override_create(actor=reviewer, project=submitted, rule_id="RJ-15", justification=REASON)
    assert submitted.finding_overrides.count() == 2


def test_the_panel_offers_override_only_on_soft_findings_to_the_bureau(world, submitted, login):
    page = login(world["users"]["reviewer"]).get(f"/projects/{submitted.pk}/").content.decode()
    assert f"/projects/{submitted.pk}/findings/RJ-15/override/" in page
    assert f"/projects/{submitted.pk}/findings/RJ-08/override/" not in page
    assert "刚性规定，不得豁免" in page
    clerk_page = login(world["users"]["clerk"]).get(f"/projects/{submitted.pk}/").content.decode()
    assert "/override/" not in clerk_page


def test_override_through_the_page(world, submitted, login):
    client = login(world["users"]["reviewer"])
    response = client.post(f"/projects/{submitted.pk}/findings/RJ-15/override/", {"justification": REASON})
    assert response.status_code == 302
    page = client.get(f"/projects/{submitted.pk}/").content.decode()
    assert "已豁免" in page and REASON in page
    bad = client.post(
        f"/projects/{submitted.pk}/findings/RJ-08/override/", {"justification": REASON}, follow=True
    )
    assert "刚性规定不得豁免" in bad.content.decode()
