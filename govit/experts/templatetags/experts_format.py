"""``{% load experts_format %}`` — masked personal data for the expert pages."""

from __future__ import annotations

from django import template

from govit.experts import masking

register = template.Library()


@register.filter
def mask_phone(value: str | None) -> str:
    return masking.mask_phone(value) or "—"


@register.filter
def mask_id(value: str | None) -> str:
    return masking.mask_id(value) or "—"


@register.filter
def mask_email(value: str | None) -> str:
    return masking.mask_email(value) or "—"
