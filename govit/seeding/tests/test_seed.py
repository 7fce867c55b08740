"""The province seeder on the demo world: every state present and consistent with what the services would
have written, the audit chain intact, the pages of a seeded bureau user working, the same seed giving the
same portfolio, and wrong arguments refused in Chinese with nothing written."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.test import Client

from govit.acceptance.choices import ApplicationStatus
from govit.acceptance.models import AcceptanceApplication
from govit.accounts.models import User
from govit.audit.models import AuditEvent
from govit.audit.selectors import audit_chain_verify
from govit.delivery.models import Contract, Payment
from govit.documents.models import Attachment
from govit.obligations.choices import ACTIVE_STATES
from govit.obligations.models import Obligation
from govit.portal.demo import demo_load
from govit.projects.choices import Status
from govit.projects.models import Project, ProjectTransition
from govit.seeding.services import province_seed, seed_options_parse
from govit.workflow.models import ProjectApproval, StageDecision
from govit.workflow.selectors import APPROVED_ONWARDS

N = 300


@pytest.fixture
def seeded(db: Any) -> dict[str, Any]:
    demo_load(projects=False)
    out = io.StringIO()
    call_command("seed", projects=str(N), seed="7", years="2017-2026", quiet=True, stdout=out)
    return {"summary": out.getvalue()}


def _portfolio() -> list[tuple[Any, ...]]:
    return list(
        Project.objects.order_by("id").values_list(
            "name", "year", "jurisdiction__code", "lead_unit__name", "status", "total_yuan", "current_stage"
        )
    )


def test_every_status_and_what_it_implies(seeded: dict[str, Any]) -> None:
    assert f"已生成 {N} 个项目" in seeded["summary"]
    projects = list(Project.objects.all())
    assert len(projects) == N
    statuses = Counter(p.status for p in projects)
    assert set(statuses) == set(Status.values), statuses
    # older plan years mostly in operation, the last one mostly declared or under review
    last = [p.status for p in projects if p.year == 2026]
    old = [p.status for p in projects if p.year <= 2020]
    assert (
        sum(s in {Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED, Status.DRAFT} for s in last)
        > len(last) / 2
    )
    assert sum(s in {Status.IN_OPERATION, Status.ACCEPTED, Status.RETIRED} for s in old) > len(old) / 2
    assert all(50_000 <= p.total_yuan <= 50_000_000 for p in projects)
    assert len({p.name for p in projects}) > N * 0.95  # names are varied
    assert all(p.pack_code == p.jurisdiction.pack_code and p.pack_version for p in projects)
    assert all(p.computed_total() == p.total_yuan == p.funding_total() for p in projects)

    # the history of every project ends in its status and starts with its creation
    for project in projects:
        path = list(project.transitions.order_by("created_at", "id").values_list("from_status", "to_status"))
        assert path[0] == ("", Status.DRAFT)
        assert path[-1][1] == project.status
        assert all(a[1] == b[0] for a, b in itertools.pairwise(path))

    # 立项: every approved-or-later project has one approval, numbers unique
    approvals = ProjectApproval.objects.filter(project__status__in=APPROVED_ONWARDS)
    assert approvals.count() == sum(statuses[s] for s in APPROVED_ONWARDS)
    numbers = list(ProjectApproval.objects.values_list("approval_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert not ProjectApproval.objects.exclude(project__status__in=APPROVED_ONWARDS).exists()
    assert (
        StageDecision.objects.filter(outcome="revise", project__status=Status.RETURNED).count()
        >= statuses[Status.RETURNED]
    )

    # contracts for built projects; payments never exceed the contract, nor the contract the approval
    for status in (Status.IN_CONSTRUCTION, Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED):
        assert not Project.objects.filter(status=status, contracts__isnull=True).exists()
    for contract in Contract.objects.select_related("project__approval"):
        paid = Payment.objects.filter(contract=contract).aggregate(s=Sum("amount_yuan"))["s"] or 0
        assert paid <= contract.amount_yuan
        assert contract.amount_yuan <= contract.project.approval.approved_budget_yuan
        assert all(p.paid_on >= contract.signed_on for p in contract.payments.all())

    # accepted projects have their acceptance; nothing else has one
    for status in (Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED):
        for project in Project.objects.filter(status=status):
            assert AcceptanceApplication.objects.filter(
                project=project, status=ApplicationStatus.PASSED
            ).exists(), project
    assert not AcceptanceApplication.objects.exclude(
        project__status__in=[Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED]
    ).exists()

    # materials point at one real stored file; open projects have obligations in believable states
    attachment = Attachment.objects.first()
    assert attachment is not None and attachment.file.storage.exists(attachment.file.name)
    assert not Attachment.objects.filter(project__status=Status.DRAFT).exists()
    assert Obligation.objects.filter(state__in=list(ACTIVE_STATES)).exists()
    assert not Obligation.objects.filter(
        project__status__in=[Status.DRAFT, Status.NOT_SUPPORTED, Status.TERMINATED, Status.RETIRED]
    ).exists()

    # one audit event per transition, and the chain verifies
    assert AuditEvent.objects.filter(target_type="projects.Project", request_id="seed-7").count() == (
        ProjectTransition.objects.count()
    )
    result = audit_chain_verify()
    assert result.ok, result
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue()


def test_seeded_bureau_user_pages(seeded: dict[str, Any]) -> None:
    client = Client()
    reviewer = User.objects.get(username="sc_reviewer")
    client.force_login(reviewer)
    seeded_names = set(Project.objects.filter(jurisdiction__code="341523").values_list("name", flat=True))
    response = client.get("/projects/")
    assert response.status_code == 200
    assert any(name in response.content.decode() for name in seeded_names)
    for status in (Status.IN_REVIEW, Status.IN_CONSTRUCTION, Status.IN_OPERATION, Status.RETURNED):
        project = Project.objects.filter(jurisdiction__code="341523", status=status).first()
        if project is None:
            continue
        page = client.get(f"/projects/{project.pk}/")
        assert page.status_code == 200, status
        assert project.name in page.content.decode()
    overview = client.get("/obligations/?state=all")
    assert overview.status_code == 200
    shown = Obligation.objects.filter(jurisdiction__code="341523").first()
    assert shown is not None and shown.name in overview.content.decode()
    # an outsider's unit does not see another county's seeded project
    outsider = Client()
    outsider.force_login(User.objects.get(username="zg_clerk"))
    foreign = Project.objects.filter(jurisdiction__code="341523").first()
    assert foreign is not None
    assert outsider.get(f"/projects/{foreign.pk}/").status_code == 404


def test_same_seed_same_portfolio(db: Any) -> None:
    demo_load(projects=False)
    options = seed_options_parse(projects="60", seed="11", years="2020-2026")

    def run(opts: Any) -> list[tuple[Any, ...]]:
        with transaction.atomic():
            province_seed(options=opts)
            snapshot = _portfolio()
            transaction.set_rollback(True)
        return snapshot

    first = run(options)
    assert len(first) == 60
    assert run(options) == first
    other = run(seed_options_parse(projects="60", seed="12", years="2020-2026"))
    assert other != first


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"projects": "-5"}, "--projects 须为正整数"),
        ({"projects": "abc"}, "--projects 须为正整数"),
        ({"projects": "10", "years": "2026-2017"}, "起始年 2026 晚于结束年 2017"),
        ({"projects": "10", "years": "2017"}, "--years 须写成"),
        ({"projects": "10", "seed": "x"}, "--seed 须为整数"),
    ],
)
def test_bad_arguments_refused_in_chinese(db: Any, kwargs: dict[str, str], message: str) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("seed", quiet=True, **kwargs)
    assert message in str(refused.value)
    assert Project.objects.count() == 0
    assert AuditEvent.objects.count() == events
