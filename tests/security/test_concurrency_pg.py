"""Business-logic locking under real concurrency (ASVS 2.3.3 all-or-nothing, 2.3.4 no double booking; 等保
8.1.4.7 b 数据完整性). Real threads, each with its own PostgreSQL connection, act on committed data at the same
instant (released together by a barrier):

- two reviewers — or one reviewer twice — decide the same review stage at once: 200 trials, exactly one
  decision, one transition, one audit event per trial, and the other a clean refusal in Chinese;
- a declaration submitted twice at once (a double click, two tabs) is submitted once;
- panel experts decline together while fewer backups are left than decliners: exactly as many succeed as there
  are backup seats, the rest are refused, and the panel never has more or fewer seats than drawn; two
  reviewers drawing the same stage at once make one draw.

SQLite serialises every writer on the database file, so the races cannot happen there and the file is
skipped (PostgreSQL runs it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection

from conftest import race
from govit.accounts.choices import Role
from govit.accounts.services import role_assign, user_create
from govit.audit.models import AuditEvent
from govit.core import clock
from govit.core.errors import ConflictError, PermissionDeniedError, ServiceError
from govit.documents.models import Attachment
from govit.experts.choices import ACTIVE_MEMBER_STATUSES, MemberStatus
from govit.experts.models import DrawMember, Expert, ExpertDraw
from govit.experts.services import draw_member_decline, expert_draw
from govit.projects.choices import Status
from govit.projects.models import Project, ProjectTransition
from govit.projects.services import declaration_submit, finding_override_create
from govit.workflow.models import StageDecision
from govit.workflow.selectors import documents_missing, route_state
from govit.workflow.services import stage_decide

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL"
    ),
]

FIRST_STAGE = "ST-000-04"  # 舒城 初审 (compliance_check)
EXPERT_STAGE = "ST-000-05"  # 舒城 集中审查论证 (expert_review)
SUPERVISION = "项目由县数管局统一委托第三方全过程跟踪，不再单独引入监理。"
TRIAL_PROJECTS = 20
REVISE_CYCLES = 9  # per project: 9 退回 races (each followed by a double resubmit), then one 通过 race
# Distinct subjects, so that no two trial projects look alike to 查重 (a similarity finding would stop 初审).
SUBJECTS = [
    "防汛监测预警",
    "农村集体三资监管",
    "殡葬服务管理",
    "明厨亮灶",
    "不动产登记受理",
    "医保基金监管",
    "林长制巡护",
    "河湖长制巡查",
    "公共资源交易",
    "社区网格治理",
    "养老服务补贴",
    "义务教育招生",
    "工程建设审批",
    "市场主体登记",
    "应急物资储备",
    "耕地保护监测",
    "危化品运输监管",
    "城市内涝感知",
    "公交调度指挥",
    "残疾人服务",
    "退役军人服务",
    "住房公积金",
    "气象灾害预警",
    "文物安全巡查",
    "渔政执法监管",
]


BATCH = 20  # projects raced at once: 40 threads, 40 connections (PostgreSQL allows 100 by default)


@pytest.fixture
def robust_trial_projects(world: dict[str, Any], make_project: Any, media_root: Any) -> list[Project]:
    """Submitted 舒城 declarations of 县教育局 waiting at 初审, each with its materials on file and the
    supervision finding set aside, so that 初审 can pass. The materials are recorded as rows pointing at one
    stored file: the upload path is not what these races exercise (test_crash_safety drives it)."""
    clerk, reviewer = world["users"]["clerk"], world["users"]["reviewer"]

    def prepare(index: int) -> Project:
        subject = f"{SUBJECTS[index % len(SUBJECTS)]}{'一二'[index // len(SUBJECTS)]}期"
        project = make_project(
            name=f"县{subject}信息系统",
            summary=f"{subject}业务数字化。",
            content=f"{subject}数据采集与{subject}业务办理。",
        )
        project = declaration_submit(actor=clerk, project=project)
        state = route_state(project)
        assert state.current is not None and state.current.id == FIRST_STAGE
        Attachment.objects.bulk_create(
            Attachment(
                project=project,
                requirement_code=document["code"],
                requirement_name=str(document.get("name", document["code"]))[:200],
                version=1,
                file="projects/shared/material.pdf",
                original_name="material.pdf",
                size=64,
                content_type="application/pdf",
                extension="pdf",
                sm3="0" * 64,
                uploaded_by=clerk,
                uploaded_at=project.submitted_at,
            )
            for document in documents_missing(project, state, state.current)
        )
        finding_override_create(actor=reviewer, project=project, rule_id="RJ-15", justification=SUPERVISION)
        return project

    return [prepare(index) for index in range(TRIAL_PROJECTS)]


def _decide(user: Any, project_id: int, outcome: str) -> Callable[[], Any]:
    def act() -> StageDecision:
        project = Project.objects.get(pk=project_id)
        if outcome == "revise":
            due = clock.today() + dt.timedelta(days=30)
            return stage_decide(
                actor=user,
                project=project,
                stage_id=FIRST_STAGE,
                outcome="revise",
                reason="补充共享清单",
                due_date=due,
            )
        return stage_decide(actor=user, project=project, stage_id=FIRST_STAGE, outcome="pass", reason="同意")

    return act


def _submit(user: Any, project_id: int) -> Callable[[], Any]:
    return lambda: declaration_submit(actor=user, project=Project.objects.get(pk=project_id))


def race_pairs(pairs: Sequence[tuple[Callable[[], Any], Callable[[], Any]]]) -> list[list[Any]]:
    """Race each pair against itself, ``BATCH`` pairs at a time (all threads of a batch start together)."""
    outcomes: list[list[Any]] = []
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start : start + BATCH]
        results = race(*[action for pair in batch for action in pair])
        outcomes.extend(results[2 * i : 2 * i + 2] for i in range(len(batch)))
    return outcomes


def _split(results: list[Any], kind: type) -> tuple[list[Any], list[Any]]:
    done = [r for r in results if isinstance(r, kind)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(done) + len(refused) == len(results), [r for r in results if r not in done + refused]
    return done, refused


def test_200_double_decisions_make_one_transition_and_one_audit_event_each(
    world, robust_trial_projects, second_reviewer
):
    reviewer, clerk = world["users"]["reviewer"], world["users"]["clerk"]
    ids = [p.pk for p in robust_trial_projects]
    transitions = {pid: ProjectTransition.objects.filter(project_id=pid).count() for pid in ids}
    trials = double_submits = 0

    for cycle in range(REVISE_CYCLES + 1):
        outcome = "pass" if cycle == REVISE_CYCLES else "revise"
        audit_before = AuditEvent.objects.filter(action=f"stage.{outcome}").count()
        # Alternate the pair: two reviewers, or the same reviewer's request sent twice.
        pairs = [
            (
                _decide(reviewer, pid, outcome),
                _decide(second_reviewer if (i + cycle) % 2 else reviewer, pid, outcome),
            )
            for i, pid in enumerate(ids)
        ]
        for pid, results in zip(ids, race_pairs(pairs), strict=True):
            decided, refused = _split(results, StageDecision)
            assert len(decided) == 1 and len(refused) == 1, (pid, outcome, results)
            # Whoever loses is told the stage is no longer theirs to decide.
            assert isinstance(refused[0], ConflictError), refused
            assert "已由他人处理" in refused[0].message or "不在审查流程中" in refused[0].message, refused
            transitions[pid] += 1
            trials += 1
        assert AuditEvent.objects.filter(action=f"stage.{outcome}").count() == audit_before + len(ids)
        expected_status = Status.IN_REVIEW if outcome == "pass" else Status.RETURNED
        assert set(Project.objects.filter(pk__in=ids).values_list("status", flat=True)) == {expected_status}
        if outcome == "revise":  # the unit resubmits — with a double click
            submits_before = AuditEvent.objects.filter(action="declaration.submit").count()
            submits = race_pairs([(_submit(clerk, pid), _submit(clerk, pid)) for pid in ids])
            for pid, results in zip(ids, submits, strict=True):
                done, refused = _split(results, Project)
                assert len(done) == 1 and len(refused) == 1, (pid, results)
                assert isinstance(refused[0], PermissionDeniedError) and "不能提交" in refused[0].message
                transitions[pid] += 1
                double_submits += 1
            assert AuditEvent.objects.filter(action="declaration.submit").count() == submits_before + len(ids)
            assert set(Project.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
                Status.SUBMITTED
            }

    assert trials == 200 and double_submits == 180
    for pid in ids:
        rows = list(ProjectTransition.objects.filter(project_id=pid).order_by("id"))
        assert len(rows) == transitions[pid]
        assert StageDecision.objects.filter(project_id=pid).count() == REVISE_CYCLES + 1
        project = Project.objects.get(pk=pid)
        assert project.status == rows[-1].to_status == Status.IN_REVIEW
        assert project.current_stage == EXPERT_STAGE


@pytest.fixture
def robust_expert_pool(world: dict[str, Any]) -> list[Expert]:
    """Twelve 舒城县 experts with accounts, employed outside the project units (no one must recuse)."""
    pool_org = world["orgs"]["experts"]
    experts = []
    for number in range(1, 13):
        user = user_create(
            actor=None,
            username=f"robust_expert_{number:02d}",
            password="Test@2026pass",
            display_name=f"专家{number:02d}",
            organisation=pool_org,
        )
        role_assign(actor=None, user=user, organisation=pool_org, role=Role.EXPERT)
        experts.append(
            Expert.objects.create(
                user=user,
                name=f"专家{number:02d}",
                employer_name="安徽大学",
                jurisdiction=world["jurisdictions"]["shucheng"],
                phone=f"1380000{number:04d}",
            )
        )
    return experts


# (panel seats, backup seats, panel members declining at once): more, as many and fewer claimants than
# backup seats, and none left to claim.
SEAT_TRIALS = [(5, 1, 5), (5, 2, 4), (3, 2, 2), (4, 3, 2), (3, 0, 2), (5, 1, 2)]


def test_panel_experts_declining_together_take_exactly_the_backup_seats(
    world, make_project, robust_expert_pool
):
    reviewer, clerk = world["users"]["reviewer"], world["users"]["clerk"]
    for seed, (seats, backups, decliners) in enumerate(SEAT_TRIALS):
        project = declaration_submit(actor=clerk, project=make_project(name=f"县政务外网第{seed + 1}期升级"))
        draw = expert_draw(
            actor=reviewer, project=project, stage_id=EXPERT_STAGE, size=seats, backups=backups, seed=seed
        )
        panel = list(draw.members.filter(is_backup=False).select_related("expert__user").order_by("position"))
        declines_before = AuditEvent.objects.filter(action="expert.decline").count()

        results = race(
            *[
                lambda m=member: draw_member_decline(
                    actor=m.expert.user, member=m, reason="与建设单位存在业务往来"
                )
                for member in panel[:decliners]
            ]
        )

        promoted = [r for r in results if isinstance(r, DrawMember)]
        refused = [r for r in results if isinstance(r, ServiceError)]
        won = min(backups, decliners)
        assert len(promoted) == won and len(refused) == decliners - won, (seats, backups, decliners, results)
        assert all("没有可递补的备选专家" in r.message for r in refused)
        assert len({m.pk for m in promoted}) == won  # no backup seat given twice
        members = DrawMember.objects.filter(draw=draw)
        on_panel = members.filter(is_backup=False, status__in=ACTIVE_MEMBER_STATUSES)
        assert on_panel.count() == seats  # the panel keeps exactly its seats
        assert members.filter(status=MemberStatus.DECLINED).count() == won
        assert members.filter(is_backup=True, status__in=ACTIVE_MEMBER_STATUSES).count() == backups - won
        assert members.filter(replaces__isnull=False).count() == won
        assert AuditEvent.objects.filter(action="expert.decline").count() == declines_before + won


def test_two_reviewers_drawing_one_stage_at_once_make_one_draw(
    world, make_project, robust_expert_pool, second_reviewer
):
    clerk = world["users"]["clerk"]
    reviewers = (world["users"]["reviewer"], second_reviewer)
    for trial in range(5):
        project = declaration_submit(actor=clerk, project=make_project(name=f"县视频会议系统第{trial + 1}期"))
        results = race(
            *[
                lambda r=r, pid=project.pk: expert_draw(
                    actor=r,
                    project=Project.objects.get(pk=pid),
                    stage_id=EXPERT_STAGE,
                    size=3,
                    backups=2,
                )
                for r in reviewers
            ]
        )
        drawn = [r for r in results if isinstance(r, ExpertDraw)]
        refused = [r for r in results if isinstance(r, ConflictError)]
        assert len(drawn) == 1 and len(refused) == 1, results
        assert "已抽取专家" in refused[0].message
        assert ExpertDraw.objects.filter(project=project).count() == 1
        assert DrawMember.objects.filter(draw__project=project).count() == 5
        assert AuditEvent.objects.filter(action="expert.draw", target_id=str(project.pk)).count() == 1
