"""统计分析 at province scale. Not a test.

Run: taskset -c 0 .venv/bin/python bench/bench_dashboard.py [projects] [database-url]

Builds a throwaway database (SQLite in a temporary directory unless a DATABASE_URL is given) with
``projects`` projects (default 100,000) over one province of 4 cities × 5 counties × 25 units, in every
status, year 2023–2028 and amount band; 40% with a 立项 record, three 期限事项 per project (5% overdue), a
竣工验收 application for 10% and an evaluation for 5%. Then times, for four users — the province supervisor
(every project), a city supervisor (a quarter), a county reviewer (one county) and a unit clerk (one unit):

- aggregate: ``dashboard_compute`` — every chart's figures (all years, and one year);
- page: GET /dashboard/ through Django's test client (scope, aggregates, audit event, template);
- data: GET /dashboard/data/ (the JSON the charts are drawn from).

Prints JSON: p50 / p95 in milliseconds over ``BENCH_ROUNDS`` rounds (default 20) after two warm-up rounds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
if len(sys.argv) > 2:
    os.environ["DATABASE_URL"] = sys.argv[2]
DATA_DIR = tempfile.mkdtemp(prefix="govit-bench-dashboard-")
os.environ["GOVIT_DATA_DIR"] = DATA_DIR
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")
os.environ.setdefault("GOVIT_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from govit.acceptance.models import AcceptanceApplication, Evaluation  # noqa: E402
from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role  # noqa: E402
from govit.accounts.models import Jurisdiction, Organisation, RoleAssignment, User  # noqa: E402
from govit.dashboards.selectors import dashboard_compute  # noqa: E402
from govit.dashboards.services import dashboard_summary_rebuild  # noqa: E402
from govit.obligations.models import Obligation  # noqa: E402
from govit.projects.choices import Status  # noqa: E402
from govit.projects.models import Project  # noqa: E402
from govit.workflow.models import ProjectApproval  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
BATCH = 5_000
CITIES, COUNTIES, UNITS = 4, 5, 25
APPROVED = [Status.APPROVED, Status.IN_CONSTRUCTION, Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED]
OTHERS = [Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED, Status.NOT_SUPPORTED]
AMOUNTS = [120_000, 480_000, 500_000, 1_500_000, 2_000_000, 6_800_000, 10_000_000, 35_000_000]


def person(username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create(username=username, display_name=username, primary_organisation=organisation)
    RoleAssignment.objects.create(user=user, organisation=organisation, role=role)
    return user


def build() -> dict[str, User]:
    call_command("migrate", verbosity=0)
    province = Jurisdiction.objects.create(code="340000", name="安徽省", level=JurisdictionLevel.PROVINCE)
    people = {
        "province": person(
            "province",
            Organisation.objects.create(
                jurisdiction=province, name="省数据资源管理局", kind=OrganisationKind.COMPETENT_BUREAU
            ),
            Role.SUPERVISOR,
        )
    }
    units: list[Organisation] = []
    for c in range(CITIES):
        city = Jurisdiction.objects.create(
            code=f"34{c + 1:02d}00", name=f"第{c + 1}市", level=JurisdictionLevel.CITY, parent=province
        )
        city_bureau = Organisation.objects.create(
            jurisdiction=city, name=f"第{c + 1}市数据资源管理局", kind=OrganisationKind.COMPETENT_BUREAU
        )
        if c == 0:
            people["city"] = person("city", city_bureau, Role.SUPERVISOR)
        for k in range(COUNTIES):
            county = Jurisdiction.objects.create(
                code=f"34{c + 1:02d}{k + 1:02d}",
                name=f"第{c + 1}市第{k + 1}县",
                level=JurisdictionLevel.COUNTY,
                parent=city,
            )
            bureau = Organisation.objects.create(
                jurisdiction=county,
                name=f"{county.name}数据资源管理局",
                kind=OrganisationKind.COMPETENT_BUREAU,
            )
            if c == 0 and k == 0:
                people["county"] = person("county", bureau, Role.REVIEWER)
            units.extend(
                Organisation.objects.bulk_create(
                    Organisation(jurisdiction=county, name=f"{county.name}单位{u + 1}", kind="department")
                    for u in range(UNITS)
                )
            )
    people["unit"] = person("unit", units[0], Role.CLERK)
    creator = people["unit"]
    rng = random.Random(2027)
    now = timezone.now()
    rows: list[Project] = []
    for n in range(TOTAL):
        unit = units[n % len(units)]
        approved = rng.random() < 0.4
        rows.append(
            Project(
                name=f"项目{n}",
                year=2023 + n % 6,
                jurisdiction_id=unit.jurisdiction_id,
                lead_unit=unit,
                nature="NEW",
                procurement_category="SERVICE",
                created_by=creator,
                status=rng.choice(APPROVED if approved else OTHERS),
                total_yuan=rng.choice(AMOUNTS),
            )
        )
        if len(rows) == BATCH:
            Project.objects.bulk_create(rows)
            rows = []
    Project.objects.bulk_create(rows)
    projects = list(
        Project.objects.values_list("pk", "status", "total_yuan", "jurisdiction_id", "lead_unit_id")
    )
    approvals: list[ProjectApproval] = []
    obligations: list[Obligation] = []
    applications: list[AcceptanceApplication] = []
    evaluations: list[Evaluation] = []
    due = dt.date(2026, 10, 1)
    for index, (pk, status, total, jurisdiction_id, unit_id) in enumerate(projects):
        if status in APPROVED:
            approvals.append(
                ProjectApproval(
                    project_id=pk,
                    approval_number=f"批复{pk}",
                    approved_budget_yuan=total * 9 // 10,
                    approved_on=due,
                    decided_by_body="政府常务会议",
                    stage_id="APPROVE",
                    recorded_by=creator,
                    recorded_at=now,
                )
            )
        for rule in range(3):
            obligations.append(
                Obligation(
                    project_id=pk,
                    jurisdiction_id=jurisdiction_id,
                    organisation_id=unit_id,
                    role="PROJECT_UNIT",
                    rule_id=f"DL-{rule}",
                    name="期限事项",
                    due_on=due,
                    remind_on=due,
                    state="overdue" if (index * 3 + rule) % 20 == 0 else "upcoming",
                )
            )
        if index % 10 == 0:
            applications.append(
                AcceptanceApplication(
                    project_id=pk,
                    status=rng.choice(["passed", "failed", "submitted"]),
                    created_by=creator,
                    created_at=now,
                )
            )
        if index % 20 == 0:
            evaluations.append(
                Evaluation(
                    project_id=pk,
                    kind=rng.choice(["self", "performance"]),
                    year=2026,
                    rule_id="EVAL",
                    conclusion=rng.choice(["合格", "不合格", "优", "良"]),
                    evaluated_on=due,
                    recorded_by=creator,
                    recorded_at=now,
                )
            )
        if len(obligations) >= BATCH:
            for model, batch in (
                (ProjectApproval, approvals),
                (Obligation, obligations),
                (AcceptanceApplication, applications),
                (Evaluation, evaluations),
            ):
                model.objects.bulk_create(batch)  # type: ignore[attr-defined]
                batch.clear()
    ProjectApproval.objects.bulk_create(approvals)
    Obligation.objects.bulk_create(obligations)
    AcceptanceApplication.objects.bulk_create(applications)
    Evaluation.objects.bulk_create(evaluations)
    dashboard_summary_rebuild()  # the dashboard's summary rows, as after any bulk load
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a database in use would have them
    return people


def percentiles(call: Callable[[], object]) -> dict[str, float]:
    """p50 / p95 of wall-clock and of this process's CPU time (the latter is steadier on a shared machine;
    with SQLite all the database work is in this process)."""
    for _ in range(2):
        call()
    wall, cpu = [], []
    for _ in range(ROUNDS):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)

    def pick(times: list[float], share: float) -> float:
        times = sorted(times)
        return round(times[min(len(times) - 1, int(len(times) * share))], 1)

    return {
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": pick(wall, 0.95),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": pick(cpu, 0.95),
    }


def main() -> None:
    start = time.perf_counter()
    people = build()
    out: dict[str, object] = {
        "database": connection.vendor,
        "projects": Project.objects.count(),
        "approvals": ProjectApproval.objects.count(),
        "obligations": Obligation.objects.count(),
        "setup_s": round(time.perf_counter() - start, 1),
    }
    from govit.accounts import mfa

    runs = []
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        mfa.session_verify_directly(client.session, user)  # a reviewer's login includes the second factor

        def get(path: str, client: Client = client) -> None:
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        board = dashboard_compute(user=user)
        runs.append(
            {
                "user": who,
                "projects_seen": board.project_count,
                "aggregate_all_years": percentiles(lambda user=user: dashboard_compute(user=user)),
                "aggregate_one_year": percentiles(lambda user=user: dashboard_compute(user=user, year=2026)),
                "page": percentiles(lambda get=get: get("/dashboard/")),
                "data": percentiles(lambda get=get: get("/dashboard/data/")),
            }
        )
    out["runs"] = runs
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(DATA_DIR, ignore_errors=True)  # the throwaway database
