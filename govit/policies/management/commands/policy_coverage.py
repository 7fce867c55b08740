from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govit.policies.coverage import (
    INDEX_PATH,
    KINDS,
    catalogue_index_extract,
    catalogue_index_tsv,
    coverage_build,
    coverage_markdown,
)
from govit.policies.engine import PackError

DOC_RELATIVE = Path("docs") / "rules-coverage.md"


class Command(BaseCommand):
    help = (
        "规则覆盖表（govit policy coverage）：目录编号 → 政策包规则 → 测试；"
        "--write 写入 docs/rules-coverage.md，--check 检查其是否最新，--extract-index 从规则目录重建索引"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help=f"写入 {DOC_RELATIVE}")
        group.add_argument(
            "--check", action="store_true", help=f"{DOC_RELATIVE} 与生成结果不一致时以非零状态退出"
        )
        group.add_argument(
            "--extract-index",
            metavar="PATH",
            help=f"从规则目录 markdown 文件重新提取 {INDEX_PATH.name}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["extract_index"]:
            self._extract(Path(options["extract_index"]))
            return
        try:
            markdown = coverage_markdown(coverage_build())
        except (PackError, OSError, ValueError) as error:
            raise CommandError(f"无法生成规则覆盖表：{error}") from None
        doc = Path(settings.PROJECT_ROOT) / DOC_RELATIVE
        if options["write"]:
            doc.parent.mkdir(parents=True, exist_ok=True)
            doc.write_text(markdown, encoding="utf-8")
            self.stdout.write(f"已写入 {DOC_RELATIVE}")
        elif options["check"]:
            try:
                current = doc.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise CommandError(
                    f"{DOC_RELATIVE} 不存在，请运行 govit policy coverage --write 生成"
                ) from None
            if current != markdown:
                raise CommandError(
                    f"{DOC_RELATIVE} 已过期（与政策包和测试生成的结果不一致），"
                    "请运行 govit policy coverage --write 重新生成"
                )
            self.stdout.write(f"{DOC_RELATIVE} 是最新的")
        else:
            self.stdout.write(markdown, ending="")

    def _extract(self, source: Path) -> None:
        try:
            rows = catalogue_index_extract(source)
        except OSError as error:
            raise CommandError(f"无法读取规则目录 {source}：{error.strerror}") from None
        except ValueError as error:
            raise CommandError(f"规则目录解析失败：{error}") from None
        if not rows:
            raise CommandError(f"{source} 中没有找到 TH/DL/RJ/OOS 条目（§3–§6 的表格）")
        INDEX_PATH.write_text(catalogue_index_tsv(rows), encoding="utf-8")
        counts = Counter(row.kind for row in rows)
        detail = "，".join(f"{kind} {counts[kind]}" for kind in KINDS)
        self.stdout.write(f"已写入 {INDEX_PATH.name}：{len(rows)} 条（{detail}）")
