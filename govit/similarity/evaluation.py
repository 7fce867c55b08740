"""查重 quality, measured: the labelled set of ``evalset`` is declared in a throwaway jurisdiction, each
declaration is checked through the real index (as when a project is saved), and the pairs the pack's lines
flag are compared with the labels. A brute-force baseline — one TF-IDF vector of words per declaration,
compared with every other — is scored on the same pairs at its best threshold. Everything is rolled back."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from govit.accounts.choices import JurisdictionLevel, OrganisationKind
from govit.accounts.models import Jurisdiction, Organisation, User
from govit.policies.engine import load_pack
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.similarity import text
from govit.similarity.evalset import Declaration, EvalSet, evaluation_set
from govit.similarity.models import Match
from govit.similarity.selectors import split_line
from govit.similarity.services import project_check


@dataclass
class Quality:
    pairs: int
    positives: int
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    by_kind: dict[str, dict[str, int]]
    seconds: float
    threshold: float | None = None
    lowest_duplicate: float | None = None  # the lowest score of a labelled duplicate pair
    highest_negative: float | None = None  # the highest score of a labelled negative pair
    lowest_split: float | None = None  # the lowest score of the two parts of a split declaration

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Rollback(Exception):
    pass


def _groups(labels: list[tuple[str, str, str, bool]]) -> dict[str, str]:
    """Declarations planted from one base belong together (a copy and a paraphrase of one base are
    duplicates of each other too, though only each one's pair with the base is labelled)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for a, b, _kind, duplicate in labels:
        if duplicate:
            parent[root(a)] = root(b)
    return {key: root(key) for key in list(parent)}


def _quality(
    labels: list[tuple[str, str, str, bool]], flagged: set[frozenset[str]], seconds: float
) -> Quality:
    """Recall over the labelled duplicate pairs; precision over every pair flagged — a flagged pair that
    is not two plantings of one base counts against it, labelled or not."""
    group = _groups(labels)
    tp = fp = fn = 0
    by_kind: dict[str, Counter[str]] = {}
    for a, b, kind, duplicate in labels:
        hit = frozenset((a, b)) in flagged
        counts = by_kind.setdefault(kind, Counter())
        counts["pairs"] += 1
        counts["flagged"] += int(hit)
        if hit and duplicate:
            tp += 1
        elif hit:
            fp += 1
        elif duplicate:
            fn += 1
    positives = sum(1 for label in labels if label[3])
    labelled = {frozenset((a, b)) for a, b, _k, _d in labels}
    for pair in flagged - labelled:
        a, b = sorted(pair)
        if group.get(a, a) != group.get(b, b):
            fp += 1
    return Quality(
        pairs=len(labels),
        positives=positives,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        precision=round(tp / (tp + fp), 4) if tp + fp else 1.0,
        recall=round(tp / positives, 4) if positives else 1.0,
        by_kind={k: dict(v) for k, v in by_kind.items()},
        seconds=round(seconds, 2),
    )


def similarity_evaluate(*, seed: int = 7, bases: int = 200, pack_code: str = "zhanggong") -> dict[str, Any]:
    """Precision and recall of 查重 on the generated set, under ``pack_code``'s lines, beside the baseline."""
    pack = load_pack(pack_code).pack
    rules = pack.similarity
    assert rules is not None, f"{pack_code} has no similarity settings"
    data = evaluation_set(seed=seed, bases=bases)
    labels = [(p.a, p.b, p.kind, p.duplicate) for p in data.pairs]
    result: dict[str, Any] = {"seed": seed, "bases": bases, "declarations": len(data.declarations)}
    try:
        with transaction.atomic():
            projects = _declare(data, pack_code)
            keys = {key: project.pk for key, project in projects.items()}
            start = time.perf_counter()
            for project in projects.values():
                project_check(project)
            elapsed = time.perf_counter() - start
            flagged = _flagged(keys, rules.duplicate_score, rules.similar_score, rules.split_lines_yuan)
            ours = _quality(labels, flagged, elapsed)
            _margins(ours, labels, _scores(keys))
            result["govit"] = ours.as_dict() | {
                "duplicate_score": rules.duplicate_score,
                "similar_score": rules.similar_score,
                "ms_per_declaration": round(1000 * elapsed / max(1, len(keys)), 1),
            }
            raise _Rollback
    except _Rollback:
        pass
    result["baseline"] = _baseline(data, labels).as_dict()
    return result


def _declare(data: EvalSet, pack_code: str) -> dict[str, Project]:
    """The set's declarations as projects of a throwaway jurisdiction (one unit per name), by key."""
    jurisdiction = Jurisdiction.objects.create(
        code=f"EV{time.time_ns() % 10**10}",
        name="查重评测区",
        level=JurisdictionLevel.COUNTY,
        pack_code=pack_code,
    )
    projects: dict[str, Project] = {}
    creator = User.objects.create(
        username=f"eval-{jurisdiction.code}", display_name="查重评测", is_active=False
    )
    for project, key in declared_projects(data.declarations, jurisdiction, creator):
        project.save()
        projects[key] = project
    return projects


def declared_projects(
    declarations: Iterable[Declaration], jurisdiction: Jurisdiction, creator: User
) -> Iterator[tuple[Project, str]]:
    """(unsaved project, key) for each generated declaration, as submitted by its unit in ``jurisdiction``
    (one organisation per unit name, created on first use)."""
    units: dict[str, Organisation] = {}
    version = load_pack(jurisdiction.pack_code).pack.meta.version
    for declaration in declarations:
        unit = units.get(declaration.unit)
        if unit is None:
            unit = units[declaration.unit] = Organisation.objects.create(
                jurisdiction=jurisdiction, name=declaration.unit[:60], kind=OrganisationKind.DEPARTMENT
            )
        s = declaration.sections
        project = Project(
            name=s["name"][:100],
            year=2027,
            jurisdiction=jurisdiction,
            lead_unit=unit,
            nature="NEW",
            procurement_category="SERVICE",
            objectives=s["objectives"],
            content=s["content"],
            functions=s["functions"],
            tech_route=s["tech_route"],
            data_summary=s["data_resources"],
            cost_software=declaration.amount_yuan,
            total_yuan=declaration.amount_yuan,
            status=Status.SUBMITTED,
            pack_code=jurisdiction.pack_code,
            pack_version=version,
            created_by=creator,
        )
        yield project, declaration.key


def _flagged(keys: dict[str, int], duplicate: float, similar: float, lines: list[int]) -> set[frozenset[str]]:
    """The pairs 查重 raises: a likely duplicate, or two similar declarations of one unit that straddle a
    split line."""
    by_id = {v: k for k, v in keys.items()}
    projects = {p.pk: p for p in Project.objects.filter(pk__in=keys.values())}
    flagged: set[frozenset[str]] = set()
    for match in Match.objects.filter(project_id__in=keys.values(), other_project_id__isnull=False):
        a, b = projects[match.project_id], projects.get(match.other_project_id)  # type: ignore[arg-type]
        if b is None:
            continue
        pair = frozenset((by_id[a.pk], by_id[b.pk]))
        if match.score >= duplicate:
            flagged.add(pair)
        elif (
            match.score >= similar
            and a.lead_unit_id == b.lead_unit_id
            and split_line(a.total_yuan, [b.total_yuan], lines) is not None
        ):
            flagged.add(pair)
    return flagged


def _baseline(data: EvalSet, labels: list[tuple[str, str, str, bool]]) -> Quality:
    """Whole-declaration word TF-IDF, brute force over every pair, at the threshold that suits it best."""
    start = time.perf_counter()
    counts = {d.key: Counter(text.words(" ".join(d.sections.values()))) for d in data.declarations}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update(c.keys())
    n = len(counts)
    vectors = {k: text.weighted(c, df, n) for k, c in counts.items()}
    keys = list(vectors)
    scores: dict[frozenset[str], float] = {}
    for i, a in enumerate(keys):  # brute force: every pair is compared
        for b in keys[i + 1 :]:
            score = text.cosine(vectors[a], vectors[b])
            if score >= 0.3:
                scores[frozenset((a, b))] = score
    elapsed = time.perf_counter() - start
    best: Quality | None = None
    for step in range(30, 96):
        threshold = step / 100
        flagged = {pair for pair, score in scores.items() if score >= threshold}
        quality = _quality(labels, flagged, elapsed)
        quality.threshold = threshold
        if best is None or _f1(quality) > _f1(best):
            best = quality
    assert best is not None
    _margins(best, labels, {pair: round(score, 4) for pair, score in scores.items()})
    return best


def _scores(keys: dict[str, int]) -> dict[frozenset[str], float]:
    by_id = {v: k for k, v in keys.items()}
    return {
        frozenset((by_id[m.project_id], by_id[m.other_project_id])): m.score  # type: ignore[index]
        for m in Match.objects.filter(project_id__in=keys.values(), other_project_id__isnull=False)
        if m.other_project_id in by_id
    }


def _margins(
    quality: Quality, labels: list[tuple[str, str, str, bool]], scores: dict[frozenset[str], float]
) -> None:
    """How far apart the two kinds of labelled pair lie (a pair never scored counts as 0)."""
    positive = [scores.get(frozenset((a, b)), 0.0) for a, b, kind, dup in labels if dup and kind != "split"]
    negative = [scores.get(frozenset((a, b)), 0.0) for a, b, _kind, dup in labels if not dup]
    quality.lowest_duplicate = min(positive, default=None)
    quality.highest_negative = max(negative, default=None)
    quality.lowest_split = min(
        (scores.get(frozenset((a, b)), 0.0) for a, b, kind, _dup in labels if kind == "split"), default=None
    )


def _f1(q: Quality) -> float:
    return 0.0 if q.precision + q.recall == 0 else 2 * q.precision * q.recall / (q.precision + q.recall)


__all__ = ["Quality", "similarity_evaluate"]
