"""Producing a document for download. Generating it changes nothing; handing it out is recorded: every
download is one audit event (who, which document, which record, which format), and a refused one too."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from govit.audit.choices import Outcome
from govit.audit.services import audit_record
from govit.core.errors import NotFoundError
from govit.printouts import selectors
from govit.printouts.catalogue import CONTENT_TYPES, FORMAT_LABELS
from govit.printouts.contents import printout_contents
from govit.printouts.render import printout_file
from govit.projects.models import Project

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes
    content_type: str


def _filename(project: Project, title: str, fmt: str) -> str:
    name = _UNSAFE_IN_NAME.sub("_", f"{project.name}-{title}").strip(" ._") or "文书"
    return f"{name[:120]}.{fmt}"


def printout_download(
    *,
    actor: Any,
    project: Project,
    printout_id: str,
    fmt: str,
    records: Mapping[str, int] | None = None,
) -> Download:
    """The document ``printout_id`` of ``project`` as a .docx, .pdf or .xlsx file, filled from the database.

    ``project`` is one ``actor`` may see (the caller fetched it with ``project_get_for_user``). A document
    the project's pack does not have, a format the document is not made in, or a record of another project
    is a NotFoundError. ``records`` names the record to print from ({"filing" | "application" | "draw": id},
    the newest when absent). The expert documents refused to someone who does not manage the project's draws
    are audited as denied."""
    fmt = (fmt or "").lower()
    if printout_id in selectors.EXPERT_DOCUMENTS and not selectors.may_print_expert_documents(actor, project):
        audit_record(
            actor=actor,
            action="printout.download_denied",
            target=project,
            after={"document": printout_id, "format": fmt},
            outcome=Outcome.DENIED,
        )
    printout = selectors.printout_find(project=project, user=actor, printout_id=printout_id)
    if fmt not in printout.layout.formats:
        offered = "、".join(f".{f}（{FORMAT_LABELS[f]}）" for f in printout.layout.formats)
        raise NotFoundError(f"《{printout.title}》不提供 .{fmt} 格式，可下载：{offered}")
    record = selectors.printout_record(printout, (records or {}).get(printout.param))
    content = printout_file(printout.layout, fmt, printout_contents(project, printout, record))
    filename = _filename(project, printout.title, fmt)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="printout.download",
            target=project,
            after={
                "document": printout.id,
                "title": printout.title,
                "format": fmt,
                "record": {printout.param: record} if printout.param else {},
                "filename": filename,
                "bytes": len(content),
            },
        )
    return Download(filename=filename, content=content, content_type=CONTENT_TYPES[fmt])
