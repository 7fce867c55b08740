"""查重 reads: finding the declarations and systems that read like a given one, the facts the packs judge,
the pairs shown on a project and the clusters of a jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from govit.accounts.models import Jurisdiction
from govit.policies.engine import PackError, load_pack
from govit.policies.engine.schema import SIMILARITY_SECTIONS, SimilarityRules
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.similarity import text
from govit.similarity.models import CatalogueSystem, Dismissal, IndexedDocument, Match, Posting, TermStat

CANDIDATES = 30  # documents considered per query, out of those sharing its keywords
REPORT_FLOOR = 0.3  # pairs below this score are not kept
KEPT = 10  # pairs kept per project (the most similar)
COMMON = 0.05  # keywords used by more than 5% of the documents find too much to help
PROBES = 12  # keywords a query looks up in the index
# Default section weights where a pack does not set its own (names and contents weigh most)
DEFAULT_WEIGHTS: dict[str, float] = {
    "name": 0.1,
    "objectives": 0.2,
    "content": 0.3,
    "functions": 0.2,
    "tech_route": 0.1,
    "data_resources": 0.1,
}
# … and lines, for a pack without ``similarity`` settings (its findings cannot use them; the tab still shows them)
DEFAULT_LINES = (0.6, 0.55)  # (疑似重复, 相似)
# Lifecycle states of a project that is 在建 (approved, not yet through 竣工验收)
IN_PROGRESS = frozenset({Status.APPROVED, Status.IN_CONSTRUCTION, Status.SUSPENDED})
# A declaration is judged on its similarity until 立项 or rejection
DECLARED = frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED})
# Declarations that no longer count towards a split (withdrawn from the round by a decision)
SPLIT_EXCLUDED = frozenset({Status.NOT_SUPPORTED, Status.TERMINATED})


def project_sections(project: Project) -> dict[str, str]:
    return {
        "name": project.name,
        "objectives": project.objectives,
        "content": "\n".join(t for t in (project.summary, project.content) if t),
        "functions": project.functions,
        "tech_route": project.tech_route,
        "data_resources": project.data_summary,
    }


def system_sections(system: CatalogueSystem) -> dict[str, str]:
    return {
        "name": system.name,
        "objectives": "",
        "content": system.description,
        "functions": system.functions,
        "tech_route": "",
        "data_resources": system.data_resources,
    }


def scope_of(jurisdiction: Jurisdiction) -> list[int]:
    """A declaration is compared within its jurisdiction and the levels above it (a county's with its
    city's and province's), never with its neighbours'."""
    return [jurisdiction.pk, *jurisdiction.ancestors().values_list("pk", flat=True)]


def document_frequencies(terms: Iterable[str]) -> tuple[dict[str, int], int]:
    """({term: documents using it}, documents indexed)."""
    wanted = list(set(terms))
    df: dict[str, int] = {}
    for start in range(0, len(wanted), 900):
        df.update(
            TermStat.objects.filter(term__in=wanted[start : start + 900]).values_list("term", "documents")
        )
    return df, IndexedDocument.objects.count()


@dataclass
class Query:
    """What a declaration is looked up with: its texts, its word vectors and its keywords."""

    sections: dict[str, str]
    vectors: dict[str, text.Vector]
    keywords: list[str]
    documents: int | None = None  # documents indexed when the query was built


def query_build(sections: Mapping[str, str | None]) -> Query:
    counts = text.section_counts(sections)
    df, documents = document_frequencies(text.vocabulary(counts))
    return Query(
        {k: v or "" for k, v in sections.items()},
        text.word_vectors(counts, df, documents),
        text.keywords(counts, df, documents),
        documents,
    )


@dataclass(frozen=True)
class Found:
    document_id: int
    project_id: int | None
    system_id: int | None
    score: text.Score


def similar_find(
    query: Query,
    scope: list[int],
    weights: Mapping[str, float],
    *,
    exclude_document: int | None = None,
    limit: int = KEPT,
    floor: float = REPORT_FLOOR,
) -> list[Found]:
    """The documents in ``scope`` that read most like ``query``: candidates are those filed under its
    rarer keywords (the index), ranked by how many they share; the best ``CANDIDATES`` are scored section by
    section and those at or above ``floor`` returned, best first. Drafts are found too: who may see a pair
    is the caller's decision (``services.project_check``)."""
    if not query.keywords or not query.vectors:
        return []
    documents = query.documents if query.documents is not None else IndexedDocument.objects.count()
    common = max(50, int(documents * COMMON))
    stats = dict(TermStat.objects.filter(term__in=query.keywords).values_list("term", "documents"))
    own = 1 if exclude_document is not None else 0  # an indexed declaration counts in its own frequencies
    known = sorted((k for k in query.keywords if stats.get(k, 0) > own), key=lambda k: (stats[k], k))
    # the rarest keywords find the candidates: few postings to read, and what a near-copy shares
    keys = [k for k in known if stats[k] <= common][:PROBES] or known[:PROBES]
    if not keys:
        return []
    postings = Posting.objects.filter(term__in=keys, jurisdiction_id__in=scope)
    if exclude_document is not None:
        postings = postings.exclude(document_id=exclude_document)
    ranked = list(
        postings.values("document_id")
        .annotate(hits=Count("document_id"))
        .order_by("-hits", "document_id")[:CANDIDATES]
    )
    ids = [row["document_id"] for row in ranked]
    docs = IndexedDocument.objects.filter(pk__in=ids).values("id", "project_id", "system_id", "vectors")
    by_id = {d["id"]: d for d in docs}
    sections = _texts(
        [d["project_id"] for d in by_id.values() if d["project_id"]],
        [d["system_id"] for d in by_id.values() if d["system_id"]],
    )
    mine = text.profile(query.sections, query.vectors)
    mine_present = text.present(query.sections)
    bounded = []
    for doc_id in ids:
        doc = by_id.get(doc_id)
        if doc is None:
            continue
        key = ("p", doc["project_id"]) if doc["project_id"] else ("s", doc["system_id"])
        if key not in sections:
            continue  # deleted meanwhile
        both = mine_present & text.present(sections[key])
        bounded.append((text.ceiling(query.vectors, doc["vectors"], both, weights), doc_id, doc, key))
    bounded.sort(key=lambda b: (-b[0], b[1]))
    found: list[Found] = []
    for top, doc_id, doc, key in bounded:
        if top < floor or (len(found) >= limit and top < found[limit - 1].score.combined):
            break  # neither this candidate nor any after it can enter the best ``limit``
        score = text.compare(mine, text.profile(sections[key], doc["vectors"]), weights)
        if score.combined >= floor:
            found.append(Found(doc_id, doc["project_id"], doc["system_id"], score))
            found.sort(key=lambda f: (-f.score.combined, f.document_id))
    return found[:limit]


def _texts(project_ids: list[int], system_ids: list[int]) -> dict[tuple[str, int], dict[str, str]]:
    out: dict[tuple[str, int], dict[str, str]] = {}
    for project in Project.objects.filter(pk__in=project_ids).only(
        "name",
        "objectives",
        "summary",
        "content",
        "functions",
        "tech_route",
        "data_summary",
    ):
        out[("p", project.pk)] = project_sections(project)
    for system in CatalogueSystem.objects.filter(pk__in=system_ids):
        out[("s", system.pk)] = system_sections(system)
    return out


def rules_of(project: Project) -> SimilarityRules | None:
    if not project.pack_code:
        return None
    try:
        return load_pack(project.pack_code).pack.similarity
    except PackError:
        return None


def weights_of(rules: SimilarityRules | None) -> dict[str, float]:
    return {str(k): float(v) for k, v in rules.weights.items()} if rules else dict(DEFAULT_WEIGHTS)


def dismissal_key(
    project_id: int, other_project_id: int | None, other_system_id: int | None
) -> tuple[Any, ...]:
    """How a 不重复 judgment is stored: two projects once, the lower id first; a project and a system."""
    if other_project_id is not None:
        return (min(project_id, other_project_id), max(project_id, other_project_id), None)
    return (project_id, None, other_system_id)


def dismissed_pairs(project: Project) -> tuple[set[int], set[int]]:
    """(other projects, systems) a reviewer judged not duplicates of ``project``."""
    rows = Dismissal.objects.filter(Q(project=project) | Q(other_project=project)).values_list(
        "project_id", "other_project_id", "other_system_id"
    )
    projects: set[int] = set()
    systems: set[int] = set()
    for a, b, system in rows:
        if system:
            systems.add(system)
        else:
            projects.add(b if a == project.pk else a)
    return projects, systems


def _in_window(rules: SimilarityRules, project: Project, other: Any) -> bool:
    window = rules.split_window
    if window == "round" and project.declaration_round_id and other["declaration_round_id"]:
        return bool(other["declaration_round_id"] == project.declaration_round_id)
    if window in ("round", "year"):  # declared outside any round (增补): the plan year is the round
        return bool(other["year"] == project.year)
    mine = (project.submitted_at or project.created_at).date()
    theirs = (other["submitted_at"] or other["created_at"]).date()
    return abs((mine - theirs).days) <= int(window)


def similarity_facts(project: Project, *, any_status: bool = False) -> dict[str, Any]:
    """Facts for the engine (``similarity.*``) from the pairs found for ``project``, under its pack's lines;
    pairs judged not duplicates are left out. The engine gets them while the declaration is reviewed; after
    立项 or a rejection the pairs only stay on the 查重 tab (``any_status``)."""
    if not project.pk or (project.status not in DECLARED and not any_status):
        return {}
    rules = rules_of(project)
    if rules is None:
        return {}
    if not IndexedDocument.objects.filter(project=project).exists():
        return {}  # not compared yet
    matches = list(
        Match.objects.filter(project=project).values("other_project_id", "other_system_id", "score")
    )
    projects_off, systems_off = dismissed_pairs(project)
    kept = [
        m
        for m in matches
        if not (m["other_project_id"] in projects_off or m["other_system_id"] in systems_off)
    ]
    others = {
        row["id"]: row
        for row in Project.objects.filter(
            pk__in=[m["other_project_id"] for m in kept if m["other_project_id"]]
        ).values(
            "id",
            "lead_unit_id",
            "status",
            "total_yuan",
            "declaration_round_id",
            "year",
            "submitted_at",
            "created_at",
        )
    }
    duplicates = [m for m in kept if m["score"] >= rules.duplicate_score]
    same_unit = [
        others[m["other_project_id"]]
        for m in kept
        if m["other_project_id"] in others
        and m["score"] >= rules.similar_score
        and others[m["other_project_id"]]["lead_unit_id"] == project.lead_unit_id
    ]
    in_progress = [o for o in same_unit if o["status"] in IN_PROGRESS]
    peers = [o for o in same_unit if o["status"] not in SPLIT_EXCLUDED and _in_window(rules, project, o)]
    facts: dict[str, Any] = {
        "similarity.checked": True,
        "similarity.best_score": round(100 * max((m["score"] for m in kept), default=0.0)),
        "similarity.duplicates": len(duplicates),
        "similarity.duplicate_systems": sum(1 for m in duplicates if m["other_system_id"]),
        "similarity.similar_in_progress": len(in_progress),
        "similarity.split_parts": 0,
    }
    split = split_line(project.total_yuan, [o["total_yuan"] for o in peers], rules.split_lines_yuan)
    if split is not None:
        line, parts = split
        facts["similarity.split_parts"] = len(parts)
        facts["similarity.split_total_yuan"] = sum(parts)
        facts["similarity.split_line_yuan"] = line
    return facts


def split_line(own_yuan: int, peers_yuan: list[int], lines: Iterable[int]) -> tuple[int, list[int]] | None:
    """The highest line a declaration and its similar peers straddle — each part below it, their sum at or
    above it — with the amounts of the parts (this one first); None when there is no split."""
    for line in sorted(lines, reverse=True):
        parts = [own_yuan, *(y for y in peers_yuan if y < line)]
        if own_yuan < line and len(parts) > 1 and sum(parts) >= line:
            return line, parts
    return None


@dataclass(frozen=True)
class Pair:
    """One similar project or system as the 查重 tab shows it."""

    match: Match
    other: Project | CatalogueSystem
    dismissal: Dismissal | None
    sections: list[tuple[str, str, float | None, list[tuple[str, bool]], list[tuple[str, bool]]]]

    @property
    def is_system(self) -> bool:
        return isinstance(self.other, CatalogueSystem)


SECTION_LABELS = {
    "name": "名称",
    "objectives": "建设目标",
    "content": "建设内容",
    "functions": "主要功能",
    "tech_route": "技术路线",
    "data_resources": "数据资源",
}


def project_pairs(project: Project) -> list[Pair]:
    """The projects and systems most like ``project``, best first, each section with its score and its text
    on both sides with the shared words marked."""
    matches = list(
        Match.objects.filter(project=project).select_related("other_project", "other_system__jurisdiction")
    )
    dismissals = {
        (d.project_id, d.other_project_id, d.other_system_id): d
        for d in Dismissal.objects.filter(Q(project=project) | Q(other_project=project)).select_related(
            "dismissed_by"
        )
    }
    mine = project_sections(project)
    out = []
    for match in matches:
        other: Project | CatalogueSystem
        if match.other_project is not None:
            other = match.other_project
            theirs = project_sections(other)
        else:
            assert match.other_system is not None
            other = match.other_system
            theirs = system_sections(other)
        dismissal = dismissals.get(dismissal_key(project.pk, match.other_project_id, match.other_system_id))
        rows = []
        for name in SIMILARITY_SECTIONS:
            shared = match.overlap.get(name, [])
            rows.append(
                (
                    name,
                    SECTION_LABELS[name],
                    match.sections.get(name),
                    text.highlight(mine.get(name, ""), shared),
                    text.highlight(theirs.get(name, ""), shared),
                )
            )
        out.append(Pair(match, other, dismissal, rows))
    return out


def pair_line(project: Project) -> tuple[float, float]:
    rules = rules_of(project)
    return (rules.duplicate_score, rules.similar_score) if rules else DEFAULT_LINES


@dataclass
class Cluster:
    projects: list[Project]
    systems: list[CatalogueSystem]
    best: float


def clusters(jurisdictions: list[int], line: float) -> list[Cluster]:
    """Groups of declarations in ``jurisdictions`` linked by pairs at or above ``line`` (not dismissed):
    what a bureau-wide 查重 report lists, largest first."""
    pairs = list(
        Match.objects.filter(project__jurisdiction_id__in=jurisdictions, score__gte=line)
        .exclude(project__status=Status.DRAFT)  # drafts are their units' own until declared
        .exclude(other_project__status=Status.DRAFT)
        .values_list("project_id", "other_project_id", "other_system_id", "score")
    )
    off = set(Dismissal.objects.values_list("project_id", "other_project_id", "other_system_id"))
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    best: dict[tuple[str, int], float] = {}
    for a, b, system, score in pairs:
        if dismissal_key(a, b, system) in off:
            continue
        other = ("s", system) if system else ("p", b)
        ra, rb = root(("p", a)), root(other)
        if ra != rb:
            parent[ra] = rb
        best[("p", a)] = max(best.get(("p", a), 0.0), score)
    groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in list(parent):
        groups.setdefault(root(node), []).append(node)
    project_ids = [n[1] for nodes in groups.values() for n in nodes if n[0] == "p"]
    system_ids = [n[1] for nodes in groups.values() for n in nodes if n[0] == "s"]
    projects = Project.objects.select_related("lead_unit").in_bulk(project_ids)
    systems = CatalogueSystem.objects.in_bulk(system_ids)
    out = []
    for nodes in groups.values():
        if len(nodes) < 2:
            continue
        out.append(
            Cluster(
                sorted(
                    (projects[n[1]] for n in nodes if n[0] == "p" and n[1] in projects), key=lambda p: p.pk
                ),
                [systems[n[1]] for n in nodes if n[0] == "s" and n[1] in systems],
                max(best.get(n, 0.0) for n in nodes),
            )
        )
    out.sort(key=lambda c: (-(len(c.projects) + len(c.systems)), -c.best))
    return out


def catalogue_of(jurisdictions: list[int]) -> Any:
    return CatalogueSystem.objects.filter(jurisdiction_id__in=jurisdictions).select_related(
        "jurisdiction", "organisation"
    )
