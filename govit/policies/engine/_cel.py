"""CEL helpers: identifier checking, ``defs`` inlining, flattening and batching.

How facts reach CEL (all of this is done once, at pack load):

* ``amounts.total`` etc. are flattened to single variables, and every variable a pack uses is packed
  into ONE list ``_v`` (``amounts.total`` -> ``_v[3]``). Converting one list of scalars in the ``cel``
  bindings costs a fraction of converting the same values as separate variables or maps.
* Enum facts (``nature``, ``secrecy`` ...) are handed over as integer codes and every string literal in
  a condition is replaced by the code of that enum value (``nature == 'NEW'`` -> ``_v[5] == 17``);
  converting Python strings is the most expensive conversion in the bindings. Since no free-text
  fact is exposed to CEL, a string literal that is not a known enum value is a pack error (typo).
* Dates are integers ``YYYYMMDD``; ``plan_start_month`` / ``plan_end_month`` integers ``YYYYMM``.
* All conditions of a pack are compiled into one list expression and run with one context.
* The same conditions are also translated to one Python function (:mod:`._fast`) that converts the facts
  and computes every condition; the CEL program serves whatever that function cannot handle and every
  evaluation during which it raised.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import cel

from ._fast import Runner, compile_runner, var_kinds
from .facts import NESTED_GROUPS, Facts, cel_variable_names, model_field_names

__all__ = [
    "ENUM_CODES",
    "PRELUDE_GLOBALS",
    "Batch",
    "RewriteResult",
    "VarRef",
    "compile_check",
    "prelude",
    "rewrite",
]

_TOKEN = re.compile(
    r"""
    (?P<str>[rRbB]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[uU]?)
  | (?P<ws>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset({"true", "false", "null", "in"})
_MACROS = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,")

_GROUP_FIELDS: dict[str, frozenset[str]] = {
    g: frozenset(model_field_names(m)) for g, m in NESTED_GROUPS.items()
}
_VARS = cel_variable_names()


def _literal_values(annotation: Any) -> list[str]:
    """String values of a ``Literal`` inside an annotation (Optional / list / Annotated unwrapped)."""
    out: list[str] = []
    if typing.get_origin(annotation) is typing.Literal:
        return [a for a in typing.get_args(annotation) if isinstance(a, str)]
    for arg in typing.get_args(annotation):
        out.extend(_literal_values(arg))
    return out


def _enum_fields() -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, info in Facts.model_fields.items():
        values = _literal_values(info.annotation)
        if values:
            fields[name] = values
    for group, model in NESTED_GROUPS.items():
        for name, info in model.model_fields.items():
            values = _literal_values(info.annotation)
            if values:
                fields[f"{group}__{name}"] = values
    return fields


ENUM_FIELDS = _enum_fields()
ENUM_CODES: dict[str, int] = {
    v: i + 1 for i, v in enumerate(sorted({v for vals in ENUM_FIELDS.values() for v in vals}))
}
_MONTH_FIELDS = frozenset({"plan_start_month", "plan_end_month"})


class VarRef(str):
    """A fact variable inside a rewritten expression (rendered as a name or as ``_v[i]``)."""

    __slots__ = ()


@dataclass
class RewriteResult:
    parts: list[str] = field(default_factory=list)
    variables: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Rendered with plain variable names (for compile checks and messages)."""
        return "".join(self.parts)

    def render(self, index: dict[str, int]) -> str:
        return "".join(f"_v[{index[p]}]" if isinstance(p, VarRef) else p for p in self.parts)


def _tokens(src: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(src)]


def _string_value(tok: str) -> str | None:
    """Value of a plain single/double-quoted CEL string token without escapes, else None."""
    if len(tok) >= 2 and tok[0] in "'\"" and tok[-1] == tok[0] and tok[:3] not in ("'''", '"""'):
        body = tok[1:-1]
        if "\\" not in body:
            return body
    return None


def rewrite(src: str, defs: dict[str, str] | None = None, _stack: tuple[str, ...] = ()) -> RewriteResult:
    """Inline ``defs``, flatten ``group.member``, replace enum literals by their codes and check every
    identifier against the facts."""
    defs = defs or {}
    res = RewriteResult()
    bound = set(_MACROS.findall(src))
    toks = _tokens(src)
    out = res.parts
    n = len(toks)

    def next_sig(j: int) -> int:
        while j < n and toks[j][0] == "ws":
            j += 1
        return j

    def prev_sig(j: int) -> int:
        j -= 1
        while j >= 0 and toks[j][0] == "ws":
            j -= 1
        return j

    i = 0
    while i < n:
        kind, text = toks[i]
        i += 1
        if kind == "str":
            value = _string_value(text)
            code = ENUM_CODES.get(value) if value is not None else None
            if code is None:
                res.problems.append(
                    f"string literal {text} is not a known enum value (no free-text fact is visible to CEL)"
                )
                out.append(text)
            else:
                out.append(str(code))
            continue
        if kind != "ident" or text in _KEYWORDS:
            out.append(text)
            continue
        p = prev_sig(i - 1)
        if p >= 0 and toks[p][1] == ".":  # member access / method name
            out.append(text)
            continue
        j = next_sig(i)
        if j < n and toks[j][1] == "(":  # function call (size, int, ...)
            if text == "has":
                res.problems.append("has() is not supported: every fact is always present (null if unknown)")
            out.append(text)
            continue
        if text in bound:
            out.append(text)
            continue
        if text in defs:
            if text in _stack:
                res.problems.append(f"defs cycle: {' -> '.join((*_stack, text))}")
                out.append("false")
                continue
            sub = rewrite(defs[text], defs, (*_stack, text))
            res.variables |= sub.variables
            res.problems.extend(sub.problems)
            out.append("(")
            out.extend(sub.parts)
            out.append(")")
            continue
        if text in NESTED_GROUPS:
            if j < n and toks[j][1] == ".":
                k = next_sig(j + 1)
                if k < n and toks[k][0] == "ident":
                    member = toks[k][1]
                    if member in _GROUP_FIELDS[text]:
                        var = f"{text}__{member}"
                        res.variables.add(var)
                        out.append(VarRef(var))
                        i = k + 1
                        continue
                    res.problems.append(f"unknown fact field: {text}.{member}")
                    out.append(text)
                    continue
            res.problems.append(f"use {text}.<field>: a whole group cannot be used in a condition")
            out.append(text)
            continue
        if text in _VARS:
            res.variables.add(text)
            out.append(VarRef(text))
            continue
        res.problems.append(f"unknown fact field or name: {text}")
        out.append(text)
    return res


_CODES = ENUM_CODES


class Batch:
    """All of a pack's expressions compiled into one CEL list, evaluated with one context."""

    def __init__(self, parts: list[RewriteResult], variables: Iterable[str]) -> None:
        names = sorted(set(variables))
        self.variables = names
        self.index = {name: i for i, name in enumerate(names)}
        self.sources = [r.render(self.index) for r in parts]
        self.readable = [r.source for r in parts]
        on_idx = self.index.get("on")
        self.on_index = on_idx
        paths = ["secrecy" if v == "on" else v.replace("__", ".") for v in names]  # placeholder for on
        self._get: Callable[[Facts], Any] | None = attrgetter(*paths) if paths else None
        self._single = len(paths) == 1
        self._date_idx = [i for i, v in enumerate(names) if v.startswith("dates__")]
        self._enum_idx = [i for i, v in enumerate(names) if v in ENUM_FIELDS]
        self._month_idx = [i for i, v in enumerate(names) if v in _MONTH_FIELDS]
        self.program = _list_program(self.sources)
        self._singles: list[Any] | None = None
        self.kinds = var_kinds(names, ENUM_FIELDS, _MONTH_FIELDS, len(ENUM_CODES))
        self.prelude = prelude(names, [k.kinds for k in self.kinds])
        self.runner: Runner = compile_runner(self.sources, self.kinds, self.prelude, PRELUDE_GLOBALS)
        self._slow_program = _list_program([self.sources[i] for i in self.runner.slow])

    def values(self, facts: Facts, on: dt.date) -> list[Any]:
        if self._get is None:
            return []
        raw = self._get(facts)
        vals = [raw] if self._single else list(raw)
        for i in self._date_idx:
            d = vals[i]
            if d is not None:
                vals[i] = d.year * 10000 + d.month * 100 + d.day
        for i in self._enum_idx:
            v = vals[i]
            if v is not None:
                vals[i] = [_CODES[x] for x in v] if type(v) is list else _CODES[v]
        for i in self._month_idx:
            m = vals[i]
            if m is not None:
                vals[i] = int(m[:4]) * 100 + int(m[5:7])
        if self.on_index is not None:
            vals[self.on_index] = on.year * 10000 + on.month * 100 + on.day
        return vals

    def context(self, facts: Facts, on: dt.date) -> dict[str, Any]:
        """Readable context (variable name -> CEL value), for debugging."""
        return dict(zip(self.variables, self.values(facts, on), strict=True))

    def run(self, facts: Facts, on: dt.date) -> tuple[list[Any], dict[int, str]]:
        """Results per slot, plus {slot: error message} for slots that failed at run time."""
        try:
            results = self.runner.run(facts, on)
            if self._slow_program is not None:
                slow = self._slow_program.execute({"_v": self.values(facts, on)})
                for slot, value in zip(self.runner.slow, slow, strict=True):
                    results[slot] = value
        except Exception:  # some condition fails (or may fail) on these facts: the interpreter decides
            return self.run_cel(facts, on)
        return results, {}

    def run_cel(self, facts: Facts, on: dt.date) -> tuple[list[Any], dict[int, str]]:
        """:meth:`run` with the CEL interpreter alone."""
        if self.program is None:
            return [], {}
        ctx = {"_v": self.values(facts, on)}
        try:
            return self.program.execute(ctx), {}
        except Exception:  # one slot failed: isolate it the slow way
            pass
        if self._singles is None:
            self._singles = [cel.compile(s) for s in self.sources]
        results: list[Any] = []
        errors: dict[int, str] = {}
        for idx, prog in enumerate(self._singles):
            try:
                results.append(prog.execute(ctx))
            except Exception as exc:
                results.append(None)
                errors[idx] = f"{type(exc).__name__}: {exc}"
        return results, errors


def _list_program(sources: list[str]) -> Any:
    return cel.compile("[" + ", ".join(f"({s})" for s in sources) + "]") if sources else None


PRELUDE_GLOBALS: dict[str, Any] = {"_CODES": _CODES}


def _enum_conversion(v: str, kinds: frozenset[str]) -> str:
    if kinds <= {"list", "null"}:
        return f"[_CODES[x] for x in {v}]"
    if kinds <= {"int", "null"}:
        return f"_CODES[{v}]"
    return f"[_CODES[x] for x in {v}] if type({v}) is list else _CODES[{v}]"


def prelude(names: list[str], kinds: list[frozenset[str]]) -> list[str]:
    """Python statements binding ``v<i>`` to the value :meth:`Batch.values` gives variable ``i``
    (``kinds``: what each variable holds, see :func:`var_kinds`)."""
    groups = sorted({n.partition("__")[0] for n in names if "__" in n})
    lines = [f"g_{g} = facts.{g}" for g in groups]
    for i, name in enumerate(names):
        v = f"v{i}"
        if name == "on":
            lines.append(f"{v} = on.year * 10000 + on.month * 100 + on.day")
            continue
        group, _, member = name.partition("__")
        lines.append(f"{v} = g_{group}.{member}" if member else f"{v} = facts.{name}")
        if name.startswith("dates__"):
            lines.append(f"if {v} is not None: {v} = {v}.year * 10000 + {v}.month * 100 + {v}.day")
        elif name in ENUM_FIELDS:
            lines.append(f"if {v} is not None: {v} = {_enum_conversion(v, kinds[i])}")
        elif name in _MONTH_FIELDS:
            lines.append(f"if {v} is not None: {v} = int({v}[:4]) * 100 + int({v}[5:7])")
    return lines


def compile_check(src: str) -> str | None:
    """None if ``src`` compiles, else the compiler's message."""
    try:
        cel.compile(src)
    except Exception as exc:
        return str(exc)
    return None
