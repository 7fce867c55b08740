"""The form renderer draws ``<select>`` in Python; its HTML must be the stock template's, character for character."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from govit.core.forms import FormRenderer
from govit.projects.forms import ProjectFilterForm


class _Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲"), ("b", 'B & <乙> "引号"')], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "请选择"), ("县级", [("1", "舒城县"), ("2", "金乡县")]), ("市级", [("3", "石嘴山市")])]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], required=False)
    numbers = forms.TypedChoiceField(choices=[(1, "一"), (2, "二")], coerce=int, required=False)
    flagged = forms.ChoiceField(
        choices=[("p", "P")],
        widget=forms.Select(attrs={"disabled": True, "data-x": "1 > 0", "hidden": False, "class": "wide"}),
    )


CASES: list[tuple[str, type[forms.Form], dict[str, Any] | None]] = [
    ("unbound", _Choices, None),
    (
        "selected values, escaping, multiple",
        _Choices,
        {"plain": "b", "grouped": "2", "many": ["x", "z"], "numbers": "2"},
    ),
    ("an invalid choice kept as typed", _Choices, {"plain": "<script>", "grouped": "9"}),
    ("project filter", ProjectFilterForm, {"status": "approved", "year": "2024"}),
]


@pytest.mark.parametrize(("label", "form_class", "data"), CASES, ids=[c[0] for c in CASES])
def test_select_html_is_the_stock_templates(label: str, form_class: type[forms.Form], data: Any) -> None:
    ours = (
        form_class(data, renderer=FormRenderer()) if data is not None else form_class(renderer=FormRenderer())
    )
    stock = (
        form_class(data, renderer=DjangoTemplates())
        if data is not None
        else form_class(renderer=DjangoTemplates())
    )
    for name in ours.fields:
        assert str(ours[name]) == str(stock[name]), name


def test_forms_use_the_renderer() -> None:
    """Every form of the site renders through it (settings.FORM_RENDERER)."""
    form = ProjectFilterForm({"status": "approved"})
    assert isinstance(form.renderer, FormRenderer)
    assert '<option value="approved" selected>' in str(form["status"])
