"""Importing a jurisdiction's existing projects from an .xlsx: upload → background check of every row →
preview → commit as a whole (one transaction) → obligations and 查重 index computed per project in the
background. Only the jurisdiction's competent bureau (审核人) imports."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from govit.accounts.models import Jurisdiction
from govit.audit.choices import Outcome
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.errors import ConflictError, ServiceError
from govit.dashboards.services import dashboard_summary_rebuild
from govit.documents import detect
from govit.imports import checking, selectors
from govit.imports.choices import BatchState
from govit.imports.models import ImportBatch, ImportedProject
from govit.imports.rows import ParsedRow, Problem
from govit.policies.engine import PackError, load_pack
from govit.projects.models import Project, ProjectTransition
from govit.projects.selectors import jurisdiction_pack_code
from govit.similarity.selectors import DECLARED
from govit.similarity.services import document_index
from govit.workflow.models import ProjectApproval

log = logging.getLogger(__name__)

IMPORT_MAX_MB = 20
PREVIEW_ROWS = 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def import_max_bytes() -> int:
    return min(IMPORT_MAX_MB * 1024 * 1024, int(settings.GOVIT_UPLOAD_MAX_BYTES))


def _importer_required(actor: Any, jurisdiction: Jurisdiction, action: str) -> None:
    """Only a 审核人 of the jurisdiction's own competent bureau imports into it; a refusal is audited."""
    if jurisdiction.pk not in {j.pk for j in selectors.importable_jurisdictions(actor)}:
        audit_denied(
            actor=actor,
            action=action,
            target=jurisdiction,
            message=f"只有{jurisdiction.name}主管部门的审核人可以导入本行政区划的项目",
        )


def _xlsx_check(handle: IO[bytes], name: str) -> None:
    """The upload must really be an .xlsx workbook, whatever its name says."""
    if not name.lower().endswith(".xlsx"):
        raise ServiceError("请上传 .xlsx 文件（Excel 2007 及以上格式，用模板填写）", field="file")
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(_OLE):
        raise ServiceError("所选文件是旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 后上传", field="file")
    if not head.startswith(b"PK\x03\x04"):
        raise ServiceError(
            "所选文件的内容不是 .xlsx 工作簿（可能是改了扩展名的其他文件），请用模板填写后上传", field="file"
        )
    try:
        detect.content_detect(handle, name)  # an xlsx by its parts, and no zip bomb
    except detect.UnsafeFile as error:
        raise ServiceError(f"所选文件不是有效的 .xlsx 工作簿：{error}", field="file") from None
    finally:
        handle.seek(0)


def import_batch_create(
    *, actor: Any, jurisdiction: Jurisdiction, handle: IO[bytes], name: str, size: int
) -> ImportBatch:
    """上传导入文件 — keep the file as a new batch and queue its check in the background."""
    _importer_required(actor, jurisdiction, "import.upload")
    limit = import_max_bytes()
    if size <= 0:
        raise ServiceError("文件为空，请重新选择", field="file")
    if size > limit:
        raise ServiceError(
            f"文件过大：导入文件不能超过 {limit // (1024 * 1024)} MB（所选文件 {size / (1024 * 1024):.1f} MB），"
            "请分成多个文件导入",
            field="file",
        )
    display_name = detect.filename_sanitise(name)
    _xlsx_check(handle, display_name)
    stored = default_storage.save(f"imports/{jurisdiction.pk}/{uuid.uuid4().hex}.xlsx", File(handle))
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                jurisdiction=jurisdiction,
                uploaded_by=actor,
                uploaded_at=clock.now(),
                file=stored,
                original_name=display_name,
                size=size,
                state=BatchState.PARSING,
            )
            audit_record(
                actor=actor,
                action="import.upload",
                target=batch,
                after={"jurisdiction": jurisdiction.name, "file": display_name, "size": size},
            )
            transaction.on_commit(lambda: _enqueue("parse", batch.pk))
    except Exception:
        default_storage.delete(stored)
        raise
    return batch


def _enqueue(what: str, batch_id: int) -> None:
    from govit.imports import tasks

    if what == "parse":
        tasks.import_batch_parse_task.enqueue(batch_id)
    elif what == "commit":
        tasks.import_batch_commit_task.enqueue(batch_id)
    else:
        tasks.import_batch_follow_up_task.enqueue(batch_id)


def _lock(batch_id: int) -> ImportBatch:
    return ImportBatch.objects.select_for_update().select_related("jurisdiction").get(pk=batch_id)


def import_batch_parse(*, batch_id: int) -> ImportBatch | None:
    """检查导入文件 (background) — every row, with progress; the batch becomes 待导入 when no row has a problem,
    else 未通过校验 with every problem listed. A batch already checked is left alone."""
    batch = ImportBatch.objects.select_related("jurisdiction", "uploaded_by").filter(pk=batch_id).first()
    if batch is None or batch.state != BatchState.PARSING:
        return batch
    checked = checking.batch_check(batch, progress=True)
    problems = checked.sorted_problems
    with transaction.atomic():
        locked = _lock(batch_id)
        if locked.state != BatchState.PARSING:
            return locked
        bad_rows = {p["row"] for p in problems if p["row"]}
        locked.state = BatchState.FAILED if problems else BatchState.READY
        locked.rows_total = locked.rows_done = checked.rows_total
        locked.rows_valid = max(0, checked.rows_total - len(bad_rows)) if checked.rows_total else 0
        locked.error_count = len(problems)
        locked.errors = problems
        locked.preview = [r.preview() for r in checked.rows[:PREVIEW_ROWS]]
        locked.summary = checking.checked_summary(checked)
        locked.message = "" if not problems else f"发现 {len(problems)} 处问题，整个文件不能导入"
        locked.save()
        audit_record(
            actor=batch.uploaded_by,
            action="import.parse",
            target=locked,
            after={"state": locked.state, "rows": locked.rows_total, "problems": locked.error_count},
            outcome=Outcome.SUCCESS if not problems else Outcome.FAILURE,
        )
    return locked


# ------------------------------------------------------------------ commit


def import_batch_commit_request(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """确认导入 — a batch without problems is queued for its commit; nothing is imported twice."""
    _importer_required(actor, batch.jurisdiction, "import.commit")
    with transaction.atomic():
        locked = _lock(batch.pk)
        if locked.state == BatchState.COMMITTED:
            raise ConflictError(f"该批次已导入 {locked.projects_created} 个项目，不会重复导入")
        if locked.state == BatchState.COMMITTING:
            if not selectors.batch_commit_stalled(locked):
                raise ConflictError("该批次正在导入，请稍候")
            # the commit stopped without finishing (nothing of it was saved): start it again
            audit_record(
                actor=actor, action="import.commit_retry", target=locked, after={"rows": locked.rows_valid}
            )
            transaction.on_commit(lambda: _enqueue("commit", locked.pk))
            return locked
        if locked.state == BatchState.PARSING:
            raise ConflictError("该批次尚未检查完毕，请待检查完成后再导入")
        if locked.state == BatchState.FAILED or locked.error_count:
            raise ServiceError(
                f"该批次有 {locked.error_count} 处问题，不能导入；请修改文件后重新上传", field="batch"
            )
        locked.state = BatchState.COMMITTING
        locked.committed_by = actor
        locked.message = ""
        locked.save(update_fields=["state", "committed_by", "message"])
        audit_record(
            actor=actor, action="import.commit_request", target=locked, after={"rows": locked.rows_valid}
        )
        transaction.on_commit(lambda: _enqueue("commit", locked.pk))
    return locked


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("refused")
        self.problems = problems


def import_batch_commit(*, batch_id: int) -> ImportBatch | None:
    """导入 (background) — the file is checked again against today's projects, then every row is saved in one
    transaction: all of them or, on any problem or failure, none. Run twice, it imports once."""
    batch = ImportBatch.objects.select_related("jurisdiction", "committed_by").filter(pk=batch_id).first()
    if batch is None or batch.state != BatchState.COMMITTING:
        return batch
    actor = batch.committed_by
    checked = checking.batch_check(batch, progress=False)
    try:
        if checked.problems:
            raise _Refused(checked.problems)
        with transaction.atomic():
            locked = _lock(batch_id)
            if locked.state != BatchState.COMMITTING:
                return locked
            conflicts = checking.conflicts_now(locked.jurisdiction, checked.rows)
            if conflicts:
                raise _Refused(conflicts)
            project_ids = _projects_create(locked, checked.rows, actor)
            dashboard_summary_rebuild(project_ids=project_ids)  # 统计分析汇总: the rows are written in bulk
            locked.state = BatchState.COMMITTED
            locked.committed_at = clock.now()
            locked.projects_created = len(project_ids)
            locked.follow_up_done = 0
            locked.save(update_fields=["state", "committed_at", "projects_created", "follow_up_done"])
            audit_record(
                actor=actor,
                action="import.commit",
                target=locked,
                after={
                    "jurisdiction": locked.jurisdiction.name,
                    "projects": len(project_ids),
                    "project_ids": project_ids,
                },
            )
            transaction.on_commit(lambda: _enqueue("follow_up", batch_id))
        return locked
    except _Refused as refused:
        return _commit_refused(batch_id, actor, checking.Checked(problems=refused.problems).sorted_problems)
    except Exception as error:
        # nothing was saved: the batch may be committed again once the cause is gone
        reason = (
            "与同时保存的数据冲突（如立项文号已被使用）" if isinstance(error, IntegrityError) else "系统错误"
        )
        ImportBatch.objects.filter(pk=batch_id, state=BatchState.COMMITTING).update(
            state=BatchState.READY, message=f"导入未完成（{reason}），未保存任何项目，可再次导入"
        )
        audit_record(
            actor=actor,
            action="import.commit",
            target=batch,
            after={"error": reason},
            outcome=Outcome.FAILURE,
        )
        if isinstance(error, IntegrityError):
            log.warning("import batch %s: %s", batch_id, error)
            return ImportBatch.objects.get(pk=batch_id)
        raise


def _commit_refused(batch_id: int, actor: Any, problems: list[dict[str, Any]]) -> ImportBatch:
    """The recheck before saving found problems (e.g. the same projects were entered meanwhile)."""
    with transaction.atomic():
        locked = _lock(batch_id)
        locked.state = BatchState.FAILED
        locked.errors = problems
        locked.error_count = len(problems)
        locked.rows_valid = max(0, locked.rows_total - len({p["row"] for p in problems if p["row"]}))
        locked.message = f"导入前复核发现 {len(problems)} 处问题，未导入任何项目"
        locked.save(update_fields=["state", "errors", "error_count", "rows_valid", "message"])
        audit_record(
            actor=actor,
            action="import.commit",
            target=locked,
            after={"problems": len(problems)},
            outcome=Outcome.FAILURE,
        )
    return locked


def _approval_stage(pack_code: str) -> tuple[str, str]:
    """The pack's 立项 stage and the body that decides there (as a 立项 recorded in the workflow has)."""
    try:
        pack = load_pack(pack_code).pack if pack_code else None
    except PackError:
        pack = None
    stage = next((s for s in pack.route if s.grants_approval), None) if pack else None
    if stage is None:
        return "IMPORTED", "历史立项（导入）"
    return stage.id, ("、".join(stage.actors) or stage.name)[:120]


def _declared_at(day: dt.date | None, now: dt.datetime) -> dt.datetime:
    if day is None:
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _projects_create(batch: ImportBatch, rows: list[ParsedRow], actor: Any) -> list[int]:
    """Save every row as a project of its unit — with its state, its transition marked 导入 and, after 立项,
    its approval record — in bulk: the transaction holds the audit chain and, on SQLite, the only write
    lock, so it stays short even for the largest file."""
    jurisdiction = batch.jurisdiction
    pack_code = jurisdiction_pack_code(jurisdiction)
    try:
        pack_version = load_pack(pack_code).pack.meta.version if pack_code else ""
    except PackError:
        pack_version = ""
    stage_id, default_body = _approval_stage(pack_code)
    now = clock.now()
    projects = [
        Project(
            jurisdiction=jurisdiction,
            lead_unit_id=row.unit_id,
            created_by=actor,
            pack_code=pack_code,
            pack_version=str(pack_version),
            status=row.status,
            submitted_at=_declared_at(row.declared_on, now),
            **row.fields,
        )
        for row in rows
    ]
    Project.objects.bulk_create(projects, batch_size=500)
    co_units = Project.co_units.through
    co_units.objects.bulk_create(
        [
            co_units(project_id=project.pk, organisation_id=unit_id)
            for project, row in zip(projects, rows, strict=True)
            for unit_id in row.co_unit_ids
        ],
        batch_size=1000,
    )
    ProjectTransition.objects.bulk_create(
        [
            ProjectTransition(
                project=project,
                from_status="",
                to_status=row.status,
                actor=actor,
                reason=f"导入：{batch.original_name[:100]}（导入批次 #{batch.pk}）第{row.number}行",
                pack_version=project.pack_version,
                created_at=now,
            )
            for project, row in zip(projects, rows, strict=True)
        ],
        batch_size=1000,
    )
    ProjectApproval.objects.bulk_create(
        [
            ProjectApproval(
                project=project,
                approval_number=row.approval["approval_number"],
                approved_budget_yuan=row.approval["approved_budget_yuan"],
                approved_on=row.approval["approved_on"],
                decided_by_body=(row.approval["decided_by_body"] or default_body)[:120],
                stage_id=stage_id,
                recorded_by=actor,
                recorded_at=now,
            )
            for project, row in zip(projects, rows, strict=True)
            if row.approval
        ],
        batch_size=1000,
    )
    ImportedProject.objects.bulk_create(
        [
            ImportedProject(batch=batch, project=project, row=row.number)
            for project, row in zip(projects, rows, strict=True)
        ],
        batch_size=1000,
    )
    return [int(p.pk) for p in projects]


# ------------------------------------------------------------------ after the commit


def import_batch_follow_up(*, batch_id: int) -> int:
    """导入后续 (background) — each imported project in turn, in its own transaction: its audit event 导入
    (on which its obligations are computed, as for any project), and its place in the 查重 index so later
    declarations are compared with it. Resumes where it stopped; returns how many it did."""
    batch = ImportBatch.objects.select_related("committed_by").filter(pk=batch_id).first()
    if batch is None or batch.state != BatchState.COMMITTED:
        return 0
    pending = (
        ImportedProject.objects.filter(batch=batch, followed_up=False)
        .select_related("project__lead_unit", "project__jurisdiction")
        .order_by("row")
    )
    done = 0
    for link in pending.iterator(chunk_size=200):
        project = link.project
        with transaction.atomic():
            if not ImportedProject.objects.select_for_update().filter(pk=link.pk, followed_up=False).exists():
                continue
            audit_record(
                actor=batch.committed_by,
                action="project.import",
                target=project,
                after={
                    "batch": batch.pk,
                    "row": link.row,
                    "status": project.status,
                    "lead_unit": project.lead_unit.name,
                    "year": project.year,
                    "total_yuan": project.total_yuan,
                },
            )
            # a declaration in review is queued for 查重 by its audit event; the others are indexed here
            if project.status not in DECLARED:
                document_index(project=project)
            ImportedProject.objects.filter(pk=link.pk).update(followed_up=True)
            ImportBatch.objects.filter(pk=batch.pk).update(follow_up_done=F("follow_up_done") + 1)
        done += 1
    return done
