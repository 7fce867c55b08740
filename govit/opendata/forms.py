from __future__ import annotations

from django import forms

from govit.core.errors import ServiceError
from govit.opendata.services import year_parse


class YearFilterForm(forms.Form):
    """The 申报年度 the download buttons carry; blank for every year."""

    year = forms.CharField(label="申报年度", required=False, max_length=20)

    def clean_year(self) -> int | None:
        try:
            return year_parse(self.cleaned_data.get("year"))
        except ServiceError as error:
            raise forms.ValidationError(error.message) from None
