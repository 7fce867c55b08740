"""Rules coverage (govit/policies/coverage.py): the committed catalogue index, the exact-token matcher,
the coverage target and the committed docs/rules-coverage.md.

This file is excluded from the coverage scan (it quotes ids only to exercise the matcher).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from govit.policies import coverage
from govit.policies.coverage import (
    CatalogueRow,
    catalogue_id_tokens,
    catalogue_index_extract,
    catalogue_index_load,
    catalogue_index_tsv,
    coverage_build,
    coverage_markdown,
)
from govit.policies.coverage import test_references as references_of
from govit.policies.engine.schema import Pack

CATALOGUE = Path("/work/shared/docs/rules-catalogue.md")

# rules catalogue §3 "Threshold total: 39", §4 "Deadline total: 54", §5 "… total: 113", Appendix D (§6: 26)
KIND_COUNTS = {"TH": 39, "DL": 54, "RJ": 113, "OOS": 26}
PACK_KIND_COUNTS = {
    "000": {"TH": 5, "DL": 8, "RJ": 17, "OOS": 2},
    "001": {"TH": 8, "DL": 8, "RJ": 21, "OOS": 3},
    "002": {"TH": 11, "DL": 12, "RJ": 30, "OOS": 12},
    "003": {"TH": 4, "DL": 10, "RJ": 19, "OOS": 3},
    "004": {"TH": 11, "DL": 16, "RJ": 26, "OOS": 6},
}


@pytest.fixture(scope="module")
def index() -> list[CatalogueRow]:
    return catalogue_index_load()


@pytest.fixture(scope="module")
def report(index):
    return coverage_build(index=index)


# ------------------------------------------------------------------ index


def test_index_counts_per_kind(index):
    assert Counter(row.kind for row in index) == KIND_COUNTS
    assert len(index) == 232


def test_index_counts_per_pack(index):
    counts = Counter((row.pack, row.kind) for row in index)
    for pack, kinds in PACK_KIND_COUNTS.items():
        for kind, expected in kinds.items():
            assert counts[(pack, kind)] == expected, (pack, kind)
    assert {row.pack for row in index} == set(PACK_KIND_COUNTS)


def test_index_rows_are_well_formed(index):
    assert len({row.id for row in index}) == len(index)
    for row in index:
        assert row.id.startswith(f"{row.kind}-")
        assert row.summary and "|" not in row.summary and "\t" not in row.summary
        assert len(row.summary) <= coverage.SUMMARY_MAX


def test_index_spot_rows(index):
    by_id = {row.id: row for row in index}
    assert by_id["RJ-109"].pack == "001"  # appended id sits in its pack's table
    assert by_id["RJ-111"].pack == "002"
    assert by_id["RJ-113"].pack == "004"
    assert by_id["OOS-ZG-6"].pack == "002"  # §6.3 table, Pack column
    assert by_id["OOS-ZG-2.2"].summary.startswith("单独购置通用办公设备及维护项目")  # 〃 resolved
    assert by_id["TH-01"].summary == "总投资概算500万元（含）以上"


def test_index_tsv_round_trip(index, tmp_path):
    path = tmp_path / "index.tsv"
    path.write_text(catalogue_index_tsv(index), encoding="utf-8")
    assert catalogue_index_load(path) == index


@pytest.mark.skipif(not CATALOGUE.exists(), reason="rules catalogue not available (clean clone)")
def test_index_matches_catalogue(index):
    assert catalogue_index_extract(CATALOGUE) == index, (
        "catalogue_index.tsv 与规则目录不一致，请运行 govit policy coverage --extract-index 目录文件"
    )


# ------------------------------------------------------------------ matcher


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TH-14", ["TH-14"]),
        ("TH-1 and TH-14", ["TH-1", "TH-14"]),
        ("OOS-ZG-2.1", ["OOS-ZG-2.1"]),
        ("OOS-ZG-2, OOS-ZG-2.1", ["OOS-ZG-2", "OOS-ZG-2.1"]),
        ("see OOS-ZG-2.", ["OOS-ZG-2"]),
        ("RJ-01..RJ-17", []),
        ("RJ-01 .. RJ-17", []),
        ("DL-09–DL-16", []),
        ("OOS-SZS-1..3, TH-08..10", []),
        ("RJ-18..RJ-36/RJ-109", ["RJ-109"]),
        ("TH-14/TH-15", ["TH-14", "TH-15"]),
        ("TH-29/30/31", ["TH-29"]),
        ('ids=["TH-12-free-om"]', ["TH-12"]),
        ("MU-TH-1 MU-RJ-1", []),
        ("阈值TH-01的边界", ["TH-01"]),
        ("TH-01a RJ-05_x", []),
        ("# -- TH-39 / RJ-88", ["TH-39", "RJ-88"]),
        ("test_th01_th02", []),
        ('f"OOS-SC4-{i}"', []),
    ],
)
def test_token_boundaries(text, expected):
    assert catalogue_id_tokens(text) == expected


def test_token_exactness_for_lookup():
    assert "TH-1" not in catalogue_id_tokens("TH-14")
    assert "OOS-ZG-2" not in catalogue_id_tokens("OOS-ZG-2.1")


def test_references_locations(tmp_path):
    (tmp_path / "test_demo.py").write_text(
        '"""Module docstring cites TH-02 and RJ-01..RJ-17."""\n'
        "import pytest\n"
        "\n"
        'CASES = [("DL-05", 1)]\n'
        'UNUSED = ["DL-06"]\n'
        "# ---- section DL-07\n"
        "\n"
        "\n"
        "def helper():\n"
        '    return "RJ-09"\n'
        "\n"
        "\n"
        "@pytest.mark.parametrize(('case', 'n'), CASES)\n"
        "def test_cases(case, n):\n"
        "    assert helper()\n"
        "\n"
        "\n"
        "@pytest.mark.parametrize(\n"
        '    "x", [1], ids=["TH-01 at 500"]\n'
        ")\n"
        "def test_th(x):\n"
        "    # OOS-ZG-2.1 only\n"
        "    assert x\n"
        "\n"
        "\n"
        "class TestGroup:\n"
        "    def test_inner(self):\n"
        '        assert "TH-14"\n',
        encoding="utf-8",
    )
    (tmp_path / "helpers.py").write_text('X = "TH-03"\n', encoding="utf-8")
    (tmp_path / "test_coverage.py").write_text('X = "TH-04"\n', encoding="utf-8")
    refs = references_of(tmp_path)
    assert refs == {
        "DL-05": ["test_demo.py::test_cases"],  # module constant used by the test's parametrize
        "DL-06": ["test_demo.py"],  # constant no test names
        "DL-07": ["test_demo.py"],  # section comment
        "OOS-ZG-2.1": ["test_demo.py::test_th"],
        "RJ-09": ["test_demo.py::test_cases"],  # helper called by the test
        "TH-01": ["test_demo.py::test_th"],
        "TH-02": ["test_demo.py"],
        "TH-14": ["test_demo.py::TestGroup::test_inner"],
    }


# ------------------------------------------------------------------ coverage


def _pack(**extra) -> Pack:
    data = {
        "meta": {
            "code": "demo",
            "catalogue_code": "000",
            "jurisdiction": "演示县",
            "level": "county",
            "source": {"title": "演示办法", "status": "现行"},
            "version": "1",
        },
        **extra,
    }
    return Pack.model_validate(data)


def _scope(rule_id: str, *ids: str) -> dict:
    return {
        "id": rule_id,
        "cite": {"article": "第一条", "quote": "q"},
        "catalogue": list(ids),
        "outcome": "out_of_scope",
        "when": "true",
        "message": "m",
    }


def test_status_rules():
    rows = [
        CatalogueRow("TH-01", "000", "TH", "a"),
        CatalogueRow("TH-02", "000", "TH", "b"),
        CatalogueRow("TH-03", "000", "TH", "c"),
        CatalogueRow("TH-04", "000", "TH", "d"),
        CatalogueRow("TH-06", "001", "TH", "e"),
    ]
    pack = _pack(
        scope=[_scope("R1", "TH-01", "TH-02", "TH-06", "TH-99", "ST-000-01")],
        not_encodable=[
            {"catalogue": "TH-03", "reason": "无事实字段"},
            {"catalogue": "TH-02", "reason": "部分"},
        ],
    )
    refs = {"TH-01": ["test_x.py::test_a"], "TH-02": ["test_x.py"], "TH-77": ["test_x.py"]}
    report = coverage_build(index=rows, packs=[pack], references=refs)
    status = {item.row.id: item.status for item in report.items}
    assert status == {
        "TH-01": "covered",
        "TH-02": "covered",  # partly not encodable, but encoded and tested
        "TH-03": "not_encodable",
        "TH-04": "missing",
        "TH-06": "missing",  # only encoded by another jurisdiction's pack
    }
    assert report.item("TH-02").reason == "部分"
    assert report.overall.total == 5 and report.overall.covered == 2
    assert report.overall.percent == pytest.approx(40.0)
    assert report.overall.explained_percent == pytest.approx(60.0)
    assert report.unknown_pack_ids == ["demo: R1 → TH-99"]
    assert report.unknown_test_ids == ["TH-77"]
    assert report.foreign == ["demo（000）: R1 → TH-06（属 001）"]


def test_untested_status():
    rows = [CatalogueRow("TH-01", "000", "TH", "a")]
    report = coverage_build(index=rows, packs=[_pack(scope=[_scope("R1", "TH-01")])], references={})
    assert report.item("TH-01").status == "untested"
    assert [g.row.id for g in report.gaps] == ["TH-01"]


def test_coverage_target(report, index):
    overall = report.overall
    assert overall.total == len(index)
    assert overall.covered + overall.not_encodable + overall.untested + overall.missing == overall.total
    missing = [item.row.id for item in report.items if item.status == "missing"]
    assert missing == [], f"目录条目既未编码也未在 not_encodable 中说明：{missing}"
    assert overall.explained_percent >= 95.0, (
        f"已说明覆盖率 {overall.explained_percent:.1f}% < 95%；未测试：{[g.row.id for g in report.gaps]}"
    )
    # the strict figure is reported too
    assert overall.percent == pytest.approx(100.0 * overall.covered / overall.total)
    assert sum(t.total for t in report.by_kind.values()) == overall.total
    assert sum(t.total for t in report.by_pack.values()) == overall.total


def test_committed_doc_is_current(report):
    assert coverage.DOC_PATH.exists(), "docs/rules-coverage.md 不存在，请运行 govit policy coverage --write"
    committed = coverage.DOC_PATH.read_text(encoding="utf-8")
    assert committed == coverage_markdown(report), (
        "docs/rules-coverage.md 已过期，请运行 govit policy coverage --write 重新生成"
    )


def test_markdown_is_deterministic(report):
    text = coverage_markdown(report)
    assert text == coverage_markdown(coverage_build())
    assert text.startswith("# 规则覆盖表\n")
    for heading in ("## 汇总", "### 按类别", "### 按政策包", "| 编号 | 摘要 | 政策包规则 | 测试 | 状态 |"):
        assert heading in text
