"""A bureau's ledger of 1,000 existing projects: three bad rows stop the whole file with each problem named
by row and column; fixed, the file imports all 1,000 in one commit — and only once."""

from __future__ import annotations

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import ConflictError, ServiceError
from govit.imports.models import ImportedProject
from govit.imports.rows import problem_text
from govit.imports.services import import_batch_commit, import_batch_commit_request
from govit.imports.tests.conftest import good_row
from govit.projects.models import Project, ProjectTransition
from govit.workflow.models import ProjectApproval

BAD = {
    101: {"建设单位": "舒城县不存在局"},
    502: {"建设性质": "新造"},
    903: {"软件开发费（万元）": -5},
}


def ledger(*, broken: bool) -> list[dict]:
    rows = []
    for number in range(2, 1002):  # spreadsheet rows 2 … 1001
        row = good_row(number)
        if broken and number in BAD:
            row.update(BAD[number])
        rows.append(row)
    return rows


def test_three_bad_rows_are_each_reported_by_row_and_column_and_nothing_is_saved(world, checked_batch):
    batch = checked_batch(ledger(broken=True))

    assert batch.state == "failed"
    assert (batch.rows_total, batch.rows_valid, batch.error_count) == (1000, 997, 3)
    assert [problem_text(p) for p in batch.errors] == [
        "第101行 建设单位：舒城县没有名为“舒城县不存在局”的单位",
        "第502行 建设性质：“新造”不是有效的选项，可选：新建、续建、改建、扩建、迁移、升级、运维、购买服务",
        "第903行 软件开发费（万元）：金额不能为负数",
    ]
    with pytest.raises(ServiceError, match="有 3 处问题，不能导入"):
        import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
    assert not Project.objects.exists()
    assert not ImportedProject.objects.exists()
    event = AuditEvent.objects.get(action="import.parse")
    assert event.outcome == "failure" and event.after == {"state": "failed", "rows": 1000, "problems": 3}


def test_the_fixed_file_imports_all_1000_in_one_commit_and_only_once(world, committed_batch):
    before = AuditEvent.objects.count()
    batch = committed_batch(ledger(broken=False))

    assert batch.state == "committed" and batch.projects_created == 1000
    assert (
        Project.objects.filter(jurisdiction=world["jurisdictions"]["shucheng"], status="approved").count()
        == 1000
    )
    assert ProjectApproval.objects.count() == 1000
    first = Project.objects.get(name="存量信息化项目00002")
    assert first.lead_unit == world["orgs"]["education"] and first.total_yuan == 1_000_000
    assert first.fund_fiscal == 1_000_000 and first.approval.approved_budget_yuan == 955_000
    assert first.approval.approval_number == "舒数管〔2024〕2号"
    assert first.imported_from.row == 2 and first.imported_from.batch == batch
    [transition] = ProjectTransition.objects.filter(project=first)
    assert transition.reason.startswith("导入：") and "第2行" in transition.reason
    assert (transition.from_status, transition.to_status) == ("", "approved")
    # one commit: a single audit event names every project imported
    [commit] = AuditEvent.objects.filter(action="import.commit", seq__gt=before)
    assert commit.after["projects"] == 1000 and len(commit.after["project_ids"]) == 1000

    # a second click, or the task run again, imports nothing twice
    with pytest.raises(ConflictError, match="已导入 1000 个项目，不会重复导入"):
        import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
    again = import_batch_commit(batch_id=batch.pk)
    assert again.state == "committed" and Project.objects.count() == 1000
    assert AuditEvent.objects.filter(action="import.commit").count() == 1
