from __future__ import annotations

from django import forms

YEAR_ERROR = "年度应为 2000 至 2100 之间的四位数字年份"


class DashboardFilterForm(forms.Form):
    """统计分析的筛选条件：申报年度（不选为全部年度）。"""

    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": f"{YEAR_ERROR}，不能识别所填内容",
            "min_value": f"{YEAR_ERROR}，不能早于 2000 年",
            "max_value": f"{YEAR_ERROR}，不能晚于 2100 年",
        },
    )
