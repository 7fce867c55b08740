"""A validated pack with every CEL condition compiled once into a single batch program."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ._cel import Batch, RewriteResult, compile_check, rewrite
from .errors import PackError, Problem
from .facts import Dates
from .schema import Pack

__all__ = ["DEADLINE_SPECIAL_TRIGGERS", "CompiledPack", "Item", "compile_pack", "static_checks"]

DEADLINE_SPECIAL_TRIGGERS = frozenset({"annual", "plan_year"})
_DATE_FIELDS = frozenset(Dates.model_fields)


@dataclass(slots=True)
class Item:
    rule: Any
    static: dict[str, Any]
    slot: int = -1  # -1: no condition (always applies)
    slot2: int = -1  # second slot (threshold `when`)
    slot3: int = -1  # third slot (threshold `met`)


@dataclass
class CompiledPack:
    pack: Pack
    file: str
    files: list[str]
    meta: dict[str, Any]
    batch: Batch
    scope: list[Item] = field(default_factory=list)
    thresholds: list[Item] = field(default_factory=list)
    route: list[Item] = field(default_factory=list)
    documents: list[Item] = field(default_factory=list)
    findings: list[Item] = field(default_factory=list)
    validations: list[Item] = field(default_factory=list)
    deadlines: list[Item] = field(default_factory=list)
    forms: list[Item] = field(default_factory=list)
    slot_owner: list[str] = field(default_factory=list)
    gather: dict[str, Callable[[Sequence[Any]], tuple[Any, ...]]] = field(default_factory=dict)
    statics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    due_cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    threshold_ids: frozenset[str] = frozenset()

    @property
    def code(self) -> str:
        return self.pack.meta.code

    def rule(self, rule_id: str) -> Any:
        for _kind, r in self.pack.all_rules():
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def __repr__(self) -> str:
        return f"<CompiledPack {self.code} v{self.pack.meta.version} ({len(self.batch.sources)} conditions)>"


def _static(rule: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = rule.model_dump(mode="json", exclude_none=True, exclude=exclude)
    return data


def static_checks(pack: Pack, file: str) -> list[Problem]:
    """Cross-reference checks that pydantic cannot express."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for kind, rule in pack.all_rules():
        if rule.id in seen:
            problems.append(Problem(file, rule.id, f"duplicate rule id (in {seen[rule.id]} and {kind})"))
        seen[rule.id] = kind
    stage_ids = {s.id for s in pack.route}
    for kind in ("documents", "findings", "forms", "scoring"):
        for rule in getattr(pack, kind):
            st = getattr(rule, "stage", None)
            if st is not None and st not in stage_ids:
                problems.append(Problem(file, rule.id, f"unknown stage '{st}'"))
    for stage in pack.route:
        for oc in stage.outcomes:
            if oc.next is not None and oc.next not in stage_ids:
                problems.append(
                    Problem(file, stage.id, f"outcome '{oc.code}' goes to unknown stage '{oc.next}'")
                )
    for rule in pack.scope:
        for rid in rule.disables:
            if rid not in seen:
                problems.append(Problem(file, rule.id, f"disables unknown rule '{rid}'"))
    deadline_ids = {d.id for d in pack.deadlines}
    for form in pack.forms:
        for rid in form.fulfils:
            if rid not in deadline_ids:
                problems.append(Problem(file, form.id, f"fulfils unknown deadline '{rid}'"))
        if form.purpose == "filing" and not form.fulfils:
            problems.append(Problem(file, form.id, "a filing form must name the deadlines it fulfils"))
        if form.confirm_by is not None:
            if form.purpose != "acceptance_evidence":
                problems.append(
                    Problem(file, form.id, "only acceptance evidence is confirmed by another body")
                )
            if not pack.meta.roles.get(form.confirm_by):
                problems.append(
                    Problem(file, form.id, f"confirm_by {form.confirm_by} has no local name in meta.roles")
                )
        if form.purpose in ("acceptance_evidence", "evaluation") and form.kind == "form" and not form.fields:
            problems.append(Problem(file, form.id, f"a {form.purpose} form needs typed fields"))
    for d in pack.deadlines:
        if d.trigger not in _DATE_FIELDS and d.trigger not in DEADLINE_SPECIAL_TRIGGERS:
            problems.append(
                Problem(file, d.id, f"unknown trigger '{d.trigger}' (a dates field, 'annual' or 'plan_year')")
            )
        if d.closing_event is not None and d.closing_event not in _DATE_FIELDS:
            problems.append(
                Problem(file, d.id, f"unknown closing_event '{d.closing_event}' (must be a dates field)")
            )
        if d.sanctions and not d.rectification:
            problems.append(
                Problem(file, d.id, "sanctions belong to a rectification deadline (rectification: true)")
            )
        if d.period.kind == "fixed_date" and d.trigger in _DATE_FIELDS and d.direction != "by":
            problems.append(Problem(file, d.id, "fixed_date deadlines must use direction 'by'"))
    names = [t.name for t in pack.thresholds if t.name]
    for nm in set(names):
        if names.count(nm) > 1 or nm in pack.defs:
            problems.append(Problem(file, None, f"name '{nm}' defined more than once (thresholds/defs)"))
    return problems


def _defs(pack: Pack) -> dict[str, str]:
    defs = dict(pack.defs)
    for t in pack.thresholds:
        if t.name:
            cond = f"({t.measure}) {t.op} {t.value}"
            defs[t.name] = f"({t.when}) && {cond}" if t.when else cond
    return defs


def _balanced(s: str) -> bool:
    depth = 0
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return depth == 0


def _canonical(src: str) -> str:
    """Dedupe key: whitespace collapsed (no string literals remain after rewrite) and redundant outer
    parentheses dropped."""
    key = " ".join(src.split())
    while key.startswith("(") and key.endswith(")") and _balanced(key):
        key = key[1:-1]
    return key


def _gather(slots: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    if not slots:
        return lambda res: ()
    if len(slots) == 1:
        only = slots[0]
        return lambda res: (res[only],)
    return itemgetter(*slots)


def compile_pack(pack: Pack, file: str, files: list[str] | None = None) -> CompiledPack:
    problems = static_checks(pack, file)
    defs = _defs(pack)
    parts: list[RewriteResult] = []
    slot_index: dict[str, int] = {}
    owners: list[str] = []
    variables: set[str] = set()

    for name, expr in pack.defs.items():  # check defs even when unused
        r = rewrite(expr, defs, (name,))
        problems.extend(Problem(file, f"defs.{name}", p) for p in r.problems)

    def add(rule_id: str, what: str, r: RewriteResult) -> int:
        src = r.source
        err = compile_check(src)
        if err is not None:
            problems.append(Problem(file, rule_id, f"{what}: CEL error: {err}"))
            return -1
        variables.update(r.variables)
        key = _canonical(src)
        if key not in slot_index:
            slot_index[key] = len(parts)
            parts.append(r)
            owners.append(f"{rule_id}.{what}")
        return slot_index[key]

    def slot(rule_id: str, what: str, expr: str | None) -> int:
        if expr is None or expr.strip() == "true":
            return -1
        r = rewrite(expr, defs)
        if r.problems:
            problems.extend(Problem(file, rule_id, f"{what}: {p}") for p in r.problems)
            return -1
        return add(rule_id, what, r)

    items: dict[str, list[Item]] = {k: [] for k in Pack.RULE_KINDS if k != "scoring"}
    for sc in pack.scope:
        items["scope"].append(Item(sc, _static(sc), slot(sc.id, "when", sc.when)))
    for t in pack.thresholds:
        items["thresholds"].append(
            Item(
                t,
                _static(t),
                slot(t.id, "measure", t.measure),
                slot(t.id, "when", t.when),
                slot(t.id, "met", f"({t.measure}) {t.op} {t.value}"),
            )
        )
    for s in pack.route:
        items["route"].append(Item(s, _static(s), slot(s.id, "when", s.when)))
    stage_when = {st.id: st.when for st in pack.route}
    for d in pack.documents:
        # a document applies only when its stage applies: fold the stage's condition in at load time
        conds = [c for c in (stage_when.get(d.stage), d.when) if c and c.strip() != "true"]
        cond = " && ".join(f"({c})" for c in conds) if conds else None
        items["documents"].append(Item(d, _static(d), slot(d.id, "when", cond)))
    for f in pack.findings:
        items["findings"].append(Item(f, _static(f), slot(f.id, "when", f.when)))
    for v in pack.validations:
        check = rewrite(v.check, defs)
        when = rewrite(v.when, defs) if v.when else None
        bad = [f"check: {p}" for p in check.problems] + (
            [f"when: {p}" for p in when.problems] if when else []
        )
        if bad:
            problems.extend(Problem(file, v.id, p) for p in bad)
            items["validations"].append(Item(v, _static(v)))
            continue
        combined = RewriteResult(
            parts=["(", *(when.parts if when else ["true"]), ") ? ((", *check.parts, ") ? 1 : 2) : 0"],
            variables=check.variables | (when.variables if when else set()),
        )
        items["validations"].append(Item(v, _static(v), add(v.id, "check", combined)))
    for dl in pack.deadlines:
        items["deadlines"].append(Item(dl, _static(dl), slot(dl.id, "when", dl.when)))
    for form in pack.forms:
        items["forms"].append(Item(form, {"id": form.id}, slot(form.id, "when", form.when)))

    if problems:
        raise PackError(problems)

    # One trailing literal `true` serves every unconditional rule; per kind, an itemgetter gathers the
    # rule-ordered booleans from the batch result in C, and the engine filters with itertools.compress.
    true_slot = len(parts)
    parts.append(RewriteResult(parts=["true"]))
    owners.append("(true)")
    getters: dict[str, Callable[[Sequence[Any]], tuple[Any, ...]]] = {}
    for kind in ("scope", "route", "documents", "findings", "deadlines", "forms"):
        slots = [it.slot if it.slot >= 0 else true_slot for it in items[kind]]
        getters[kind] = _gather(slots)
    thr = items["thresholds"]
    getters["thr_measure"] = _gather([it.slot for it in thr])
    getters["thr_met"] = _gather([it.slot3 for it in thr])
    getters["thr_when"] = _gather([it.slot2 if it.slot2 >= 0 else true_slot for it in thr])

    batch = Batch(parts, variables)
    statics = {k: [it.static for it in v] for k, v in items.items()}
    m = pack.meta
    meta = {
        "code": m.code,
        "catalogue_code": m.catalogue_code,
        "jurisdiction": m.jurisdiction,
        "level": m.level,
        "version": m.version,
        "source": m.source.model_dump(mode="json", exclude_none=True),
        "effective_from": m.effective_from.isoformat() if m.effective_from else None,
        "effective_to": m.effective_to.isoformat() if m.effective_to else None,
        "extends": m.extends,
        "labels": dict(m.labels),
    }
    return CompiledPack(
        pack=pack,
        file=file,
        files=files or [file],
        meta=meta,
        batch=batch,
        slot_owner=owners,
        gather=getters,
        statics=statics,
        scope=items["scope"],
        thresholds=items["thresholds"],
        route=items["route"],
        documents=items["documents"],
        findings=items["findings"],
        validations=items["validations"],
        deadlines=items["deadlines"],
        forms=items["forms"],
        threshold_ids=frozenset(it.rule.id for it in items["thresholds"]),
    )
