"""The one place that imports the background-task API (django-tasks, the backport of Django 6's
``django.tasks``): moving to Django 6 changes this import only."""

from __future__ import annotations

from django_tasks import task, task_backends

__all__ = ["statistics_refresh_task", "task", "task_backends"]


@task()
def statistics_refresh_task() -> None:
    """The daily refresh of the query planner's statistics (``core.db.statistics_refresh``)."""
    from govit.core.db import statistics_refresh

    statistics_refresh()
