"""Background work of an import, run by `govit worker` (or any backend set in TASKS): the check of a long
file with its progress, the commit, and the per-project work after it."""

from __future__ import annotations

from typing import Any

from govit.core.tasks import task
from govit.imports import services


@task()
def import_batch_parse_task(batch_id: int) -> dict[str, Any]:
    batch = services.import_batch_parse(batch_id=batch_id)
    if batch is None:
        return {}
    return {"state": batch.state, "rows": batch.rows_total, "problems": batch.error_count}


@task()
def import_batch_commit_task(batch_id: int) -> dict[str, Any]:
    batch = services.import_batch_commit(batch_id=batch_id)
    if batch is None:
        return {}
    return {"state": batch.state, "projects": batch.projects_created, "problems": batch.error_count}


@task()
def import_batch_follow_up_task(batch_id: int) -> int:
    return services.import_batch_follow_up(batch_id=batch_id)
