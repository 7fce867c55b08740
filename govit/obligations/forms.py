from __future__ import annotations

from django import forms

from govit.core.forms import reject_markup


class WaiveForm(forms.Form):
    obligation = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="豁免理由", max_length=2000, validators=[reject_markup])


class IssuerDueForm(forms.Form):
    rule_id = forms.CharField(widget=forms.HiddenInput, max_length=80)
    due_on = forms.DateField(
        label="限期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    note = forms.CharField(label="说明", max_length=300, required=False, validators=[reject_markup])
