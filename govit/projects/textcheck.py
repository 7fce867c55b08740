"""Characters a typed or posted text may not carry: those a reader cannot see or a database cannot store."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError

# NUL, lone surrogates (only reachable through JSON escapes) and the replacement character a wrongly encoded
# (e.g. GBK) submission decodes to; format characters (zero-width spaces, text-direction overrides) hide or
# reorder what a reviewer reads.
_BAD_CATEGORIES = {"Cs", "Cf", "Co"}
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
HIDDEN_CHARS_MESSAGE = "不能包含不可见字符或无法识别的字符（如零宽字符、文字方向控制符、空字符或乱码）"


def has_hidden_chars(value: str) -> bool:
    """Whether ``value`` holds a character that is invisible, reorders text, or cannot be stored."""
    for ch in value:
        if ch == "\ufffd":
            return True
        category = unicodedata.category(ch)
        if category in _BAD_CATEGORIES or (category == "Cc" and ch not in _ALLOWED_CONTROLS):
            return True
    return False


def reject_hidden_chars(value: str) -> None:
    """Form validator: refuse a text with hidden or unstorable characters."""
    if isinstance(value, str) and has_hidden_chars(value):
        raise ValidationError(HIDDEN_CHARS_MESSAGE, code="hidden_chars")


def first_hidden_text(data: Any, path: str = "") -> str | None:
    """The dotted path of the first key or string value in a JSON document with hidden or unstorable
    characters (``"__all__"`` for the top level), or None."""
    if isinstance(data, str):
        return (path or "__all__") if has_hidden_chars(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if has_hidden_chars(str(key)):
                return where
            found = first_hidden_text(value, where)
            if found is not None:
                return found
    if isinstance(data, list):
        for value in data:
            found = first_hidden_text(value, path)
            if found is not None:
                return found
    return None
