"""统计分析 changes no project; looking at the figures and downloading them are recorded in the audit log, and the
summary rows behind the figures follow every audited change."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction

from govit.audit.choices import Outcome
from govit.audit.models import AuditEvent
from govit.audit.services import audit_record
from govit.dashboards.charts import Chart
from govit.dashboards.selectors import Dashboard
from govit.dashboards.summary import (
    summary_project_refresh,
    summary_projects_refresh,
    summary_recompute,
)
from govit.projects.models import Project


def dashboard_view_record(*, actor: Any, board: Dashboard, kind: str) -> AuditEvent:
    """The page (``kind`` "page") or its chart data ("json") was shown to ``actor``."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="dashboard.view",
            after={
                "format": kind,
                "year": board.year,
                "scope": board.scope.label,
                "projects": board.project_count,
            },
        )


def dashboard_export_record(*, actor: Any, board: Dashboard, chart: Chart) -> AuditEvent:
    """The table of one chart was downloaded as .xlsx."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="dashboard.export",
            after={
                "chart": chart.key,
                "title": chart.title,
                "year": board.year,
                "scope": board.scope.label,
                "rows": len(chart.rows),
            },
        )


# ------------------------------------------------------------------ 统计分析汇总 kept current


def on_audit_event(action: str, target: Any, outcome: str) -> None:
    """Every change of a project, its 立项, obligations, acceptance or evaluations is audited with the project as
    target; the project's contribution to the summary rows follows in the same transaction (so it commits or
    rolls back with the change)."""
    if not isinstance(target, Project) or outcome != Outcome.SUCCESS:
        return
    if action.endswith((".view", ".export", ".download", "_denied")):
        return
    summary_project_refresh(target.pk)


def on_obligations_bulk(project_ids: Collection[int]) -> None:
    """The obligation scan or resync changed these projects' obligations in bulk: their overdue counts follow."""
    dashboard_summary_rebuild(project_ids=project_ids)


def dashboard_summary_rebuild(
    *, jurisdiction_ids: Collection[int] | None = None, project_ids: Collection[int] | None = None
) -> None:
    """Bring the summary up to date after bulk work that writes projects or their records without an audit
    event per project (seeding, imports, the obligation scan): given ``project_ids``, those projects (the cost
    follows their number); otherwise every row of the given jurisdictions (all when None) is recomputed."""
    with transaction.atomic():
        if project_ids is not None:
            summary_projects_refresh(project_ids)
        else:
            summary_recompute(jurisdiction_ids=jurisdiction_ids)
