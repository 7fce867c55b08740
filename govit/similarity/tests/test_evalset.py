"""The 查重 evaluation-set generator and its word lists. No database, no Django settings: these run with
``python -m pytest -p no:django govit/similarity/tests/test_evalset.py``."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from govit.similarity.evalset import (
    LENGTHS,
    MODULE_COUNT,
    SECTIONS,
    SPLIT_THRESHOLD_YUAN,
    TOPIC_NAMES,
    Declaration,
    EvalSet,
    corpus,
    evaluation_set,
)

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Shadows the root conftest's fixture of that name, which needs pytest-django's ``settings``."""
    return None


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return evaluation_set()


@pytest.fixture(scope="module")
def by_key(evalset: EvalSet) -> dict[str, Declaration]:
    return {d.key: d for d in evalset.declarations}


def _pairs(
    evalset: EvalSet, by_key: dict[str, Declaration], kind: str
) -> list[tuple[Declaration, Declaration]]:
    return [(by_key[p.a], by_key[p.b]) for p in evalset.pairs if p.kind == kind]


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------------------------------- determinism


def test_same_seed_same_output() -> None:
    assert evaluation_set(seed=3, bases=120) == evaluation_set(seed=3, bases=120)
    assert list(corpus(300, seed=5)) == list(corpus(300, seed=5))


def test_different_seed_different_output() -> None:
    assert evaluation_set(seed=3, bases=120) != evaluation_set(seed=4, bases=120)
    assert list(corpus(50, seed=5)) != list(corpus(50, seed=6))


def test_output_does_not_depend_on_hash_randomisation() -> None:
    """Nothing iterates a set of strings: other processes with other hash seeds produce the same bytes."""
    script = (
        "import dataclasses, hashlib, json\n"
        "from govit.similarity.evalset import corpus, evaluation_set\n"
        "value = [dataclasses.asdict(evaluation_set(seed=9, bases=60)), "
        "[dataclasses.asdict(d) for d in corpus(200, seed=9)]]\n"
        "print(hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest())\n"
    )
    expected = _digest(
        [
            dataclasses.asdict(evaluation_set(seed=9, bases=60)),
            [dataclasses.asdict(d) for d in corpus(200, seed=9)],
        ]
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        assert run.stdout.strip() == expected


# ----------------------------------------------------------------------------------------- structure


def test_topics_cover_many_government_domains() -> None:
    assert len(TOPIC_NAMES) >= 25
    expected = set(
        "教育 卫生健康 不动产登记 市场监管 应急管理 社会治安 政务服务 电子证照 基层治理 信访 档案".split()
    )
    assert expected <= set(TOPIC_NAMES.values())


def test_keys_unique_and_every_pair_references_existing_keys(evalset: EvalSet, by_key) -> None:
    assert len(by_key) == len(evalset.declarations)
    assert all(re.fullmatch(r"d\d{4}", key) for key in by_key)
    for pair in evalset.pairs:
        assert pair.a in by_key and pair.b in by_key and pair.a != pair.b
    unordered = [frozenset((p.a, p.b)) for p in evalset.pairs]
    assert len(set(unordered)) == len(unordered), "a pair is labelled twice"


def test_declaration_shape(evalset: EvalSet) -> None:
    for declaration in evalset.declarations:
        assert tuple(declaration.sections) == SECTIONS
        assert declaration.topic in TOPIC_NAMES
        assert declaration.unit and declaration.sections["name"]
        assert 50_000 <= declaration.amount_yuan <= 8_000_000
        assert declaration.amount_yuan % 1000 == 0


def test_kinds_and_proportions(evalset: EvalSet) -> None:
    kinds = Counter(p.kind for p in evalset.pairs)
    positives = kinds["exact"] + kinds["paraphrase"] + kinds["split"]
    assert set(kinds) == {"exact", "paraphrase", "split", "negative"}
    assert positives >= 100
    assert 0.10 <= kinds["exact"] / positives <= 0.20
    assert 0.40 <= kinds["paraphrase"] / positives <= 0.60
    assert 0.25 <= kinds["split"] / positives <= 0.45
    assert kinds["negative"] >= positives
    for pair in evalset.pairs:
        assert pair.duplicate == (pair.kind != "negative")


def test_bases_spread_with_many_per_topic(evalset: EvalSet) -> None:
    topics = Counter(d.topic for d in evalset.declarations)
    assert len(topics) >= 25
    assert min(topics.values()) >= 5


def test_text_lengths_within_ranges(evalset: EvalSet) -> None:
    for declaration in [*evalset.declarations, *corpus(2000)]:
        for section, (low, high) in LENGTHS.items():
            text = declaration.sections[section]
            assert low <= len(text) <= high, (declaration.key, section, len(text), text)
        modules = declaration.sections["functions"].split("、")
        assert MODULE_COUNT[0] <= len(modules) <= MODULE_COUNT[1], (declaration.key, modules)
        assert len(set(modules)) == len(modules), (declaration.key, modules)


def test_invalid_sizes_rejected() -> None:
    with pytest.raises(ValueError):
        evaluation_set(bases=1)
    with pytest.raises(ValueError):
        evaluation_set(bases=10_000)


def test_small_sets_still_have_negatives() -> None:
    small = evaluation_set(seed=1, bases=40)
    kinds = Counter(p.kind for p in small.pairs)
    assert kinds["negative"] >= kinds["exact"] + kinds["paraphrase"] + kinds["split"]


# -------------------------------------------------------------------------------------------- pairs


def test_exact_copies_have_identical_sections(evalset: EvalSet, by_key) -> None:
    pairs = _pairs(evalset, by_key, "exact")
    assert pairs
    for a, b in pairs:
        for section in SECTIONS[1:]:
            assert a.sections[section] == b.sections[section], section
        assert a.topic == b.topic


def test_paraphrases_reworded_but_same_system(evalset: EvalSet, by_key) -> None:
    pairs = _pairs(evalset, by_key, "paraphrase")
    assert pairs
    changed = 0
    for a, b in pairs:
        assert a.topic == b.topic
        assert a.sections["name"] != b.sections["name"]
        changed += a.sections["objectives"] != b.sections["objectives"]
        changed += a.sections["content"] != b.sections["content"]
        shared = set(a.sections["functions"].split("、")) & set(b.sections["functions"].split("、"))
        assert len(shared) >= 4, (a.key, b.key)
    assert changed >= len(pairs) * 1.8


def test_split_parts_same_unit_each_below_threshold_together_above(evalset: EvalSet, by_key) -> None:
    pairs = _pairs(evalset, by_key, "split")
    assert pairs
    for a, b in pairs:
        assert a.unit == b.unit
        assert a.amount_yuan < SPLIT_THRESHOLD_YUAN and b.amount_yuan < SPLIT_THRESHOLD_YUAN
        assert a.amount_yuan + b.amount_yuan >= SPLIT_THRESHOLD_YUAN
        assert a.sections["objectives"] == b.sections["objectives"]
        assert a.sections["tech_route"] == b.sections["tech_route"]
        assert a.sections["functions"] != b.sections["functions"]
        assert a.sections["content"] != b.sections["content"]


def test_negatives_same_topic_different_systems(evalset: EvalSet, by_key) -> None:
    pairs = _pairs(evalset, by_key, "negative")
    assert pairs
    for a, b in pairs:
        assert a.topic == b.topic
        assert a.sections["functions"] != b.sections["functions"]
        shared = set(a.sections["functions"].split("、")) & set(b.sections["functions"].split("、"))
        assert len(shared) <= 4, (a.key, b.key, shared)


# ------------------------------------------------------------------------------------------- corpus


def test_corpus_is_lazy_unique_and_quick() -> None:
    stream = corpus(100_000)
    assert next(stream).key == "c000001"  # nothing built up front
    started = time.perf_counter()
    declarations = list(corpus(1000))
    elapsed = time.perf_counter() - started
    assert len(declarations) == 1000
    assert len({d.key for d in declarations}) == 1000
    assert elapsed < 1.0, f"corpus(1000) took {elapsed:.2f}s"
    assert len({d.sections["content"] for d in declarations}) >= 950
    assert len({d.topic for d in declarations}) == len(TOPIC_NAMES)


# --------------------------------------------------------------------------------------- word lists


def test_gov_terms_parse_as_word_freq_pos() -> None:
    lines = (DATA / "gov_terms.txt").read_text("utf-8").splitlines()
    assert len(lines) >= 400
    words = []
    for line in lines:
        match = re.fullmatch(r"(\S+) (\d+) ([a-z]+)", line)
        assert match, line
        words.append(match.group(1))
    assert len(set(words)) == len(words)
    expected = (
        "一网通办 政务服务 数据共享交换 电子证照 不动产登记 雪亮工程 等保三级 信创 IRS 浙政钉 赣政通 山东通"
    )
    assert set(expected.split()) <= set(words)


def test_stopwords_one_per_line_disjoint_from_terms() -> None:
    stopwords = (DATA / "stopwords.txt").read_text("utf-8").splitlines()
    assert len(stopwords) >= 250
    assert all(word and word == word.strip() and " " not in word for word in stopwords)
    assert len(set(stopwords)) == len(stopwords)
    for word in ("的", "和", "建设", "项目", "系统", "平台", "进一步", "the", "and", "of", "a"):
        assert word in stopwords
    terms = {line.split()[0] for line in (DATA / "gov_terms.txt").read_text("utf-8").splitlines()}
    assert not terms & set(stopwords)
