from __future__ import annotations

from typing import Any

from django import forms

from govit.core.forms import AmountField, reject_markup
from govit.experts.choices import PanelOutcome, ReviewVerdict, VendorRole
from govit.experts.models import ExpertField
from govit.policies.engine.schema import ScoringTable


def _text(label: str, *, max_length: int, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[reject_markup],
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"请填写{label}",
            "max_length": f"{label}不能超过 %(limit_value)d 个字（当前 %(show_value)d 个字）",
        },
    )


def _count(label: str, *, minimum: int, maximum: int, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        initial=initial,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}须为整数",
            "min_value": f"{label}不能少于 %(limit_value)s 人",
            "max_value": f"{label}不能超过 %(limit_value)s 人",
        },
    )


class DrawForm(forms.Form):
    size = _count("专家组人数", minimum=1, maximum=50, initial=5)
    backups = _count("备选人数", minimum=0, maximum=50, initial=2)
    specialty = forms.ModelChoiceField(
        label="限定专业领域",
        queryset=ExpertField.objects.all(),
        required=False,
        empty_label="不限",
        error_messages={"invalid_choice": "所选专业领域无效"},
    )


class SupplementForm(forms.Form):
    count = _count("补抽人数", minimum=1, maximum=50, initial=1)
    reason = _text("补抽原因", max_length=500, rows=2, required=False)


class ReasonForm(forms.Form):
    reason = _text("原因", max_length=500, rows=2)


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="专家组结论",
        choices=PanelOutcome.choices,
        error_messages={"required": "请选择专家组结论", "invalid_choice": "专家组结论无效"},
    )
    opinion = _text("专家组意见", max_length=2000, rows=4)


class VendorForm(forms.Form):
    name = forms.CharField(
        label="单位名称",
        max_length=100,
        validators=[reject_markup],
        error_messages={"required": "请填写单位名称", "max_length": "单位名称不能超过 100 个字"},
    )
    role = forms.ChoiceField(
        label="身份",
        choices=VendorRole.choices,
        error_messages={"required": "请选择身份", "invalid_choice": "身份无效"},
    )


class AvailabilityForm(forms.Form):
    is_available = forms.BooleanField(label="可参加抽取", required=False)
    unavailable_until = forms.DateField(
        label="暂停抽取至（含当日）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期，如 2026-05-01"},
    )
    note = forms.CharField(label="备注", max_length=200, required=False, validators=[reject_markup])


class DeclaredConflictForm(forms.Form):
    name = forms.CharField(
        label="单位名称",
        max_length=100,
        validators=[reject_markup],
        error_messages={"required": "请填写单位名称", "max_length": "单位名称不能超过 100 个字"},
    )
    reason = forms.CharField(
        label="利害关系说明",
        max_length=200,
        validators=[reject_markup],
        error_messages={"required": "请填写利害关系说明", "max_length": "利害关系说明不能超过 200 个字"},
    )


class ReviewForm(forms.Form):
    """评审意见 — one integer field per criterion of the scoring table (score_<code>), then the opinion."""

    verdict = forms.ChoiceField(
        label="评审建议",
        choices=[("", "（不填）"), *ReviewVerdict.choices],
        required=False,
        error_messages={"invalid_choice": "评审建议无效"},
    )
    opinion = _text("评审意见", max_length=2000, rows=6)
    budget = AmountField(label="建议预算（万元）")

    def __init__(self, *args: Any, table: ScoringTable | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        if table is None:
            return
        score_fields: dict[str, forms.Field] = {}
        for criterion in table.criteria:
            label = f"{criterion.name}（0—{criterion.weight} 分）"
            score_fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=criterion.weight,
                help_text=criterion.description or "",
                error_messages={
                    "required": f"请填写评分项“{criterion.name}”的得分（0 至 {criterion.weight} 分）",
                    "invalid": f"评分项“{criterion.name}”的得分须为整数",
                    "min_value": f"评分项“{criterion.name}”的得分须在 0 至 {criterion.weight} 分之间",
                    "max_value": f"评分项“{criterion.name}”的得分须在 0 至 {criterion.weight} 分之间",
                },
            )
        self.fields = {**score_fields, **self.fields}

    def scores(self) -> dict[str, int]:
        if self.table is None:
            return {}
        return {c.code: self.cleaned_data[f"score_{c.code}"] for c in self.table.criteria}

    def budget_yuan(self) -> int | None:
        raw = self.data.get("budget") if self.is_bound else None
        if raw in (None, ""):
            return None
        return int(self.cleaned_data["budget"])

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("score_")]
