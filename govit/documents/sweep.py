"""清理孤立文件 — removes uploaded files that no material (``Attachment``) refers to.

An upload writes its file before the row that refers to it commits (the file must be checked, hashed and
stored first). When the process is killed between the two — a crash, an OOM kill, a power cut — the row
never exists and the file is left behind: an orphan that takes space and that no one can download or audit.
The upload's own clean-up (``except: delete``) cannot run when the process is gone, so this sweep does it
later: every file under ``projects/`` of the storage that no attachment row names and that is older than
``older_than`` is deleted. The age keeps the files of uploads still in flight (written, not yet committed).

The sweep never touches a file a row refers to, and never deletes a row: a row whose file is missing is
reported (``missing``) for the operator to restore from backup."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.storage import Storage, default_storage

from govit.audit.services import audit_record
from govit.core import clock
from govit.documents.models import Attachment

UPLOAD_ROOT = "projects"
DEFAULT_MIN_AGE = dt.timedelta(hours=24)


@dataclass
class SweepResult:
    """What one sweep saw and did (names are storage names, e.g. ``projects/7/3f….pdf``)."""

    scanned: int = 0
    referenced: int = 0
    removed: list[str] = field(default_factory=list)
    kept_young: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _walk(storage: Storage, path: str) -> list[str]:
    """Every file name below ``path`` (storage names with ``/``); nothing when ``path`` does not exist."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" for name in files]
    for directory in directories:
        names.extend(_walk(storage, f"{path}/{directory}"))
    return names


def attachment_files_sweep(
    *, older_than: dt.timedelta = DEFAULT_MIN_AGE, dry_run: bool = False, storage: Storage | None = None
) -> SweepResult:
    """Delete the orphan upload files last modified more than ``older_than`` ago; report rows without a file.

    ``dry_run`` lists what would be removed and removes nothing. A sweep that removed files writes one
    ``document.sweep`` audit event naming them."""
    if older_than < dt.timedelta(0):
        raise ValueError("older_than must not be negative")
    storage = storage if storage is not None else default_storage
    referenced = set(Attachment.objects.values_list("file", flat=True))
    result = SweepResult(referenced=len(referenced))
    cutoff = clock.now() - older_than
    for name in sorted(_walk(storage, UPLOAD_ROOT)):
        result.scanned += 1
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
        except FileNotFoundError:  # removed meanwhile (a rolled-back upload cleaning up after itself)
            continue
        if modified > cutoff:
            result.kept_young.append(name)
            continue
        if not dry_run:
            storage.delete(name)
        result.removed.append(name)
    result.missing = sorted(name for name in referenced if name and not storage.exists(name))
    if result.removed and not dry_run:
        audit_record(
            actor=None,
            action="document.sweep",
            actor_name="系统（孤立文件清理）",
            after={
                "removed": result.removed[:1000],
                "removed_count": len(result.removed),
                "older_than_hours": older_than.total_seconds() / 3600,
            },
        )
    return result
