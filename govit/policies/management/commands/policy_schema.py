from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from govit.policies.engine import facts_json_schema


class Command(BaseCommand):
    help = "输出项目事实数据（facts）的 JSON Schema（govit policy schema）"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(facts_json_schema(), ensure_ascii=False, indent=2))
