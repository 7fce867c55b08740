"""Server time of the main pages at province scale, beside their floors. Not a test.

Run: taskset -c 1 .venv/bin/python bench/bench_pages.py [--projects N] [--database-url URL] [--rounds R]
     [--json FILE] [--reuse DIR] [--prepare-only]

Builds a data directory with ``govit migrate`` + ``govit seed --projects N`` (default 100,000), or reuses the
one named by ``--reuse DIR`` (seeding it first when it holds no bench database yet). Then, in this process,
through Django's test client (``time.perf_counter`` around each request, after warm-up requests), it times:

- 项目列表 with filters and a page of 20 (a bureau reviewer, pages 1 and 5) and a unit clerk's list;
- 项目详情 with its timeline (a project in construction);
- 待办 (/review/) for a bureau reviewer;
- 统计数据 (/dashboard/data/) for a county reviewer and a city supervisor;
- 年度项目计划 export (.xlsx) of about 10,000 rows;
- the policy evaluation of one project (``project_policy``);
- state transitions: 提交申报 and 撤回申报 through the services (policy, audit, obligations), per second.

Floors, in the same run: each page's queries are captured once (``CaptureQueriesContext``) and their SELECTs
re-executed through a cursor (the slowest is the page's main query), and a no-op view is served through the
same middleware and login (a urlconf built in this process: govit.urls plus ``/bench-noop/``). Each page's
p50 / p95 is shown as a ratio to (main query + no-op). Prints a table, and JSON (also to ``--json FILE``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKER = "bench-pages.json"
PLAN_ROWS = 10_000
TARGETS_MS = {"list": 30.0, "detail": 30.0, "todo": 30.0, "dashboard": 100.0, "export": 5000.0}
TARGET_RATIO = 10.0
TARGET_TRANSITIONS = 100.0


def options_parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="GovIT 页面服务端耗时基准（省级规模）")
    parser.add_argument("--projects", type=int, default=100_000, help="项目个数（默认 100000）")
    parser.add_argument("--database-url", default=None, help="PostgreSQL 的 DATABASE_URL（默认 SQLite）")
    parser.add_argument("--rounds", type=int, default=30, help="每项计时次数（默认 30，导出为其五分之一）")
    parser.add_argument("--json", default=None, help="把结果 JSON 另写入此文件")
    parser.add_argument("--reuse", default=None, help="沿用（或首次生成到）此数据目录")
    parser.add_argument("--prepare-only", action="store_true", help="只生成数据目录，不计时")
    parser.add_argument("--table", action="store_true", help="标准输出只打印表格（JSON 只写入 --json 文件）")
    parser.add_argument(
        "--skip", default="", help="不测这些页面（逗号分隔的名称，如 export；见 README 的名称列）"
    )
    parser.add_argument("--transitions", type=int, default=200, help="计时的状态变更次数（默认 200）")
    options = parser.parse_args(argv)
    if options.projects <= 0:
        parser.error("--projects 须为正整数")
    if options.rounds <= 0:
        parser.error("--rounds 须为正整数")
    return options


def environment_set(options: argparse.Namespace) -> Path:
    """The data dir and database chosen before Django reads its settings."""
    if options.reuse:
        data_dir = Path(options.reuse).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"govit-bench-{options.projects}-"))
    marker = data_dir / MARKER
    if options.database_url is None and marker.exists():
        options.database_url = json.loads(marker.read_text()).get("database_url") or None
    os.environ["GOVIT_DATA_DIR"] = str(data_dir)
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "govit.settings"
    os.environ["GOVIT_DEBUG"] = "0"
    os.environ.setdefault("GOVIT_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["GOVIT_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    return data_dir


# ------------------------------------------------------------------------------------------ the database


def database_prepare(options: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """Seed the data dir once; pick (and record in the marker) the objects every bench run measures."""
    from django.core.management import call_command

    from govit.projects.models import Project

    marker_path = data_dir / MARKER
    marker: dict[str, Any] = json.loads(marker_path.read_text()) if marker_path.exists() else {}
    if not marker.get("seeded"):
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        if Project.objects.exists():
            raise SystemExit(f"数据目录 {data_dir} 的数据库已有项目但不是本基准生成的，请换一个目录")
        call_command("seed", projects=str(options.projects), quiet=True, stdout=sys.stderr)
        marker = {
            "seeded": True,
            "projects": options.projects,
            "database_url": options.database_url or "",
            "seed_seconds": round(time.perf_counter() - started, 1),
        }
        marker_path.write_text(json.dumps(marker, ensure_ascii=False, indent=1))
    marker["targets"] = targets_pick()
    marker_path.write_text(json.dumps(marker, ensure_ascii=False, indent=1))
    return marker


def _plan_concentrate(jurisdiction_id: int) -> tuple[int, int]:
    """About PLAN_ROWS approved projects in one plan year of the jurisdiction: the seeded portfolio spreads a
    county's ~2,000 approvals a year over ten years, so further approved projects of the county are moved
    into the busiest year (only in this throwaway database). Returns (year, rows)."""
    from django.db.models import Count

    from govit.projects.models import Project
    from govit.workflow.models import ProjectApproval
    from govit.workflow.selectors import APPROVED_ONWARDS

    approved = Project.objects.filter(
        jurisdiction_id=jurisdiction_id, status__in=APPROVED_ONWARDS, approval__isnull=False
    )
    by_year = approved.values("year").annotate(n=Count("id")).order_by("-n", "-year")
    if not by_year:
        return dt.date.today().year, 0
    year, rows = by_year[0]["year"], by_year[0]["n"]
    if rows < PLAN_ROWS:
        movable = list(
            approved.exclude(year=year)
            .order_by("-year", "id")
            .values_list("id", flat=True)[: PLAN_ROWS - rows]
        )
        for start in range(0, len(movable), 500):
            Project.objects.filter(pk__in=movable[start : start + 500]).update(year=year)
        rows += len(movable)
    assert ProjectApproval.objects.filter(
        project__jurisdiction_id=jurisdiction_id, project__year=year
    ).exists()
    return year, rows


def targets_pick() -> dict[str, Any]:
    from django.db.models import Count

    from govit.accounts.models import User
    from govit.accounts.selectors import user_scope
    from govit.projects.choices import Status
    from govit.projects.selectors import project_list_for_user

    reviewer = User.objects.get(username="sc_reviewer")
    clerk = User.objects.get(username="sc_clerk")
    jurisdiction_id = sorted(user_scope(reviewer).reviewer_jurisdiction_ids)[0]
    visible = project_list_for_user(reviewer)
    busiest = (
        visible.filter(status=Status.IN_CONSTRUCTION)
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-n", "-year")
        .first()
    )
    list_year = busiest["year"] if busiest else dt.date.today().year
    detail = (
        visible.filter(status=Status.IN_CONSTRUCTION)
        .annotate(steps=Count("transitions"))
        .order_by("-steps", "id")
        .values_list("id", flat=True)
        .first()
    )
    clerk_project = project_list_for_user(clerk).order_by("-id").values_list("id", flat=True).first()
    plan_year, plan_rows = _plan_concentrate(jurisdiction_id)
    return {
        "jurisdiction_id": jurisdiction_id,
        "list_query": f"status={Status.IN_CONSTRUCTION}&year={list_year}&min_wan=20",
        "detail_project_id": detail,
        "clerk_project_id": clerk_project,
        "plan_year": plan_year,
        "plan_rows": plan_rows,
    }


# ------------------------------------------------------------------------------------------- measuring


def _pcts(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "n": len(ordered),
    }


@dataclass
class PageResult:
    name: str
    label: str
    user: str
    path: str
    status: int
    bytes: int
    queries: int
    server: dict[str, float]
    main_sql: dict[str, float] = field(default_factory=dict)
    all_sql: dict[str, float] = field(default_factory=dict)
    main_sql_text: str = ""
    floor_p50_ms: float = 0.0
    floor_p95_ms: float = 0.0
    ratio_p50: float = 0.0
    ratio_p95: float = 0.0
    target_ms: float | None = None
    meets: bool | None = None


def _timed(fn: Callable[[], Any], rounds: int, warmup: int) -> tuple[list[float], Any]:
    last: Any = None
    for _ in range(warmup):
        last = fn()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        last = fn()
        samples.append(time.perf_counter() - started)
    return samples, last


def _selects(captured: list[dict[str, Any]]) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) and "FOR UPDATE" not in q["sql"].upper()
    ]


def _sql_floor(sqls: list[str], rounds: int) -> tuple[dict[str, float], dict[str, float], str]:
    """Re-execute the page's SELECTs through a cursor; (main query timing, all-queries timing, main SQL)."""
    from django.db import connection

    if not sqls:
        return {}, {}, ""
    per_query: list[list[float]] = [[] for _ in sqls]
    totals = []
    with connection.cursor() as cursor:
        for round_no in range(rounds + 2):
            total = 0.0
            for index, sql in enumerate(sqls):
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                elapsed = time.perf_counter() - started
                total += elapsed
                if round_no >= 2:
                    per_query[index].append(elapsed)
            if round_no >= 2:
                totals.append(total)
    main = max(range(len(sqls)), key=lambda i: statistics.median(per_query[i]))
    return _pcts(per_query[main]), _pcts(totals), sqls[main]


def page_measure(
    client: Any,
    *,
    name: str,
    label: str,
    user: str,
    path: str,
    rounds: int,
    noop: dict[str, float],
    target_ms: float | None,
    warmup: int = 3,
) -> PageResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples, response = _timed(lambda: client.get(path), rounds, warmup)
    if response.status_code != 200:
        raise SystemExit(f"{label}：{path} 返回 {response.status_code}，基准中止")
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    main, everything, main_text = _sql_floor(_selects(ctx.captured_queries), rounds)
    result = PageResult(
        name=name,
        label=label,
        user=user,
        path=path,
        status=response.status_code,
        bytes=len(response.content),
        queries=len(ctx.captured_queries),
        server=_pcts(samples),
        main_sql=main,
        all_sql=everything,
        main_sql_text=main_text[:400],
        target_ms=target_ms,
    )
    result.floor_p50_ms = round(main.get("p50_ms", 0.0) + noop["p50_ms"], 2)
    result.floor_p95_ms = round(main.get("p95_ms", 0.0) + noop["p95_ms"], 2)
    result.ratio_p50 = round(result.server["p50_ms"] / result.floor_p50_ms, 1)
    result.ratio_p95 = round(result.server["p95_ms"] / result.floor_p95_ms, 1)
    if target_ms is not None:
        result.meets = result.server["p95_ms"] <= target_ms and (
            target_ms > 30 or result.ratio_p95 <= TARGET_RATIO
        )
    return result


def profile_top(fn: Callable[[], Any], limit: int = 14) -> list[str]:
    """What dominates one call (cProfile): GovIT's functions by cumulative time, then every function by its
    own time, as text lines."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    profiler.disable()
    lines = [f"总计 {elapsed * 1000:.1f} ms（剖析开销在内）"]
    for title, key, restrict in (
        ("GovIT 函数（累计）", "cumulative", r"/govit/"),
        ("全部函数（自身）", "tottime", ""),
    ):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats(key)
        if restrict:
            stats.print_stats(restrict, limit)
        else:
            stats.print_stats(limit)
        text = [line.rstrip() for line in buffer.getvalue().splitlines() if line.strip()]
        head = next((i for i, line in enumerate(text) if line.lstrip().startswith("ncalls")), 0)
        lines += [
            f"-- {title}",
            *(line.replace(str(ROOT) + "/", "") for line in text[head : head + limit + 1]),
        ]
    return lines


def _noop_urlconf() -> str:
    """A urlconf module made in this process: every GovIT URL plus a login-protected no-op view."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    import govit.urls

    @login_required
    def bench_noop(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")

    module = types.ModuleType("govit_bench_noop_urls")
    module.urlpatterns = [path("bench-noop/", bench_noop), *govit.urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    return module.__name__


def transitions_measure(count: int) -> dict[str, Any]:
    """提交申报 / 撤回申报 cycles on draft and returned projects, each a real service call (lock, policy
    check, transition, audit event, obligations recomputed)."""
    from govit.accounts.choices import Role
    from govit.accounts.models import RoleAssignment, User
    from govit.core.errors import ServiceError
    from govit.projects.choices import Status
    from govit.projects.models import Project
    from govit.projects.services import declaration_submit, declaration_withdraw

    clerks: dict[int, int] = {}
    for org_id, user_id in RoleAssignment.objects.filter(role=Role.CLERK).values_list(
        "organisation_id", "user_id"
    ):
        clerks.setdefault(org_id, user_id)
    candidates = list(
        Project.objects.filter(status__in=[Status.DRAFT, Status.RETURNED], lead_unit_id__in=clerks)
        .order_by("-year", "id")
        .values_list("id", "lead_unit_id")[:400]
    )
    users = {pk: User.objects.get(pk=pk) for pk in set(clerks.values())}
    # 查重 indexes a declaration's texts when it is created or edited, which the seeder does not do; index the
    # projects this measure may use first, so a submission finds its texts unchanged as it would in use
    from govit.similarity.services import project_check

    for project in Project.objects.filter(
        pk__in=[pk for pk, _unit in candidates[: count + 40]]
    ).select_related("jurisdiction"):
        project_check(project)
    samples: list[float] = []
    refused: dict[str, int] = {}
    usable = list(candidates)
    warm = 2  # the first calls load and compile the policy packs
    started = time.perf_counter()
    while usable and len(samples) < count:
        for project_id, unit_id in list(usable):
            if len(samples) >= count:
                break
            actor = users[clerks[unit_id]]
            project = Project.objects.get(pk=project_id)
            try:
                t0 = time.perf_counter()
                project = declaration_submit(actor=actor, project=project, off_window_reason="基准测试")
                t1 = time.perf_counter()
                declaration_withdraw(actor=actor, project=project, reason="基准测试撤回")
                t2 = time.perf_counter()
            except ServiceError as error:
                key = str(error)[:60]
                refused[key] = refused.get(key, 0) + 1
                usable.remove((project_id, unit_id))
                continue
            if warm:
                warm -= 1
                started = time.perf_counter()
                continue
            samples += [t1 - t0, t2 - t1]
    wall = time.perf_counter() - started
    busy = sum(samples)
    return {
        "transitions": len(samples),
        "projects_used": len(usable),
        "per_second": round(len(samples) / busy, 1) if busy else 0.0,
        "per_second_wall": round(len(samples) / wall, 1) if wall else 0.0,
        **_pcts(samples or [0.0]),
        "refused": refused,
        "target_per_second": TARGET_TRANSITIONS,
        "meets": bool(busy) and len(samples) / busy >= TARGET_TRANSITIONS,
    }


def policy_measure(project_id: int, rounds: int) -> dict[str, Any]:
    from govit.projects.models import Project
    from govit.projects.policy import project_policy

    project = Project.objects.select_related("lead_unit", "jurisdiction").get(pk=project_id)
    samples, result = _timed(lambda: project_policy(project), rounds, 3)
    return {"project_id": project_id, "error": result.get("error"), **_pcts(samples)}


def measure(options: argparse.Namespace, marker: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from govit.accounts.models import User
    from govit.projects.models import Project

    targets = marker["targets"]
    from govit.accounts import mfa

    rounds = options.rounds
    clients: dict[str, Any] = {}
    for username in ("sc_reviewer", "sc_clerk", "la_supervisor"):
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        mfa.session_verify_directly(client.session, user)  # a reviewer's login includes the second factor
        clients[username] = client
    pages: list[PageResult] = []
    profiles: dict[str, list[str]] = {}
    with override_settings(ROOT_URLCONF=_noop_urlconf()):
        noop_samples, _ = _timed(lambda: clients["sc_reviewer"].get("/bench-noop/"), rounds * 2, 5)
        noop = _pcts(noop_samples)
        plan = f"/plans/export/?jurisdiction={targets['jurisdiction_id']}&year={targets['plan_year']}"
        specs: list[tuple[str, str, str, str, float | None, int]] = [
            (
                "list",
                "项目列表·审核人 第1页",
                "sc_reviewer",
                f"/projects/?{targets['list_query']}",
                30.0,
                rounds,
            ),
            (
                "list_p5",
                "项目列表·审核人 第5页",
                "sc_reviewer",
                f"/projects/?{targets['list_query']}&page=5",
                30.0,
                rounds,
            ),
            ("list_clerk", "项目列表·经办人", "sc_clerk", "/projects/", 30.0, rounds),
            (
                "detail",
                "项目详情（建设中）",
                "sc_reviewer",
                f"/projects/{targets['detail_project_id']}/",
                30.0,
                rounds,
            ),
            ("todo", "待办·审核人", "sc_reviewer", "/review/", 30.0, rounds),
            ("dashboard_county", "统计数据·县审核人", "sc_reviewer", "/dashboard/data/", 100.0, rounds),
            ("dashboard_city", "统计数据·市主管部门", "la_supervisor", "/dashboard/data/", 100.0, rounds),
            (
                "export",
                f"年度计划导出（{targets['plan_rows']} 行）",
                "sc_reviewer",
                plan,
                5000.0,
                max(3, rounds // 5),
            ),
        ]
        skipped = {name.strip() for name in options.skip.split(",") if name.strip()}
        for name, label, user, path, target, n in specs:
            if name in skipped:
                continue
            print(f"… {label}", file=sys.stderr, flush=True)
            pages.append(
                page_measure(
                    clients[user],
                    name=name,
                    label=label,
                    user=user,
                    path=path,
                    rounds=n,
                    noop=noop,
                    target_ms=target,
                    warmup=1 if name == "export" else 3,
                )
            )
            done = pages[-1]
            print(
                f"  p50 {done.server['p50_ms']} ms，p95 {done.server['p95_ms']} ms，查询 {done.queries}，"
                f"下限 p95 {done.floor_p95_ms} ms",
                file=sys.stderr,
                flush=True,
            )
        for page in pages:
            if page.meets is False:
                client = clients[page.user]
                profiles[page.name] = profile_top(lambda: client.get(page.path))  # noqa: B023
    print("… 政策评估、状态变更", file=sys.stderr, flush=True)
    policy = policy_measure(targets["detail_project_id"], rounds)
    transitions = transitions_measure(options.transitions)
    if not transitions["meets"]:
        profiles["transitions"] = profile_top(lambda: transitions_measure(20))
    by_name = {p.name: p for p in pages}
    return {
        "database": connection.vendor,
        "database_name": str(settings.DATABASES["default"]["NAME"]),
        "projects": Project.objects.count(),
        "rounds": rounds,
        "cpus": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "noop": noop,
        "pages": [asdict(p) for p in pages],
        "list_queries_page1_vs_page5": [
            p.queries for p in (by_name.get("list"), by_name.get("list_p5")) if p
        ],
        "list_queries_constant": len({p.queries for p in pages if p.name in {"list", "list_p5"}}) == 1,
        "policy_evaluation": policy,
        "transitions": transitions,
        "plan_rows": targets["plan_rows"],
        "profiles": profiles,
    }


def table_print(report: dict[str, Any], out: Any = sys.stdout) -> None:
    noop = report["noop"]
    out.write(
        f"\nGovIT 页面基准：{report['database']}，{report['projects']:,} 个项目，每项 {report['rounds']} 次"
        f"（CPU {report['cpus']}）\n"
    )
    out.write(f"空视图（同一中间件并登录）：p50 {noop['p50_ms']} ms，p95 {noop['p95_ms']} ms\n\n")
    header = (
        f"{'页面':<22}{'p50':>9}{'p95':>9}{'查询':>6}{'主查询p50':>11}{'全部SQL p50':>12}"
        f"{'下限p95':>9}{'倍数p50':>8}{'倍数p95':>8}{'目标':>9}  结果\n"
    )
    out.write(header)
    for page in report["pages"]:
        verdict = "—" if page["meets"] is None else ("达标" if page["meets"] else "未达标")
        target = f"{page['target_ms']:.0f}ms" if page["target_ms"] else "—"
        out.write(
            f"{page['label']:<22}{page['server']['p50_ms']:>9.1f}{page['server']['p95_ms']:>9.1f}"
            f"{page['queries']:>6}{page['main_sql'].get('p50_ms', 0):>11.2f}{page['all_sql'].get('p50_ms', 0):>12.2f}"
            f"{page['floor_p95_ms']:>9.2f}{page['ratio_p50']:>8.1f}{page['ratio_p95']:>8.1f}{target:>9}  {verdict}\n"
        )
    policy = report["policy_evaluation"]
    out.write(
        f"\n政策评估（项目 {policy['project_id']}）：p50 {policy['p50_ms']} ms，p95 {policy['p95_ms']} ms\n"
    )
    moves = report["transitions"]
    out.write(
        f"状态变更（提交申报 / 撤回申报）：{moves['transitions']} 次，{moves['per_second']} 次/秒"
        f"（含取数 {moves['per_second_wall']} 次/秒），p50 {moves['p50_ms']} ms，p95 {moves['p95_ms']} ms，"
        f"目标 ≥ {moves['target_per_second']:.0f} 次/秒：{'达标' if moves['meets'] else '未达标'}\n"
    )
    if moves["refused"]:
        out.write(f"  未能办理：{moves['refused']}\n")
    pages = report["list_queries_page1_vs_page5"]
    constant = "相同" if report["list_queries_constant"] else "不同"
    out.write(f"项目列表查询数：第1页、第5页 {pages}（{constant}）\n")
    out.write(f"年度计划导出行数：{report['plan_rows']}\n")
    for name, lines in report["profiles"].items():
        out.write(f"\n未达标项的剖析（{name}）：\n")
        out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    options = options_parse(argv)
    data_dir = environment_set(options)
    import django

    django.setup()
    kept = "保留，以 --reuse 沿用" if options.reuse or options.prepare_only else "临时，结束后删除"
    print(f"数据目录：{data_dir}（{kept}）", file=sys.stderr, flush=True)
    marker = database_prepare(options, data_dir)
    if options.prepare_only:
        print(json.dumps(marker, ensure_ascii=False))
        return 0
    try:
        report = measure(options, marker)
    finally:
        if not options.reuse:  # a data dir made for this run only (about 1 GB at 100,000 projects)
            shutil.rmtree(data_dir, ignore_errors=True)
    report["data_dir"] = str(data_dir) if options.reuse else "（已删除的临时目录）"
    report["seed_seconds"] = marker.get("seed_seconds")
    report["command"] = " ".join([sys.executable, *sys.argv])
    table_print(report)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if not options.table:
        print(text)
    if options.json:
        Path(options.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
