"""The background work for real: the upload queues the check on the database queue (django-tasks-db) and
`govit worker` runs it, saving its progress as it goes (committed at once, so the polling page sees it)
until it reaches every row; the commit and the work after it run the same way."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from govit.audit.models import AuditEvent
from govit.imports import checking
from govit.imports.models import ImportBatch
from govit.imports.tests.conftest import good_row, sheet_bytes
from govit.obligations.models import Obligation
from govit.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def committed(transactional_db, media_root):
    """Real commits (the worker runs tasks in its own transactions); the tables are emptied afterwards, for
    which the audit table's append-only guard is lifted (as in the obligations worker test)."""
    yield
    from govit.audit.dbguard import guard_remove

    guard_remove(connection)


def upload(client, rows) -> ImportBatch:
    response = client.post(
        "/imports/", {"file": SimpleUploadedFile("存量项目.xlsx", sheet_bytes(rows), content_type=XLSX)}
    )
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk")


def test_the_worker_checks_a_long_file_with_progress_up_to_every_row(committed, world, login, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    batch = upload(login(world["users"]["reviewer"]), [good_row(n) for n in range(2, 302)])
    queued = DBTaskResult.objects.get(task_path="govit.imports.tasks.import_batch_parse_task")
    assert queued.status == "READY" and queued.args_kwargs["args"] == [batch.pk]
    assert batch.state == "parsing" and batch.rows_done == 0

    seen: list[tuple[int, int, bool]] = []
    save = checking.batch_progress_save

    def spy(batch_id: int, done: int, total: int) -> None:
        save(batch_id, done, total)
        seen.append((done, total, connection.in_atomic_block))

    monkeypatch.setattr(checking, "batch_progress_save", spy)
    call_command("worker", "--once", verbosity=0)

    run = DBTaskResult.objects.get(pk=queued.pk)
    assert run.status == "SUCCESSFUL" and run.return_value == {"state": "ready", "rows": 300, "problems": 0}
    assert [done for done, _total, _atomic in seen] == [0, 50, 100, 150, 200, 250, 300]
    assert {total for _done, total, _atomic in seen} == {300}
    assert not any(atomic for _d, _t, atomic in seen)  # each step committed, visible to the polling page
    batch.refresh_from_db()
    assert batch.state == "ready" and batch.rows_done == batch.rows_total == 300 and batch.percent == 100


def test_the_worker_commits_and_then_follows_up_each_project(committed, world, login):
    client = login(world["users"]["reviewer"])
    batch = upload(client, [good_row(2), good_row(3)])
    call_command("worker", "--once", verbosity=0)
    assert client.post(f"/imports/{batch.pk}/").status_code == 302
    batch.refresh_from_db()
    assert batch.state == "committing" and not Project.objects.exists()

    call_command("worker", "--once", verbosity=0)  # the commit, then the follow-up it queued

    batch.refresh_from_db()
    assert batch.state == "committed" and batch.projects_created == 2 and batch.follow_up_done == 2
    projects = Project.objects.filter(imported_from__batch=batch)
    assert projects.count() == 2
    assert AuditEvent.objects.filter(action="project.import").count() == 2
    assert Obligation.objects.filter(project__in=projects).exists()
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "导入 2 个项目" in html and "存量信息化项目00002" in html and "hx-get" not in html
