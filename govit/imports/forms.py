from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="导入文件（.xlsx）",
        error_messages={"required": "请选择要导入的 .xlsx 文件", "empty": "文件为空，请重新选择"},
    )
    jurisdiction = forms.IntegerField(required=False, error_messages={"invalid": "所选行政区划无效"})
