from __future__ import annotations

from typing import Any

from django import forms

from govit.audit.choices import Outcome
from govit.audit.selectors import AuditEventFilter


class AuditSearchForm(forms.Form):
    """审计日志检索 — by time range, user, event type and outcome."""

    date_from = forms.DateField(label="开始日期", required=False)
    date_to = forms.DateField(label="结束日期", required=False)
    user = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.CharField(label="事件类型", required=False, max_length=80)
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *Outcome.choices])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data

    def criteria(self) -> AuditEventFilter:
        data = self.cleaned_data
        return AuditEventFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            user=(data.get("user") or "").strip(),
            action=(data.get("action") or "").strip(),
            outcome=data.get("outcome") or "",
        )

    def facts(self) -> dict[str, str]:
        """The criteria as recorded in the audit event of a search or an export."""
        return {key: str(value) for key, value in self.cleaned_data.items() if value}
