from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from govit.accounts.models import Jurisdiction, Organisation
from govit.core.forms import AmountField, ModelChoiceField, ProtectedFieldsMixin, reject_markup
from govit.projects.choices import (
    COST_HEADS,
    EARMARKS,
    FundingSource,
    Nature,
    ProcurementCategory,
    Secrecy,
    Status,
)
from govit.projects.models import COST_FIELDS, DECLARATION_FIELDS, FUNDING_FIELDS
from govit.projects.textcheck import reject_hidden_chars

TEXT_LIMIT = 5000
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


def _text(
    label: str, *, required: bool = False, max_length: int = TEXT_LIMIT, rows: int = 3
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        validators=[reject_markup, reject_hidden_chars],
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"请填写{label}",
            "max_length": f"{label}不能超过 %(limit_value)d 个字（当前 %(show_value)d 个字）",
        },
    )


class ProjectForm(ProtectedFieldsMixin, forms.Form):
    """申报信息 — what a construction unit fills in. Amounts in 万元 (``amount_unit='yuan'`` for the API)."""

    protected_fields = (
        "status",
        "current_stage",
        "jurisdiction",
        "pack_code",
        "pack_version",
        "created_by",
        "submitted_at",
        "total_yuan",
    )

    name = forms.CharField(
        label="项目名称",
        max_length=100,
        validators=[reject_markup, reject_hidden_chars],
        error_messages={
            "required": "请填写项目名称",
            "max_length": "项目名称不能超过 %(limit_value)d 个字（当前 %(show_value)d 个字）",
        },
    )
    year = forms.IntegerField(
        label="申报年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写申报年度",
            "invalid": "申报年度应为四位数字年份",
            "min_value": "申报年度不能早于 %(limit_value)s 年",
            "max_value": "申报年度不能晚于 %(limit_value)s 年",
        },
    )
    lead_unit = forms.ModelChoiceField(
        label="建设单位",
        queryset=Organisation.objects.none(),
        error_messages={"required": "请选择建设单位", "invalid_choice": "所选建设单位无效或您无权为其申报"},
    )
    co_units = forms.ModelMultipleChoiceField(
        label="共建单位",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        error_messages={"invalid_choice": "所选共建单位无效", "invalid_pk_value": "所选共建单位无效"},
    )
    nature = forms.ChoiceField(
        label="建设性质",
        choices=Nature.choices,
        error_messages={"required": "请选择建设性质", "invalid_choice": "建设性质无效"},
    )
    procurement_category = forms.ChoiceField(
        label="采购类别",
        choices=ProcurementCategory.choices,
        error_messages={"required": "请选择采购类别", "invalid_choice": "采购类别无效"},
    )
    secrecy = forms.ChoiceField(
        label="涉密属性",
        choices=Secrecy.choices,
        initial=Secrecy.NON_CLASSIFIED,
        error_messages={"required": "请选择涉密属性", "invalid_choice": "涉密属性无效"},
    )
    summary = _text("项目简要说明及建设依据", rows=4)
    objectives = _text("建设目标")
    content = _text("主要建设内容", rows=5)
    benefits = _text("预期效益")
    functions = _text("主要功能（功能模块）")
    tech_route = _text("技术路线")
    data_summary = _text("数据资源（采集、共享的数据）")
    contact_name = forms.CharField(
        label="联系人", max_length=40, required=False, validators=[reject_markup, reject_hidden_chars]
    )
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    buys_server_hardware = forms.BooleanField(label="购置服务器等硬件", required=False)
    deploys_on_gov_cloud = forms.BooleanField(label="部署在政务云", required=False)
    has_data_catalog = forms.BooleanField(label="已编制数据资源目录", required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    request_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        unit_choices: Any = None,
        co_unit_choices: Any = None,
        amount_unit: str = "wan",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        suffix = "（万元）" if amount_unit == "wan" else "（元）"
        for code, label in COST_HEADS + EARMARKS:
            self.fields[f"cost_{code}"] = AmountField(unit=amount_unit, label=label + suffix)
        for code in FundingSource.values:
            self.fields[f"fund_{code}"] = AmountField(
                unit=amount_unit, label=FundingSource(code).label + suffix
            )
        if unit_choices is not None:
            self.fields["lead_unit"].queryset = unit_choices  # type: ignore[attr-defined]
        else:
            del self.fields["lead_unit"]
        if co_unit_choices is not None:
            self.fields["co_units"].queryset = co_unit_choices  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise ValidationError("请填写项目名称")
        return name

    def clean_contact_phone(self) -> str:
        phone = str(self.cleaned_data.get("contact_phone", "")).strip()
        if phone and not _PHONE.match(phone):
            raise ValidationError("联系电话格式不正确")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_protected()
        if not self.errors:
            total = sum(int(data.get(f"cost_{code}", 0)) for code, _ in COST_HEADS)
            if total > 10**12:
                self.add_error("cost_engineering", "项目总投资不能超过 1,000,000,000,000 元")
            for code, label in EARMARKS:
                if int(data.get(f"cost_{code}", 0)) > total:
                    self.add_error(f"cost_{code}", f"{label}不能超过项目总投资")
        return data

    def project_fields(self) -> dict[str, Any]:
        """The cleaned values that go onto the Project."""
        return {
            name: self.cleaned_data[name] for name in (*DECLARATION_FIELDS, *COST_FIELDS, *FUNDING_FIELDS)
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因",
        max_length=500,
        validators=[reject_markup, reject_hidden_chars],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写撤回原因", "max_length": "撤回原因不能超过 %(limit_value)d 个字"},
    )


class FindingOverrideForm(forms.Form):
    justification = forms.CharField(
        label="豁免理由",
        min_length=10,
        max_length=1000,
        validators=[reject_markup, reject_hidden_chars],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "请填写豁免理由",
            "min_length": "豁免理由不少于 %(limit_value)d 个字",
            "max_length": "豁免理由不能超过 %(limit_value)d 个字",
        },
    )


class OverrideRevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销理由",
        max_length=500,
        validators=[reject_markup, reject_hidden_chars],
        error_messages={"required": "请填写撤销理由", "max_length": "撤销理由不能超过 %(limit_value)d 个字"},
    )


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *Status.choices], required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    unit = ModelChoiceField(label="建设单位", queryset=Organisation.objects.none(), required=False)
    min_wan = AmountField(label="最低金额（万元）")
    max_wan = AmountField(label="最高金额（万元）")
    q = forms.CharField(label="关键词", max_length=100, required=False)

    def __init__(self, *args: Any, unit_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit_choices is not None:
            self.fields["unit"].queryset = unit_choices  # type: ignore[attr-defined]


class DeclarationRoundForm(forms.Form):
    jurisdiction = forms.TypedChoiceField(
        label="行政区划",
        coerce=int,
        error_messages={"required": "请选择行政区划", "invalid_choice": "所选行政区划无效或您无权发布"},
    )
    year = forms.IntegerField(
        label="计划年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写计划年度", "invalid": "计划年度应为四位数字年份"},
    )
    name = forms.CharField(
        label="批次名称",
        max_length=100,
        validators=[reject_markup, reject_hidden_chars],
        error_messages={"required": "请填写批次名称"},
    )
    opens_on = forms.DateField(
        label="开始受理日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写开始受理日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    closes_on = forms.DateField(
        label="申报截止日期（不填为常态化受理）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    notice = forms.CharField(
        label="申报通知（文号）",
        max_length=120,
        required=False,
        validators=[reject_markup, reject_hidden_chars],
    )
    basis = forms.CharField(
        label="依据",
        max_length=300,
        required=False,
        validators=[reject_markup, reject_hidden_chars],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, jurisdictions: Sequence[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.pk, j.name) for j in jurisdictions]  # type: ignore[attr-defined]
