"""查重 after commit: a change of a declaration queues one comparison for the worker (however many audited
changes the transaction holds), the 查重 tab says the comparison is pending until it has run, and the
worker's run finds the pairs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from govit.accounts.models import User
from govit.portal.demo import demo_load
from govit.projects.models import Project
from govit.projects.services import project_update
from govit.similarity import services
from govit.similarity.models import IndexedDocument, Match
from govit.similarity.services import _QueuedCheck
from govit.similarity.tests.conftest import IMMEDIATE
from govit.similarity.tests.test_similarity import ENROLMENT, PARAPHRASE, SAFETY, declare

PENDING = "查重进行中"


def _paired(project: Project, other: Project) -> bool:
    return Match.objects.filter(project=project, other_project=other, score__gte=0.6).exists()


def test_edits_queue_one_check_run_after_commit_and_the_tab_says_it_is_pending(
    db: Any,
    media_root: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    demo_load(projects=False)
    with monkeypatch.context() as at_once:  # as if each creation had committed and the worker had run
        at_once.setattr(services, "_after_commit", lambda callback: callback())
        first = declare("szs", SAFETY)
        second = declare("szs", ENROLMENT)
    assert IndexedDocument.objects.filter(project=second).exists()
    assert not _paired(second, first)
    clerk = User.objects.get(username="szs_clerk")
    with django_capture_on_commit_callbacks() as queued, transaction.atomic():
        second = project_update(
            actor=clerk, project=second, fields={**PARAPHRASE}, expected_version=second.version
        )
        project_update(
            actor=clerk,
            project=second,
            fields={"name": PARAPHRASE["name"] + "（修订）"},
            expected_version=second.version,
        )
    checks = [c for c in queued if isinstance(c, _QueuedCheck)]
    assert [c.project_id for c in checks] == [second.pk]
    # before the worker runs: the pairs of the texts last compared, and the tab says a comparison is pending
    assert not _paired(second, first)
    client = Client()
    client.force_login(clerk)
    assert PENDING in client.get(f"/projects/{second.pk}/similarity/").content.decode()
    checks[0]()
    assert _paired(second, first)
    assert PENDING not in client.get(f"/projects/{second.pk}/similarity/").content.decode()


def test_a_check_waiting_on_the_queue_covers_later_changes(world: Any, make_project: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    first, second = make_project(), make_project(name="另一个项目")
    queue = DBTaskResult.objects.filter(task_path="govit.similarity.tasks.project_check_task")
    _QueuedCheck(first.pk)()  # what runs when a change of the project commits
    _QueuedCheck(first.pk)()
    assert [row["args_kwargs"]["args"] for row in queue.values("args_kwargs")] == [[first.pk]]
    queue.update(status="RUNNING")  # a worker took it, maybe before the later change: that one queues anew
    _QueuedCheck(first.pk)()
    _QueuedCheck(second.pk)()
    assert sorted(
        row["args_kwargs"]["args"][0] for row in queue.filter(status="READY").values("args_kwargs")
    ) == [
        first.pk,
        second.pk,
    ]
