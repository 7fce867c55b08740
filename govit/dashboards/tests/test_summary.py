"""统计分析汇总: for every persona and year, the dashboard read from the summary rows shows exactly what the live
aggregates over the projects show — after each kind of change a project goes through, after a rebuild, after a
rolled-back change, and after bulk work the summary missed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from conftest import project_fields
from govit.acceptance.models import AcceptanceApplication, Evaluation
from govit.audit.services import audit_record
from govit.core import clock
from govit.dashboards.models import ProjectTally, RecordCell, StatusCell, UnitCell
from govit.dashboards.selectors import dashboard_compute, dashboard_json, dashboard_summary_serves
from govit.dashboards.services import dashboard_summary_rebuild
from govit.dashboards.tests.conftest import obligation
from govit.obligations.models import Obligation
from govit.obligations.services import obligations_scan
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.services import (
    declaration_submit,
    declaration_withdraw,
    project_create,
    project_update,
)
from govit.workflow.models import ProjectApproval
from govit.workflow.services import stage_decide

YEARS = (None, 2026, 2027, 2028)


def boards(world: dict[str, Any], *, live: bool) -> dict[tuple[str, int | None], dict[str, Any]]:
    return {
        (who, year): dashboard_json(dashboard_compute(user=user, year=year, live=live))
        for who, user in world["users"].items()
        for year in YEARS
    }


def assert_summary_is_live(world: dict[str, Any]) -> dict[tuple[str, int | None], dict[str, Any]]:
    from_summary = boards(world, live=False)
    assert from_summary == boards(world, live=True)
    return from_summary


def summary_rows() -> list[str]:
    """Every summary row's content (not its id), in a fixed order."""
    return sorted(
        repr(sorted((name, value) for name, value in row.items() if name != "id"))
        for model in (StatusCell, UnitCell, RecordCell)
        for row in model.objects.values()
    )


# ------------------------------------------------------------------ each kind of change


def _submitted(world: dict[str, Any], make_project: Any, **fields: Any) -> Project:
    return declaration_submit(actor=world["users"]["clerk"], project=make_project(**fields))


def _recorded(project: Project, action: str, write: Callable[[], Any], world: dict[str, Any]) -> None:
    """A record written and audited with the project as target, in one transaction, as its service does."""
    with transaction.atomic():
        write()
        audit_record(actor=world["users"]["reviewer"], action=action, target=project)


def _approve(world: dict[str, Any], project: Project) -> None:
    def write() -> None:
        Project.objects.filter(pk=project.pk).update(status=Status.APPROVED)
        ProjectApproval.objects.create(
            project=project,
            approval_number=f"舒政秘〔2026〕{project.pk}号",
            approved_budget_yuan=2_000_000,
            approved_on=dt.date(2026, 11, 2),
            decided_by_body="县政府常务会议",
            stage_id="ST-000-06",
            recorded_by=world["users"]["reviewer"],
            recorded_at=clock.now(),
        )

    _recorded(project, "stage.approved", write, world)


def _overdue_after_scan(world: dict[str, Any], project: Project) -> None:
    due = obligation(project, world["orgs"]["health"], "upcoming", "DL-90")
    due.due_on = clock.today() - dt.timedelta(days=2)
    due.remind_on = due.due_on - dt.timedelta(days=3)
    due.next_check_on = clock.today()
    due.save()
    assert obligations_scan().overdue == 1


def _edit(world: dict[str, Any], make_returned: Any) -> Project:
    return make_returned(clock.today() + dt.timedelta(days=10))


def _drafted(world: dict[str, Any]) -> None:
    project_create(
        actor=world["users"]["clerk"], lead_unit=world["orgs"]["education"], fields=project_fields()
    )


# (name, setup giving the project, the change, whether the county bureau's figures change)
CHANGES: list[tuple[str, Callable[..., Project], Callable[..., Any], bool]] = [
    ("create", lambda world, make_project, make_returned: None, lambda world, p: _drafted(world), False),
    (
        "submit",
        lambda world, make_project, make_returned: make_project(),
        lambda world, p: declaration_submit(actor=world["users"]["clerk"], project=p),
        True,
    ),
    (
        "withdraw",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        lambda world, p: declaration_withdraw(actor=world["users"]["clerk"], project=p, reason="材料有误"),
        True,
    ),
    (
        "edit amount and year while returned",
        lambda world, make_project, make_returned: _edit(world, make_returned),
        lambda world, p: project_update(
            actor=world["users"]["clerk"],
            project=Project.objects.get(pk=p.pk),
            fields={"cost_software": 12_000_000, "fund_fiscal": 12_400_000, "year": 2028},
        ),
        True,
    ),
    (
        "return for revision",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        lambda world, p: stage_decide(
            actor=world["users"]["reviewer"],
            project=p,
            stage_id="ST-000-04",
            outcome="revise",
            reason="补充共享清单",
            due_date=clock.today() + dt.timedelta(days=10),
        ),
        True,
    ),
    (
        "reject",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        lambda world, p: stage_decide(
            actor=world["users"]["reviewer"],
            project=p,
            stage_id="ST-000-04",
            outcome="end",
            reason="不符合规划",
        ),
        True,
    ),
    (
        "立项",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        lambda world, p: _approve(world, p),
        True,
    ),
    (
        "acceptance decided",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        lambda world, p: _recorded(
            p,
            "acceptance.pass",
            lambda: AcceptanceApplication.objects.create(
                project=p, status="passed", created_by=world["users"]["clerk"], created_at=clock.now()
            ),
            world,
        ),
        True,
    ),
    (
        "evaluation recorded",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        lambda world, p: _recorded(
            p,
            "evaluation.performance",
            lambda: Evaluation.objects.create(
                project=p,
                kind="performance",
                year=2027,
                rule_id="SCORE-000-PERF",
                conclusion="合格",
                evaluated_on=dt.date(2026, 11, 1),
                recorded_by=world["users"]["reviewer"],
                recorded_at=clock.now(),
            ),
            world,
        ),
        True,
    ),
    (
        "obligation overdue after a scan",
        lambda world, make_project, make_returned: _submitted(world, make_project),
        _overdue_after_scan,
        True,
    ),
]


@pytest.mark.parametrize(("name", "setup", "change", "bureau_sees_it"), CHANGES, ids=[c[0] for c in CHANGES])
def test_it_shows_the_live_figures_after_each_kind_of_change(
    world, portfolio, make_project, make_returned, name, setup, change, bureau_sees_it
):
    project = setup(world, make_project, make_returned)
    before = assert_summary_is_live(world)
    change(world, project)
    after = assert_summary_is_live(world)
    assert dashboard_summary_serves(world["users"]["reviewer"])
    changed = before[("reviewer", None)] != after[("reviewer", None)]
    assert changed == bureau_sees_it


# ------------------------------------------------------------------ rebuild, rollback, missed bulk work


def test_the_rebuild_command_restores_the_summary(world, portfolio):
    expected = summary_rows()
    assert expected
    StatusCell.objects.all().delete()
    UnitCell.objects.all().delete()
    RecordCell.objects.all().delete()
    ProjectTally.objects.all().delete()
    call_command("dashboards_rebuild", jurisdiction=[world["jurisdictions"]["zhanggong"].code])
    assert StatusCell.objects.filter(jurisdiction=world["jurisdictions"]["zhanggong"]).exists()
    assert not StatusCell.objects.filter(jurisdiction=world["jurisdictions"]["shucheng"]).exists()
    call_command("dashboards_rebuild")
    assert summary_rows() == expected
    assert_summary_is_live(world)
    with pytest.raises(CommandError, match="999999"):
        call_command("dashboards_rebuild", jurisdiction=["999999"])


def test_a_rolled_back_change_leaves_the_summary_as_it_was(world, portfolio, make_project):
    project = make_project()
    expected = summary_rows()
    with pytest.raises(RuntimeError), transaction.atomic():
        declaration_submit(actor=world["users"]["clerk"], project=project)
        assert summary_rows() != expected  # counted inside the transaction
        raise RuntimeError("the request failed after the submission")
    assert summary_rows() == expected
    assert_summary_is_live(world)


def test_a_change_after_bulk_work_without_the_rebuild_still_gives_the_live_figures(
    world, portfolio, make_project
):
    project = _submitted(world, make_project)
    # a bulk writer took the county's rows away without the rebuild: the project's old contribution cannot be
    # taken out, so the county is recomputed
    StatusCell.objects.filter(jurisdiction=world["jurisdictions"]["shucheng"]).delete()
    declaration_withdraw(actor=world["users"]["clerk"], project=project, reason="材料有误")
    assert_summary_is_live(world)


def test_only_whole_jurisdiction_scopes_read_the_summary(world):
    users = world["users"]
    assert dashboard_summary_serves(users["reviewer"])
    assert dashboard_summary_serves(users["supervisor"])
    assert not dashboard_summary_serves(users["clerk"])  # its own and co-built projects, drafts included
    assert not dashboard_summary_serves(users["expert"])  # what is assigned


def test_projects_written_in_bulk_are_counted_once_refreshed(world, portfolio):
    unit = world["orgs"]["health"]
    [made] = Project.objects.bulk_create(
        [
            Project(
                name="存量项目",
                year=2027,
                jurisdiction=unit.jurisdiction,
                lead_unit=unit,
                nature="NEW",
                procurement_category="SERVICE",
                created_by=world["users"]["health_clerk"],
                status=Status.SUBMITTED,
                total_yuan=700_000,
            )
        ]
    )
    Obligation.objects.bulk_create([obligation(made, unit, "overdue", "DL-91")])
    reviewer = world["users"]["reviewer"]
    assert dashboard_compute(user=reviewer).project_count == 6  # not yet
    dashboard_summary_rebuild(project_ids=[made.pk])
    payload = assert_summary_is_live(world)[("reviewer", None)]
    assert payload["summary"]["projects"] == 7
    assert payload["summary"]["overdue_obligations"] == 4
