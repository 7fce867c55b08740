"""Template filters for amounts and dates in the forms users expect (万元, 2026年11月23日)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from govit.core.money import yuan_to_wan_text

register = template.Library()


# A placeholder id, replaced in a URL reversed once (``url_of``); no row has it.
_PLACEHOLDER = 2_147_480_047
# (URL name, script prefix, urlconf) -> the URL's text before and after its id
_URL_HALVES: dict[tuple[str, str, Any], tuple[str, str]] = {}


@register.filter
def url_of(pk: int, name: str) -> str:
    """``{% url name pk %}`` for a URL whose one argument is an id, with the resolver asked once per URL name:
    a page of rows (project lists, 待办) otherwise spends a few milliseconds reversing the same pattern."""
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    halves = _URL_HALVES.get(key)
    if halves is None:
        before, after = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER), 1)
        halves = _URL_HALVES[key] = (before, after)
    return f"{halves[0]}{int(pk)}{halves[1]}"


@register.filter
def wan(amount: int | None) -> str:
    """Integer 元 -> '123.45' 万元."""
    return yuan_to_wan_text(amount)


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def lookup(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """``{{ mapping|lookup:key }}`` — a dict entry by a variable key (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def filesize(size: int | None) -> str:
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
