"""Boundary forms of the acceptance page: types and sizes; the services check the rules."""

from __future__ import annotations

from django import forms

from govit.acceptance.choices import Conclusion, ReportSource, ResourceKind, SanctionCode, ShareMode
from govit.core.forms import reject_markup

_DATE = {"invalid": "日期格式应为 YYYY-MM-DD"}


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={**_DATE, "required": f"请填写{label}"},
    )


def _text(label: str, limit: int, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        validators=[reject_markup],
        widget=forms.Textarea(attrs={"rows": 3}) if limit > 300 else forms.TextInput(),
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过 {limit} 个字"},
    )


def _count(label: str, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10**9,
        error_messages={
            "invalid": f"{label}应为整数",
            "min_value": f"{label}不能为负数",
            "max_value": f"{label}过大",
            "required": f"请填写{label}",
        },
    )


def _year(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=2000,
        max_value=2200,
        error_messages={
            "invalid": f"{label}应为四位年份",
            "required": f"请填写{label}",
            "min_value": f"{label}无效",
            "max_value": f"{label}无效",
        },
    )


class InitialForm(forms.Form):
    held_on = _date("初验日期")
    conclusion = forms.ChoiceField(
        label="初验结论",
        choices=Conclusion.choices,
        error_messages={"required": "请选择初验结论", "invalid_choice": "初验结论无效"},
    )
    goals_met = forms.BooleanField(label="符合批复的建设目标", required=False)
    scope_met = forms.BooleanField(label="完成批复的建设内容", required=False)
    contract_met = forms.BooleanField(label="符合合同约定", required=False)
    opinion = _text("专家组意见", 4000)


class TrialStartForm(forms.Form):
    started_on = _date("试运行开始日期")


class UsageForm(forms.Form):
    day = _date("运行日期")
    active_users = _count("活跃用户数")
    visits = _count("访问量")
    faults = _count("故障次数", required=False)


class TrialEndForm(forms.Form):
    ended_on = _date("试运行结束日期")
    report_source = forms.ChoiceField(
        label="试运行报告",
        choices=ReportSource.choices,
        error_messages={"required": "请选择试运行报告的来源", "invalid_choice": "试运行报告来源无效"},
    )
    report = _text("试运行报告", 8000, required=False)


class EvidenceForm(forms.Form):
    form_id = forms.CharField(widget=forms.HiddenInput, max_length=80)


class ApplyForm(forms.Form):
    """提出申请: nothing to type; the service checks the evidence already saved."""


class ConfirmForm(forms.Form):
    form_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    decision = forms.ChoiceField(
        choices=[("confirm", "确认"), ("refuse", "不予确认")], error_messages={"required": "请选择确认结果"}
    )
    note = _text("确认意见", 2000, required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="验收结论",
        choices=[("pass", "验收通过"), ("fail", "验收不通过"), ("return", "退回申请")],
        error_messages={"required": "请选择验收结论", "invalid_choice": "验收结论无效"},
    )
    decided_on = _date("验收日期", required=False)
    opinion = _text("验收意见", 4000)
    rectify_by = _date("整改期限", required=False)


class ExtensionForm(forms.Form):
    new_due_on = _date("申请延至")
    reason = _text("延期理由", 2000)


class ExtensionDecideForm(forms.Form):
    extension = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("agree", "同意"), ("reject", "不同意")], error_messages={"required": "请选择审核结果"}
    )
    note = _text("审核意见", 2000)


class OrderForm(forms.Form):
    finding = _text("存在问题", 4000)
    source = forms.ChoiceField(
        choices=[("supervision", "监督检查"), ("obligation", "期限事项逾期"), ("evaluation", "绩效评价")],
        required=False,
        error_messages={"invalid_choice": "整改来源无效"},
    )
    rule_id = forms.CharField(max_length=80, required=False)
    due_on = _date("整改期限", required=False)


class RespondForm(forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    evidence = _text("整改情况", 8000, required=False)


class RecheckForm(forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("close", "整改完成，关闭"), ("reopen", "未完成，退回继续整改")],
        error_messages={"required": "请选择复核结果"},
    )
    note = _text("复核意见", 2000, required=False)


class SanctionForm(forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.ChoiceField(
        choices=SanctionCode.choices,
        error_messages={"required": "请选择处理措施", "invalid_choice": "处理措施无效"},
    )
    reason = _text("处理理由", 2000)


class SanctionDecideForm(forms.Form):
    sanction = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", "批准"), ("reject", "不批准")], error_messages={"required": "请选择审批结果"}
    )
    note = _text("审批意见", 2000)


class OmFilingForm(forms.Form):
    rule_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    year = _year("备案年度")
    filed_on = _date("备案日期")


class EvaluationForm(forms.Form):
    rule_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    year = _year("评价年度")
    evaluated_on = _date("评价日期")


class DataResourceForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别",
        choices=ResourceKind.choices,
        error_messages={"required": "请选择数据资源类别", "invalid_choice": "数据资源类别无效"},
    )
    name = _text("资源（事项）名称", 100)
    description = _text("信息项 / 说明", 4000)
    share_mode = forms.ChoiceField(
        label="共享方式",
        choices=ShareMode.choices,
        error_messages={"required": "请选择共享方式", "invalid_choice": "共享方式无效"},
    )
    shared_on = _date("挂接共享平台日期", required=False)


class SharingCheckForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("compliant", "按规定共享"), ("noncompliant", "未按规定共享")],
        error_messages={"required": "请选择核查结论"},
    )
    note = _text("核查意见", 2000, required=False)
