"""Amounts: stored as integer 元, shown in 万元 with two decimals."""

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
