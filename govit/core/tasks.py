"""The one place that imports the background-task API (django-tasks, the backport of Django 6's
``django.tasks``): moving to Django 6 changes this import only."""

from __future__ import annotations

from django_tasks import task, task_backends

__all__ = ["task", "task_backends"]
