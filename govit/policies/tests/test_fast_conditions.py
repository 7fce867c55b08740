"""The conditions compiled to Python give exactly the CEL interpreter's results.

Three levels: every condition of every pack on random variable values (including null wherever the
facts allow it), whole batches and evaluations on many facts documents (the benchmark's projects,
empty and sparse facts, random facts), and hand-picked expressions where Python and CEL differ.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
import typing
from functools import cache
from pathlib import Path
from typing import Any

import cel
import pytest

from govit.policies.engine import CompiledPack, Facts, FactsError, evaluate, list_packs, load_pack
from govit.policies.engine._cel import PRELUDE_GLOBALS
from govit.policies.engine._fast import (
    BOOL,
    I64_MAX,
    I64_MIN,
    INT,
    NULL,
    Unsupported,
    VarKind,
    compile_runner,
    compile_slot,
)
from govit.policies.engine.facts import NESTED_GROUPS


def _bench() -> Any:
    path = Path(__file__).resolve().parents[3] / "bench" / "bench_policy_eval.py"
    spec = importlib.util.spec_from_file_location("bench_policy_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
TYPICAL: Facts = BENCH.TYPICAL
PACKS = [info["code"] for info in list_packs() if "error" not in info]
ON = dt.date(2026, 10, 15)
_MISSING = object()


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types (``True`` is not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def cel_result(program: Any, values: list[Any]) -> Any:
    try:
        return program.execute({"_v": values})
    except Exception:
        return _MISSING


def python_result(fn: Any, values: list[Any]) -> Any:
    try:
        return fn(values)
    except Exception:
        return _MISSING


# ------------------------------------------------------------------------------------ random values


def _int_candidates(kind: VarKind, literals: list[int]) -> list[int]:
    base = [0, 1, 2, 3, 5, 12, 24, 36, 100, 600_000, 5_000_000, 20261015, 20270101, 202701]
    near = [n + d for n in literals for d in (-1, 0, 1)]
    pool = [n for n in [*base, *near, kind.lo, kind.hi] if kind.lo <= n <= kind.hi]
    return pool or [kind.lo]


def _random_value(rng: random.Random, kind: VarKind, literals: list[int]) -> Any:
    options = sorted(kind.kinds)
    if "null" in kind.kinds and rng.random() < 0.3:
        return None
    choice = rng.choice([k for k in options if k != "null"] or ["null"])
    if choice == "bool":
        return rng.random() < 0.5
    if choice == "int":
        if rng.random() < 0.2:
            return rng.randint(max(kind.lo, -(10**15)), min(kind.hi, 10**15))
        return rng.choice(_int_candidates(kind, literals))
    if choice == "list":
        return rng.sample(sorted({*literals, 1, 2, 3}), rng.randint(0, 3))
    return None


@cache
def _pack(code: str) -> CompiledPack:
    return load_pack(code)


@pytest.mark.parametrize("code", PACKS)
def test_every_condition_is_compiled(code: str) -> None:
    batch = _pack(code).batch
    assert batch.runner.slow == [], [batch.sources[i] for i in batch.runner.slow]


@pytest.mark.parametrize("code", PACKS)
def test_each_condition_matches_cel_on_random_values(code: str) -> None:
    batch = _pack(code).batch
    rng = random.Random(f"conditions-{code}")
    for slot, src in enumerate(batch.sources):
        fn = compile_slot(src, batch.kinds)
        program = cel.compile(src)
        literals = [int(n) for n in re.findall(r"(?<![\w\[])\d+(?![\w\]])", src)]
        fast_ok = 0
        for _ in range(150):
            values = [_random_value(rng, k, literals) for k in batch.kinds]
            expected = cel_result(program, values)
            got = python_result(fn, values)
            if got is _MISSING:
                continue
            fast_ok += 1
            assert expected is not _MISSING, (
                f"slot {slot} {src!r} on {values}: CEL fails, Python gives {got!r}"
            )
            assert same(got, expected), f"slot {slot} {src!r} on {values}: {got!r} != CEL {expected!r}"
        assert fast_ok > 0, f"slot {slot} {src!r}: the Python version never succeeded"


# ------------------------------------------------------------------------------------ random facts


# ``ON`` and its neighbours, month and year ends, a leap day
BOUNDARY_DATES = [
    *(ON + dt.timedelta(days=d) for d in (-1, 0, 1)),
    *(dt.date(y, m, d) for y, m, d in ((2026, 9, 30), (2026, 10, 1), (2026, 12, 31), (2027, 1, 1))),
    *(dt.date(y, m, d) for y, m, d in ((2026, 2, 28), (2026, 3, 1), (2028, 2, 29), (2028, 3, 1))),
]


def _random_date(rng: random.Random) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(-400, 800))


def _random_field(rng: random.Random, annotation: Any, name: str, metadata: list[Any]) -> Any:
    args = typing.get_args(annotation)
    optional = type(None) in args
    if optional and rng.random() < 0.35:
        return None
    core = next((a for a in args if a is not type(None)), annotation) if optional else annotation
    origin = typing.get_origin(core)
    if origin is typing.Annotated:
        return _random_field(rng, typing.get_args(core)[0], name, metadata)
    if origin is typing.Literal:
        return rng.choice(typing.get_args(core))
    if origin is list:
        values = typing.get_args(typing.get_args(core)[0])
        return rng.sample(values, rng.randint(0, min(3, len(values))))
    if core is bool:
        return rng.random() < 0.5
    if core is int:
        lo = max([m.ge for m in metadata if hasattr(m, "ge")], default=0)
        hi = min([m.le for m in metadata if hasattr(m, "le")], default=10**6)
        return rng.choice([n for n in (0, 1, 2, 3, 5, 12, 24, 36, 37, 2026, lo, hi) if lo <= n <= hi])
    if core is dt.date:
        return rng.choice(BOUNDARY_DATES).isoformat() if rng.random() < 0.5 else _random_date(rng).isoformat()
    if core is str:
        if name.endswith("_month"):
            return f"{rng.randint(2025, 2028)}-{rng.randint(1, 12):02d}"
        return "项目说明" * rng.randint(0, 80)
    return _MISSING


def random_facts(rng: random.Random) -> Facts:
    data: dict[str, Any] = {}
    for name, info in Facts.model_fields.items():
        if name in NESTED_GROUPS or name in ("issuer_due_dates", "overrides") or rng.random() < 0.3:
            continue
        value = _random_field(rng, info.annotation, name, info.metadata)
        if value is not _MISSING:
            data[name] = value
    for group, model in NESTED_GROUPS.items():
        members: dict[str, Any] = {}
        for name, info in model.model_fields.items():
            if rng.random() < 0.4:
                continue
            if group in ("amounts", "funding"):
                members[name] = rng.choice([0, 0, 50_000, 600_000, 2_000_000, 5_000_000, 20_000_000])
            else:
                value = _random_field(rng, info.annotation, name, info.metadata)
                if value is not _MISSING:
                    members[name] = value
        if group == "amounts":
            members.pop("security", None)
            members.pop("crypto", None)
        data[group] = members
    try:
        return Facts.from_dict(data)
    except FactsError:
        return Facts()


def sparse_facts() -> list[Facts]:
    """Facts where most optional fields are missing or explicitly None."""
    nones: dict[str, Any] = {
        name: None
        for name, info in Facts.model_fields.items()
        if type(None) in typing.get_args(info.annotation) and name not in NESTED_GROUPS
    }
    groups = {
        group: {
            name: None
            for name, info in model.model_fields.items()
            if type(None) in typing.get_args(info.annotation)
        }
        for group, model in NESTED_GROUPS.items()
    }
    base = TYPICAL.model_dump(mode="json")
    without_dates = {**base, "dates": {}}
    return [
        Facts(),
        Facts.from_dict({**nones, **groups}),
        Facts.from_dict({**base, **nones}),
        Facts.from_dict(without_dates),
        Facts.from_dict({**base, "contract": {}, "counts": {}, "review": {}}),
    ]


@cache
def facts_pool() -> list[Facts]:
    rng = random.Random("facts")
    return [TYPICAL, *BENCH.varied(60), *sparse_facts(), *(random_facts(rng) for _ in range(250))]


@pytest.mark.parametrize("code", PACKS)
def test_compiled_conversion_matches_values(code: str) -> None:
    """The compiled function sees the facts exactly as CEL does (``Batch.values``)."""
    batch = _pack(code).batch
    identity = [f"_v[{i}]" for i in range(len(batch.variables))]
    runner = compile_runner(identity, batch.kinds, batch.prelude, PRELUDE_GLOBALS)
    assert runner.slow == []
    for i, facts in enumerate(facts_pool()):
        on = ON + dt.timedelta(days=i)
        assert same(runner.run(facts, on), batch.values(facts, on)), f"facts #{i}"


@pytest.mark.parametrize("code", PACKS)
def test_batch_matches_cel_on_facts(code: str) -> None:
    batch = _pack(code).batch
    fast_runs = 0
    for i, facts in enumerate(facts_pool()):
        on = ON if i % 2 else ON + dt.timedelta(days=37 * (i % 20))
        fast, fast_errors = batch.run(facts, on)
        slow, slow_errors = batch.run_cel(facts, on)
        assert same(fast, slow), f"facts #{i}: {fast} != {slow}"
        assert fast_errors == slow_errors
        try:
            batch.runner.run(facts, on)
            fast_runs += 1
        except Exception:
            pass
    assert fast_runs > len(facts_pool()) // 2, "the compiled conditions raised on most facts"


@pytest.mark.parametrize("code", PACKS)
def test_evaluation_matches_cel(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = _pack(code)
    pool = facts_pool()[::3]
    fast = [evaluate(pack, f, on=ON).to_dict() for f in pool]
    monkeypatch.setattr(pack.batch, "run", pack.batch.run_cel)
    slow = [evaluate(pack, f, on=ON).to_dict() for f in pool]
    for i, (a, b) in enumerate(zip(fast, slow, strict=True)):
        assert same(a, b), f"facts #{i} differ"


# ------------------------------------------------------------------------------------ tricky expressions

KINDS = [
    VarKind(INT | NULL, 0, 10**12),  # _v[0] amount-like, nullable
    VarKind(BOOL | NULL),  # _v[1]
    VarKind(BOOL),  # _v[2]
    VarKind(INT, I64_MIN, I64_MAX),  # _v[3] unbounded int
    VarKind(frozenset({"list"})),  # _v[4]
    VarKind(INT | NULL, 10101, 99991231),  # _v[5] date
]
VALUE_SETS = [
    [None, None, True, 0, [], None],
    [0, False, False, -7, [1, 2], 20260101],
    [5, True, True, 7, [3], 20261231],
    [10**12, None, False, I64_MAX, [1], 10101],
    [3, False, True, I64_MIN, [2, 3], 99991231],
    [1, True, False, -1, [], 20270228],
]
EXPRESSIONS = [
    "_v[1] && false",
    "false && _v[1]",
    "_v[1] || true",
    "true || _v[1]",
    "!_v[1]",
    "!_v[2]",
    "_v[1] ? 1 : 2",
    "_v[1] == false",
    "_v[1] != null",
    "_v[0] == null",
    "_v[0] > 2",
    "_v[0] + 1",
    "_v[0] * 100 / 7",
    "_v[3] + 1",
    "_v[3] - 1",
    "_v[3] * 2",
    "-_v[3]",
    "_v[3] / -1",
    "_v[3] / 2",
    "_v[3] % 3",
    "_v[3] % -3",
    "-7 / 2",
    "-7 % 2",
    "7 % -2",
    "_v[0] / 0",
    "_v[0] % 0",
    "_v[0] in [1, 5, 3]",
    "_v[0] in [1, null]",
    "3 in _v[4]",
    "_v[0] in _v[4]",
    "(_v[0] == null ? 0 : _v[0]) >= 3",
    "_v[5] % 10000 > 930",
    "(_v[5] / 100) % 100 <= 2 ? 1 : 0",
    "_v[2] > false",
    "_v[0] != null && _v[0] > 2 || _v[2]",
    "_v[0] > 1 == true",
    "1 == 1 == true",
    "-9223372036854775808",
    "-(-9223372036854775807)",
    "[1, 2,][0]",
    "_v[2] == 1",
    "_v[2] in [0, 1]",
    "_v[1] in [0, 1]",
    "_v[2] in _v[4]",
    "_v[2] < 2",
    "_v[1] >= 0",
    "_v[0] < _v[3]",
    "_v[4]",
    "_v[5] == null ? _v[3] > 0 : _v[5] > 20260101",
]


@pytest.mark.parametrize("src", EXPRESSIONS)
def test_tricky_expressions(src: str) -> None:
    program = cel.compile(src)
    try:
        fn = compile_slot(src, KINDS)
    except Unsupported:
        return  # left to the interpreter
    for values in VALUE_SETS:
        expected = cel_result(program, values)
        got = python_result(fn, values)
        if got is _MISSING:
            continue
        assert expected is not _MISSING, f"{src!r} on {values}: CEL fails, Python gives {got!r}"
        assert same(got, expected), f"{src!r} on {values}: {got!r} != CEL {expected!r}"


@pytest.mark.parametrize(
    "src",
    ["_v[1] && false", "_v[2] == 1", "_v[1] + 1", "size(_v[4]) > 0", "_v[4][0]", "1.5 > 1", "2u > 1u"],
)
def test_unsupported_or_guarded(src: str) -> None:
    """Expressions whose Python reading would differ are refused or raise (the interpreter answers)."""
    try:
        fn = compile_slot(src, KINDS)
    except Unsupported:
        return
    for values in VALUE_SETS:
        got = python_result(fn, values)
        expected = cel_result(cel.compile(src), values)
        assert got is _MISSING or same(got, expected), src


def test_overflow_is_checked() -> None:
    fn = compile_slot("_v[3] + 1", KINDS)
    with pytest.raises(OverflowError):
        fn([0, None, True, I64_MAX, [], None])
    assert compile_slot("_v[0] * 100", KINDS)([10**12, None, True, 0, [], None]) == 10**14
