"""Background work of 查重, run by `govit worker` (or any backend set in TASKS): a declaration compared again
after the change that altered it was committed."""

from __future__ import annotations

from govit.core.tasks import task
from govit.similarity import services


@task()
def project_check_task(project_id: int) -> int | None:
    return services.project_check_queued(project_id)
