from __future__ import annotations

from django import forms


class AttachmentUploadForm(forms.Form):
    requirement_code = forms.CharField(label="材料", max_length=80)
    file = forms.FileField(
        label="文件", error_messages={"required": "请选择要上传的文件", "empty": "文件为空"}
    )
    note = forms.CharField(label="说明", max_length=200, required=False)
