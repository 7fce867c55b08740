"""Obligation scan time at province scale (one core). Not a test.

Run: taskset -c 0 .venv/bin/python bench/bench_obligation_scan.py [obligations] [database-url]

Builds a throwaway database (SQLite in a temporary directory unless a DATABASE_URL is given) with
``obligations`` rows (default 1,000,000) over 1,000 projects of one county, then times
``obligations_scan``:

- quiet: nothing has come due (the cost of looking);
- incremental: 1% of the rows come due on the day (due soon, overdue or escalated, in equal parts), with
  their reminders written (in-app messages for the unit's two users);
- repeat: the same day again (idempotent: nothing to do);
- full: every row comes due at once (the worst case).
Prints JSON. With BENCH_PROFILE=1 the full scan's profile goes to stderr.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000_000
if len(sys.argv) > 2:
    os.environ["DATABASE_URL"] = sys.argv[2]
os.environ["GOVIT_DATA_DIR"] = tempfile.mkdtemp(prefix="govit-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role  # noqa: E402
from govit.accounts.models import Jurisdiction, Notification, Organisation, RoleAssignment, User  # noqa: E402
from govit.obligations.models import Obligation, Reminder  # noqa: E402
from govit.obligations.services import obligations_scan  # noqa: E402
from govit.projects.models import Project  # noqa: E402

PROJECTS = 1_000
PROFILE = os.environ.get("BENCH_PROFILE") == "1"  # profile of the full scan on stderr
TODAY = dt.date(2027, 3, 1)
BATCH = 20_000


def build() -> None:
    call_command("migrate", verbosity=0)
    county = Jurisdiction.objects.create(code="341523", name="舒城县", level=JurisdictionLevel.COUNTY)
    unit = Organisation.objects.create(jurisdiction=county, name="县教育局", kind=OrganisationKind.DEPARTMENT)
    Organisation.objects.create(
        jurisdiction=county, name="县数据资源局", kind=OrganisationKind.COMPETENT_BUREAU
    )
    for name, role in (("clerk", Role.CLERK), ("head", Role.UNIT_HEAD)):
        user = User.objects.create(username=name, display_name=name, primary_organisation=unit)
        RoleAssignment.objects.create(user=user, organisation=unit, role=role)
    creator = User.objects.get(username="clerk")
    Project.objects.bulk_create(
        Project(
            name=f"项目{i}",
            year=2027,
            jurisdiction=county,
            lead_unit=unit,
            nature="NEW",
            procurement_category="SERVICE",
            created_by=creator,
            status="in_construction",
        )
        for i in range(PROJECTS)
    )
    ids = list(Project.objects.values_list("id", flat=True))
    far = TODAY + dt.timedelta(days=400)
    rows = []
    for n in range(TOTAL):
        due = far + dt.timedelta(days=n % 200)
        rows.append(
            Obligation(
                project_id=ids[n % PROJECTS],
                jurisdiction=county,
                organisation=unit,
                role="PROJECT_UNIT",
                rule_id=f"DL-{n // PROJECTS}",
                name="合同签订后10个工作日内备案",
                cite="第二十八条",
                due_on=due,
                remind_on=due - dt.timedelta(days=3),
                state="upcoming",
                next_check_on=due - dt.timedelta(days=3),
            )
        )
        if len(rows) == BATCH:
            Obligation.objects.bulk_create(rows)
            rows = []
    Obligation.objects.bulk_create(rows)


def come_due(fraction_every: int) -> int:
    """Make every ``fraction_every``-th row come due on TODAY: a third due soon, a third overdue, a third
    for escalation."""
    ids = list(Obligation.objects.order_by("id").values_list("id", flat=True)[::fraction_every])
    thirds = [ids[0::3], ids[1::3], ids[2::3]]
    for chunk_start in range(0, len(thirds[0]), BATCH):
        Obligation.objects.filter(pk__in=thirds[0][chunk_start : chunk_start + BATCH]).update(
            state="upcoming", due_on=TODAY + dt.timedelta(days=2), remind_on=TODAY, next_check_on=TODAY
        )
    for chunk_start in range(0, len(thirds[1]), BATCH):
        Obligation.objects.filter(pk__in=thirds[1][chunk_start : chunk_start + BATCH]).update(
            state="due_soon", due_on=TODAY - dt.timedelta(days=1), next_check_on=TODAY
        )
    for chunk_start in range(0, len(thirds[2]), BATCH):
        Obligation.objects.filter(pk__in=thirds[2][chunk_start : chunk_start + BATCH]).update(
            state="overdue", due_on=TODAY - dt.timedelta(days=3), next_check_on=TODAY, escalation=0
        )
    return len(ids)


def timed(label: str, profile: bool = False) -> dict[str, object]:
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = obligations_scan(today=TODAY)
    seconds = time.perf_counter() - start
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    return {"run": label, "seconds": round(seconds, 3), **result.as_dict()}


def main() -> None:
    start = time.perf_counter()
    build()
    setup = time.perf_counter() - start
    out = [{"run": "setup", "seconds": round(setup, 1), "obligations": Obligation.objects.count()}]
    out.append(timed("quiet"))
    changed = come_due(100)
    out.append({**timed("incremental (1%)"), "changed": changed})
    out.append(timed("repeat (same day)"))
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    changed = come_due(1)
    out.append({**timed("full (every row)", profile=PROFILE), "changed": changed})
    print(
        json.dumps(
            {"database": connection.vendor, "obligations": TOTAL, "runs": out}, ensure_ascii=False, indent=1
        )
    )


if __name__ == "__main__":
    main()
