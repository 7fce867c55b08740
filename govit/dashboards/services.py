"""统计分析 changes nothing; looking at the figures and downloading them are recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from govit.audit.models import AuditEvent
from govit.audit.services import audit_record
from govit.dashboards.charts import Chart
from govit.dashboards.selectors import Dashboard


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
