"""The commit: all rows or none, checked again against what was entered meanwhile; imported projects then live
like any other — visible to their unit and bureau, in the annual plan, with obligations and a 查重 index."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError
from openpyxl import load_workbook

from govit.audit.models import AuditEvent
from govit.core.errors import PermissionDeniedError
from govit.imports.models import ImportedProject
from govit.imports.rows import problem_text
from govit.imports.services import import_batch_commit, import_batch_commit_request, import_batch_follow_up
from govit.imports.tests.conftest import good_row
from govit.obligations.models import Obligation
from govit.projects.models import Project, ProjectTransition
from govit.projects.services import project_create
from govit.similarity.models import IndexedDocument
from govit.workflow.models import ProjectApproval

HYPERLINK = '=HYPERLINK("http://x","点击")'
DECLARED = {"项目状态": "已申报", "立项文号": None, "批复投资（万元）": None, "批复日期": None}


def _nothing_saved() -> None:
    assert not Project.objects.exists()
    assert not ProjectTransition.objects.exists()
    assert not ProjectApproval.objects.exists()
    assert not ImportedProject.objects.exists()


def test_a_failure_in_the_middle_of_the_commit_leaves_nothing(world, checked_batch, monkeypatch):
    batch = checked_batch([good_row(n) for n in range(2, 42)])
    import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)

    def refuse(*args, **kwargs):  # the projects are in, their approvals collide with a concurrent 立项
        raise IntegrityError("UNIQUE constraint failed: workflow_projectapproval.approval_number")

    monkeypatch.setattr(ProjectApproval.objects, "bulk_create", refuse)
    failed = import_batch_commit(batch_id=batch.pk)

    _nothing_saved()
    assert failed.state == "ready"
    assert (
        failed.message
        == "导入未完成（与同时保存的数据冲突（如立项文号已被使用）），未保存任何项目，可再次导入"
    )
    assert AuditEvent.objects.get(action="import.commit").outcome == "failure"

    monkeypatch.undo()  # the cause gone, the same batch imports in full
    import_batch_commit_request(actor=world["users"]["reviewer"], batch=failed)
    done = import_batch_commit(batch_id=batch.pk)
    assert done.state == "committed" and Project.objects.count() == 40 == ProjectApproval.objects.count()


def test_an_unexpected_error_is_raised_and_still_leaves_nothing(world, checked_batch, monkeypatch):
    batch = checked_batch([good_row(n) for n in range(2, 12)])
    import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
    monkeypatch.setattr(ImportedProject.objects, "bulk_create", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        import_batch_commit(batch_id=batch.pk)
    _nothing_saved()
    batch.refresh_from_db()
    assert batch.state == "ready" and "系统错误" in batch.message


def test_projects_entered_since_the_check_stop_the_commit(world, checked_batch):
    batch = checked_batch([good_row(2), good_row(3)])
    import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
    project_create(  # the unit declares the same project meanwhile
        actor=world["users"]["clerk"],
        lead_unit=world["orgs"]["education"],
        fields={
            "name": "存量信息化项目00002",
            "year": 2024,
            "nature": "NEW",
            "procurement_category": "SERVICE",
        },
    )
    refused = import_batch_commit(batch_id=batch.pk)
    assert refused.state == "failed"
    assert [problem_text(p) for p in refused.errors] == [
        "第2行 项目名称：舒城县教育局已有2024年度的同名项目，不能重复导入"
    ]
    assert refused.message == "导入前复核发现 1 处问题，未导入任何项目"
    assert Project.objects.count() == 1 and not ImportedProject.objects.exists()


def test_a_hyperlink_formula_is_stored_and_exported_as_text(world, committed_batch, login):
    committed_batch([good_row(2, 项目名称=HYPERLINK)])
    assert Project.objects.get().name == HYPERLINK

    client = login(world["users"]["reviewer"])
    response = client.get(
        "/plans/export/", {"jurisdiction": world["jurisdictions"]["shucheng"].pk, "year": 2024}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["年度项目计划"]
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == HYPERLINK]
    assert cell.data_type == "s"  # a string, not a formula ("f")
    assert cell.column_letter == "C" and sheet.cell(row=cell.row, column=2).value == "舒城县教育局"


def test_imported_projects_are_seen_by_their_unit_and_bureau_only(world, committed_batch, login):
    committed_batch([good_row(2), good_row(3, **DECLARED)])
    approved = Project.objects.get(name="存量信息化项目00002")
    declared = Project.objects.get(name="存量信息化项目00003")
    assert declared.status == "submitted" and not ProjectApproval.objects.filter(project=declared).exists()
    assert login(world["users"]["clerk"]).get(f"/projects/{approved.pk}/").status_code == 200
    assert login(world["users"]["reviewer"]).get(f"/projects/{declared.pk}/").status_code == 200
    assert login(world["users"]["health_clerk"]).get(f"/projects/{approved.pk}/").status_code == 404
    page = login(world["users"]["health_clerk"]).get(f"/projects/{declared.pk}/")
    assert page.status_code == 200 and "导入：" in page.content.decode()


def test_after_the_commit_each_project_gets_its_audit_event_obligations_and_index(
    world, committed_batch, settings, django_capture_on_commit_callbacks
):
    batch = committed_batch([good_row(2), good_row(3, **DECLARED)])
    approved = Project.objects.get(name="存量信息化项目00002")
    declared = Project.objects.get(name="存量信息化项目00003")
    assert not Obligation.objects.exists() and not AuditEvent.objects.filter(action="project.import").exists()

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # the 查重 the declared project's audit event queues runs after the follow-up commits
    with django_capture_on_commit_callbacks(execute=True):
        assert import_batch_follow_up(batch_id=batch.pk) == 2
    assert import_batch_follow_up(batch_id=batch.pk) == 0  # done once
    batch.refresh_from_db()
    assert batch.follow_up_done == 2 and not batch.follow_up_pending
    events = {e.target_id: e for e in AuditEvent.objects.filter(action="project.import")}
    assert set(events) == {str(approved.pk), str(declared.pk)}
    assert events[str(approved.pk)].after == {
        "batch": batch.pk,
        "row": 2,
        "status": "approved",
        "lead_unit": "舒城县教育局",
        "year": 2024,
        "total_yuan": 1_000_000,
    }
    assert events[str(approved.pk)].actor == world["users"]["reviewer"]
    # obligations as for any project: the approved one's deadlines run from its 立项 date
    assert Obligation.objects.filter(project=approved).exists()
    assert Obligation.objects.filter(project=declared).exists()
    # both are in the 查重 index, so later declarations are compared with them
    assert IndexedDocument.objects.filter(project__in=[approved, declared]).count() == 2


def test_only_the_bureaus_reviewer_commits(world, checked_batch):
    batch = checked_batch([good_row(2)])
    for who in ("finance", "clerk", "outsider_reviewer"):
        with pytest.raises(PermissionDeniedError, match="只有舒城县主管部门的审核人可以导入本行政区划的项目"):
            import_batch_commit_request(actor=world["users"][who], batch=batch)
    assert AuditEvent.objects.filter(action="import.commit_denied", outcome="denied").count() == 3
    batch.refresh_from_db()
    assert batch.state == "ready" and batch.committed_by is None


@pytest.mark.parametrize(
    ("minutes", "restarted"), [(9, False), (10, False), (11, True)], ids=["9 min", "10 min", "11 min"]
)
def test_a_commit_whose_worker_stopped_can_be_started_again(world, checked_batch, login, minutes, restarted):
    """The worker died during 导入中 (the database rolled the commit back): after 10 minutes the batch page
    offers 重新开始导入, which queues the commit again (audited); before that a second request is refused.
    However often started, the batch imports once."""
    import datetime as dt

    from govit.core import clock
    from govit.core.errors import ConflictError

    reviewer = world["users"]["reviewer"]
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        batch = checked_batch([good_row(n) for n in range(2, 7)])
        import_batch_commit_request(actor=reviewer, batch=batch)  # … and its worker never runs it
    with clock.frozen_at(start + dt.timedelta(minutes=minutes)):
        batch.refresh_from_db()
        page = login(reviewer).get(f"/imports/{batch.pk}/").content.decode()
        assert ('id="retry-button"' in page) is restarted
        if not restarted:
            with pytest.raises(ConflictError, match="正在导入"):
                import_batch_commit_request(actor=reviewer, batch=batch)
            return
        import_batch_commit_request(actor=reviewer, batch=batch)
        assert AuditEvent.objects.filter(action="import.commit_retry").count() == 1
        done = import_batch_commit(batch_id=batch.pk)
        again = import_batch_commit(batch_id=batch.pk)  # the first worker's task, arriving late
    assert done.state == again.state == "committed"
    assert Project.objects.count() == 5
