"""口令复杂度 — password rules beyond Django's own validators: character classes, no reuse of recent
passwords. Used through ``AUTH_PASSWORD_VALIDATORS``; a password of any length (64+ characters included)
and pasted text are accepted."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> int:
    """How many of the four classes (upper, lower, digit, symbol) ``password`` uses. Letters without case
    (汉字) count as symbols: they are neither upper, lower nor digit."""
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c in string.digits for c in password)
    symbol = any(not (c.isupper() or c.islower() or c in string.digits) for c in password)
    return sum((upper, lower, digit, symbol))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """At least ``min_length`` characters, said in Chinese whatever Django's catalogue holds."""

    def get_error_message(self) -> str:
        return f"密码长度太短：至少须 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少须 {self.min_length} 个字符。"


class CharacterClassValidator:
    """At least ``min_classes`` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any | None = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、符号四类字符中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Not one of the user's last ``count`` passwords; keeps their hashes in ``PasswordHistory``."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any | None = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from govit.accounts.models import PasswordHistory

        recent = PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)
        if any(check_password(password, encoded) for encoded in recent[: self.count]):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user: Any | None = None) -> None:
        """Record the new hash and forget those beyond the last ``count``."""
        if user is None or getattr(user, "pk", None) is None or not user.password:
            return
        from govit.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return f"不能使用最近 {self.count} 次用过的密码。"


def password_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.GOVIT_PASSWORD_MAX_AGE_DAYS)


def password_change_reason(user: Any) -> str | None:
    """Why ``user`` must change the password before doing anything else: ``initial`` (an initial or reset
    password) or ``expired`` (older than the maximum age); None when the password may be used."""
    if user.password_must_change:
        return "initial"
    changed = user.password_changed_at or user.date_joined
    if changed is not None and timezone.now() - changed > password_max_age():
        return "expired"
    return None
