from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import govit

BENCH = Path(govit.__file__).resolve().parent.parent / "bench" / "bench_pages.py"


class Command(BaseCommand):
    help = (
        "页面服务端耗时基准：生成（或沿用）省级规模数据库，打印各页面 p50/p95、下限与倍数"
        "（govit bench [--projects N] [--reuse DIR] [--database-url URL] [--rounds R] [--json FILE]）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", default=None, help="项目个数（默认 100000）")
        parser.add_argument("--reuse", default=None, help="沿用（或首次生成到）此数据目录")
        parser.add_argument("--database-url", default=None, help="PostgreSQL 的 DATABASE_URL（默认 SQLite）")
        parser.add_argument("--rounds", default=None, help="每项计时次数（默认 30）")
        parser.add_argument("--json", default=None, help="把结果 JSON 写入此文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if not BENCH.exists():
            raise CommandError(f"找不到基准脚本 {BENCH}（须在源码目录中安装 GovIT）")
        # A separate process: the bench chooses its own data directory and database before Django starts,
        # so it never writes into the database this command was started with.
        argv = [sys.executable, str(BENCH), "--table"]
        for name in ("projects", "reuse", "database_url", "rounds", "json"):
            if options[name] is not None:
                argv += [f"--{name.replace('_', '-')}", str(options[name])]
        completed = subprocess.run(argv, check=False)
        if completed.returncode != 0:
            raise CommandError(f"基准运行失败（退出码 {completed.returncode}）")
