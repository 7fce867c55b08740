"""What each document says: the values of the project and its records, as text ready for paper.

Every builder returns the context its templates read (docs/printouts.md lists the names). Amounts are in
万元 with two to four decimals; dates as 2026年7月20日; experts' phone and ID numbers only masked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from govit.acceptance.models import AcceptanceApplication, TrialRun
from govit.acceptance.selectors import EvidenceItem, evidence_items
from govit.accounts.choices import OrganisationKind
from govit.accounts.models import Organisation
from govit.core import clock
from govit.delivery.models import Filing
from govit.delivery.selectors import main_contract
from govit.experts.masking import mask_id, mask_phone
from govit.experts.models import ExpertDraw, PanelConclusion
from govit.experts.packrules import scoring_table_for
from govit.experts.selectors import panel_aggregate, panel_members
from govit.policies.engine.schema import Form, Pack
from govit.printouts.catalogue import OUTLINE_FILLS, OUTLINE_TO_WRITE
from govit.printouts.formatting import (
    clean_text,
    date_text,
    field_text,
    month_range_text,
    yuan_as_wan,
)
from govit.printouts.selectors import Printout, project_pack
from govit.projects.choices import COST_HEADS, EARMARKS, FundingSource
from govit.projects.facts import FUNDING_FACTS
from govit.projects.models import Project
from govit.projects.packforms import bind, plan_months
from govit.workflow.models import ProjectApproval

_FUNDING_FIELDS = {f"funding.{fact}": source for source, fact in FUNDING_FACTS.items()}
_MONEY = frozenset({"money_wan", "money_yuan"})
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (headings of an outline)."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


def _fact_yuan(project: Project, fact: str | None) -> int | None:
    """An amount the project itself holds for a form field mapped to ``fact``, in 元 (exact)."""
    if fact == "amounts.total":
        return project.total_yuan
    if fact == "amounts.total_excl_om":
        return project.total_yuan - project.cost_om
    source = _FUNDING_FIELDS.get(fact or "")
    return int(getattr(project, source)) if source else None


def bureau_name(project: Project, pack: Pack | None = None) -> str:
    """The competent bureau (主管部门) of the project's jurisdiction."""
    bureau = (
        Organisation.objects.filter(
            jurisdiction_id=project.jurisdiction_id, kind=OrganisationKind.COMPETENT_BUREAU, is_active=True
        )
        .order_by("id")
        .first()
    )
    if bureau is not None:
        return bureau.name
    return pack.meta.labels.get("competent_bureau", "") if pack is not None else ""


def _common(project: Project, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "project_name": clean_text(project.name),
        "unit": clean_text(project.lead_unit.name),
        "printed_on": date_text(clock.today()),
    }


# ------------------------------------------------------------------ 申报表 / 审查表


def form_values(project: Project, form: Form) -> dict[str, str]:
    """{field key: printed value} of a declaration form: what the project holds (amounts exact to the yuan),
    else what the unit filled in on the form."""
    values: dict[str, str] = {}
    for bound in bind(project, form).fields:
        spec = bound.spec
        yuan = _fact_yuan(project, spec.fact) if spec.type in _MONEY else None
        if yuan is not None:
            values[spec.key] = yuan_as_wan(yuan)
        elif bound.from_project:
            values[spec.key] = clean_text(bound.value)
        else:
            values[spec.key] = field_text(spec, bound.value)
    return values


def declaration_contents(project: Project, printout: Printout, _record: int | None) -> dict[str, Any]:
    form = printout.form
    assert form is not None
    values = form_values(project, form)
    money = [spec.key for spec in form.fields if spec.type in _MONEY]
    return {
        **_common(project, form.name),
        "v": values,
        "fields": [(spec.label, values.get(spec.key, "")) for spec in form.fields if spec.key in values],
        "total": {key: values.get(key, "") for key in money},  # one project: its own row is the 合计
    }


# ------------------------------------------------------------------ 提纲


def _amounts(project: Project) -> dict[str, Any]:
    rows = [
        {"label": label, "wan": yuan_as_wan(project.cost(code))}
        for code, label in COST_HEADS
        if project.cost(code)
    ]
    rows.append({"label": "项目总投资", "wan": yuan_as_wan(project.total_yuan)})
    rows += [
        {"label": label, "wan": yuan_as_wan(project.cost(code))}
        for code, label in EARMARKS
        if project.cost(code)
    ]
    sources = [
        (label, int(getattr(project, f"fund_{code}")))
        for code, label in FundingSource.choices
        if getattr(project, f"fund_{code}")
    ]
    rows += [{"label": f"资金来源：{label}", "wan": yuan_as_wan(amount)} for label, amount in sources]
    heads = "、".join(
        f"{label}{yuan_as_wan(project.cost(code))}万元" for code, label in COST_HEADS if project.cost(code)
    )
    funding = "、".join(f"{label}{yuan_as_wan(amount)}万元" for label, amount in sources)
    summary = f"项目总投资{yuan_as_wan(project.total_yuan)}万元" + (f"，其中{heads}" if heads else "")
    summary += f"。资金来源：{funding}。" if funding else "。"
    return {"summary": summary, "rows": rows}


def _fill(project: Project, heading: str) -> tuple[str, bool]:
    """(text under ``heading``, whether it is the investment table) from what the project holds."""
    if heading.startswith("附件"):
        return "", False
    rule = next((r for r in OUTLINE_FILLS if any(word in heading for word in r.words)), None)
    if rule is None:
        return OUTLINE_TO_WRITE, False
    if rule.source == "amounts":
        return "", True
    if rule.source == "unit":
        contact = "、".join(p for p in (project.contact_name, project.contact_phone) if p)
        return clean_text(
            f"项目建设单位：{project.lead_unit.name}" + (f"；联系人：{contact}" if contact else "")
        ), False
    if rule.source == "period":
        start, end = plan_months(project)
        return (
            f"计划建设周期：{month_range_text(f'{start}/{end}')}" if start and end else OUTLINE_TO_WRITE
        ), False
    return clean_text(getattr(project, rule.source, "")) or OUTLINE_TO_WRITE, False


def outline_contents(project: Project, printout: Printout, _record: int | None) -> dict[str, Any]:
    """The pack's chapter list (石嘴山 附件3 “一、项目基本信息：项目名称；…”, or 舒城 第九条 items), each
    heading followed by what the project already says about it."""
    form = printout.form
    assert form is not None
    numbered = any(_NUMBERED.match(item) for item in form.items)
    amounts = _amounts(project)

    def section(n: int, part: str) -> dict[str, str]:
        text, is_amounts = _fill(project, part)
        return {"title": f"（{cn_number(n)}）{part}", "text": amounts["summary"] if is_amounts else text}

    chapters = []
    for index, item in enumerate(form.items, start=1):
        head, colon, rest = item.partition("：")
        if numbered and _NUMBERED.match(item) and colon:
            heading, parts = head, [part.strip() for part in rest.split("；") if part.strip()]
        else:
            heading, parts = (item if numbered else f"{cn_number(index)}、{item}"), []
        text, is_amounts = _fill(project, heading) if not parts else ("", False)
        chapters.append(
            {
                "title": heading,
                "text": text,
                "amounts": is_amounts,
                "sections": [section(n, part) for n, part in enumerate(parts, start=1)],
            }
        )
    pack = project_pack(project)
    source = pack.meta.source.title if pack is not None else ""
    return {
        **_common(project, printout.title),
        "chapters": chapters,
        "amounts": amounts,
        "basis": f"《{source}》{form.cite.article}《{form.name}》" if source else form.name,
    }


# ------------------------------------------------------------------ 备案表


def _acknowledgements(filing: Filing) -> str:
    steps = [
        f"{clean_text(a.get('jurisdiction'))}（{clean_text(a.get('by'))}，{date_text(str(a.get('at', '')))}确认）"
        for a in filing.acknowledgements or []
    ]
    return " → ".join(steps) if steps else "尚未确认"


def filing_contents(project: Project, printout: Printout, record: int | None) -> dict[str, Any]:
    assert record is not None
    filing = Filing.objects.select_related("filed_by").get(pk=record, project=project)
    form = printout.form
    assert form is not None
    data = dict(filing.data or {})
    rows = [
        {"label": spec.label, "value": field_text(spec, data.pop(spec.key, None))}
        for spec in form.fields
        if spec.type != "file"
    ]
    rows += [{"label": clean_text(key), "value": clean_text(value)} for key, value in data.items()]
    return {
        **_common(project, form.name),
        "rows": rows,
        "filing": {
            "title": clean_text(filing.title),
            "cite": clean_text(filing.cite),
            "due_on": date_text(filing.due_on),
            "filed_on": date_text(filing.filed_on),
            "content": clean_text(filing.content),
            "filed_by": clean_text(filing.filed_by.display_name or filing.filed_by.username),
            "acknowledgements": _acknowledgements(filing),
        },
    }


# ------------------------------------------------------------------ 竣工验收申请函


def _evidence_line(form: Form, values: dict[str, Any]) -> str:
    parts = [
        f"{spec.label}：{field_text(spec, values.get(spec.key))}"
        for spec in form.fields
        if values.get(spec.key) not in (None, "")
    ]
    return "；".join(parts) if parts else "未提供"


def _evidence_rows(items: list[EvidenceItem]) -> list[dict[str, Any]]:
    """One row per evidence item of the pack, in its order: what was entered and who confirmed it."""
    rows = []
    for number, item in enumerate(items, start=1):
        confirmation = item.confirmation
        if confirmation is not None:
            verdict = "已确认" if confirmation.confirmed else "不予确认"
            confirmed = f"{confirmation.organisation.name}{verdict}（{date_text(confirmation.confirmed_at)}）"
        else:
            confirmed = "待确认" if item.form.confirm_by else "—"
        rows.append(
            {
                "no": number,
                "name": item.form.name.removeprefix("竣工验收材料·"),
                "content": _evidence_line(item.form, item.values),
                "article": item.form.cite.article,
                "confirmation": confirmed,
            }
        )
    return rows


def _history(project: Project) -> dict[str, Any]:
    """立项 approval, main contract and the finished trial run the letter recounts (None where absent)."""
    approval = ProjectApproval.objects.filter(project=project).first()
    contract = main_contract(project)
    trial = TrialRun.objects.filter(project=project, ended_on__isnull=False).order_by("-started_on").first()
    return {
        "approval": None
        if approval is None
        else {
            "number": clean_text(approval.approval_number),
            "approved_on": date_text(approval.approved_on),
            "budget": yuan_as_wan(approval.approved_budget_yuan),
        },
        "contract": None
        if contract is None
        else {
            "number": clean_text(contract.number),
            "supplier": clean_text(contract.supplier_name),
            "signed_on": date_text(contract.signed_on),
            "amount": yuan_as_wan(contract.amount_yuan),
        },
        "trial": None
        if trial is None
        else {"started_on": date_text(trial.started_on), "ended_on": date_text(trial.ended_on)},
    }


def acceptance_contents(project: Project, printout: Printout, record: int | None) -> dict[str, Any]:
    """竣工验收申请函 to the competent bureau, citing the pack's article for the application, and the list of
    the pack's evidence as entered on the application."""
    assert record is not None
    application = AcceptanceApplication.objects.get(pk=record, project=project)
    pack = project_pack(project)
    items = evidence_items(project, application, application.applied_on or clock.today())
    stage_id = items[0].form.stage if items else None
    stage = next((s for s in pack.route if s.id == stage_id), None) if pack is not None else None
    article = stage.cite.article if stage is not None else (items[0].form.cite.article if items else "")
    return {
        **_common(project, printout.title),
        **_history(project),
        "bureau": bureau_name(project, pack),
        "regulation": pack.meta.source.title if pack is not None else "",
        "article": article,
        "contact": clean_text(project.contact_name),
        "phone": clean_text(project.contact_phone),
        "applied_on": date_text(application.applied_on) or "    年    月    日",
        "status": application.get_status_display(),
        "items": _evidence_rows(items),
    }


# ------------------------------------------------------------------ 专家评审签到表 / 评分汇总表


def _draw(project: Project, record: int | None) -> ExpertDraw:
    assert record is not None
    return ExpertDraw.objects.select_related("project").get(pk=record, project=project)


def _draw_common(project: Project, printout: Printout, draw: ExpertDraw) -> dict[str, Any]:
    return {
        **_common(project, printout.title),
        "bureau": bureau_name(project),
        "stage_name": clean_text(draw.stage_name or draw.stage_id),
        "drawn_on": date_text(draw.drawn_on),
        "round": draw.round,
    }


def signin_contents(project: Project, printout: Printout, record: int | None) -> dict[str, Any]:
    """签到表 — the current panel, phone and ID numbers masked (the full numbers never leave the pool)."""
    draw = _draw(project, record)
    members = panel_members(draw).select_related("expert__employer").prefetch_related("expert__specialties")
    return {
        **_draw_common(project, printout, draw),
        "members": [
            {
                "no": number,
                "name": clean_text(m.expert.name),
                "employer": clean_text(m.expert.employer_display),
                "title": clean_text(m.expert.title),
                "fields": "、".join(s.name for s in m.expert.specialties.all()),
                "phone": mask_phone(m.expert.phone),
                "id_number": mask_id(m.expert.id_number),
            }
            for number, m in enumerate(members, start=1)
        ],
    }


def _score(value: Any) -> str:
    return "" if value is None else str(value)


def scores_contents(project: Project, printout: Printout, record: int | None) -> dict[str, Any]:
    """评分汇总表 — each panel member's scores by criterion of the pack's table, the means, the pass mark
    and the panel's conclusion."""
    draw = _draw(project, record)
    table = scoring_table_for(project.pack_code, draw.stage_id)
    criteria = list(table.criteria) if table is not None else []
    aggregate = panel_aggregate(draw)
    rows = []
    for number, member in enumerate(panel_members(draw).select_related("expert", "review"), start=1):
        review = member.submitted_review
        rows.append(
            {
                "no": number,
                "name": clean_text(member.expert.name),
                "scores": [_score(review.scores.get(c.code)) if review else "" for c in criteria],
                "total": _score(review.total) if review else "未提交",
                "verdict": review.get_verdict_display() if review else "",
                "budget": yuan_as_wan(review.recommended_budget_yuan) if review else "",
                "opinion": clean_text(review.opinion) if review else "",
            }
        )
    if aggregate["passed"] is None:
        passed = "本环节评分表未设通过分数线" if aggregate["pass_mark"] is None else "评分尚未齐全"
    else:
        passed = "平均分达到通过分数线" if aggregate["passed"] else "平均分未达到通过分数线"
    conclusion = PanelConclusion.objects.filter(draw=draw).select_related("decided_by").first()
    return {
        **_draw_common(project, printout, draw),
        "table_name": table.name if table is not None else "本环节政策包未设评分表",
        "criteria": [{"name": c.name, "weight": c.weight} for c in criteria],
        "rows": rows,
        "means": [_score(c["mean"]) for c in aggregate["criteria"]],
        "mean_total": _score(aggregate["mean_total"]),
        "max_total": _score(aggregate["max_total"]),
        "min_total": _score(aggregate["min_total"]),
        "count": aggregate["count"],
        "expected": aggregate["expected"],
        "pass_mark": _score(aggregate["pass_mark"]) or "未设",
        "passed_text": passed,
        "budget_mean": yuan_as_wan(aggregate["budget"]["mean_yuan"]),
        "conclusion": {
            "outcome": conclusion.get_outcome_display(),
            "opinion": clean_text(conclusion.opinion),
            "decided_by": clean_text(conclusion.decided_by.display_name or conclusion.decided_by.username),
            "decided_at": date_text(conclusion.decided_at),
        }
        if conclusion is not None
        else None,
    }


Builder = Callable[[Project, Printout, int | None], dict[str, Any]]

BUILDERS: dict[str, Builder] = {
    "declaration": declaration_contents,
    "outline": outline_contents,
    "filing": filing_contents,
    "acceptance_letter": acceptance_contents,
    "expert_signin": signin_contents,
    "expert_scores": scores_contents,
}


def printout_contents(project: Project, printout: Printout, record: int | None) -> dict[str, Any]:
    return BUILDERS[printout.layout.kind](project, printout, record)
