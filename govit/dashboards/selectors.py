"""统计分析 — the dashboard's figures. Every figure is a database aggregate over the projects the user may see
(``project_list_for_user``): a construction unit its own projects, a bureau its jurisdiction and those below,
a higher level its lower levels. Python only adds up the grouped rows, never loops over projects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from govit.acceptance.choices import ApplicationStatus, EvaluationKind
from govit.acceptance.models import AcceptanceApplication, Evaluation
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.core.money import yuan_to_wan, yuan_to_wan_exact_text
from govit.dashboards.charts import COUNT, COUNT_AND_AMOUNT, YUAN, Chart, Column, Plot
from govit.dashboards.choices import AMOUNT_BANDS, CHART_TOP, ChartKey
from govit.dashboards.models import RecordCell, RecordKind, StatusCell, UnitCell
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.selectors import project_list_for_user, project_visibility_q


def _int(value: Any) -> int:
    """An aggregate as an int (SUM is NULL over no rows; PostgreSQL gives SUM(bigint) as numeric)."""
    return int(value or 0)


ProjectIds = QuerySet[Project, Any]  # ``.values("pk")`` of the projects counted


# ------------------------------------------------------------------ whose figures


@dataclass(frozen=True)
class Area:
    """A lower level shown side by side: a child jurisdiction (with everything below it), or a level's own
    projects (本级)."""

    key: int  # the jurisdiction's id
    label: str
    own_level: bool = False


@dataclass(frozen=True)
class DashboardScope:
    label: str
    areas: tuple[Area, ...] = ()  # only for a level with levels below it
    area_of: dict[int, int] = field(default_factory=dict)  # jurisdiction id -> Area.key


def dashboard_scope(user: Any) -> DashboardScope:
    """What the user's figures cover, in words, and — for a level with levels below it — the areas to compare."""
    scope = user_scope(user)
    parts: list[str] = []
    if scope.unit_org_ids:
        names = (
            Organisation.objects.filter(pk__in=scope.unit_org_ids)
            .order_by("name")
            .values_list("name", flat=True)
        )
        parts.append("、".join(names) + "牵头或参与共建的项目")
    areas: list[Area] = []
    area_of: dict[int, int] = {}
    if scope.overseen_jurisdiction_ids:
        rows = list(
            Jurisdiction.objects.filter(pk__in=scope.overseen_jurisdiction_ids)
            .order_by("code")
            .values_list("pk", "parent_id", "name")
        )
        parent = {pk: parent_id for pk, parent_id, _name in rows}
        names_by_id = {pk: name for pk, _parent, name in rows}
        roots = [pk for pk, parent_id, _name in rows if parent_id not in parent]
        parts.append("、".join(names_by_id[pk] for pk in roots) + "及下级区划已申报的项目")
        for pk in parent:
            node = pk
            while node not in roots and parent[node] not in roots:
                node = parent[node]
            area_of[pk] = node
        for root in roots:
            children = [pk for pk, parent_id, _name in rows if parent_id == root]
            if children:
                areas.extend(Area(pk, names_by_id[pk]) for pk in children)
                areas.append(Area(root, f"{names_by_id[root]}本级", own_level=True))
    if scope.is_expert:
        parts.append("指派给您评审的项目")
    label = "；".join(parts) if parts else "您的账号没有可查看的项目"
    return DashboardScope(label=label, areas=tuple(areas), area_of=area_of)


# ------------------------------------------------------------------ the figures


@dataclass
class Dashboard:
    scope: DashboardScope
    year: int | None
    years: list[int]
    project_count: int
    total_yuan: int
    approved_count: int
    approved_yuan: int
    overdue_count: int
    charts: list[Chart]

    @property
    def total_text(self) -> str:
        return yuan_to_wan_exact_text(self.total_yuan)

    @property
    def approved_text(self) -> str:
        return yuan_to_wan_exact_text(self.approved_yuan)

    @property
    def year_label(self) -> str:
        return f"{self.year}年度" if self.year else "全部年度"

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.key == key), None)


def _band_q(low: int, high: int | None) -> Q:
    q = Q(total_yuan__gte=low)
    return q & Q(total_yuan__lt=high) if high is not None else q


def _by_status_and_year(projects: QuerySet[Project]) -> list[Mapping[str, Any]]:
    """One scan of the projects serves the status, year and amount-band charts and the headline totals."""
    bands: dict[str, Any] = {}
    for index, (_label, low, high) in enumerate(AMOUNT_BANDS):
        bands[f"band{index}_n"] = Count("pk", filter=_band_q(low, high))
        bands[f"band{index}_yuan"] = Sum("total_yuan", filter=_band_q(low, high))
    rows: list[Mapping[str, Any]] = list(
        projects.order_by()
        .values("status", "year")
        .annotate(n=Count("pk"), yuan=Sum("total_yuan"), **bands)
        .order_by()
    )
    return rows


def _stage_chart(groups: Iterable[Mapping[str, Any]]) -> Chart:
    totals: dict[str, list[int]] = {}
    for group in groups:
        total = totals.setdefault(group["status"], [0, 0])
        total[0] += group["n"]
        total[1] += _int(group["yuan"])
    rows = [(label, *totals[code]) for code, label in Status.choices if code in totals]
    return Chart(
        key=ChartKey.STAGE,
        columns=(Column("项目状态"), Column("项目数", COUNT), Column("总投资", YUAN)),
        plots=COUNT_AND_AMOUNT,
        rows=rows,
    )


def _year_chart(groups: Iterable[Mapping[str, Any]]) -> Chart:
    totals: dict[int, list[int]] = {}
    for group in groups:
        total = totals.setdefault(group["year"], [0, 0])
        total[0] += group["n"]
        total[1] += _int(group["yuan"])
    return Chart(
        key=ChartKey.YEAR,
        columns=(Column("申报年度"), Column("项目数", COUNT), Column("总投资", YUAN)),
        plots=COUNT_AND_AMOUNT,
        rows=[(f"{year}年", *totals[year]) for year in sorted(totals)],
        note="各年度并列，不受年度筛选影响。",
    )


def _band_chart(groups: Iterable[Mapping[str, Any]]) -> Chart:
    totals = [[0, 0] for _band in AMOUNT_BANDS]
    for group in groups:
        for index, total in enumerate(totals):
            total[0] += group[f"band{index}_n"]
            total[1] += _int(group[f"band{index}_yuan"])
    return Chart(
        key=ChartKey.BAND,
        columns=(Column("投资规模"), Column("项目数", COUNT), Column("总投资", YUAN)),
        plots=COUNT_AND_AMOUNT,
        rows=[(label, *totals[index]) for index, (label, _low, _high) in enumerate(AMOUNT_BANDS)]
        if any(count for count, _yuan in totals)
        else [],
        kind="pie",
        note="按项目申报总投资分档：50万元以下、50万至200万元（含50万）、200万至1000万元（含200万）、1000万元及以上。",
    )


def _by_unit(projects: QuerySet[Project]) -> list[Mapping[str, Any]]:
    """One scan serves the unit, budget and lower-level charts: each lead unit's projects (by jurisdiction),
    and the requested and approved amounts of those with a 立项 record."""
    rows: list[Mapping[str, Any]] = list(
        projects.order_by()
        .values("lead_unit_id", "lead_unit__name", "jurisdiction_id")
        .annotate(
            n=Count("pk"),
            yuan=Sum("total_yuan"),
            approved_n=Count("approval__pk"),
            requested_yuan=Sum("total_yuan", filter=Q(approval__isnull=False)),
            approved_yuan=Sum("approval__approved_budget_yuan"),
        )
        .order_by()
    )
    return rows


UNIT_SUMS = ("n", "yuan", "approved_n", "requested_yuan", "approved_yuan")


def _unit_totals(groups: Iterable[Mapping[str, Any]]) -> list[tuple[str, dict[str, int]]]:
    """(unit name, its sums) for each lead unit, the largest total first."""
    units: dict[int, tuple[str, dict[str, int]]] = {}
    for group in groups:
        _name, sums = units.setdefault(
            group["lead_unit_id"], (group["lead_unit__name"], dict.fromkeys(UNIT_SUMS, 0))
        )
        for name in UNIT_SUMS:
            sums[name] += _int(group[name])
    return sorted(units.values(), key=lambda unit: (-unit[1]["yuan"], unit[0]))


def _unit_chart(units: list[tuple[str, dict[str, int]]]) -> Chart:
    return Chart(
        key=ChartKey.UNIT,
        columns=(Column("建设单位"), Column("项目数", COUNT), Column("总投资", YUAN)),
        plots=(Plot(2, axis=1), Plot(1)),
        rows=[(name, sums["n"], sums["yuan"]) for name, sums in units],
        kind="hbar",
        note=f"按总投资从高到低排列；图中显示前 {CHART_TOP} 个单位，表格列出全部。",
    )


def _budget_chart(units: list[tuple[str, dict[str, int]]]) -> Chart:
    approved = sorted(
        (unit for unit in units if unit[1]["approved_n"]), key=lambda u: (-u[1]["approved_yuan"], u[0])
    )
    return Chart(
        key=ChartKey.BUDGET,
        columns=(
            Column("建设单位"),
            Column("已立项项目数", COUNT),
            Column("申报总投资", YUAN),
            Column("批复投资", YUAN),
            Column("核减", YUAN),
        ),
        plots=(Plot(2, axis=1), Plot(3, axis=1)),
        rows=[
            (
                name,
                sums["approved_n"],
                sums["requested_yuan"],
                sums["approved_yuan"],
                sums["requested_yuan"] - sums["approved_yuan"],
            )
            for name, sums in approved
        ],
        note="已立项项目的申报总投资与立项批复投资，按建设单位；核减 = 申报总投资 − 批复投资。",
    )


def _overdue_groups(project_ids: ProjectIds) -> list[Mapping[str, Any]]:
    return list(
        Obligation.objects.filter(state=ObligationState.OVERDUE, project_id__in=project_ids)
        .values("organisation_id", "organisation__name")
        .annotate(n=Count("pk"), projects=Count("project_id", distinct=True))
        .order_by("-n", "organisation__name")
    )


def _overdue_chart(groups: Iterable[Mapping[str, Any]]) -> Chart:
    return Chart(
        key=ChartKey.OVERDUE,
        columns=(Column("责任单位"), Column("逾期事项数", COUNT), Column("涉及项目数", COUNT)),
        plots=(Plot(1), Plot(2)),
        rows=[(g["organisation__name"], _int(g["n"]), _int(g["projects"])) for g in groups],
        kind="hbar",
        note=f"状态为“已逾期”的期限事项；图中显示前 {CHART_TOP} 个单位，表格列出全部。",
    )


def _acceptance_groups(project_ids: ProjectIds) -> list[Mapping[str, Any]]:
    return list(
        AcceptanceApplication.objects.filter(project_id__in=project_ids)
        .values("status")
        .annotate(n=Count("pk"), projects=Count("project_id", distinct=True))
        .order_by()
    )


def _acceptance_chart(rows: Iterable[Mapping[str, Any]]) -> Chart:
    groups = {g["status"]: g for g in rows}
    return Chart(
        key=ChartKey.ACCEPTANCE,
        columns=(Column("申请状态"), Column("申请数", COUNT), Column("涉及项目数", COUNT)),
        plots=(Plot(1),),
        rows=[
            (label, _int(groups[code]["n"]), _int(groups[code]["projects"]))
            for code, label in ApplicationStatus.choices
            if code in groups
        ],
        kind="pie",
        note="一个项目验收不通过后可再次申请，故申请数可多于项目数。",
    )


def _evaluation_groups(project_ids: ProjectIds) -> list[Mapping[str, Any]]:
    return list(
        Evaluation.objects.filter(project_id__in=project_ids)
        .values("kind", "conclusion")
        .annotate(n=Count("pk"))
        .order_by("kind", "conclusion")
    )


def _evaluation_chart(groups: Iterable[Mapping[str, Any]]) -> Chart:
    labels = dict(EvaluationKind.choices)
    return Chart(
        key=ChartKey.EVALUATION,
        columns=(Column("评价类型"), Column("评价结论"), Column("评价数", COUNT)),
        plots=(Plot(2),),
        rows=[(labels.get(g["kind"], g["kind"]), g["conclusion"], _int(g["n"])) for g in groups],
        note="自评价与绩效评价的结论（含各评价年度）。",
    )


def _children_chart(groups: Iterable[Mapping[str, Any]], scope: DashboardScope) -> Chart:
    sums = ("n", "yuan", "approved_n", "approved_yuan")
    totals: dict[int, list[int]] = {area.key: [0] * len(sums) for area in scope.areas}
    for group in groups:
        area = scope.area_of.get(group["jurisdiction_id"])
        if area not in totals:
            continue  # e.g. a unit role's projects outside the jurisdictions overseen
        for index, name in enumerate(sums):
            totals[area][index] += _int(group[name])
    rows = [
        (area.label, *totals[area.key]) for area in scope.areas if not area.own_level or totals[area.key][0]
    ]
    return Chart(
        key=ChartKey.CHILDREN,
        columns=(
            Column("行政区划"),
            Column("项目数", COUNT),
            Column("总投资", YUAN),
            Column("已立项项目数", COUNT),
            Column("批复投资", YUAN),
        ),
        plots=(Plot(1), Plot(3), Plot(2, type="line", axis=1), Plot(4, type="line", axis=1)),
        rows=rows,
        note="各下级区划（含其下级）并列；“本级”为本级区划自身的项目。",
    )


@dataclass
class _Groups:
    """The grouped rows every chart is drawn from, live or from the summary (same keys, ints)."""

    by_status_and_year: list[Mapping[str, Any]]
    by_unit: list[Mapping[str, Any]]
    overdue: list[Mapping[str, Any]]
    acceptance: list[Mapping[str, Any]]
    evaluation: list[Mapping[str, Any]]


def _groups_live(user: Any, year: int | None) -> _Groups:
    visible = project_list_for_user(user)
    groups = _by_status_and_year(visible)
    projects = visible.filter(year=year) if year is not None else visible
    # the other records of those projects: an id list (IN semi-join) by the same visibility rule
    project_ids = Project.objects.filter(project_visibility_q(user))
    if year is not None:
        project_ids = project_ids.filter(year=year)
    ids = project_ids.values("pk")
    return _Groups(
        by_status_and_year=groups,
        by_unit=_by_unit(projects),
        overdue=_overdue_groups(ids),
        acceptance=_acceptance_groups(ids),
        evaluation=_evaluation_groups(ids),
    )


def _summed(rows: Iterable[Mapping[str, Any]], keys: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """Summary rows with their sums as ints (PostgreSQL gives SUM(bigint) as numeric)."""
    return [{name: value if name in keys else _int(value) for name, value in row.items()} for row in rows]


def _groups_summary(jurisdiction_ids: Iterable[int], year: int | None) -> _Groups:
    """The same grouped rows, added up from the summary rows of the jurisdictions (see ``models``)."""
    where = Q(jurisdiction_id__in=list(jurisdiction_ids))
    in_year = where & Q(year=year) if year is not None else where
    band_sums = {
        f"band{index}_{part}": Sum(f"band{index}_{part}")
        for index in range(len(AMOUNT_BANDS))
        for part in ("n", "yuan")
    }
    by_status_and_year = (
        StatusCell.objects.filter(where)
        .values("status", "year")
        .annotate(n=Sum("n"), yuan=Sum("yuan"), **band_sums)
        .order_by()
    )
    unit_keys = ("lead_unit_id", "lead_unit__name", "jurisdiction_id")
    by_unit = (
        UnitCell.objects.filter(in_year)
        .values(*unit_keys)
        .annotate(**{name: Sum(name) for name in UNIT_SUMS})
        .order_by()
    )
    records = RecordCell.objects.filter(in_year)
    overdue = (
        records.filter(kind=RecordKind.OVERDUE)
        .values("organisation_id", "organisation__name")
        .annotate(n=Sum("n"), projects=Sum("projects"))
        .order_by("-n", "organisation__name")
    )
    acceptance = (
        records.filter(kind=RecordKind.ACCEPTANCE)
        .values(status=F("key"))
        .annotate(n=Sum("n"), projects=Sum("projects"))
        .order_by()
    )
    evaluation = (
        records.filter(kind=RecordKind.EVALUATION)
        .values("key", "conclusion")
        .annotate(n=Sum("n"))
        .order_by("key", "conclusion")
    )
    return _Groups(
        by_status_and_year=_summed(by_status_and_year, ("status", "year")),
        by_unit=_summed(by_unit, unit_keys),
        overdue=_summed(overdue, ("organisation_id", "organisation__name")),
        acceptance=_summed(acceptance, ("status",)),
        evaluation=[
            {"kind": row["key"], "conclusion": row["conclusion"], "n": _int(row["n"])} for row in evaluation
        ],
    )


def dashboard_summary_serves(user: Any) -> bool:
    """Whether the summary holds exactly what ``user`` sees: whole jurisdictions, declared projects only — a
    bureau, supervisor or leader with no unit or expert role (those also see their own, co-built or assigned
    projects, and are few: their figures stay live)."""
    scope = user_scope(user)
    return bool(scope.overseen_jurisdiction_ids) and not scope.unit_org_ids and not scope.is_expert


def dashboard_compute(*, user: Any, year: int | None = None, live: bool = False) -> Dashboard:
    """Every chart of the dashboard for ``user``, for one 申报年度 or all of them; from the summary rows when
    they serve the user (``live`` forces the aggregates over the projects themselves)."""
    scope = dashboard_scope(user)
    if dashboard_summary_serves(user) and not live:
        found = _groups_summary(user_scope(user).overseen_jurisdiction_ids, year)
    else:
        found = _groups_live(user, year)
    groups = found.by_status_and_year
    in_year = [g for g in groups if year is None or g["year"] == year]
    units = _unit_totals(found.by_unit)
    budget = _budget_chart(units)
    overdue = _overdue_chart(found.overdue)
    charts = [
        _stage_chart(in_year),
        _year_chart(groups),
        _unit_chart(units),
        _band_chart(in_year),
        budget,
        overdue,
        _acceptance_chart(found.acceptance),
        _evaluation_chart(found.evaluation),
    ]
    if scope.areas:
        charts.append(_children_chart(found.by_unit, scope))
    budget_total = budget.total
    return Dashboard(
        scope=scope,
        year=year,
        years=sorted({g["year"] for g in groups}, reverse=True),
        project_count=sum(g["n"] for g in in_year),
        total_yuan=sum(_int(g["yuan"]) for g in in_year),
        approved_count=int(budget_total[1]),
        approved_yuan=int(budget_total[3]),
        overdue_count=int(overdue.total[1]),
        charts=charts,
    )


def dashboard_json(board: Dashboard) -> dict[str, Any]:
    return {
        "scope": board.scope.label,
        "year": board.year,
        "summary": {
            "projects": board.project_count,
            "total_wan": float(yuan_to_wan(board.total_yuan)),
            "approved_projects": board.approved_count,
            "approved_wan": float(yuan_to_wan(board.approved_yuan)),
            "overdue_obligations": board.overdue_count,
        },
        "charts": [chart.as_json() for chart in board.charts],
    }
