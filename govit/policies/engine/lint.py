"""``lint_all()``: check every pack for schema errors, CEL errors, unknown fact fields, duplicate ids,
scoring tables that do not sum to 100, missing citations / catalogue ids, and run-time type errors
(each condition is run against a sample project with every optional fact filled in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .compiled import compile_pack
from .engine import evaluate
from .errors import PackError, Problem
from .facts import Facts
from .loader import PACKS_DIR, _pack_files, _rel, _resolve

__all__ = ["LintProblem", "lint_all", "lint_file", "sample_facts"]


@dataclass(frozen=True)
class LintProblem:
    file: str
    rule_id: str | None
    problem: str

    def __str__(self) -> str:
        return str(Problem(self.file, self.rule_id, self.problem))


def sample_facts() -> list[Facts]:
    """Projects used to smoke-run every condition: defaults, and every optional fact filled in."""
    d = dt.date(2026, 3, 2)
    full: dict[str, Any] = {
        "name": "示例项目",
        "summary": "示例",
        "plan_start_month": "2027-01",
        "plan_end_month": "2027-12",
        "plan_year": 2027,
        "amounts": {
            "engineering": 1_000_000,
            "equipment": 2_000_000,
            "software": 1_500_000,
            "om": 200_000,
            "security": 300_000,
            "crypto": 100_000,
            "supervision": 50_000,
            "contingency": 10_000,
        },
        "funding": {"fiscal_local": 4_760_000},
        "nature": "NEW",
        "procurement_category": "SERVICE",
        "procurement_route": "GOV_PROCUREMENT",
        "scale_category": "OTHER",
        "mlps_level": 3,
        "functional_types": ["BUSINESS_SYSTEM"],
        "unit_level": "county",
        "unit_kind": "party_gov_organ",
        "is_budget_unit": True,
        "counts": {
            k: 3
            for k in (
                "streets_surveyed",
                "review_panel_size",
                "acceptance_panel_size",
                "secrecy_experts_on_panel",
                "platforms_of_unit",
            )
        },
        "contract": {
            "implementation_months": 12,
            "warranty_months": 24,
            "free_om_months": 36,
            "service_months": 12,
            "has_construction_content": False,
        },
        "review": {},
        "dates": {},
        "similarity": {
            "checked": True,
            "best_score": 90,
            "duplicates": 1,
            "duplicate_systems": 1,
            "similar_in_progress": 1,
            "split_parts": 2,
            "split_total_yuan": 800_000,
            "split_line_yuan": 500_000,
        },
    }
    for name in (
        "deploys_on_gov_cloud",
        "deploys_on_egov_extranet",
        "deploys_on_egov_intranet",
        "connects_data_platform",
        "leases_private_network",
        "hardware_in_gov_cloud",
        "intensive_integration_done",
        "data_sharing_compliant",
        "reuses_existing_infra",
        "previous_phase_accepted",
        "implemented_as_planned",
        "acceptance_passed",
    ):
        full[name] = True
    from .facts import Contract, Dates, Review

    for f in Review.model_fields:
        full["review"][f] = True
    for f in Contract.model_fields:
        full["contract"].setdefault(f, True)
    for f in Dates.model_fields:
        full["dates"][f] = d.isoformat()
    return [Facts(), Facts.from_dict(full)]


def lint_file(path: Path | str, packs_dir: Path | str | None = None) -> list[LintProblem]:
    p = Path(path).resolve()
    name = _rel(p)
    dirs = [Path(packs_dir) if packs_dir else PACKS_DIR]
    try:
        pack, files = _resolve(p, dirs)
        compiled = compile_pack(pack, name, files)
    except PackError as exc:
        return [LintProblem(pr.file, pr.rule_id, pr.problem) for pr in exc.problems]
    out: list[LintProblem] = []
    for kind, rule in pack.all_rules():
        if not rule.catalogue:
            out.append(LintProblem(name, rule.id, f"{kind}: no catalogue ids"))
        if not rule.cite.quote.strip() or not rule.cite.article.strip():
            out.append(LintProblem(name, rule.id, f"{kind}: empty cite"))
    for table in pack.scoring:
        total = sum(c.weight for c in table.criteria)
        if total != 100:
            out.append(LintProblem(name, table.id, f"scoring weights sum to {total}, not 100"))
    seen_errors: set[tuple[str, str]] = set()
    for facts in sample_facts():
        ev = evaluate(compiled, facts, on=dt.date(2026, 6, 1))
        for err in ev.errors:
            key = (err["rule"], err["error"])
            if key in seen_errors:
                continue
            seen_errors.add(key)
            rule_id, _, what = err["rule"].rpartition(".")
            out.append(LintProblem(name, rule_id, f"{what}: run-time error on sample facts: {err['error']}"))
        # wrong result types
        results, _errs = compiled.batch.run(facts, dt.date(2026, 6, 1))
        for it_list in (
            compiled.scope,
            compiled.route,
            compiled.documents,
            compiled.findings,
            compiled.deadlines,
        ):
            for it in it_list:
                if it.slot >= 0 and results[it.slot] is not None and not isinstance(results[it.slot], bool):
                    out.append(LintProblem(name, it.rule.id, "when: condition does not return a bool"))
        for it in compiled.thresholds:
            v = results[it.slot] if it.slot >= 0 else None
            if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                out.append(LintProblem(name, it.rule.id, "measure: does not return an integer"))
    return sorted(set(out), key=lambda x: (x.file, x.rule_id or "", x.problem))


def lint_all(packs_dir: Path | str | None = None, extra: list[Path | str] | None = None) -> list[LintProblem]:
    """Lint every pack in the packs directory (plus ``extra`` files)."""
    d = Path(packs_dir) if packs_dir else PACKS_DIR
    problems: list[LintProblem] = []
    for f in [*_pack_files([d]), *(Path(x) for x in (extra or []))]:
        problems.extend(lint_file(f, d))
    return problems
