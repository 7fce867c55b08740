"""Which documents a project offers to print, and the record each one is printed from.

A pack form is printed when the project's pack has it and ``catalogue.PACK_FORMS`` lays it out; a filing
form once a filing was made with it; the 竣工验收申请函 once an application exists; the expert sign-in sheet
and score summary once a panel is drawn, for the bureau's reviewers who manage draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govit.acceptance.models import AcceptanceApplication
from govit.core.errors import NotFoundError
from govit.delivery.models import Filing
from govit.experts.choices import DrawStatus
from govit.experts.models import ExpertDraw
from govit.experts.permissions import can_manage_draws
from govit.policies.engine import PackError, load_pack
from govit.policies.engine.schema import Form, Pack
from govit.printouts.catalogue import (
    FORMAT_LABELS,
    PACK_FORMS,
    PURPOSE_FORMS,
    RECORD_DOCUMENTS,
    Layout,
)
from govit.printouts.formatting import date_text
from govit.projects.models import Project

FILING_PARAM = "filing"
APPLICATION_PARAM = "application"
DRAW_PARAM = "draw"
EXPERT_DOCUMENTS = frozenset({"expert-signin", "expert-scores"})


@dataclass(frozen=True)
class PrintoutRecord:
    """One record a document may be printed from (a filing, an application, a draw)."""

    pk: int
    label: str


@dataclass(frozen=True)
class Printout:
    """一份文书 — what the 打印文书 page lists and the download endpoint serves."""

    id: str  # the URL id: a pack form id, or a key of RECORD_DOCUMENTS
    title: str
    layout: Layout
    cite: str = ""
    form: Form | None = None
    param: str = ""  # the query parameter naming the record, when printed from one
    records: tuple[PrintoutRecord, ...] = field(default_factory=tuple)

    @property
    def formats(self) -> list[tuple[str, str]]:
        return [(fmt, FORMAT_LABELS[fmt]) for fmt in self.layout.formats]


def project_pack(project: Project) -> Pack | None:
    if not project.pack_code:
        return None
    try:
        return load_pack(project.pack_code).pack
    except PackError:
        return None


def _filings(project: Project, form_id: str) -> tuple[PrintoutRecord, ...]:
    return tuple(
        PrintoutRecord(f.pk, f"{f.title}（{date_text(f.filed_on)}备案）")
        for f in Filing.objects.filter(project=project, form_id=form_id).order_by("-filed_on", "-id")
    )


def _applications(project: Project) -> tuple[PrintoutRecord, ...]:
    return tuple(
        PrintoutRecord(
            a.pk,
            f"{a.get_status_display()}" + (f"（{date_text(a.applied_on)}申请）" if a.applied_on else ""),
        )
        for a in AcceptanceApplication.objects.filter(project=project).order_by("-created_at", "-id")
    )


def _draws(project: Project) -> tuple[PrintoutRecord, ...]:
    return tuple(
        PrintoutRecord(d.pk, f"{d.stage_name or d.stage_id}（第 {d.round} 轮，{date_text(d.drawn_on)}抽取）")
        for d in ExpertDraw.objects.filter(project=project, status=DrawStatus.ACTIVE).order_by(
            "-created_at", "-id"
        )
    )


def may_print_expert_documents(user: Any, project: Project) -> bool:
    """The sign-in sheet and the score summary name the panel: the reviewers who manage draws only."""
    return can_manage_draws(user, project)


def printouts_for(project: Project, user: Any) -> list[Printout]:
    """Every document the project offers ``user`` now, in the pack's order, then the record documents."""
    found: list[Printout] = []
    pack = project_pack(project)
    if pack is not None:
        for form in pack.forms:
            layout = PACK_FORMS.get((pack.meta.code, form.id))
            if layout is not None:
                found.append(
                    Printout(form.id, layout.title or form.name, layout, form.cite.article, form=form)
                )
                continue
            purpose = PURPOSE_FORMS.get(form.purpose or "")
            if purpose is not None:
                records = _filings(project, form.id)
                if records:
                    found.append(
                        Printout(form.id, form.name, purpose, form.cite.article, form, FILING_PARAM, records)
                    )
    applications = _applications(project)
    if applications:
        layout = RECORD_DOCUMENTS["acceptance-letter"]
        found.append(
            Printout("acceptance-letter", layout.title, layout, param=APPLICATION_PARAM, records=applications)
        )
    if may_print_expert_documents(user, project):
        draws = _draws(project)
        if draws:
            for key in sorted(EXPERT_DOCUMENTS, reverse=True):  # the sign-in sheet first
                layout = RECORD_DOCUMENTS[key]
                found.append(Printout(key, layout.title, layout, param=DRAW_PARAM, records=draws))
    return found


def _elsewhere(printout_id: str) -> str:
    """Where a document the project does not offer belongs, for the 404 message."""
    for (code, form_id), layout in PACK_FORMS.items():
        if form_id != printout_id:
            continue
        try:
            other = load_pack(code).pack
        except PackError:
            continue
        form = next((f for f in other.forms if f.id == form_id), None)
        name = layout.title or (form.name if form is not None else form_id)
        return f"《{name}》是{other.meta.jurisdiction}政策包（{other.meta.source.title}）的文书"
    return f"没有编号为“{printout_id}”的文书"


def printout_find(*, project: Project, user: Any, printout_id: str) -> Printout:
    """The document ``printout_id`` as the project offers it to ``user``; NotFoundError (404) with the reason
    in Chinese otherwise."""
    for printout in printouts_for(project, user):
        if printout.id == printout_id:
            return printout
    pack = project_pack(project)
    own = f"本项目适用{pack.meta.jurisdiction}政策包" if pack is not None else "本项目未适用政策包"
    if printout_id in EXPERT_DOCUMENTS:
        if not may_print_expert_documents(user, project):
            raise NotFoundError("专家评审签到表和评分汇总表只由本级主管部门审核人打印")
        raise NotFoundError("本项目尚未抽取评审专家（或抽取已作废），没有可打印的专家评审文书")
    if printout_id == "acceptance-letter":
        raise NotFoundError("本项目尚未填报竣工验收申请，没有可打印的竣工验收申请函")
    form = next((f for f in pack.forms if f.id == printout_id), None) if pack is not None else None
    if form is not None and form.purpose in PURPOSE_FORMS:
        raise NotFoundError(f"本项目尚无按《{form.name}》登记的备案，没有可打印的备案表")
    if form is not None:
        raise NotFoundError(f"《{form.name}》不提供打印文书")
    raise NotFoundError(f"{_elsewhere(printout_id)}，不适用于本项目（{own}）")


def printout_record(printout: Printout, record_id: int | None) -> int | None:
    """The id of the record to print: the one asked for (it must be one the document lists), else the
    newest; None for a document not printed from a record."""
    if not printout.param:
        return None
    if record_id is None:
        return printout.records[0].pk
    if any(r.pk == record_id for r in printout.records):
        return record_id
    raise NotFoundError(f"本项目没有编号为 {record_id} 的{_RECORD_NAMES[printout.param]}")


_RECORD_NAMES = {FILING_PARAM: "备案记录", APPLICATION_PARAM: "竣工验收申请", DRAW_PARAM: "有效专家抽取"}
