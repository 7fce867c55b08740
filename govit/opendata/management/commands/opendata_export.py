"""`govit opendata export` — a jurisdiction's 数据报送 JSON or OCDS release package, written to a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.core.errors import ServiceError
from govit.opendata.choices import ExportFormat
from govit.opendata.services import opendata_export
from govit.opendata.validation import ocds_errors, projects_errors


class Command(BaseCommand):
    help = "导出一个行政区划的数据报送 JSON（projects）或 OCDS 发布包（ocds），写入文件前按模式校验"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jurisdiction", required=True, help="行政区划代码，如 341523")
        parser.add_argument(
            "--format",
            required=True,
            choices=ExportFormat.values,
            help="projects：数据报送 JSON；ocds：OCDS 发布包",
        )
        parser.add_argument("--year", default=None, help="只导出该申报年度的项目（四位数字）；不填为全部年度")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"输出目录“{out.parent}”不存在")
        try:
            export = opendata_export(
                actor=None,
                jurisdiction_code=options["jurisdiction"],
                export_format=options["format"],
                year=options["year"],
                via="command",
            )
        except ServiceError as error:
            raise CommandError(error.message) from None
        ocds = export.export_format == ExportFormat.OCDS
        errors = ocds_errors(export.document) if ocds else projects_errors(export.document)
        if errors:
            raise CommandError("生成的文件不符合模式，未写入：\n" + "\n".join(errors[:20]))
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".opendata-", suffix=".json")
        with os.fdopen(handle, "wb") as stream:
            stream.write(export.content)
        os.replace(temporary, out)
        schema = "OCDS 1.1.5 发布包" if ocds else "govit-projects 1.0"
        self.stdout.write(
            f"已导出{export.jurisdiction.name}（{export.jurisdiction.code}）"
            f"{ExportFormat(export.export_format).label}：{export.projects} 个项目 → {out}"
            f"（已通过 {schema} 模式校验）"
        )
