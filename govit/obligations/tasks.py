"""Background work on obligations, run by `govit worker` (or any backend set in TASKS)."""

from __future__ import annotations

from govit.core.tasks import task
from govit.obligations.services import obligations_resync, obligations_scan
from govit.obligations.webhooks import deliveries_send


@task()
def obligations_scan_task() -> dict[str, int]:
    """The periodic scan: reminders, overdue marks and 催办, each sent once; then the webhook deliveries
    that are due (new ones and retries)."""
    return {**obligations_scan().as_dict(), **deliveries_send()}


@task()
def obligations_resync_task(jurisdiction_id: int | None = None) -> int:
    """Recompute open obligations after the working-day calendar changed."""
    return obligations_resync(jurisdiction_id=jurisdiction_id)
