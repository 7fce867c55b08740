from __future__ import annotations

from django import forms


class DismissForm(forms.Form):
    other_project = forms.IntegerField(required=False)
    other_system = forms.IntegerField(required=False)
    reason = forms.CharField(
        label="认定理由", max_length=1000, error_messages={"required": "请填写认定“不重复”的理由"}
    )


class SystemForm(forms.Form):
    name = forms.CharField(label="系统名称", max_length=100, error_messages={"required": "请填写系统名称"})
    description = forms.CharField(label="系统简介", max_length=5000, required=False)
    functions = forms.CharField(label="主要功能", max_length=5000, required=False)
    data_resources = forms.CharField(label="数据资源", max_length=5000, required=False)
    online_since = forms.DateField(
        label="上线时间", required=False, error_messages={"invalid": "上线时间应为日期，如 2024-05-01"}
    )
    jurisdiction = forms.IntegerField(error_messages={"required": "请选择行政区划"})


class ImportForm(forms.Form):
    file = forms.FileField(label="编目表（.xlsx）", error_messages={"required": "请选择要导入的 .xlsx 文件"})
    jurisdiction = forms.IntegerField(error_messages={"required": "请选择行政区划"})
