"""Form pieces every app uses: amounts, safe text, refusing forged fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from govit.core import clock
from govit.core.errors import ServiceError
from govit.core.money import YUAN_PER_WAN

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript:", re.IGNORECASE)


def has_markup(value: str) -> bool:
    """Whether ``value`` holds an HTML tag or a ``javascript:`` link."""
    return bool(value and _MARKUP.search(value))


def date_clean(
    value: dt.date | None, *, field: str, label: str, not_before: dt.date | None = None
) -> dt.date:
    """A date a service records: given, not later than today (things that happened), and not before
    ``not_before`` when given; otherwise a ServiceError naming ``label``."""
    if value is None:
        raise ServiceError(f"请填写{label}", field=field)
    if value > clock.today():
        raise ServiceError(f"{label}不能晚于今天", field=field)
    if not_before is not None and value < not_before:
        raise ServiceError(f"{label}不能早于 {not_before:%Y-%m-%d}", field=field)
    return value


def text_clean(
    value: str | None,
    *,
    field: str,
    label: str,
    limit: int,
    required: bool = True,
    allow_markup: bool = False,
    minimum: int = 0,
) -> str:
    """A free-text value as services keep it: stripped, present if ``required``, at least ``minimum`` and at
    most ``limit`` characters, without markup unless ``allow_markup``; otherwise a ServiceError naming
    ``label``."""
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}", field=field)
    if text and len(text) < minimum:
        raise ServiceError(f"{label}不少于 {minimum} 个字", field=field)
    if len(text) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 个字（当前 {len(text)} 个字）", field=field)
    if not allow_markup and has_markup(text):
        raise ServiceError(f"{label}不能包含 HTML 标签或脚本", field=field)
    return text


def reject_markup(value: str) -> None:
    if has_markup(value):
        raise ValidationError("不能包含 HTML 标签或脚本（如 <script>）", code="markup")


class AmountField(forms.Field):
    """An amount typed in 万元 (up to 4 decimals) or 元 (integer); cleaned to integer 元."""

    def __init__(self, *, unit: str = "wan", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.unit = unit
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> int:
        if value in (None, ""):
            return 0
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError("请输入数字金额", code="invalid") from None
        if not number.is_finite():
            raise ValidationError("请输入数字金额", code="invalid")
        if number < 0:
            raise ValidationError("金额不能为负数", code="negative")
        yuan = number * YUAN_PER_WAN if self.unit == "wan" else number
        if yuan != yuan.to_integral_value():
            raise ValidationError(
                "金额最多精确到元（万元最多保留四位小数）" if self.unit == "wan" else "金额须为整数元",
                code="precision",
            )
        if yuan > settings.GOVIT_MAX_AMOUNT_YUAN:
            raise ValidationError("金额不能超过 1,000,000,000,000 元（1 亿万元）", code="too_large")
        return int(yuan)


class ProtectedFieldsMixin:
    """Refuse a POST that tries to set fields the user never gets to set (status, owner …)."""

    protected_fields: tuple[str, ...] = ()

    def check_protected(self) -> None:
        data = getattr(self, "data", {})
        forged = [name for name in self.protected_fields if name in data]
        if forged:
            self.add_error(None, f"不允许通过表单设置受控字段：{'、'.join(forged)}")  # type: ignore[attr-defined]


# ------------------------------------------------------------------ rendering


class _ListedChoices(ModelChoiceIterator):
    """The choices read with one plain query. Django's iterator reads them through ``QuerySet.iterator()``,
    which on PostgreSQL opens a server-side cursor (``DECLARE … WITH HOLD``) for a few dozen rows: about 9 ms
    on a page that draws the form."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` whose choices are read without a server-side cursor (see ``_ListedChoices``)."""

    iterator = _ListedChoices


def _attrs_html(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html`` in Python: ``True`` gives the bare name, ``False`` nothing."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)))
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with ``<select>`` drawn in Python: the stock template includes one template per
    ``<option>`` (and another for its attributes), which made a filter form with a few dozen choices the
    largest part of a list page's time. The HTML is the same, character for character."""

    _SELECT = "django/forms/widgets/select.html"
    _OPTION = "django/forms/widgets/select_option.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name == self._SELECT and widget is not None:
            html = self._select(widget)
            if html is not None:
                return html
        return super().render(template_name, context, request)

    def _select(self, widget: dict[str, Any]) -> str | None:
        parts = [format_html('<select name="{}"', widget["name"]), _attrs_html(widget["attrs"]), ">"]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                if option["template_name"] != self._OPTION:
                    return None  # a custom option template: the stock path renders it
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        mark_safe(_attrs_html(option["attrs"])),  # escaped by _attrs_html
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value passed through format_html
