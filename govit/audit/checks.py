"""`govit check` refuses an audit configuration that breaks 等保: logs kept under six months, or an unusable
SM2 key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from govit.audit.signing import SigningKeyError, configured_public_key

# 网络安全法: network logs are kept for no less than six months; 190 days leaves a margin over 183.
RETENTION_MIN_DAYS = 190


@register("govit")
def audit_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    retention = getattr(settings, "GOVIT_AUDIT_RETENTION_DAYS", None)
    if not isinstance(retention, int) or retention < RETENTION_MIN_DAYS:
        errors.append(
            Error(
                f"GOVIT_AUDIT_RETENTION_DAYS 为 {retention}：审计日志至少保存 {RETENTION_MIN_DAYS} 天（不少于六个月）",
                hint=f"把 GOVIT_AUDIT_RETENTION_DAYS 设为不小于 {RETENTION_MIN_DAYS} 的天数（默认 200）",
                id="govit.audit.E001",
            )
        )
    try:
        configured_public_key()
    except SigningKeyError as error:
        errors.append(Error(f"审计检查点的 SM2 密钥不可用：{error}", id="govit.audit.E002"))
    return errors
