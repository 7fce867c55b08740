from __future__ import annotations

from django.db import models


class ChartKey(models.TextChoices):
    """统计分析 — the charts of the dashboard, in the order the page shows them."""

    STAGE = "stage", "按项目状态"
    YEAR = "year", "按申报年度"
    UNIT = "unit", "按建设单位"
    BAND = "band", "按投资规模"
    BUDGET = "budget", "批复投资与申报总投资"
    OVERDUE = "overdue", "逾期期限事项（按责任单位）"
    ACCEPTANCE = "acceptance", "竣工验收申请结果"
    EVALUATION = "evaluation", "评价结论"
    CHILDREN = "children", "下级区划对比"


# 投资规模: [low, high) in 元; None is open-ended. Every amount falls in exactly one band.
AMOUNT_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("50万元以下", 0, 500_000),
    ("50万至200万元", 500_000, 2_000_000),
    ("200万至1000万元", 2_000_000, 10_000_000),
    ("1000万元及以上", 10_000_000, None),
)

# A chart with many categories shows the largest ones; its table lists them all.
CHART_TOP = 20
