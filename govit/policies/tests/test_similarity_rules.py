"""查重 rules of the five packs on the facts the comparison produces (``similarity.*``), at their boundaries:
石嘴山 RJ-21 (重复设计、开发, 第十三条(四)) and RJ-22 (同类型在建项目未完成竣工验收, 第十三条(五)); 章贡 RJ-38
(相似项目拆分申报, 第六条, across the TH-14 / TH-17 lines) and RJ-48 (内部系统整合不到位, 第十五条(六)); 上城 RJ-88
(省市统建区级不得重复开发, ¶9); 舒城 第四条 and 金乡 第五条 as warnings. The pack settings (weights, lines) are
checked too. Comparing texts is tested in ``govit/similarity``."""

from __future__ import annotations

from typing import Any

import pytest

from govit.policies.engine import load_pack
from govit.policies.engine.schema import SimilarityRules

from .helpers import ev_for


def similar(**values: Any) -> dict[str, Any]:
    return {
        "checked": True,
        "best_score": 0,
        "duplicates": 0,
        "duplicate_systems": 0,
        "similar_in_progress": 0,
        "split_parts": 0,
        **values,
    }


CASES = [
    # (pack, rule, facts that raise it, facts one step short of it)
    (
        "shizuishan",
        "RJ-21",
        {"nature": "NEW", "similarity": similar(duplicates=1)},
        {"nature": "NEW", "similarity": similar(duplicates=0)},
    ),
    (
        "shizuishan",
        "RJ-21",
        {"nature": "NEW", "similarity": similar(duplicates=2)},
        {"nature": "OM", "similarity": similar(duplicates=2)},
    ),  # 运维 is not 设计、开发
    (
        "shizuishan",
        "RJ-22-similar",
        {"nature": "NEW", "similarity": similar(similar_in_progress=1)},
        {"nature": "NEW", "similarity": similar(similar_in_progress=0)},
    ),
    (
        "zhanggong",
        "RJ-38",
        {"similarity": similar(split_parts=2, split_total_yuan=500_000, split_line_yuan=500_000)},
        {"similarity": similar(split_parts=0)},
    ),
    ("zhanggong", "RJ-48-duplicate", {"similarity": similar(duplicates=1)}, {"similarity": similar()}),
    (
        "shangcheng",
        "RJ-88-unified",
        {"similarity": similar(duplicates=1, duplicate_systems=1)},
        {"similarity": similar(duplicates=1, duplicate_systems=0)},
    ),
    ("shangcheng", "RJ-88-duplicate", {"similarity": similar(duplicates=1)}, {"similarity": similar()}),
    ("shucheng", "DUP-000-04", {"similarity": similar(duplicates=1)}, {"similarity": similar()}),
    ("jinxiang", "DUP-003-05", {"similarity": similar(duplicates=1)}, {"similarity": similar()}),
]


@pytest.mark.parametrize(("code", "rule", "raised", "quiet"), CASES)
def test_similarity_findings_fire_on_the_comparison_facts(
    code: str, rule: str, raised: dict[str, Any], quiet: dict[str, Any]
) -> None:
    pack = load_pack(code)
    assert rule in ev_for(pack, **raised).active_finding_ids, f"{code} {rule} should fire on {raised}"
    assert rule not in ev_for(pack, **quiet).active_finding_ids, f"{code} {rule} should stay quiet on {quiet}"


@pytest.mark.parametrize("code", ["shucheng", "shizuishan", "zhanggong", "jinxiang", "shangcheng"])
def test_an_unchecked_declaration_raises_no_similarity_finding(code: str) -> None:
    ev = ev_for(load_pack(code), nature="NEW")  # similarity.* unknown (null): nothing to say yet
    assert not {f for f in ev.active_finding_ids if "DUP" in f or f in {"RJ-21", "RJ-22-similar", "RJ-38"}}


def test_severities_follow_the_texts() -> None:
    def severity(code: str, rule: str) -> str:
        return next(r.severity for r in load_pack(code).pack.findings if r.id == rule)

    assert severity("shizuishan", "RJ-21") == "soft"  # 除另有特殊规定外，原则上不受理
    assert severity("zhanggong", "RJ-38") == "hard"  # 不得拆分申报
    assert severity("shangcheng", "RJ-88-unified") == "hard"  # 区级不得重复开发
    assert severity("shangcheng", "RJ-88-duplicate") == "soft"


def test_zhanggong_split_lines_are_the_article_six_bands() -> None:
    rules = load_pack("zhanggong").pack.similarity
    assert rules is not None
    assert rules.split_lines_yuan == [500_000, 2_000_000]  # TH-14 / TH-15 and TH-17
    assert rules.split_window == "round"
    # 第六条 names 建设目标、主要内容、技术路线: together they weigh most
    assert rules.weights["objectives"] + rules.weights["content"] + rules.weights["tech_route"] >= 0.7


@pytest.mark.parametrize("code", ["shucheng", "shizuishan", "zhanggong", "jinxiang", "shangcheng"])
def test_every_pack_sets_its_lines_and_weights(code: str) -> None:
    rules = load_pack(code).pack.similarity
    assert rules is not None and rules.cite.article
    assert 0 < rules.similar_score <= rules.duplicate_score <= 1
    assert abs(sum(rules.weights.values()) - 1) < 1e-9


def test_bad_similarity_settings_are_refused() -> None:
    cite = {"article": "第六条", "quote": "不得拆分申报"}
    with pytest.raises(ValueError, match="sum to 1"):
        SimilarityRules.model_validate(
            {"cite": cite, "weights": {"name": 0.5}, "duplicate_score": 0.6, "similar_score": 0.4}
        )
    with pytest.raises(ValueError, match="similar_score"):
        SimilarityRules.model_validate(
            {"cite": cite, "weights": {"name": 1.0}, "duplicate_score": 0.5, "similar_score": 0.6}
        )
    with pytest.raises(ValueError):
        SimilarityRules.model_validate(
            {"cite": cite, "weights": {"budget": 1.0}, "duplicate_score": 0.6, "similar_score": 0.4}
        )
