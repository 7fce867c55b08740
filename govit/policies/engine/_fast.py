"""The CEL subset used by the packs, compiled to plain Python.

Input is a condition as rewritten by :mod:`._cel` (variables ``_v[i]``, enum literals as integer codes).
Supported: integer / bool / null literals, ``_v[i]``, ``! - * / % + - < <= > >= == != in && || ?:``,
parentheses and integer list literals on the right of ``in``. Anything else raises
:class:`Unsupported` and stays with the CEL interpreter.

Every value the generated code returns equals the value CEL returns for the same input:

* operand kinds (bool / int / null / list) are known from the facts schema, and an operation whose
  Python meaning could differ from CEL's for some combination of kinds (``true == 1``, ``true + 1``,
  ``!null``, ``null && false`` ...) is either rejected or guarded so that it raises;
* integer ranges are tracked, so int64 overflow is impossible or checked; ``/`` and ``%`` truncate
  toward zero as in CEL.

Where CEL reports an error the generated code raises too; it may also raise where CEL does not (CEL's
``&&`` / ``||`` absorb an error on either side). The caller treats any exception as "ask the CEL
interpreter", so results, error messages included, are always the interpreter's.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .facts import NESTED_GROUPS, Facts

__all__ = [
    "I64_MAX",
    "I64_MIN",
    "Runner",
    "Unsupported",
    "VarKind",
    "compile_runner",
    "compile_slot",
    "var_kinds",
]

I64_MIN = -(2**63)
I64_MAX = 2**63 - 1

Kinds = frozenset[str]
BOOL: Kinds = frozenset({"bool"})
INT: Kinds = frozenset({"int"})
NULL: Kinds = frozenset({"null"})
LIST: Kinds = frozenset({"list"})
_INT_OR_NULL: Kinds = INT | NULL
_LIST_OR_NULL: Kinds = LIST | NULL
_ANY: Kinds = BOOL | INT | NULL | LIST


class Unsupported(Exception):
    """The expression uses CEL outside the compiled subset."""


# ------------------------------------------------------------------------------------ variable kinds


@dataclass(frozen=True, slots=True)
class VarKind:
    """What a ``_v[i]`` can hold at run time: value kinds and, for integers, their range."""

    kinds: Kinds
    lo: int = I64_MIN
    hi: int = I64_MAX


DATE_RANGE = (1 * 10000 + 101, 9999 * 10000 + 1231)  # YYYYMMDD of dt.date.min .. dt.date.max
MONTH_RANGE = (0 * 100 + 1, 9999 * 100 + 12)  # YYYYMM


def _int_bounds(metadata: Sequence[Any]) -> tuple[int, int]:
    lo, hi = I64_MIN, I64_MAX
    for m in metadata:
        ge = getattr(m, "ge", None)
        le = getattr(m, "le", None)
        if isinstance(ge, int):
            lo = max(lo, ge)
        if isinstance(le, int):
            hi = min(hi, le)
    return lo, hi


def _annotation_kind(annotation: Any, metadata: Sequence[Any]) -> VarKind:
    args = typing.get_args(annotation)
    optional = type(None) in args
    core = [a for a in args if a is not type(None)] if optional else [annotation]
    null = NULL if optional else frozenset()
    if core == [bool]:
        return VarKind(BOOL | null)
    if core == [int]:
        lo, hi = _int_bounds(metadata)
        return VarKind(INT | null, lo, hi)
    return VarKind(_ANY)


def _group_amount_sum(group: str) -> int:
    """Upper bound of a sum of all integer fields of a group (its ``total`` is such a sum)."""
    model = NESTED_GROUPS[group]
    return sum(
        _annotation_kind(info.annotation, info.metadata).hi
        for info in model.model_fields.values()
        if info.annotation is int
    )


# Computed fields: ``total`` = sum of the group's (non-negative) heads, ``total_excl_om`` = total - om,
# ``summary_chars`` = a string length.
_COMPUTED: dict[str, Callable[[], VarKind]] = {
    "amounts__total": lambda: VarKind(INT, 0, _group_amount_sum("amounts")),
    "amounts__total_excl_om": lambda: VarKind(INT, 0, _group_amount_sum("amounts")),
    "funding__total": lambda: VarKind(INT, 0, _group_amount_sum("funding")),
    "summary_chars": lambda: VarKind(INT, 0, I64_MAX),
    "classified": lambda: VarKind(BOOL),
}


def var_kinds(
    names: Sequence[str], enum_fields: dict[str, list[str]], month_fields: frozenset[str], max_code: int
) -> list[VarKind]:
    """Kinds of the CEL variables ``names`` (as converted by ``Batch.values``)."""
    return [_var_kind(n, enum_fields, month_fields, max_code) for n in names]


def _field_info(name: str) -> Any:
    group, _, member = name.partition("__")
    if member and group in NESTED_GROUPS:
        return NESTED_GROUPS[group].model_fields.get(member)
    return Facts.model_fields.get(name)


def _var_kind(
    name: str, enum_fields: dict[str, list[str]], month_fields: frozenset[str], max_code: int
) -> VarKind:
    if name == "on":
        return VarKind(INT, *DATE_RANGE)
    if name in _COMPUTED:
        return _COMPUTED[name]()
    info = _field_info(name)
    if info is None:
        return VarKind(_ANY)
    optional = type(None) in typing.get_args(info.annotation)
    null = NULL if optional else frozenset()
    if name.startswith("dates__"):
        return VarKind(INT | null, *DATE_RANGE)
    if name in month_fields:
        return VarKind(INT | null, *MONTH_RANGE)
    if name in enum_fields:
        is_list = typing.get_origin(info.annotation) is list or any(
            typing.get_origin(a) is list for a in typing.get_args(info.annotation)
        )
        return VarKind(LIST | null) if is_list else VarKind(INT | null, 1, max_code)
    return _annotation_kind(info.annotation, info.metadata)


# ------------------------------------------------------------------------------------ parsing

_TOKEN = re.compile(
    r"\s*(?:([0-9]+)(?![\w.])|([A-Za-z_]\w*)|(&&|\|\||==|!=|<=|>=|[-+*/%<>!?:()\[\],]))", re.ASCII
)
_RELOPS = frozenset({"<", "<=", ">", ">=", "==", "!=", "in"})
_ORDERING = frozenset({"<", "<=", ">", ">="})


@dataclass(frozen=True, slots=True)
class Lit:
    value: int | bool | None


@dataclass(frozen=True, slots=True)
class Var:
    index: int


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    arg: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Cond:
    test: Node
    then: Node
    other: Node


Node = Lit | Var | ListLit | Unary | Binary | Cond


def _tokenize(src: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    end = len(src.rstrip())
    while pos < end:
        m = _TOKEN.match(src, pos)
        if m is None:
            raise Unsupported(f"unsupported syntax at {src[pos : pos + 20]!r}")
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
    return tokens


class _Parser:
    """Recursive descent following the CEL grammar's precedence and associativity."""

    def __init__(self, src: str) -> None:
        self.tokens = _tokenize(src)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise Unsupported("unexpected end")
        self.pos += 1
        return tok

    def expect(self, tok: str) -> None:
        if self.take() != tok:
            raise Unsupported(f"expected {tok!r}")

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek()!r}")
        return node

    def expr(self) -> Node:
        test = self.logical_or()
        if self.peek() != "?":
            return test
        self.take()
        then = self.logical_or()
        self.expect(":")
        return Cond(test, then, self.expr())

    def logical_or(self) -> Node:
        node = self.logical_and()
        while self.peek() == "||":
            self.take()
            node = Binary("||", node, self.logical_and())
        return node

    def logical_and(self) -> Node:
        node = self.relation()
        while self.peek() == "&&":
            self.take()
            node = Binary("&&", node, self.relation())
        return node

    def relation(self) -> Node:
        node = self.additive()
        while self.peek() in _RELOPS:
            op = self.take()
            node = Binary(op, node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.peek() in ("+", "-"):
            op = self.take()
            node = Binary(op, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        op = self.peek()
        if op not in ("!", "-"):
            return self.member()
        count = 0
        while self.peek() == op:
            self.take()
            count += 1
        if op == "-" and (self.peek() or "").isdigit():  # a negative literal, as in CEL's grammar
            node: Node = Lit(-int(self.take()))
            count -= 1
        else:
            node = self.member()
        for _ in range(count):
            node = Unary(op, node)
        return node

    def member(self) -> Node:
        node = self.primary()
        if self.peek() in ("[", ".", "("):
            raise Unsupported("indexing, selection or calls")
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.isdigit():
            return Lit(int(tok))
        if tok in ("true", "false"):
            return Lit(tok == "true")
        if tok == "null":
            return Lit(None)
        if tok == "(":
            node = self.expr()
            self.expect(")")
            return node
        if tok == "[":
            return ListLit(self.items())
        if tok == "_v":
            self.expect("[")
            index = self.take()
            if not index.isdigit():
                raise Unsupported("variable index")
            self.expect("]")
            return Var(int(index))
        raise Unsupported(f"unsupported token {tok!r}")

    def items(self) -> tuple[Node, ...]:
        items: list[Node] = []
        while self.peek() != "]":
            items.append(self.expr())
            if self.peek() == ",":
                self.take()
            elif self.peek() != "]":
                raise Unsupported("list literal")
        self.take()
        return tuple(items)


# ------------------------------------------------------------------------------------ code generation


@dataclass(frozen=True, slots=True)
class Code:
    """Python source of a sub-expression, the kinds of value it yields and its integer range."""

    src: str
    kinds: Kinds
    lo: int = I64_MIN
    hi: int = I64_MAX


def _truth(value: Any) -> bool:
    """A CEL boolean context: anything but a bool is an error."""
    if type(value) is bool:
        return value
    raise TypeError("no such overload")


def _i64(value: int) -> int:
    if I64_MIN <= value <= I64_MAX:
        return value
    raise OverflowError("int64 overflow")


def _div(a: int, b: int) -> int:
    """CEL integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return _i64(q if (a < 0) == (b < 0) else -q)


def _mod(a: int, b: int) -> int:
    """CEL integer remainder (sign of the dividend)."""
    r = abs(a) % abs(b)
    return -r if a < 0 else r


HELPERS: dict[str, Any] = {"_truth": _truth, "_i64": _i64, "_div": _div, "_mod": _mod}


def _ranged(src: str, lo: int, hi: int) -> Code:
    if lo < I64_MIN or hi > I64_MAX:
        return Code(f"_i64({src})", INT, max(lo, I64_MIN), min(hi, I64_MAX))
    return Code(src, INT, lo, hi)


def _magnitude(c: Code) -> int:
    return max(abs(c.lo), abs(c.hi))


class _Generator:
    """Typed translation of one parsed expression; ``ref(i)`` renders variable ``i``."""

    def __init__(self, kinds: Sequence[VarKind], ref: Callable[[int], str], consts: dict[str, Any]) -> None:
        self.kinds = kinds
        self.ref = ref
        self.consts = consts

    def gen(self, node: Node) -> Code:
        if isinstance(node, Lit):
            return self.literal(node.value)
        if isinstance(node, Var):
            if not 0 <= node.index < len(self.kinds):
                raise Unsupported("unknown variable")
            k = self.kinds[node.index]
            return Code(self.ref(node.index), k.kinds, k.lo, k.hi)
        if isinstance(node, Unary):
            return self.unary(node.op, self.gen(node.arg))
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Cond):
            return self.conditional(self.gen(node.test), self.gen(node.then), self.gen(node.other))
        raise Unsupported("list literal outside 'in'")

    @staticmethod
    def literal(value: int | bool | None) -> Code:
        if value is None:
            return Code("None", NULL)
        if type(value) is bool:
            return Code(repr(value), BOOL)
        n = int(value)
        if not I64_MIN <= n <= I64_MAX:
            raise Unsupported("int literal out of range")
        return Code(f"({n})" if n < 0 else str(n), INT, n, n)

    @staticmethod
    def truth(c: Code) -> str:
        return c.src if c.kinds == BOOL else f"_truth({c.src})"

    def unary(self, op: str, a: Code) -> Code:
        if op == "!":
            return Code(f"(not {self.truth(a)})", BOOL)
        _need_ints(a)
        return _ranged(f"(-{a.src})", -a.hi, -a.lo)

    def binary(self, node: Binary) -> Code:
        op = node.op
        if op == "in":
            return self.membership(self.gen(node.left), node.right)
        a, b = self.gen(node.left), self.gen(node.right)
        if op in ("&&", "||"):
            word = "and" if op == "&&" else "or"
            return Code(f"({self.truth(a)} {word} {self.truth(b)})", BOOL)
        if op in ("==", "!="):
            _comparable(a, b)
            if _identity_suffices(a, b) or _identity_suffices(b, a):
                op = "is" if op == "==" else "is not"
            return Code(f"({a.src} {op} {b.src})", BOOL)
        if op in _ORDERING:
            _orderable(a, b)
            return Code(f"({a.src} {op} {b.src})", BOOL)
        return _arithmetic(op, a, b)

    def membership(self, a: Code, right: Node) -> Code:
        if "bool" in a.kinds:
            raise Unsupported("bool 'in' (CEL never equates bool and int)")
        if isinstance(right, ListLit):
            values = [_literal_value(item) for item in right.items]
            for v in values:
                self.literal(v)  # range check
                if type(v) is bool:
                    raise Unsupported("bool in list literal")
            name = f"_K{len(self.consts)}"
            self.consts[name] = frozenset(values)
            return Code(f"({a.src} in {name})", BOOL)
        b = self.gen(right)
        if not b.kinds <= _LIST_OR_NULL:
            raise Unsupported("'in' needs a list")
        return Code(f"({a.src} in {b.src})", BOOL)

    def conditional(self, test: Code, then: Code, other: Code) -> Code:
        ints = [c for c in (then, other) if "int" in c.kinds]
        lo = min((c.lo for c in ints), default=I64_MIN)
        hi = max((c.hi for c in ints), default=I64_MAX)
        return Code(f"({then.src} if {self.truth(test)} else {other.src})", then.kinds | other.kinds, lo, hi)


def _literal_value(node: Node) -> int | bool | None:
    if isinstance(node, Lit):
        return node.value
    if (
        isinstance(node, Unary)
        and node.op == "-"
        and isinstance(node.arg, Lit)
        and type(node.arg.value) is int
    ):
        return -node.arg.value
    raise Unsupported("non-literal list item")


def _need_ints(*codes: Code) -> None:
    """Arithmetic / ordering on int operands only (null makes Python raise, as CEL does)."""
    for c in codes:
        if not c.kinds <= _INT_OR_NULL:
            raise Unsupported("arithmetic on non-int")


def _comparable(a: Code, b: Code) -> None:
    """Python and CEL equality agree unless a bool meets an int (``true == 1`` is false in CEL)."""
    if ("bool" in a.kinds and "int" in b.kinds) or ("int" in a.kinds and "bool" in b.kinds):
        raise Unsupported("bool compared with int")


def _identity_suffices(a: Code, b: Code) -> bool:
    """``a == b`` and ``a is b`` agree: ``b`` is ``None``, or a bool literal and ``a`` a bool or null."""
    return b.src == "None" or (b.src in ("True", "False") and a.kinds <= BOOL | NULL)


def _orderable(a: Code, b: Code) -> None:
    kinds = (a.kinds | b.kinds) - NULL
    if not (kinds <= INT or kinds <= BOOL):
        raise Unsupported("ordering of mixed kinds")


def _arithmetic(op: str, a: Code, b: Code) -> Code:
    _need_ints(a, b)
    if op in ("+", "-", "*"):
        if op == "+":
            lo, hi = a.lo + b.lo, a.hi + b.hi
        elif op == "-":
            lo, hi = a.lo - b.hi, a.hi - b.lo
        else:
            corners = (a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi)
            lo, hi = min(corners), max(corners)
        return _ranged(f"({a.src} {op} {b.src})", lo, hi)
    non_negative = a.lo >= 0 and b.lo >= 0
    if op == "/":
        if non_negative:
            lo = a.lo // b.hi if b.hi > 0 else 0
            return Code(f"({a.src} // {b.src})", INT, lo, a.hi // max(b.lo, 1))
        m = _magnitude(a)
        return Code(f"_div({a.src}, {b.src})", INT, max(-m, I64_MIN), min(m, I64_MAX))
    if op == "%":
        m = min(_magnitude(a), max(_magnitude(b) - 1, 0))
        if non_negative:
            return Code(f"({a.src} % {b.src})", INT, 0, m)
        return Code(f"_mod({a.src}, {b.src})", INT, 0 if a.lo >= 0 else -m, m)
    raise Unsupported(f"operator {op}")


def translate(src: str, kinds: Sequence[VarKind], ref: Callable[[int], str], consts: dict[str, Any]) -> str:
    """Python source equivalent to CEL ``src`` (raises :class:`Unsupported`)."""
    return _Generator(kinds, ref, consts).gen(_Parser(src).parse()).src


# ------------------------------------------------------------------------------------ functions


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    code = compile(source, f"<policy conditions: {name}>", "exec")
    exec(code, namespace)
    fn: Callable[..., Any] = namespace[name]
    return fn


def compile_slot(src: str, kinds: Sequence[VarKind]) -> Callable[[Sequence[Any]], Any]:
    """One condition as ``f(_v)`` over the list of CEL variable values (raises :class:`Unsupported`)."""
    consts: dict[str, Any] = {}
    body = translate(src, kinds, lambda i: f"_v[{i}]", consts)
    return _compile(f"def _slot(_v):\n    return {body}\n", "_slot", {**HELPERS, **consts})


@dataclass(frozen=True, slots=True)
class Runner:
    """``run(facts, on)`` -> results per slot, ``None`` at the ``slow`` slots (left to CEL)."""

    run: Callable[[Any, Any], list[Any]]
    slow: list[int]
    source: str


def compile_runner(
    sources: Sequence[str], kinds: Sequence[VarKind], prelude: Sequence[str], namespace: dict[str, Any]
) -> Runner:
    """All conditions in one function. ``prelude`` are the statements binding ``v0``, ``v1`` ... from
    ``facts`` and ``on``; ``namespace`` the globals they need."""
    consts: dict[str, Any] = {}
    exprs: list[str] = []
    slow: list[int] = []
    for i, src in enumerate(sources):
        try:
            exprs.append(translate(src, kinds, lambda j: f"v{j}", consts))
        except Unsupported:
            exprs.append("None")
            slow.append(i)
    lines = ["def _run(facts, on):", *(f"    {s}" for s in prelude), "    return ["]
    lines += [f"        {e}," for e in exprs]
    lines.append("    ]")
    source = "\n".join(lines) + "\n"
    run = _compile(source, "_run", {**HELPERS, **namespace, **consts})
    return Runner(run, slow, source)
