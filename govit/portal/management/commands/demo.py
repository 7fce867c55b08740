from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govit.portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load


class Command(BaseCommand):
    help = "载入演示数据（可重复执行）并列出演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        self.stdout.write(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.persona:<14} {login.organisation}")
        self.stdout.write(
            "管理员、审核人、协审人和专家登录时还须输入动态口令：身份验证器中手工添加密钥 "
            f"{DEMO_TOTP_SECRET}（基于时间，30 秒，6 位）。"
        )
