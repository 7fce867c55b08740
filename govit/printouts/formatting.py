"""How values read on paper: 万元 with two to four decimals (exact to the yuan), dates as 2026年7月20日,
yes/no as 是/否, and text without the control characters a .docx or .xlsx cannot hold."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from govit.core.money import YUAN_PER_WAN, yuan_to_wan_exact_text
from govit.policies.engine.schema import FormField

# XML 1.0 does not allow these (a pasted form feed or vertical tab would make the file unreadable).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def clean_text(value: Any) -> str:
    """Text for a document: line breaks kept (as \\n), other control characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def yuan_as_wan(yuan: int | None) -> str:
    """Integer 元 in 万元 (exact to the yuan): 12_345_678 -> '1,234.5678'; nothing for no amount."""
    return "" if yuan is None else yuan_to_wan_exact_text(yuan)


def date_text(value: dt.date | dt.datetime | str | None) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:  # a date, or a moment such as "2026-10-21T02:00:00+00:00" (shown as the local day)
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return clean_text(value)
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    assert isinstance(value, dt.date)
    return f"{value.year}年{value.month}月{value.day}日"


def month_text(value: str) -> str:
    """'2027-01' -> '2027年01月' (舒城 附件2 说明3: 202X年XX月)."""
    found = _MONTH.match(value.strip())
    return f"{found.group(1)}年{found.group(2)}月" if found else clean_text(value)


def month_range_text(value: Any) -> str:
    """'2027-01/2027-12' -> '2027年01月至2027年12月'."""
    text = clean_text(value)
    if "/" not in text:
        return text
    start, end = text.split("/", 1)
    return f"{month_text(start)}至{month_text(end)}"


def field_text(spec: FormField, value: Any) -> str:
    """A pack form field's value as printed (empty when not filled in, to be written by hand)."""
    if value is None or value == "":
        return ""
    if spec.type == "bool":
        return "是" if value is True or str(value).lower() in {"on", "true", "1", "是"} else "否"
    if spec.type == "date":
        return date_text(str(value))
    if spec.type == "month_range":
        return month_range_text(value)
    if spec.type == "money_wan":
        try:
            wan = Decimal(str(value).replace(",", ""))
            return yuan_to_wan_exact_text(int((wan * YUAN_PER_WAN).quantize(Decimal(1), ROUND_HALF_UP)))
        except InvalidOperation:
            return clean_text(value)
    if spec.type == "money_yuan":
        try:
            return f"{int(Decimal(str(value).replace(',', ''))):,}"
        except (InvalidOperation, ValueError):
            return clean_text(value)
    return clean_text(value)
