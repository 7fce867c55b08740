"""`govit similarity evaluate` — precision and recall of 查重 on the generated labelled set (rolled back)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govit.similarity.evaluation import similarity_evaluate


class Command(BaseCommand):
    help = "查重质量评测：在生成的标注集上报告查准率、查全率，并与暴力 TF-IDF 基线比较（不留下任何数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--bases", type=int, default=200, help="基础申报数（另加植入的重复与难负例）")
        parser.add_argument("--pack", default="zhanggong", help="取其“疑似重复”“相似”线与拆分限额线的政策包")
        parser.add_argument("--json", action="store_true", help="只输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = similarity_evaluate(seed=options["seed"], bases=options["bases"], pack_code=options["pack"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        ours, base = result["govit"], result["baseline"]
        self.stdout.write(
            f"评测集：{result['declarations']} 份申报，{ours['pairs']} 对标注（{ours['positives']} 对应查出）"
        )
        self.stdout.write(f"{'方法':<28}{'查准率':>8}{'查全率':>8}{'误报':>6}{'漏报':>6}{'用时(s)':>9}")
        self.stdout.write(
            f"{'GovIT 分项 TF-IDF+字二元组+索引':<20}{ours['precision']:>10.3f}{ours['recall']:>10.3f}"
            f"{ours['false_positives']:>7}{ours['false_negatives']:>7}{ours['seconds']:>10}"
        )
        self.stdout.write(
            f"{'基线 整篇 TF-IDF 暴力比对':<22}{base['precision']:>10.3f}{base['recall']:>10.3f}"
            f"{base['false_positives']:>7}{base['false_negatives']:>7}{base['seconds']:>10}"
            f"  （阈值 {base['threshold']}，按 F1 取最优）"
        )
        self.stdout.write(
            f"分数间隔（复制与改写的最低分 / 难负例的最高分）：GovIT {ours['lowest_duplicate']:.3f} / "
            f"{ours['highest_negative']:.3f}；基线 {base['lowest_duplicate']:.3f} / {base['highest_negative']:.3f}"
        )
        self.stdout.write(
            f"拆分申报两部分的最低分：GovIT {ours['lowest_split']:.3f}（“相似”线 {ours['similar_score']}）"
        )
        for kind, counts in sorted(ours["by_kind"].items()):
            self.stdout.write(f"  {kind}: {counts['flagged']}/{counts['pairs']} 被标出")
