"""The one place that imports the background-task API (django-tasks, the backport of Django 6's
``django.tasks``): moving to Django 6 changes this import only."""

from __future__ import annotations

from typing import Any

from django_tasks import task, task_backends

__all__ = ["statistics_refresh_task", "task", "task_backends", "task_waiting"]


def task_waiting(queued: Any, *args: Any) -> bool:
    """Whether the database queue holds a run of ``queued`` with these arguments that no worker has started:
    it reads what it works on when it starts, so it covers a change committed now as well. False with any
    other backend (they keep no queue to look in)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[queued.backend]
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias, task_path=queued.module_path, args_kwargs__args=list(args))
        .exists()
    )


@task()
def statistics_refresh_task() -> None:
    """The daily refresh of the query planner's statistics (``core.db.statistics_refresh``)."""
    from govit.core.db import statistics_refresh

    statistics_refresh()
