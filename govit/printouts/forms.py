"""The record a document is printed from, as the download link names it (``?filing=3``, ``?draw=7``)."""

from __future__ import annotations

from django import forms

from govit.printouts.selectors import APPLICATION_PARAM, DRAW_PARAM, FILING_PARAM


def _record_field(label: str) -> forms.IntegerField:
    message = f"“{label}”应为记录编号（正整数）"
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class RecordForm(forms.Form):
    filing = _record_field("备案记录")
    application = _record_field("竣工验收申请")
    draw = _record_field("专家抽取")

    def record_ids(self) -> dict[str, int]:
        """{record parameter: id} of the records the link names."""
        return {
            param: int(self.cleaned_data[param])
            for param in (FILING_PARAM, APPLICATION_PARAM, DRAW_PARAM)
            if self.cleaned_data.get(param) is not None
        }
