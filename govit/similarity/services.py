"""查重 writes: the index kept current as declarations and catalogued systems are saved, the pairs found
for each, a reviewer's “不重复” judgment, and the catalogue of systems in operation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections, router, transaction
from django.db.models import F, Q

from govit.accounts.models import Jurisdiction, Organisation
from govit.audit.choices import Outcome
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.errors import ConflictError, ServiceError
from govit.core.forms import text_clean
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.services import reviewer_required
from govit.similarity import text
from govit.similarity.models import CatalogueSystem, Dismissal, IndexedDocument, Match, Posting, TermStat
from govit.similarity.selectors import (
    DECLARED,
    Query,
    dismissal_key,
    document_frequencies,
    project_sections,
    rules_of,
    scope_of,
    similar_find,
    system_sections,
    weights_of,
)

REASON_MIN = 10


def _digest(sections: dict[str, str], draft: bool) -> str:
    """What a document was indexed from: its texts, and whether it is a draft (found by its own unit only,
    so declaring it changes who may find it)."""
    data = {**sections, "_draft": draft}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _vocabulary(vectors: dict[str, Any]) -> set[str]:
    return {t for v in vectors.values() for t in v}


def _stats_move(added: Iterable[str], removed: Iterable[str]) -> None:
    """Document frequencies follow a document's new vocabulary (one statement per direction)."""
    connection = connections[router.db_for_write(TermStat)]
    table = connection.ops.quote_name(TermStat._meta.db_table)
    added, removed = sorted(set(added)), sorted(set(removed))
    with connection.cursor() as cursor:
        if added:
            cursor.executemany(
                f"INSERT INTO {table} (term, documents) VALUES (%s, 1) "
                "ON CONFLICT (term) DO UPDATE SET documents = " + f"{table}.documents + 1",
                [(t,) for t in added],
            )
    if removed:
        TermStat.objects.filter(term__in=removed).update(documents=F("documents") - 1)
        TermStat.objects.filter(term__in=removed, documents__lte=0).delete()


def document_index(
    *, project: Project | None = None, system: CatalogueSystem | None = None, force: bool = False
) -> tuple[IndexedDocument, bool]:
    """File ``project`` or ``system`` in the index under its current texts: (its document, whether anything
    changed). Unchanged texts cost one query."""
    sections = project_sections(project) if project is not None else system_sections(system)  # type: ignore[arg-type]
    subject = {"project": project} if project is not None else {"system": system}
    jurisdiction_id = (project or system).jurisdiction_id  # type: ignore[union-attr]
    digest = _digest(sections, project is not None and project.status == Status.DRAFT)
    existing = IndexedDocument.objects.filter(**subject).first()
    if existing is not None and existing.digest == digest and not force:
        return existing, False
    with transaction.atomic():
        counts = text.section_counts(sections)
        vocabulary = text.vocabulary(counts)
        before = _vocabulary(existing.vectors if existing else {})
        _stats_move(vocabulary - before, before - vocabulary)
        df, documents = document_frequencies(vocabulary)
        documents += 0 if existing else 1
        vectors = text.word_vectors(counts, df, documents)
        keywords = text.keywords(counts, df, documents)
        if existing is None:
            existing = IndexedDocument.objects.create(
                **subject,
                jurisdiction_id=jurisdiction_id,
                digest=digest,
                vectors=vectors,
                keywords=keywords,
                indexed_at=clock.now(),
            )
        else:
            existing.vectors, existing.keywords, existing.jurisdiction_id = vectors, keywords, jurisdiction_id
            existing.digest, existing.indexed_at = digest, clock.now()
            existing.save(update_fields=["digest", "vectors", "keywords", "jurisdiction", "indexed_at"])
            Posting.objects.filter(document=existing).delete()
        Posting.objects.bulk_create(
            Posting(term=term, document=existing, jurisdiction_id=jurisdiction_id) for term in keywords
        )
    return existing, True


def _query(document: IndexedDocument, sections: dict[str, str]) -> Query:
    return Query(sections, dict(document.vectors), list(document.keywords))


def project_check(project: Project, *, force: bool = False) -> list[Match]:
    """Index ``project`` and find what reads like it in its jurisdiction and the levels above (projects in
    any state, and catalogued systems); the pairs are kept both ways, so the earlier declaration learns of
    the later one too."""
    document, changed = document_index(project=project, force=force)
    if not changed and not force:
        return list(Match.objects.filter(project=project))
    scope = scope_of(project.jurisdiction)
    found = similar_find(
        _query(document, project_sections(project)),
        scope,
        weights_of(rules_of(project)),
        exclude_document=document.pk,
    )
    now = clock.now()
    others = Project.objects.select_related("jurisdiction").in_bulk(
        [f.project_id for f in found if f.project_id]
    )
    rows = []
    scopes: dict[int, list[int]] = {}
    for f in found:
        score = f.score
        fields = {
            "score": score.combined,
            "sections": score.sections,
            "overlap": score.overlap,
            "computed_at": now,
        }
        if f.system_id:
            rows.append(Match(project=project, other_system_id=f.system_id, **fields))
            continue
        other = others.get(f.project_id)  # type: ignore[arg-type]
        if other is None:
            continue
        if not _private(other, project):
            rows.append(Match(project=project, other_project=other, **fields))
        if other.jurisdiction_id not in scopes:
            scopes[other.jurisdiction_id] = scope_of(other.jurisdiction)
        if project.jurisdiction_id not in scopes[other.jurisdiction_id]:
            continue  # the other is at a level above: it is not compared with those below
        if not _private(project, other):
            rows.append(Match(project=other, other_project=project, **fields))
    with transaction.atomic():
        Match.objects.filter(Q(project=project) | Q(other_project=project)).delete()
        Match.objects.bulk_create(rows)
    return [r for r in rows if r.project_id == project.pk]


def _private(draft: Project, viewer: Project) -> bool:
    """A draft is seen by its own unit only (until it is declared)."""
    return draft.status == Status.DRAFT and draft.lead_unit_id != viewer.lead_unit_id


def system_check(system: CatalogueSystem) -> int:
    """Index a catalogued system and pair it with the declarations below it that read like it."""
    document, changed = document_index(system=system)
    if not changed:
        return Match.objects.filter(other_system=system).count()
    scope = [
        system.jurisdiction_id,
        *Jurisdiction.objects.get(pk=system.jurisdiction_id).descendants().values_list("pk", flat=True),
    ]
    found = [
        f
        for f in similar_find(_query(document, system_sections(system)), scope, weights_of(None), limit=200)
        if f.project_id
    ]
    now = clock.now()
    with transaction.atomic():
        Match.objects.filter(other_system=system).delete()
        Match.objects.bulk_create(
            Match(
                project_id=int(f.project_id or 0),
                other_system=system,
                score=f.score.combined,
                sections=f.score.sections,
                overlap=f.score.overlap,
                computed_at=now,
            )
            for f in found
        )
    return len(found)


def on_audit_event(action: str, target: Any, outcome: str) -> None:
    """A declaration saved (created, edited, submitted …) is compared again, after its change is committed:
    the result is advice to the reviewer, not part of the change."""
    if not isinstance(target, Project) or outcome != Outcome.SUCCESS:
        return
    if action.endswith((".view", ".export", ".download")) or action.startswith("similarity."):
        return
    if target.status not in DECLARED:
        return  # past 立项 or a rejection the texts are fixed and it is no draft: its document cannot change
    project_check_later(target.pk)


class _QueuedCheck:
    """What runs when the transaction commits: the check of one project put on the task queue."""

    def __init__(self, project_id: int) -> None:
        self.project_id = project_id

    def __call__(self) -> None:
        from govit.core.tasks import task_waiting
        from govit.similarity.tasks import project_check_task

        if not task_waiting(project_check_task, self.project_id):
            project_check_task.enqueue(self.project_id)


def _after_commit(callback: Any) -> None:
    """Robust: a queue that cannot be reached costs a check (the tab shows it pending, 重新查重 repeats it), never
    the change already committed."""
    transaction.on_commit(callback, robust=True)


def project_check_later(project_id: int) -> None:
    """Queue the 查重 of a project for the worker once the current transaction commits (at once outside
    one): several changes of the project in one transaction queue one check, and none is queued while one
    the worker has not started yet waits on the queue."""
    connection = connections[router.db_for_write(Project)]
    for entry in connection.run_on_commit:  # (savepoints, callback, robust) of this transaction
        callback = entry[1]
        if isinstance(callback, _QueuedCheck) and callback.project_id == project_id:
            return
    _after_commit(_QueuedCheck(project_id))


def project_check_queued(project_id: int) -> int | None:
    """查重 of a project as the worker runs it: its texts as committed now, compared unless they already are
    (so a check queued twice costs the second three short queries). The number of pairs found, or None when
    the project is gone."""
    project = Project.objects.filter(pk=project_id).select_related("jurisdiction").first()
    if project is None:
        return None
    return len(project_check(project))


def project_check_pending(project: Project, document: IndexedDocument | None) -> bool:
    """Whether the 查重 of ``project`` has yet to catch up with its texts as saved (``document``: its entry in
    the index): the pairs shown are those of the texts last compared. A project never compared has no
    entry and shows as such."""
    if document is None or project.status not in DECLARED:
        return False
    return document.digest != _digest(project_sections(project), project.status == Status.DRAFT)


# ------------------------------------------------------------------ reviewer's judgment


def pair_dismiss(
    *,
    actor: Any,
    project: Project,
    reason: str,
    other_project: Project | None = None,
    other_system: CatalogueSystem | None = None,
) -> Dismissal:
    """A reviewer judges a pair not duplicates (不重复), with the reason: the pair raises no finding any more.
    Audited; only a reviewer of the project's jurisdiction (or above) may."""
    reviewer_required(actor, project, "similarity.dismiss")
    reason = text_clean(reason, field="reason", label="认定理由", limit=1000, minimum=REASON_MIN)
    if (other_project is None) == (other_system is None):
        raise ServiceError("请选择一个相似项目或在用系统", field="other")
    first, second, system = dismissal_key(
        project.pk, other_project.pk if other_project else None, other_system.pk if other_system else None
    )
    key = {"project_id": first, "other_project_id": second, "other_system_id": system}
    with transaction.atomic():
        if Dismissal.objects.filter(**key).exists():
            raise ConflictError("这两项已认定为不重复")
        dismissal = Dismissal.objects.create(**key, reason=reason, dismissed_by=actor)
        audit_record(
            actor=actor,
            action="similarity.dismiss",
            target=project,
            after={
                "other_project": other_project.pk if other_project else None,
                "other_system": other_system.pk if other_system else None,
                "reason": reason,
            },
        )
    return dismissal


# ------------------------------------------------------------------ catalogue of systems in operation


def system_save(
    *,
    actor: Any,
    jurisdiction: Jurisdiction,
    fields: dict[str, Any],
    organisation: Organisation | None = None,
) -> CatalogueSystem:
    """Catalogue (or update, by name) a system in operation; it is indexed at once."""
    clean = {
        "name": text_clean(fields.get("name"), field="name", label="系统名称", limit=100),
        "description": text_clean(
            fields.get("description"), field="description", label="系统简介", limit=5000, required=False
        ),
        "functions": text_clean(
            fields.get("functions"), field="functions", label="主要功能", limit=5000, required=False
        ),
        "data_resources": text_clean(
            fields.get("data_resources"), field="data_resources", label="数据资源", limit=5000, required=False
        ),
        "online_since": fields.get("online_since"),
    }
    if organisation is not None and organisation.jurisdiction_id != jurisdiction.pk:
        raise ServiceError("运行单位不属于该行政区划", field="organisation")
    with transaction.atomic():
        system, created = CatalogueSystem.objects.update_or_create(
            jurisdiction=jurisdiction,
            name=clean["name"],
            defaults={**clean, "organisation": organisation, **({"created_by": actor} if actor else {})},
        )
        audit_record(
            actor=actor,
            action="similarity.system_create" if created else "similarity.system_update",
            target=system,
            after={k: str(v) for k, v in clean.items()},
        )
        system_check(system)
    return system


# ------------------------------------------------------------------ rebuilding the index


def _subjects() -> Iterator[tuple[str, int, int, dict[str, str], bool]]:
    """(kind, id, jurisdiction id, texts, draft?) of every project and catalogued system, read in chunks."""
    fields = ("name", "objectives", "summary", "content", "functions", "tech_route", "data_summary")
    for project in (
        Project.objects.only("pk", "jurisdiction_id", "status", *fields)
        .order_by("pk")
        .iterator(chunk_size=2000)
    ):
        yield (
            "project",
            project.pk,
            project.jurisdiction_id,
            project_sections(project),
            project.status == Status.DRAFT,
        )
    for system in CatalogueSystem.objects.order_by("pk").iterator(chunk_size=2000):
        yield "system", system.pk, system.jurisdiction_id, system_sections(system), False


def similarity_rebuild(*, pairs: bool = True, progress: Any = None) -> dict[str, int]:
    """Index every project and catalogued system again from scratch, with today's document frequencies
    (the index otherwise weighs each document by the frequencies of the day it was saved); then, with
    ``pairs``, find the pairs of every project again. Texts are read in chunks and only their word counts
    kept, so memory follows the vocabulary, not the size of the declarations."""
    counted: list[tuple[str, int, int, str, dict[str, dict[str, int]]]] = []
    df: dict[str, int] = {}
    for n, (kind, pk, jurisdiction_id, sections, draft) in enumerate(_subjects(), 1):
        counts = text.section_counts(sections)
        for term in text.vocabulary(counts):
            df[term] = df.get(term, 0) + 1
        counted.append((kind, pk, jurisdiction_id, _digest(sections, draft), counts))
        if progress and n % 1000 == 0:
            progress("segment", n, None)
    documents = len(counted)
    now = clock.now()
    with transaction.atomic():
        Posting.objects.all().delete()
        IndexedDocument.objects.all().delete()
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create((TermStat(term=t, documents=n) for t, n in df.items()), batch_size=5000)
        for start in range(0, documents, 2000):
            docs = [
                IndexedDocument(
                    **{f"{kind}_id": pk},
                    jurisdiction_id=jurisdiction_id,
                    digest=digest,
                    vectors=text.word_vectors(counts, df, documents),
                    keywords=text.keywords(counts, df, documents),
                    indexed_at=now,
                )
                for kind, pk, jurisdiction_id, digest, counts in counted[start : start + 2000]
            ]
            IndexedDocument.objects.bulk_create(docs)
            Posting.objects.bulk_create(
                (
                    Posting(term=t, document=d, jurisdiction_id=d.jurisdiction_id)
                    for d in docs
                    for t in d.keywords
                ),
                batch_size=5000,
            )
            if progress:
                progress("index", start + len(docs), documents)
    found = 0
    if pairs:
        for project in Project.objects.select_related("jurisdiction").order_by("pk").iterator(chunk_size=500):
            found += len(project_check(project, force=True))
    return {"documents": documents, "terms": len(df), "pairs": found}


# ------------------------------------------------------------------ importing the catalogue

IMPORT_COLUMNS = ("系统名称", "运行单位", "系统简介", "主要功能", "数据资源", "上线时间")
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 5000


def systems_import(*, actor: Any, jurisdiction: Jurisdiction, upload: Any) -> int:
    """Catalogue the systems listed in an .xlsx (the downloadable template's columns). Every row is checked
    first; one bad row refuses the whole file with every problem listed by row, and nothing is saved."""
    if upload.size > IMPORT_MAX_BYTES:
        raise ServiceError("编目表不能超过 5 MB", field="file")
    rows = _sheet_rows(upload)
    units = {o.name: o for o in Organisation.objects.filter(jurisdiction=jurisdiction)}
    problems: list[str] = []
    parsed: list[tuple[dict[str, Any], Organisation | None]] = []
    seen: set[str] = set()
    for number, row in rows:
        values = dict(zip(IMPORT_COLUMNS, [*row, *[None] * len(IMPORT_COLUMNS)], strict=False))
        name = str(values["系统名称"] or "").strip()
        unit_name = str(values["运行单位"] or "").strip()
        since = values["上线时间"]
        if not name:
            problems.append(f"第{number}行 系统名称：不能为空")
        elif name in seen:
            problems.append(f"第{number}行 系统名称：与前面的行重复（{name}）")
        seen.add(name)
        organisation = units.get(unit_name) if unit_name else None
        if unit_name and organisation is None:
            problems.append(f"第{number}行 运行单位：{jurisdiction.name}没有名为“{unit_name}”的单位")
        if since not in (None, "") and not hasattr(since, "year"):
            try:
                since = date_from_text(str(since))
            except ValueError:
                problems.append(f"第{number}行 上线时间：应为日期，如 2024-05-01")
        fields = {
            "name": name,
            "description": _cell_text(values["系统简介"]),
            "functions": _cell_text(values["主要功能"]),
            "data_resources": _cell_text(values["数据资源"]),
            "online_since": since.date() if hasattr(since, "date") else (since or None),
        }
        for key, label in (
            ("description", "系统简介"),
            ("functions", "主要功能"),
            ("data_resources", "数据资源"),
        ):
            if len(str(fields[key])) > 5000:
                problems.append(f"第{number}行 {label}：不能超过 5000 个字")
        parsed.append((fields, organisation))
    if not parsed and not problems:
        raise ServiceError("编目表没有数据行", field="file")
    if problems:
        shown = "；".join(problems[:20]) + (
            f"；另有 {len(problems) - 20} 处问题" if len(problems) > 20 else ""
        )
        raise ServiceError(f"编目表有 {len(problems)} 处问题，未导入任何一行：{shown}", field="file")
    with transaction.atomic():
        for fields, organisation in parsed:
            system_save(actor=actor, jurisdiction=jurisdiction, fields=fields, organisation=organisation)
        audit_record(
            actor=actor, action="similarity.systems_import", target=jurisdiction, after={"rows": len(parsed)}
        )
    return len(parsed)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def date_from_text(value: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(value.strip().replace("/", "-").replace(".", "-"))


def _sheet_rows(upload: Any) -> list[tuple[int, tuple[Any, ...]]]:
    """The data rows of the first sheet (row number, cells), after checking the header."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True)  # a formula is read as its text
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ServiceError("无法读取编目表：请上传由模板填写的 .xlsx 文件", field="file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip() for c in next(rows, ())]
        if tuple(header[: len(IMPORT_COLUMNS)]) != IMPORT_COLUMNS:
            raise ServiceError(f"编目表表头应为：{'、'.join(IMPORT_COLUMNS)}（请下载模板填写）", field="file")
        out: list[tuple[int, tuple[Any, ...]]] = []
        for number, row in enumerate(rows, start=2):
            if not any(c not in (None, "") for c in row):
                continue
            if len(out) >= IMPORT_MAX_ROWS:
                raise ServiceError(f"编目表一次最多导入 {IMPORT_MAX_ROWS} 行", field="file")
            out.append((number, tuple(row)))
        return out
    finally:
        workbook.close()
