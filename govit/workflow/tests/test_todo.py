"""待办 reads where each project stands from the stage it records (``current_stage``) instead of working out
every project's route: the submission records the stage its review starts at, every decision the next one, and
a project that records none (imported as 已申报) is still found by working out its route."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from govit.portal.demo import demo_load
from govit.projects.models import Project
from govit.projects.services import declaration_submit, project_update
from govit.workflow.selectors import IN_ROUTE, pack_stage, route_state, workflow_todo_for_user
from govit.workflow.services import stage_decide

LATER = dt.date(2099, 1, 1)


def _recorded(project: Project) -> str:
    return Project.objects.values_list("current_stage", flat=True).get(pk=project.pk)


def test_the_submission_records_the_stage_its_review_starts_at(world, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    state = route_state(project)
    assert state.current is not None
    assert _recorded(project) == state.current.id == "ST-000-04"  # 舒城 初审 (第十二条)


def test_a_resubmission_records_the_stage_that_returned_it(world, make_project):
    reviewer, clerk = world["users"]["reviewer"], world["users"]["clerk"]
    project = declaration_submit(actor=clerk, project=make_project(has_data_catalog=True))
    stage_decide(
        actor=reviewer,
        project=project,
        stage_id="ST-000-04",
        outcome="revise",
        reason="补充共享清单",
        due_date=LATER,
    )
    project = Project.objects.get(pk=project.pk)
    project_update(actor=clerk, project=project, fields={"has_data_catalog": True})
    project = declaration_submit(actor=clerk, project=Project.objects.get(pk=project.pk))
    state = route_state(project)
    assert state.round == 2 and state.current is not None
    assert _recorded(project) == state.current.id == "ST-000-04"  # where it was returned


def test_a_project_without_a_recorded_stage_is_still_in_the_todo(world, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    Project.objects.filter(pk=project.pk).update(current_stage="")  # e.g. imported as 已申报
    todo = workflow_todo_for_user(world["users"]["reviewer"], Project.objects.all())
    assert [(pk, stage.id) for pk, stage in todo] == [(project.pk, "ST-000-04")]
    assert workflow_todo_for_user(world["users"]["outsider_reviewer"], Project.objects.all()) == []


@pytest.mark.django_db
def test_the_recorded_stage_is_the_route_s_current_stage_across_a_seeded_portfolio():
    demo_load(projects=False)
    call_command("seed", projects="150", seed="11", years="2022-2026", quiet=True, stdout=io.StringIO())
    in_route = list(Project.objects.filter(status__in=IN_ROUTE))
    assert len(in_route) > 10
    for project in in_route:
        current = route_state(project).current
        recorded = pack_stage(project.pack_code, project.current_stage)
        assert current is not None and recorded is not None, project.pk
        assert recorded.id == current.id, (project.pk, project.pack_code, project.status)
