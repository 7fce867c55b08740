from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.accounts.models import Jurisdiction
from govit.dashboards.models import StatusCell, UnitCell
from govit.dashboards.services import dashboard_summary_rebuild


class Command(BaseCommand):
    help = "重算统计分析汇总（govit dashboards_rebuild）：升级后首次使用前、或批量导入数据之后运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jurisdiction",
            action="append",
            default=[],
            metavar="CODE",
            help="只重算该行政区划（区划代码，不含下级；可重复）；默认全部",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes: list[str] = options["jurisdiction"]
        ids: list[int] | None = None
        if codes:
            found = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "pk"))
            missing = [code for code in codes if code not in found]
            if missing:
                raise CommandError(f"行政区划代码不存在：{'、'.join(missing)}")
            ids = list(found.values())
        started = time.monotonic()
        dashboard_summary_rebuild(jurisdiction_ids=ids)
        cells = StatusCell.objects.count() + UnitCell.objects.count()
        self.stdout.write(f"统计分析汇总已重算（{cells} 行），用时 {time.monotonic() - started:.1f} 秒。")
