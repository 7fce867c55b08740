from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from govit.accounts.models import Jurisdiction
from govit.core.forms import AmountField, reject_markup
from govit.workflow.choices import OpinionConclusion, Outcome


class StageDecisionForm(forms.Form):
    stage_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    outcome = forms.ChoiceField(
        label="结论", choices=Outcome.choices, error_messages={"required": "请选择结论"}
    )
    reason = forms.CharField(
        label="审查意见 / 退回原因",
        required=False,
        max_length=2000,
        validators=[reject_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label="修改期限（退回时填写）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    approval_number = forms.CharField(
        label="立项文号", required=False, max_length=80, validators=[reject_markup]
    )
    approved_budget = AmountField(label="批复投资（万元）")
    approved_on = forms.DateField(
        label="批复日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    decided_by_body = forms.CharField(
        label="决策机构", required=False, max_length=120, validators=[reject_markup]
    )


class StageOpinionForm(forms.Form):
    stage_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    conclusion = forms.ChoiceField(
        label="会审结论", choices=[("", "—"), *OpinionConclusion.choices], required=False
    )
    opinion = forms.CharField(
        label="意见",
        max_length=2000,
        validators=[reject_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写意见"},
    )


class UrgeForm(forms.Form):
    message = forms.CharField(label="催办内容", max_length=500, validators=[reject_markup])


class CopyToForm(forms.Form):
    organisation = forms.IntegerField(label="抄送单位")
    message = forms.CharField(label="说明", max_length=500, required=False, validators=[reject_markup])


class PlanFilterForm(forms.Form):
    jurisdiction = forms.TypedChoiceField(
        label="行政区划", coerce=int, error_messages={"invalid_choice": "所选行政区划无效或您无权查看"}
    )
    year = forms.IntegerField(
        label="计划年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "计划年度应为四位数字年份",
            "min_value": "计划年度不能早于 %(limit_value)s 年",
            "max_value": "计划年度不能晚于 %(limit_value)s 年",
        },
    )

    def __init__(self, *args: Any, jurisdictions: Sequence[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.pk, j.name) for j in jurisdictions]  # type: ignore[attr-defined]
