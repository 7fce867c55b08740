"""Rules coverage: rules-catalogue id → policy-pack rule(s) → test(s), with the gaps explained.

Pure Python (no Django ORM): the ``policy_coverage`` command and ``tests/test_coverage.py`` call these
functions directly.

* ``catalogue_index.tsv`` (beside this module) is extracted once from the rules catalogue (§3 thresholds
  TH, §4 deadlines DL, §5 rejection criteria RJ, §6 exclusions OOS) with ``catalogue_index_extract`` —
  the catalogue itself is not in the repository, so CI works from the committed index.
* An item is **covered** when a rule of its own pack lists the id in ``catalogue`` *and* a file under
  ``govit/policies/tests/`` contains the id as an exact token (``TH-1`` does not match ``TH-14``,
  ``OOS-ZG-2`` does not match ``OOS-ZG-2.1``, ranges such as ``RJ-01..RJ-17`` count for neither end).
  Items in the pack's ``not_encodable`` are explained gaps; encoded but unreferenced items are
  *untested*; anything else is *missing*.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from govit.policies.engine import list_packs, load_pack
from govit.policies.engine.schema import Pack

__all__ = [
    "DOC_PATH",
    "INDEX_PATH",
    "KINDS",
    "TESTS_DIR",
    "CatalogueRow",
    "CoverageReport",
    "ItemCoverage",
    "Tally",
    "catalogue_id_tokens",
    "catalogue_index_extract",
    "catalogue_index_load",
    "catalogue_index_tsv",
    "coverage_build",
    "coverage_markdown",
    "test_references",
]

Kind = Literal["TH", "DL", "RJ", "OOS"]
Status = Literal["covered", "not_encodable", "untested", "missing"]

KINDS: tuple[Kind, ...] = ("TH", "DL", "RJ", "OOS")
KIND_LABELS: dict[str, str] = {"TH": "阈值 TH", "DL": "时限 DL", "RJ": "否决条件 RJ", "OOS": "范围排除 OOS"}
STATUS_LABELS: dict[str, str] = {
    "covered": "已编码并测试",
    "not_encodable": "无法编码",
    "untested": "已编码未测试",
    "missing": "缺失",
}
TARGET_PERCENT = 95.0

_HERE = Path(__file__).resolve().parent
INDEX_PATH = _HERE / "catalogue_index.tsv"
TESTS_DIR = _HERE / "tests"
REPO_ROOT = _HERE.parent.parent
DOC_PATH = REPO_ROOT / "docs" / "rules-coverage.md"
# this module's own tests quote ids to exercise the matcher; they are not coverage evidence
EXCLUDED_TEST_FILES: frozenset[str] = frozenset({"test_coverage.py"})

SUMMARY_MAX = 60
_TSV_HEADER = ("id", "pack", "kind", "summary")


# ------------------------------------------------------------------ catalogue index


@dataclass(frozen=True, order=True)
class CatalogueRow:
    id: str
    pack: str
    kind: Kind
    summary: str


_ROW_ID = re.compile(r"^(TH-\d+|DL-\d+|RJ-\d+|OOS-[A-Z0-9]+-\d+(?:\.\d+)*)$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_PACK_IN_HEADING = re.compile(r"\((\d{3})\)")
_DITTO = {"〃", "”", '"', "同上"}


def _kind_of(cat_id: str) -> Kind:
    prefix = cat_id.split("-", 1)[0]
    if prefix not in KINDS:
        raise ValueError(f"不是 TH/DL/RJ/OOS 编号：{cat_id}")
    return prefix  # type: ignore[return-value]


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in _CELL_SPLIT.split(body)]


def _clean_summary(text: str) -> str:
    text = text.replace("\\|", " ").replace("|", " ").replace("\t", " ")
    text = text.replace("`", "").replace("**", "")
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("“") and text.endswith("”") and text.count("“") == 1 and text.count("”") == 1:
        text = text[1:-1].strip()
    if len(text) > SUMMARY_MAX:
        text = text[: SUMMARY_MAX - 1].rstrip() + "…"
    return text


def _summary_columns(header: list[str]) -> tuple[int | None, int | None, int | None]:
    """(summary column, sub-class column, pack column) of a catalogue table header."""
    summary = sub = pack = None
    for i, name in enumerate(header):
        low = name.lower()
        if low == "pack":
            pack = i
        elif low.startswith("sub-class"):
            sub = i
        elif summary is None and (
            low.startswith("literal")
            or low.startswith("rule")
            or "description" in low
            or low.startswith("class")
            or low.startswith("exclusion")
        ):
            summary = i
    return summary, sub, pack


def catalogue_index_extract(path: Path | str) -> list[CatalogueRow]:
    """Parse §3–§6 of the rules catalogue markdown into index rows (catalogue order).

    The pack comes from the table's ``Pack`` column (§3, §4, §6.3) or else from the ``(00N)`` in the
    nearest heading (§5.x, §6.1, §6.2). The summary is the literal wording / description / class
    (§6.1: class and sub-class, ``〃`` resolved), cleaned and truncated to ~60 characters.
    """
    text = Path(path).read_text(encoding="utf-8")
    rows: list[CatalogueRow] = []
    seen: set[str] = set()
    heading_pack: str | None = None
    header: list[str] | None = None
    in_sections = False
    last_class = ""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            number = re.match(r"## (\d+)\.", line)
            in_sections = bool(number and 3 <= int(number.group(1)) <= 6)
            heading_pack = None
            header = None
        if not in_sections:
            continue
        if line.startswith("#"):
            found = _PACK_IN_HEADING.search(line)
            heading_pack = found.group(1) if found else None
            header = None
            continue
        if not line.startswith("|"):
            if line.strip():
                header = None
            continue
        cells = _cells(line)
        first = cells[0] if cells else ""
        if first in {"ID", "Code"}:
            header = cells
            last_class = ""
            continue
        if not _ROW_ID.match(first):
            continue
        if header is None:
            raise ValueError(f"第{lineno}行：{first} 所在表格没有表头")
        summary_col, sub_col, pack_col = _summary_columns(header)
        if summary_col is None:
            raise ValueError(f"第{lineno}行：{first} 所在表格无法确定摘要列：{header}")
        pack = cells[pack_col] if pack_col is not None else heading_pack
        if not pack or not re.fullmatch(r"\d{3}", pack):
            raise ValueError(f"第{lineno}行：{first} 无法确定所属政策包")
        summary = cells[summary_col]
        if sub_col is not None:
            if summary in _DITTO:
                summary = last_class
            last_class = summary
            sub = cells[sub_col]
            if sub and sub not in {"—", "-"}:
                summary = f"{summary}：{sub}"
        if first in seen:
            raise ValueError(f"第{lineno}行：编号 {first} 重复")
        seen.add(first)
        rows.append(CatalogueRow(first, pack, _kind_of(first), _clean_summary(summary)))
    return rows


def catalogue_index_tsv(rows: Iterable[CatalogueRow]) -> str:
    lines = ["\t".join(_TSV_HEADER)]
    for row in rows:
        summary = row.summary.replace("\t", " ").replace("|", " ").replace("\n", " ")
        lines.append("\t".join((row.id, row.pack, row.kind, summary)))
    return "\n".join(lines) + "\n"


def catalogue_index_load(path: Path | str = INDEX_PATH) -> list[CatalogueRow]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != _TSV_HEADER:
        raise ValueError(f"{path}: 表头应为 {' / '.join(_TSV_HEADER)}（以制表符分隔）")
    rows: list[CatalogueRow] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != len(_TSV_HEADER):
            raise ValueError(f"{path}:{number}: 应有 {len(_TSV_HEADER)} 列，实际 {len(parts)} 列")
        cat_id, pack, kind, summary = parts
        if _kind_of(cat_id) != kind:
            raise ValueError(f"{path}:{number}: {cat_id} 的类别应为 {_kind_of(cat_id)}")
        rows.append(CatalogueRow(cat_id, pack, _kind_of(cat_id), summary))
    return rows


# ------------------------------------------------------------------ test references

_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_.\-])"
    r"((?:TH|DL|RJ)-\d+|OOS-[A-Z0-9]+-\d+(?:\.\d+)*)"
    r"(?![A-Za-z0-9_])(?!\.\d)"
)
_RANGE_MARK = r"(?:\.{2,3}|…|–|—|~|～)"
_RANGE_AFTER = re.compile(rf"\s*{_RANGE_MARK}\s*(?:[A-Z][A-Z0-9]*-)*\d|-(?:TH|DL|RJ|OOS)-")
_RANGE_BEFORE = re.compile(rf"\d\s*{_RANGE_MARK}\s*$")


def catalogue_id_tokens(text: str) -> list[str]:
    """Catalogue ids occurring in ``text`` as exact tokens, in order (duplicates kept).

    ``TH-1`` is not found in ``TH-14``, ``OOS-ZG-2`` not in ``OOS-ZG-2.1``, nothing in ``MU-TH-1``;
    both ends of a range (``RJ-01..RJ-17``, ``DL-09–DL-16``, ``OOS-SZS-1..3``) are skipped. A rule id
    built on a catalogue id (``TH-12-free-om``) counts for that id.
    """
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        if _RANGE_AFTER.match(text, match.end()):
            continue
        if _RANGE_BEFORE.search(text[: match.start()]):
            continue
        found.append(match.group(1))
    return found


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    name: str


@dataclass(frozen=True)
class _Test:
    start: int
    end: int
    qualname: str
    uses: frozenset[str]


def _span(node: ast.stmt) -> tuple[int, int]:
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _names_used(node: ast.AST) -> frozenset[str]:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    names |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments) for a in n.args}
    return frozenset(names)


def _test_map(tree: ast.Module) -> tuple[list[_Test], list[_Span]]:
    """Test functions (with the names they use) and the module-level definitions (constants, helpers,
    fixtures) of one test module."""
    tests: list[_Test] = []
    defs: list[_Span] = []

    def walk(node: ast.AST, prefix: str, in_test_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}::", child.name.startswith("Test"))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if child.name.startswith("test") and (prefix == "" or in_test_class):
                    tests.append(_Test(*_span(child), f"{prefix}{child.name}", _names_used(child)))
                walk(child, f"{prefix}{child.name}.", False)

    walk(tree, "", False)
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs.append(_Span(*_span(stmt), stmt.name))
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    defs.append(_Span(*_span(stmt), target.id))
    return tests, defs


def _locations(name: str, tests: Sequence[_Test], defs: Sequence[_Span], lineno: int) -> set[str]:
    enclosing = [t for t in tests if t.start <= lineno <= t.end]
    if enclosing:
        return {f"{name}::{max(enclosing, key=lambda t: t.start).qualname}"}
    users = {
        f"{name}::{t.qualname}" for d in defs if d.start <= lineno <= d.end for t in tests if d.name in t.uses
    }
    return users or {name}


def test_references(
    tests_dir: Path | str = TESTS_DIR,
    exclude: Collection[str] = EXCLUDED_TEST_FILES,
    pattern: str = "test_*.py",
) -> dict[str, list[str]]:
    """Every catalogue id token in the test files (``pattern``, recursively) under ``tests_dir`` →
    sorted test locations. Support modules (``conftest.py``, helpers) are not tests and are not read.

    A location is ``file.py::test_name`` (``file.py::TestClass::test_name``) for an occurrence inside
    a test function or its decorators (parametrize ids), or inside a module-level constant, helper or
    fixture that a test function names directly (``CASES`` in ``@parametrize(..., CASES)``); anything
    else (module docstring, section comments, unused helpers) maps to ``file.py``. A file that does not
    parse maps everything to ``file.py``. Paths are relative to ``tests_dir``.
    """
    root = Path(tests_dir)
    refs: dict[str, set[str]] = {}
    for path in sorted(root.rglob(pattern)):
        if path.name in exclude:
            continue
        name = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        try:
            tests, defs = _test_map(ast.parse(text))
        except SyntaxError:
            tests, defs = [], []
        for lineno, line in enumerate(text.splitlines(), start=1):
            for token in catalogue_id_tokens(line):
                refs.setdefault(token, set()).update(_locations(name, tests, defs, lineno))
    return {key: sorted(value) for key, value in sorted(refs.items())}


# test_references is a library function, not a pytest test
test_references.__test__ = False  # type: ignore[attr-defined]


# ------------------------------------------------------------------ report


@dataclass(frozen=True)
class ItemCoverage:
    row: CatalogueRow
    rules: tuple[str, ...]
    tests: tuple[str, ...]
    reason: str | None
    status: Status


@dataclass
class Tally:
    total: int = 0
    covered: int = 0
    not_encodable: int = 0
    untested: int = 0
    missing: int = 0

    def add(self, status: Status) -> None:
        self.total += 1
        setattr(self, status, getattr(self, status) + 1)

    @property
    def percent(self) -> float:
        """Strict coverage: covered / total."""
        return 100.0 * self.covered / self.total if self.total else 100.0

    @property
    def explained_percent(self) -> float:
        """(covered + not encodable with a reason) / total."""
        return 100.0 * (self.covered + self.not_encodable) / self.total if self.total else 100.0


@dataclass(frozen=True)
class PackInfo:
    catalogue_code: str
    codes: tuple[str, ...]
    jurisdiction: str


@dataclass
class CoverageReport:
    items: list[ItemCoverage]
    packs: dict[str, PackInfo]
    by_kind: dict[str, Tally]
    by_pack: dict[str, Tally]
    overall: Tally
    unknown_pack_ids: list[str] = field(default_factory=list)
    unknown_test_ids: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> list[ItemCoverage]:
        return [i for i in self.items if i.status in ("untested", "missing")]

    def item(self, cat_id: str) -> ItemCoverage:
        for entry in self.items:
            if entry.row.id == cat_id:
                return entry
        raise KeyError(cat_id)


def _natural_key(cat_id: str) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    kind = cat_id.split("-", 1)[0]
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[-.]", cat_id))
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), parts)  # type: ignore[arg-type]


def _is_tracked(cat_id: str) -> bool:
    return bool(_ROW_ID.match(cat_id))


def _default_packs() -> list[Pack]:
    return [load_pack(str(entry["code"])).pack for entry in list_packs()]


def coverage_build(
    index: Sequence[CatalogueRow] | None = None,
    packs: Sequence[Pack] | None = None,
    references: dict[str, list[str]] | None = None,
) -> CoverageReport:
    """Join the catalogue index, the packs' ``catalogue`` / ``not_encodable`` and the test references.

    A rule only counts for the items of its own pack (``meta.catalogue_code``); a catalogue id of
    another jurisdiction in a pack is reported in ``foreign``.
    """
    rows = list(catalogue_index_load() if index is None else index)
    pack_list = list(_default_packs() if packs is None else packs)
    refs = test_references() if references is None else references
    by_id = {row.id: row for row in rows}

    infos: dict[str, PackInfo] = {}
    encoded: dict[str, set[str]] = {}
    reasons: dict[str, list[str]] = {}
    unknown: set[str] = set()
    foreign: set[str] = set()
    multi = len({p.meta.catalogue_code for p in pack_list}) != len(pack_list)
    for pack in pack_list:
        cat_code = pack.meta.catalogue_code
        if cat_code is None:
            continue
        prev = infos.get(cat_code)
        infos[cat_code] = PackInfo(
            cat_code,
            tuple(sorted({*(prev.codes if prev else ()), pack.meta.code})),
            prev.jurisdiction if prev else pack.meta.jurisdiction,
        )
        for _kind, rule in pack.all_rules():
            for cat_id in rule.catalogue:
                if not _is_tracked(cat_id):
                    continue
                row = by_id.get(cat_id)
                if row is None:
                    unknown.add(f"{pack.meta.code}: {rule.id} → {cat_id}")
                elif row.pack != cat_code:
                    foreign.add(f"{pack.meta.code}（{cat_code}）: {rule.id} → {cat_id}（属 {row.pack}）")
                else:
                    label = f"{pack.meta.code}:{rule.id}" if multi else rule.id
                    encoded.setdefault(cat_id, set()).add(label)
        for entry in pack.not_encodable:
            if not _is_tracked(entry.catalogue):
                continue
            row = by_id.get(entry.catalogue)
            if row is None:
                unknown.add(f"{pack.meta.code}: not_encodable → {entry.catalogue}")
            elif row.pack != cat_code:
                foreign.add(
                    f"{pack.meta.code}（{cat_code}）: not_encodable → {entry.catalogue}（属 {row.pack}）"
                )
            else:
                reasons.setdefault(entry.catalogue, []).append(" ".join(entry.reason.split()))

    items: list[ItemCoverage] = []
    by_kind: dict[str, Tally] = {kind: Tally() for kind in KINDS}
    by_pack: dict[str, Tally] = {code: Tally() for code in sorted({r.pack for r in rows})}
    overall = Tally()
    for row in sorted(rows, key=lambda r: (r.pack, _natural_key(r.id))):
        rules = tuple(sorted(encoded.get(row.id, ())))
        tests = tuple(refs.get(row.id, ()))
        reason = "；".join(reasons[row.id]) if row.id in reasons else None
        status: Status
        if rules and tests:
            status = "covered"
        elif reason is not None:
            status = "not_encodable"
        elif rules:
            status = "untested"
        else:
            status = "missing"
        items.append(ItemCoverage(row, rules, tests, reason, status))
        by_kind[row.kind].add(status)
        by_pack[row.pack].add(status)
        overall.add(status)

    unknown_tests = sorted((i for i in refs if i not in by_id), key=_natural_key)
    return CoverageReport(
        items=items,
        packs=dict(sorted(infos.items())),
        by_kind=by_kind,
        by_pack=by_pack,
        overall=overall,
        unknown_pack_ids=sorted(unknown),
        unknown_test_ids=unknown_tests,
        foreign=sorted(foreign),
    )


# ------------------------------------------------------------------ markdown


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _tally_cells(tally: Tally) -> list[str]:
    return [
        str(tally.total),
        str(tally.covered),
        str(tally.not_encodable),
        str(tally.untested),
        str(tally.missing),
        _pct(tally.percent),
        _pct(tally.explained_percent),
    ]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _pack_title(report: CoverageReport, code: str) -> str:
    info = report.packs.get(code)
    if info is None:
        return f"{code}（无政策包）"
    return f"{code} {info.jurisdiction}（{'、'.join(info.codes)}）"


def _status_cell(item: ItemCoverage) -> str:
    label = STATUS_LABELS[item.status]
    if item.status == "not_encodable":
        return f"{label}：{_cell(item.reason or '')}"
    if item.reason is not None:
        return f"{label}（部分无法编码：{_cell(item.reason)}）"
    return label


def _gap_note(item: ItemCoverage) -> str:
    if item.status == "untested":
        return f"已由 {'、'.join(item.rules)} 编码，但测试中没有以完整编号引用 {item.row.id}"
    return f"政策包既未编码（无规则的 catalogue 列出 {item.row.id}），也未在 not_encodable 中说明"


def coverage_markdown(report: CoverageReport) -> str:
    """Chinese, deterministic (sorted, no timestamps) markdown of ``report``."""
    overall = report.overall
    met = overall.explained_percent >= TARGET_PERCENT and overall.missing == 0
    out: list[str] = [
        "# 规则覆盖表",
        "",
        "> 本文件由 `govit policy coverage --write` 生成，请勿手工修改；`govit policy coverage --check`"
        " 与 `govit/policies/tests/test_coverage.py` 检查它与生成结果一致。",
        "",
        "规则目录（rules-catalogue）§3 阈值 TH、§4 时限 DL、§5 否决条件 RJ、§6 范围排除 OOS 的每个编号"
        " → 政策包规则（`govit/policies/packs/*.yaml` 中 `catalogue` 列出该编号的规则）→ 测试"
        "（`govit/policies/tests/` 中引用该编号的测试）。目录条目取自提交在仓库中的索引"
        " `govit/policies/catalogue_index.tsv`（`govit policy coverage --extract-index 目录文件` 重新提取）。",
        "",
        "## 口径",
        "",
        "- **已编码并测试**：本政策包至少一条规则的 `catalogue` 列出该编号，并且 `govit/policies/tests/`"
        " 下至少一个测试文件（`test_*.py`，不含 `test_coverage.py` 本身）以完整编号引用它（`TH-1` 不匹配 `TH-14`，`OOS-ZG-2` 不匹配 `OOS-ZG-2.1`；"
        "`RJ-01..RJ-17` 这类区间的两端都不计；测试函数名如 `test_th01` 不计）。",
        "- **无法编码（附理由）**：政策包 `not_encodable` 列出该编号及理由，计为已说明的缺口；"
        "若同时已编码并测试，则计为已编码并测试，理由作为“部分无法编码”附注。",
        "- **已编码未测试**：有规则编码该编号，但没有测试引用它。",
        "- **缺失**：政策包既未编码，也未在 `not_encodable` 中说明。",
        "- **覆盖率** = 已编码并测试 ÷ 条目数；**已说明覆盖率** = （已编码并测试 + 无法编码）÷ 条目数。"
        f"目标：已说明覆盖率 ≥ {TARGET_PERCENT:.0f}%，且缺失为 0。",
        "",
        "## 汇总",
        "",
        f"已说明覆盖率 {_pct(overall.explained_percent)}（目标 ≥ {TARGET_PERCENT:.0f}%），"
        f"覆盖率 {_pct(overall.percent)}；缺失 {overall.missing} 项，已编码未测试 {overall.untested} 项："
        f"{'达标' if met else '未达标'}。",
        "",
        "### 按类别",
        "",
    ]
    header = [
        "条目数",
        "已编码并测试",
        "无法编码（附理由）",
        "已编码未测试",
        "缺失",
        "覆盖率",
        "已说明覆盖率",
    ]
    kind_rows = [[KIND_LABELS[k], *_tally_cells(report.by_kind[k])] for k in KINDS]
    kind_rows.append(["合计", *_tally_cells(overall)])
    out += _table(["类别", *header], kind_rows)
    out += ["", "### 按政策包", ""]
    pack_rows = [[_pack_title(report, code), *_tally_cells(t)] for code, t in report.by_pack.items()]
    pack_rows.append(["合计", *_tally_cells(overall)])
    out += _table(["政策包", *header], pack_rows)

    out += ["", "## 待补条目（已编码未测试 / 缺失）", ""]
    gaps = report.gaps
    if gaps:
        out += _table(
            ["编号", "政策包", "状态", "说明"],
            ([g.row.id, g.row.pack, STATUS_LABELS[g.status], _cell(_gap_note(g))] for g in gaps),
        )
    else:
        out.append("无。")

    for code in report.by_pack:
        tally = report.by_pack[code]
        out += [
            "",
            f"## {_pack_title(report, code)}",
            "",
            f"条目 {tally.total}：已编码并测试 {tally.covered}，无法编码 {tally.not_encodable}，"
            f"已编码未测试 {tally.untested}，缺失 {tally.missing}；覆盖率 {_pct(tally.percent)}，"
            f"已说明覆盖率 {_pct(tally.explained_percent)}。",
            "",
        ]
        rows = [
            [
                item.row.id,
                _cell(item.row.summary),
                "<br>".join(f"`{r}`" for r in item.rules) or "—",
                "<br>".join(f"`{t}`" for t in item.tests) or "—",
                _status_cell(item),
            ]
            for item in report.items
            if item.row.pack == code
        ]
        out += _table(["编号", "摘要", "政策包规则", "测试", "状态"], rows)

    out += ["", "## 其他发现", ""]
    notes: list[str] = []
    if report.unknown_pack_ids:
        notes.append("政策包引用了目录索引中不存在的编号：" + "；".join(report.unknown_pack_ids) + "。")
    if report.foreign:
        notes.append("政策包引用了其他法域的目录编号（不计入覆盖）：" + "；".join(report.foreign) + "。")
    if report.unknown_test_ids:
        notes.append("测试引用了目录索引中不存在的编号：" + "、".join(report.unknown_test_ids) + "。")
    out += [f"- {_cell(n)}" for n in notes] if notes else ["无。"]
    return "\n".join(out) + "\n"
