"""A small known portfolio for 统计分析: seven 舒城 projects of two units in several states and amount bands,
two 章贡 projects, with 立项 records, obligations, acceptance applications and evaluations."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest

from govit.acceptance.models import AcceptanceApplication, Evaluation
from govit.core import clock
from govit.dashboards.services import dashboard_summary_rebuild
from govit.obligations.models import Obligation
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval

# name: (unit, creator, year, status, total 元, approved 元 or None)
PORTFOLIO: dict[str, tuple[str, str, int, str, int, int | None]] = {
    "A": ("education", "clerk", 2027, "approved", 3_000_000, 2_800_000),
    "B": ("education", "clerk", 2027, "in_construction", 12_345_678, 12_000_000),
    "C": ("education", "clerk", 2027, "submitted", 499_999, None),
    "D": ("education", "clerk", 2026, "in_operation", 500_000, 500_000),
    "E": ("education", "clerk", 2027, "draft", 800_000, None),
    "F": ("health", "health_clerk", 2027, "in_review", 2_000_000, None),
    "G": ("health", "health_clerk", 2027, "approved", 10_000_000, 9_000_000),
    "H": ("zg_education", "outsider", 2027, "approved", 5_000_000, 4_500_000),
    "I": ("zg_education", "outsider", 2027, "draft", 100_000, None),
}


def projects_create(
    world: dict[str, Any], specs: dict[str, tuple[Any, ...]], prefix: str = ""
) -> dict[str, Project]:
    """Projects, their 立项 records — in bulk, as a data import would (and the dashboard's summary after)."""
    created = Project.objects.bulk_create(
        Project(
            name=f"{prefix}项目{key}",
            year=year,
            jurisdiction=world["orgs"][unit].jurisdiction,
            lead_unit=world["orgs"][unit],
            nature="NEW",
            procurement_category="SERVICE",
            created_by=world["users"][creator],
            status=status,
            total_yuan=total,
            cost_software=total,
            fund_fiscal=total,
        )
        for key, (unit, creator, year, status, total, _approved) in specs.items()
    )
    projects = dict(zip(specs, created, strict=True))
    ProjectApproval.objects.bulk_create(
        ProjectApproval(
            project=projects[key],
            approval_number=f"{prefix}舒政秘〔2026〕{key}号",
            approved_budget_yuan=spec[5],
            approved_on=dt.date(2026, 11, 2),
            decided_by_body="县政府常务会议",
            stage_id="ST-000-06",
            recorded_by=world["users"]["reviewer"],
            recorded_at=clock.now(),
        )
        for key, spec in specs.items()
        if spec[5] is not None
    )
    dashboard_summary_rebuild()  # as an import does after writing its rows
    return projects


def obligation(project: Project, organisation: Any, state: str, rule: str) -> Obligation:
    due = dt.date(2026, 10, 1)
    return Obligation(
        project=project,
        jurisdiction=project.jurisdiction,
        organisation=organisation,
        role="PROJECT_UNIT",
        rule_id=rule,
        name="合同签订后10个工作日内备案",
        due_on=due,
        remind_on=due - dt.timedelta(days=3),
        state=state,
    )


def application(project: Project, status: str, who: Any) -> AcceptanceApplication:
    return AcceptanceApplication(project=project, status=status, created_by=who, created_at=clock.now())


def evaluation(project: Project, kind: str, year: int, conclusion: str, who: Any) -> Evaluation:
    return Evaluation(
        project=project,
        kind=kind,
        year=year,
        rule_id="SCORE-000-PERF",
        conclusion=conclusion,
        evaluated_on=dt.date(year, 12, 1),
        recorded_by=who,
        recorded_at=clock.now(),
    )


@pytest.fixture
def portfolio(world: dict[str, Any]) -> dict[str, Project]:
    p = projects_create(world, PORTFOLIO)
    orgs, users = world["orgs"], world["users"]
    Obligation.objects.bulk_create(
        [
            obligation(p["A"], orgs["education"], "overdue", "DL-01"),
            obligation(p["B"], orgs["education"], "overdue", "DL-02"),
            obligation(p["G"], orgs["bureau"], "overdue", "DL-03"),
            obligation(p["F"], orgs["health"], "upcoming", "DL-04"),
            obligation(p["D"], orgs["education"], "fulfilled", "DL-05"),
            obligation(p["H"], orgs["zg_education"], "overdue", "DL-06"),
        ]
    )
    AcceptanceApplication.objects.bulk_create(
        [
            application(p["D"], "passed", users["clerk"]),
            application(p["B"], "failed", users["clerk"]),
            application(p["B"], "submitted", users["clerk"]),
            application(p["H"], "passed", users["outsider"]),
        ]
    )
    Evaluation.objects.bulk_create(
        [
            evaluation(p["D"], "performance", 2026, "合格", users["reviewer"]),
            evaluation(p["D"], "self", 2027, "优", users["clerk"]),
            evaluation(p["H"], "performance", 2027, "不合格", users["outsider_reviewer"]),
        ]
    )
    dashboard_summary_rebuild()  # written in bulk, as a data import would
    return p


class TableReader(HTMLParser):
    """The tables of the dashboard page: {chart key: [[cell text, …], …]} (body rows, then the 合计 row)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headers: dict[str, list[str]] = {}
        self._chart = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and (attributes.get("id") or "").startswith("chart-"):
            self._chart = (attributes["id"] or "")[len("chart-") :]
            self.tables.setdefault(self._chart, [])
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._chart:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head:
                self.headers[self._chart] = self._row
            else:
                self.tables[self._chart].append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "section":
            self._chart = ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> tuple[dict[str, list[str]], dict[str, list[list[str]]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.headers, reader.tables
