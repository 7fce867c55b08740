from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from govit.core.forms import AmountField, reject_markup
from govit.delivery.choices import (
    ChangeKind,
    ContractKind,
    IncidentKind,
    ProcurementLot,
    ProcurementMethod,
    ProcurementRoute,
)
from govit.projects.choices import FundingSource

_DATE = {"invalid": "日期格式应为 YYYY-MM-DD"}
_PLAN_LINE = re.compile(r"^(.+?)[\s:：,，]+(\d{1,3}(?:\.\d{1,2})?)\s*[%％]?$")


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_DATE,
    )


def _months(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=600,
        error_messages={
            "invalid": f"{label}应为整数月数",
            "min_value": f"{label}不能为负数",
            "max_value": f"{label}不能超过 600 个月",
        },
    )


class ProcurementForm(forms.Form):
    lot = forms.ChoiceField(
        label="采购标的",
        choices=ProcurementLot.choices,
        initial=ProcurementLot.MAIN,
        required=False,
        error_messages={"invalid_choice": "采购标的无效"},
    )
    route = forms.ChoiceField(
        label="采购途径", choices=ProcurementRoute.choices, error_messages={"invalid_choice": "采购途径无效"}
    )
    method = forms.ChoiceField(
        label="采购方式", choices=ProcurementMethod.choices, error_messages={"invalid_choice": "采购方式无效"}
    )
    tender_on = _date("开标（采购）日期")
    award_notice_on = _date("中标（成交）通知书日期")
    supplier_name = forms.CharField(label="中标（成交）供应商", max_length=100, validators=[reject_markup])
    control_price = AmountField(label="预算控制价（万元，可不填）")


class ContractForm(forms.Form):
    kind = forms.ChoiceField(
        label="合同类型", choices=ContractKind.choices, error_messages={"invalid_choice": "合同类型无效"}
    )
    number = forms.CharField(label="合同编号", max_length=80, validators=[reject_markup])
    supplier_name = forms.CharField(label="乙方（供应商）", max_length=100, validators=[reject_markup])
    signed_on = _date("签订日期")
    amount = AmountField(label="合同金额（万元）")
    implementation_months = _months("实施周期（月）")
    warranty_months = _months("质保期 / 维保期（月）")
    free_om_months = _months("免费运维期（月）")
    service_months = _months("服务期（月）")
    payment_plan = forms.CharField(
        label="分期付款计划（每行一个支付节点：节点名称 比例%，合计 100%；可不填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "合同签订后 30%\n初验合格后 40%\n终验合格后 30%"}
        ),
        validators=[reject_markup],
    )

    def clean_payment_plan(self) -> list[tuple[str, Decimal]]:
        """Lines of "节点名称 比例%" as (name, percent); the service checks names and the 100% total."""
        plan: list[tuple[str, Decimal]] = []
        for number, line in enumerate(str(self.cleaned_data.get("payment_plan") or "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            match = _PLAN_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    f"付款计划第 {number} 行应写作“节点名称 比例%”，如“初验合格后 40%”"
                )
            plan.append((match.group(1).strip(), Decimal(match.group(2))))
        return plan

    def __init__(self, *args: Any, clauses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clause_codes = [code for code, _label in clauses]
        for code, label in clauses:
            self.fields[f"clause_{code}"] = forms.BooleanField(label=label, required=False)

    def clauses(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(f"clause_{code}")) for code in self.clause_codes}

    def clause_fields(self) -> list[forms.BoundField]:
        return [self[f"clause_{code}"] for code in self.clause_codes]


class PaymentForm(forms.Form):
    contract = forms.IntegerField(label="合同", widget=forms.HiddenInput)
    paid_on = _date("支付日期")
    amount = AmountField(label="支付金额（万元）")
    milestone = forms.CharField(label="支付节点", max_length=100, validators=[reject_markup])


class ChangeForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="变更事项",
        choices=ChangeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择变更事项", "invalid_choice": "变更事项无效"},
    )
    description = forms.CharField(
        label="变更内容及理由",
        max_length=2000,
        validators=[reject_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_total = AmountField(label="变更后投资（万元，投资不变可不填）")


class ChangeDecisionForm(forms.Form):
    change = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="办理结果",
        choices=[("agree", "同意（备案）"), ("reject", "不同意")],
        error_messages={"required": "请选择办理结果"},
    )
    note = forms.CharField(label="办理意见", max_length=2000, validators=[reject_markup])
    reapproval_number = forms.CharField(
        label="调整批复文号", max_length=80, required=False, validators=[reject_markup]
    )
    reapproved_on = _date("调整批复日期")


class FilingForm(forms.Form):
    rule_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    filed_on = _date("备案（报送）日期")
    content = forms.CharField(label="备案说明", max_length=4000, required=False, validators=[reject_markup])


class AcknowledgeForm(forms.Form):
    filing = forms.IntegerField(widget=forms.HiddenInput)


class ProgressForm(forms.Form):
    period = forms.CharField(label="报告月份", max_length=7)
    percent_complete = forms.IntegerField(
        label="累计完成比例（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "累计完成比例应为整数",
            "min_value": "累计完成比例应为 0 至 100 之间的整数",
            "max_value": "累计完成比例应为 0 至 100 之间的整数",
        },
    )
    spent = AmountField(label="累计完成投资（万元）")
    issues = forms.CharField(
        label="存在问题及下步计划", max_length=2000, required=False, validators=[reject_markup]
    )


class TerminationRequestForm(forms.Form):
    explanation = forms.CharField(
        label="原因、建设进度及资金支付情况说明", max_length=4000, validators=[reject_markup]
    )


class SuspensionForm(forms.Form):
    reason = forms.CharField(label="暂停原因", max_length=2000, validators=[reject_markup])
    basis = forms.CharField(label="依据（条款）", max_length=300, validators=[reject_markup])


class LiftForm(forms.Form):
    note = forms.CharField(label="恢复建设意见", max_length=2000, validators=[reject_markup])


class TerminationDecisionForm(forms.Form):
    termination = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="办理结果", choices=[("agree", "同意撤销（终止）"), ("reject", "不同意")]
    )
    note = forms.CharField(label="办理意见", max_length=2000, validators=[reject_markup])


class ClockConfirmForm(forms.Form):
    rule_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    note = forms.CharField(label="办理意见", max_length=2000, validators=[reject_markup])


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label="事项类型", choices=IncidentKind.choices, error_messages={"invalid_choice": "请选择事项类型"}
    )
    occurred_on = _date("发生日期")
    description = forms.CharField(label="情况说明", max_length=4000, validators=[reject_markup])
    measures = forms.CharField(
        label="已采取的措施", max_length=4000, required=False, validators=[reject_markup]
    )


class BudgetForm(forms.Form):
    year = forms.IntegerField(label="预算年度", error_messages={"invalid": "预算年度应为四位数字年份"})
    document_number = forms.CharField(label="预算批复文号", max_length=80, validators=[reject_markup])
    approved_on = _date("批复日期")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in FundingSource.choices:
            self.fields[f"fund_{code}"] = AmountField(label=f"{label}（万元）")

    def funding(self) -> dict[str, int]:
        return {code: int(self.cleaned_data.get(f"fund_{code}") or 0) for code in FundingSource.values}

    def funding_fields(self) -> list[forms.BoundField]:
        return [self[f"fund_{code}"] for code in FundingSource.values]


class SettlementForm(forms.Form):
    settled_on = _date("结算日期")
    returned = AmountField(label="退回结余资金（万元）")
    note = forms.CharField(label="说明", max_length=2000, required=False, validators=[reject_markup])
