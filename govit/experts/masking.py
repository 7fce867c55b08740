"""Personal data shown on pages and in logs only in part (手机号、身份证号、邮箱脱敏)."""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    """'13812345678' -> '138****5678'; short numbers keep only their ends."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= 4:
        return "*" * len(text)
    if len(text) < 8:
        return text[0] + "*" * (len(text) - 2) + text[-1]
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_id(value: str | None) -> str:
    """'340123199001011234' -> '3401**********1234' (the birth date is never shown)."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_email(value: str | None) -> str:
    """'zhangsan@example.cn' -> 'z***@example.cn'."""
    text = (value or "").strip()
    if not text:
        return ""
    local, at, domain = text.partition("@")
    if not at:
        return mask_phone(text)
    return f"{local[:1]}***@{domain}"
