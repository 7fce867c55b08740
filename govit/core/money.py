"""Amounts: stored as integer 元, shown in 万元 — rounded to two decimals on pages, exact to the 元 (two to four
decimals) in exported and printed documents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

YUAN_PER_WAN = 10_000


def yuan_to_wan_text(amount: int | None) -> str:
    """12_345_678 元 -> '1,234.57' (万元, two decimals, rounded half up)."""
    if amount is None:
        return "—"
    wan = (Decimal(amount) / YUAN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{wan:,.2f}"


def wan_to_yuan(wan: Decimal) -> int:
    """Exact conversion; callers have already limited ``wan`` to four decimals."""
    return int(wan * YUAN_PER_WAN)


def yuan_to_wan(amount: int) -> Decimal:
    """元 -> 万元, exact (at most four decimals): for spreadsheet cells."""
    return Decimal(amount) / YUAN_PER_WAN


def yuan_to_wan_exact_text(amount: int) -> str:
    """12_345_678 元 -> '1,234.5678', 12_345_000 -> '1,234.50': exact to the 元, two to four decimals."""
    text = f"{yuan_to_wan(amount):,.4f}"
    for _ in range(2):  # drop up to two trailing zeros, keep at least two decimals
        if text.endswith("0"):
            text = text[:-1]
    return text
