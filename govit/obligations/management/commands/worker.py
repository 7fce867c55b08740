"""`govit worker` — the background worker beside the web server: it runs queued tasks (the database queue
of django-tasks-db), enqueues the obligation scan every GOVIT_SCAN_SECONDS and the refresh of the query
planner's statistics once a day."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# The query planner's statistics are refreshed when the worker starts and once a day after.
STATISTICS_SECONDS = 24 * 3600


class Command(BaseCommand):
    help = "运行后台任务（期限事项扫描、提醒）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="enqueue one scan, run all queued tasks, exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from govit.core.tasks import statistics_refresh_task
        from govit.obligations.tasks import obligations_scan_task

        if options["once"]:
            obligations_scan_task.enqueue()
            call_command(
                "db_worker", batch=True, reload=False, no_startup_delay=True, verbosity=options["verbosity"]
            )
            return
        stop = threading.Event()

        def schedule() -> None:
            last_statistics = 0.0
            while not stop.is_set():
                obligations_scan_task.enqueue()
                if time.monotonic() - last_statistics >= STATISTICS_SECONDS:
                    statistics_refresh_task.enqueue()
                    last_statistics = time.monotonic()
                stop.wait(settings.GOVIT_SCAN_SECONDS)

        threading.Thread(target=schedule, name="govit-scan-scheduler", daemon=True).start()
        try:
            call_command("db_worker", reload=False, verbosity=options["verbosity"])
        finally:
            stop.set()
