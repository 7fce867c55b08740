"""Reading import batches and what their checks need from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from govit.accounts.choices import OrganisationKind
from govit.accounts.models import Jurisdiction, Organisation
from govit.accounts.selectors import user_scope
from govit.audit.models import AuditEvent
from govit.core import clock
from govit.core.errors import NotFoundError
from govit.imports.choices import BatchState
from govit.imports.models import ImportBatch, ImportedProject
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval

_CHUNK = 500


def importable_jurisdictions(user: Any) -> list[Jurisdiction]:
    """The jurisdictions whose competent bureau ``user`` is a 审核人 of: the only ones they may import into."""
    scope = user_scope(user)
    if not scope.reviewer_org_ids:
        return []
    return list(
        Jurisdiction.objects.filter(
            organisations__pk__in=scope.reviewer_org_ids, organisations__is_active=True
        )
        .distinct()
        .order_by("code")
    )


def batches_in(jurisdictions: Iterable[Jurisdiction]) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(jurisdiction__in=list(jurisdictions))
        .select_related("jurisdiction", "uploaded_by", "committed_by")
        .defer("errors", "preview")
    )


def batch_get_for_user(*, user: Any, batch_id: int) -> ImportBatch:
    """The batch if ``user`` may import into its jurisdiction; otherwise 404 (another bureau's imports do
    not exist for them)."""
    ids = [j.pk for j in importable_jurisdictions(user)]
    batch = (
        ImportBatch.objects.filter(pk=batch_id, jurisdiction_id__in=ids)
        .select_related("jurisdiction", "uploaded_by", "committed_by")
        .first()
    )
    if batch is None:
        raise NotFoundError("导入批次不存在或无权查看")
    return batch


def batch_projects(batch: ImportBatch, limit: int = 200) -> list[ImportedProject]:
    return list(
        ImportedProject.objects.filter(batch=batch)
        .select_related("project__lead_unit")
        .order_by("row")[:limit]
    )


def construction_units(jurisdiction: Jurisdiction) -> dict[str, int]:
    """{name: id} of the jurisdiction's active units that may lead or join a project."""
    return dict(
        Organisation.objects.filter(jurisdiction=jurisdiction, is_active=True)
        .exclude(kind=OrganisationKind.EXPERT_POOL)
        .values_list("name", "id")
    )


def existing_keys(jurisdiction: Jurisdiction) -> set[tuple[int, int, str]]:
    """(unit, year, name) of every project the jurisdiction already has, in any state."""
    return {
        (int(unit), int(year), str(name))
        for unit, year, name in Project.objects.filter(jurisdiction=jurisdiction).values_list(
            "lead_unit_id", "year", "name"
        )
    }


def approval_numbers_taken(numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` a 立项 record already carries (文号 are unique across the system)."""
    wanted = sorted(set(numbers))
    taken: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        taken.update(
            ProjectApproval.objects.filter(approval_number__in=wanted[start : start + _CHUNK]).values_list(
                "approval_number", flat=True
            )
        )
    return taken


# A commit running longer than this is taken to have stopped (its worker ended; the database rolled the commit
# back), and the bureau may start it again. The commit itself imports once however often it is started.
COMMIT_STALE_AFTER = dt.timedelta(minutes=10)


def batch_commit_stalled(batch: ImportBatch) -> bool:
    """Whether a batch marked 导入中 has been so for longer than ``COMMIT_STALE_AFTER`` since it was last asked
    to commit."""
    if batch.state != BatchState.COMMITTING:
        return False
    asked = (
        AuditEvent.objects.filter(
            action__in=["import.commit_request", "import.commit_retry"],
            target_type=ImportBatch._meta.label,
            target_id=str(batch.pk),
        )
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    return asked is None or clock.now() - asked > COMMIT_STALE_AFTER
