"""验收、整改与运行评价 — writes. Each: who may act is checked (a refusal is audited), input is validated before
anything is written, then one transaction with the project row locked and one audit event."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from govit.acceptance import selectors
from govit.acceptance.choices import (
    NAMED_FIELDS,
    OPEN_APPLICATION,
    ApplicationStatus,
    Conclusion,
    EvaluationKind,
    ExtensionStatus,
    OrderSource,
    OrderStatus,
    PanelField,
    ReportSource,
    ResourceKind,
    SanctionCode,
    SanctionStatus,
    ShareMode,
)
from govit.acceptance.models import (
    AcceptanceApplication,
    AcceptanceExtension,
    DataResource,
    Evaluation,
    EvidenceConfirmation,
    InitialAcceptance,
    PanelMember,
    RectificationOrder,
    Sanction,
    SharingCheck,
    TrialRun,
    UsageRecord,
)
from govit.accounts.services import notify_after_commit
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.db import row_insert_once
from govit.core.errors import ConflictError, ServiceError
from govit.core.forms import date_clean, text_clean
from govit.delivery.models import Filing
from govit.delivery.selectors import main_contract
from govit.delivery.services import filing_form_data, suspension_order, termination_impose
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.packforms import form_check
from govit.projects.permissions import is_unit_member
from govit.projects.policy import policy_objections, project_policy
from govit.projects.services import project_lock, project_status_move, reviewer_required

REASON_MIN = 10
MAX_PANEL = 31
BUILDING = frozenset({Status.IN_CONSTRUCTION})
IN_USE = frozenset({Status.IN_OPERATION})


def _unit(actor: Any, project: Project, action: str, statuses: frozenset[str]) -> None:
    """The unit's clerk or head, while the project is in one of ``statuses``; a refusal is audited."""
    if is_unit_member(actor, project) and project.status in statuses:
        return
    message = (
        "只有项目建设单位可以办理"
        if not is_unit_member(actor, project)
        else f"项目当前状态为“{project.get_status_display()}”，不能办理"
    )
    audit_denied(actor=actor, action=action, target=project, message=message, after={"reason": message})


def _cite(item: dict[str, Any]) -> str:
    cite = item.get("cite") or {}
    return f"（{cite.get('article')}）" if cite.get("article") else ""


# ------------------------------------------------------------------ 初验


def initial_acceptance_record(
    *,
    actor: Any,
    project: Project,
    held_on: dt.date | None,
    panel: list[dict[str, str]],
    goals_met: bool,
    scope_met: bool,
    contract_met: bool,
    checks: list[str],
    conclusion: str,
    opinion: str,
) -> InitialAcceptance:
    """初验 — the unit's expert panel checks the project against its approved goals, content and contract;
    the pack's panel rules (上城 TH-33: 3 人以上单数, 信息技术、网络安全、业务领域) are checked first."""
    _unit(actor, project, "acceptance.initial", BUILDING)
    if conclusion not in Conclusion.values:
        raise ServiceError("请选择初验结论", field="conclusion")
    opinion = text_clean(opinion, field="opinion", label="专家组意见", limit=4000, minimum=REASON_MIN)
    members = []
    for number, row in enumerate(panel, start=1):
        name = (row.get("name") or "").strip()
        if not name and not (row.get("employer") or "").strip():
            continue  # an empty row of the form
        name = text_clean(name, field="panel", label=f"第 {number} 位专家的姓名", limit=40)
        employer = text_clean(
            row.get("employer"), field="panel", label=f"第 {number} 位专家的工作单位", limit=100
        )
        if row.get("field") not in PanelField.values:
            raise ServiceError(f"请选择第 {number} 位专家的专业领域", field="panel")
        members.append({"name": name, "field": row["field"], "employer": employer})
    if not members:
        raise ServiceError("请填写验收专家组成员", field="panel")
    if len(members) > MAX_PANEL:
        raise ServiceError(f"验收专家组不能超过 {MAX_PANEL} 人", field="panel")
    names = [m["name"] for m in members]
    if len(set(names)) != len(names):
        raise ServiceError("验收专家组成员重复", field="panel")
    items = selectors.checklist_items(project, "initial_acceptance")
    unknown = [c for c in checks if c not in items]
    if unknown:
        raise ServiceError(f"初验清单中没有这一项：{unknown[0]}", field="checks")
    if conclusion == Conclusion.PASS:
        if not (goals_met and scope_met and contract_met):
            raise ServiceError(
                "初验结论为通过时，须符合批复的建设目标、完成批复的建设内容并符合合同约定", field="conclusion"
            )
        missing = [item for item in items if item not in checks]
        if missing:
            raise ServiceError(
                f"初验结论为通过时，须逐项核对政策包初验清单：未核对“{missing[0]}”", field="checks"
            )
    with transaction.atomic():
        locked = project_lock(project)
        contract = main_contract(locked)
        held_on = date_clean(
            held_on, field="held_on", label="初验日期", not_before=contract.signed_on if contract else None
        )
        fields_covered = len({m["field"] for m in members} & NAMED_FIELDS)
        before = policy_objections(project_policy(locked))
        after = project_policy(
            locked,
            {"counts.acceptance_panel_size": len(members), "counts.acceptance_panel_fields": fields_covered},
        )
        for rule_id, item in policy_objections(after).items():
            if item.get("severity") == "hard" and rule_id not in before:
                raise ServiceError(f"{item.get('message')}{_cite(item)}", field="panel")
        record = InitialAcceptance.objects.create(
            project=locked,
            held_on=held_on,
            goals_met=goals_met,
            scope_met=scope_met,
            contract_met=contract_met,
            checks=[item for item in items if item in checks],
            conclusion=conclusion,
            opinion=opinion,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        PanelMember.objects.bulk_create(PanelMember(initial_acceptance=record, **m) for m in members)
        audit_record(
            actor=actor,
            action="acceptance.initial",
            target=locked,
            after={"held_on": held_on.isoformat(), "conclusion": conclusion, "panel": members},
        )
    return record


# ------------------------------------------------------------------ 试运行


def trial_run_start(*, actor: Any, project: Project, started_on: dt.date | None) -> TrialRun:
    """试运行 — after a passed 初验 where the pack has that stage (舒城 has none: the trial run follows
    construction, 第二十条)."""
    _unit(actor, project, "acceptance.trial_start", BUILDING)
    with transaction.atomic():
        locked = project_lock(project)
        not_before = None
        if selectors.has_stage(locked, "INITIAL_ACCEPT"):
            initial = selectors.initial_acceptance_passed(locked)
            if initial is None:
                raise ServiceError("初步验收通过后方可开始试运行", field="started_on")
            not_before = initial.held_on
        started_on = date_clean(started_on, field="started_on", label="试运行开始日期", not_before=not_before)
        if TrialRun.objects.filter(project=locked, ended_on__isnull=True).exists():
            raise ConflictError("试运行已在进行中", field="started_on")
        trial = TrialRun.objects.create(
            project=locked, started_on=started_on, recorded_by=actor, recorded_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="acceptance.trial_start",
            target=locked,
            after={"started_on": started_on.isoformat()},
        )
    return trial


def usage_record(
    *,
    actor: Any,
    trial: TrialRun,
    day: dt.date | None,
    active_users: int | None,
    visits: int | None,
    faults: int | None,
) -> UsageRecord:
    """One day of use during the trial run (the system-generated report is written from these)."""
    project = trial.project
    _unit(actor, project, "acceptance.usage", BUILDING)
    day = date_clean(day, field="day", label="运行日期", not_before=trial.started_on)
    if trial.ended_on is not None and day > trial.ended_on:
        raise ServiceError("运行日期不能晚于试运行结束日期", field="day")
    for value, name, label in ((active_users, "active_users", "活跃用户数"), (visits, "visits", "访问量")):
        if value is None or value < 0:
            raise ServiceError(f"请填写{label}（不小于 0 的整数）", field=name)
    assert active_users is not None and visits is not None
    if faults is not None and faults < 0:
        raise ServiceError("故障次数不能为负数", field="faults")
    with transaction.atomic():
        locked = project_lock(project)
        record = row_insert_once(
            UsageRecord,
            conflict=f"{day:%Y-%m-%d} 的运行记录已登记",
            field="day",
            trial_run=trial,
            day=day,
            active_users=active_users,
            visits=visits,
            faults=faults or 0,
        )
        audit_record(
            actor=actor,
            action="acceptance.usage",
            target=locked,
            after={
                "day": day.isoformat(),
                "active_users": active_users,
                "visits": visits,
                "faults": faults or 0,
            },
        )
    return record


def trial_run_end(
    *, actor: Any, trial: TrialRun, ended_on: dt.date | None, report_source: str, report: str
) -> TrialRun:
    """The unit ends the trial run with its report — written by the unit, or generated from the recorded
    use. Whether it ran long enough is the pack's question at the application (上城 TH-34 ≥ 30 天)."""
    project = trial.project
    _unit(actor, project, "acceptance.trial_end", BUILDING)
    if report_source not in ReportSource.values:
        raise ServiceError("请选择试运行报告的来源", field="report_source")
    ended_on = date_clean(ended_on, field="ended_on", label="试运行结束日期", not_before=trial.started_on)
    if report_source == ReportSource.UPLOADED:
        report = text_clean(report, field="report", label="试运行报告", limit=8000, minimum=REASON_MIN)
    with transaction.atomic():
        locked = project_lock(project)
        trial = TrialRun.objects.select_for_update().get(pk=trial.pk)
        if trial.ended_on is not None:
            raise ConflictError("试运行已结束", field="ended_on")
        if trial.usage.filter(day__gt=ended_on).exists():
            raise ServiceError("结束日期之后已有运行记录", field="ended_on")
        trial.ended_on = ended_on
        trial.report_source = report_source
        trial.report = (
            selectors.trial_report_generate(trial) if report_source == ReportSource.GENERATED else report
        )
        trial.save(update_fields=["ended_on", "report_source", "report"])
        audit_record(
            actor=actor,
            action="acceptance.trial_end",
            target=locked,
            after={
                "ended_on": ended_on.isoformat(),
                "days": (ended_on - trial.started_on).days,
                "report": trial.report,
            },
        )
    return trial


# ------------------------------------------------------------------ 竣工验收申请


def _open_application(locked: Project, actor: Any) -> AcceptanceApplication:
    application = (
        AcceptanceApplication.objects.select_for_update()
        .filter(project=locked, status__in=OPEN_APPLICATION)
        .first()
    )
    if application is None:
        # after a failed acceptance the evidence (and other bureaus' confirmations of it) carry over to the
        # new application; what changed since is entered again
        failed = AcceptanceApplication.objects.filter(project=locked, status=ApplicationStatus.FAILED).first()
        application = AcceptanceApplication.objects.create(
            project=locked,
            evidence=failed.evidence if failed else {},
            created_by=actor,
            created_at=clock.now(),
        )
        if failed is not None:
            EvidenceConfirmation.objects.bulk_create(
                EvidenceConfirmation(
                    application=application,
                    form_id=c.form_id,
                    organisation_id=c.organisation_id,
                    confirmed=c.confirmed,
                    note=c.note,
                    confirmed_by_id=c.confirmed_by_id,
                    confirmed_at=c.confirmed_at,
                )
                for c in failed.confirmations.all()
            )
    return application


def evidence_save(
    *, actor: Any, project: Project, form_id: str, raw: dict[str, Any]
) -> AcceptanceApplication:
    """One item of the pack's evidence checklist, as a structured record: checked field by field; a date in
    the future is refused. Changing an item another bureau confirmed asks for its confirmation again."""
    _unit(actor, project, "acceptance.evidence", BUILDING)
    form = next((f for f in selectors.pack_forms(project, "acceptance_evidence") if f.id == form_id), None)
    if form is None:
        raise ServiceError("政策包没有这项验收材料", field="form_id")
    clean, errors = form_check(project, form, raw)
    if errors:
        key, message = next(iter(errors.items()))
        raise ServiceError(f"《{form.name}》：{message}", field=f"ev_{key}")
    for spec in form.fields:
        value = clean.get(spec.key)
        if (
            spec.type == "date"
            and value
            and not spec.expires
            and dt.date.fromisoformat(value) > clock.today()
        ):
            raise ServiceError(f"《{form.name}》：“{spec.label}”不能晚于今天", field=f"ev_{spec.key}")
    with transaction.atomic():
        locked = project_lock(project)
        application = _open_application(locked, actor)
        if application.status == ApplicationStatus.SUBMITTED:
            raise ConflictError("验收申请已提交，不能再修改材料", field="form_id")
        before = application.evidence.get(form.id)
        if before != clean:
            application.confirmations.filter(form_id=form.id).delete()
        application.evidence = {**application.evidence, form.id: clean}
        application.save(update_fields=["evidence"])
        audit_record(
            actor=actor,
            action="acceptance.evidence",
            target=locked,
            before={"form": form.id, "values": before},
            after={"form": form.id, "values": clean},
        )
    return application


def evidence_confirm(
    *, actor: Any, application: AcceptanceApplication, form_id: str, confirmed: bool, note: str
) -> EvidenceConfirmation:
    """The body the pack names confirms (or refuses) one evidence item — 章贡 第二十五条(一): the 保密和机要局 for
    安全可靠 and 密评, the data authority for data sharing. Nobody else can."""
    project = application.project
    form = next((f for f in selectors.pack_forms(project, "acceptance_evidence") if f.id == form_id), None)
    if form is None or not form.confirm_by:
        raise ServiceError("这项材料不需要其他部门确认", field="form_id")
    organisation = selectors.may_confirm(actor, project, form.confirm_by)
    if organisation is None:
        audit_denied(
            actor=actor,
            action="acceptance.confirm",
            target=project,
            message=f"《{form.name}》须由政策包指定的部门确认，您不是该部门的审核人",
        )
    note = text_clean(
        note,
        field="note",
        label="确认意见",
        limit=2000,
        required=not confirmed,
        minimum=0 if confirmed else REASON_MIN,
    )
    with transaction.atomic():
        locked = project_lock(project)
        application = AcceptanceApplication.objects.select_for_update().get(pk=application.pk)
        if application.status not in {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED}:
            raise ConflictError("验收申请已提交，不能再确认材料", field="form_id")
        if not application.evidence.get(form.id):
            raise ServiceError(f"建设单位尚未提供《{form.name}》", field="form_id")
        record = row_insert_once(
            EvidenceConfirmation,
            conflict=f"《{form.name}》已确认",
            field="form_id",
            application=application,
            form_id=form.id,
            organisation=organisation,
            confirmed=confirmed,
            note=note,
            confirmed_by=actor,
            confirmed_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="acceptance.confirm" if confirmed else "acceptance.confirm_refuse",
            target=locked,
            after={"form": form.id, "organisation": organisation.name, "confirmed": confirmed, "note": note},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"{organisation.name}{'确认' if confirmed else '不予确认'}《{form.name}》：{locked.name}"[
                :255
            ],
            url=f"/projects/{locked.pk}/acceptance/#evidence",
        )
    return record


def application_submit(*, actor: Any, project: Project) -> AcceptanceApplication:
    """提出竣工验收申请 — refused, with every reason and its article, while the pack would block it or an
    evidence item is missing, expired, failing or unconfirmed."""
    _unit(actor, project, "acceptance.apply", BUILDING)
    with transaction.atomic():
        locked = project_lock(project)
        application = _open_application(locked, actor)
        if application.status == ApplicationStatus.SUBMITTED:
            raise ConflictError("验收申请已提交", field="application")
        today = clock.today()
        blockers = selectors.application_blockers(locked, application, today)
        open_orders = RectificationOrder.objects.filter(
            project=locked,
            source=OrderSource.ACCEPTANCE,
            status__in=[OrderStatus.OPEN, OrderStatus.SUBMITTED],
        )
        if open_orders.exists():
            blockers.insert(
                0, {"message": "竣工验收不通过的整改尚未完成", "article": open_orders[0].basis, "quote": ""}
            )
        if blockers:
            lines = [
                b["message"]
                + (f"（{b['article']}）" if b["article"] and b["article"] not in b["message"] else "")
                for b in blockers
            ]
            raise ServiceError(
                f"不能提出竣工验收申请（{len(lines)} 项）：" + "；".join(lines), field="application"
            )
        application.status = ApplicationStatus.SUBMITTED
        application.applied_on = today
        application.submitted_by = actor
        application.save(update_fields=["status", "applied_on", "submitted_by"])
        audit_record(
            actor=actor,
            action="acceptance.apply",
            target=locked,
            after={"applied_on": today.isoformat(), "evidence": sorted(application.evidence)},
        )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}提出竣工验收申请：{locked.name}",
            url=f"/projects/{locked.pk}/acceptance/",
        )
    return application


def acceptance_decide(
    *,
    actor: Any,
    application: AcceptanceApplication,
    outcome: str,
    decided_on: dt.date | None,
    reasons: list[str],
    opinion: str,
    rectify_by: dt.date | None = None,
) -> AcceptanceApplication:
    """竣工验收结论 — 通过: the project goes into operation; 不通过: with the pack's cases where it lists them
    (章贡 第二十六条), and a rectification order whose due date the pack gives (上城 DL-50: 2 个月) or the
    bureau sets; 退回: the application goes back to the unit."""
    project = application.project
    reviewer_required(actor, project, "acceptance.decide")
    if outcome not in {"pass", "fail", "return"}:
        raise ServiceError("请选择验收结论", field="outcome")
    opinion = text_clean(opinion, field="opinion", label="验收意见", limit=4000, minimum=REASON_MIN)
    cases = selectors.checklist_items(project, "acceptance_failure")
    unknown = [r for r in reasons if r not in cases]
    if unknown:
        raise ServiceError(f"“验收不通过”情形中没有这一项：{unknown[0]}", field="reasons")
    if outcome == "fail" and cases and not reasons:
        raise ServiceError("验收不通过须选择政策包列明的情形", field="reasons")
    with transaction.atomic():
        locked = project_lock(project)
        application = AcceptanceApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ConflictError("该申请不在待验收状态", field="outcome")
        if outcome == "return":
            application.status = ApplicationStatus.RETURNED
            application.opinion = opinion
            application.decided_by = actor
            application.save(update_fields=["status", "opinion", "decided_by"])
            audit_record(actor=actor, action="acceptance.return", target=locked, after={"opinion": opinion})
            notify_after_commit(
                organisation_id=locked.lead_unit_id,
                text=f"竣工验收申请已退回：{locked.name}（{opinion}）"[:255],
                url=f"/projects/{locked.pk}/acceptance/",
            )
            return application
        assert application.applied_on is not None
        decided_on = date_clean(
            decided_on, field="decided_on", label="验收日期", not_before=application.applied_on
        )
        application.status = ApplicationStatus.PASSED if outcome == "pass" else ApplicationStatus.FAILED
        application.decided_on = decided_on
        application.decided_by = actor
        application.reasons = [r for r in cases if r in reasons]
        application.opinion = opinion
        application.save(update_fields=["status", "decided_on", "decided_by", "reasons", "opinion"])
        order = None
        if outcome == "pass":
            project_status_move(
                project=locked, to_status=Status.IN_OPERATION, actor=actor, reason=f"竣工验收通过：{opinion}"
            )
        else:
            order = _order_after_failure(actor, locked, application, decided_on, rectify_by)
        audit_record(
            actor=actor,
            action="acceptance.pass" if outcome == "pass" else "acceptance.fail",
            target=locked,
            after={
                "decided_on": decided_on.isoformat(),
                "reasons": application.reasons,
                "opinion": opinion,
                "order_due": order.due_on.isoformat() if order else None,
            },
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=(
                f"竣工验收通过，项目投入运行：{locked.name}"
                if order is None
                else f"竣工验收不通过，请于 {order.due_on:%Y-%m-%d} 前完成整改：{locked.name}"
            ),
            url=f"/projects/{locked.pk}/acceptance/",
        )
    return application


def _order_after_failure(
    actor: Any,
    locked: Project,
    application: AcceptanceApplication,
    decided_on: dt.date,
    rectify_by: dt.date | None,
) -> RectificationOrder:
    """The rectification order of a failed acceptance: under the pack's rule for it if it has one."""
    policy = project_policy(locked, {"dates.rectification_notice": decided_on})
    rule = next(
        (d for d in selectors.rectification_rules(locked, policy) if d.get("status") not in {"no_trigger"}),
        None,
    )
    finding = "竣工验收不通过" + (
        f"：{'；'.join(application.reasons)}" if application.reasons else f"：{application.opinion}"
    )
    return _order_create(
        actor=actor,
        locked=locked,
        source=OrderSource.ACCEPTANCE,
        rule=rule,
        finding=finding,
        basis=_basis(rule) or "竣工验收结论",
        issued_on=decided_on,
        due_on=rectify_by,
        application=application,
    )


def _basis(rule: dict[str, Any] | None) -> str:
    if not rule:
        return ""
    cite = rule.get("cite") or {}
    return f"{rule.get('id')} {cite.get('article', '')}：{cite.get('quote', '')}"[:300]


def _order_create(
    *,
    actor: Any,
    locked: Project,
    source: str,
    rule: dict[str, Any] | None,
    finding: str,
    basis: str,
    issued_on: dt.date,
    due_on: dt.date | None,
    application: AcceptanceApplication | None = None,
) -> RectificationOrder:
    """The due date: the pack's where it computes one (the issuer may shorten it, never extend it); set by
    the issuer where the pack leaves it to them (限期)."""
    # a 限期 rule's due date is the issuer's (earlier orders' dates reach the engine as issuer_due_dates)
    issuer_sets = rule is None or (rule.get("period") or {}).get("kind") == "set_by_issuer"
    pack_due = dt.date.fromisoformat(rule["due"]) if rule and rule.get("due") and not issuer_sets else None
    if due_on is None:
        if pack_due is None:
            raise ServiceError("请填写整改期限（政策包未规定期限，由下达单位确定）", field="due_on")
        due_on = pack_due
    if due_on <= issued_on:
        raise ServiceError("整改期限应晚于下达日期", field="due_on")
    if pack_due is not None and due_on > pack_due:
        raise ServiceError(
            f"整改期限不能晚于政策包规定的 {pack_due:%Y-%m-%d}{_cite(rule or {})}", field="due_on"
        )
    issuer = selectors.issuing_organisation(actor, locked)
    assert issuer is not None  # the caller checked the actor supervises the project
    return RectificationOrder.objects.create(
        project=locked,
        source=source,
        rule_id=(rule or {}).get("id", ""),
        finding=finding[:4000],
        basis=basis[:300],
        owner_unit=locked.lead_unit,
        issuer=issuer,
        issued_on=issued_on,
        due_on=due_on,
        application=application,
        issued_by=actor,
        issued_at=clock.now(),
    )


def extension_request(
    *, actor: Any, project: Project, new_due_on: dt.date | None, reason: str
) -> AcceptanceExtension:
    """延期验收 — asked before the contractual acceptance date (舒城 DL-04, 金乡 DL-34, 章贡 DL-23)."""
    _unit(actor, project, "acceptance.extension", BUILDING)
    reason = text_clean(reason, field="reason", label="延期理由", limit=2000, minimum=REASON_MIN)
    due = selectors.contract_acceptance_due(project)
    today = clock.today()
    if due is None:
        raise ServiceError("尚无合同约定的验收时间（请先登记项目合同及实施周期）", field="new_due_on")
    if today > due:
        raise ServiceError(
            f"合同约定的验收时间 {due:%Y-%m-%d} 已过，延期验收须在此之前申请", field="new_due_on"
        )
    if new_due_on is None or new_due_on <= due:
        raise ServiceError(f"申请延至的日期应晚于合同约定的验收时间 {due:%Y-%m-%d}", field="new_due_on")
    with transaction.atomic():
        locked = project_lock(project)
        if AcceptanceExtension.objects.filter(project=locked, status=ExtensionStatus.REQUESTED).exists():
            raise ConflictError("已有待审核的延期验收申请", field="new_due_on")
        record = AcceptanceExtension.objects.create(
            project=locked, requested_on=today, new_due_on=new_due_on, reason=reason, requested_by=actor
        )
        audit_record(
            actor=actor,
            action="acceptance.extension",
            target=locked,
            after={"due": due.isoformat(), "new_due_on": new_due_on.isoformat(), "reason": reason},
        )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}申请延期验收至 {new_due_on:%Y-%m-%d}：{locked.name}",
            url=f"/projects/{locked.pk}/acceptance/#extension",
        )
    return record


def extension_decide(
    *, actor: Any, extension: AcceptanceExtension, agree: bool, note: str
) -> AcceptanceExtension:
    project = extension.project
    reviewer_required(actor, project, "acceptance.extension_decide")
    note = text_clean(note, field="note", label="审核意见", limit=2000)
    with transaction.atomic():
        locked = project_lock(project)
        extension = AcceptanceExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.REQUESTED:
            raise ConflictError("该申请已办理", field="note")
        extension.status = ExtensionStatus.AGREED if agree else ExtensionStatus.REJECTED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, clock.now(), note
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="acceptance.extension_agree" if agree else "acceptance.extension_reject",
            target=locked,
            after={"new_due_on": extension.new_due_on.isoformat(), "note": note},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"延期验收申请{'已同意' if agree else '未同意'}：{locked.name}（{note}）"[:255],
            url=f"/projects/{locked.pk}/acceptance/#extension",
        )
    return extension


# ------------------------------------------------------------------ 限期整改


def order_issue(
    *,
    actor: Any,
    project: Project,
    finding: str,
    rule_id: str,
    due_on: dt.date | None,
    source: str = OrderSource.SUPERVISION,
) -> RectificationOrder:
    """限期整改通知 — by the competent bureau or a bureau supervising the project, at any stage after 立项,
    under one of the pack's 限期整改 rules (its due date, its sanctions) or on the bureau's own finding."""
    if not selectors.may_issue_orders(actor, project):
        audit_denied(
            actor=actor,
            action="rectification.issue",
            target=project,
            message="只有主管部门或监督部门可以下达整改通知",
        )
    finding = text_clean(finding, field="finding", label="存在问题", limit=4000, minimum=REASON_MIN)
    if source not in {OrderSource.SUPERVISION, OrderSource.OBLIGATION, OrderSource.EVALUATION}:
        raise ServiceError("整改来源无效", field="source")
    today = clock.today()
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status in {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.IN_REVIEW,
            Status.RETURNED,
            Status.NOT_SUPPORTED,
            Status.TERMINATED,
        }:
            raise ServiceError(
                f"项目当前状态为“{locked.get_status_display()}”，不能下达整改通知", field="finding"
            )
        rule = None
        if rule_id:
            if selectors.rectification_rule(locked, rule_id) is None:
                raise ServiceError("政策包没有这条限期整改规则", field="rule_id")
            policy = project_policy(locked, {"dates.rectification_notice": today})
            rule = next((d for d in policy.get("deadlines", []) if d["id"] == rule_id), None)
            if rule is None:
                raise ServiceError("该限期整改规则不适用于本项目", field="rule_id")
        order = _order_create(
            actor=actor,
            locked=locked,
            source=source,
            rule=rule,
            finding=finding,
            basis=_basis(rule) or "监督检查发现的问题",
            issued_on=today,
            due_on=due_on,
        )
        audit_record(
            actor=actor,
            action="rectification.issue",
            target=locked,
            after={
                "rule": order.rule_id,
                "finding": finding,
                "due_on": order.due_on.isoformat(),
                "issuer": order.issuer.name,
            },
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"{order.issuer.name}下达限期整改通知，请于 {order.due_on:%Y-%m-%d} 前完成：{locked.name}"[
                :255
            ],
            url=f"/projects/{locked.pk}/acceptance/#orders",
        )
    return order


def order_respond(*, actor: Any, order: RectificationOrder, evidence: str) -> RectificationOrder:
    """The owner unit reports what it did (整改情况); the issuer then re-checks."""
    project = order.project
    if not is_unit_member(actor, project):
        audit_denied(
            actor=actor,
            action="rectification.respond",
            target=project,
            message="只有整改责任单位可以报送整改情况",
        )
    evidence = text_clean(evidence, field="evidence", label="整改情况", limit=8000, minimum=REASON_MIN)
    with transaction.atomic():
        locked = project_lock(project)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.OPEN:
            raise ConflictError("该整改通知不在整改中", field="evidence")
        order.status, order.evidence, order.evidence_on = OrderStatus.SUBMITTED, evidence, clock.today()
        order.save(update_fields=["status", "evidence", "evidence_on"])
        audit_record(
            actor=actor,
            action="rectification.respond",
            target=locked,
            after={"order": order.pk, "evidence": evidence},
        )
        notify_after_commit(
            organisation_id=order.issuer_id,
            text=f"{locked.lead_unit.name}报送整改情况，请复核：{locked.name}"[:255],
            url=f"/projects/{locked.pk}/acceptance/#orders",
        )
    return order


def order_recheck(*, actor: Any, order: RectificationOrder, accept: bool, note: str) -> RectificationOrder:
    """复核 — the issuer closes the order on the evidence, or sends it back to the unit (the due date stays)."""
    project = order.project
    if not selectors.may_issue_orders(actor, project):
        audit_denied(
            actor=actor,
            action="rectification.recheck",
            target=project,
            message="只有下达整改通知的部门可以复核",
        )
    note = text_clean(
        note,
        field="note",
        label="复核意见",
        limit=2000,
        required=not accept,
        minimum=0 if accept else REASON_MIN,
    )
    with transaction.atomic():
        locked = project_lock(project)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if order.status == OrderStatus.CLOSED:
            raise ConflictError("该整改通知已关闭", field="note")
        if order.status != OrderStatus.SUBMITTED or not order.evidence:
            raise ServiceError("整改责任单位尚未报送整改情况，不能复核关闭", field="note")
        order.recheck_note = note
        if accept:
            order.status, order.closed_on = OrderStatus.CLOSED, clock.today()
        else:
            order.status = OrderStatus.OPEN
        order.save(update_fields=["status", "closed_on", "recheck_note"])
        audit_record(
            actor=actor,
            action="rectification.close" if accept else "rectification.reopen",
            target=locked,
            after={"order": order.pk, "note": note},
        )
        notify_after_commit(
            organisation_id=locked.lead_unit_id,
            text=f"整改{'已通过复核' if accept else '未通过复核，请继续整改'}：{locked.name}（{note}）"[:255],
            url=f"/projects/{locked.pk}/acceptance/#orders",
        )
    return order


def sanction_take(*, actor: Any, order: RectificationOrder, code: str, reason: str) -> Sanction:
    """Once a rectification is overdue the bureau may take a measure the pack allows under its rule; where
    the pack names an approver (上城 ¶84: 强制淘汰 after 分管领导 approval) it waits for them."""
    project = order.project
    reviewer_required(actor, project, "sanction.take")
    reason = text_clean(reason, field="reason", label="处理理由", limit=2000, minimum=REASON_MIN)
    allowed = {s.code: s for s in selectors.sanctions_allowed(order)}
    if code not in allowed:
        names = "、".join(SanctionCode(c).label for c in allowed) or "无"
        raise ServiceError(f"政策包对这项整改允许的处理措施为：{names}", field="code")
    with transaction.atomic():
        locked = project_lock(project)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if not selectors.order_overdue(order):
            raise ServiceError(
                f"整改期限 {order.due_on:%Y-%m-%d} 未过或已整改完成，不能采取处理措施", field="code"
            )
        approval = allowed[code].approval_by or ""
        sanction = row_insert_once(
            Sanction,
            conflict="已对这项整改采取过该处理措施",
            field="code",
            project=locked,
            order=order,
            code=code,
            reason=reason,
            status=SanctionStatus.PROPOSED if approval else SanctionStatus.EFFECTIVE,
            approval_role=approval,
            proposed_by=actor,
            proposed_at=clock.now(),
        )
        if not approval:
            _sanction_apply(actor, locked, sanction)
        audit_record(
            actor=actor,
            action="sanction.propose" if approval else "sanction.take",
            target=locked,
            after={"order": order.pk, "code": code, "reason": reason, "approval": approval},
        )
        if approval:
            notify_after_commit(
                jurisdiction_id=locked.jurisdiction_id,
                role="leader",
                text=f"请审批：对“{locked.name}”{SanctionCode(code).label}"[:255],
                url=f"/projects/{locked.pk}/acceptance/#orders",
            )
    return sanction


def sanction_decide(*, actor: Any, sanction: Sanction, approve: bool, note: str) -> Sanction:
    project = sanction.project
    if not selectors.may_approve_sanction(actor, project, sanction.approval_role):
        audit_denied(
            actor=actor, action="sanction.decide", target=project, message="只有政策包指定的审批人可以审批"
        )
    note = text_clean(note, field="note", label="审批意见", limit=2000)
    with transaction.atomic():
        locked = project_lock(project)
        sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if sanction.status != SanctionStatus.PROPOSED:
            raise ConflictError("该处理措施已审批", field="note")
        sanction.decided_by, sanction.decided_at, sanction.decision_note = actor, clock.now(), note
        sanction.status = SanctionStatus.EFFECTIVE if approve else SanctionStatus.REJECTED
        sanction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            _sanction_apply(actor, locked, sanction)
        audit_record(
            actor=actor,
            action="sanction.approve" if approve else "sanction.reject",
            target=locked,
            after={"code": sanction.code, "note": note},
        )
    return sanction


def _sanction_apply(actor: Any, locked: Project, sanction: Sanction) -> None:
    """What the measure does to the project (inside the caller's transaction)."""
    label = SanctionCode(sanction.code).label
    explanation = f"逾期未整改，{label}：{sanction.reason}"
    if sanction.decided_at is None:
        sanction.decided_by, sanction.decided_at = actor, clock.now()
        sanction.save(update_fields=["decided_by", "decided_at"])
    if sanction.code == SanctionCode.SUSPEND:
        suspension_order(actor=actor, project=locked, reason=explanation, basis=sanction.order.basis)
        locked.refresh_from_db()
    elif sanction.code == SanctionCode.TERMINATE:
        termination_impose(
            actor=actor,
            locked=locked,
            explanation=explanation,
            rule_id=sanction.order.rule_id,
            note=sanction.reason,
        )
    elif sanction.code in {SanctionCode.DELIST, SanctionCode.RETIRE}:
        if locked.status != Status.IN_OPERATION:
            raise ServiceError(f"只有运行中的系统可以{label}", field="code")
        project_status_move(project=locked, to_status=Status.RETIRED, actor=actor, reason=explanation)
    notify_after_commit(
        organisation_id=locked.lead_unit_id,
        text=f"“{locked.name}”{explanation}"[:255],
        url=f"/projects/{locked.pk}/acceptance/#orders",
    )
    if sanction.code == SanctionCode.CRITICISM:  # 通报: the jurisdiction's units and bureaus are told
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"通报批评：{locked.lead_unit.name}“{locked.name}”{sanction.reason}"[:255],
            url=f"/projects/{locked.pk}/acceptance/#orders",
        )


# ------------------------------------------------------------------ 运行: 运维备案 and evaluations


def om_filing_record(
    *,
    actor: Any,
    project: Project,
    rule_id: str,
    year: int | None,
    filed_on: dt.date | None,
    raw: dict[str, Any],
) -> Filing:
    """年度运维备案 and the other yearly duties of a system in use (舒城 DL-05 按年度报县数管局备案, 石嘴山 DL-09
    预算年度结束后一个月内, 上城 DL-48 等保三级以上每年一次等保测评) — one record per duty and year: the pack's
    filing form where it has one, else a written account (不少于 10 个字)."""
    _unit(actor, project, "om.filing", IN_USE)
    duty = next((d for d in selectors.operation_duties(project) if d.rule.id == rule_id), None)
    if duty is None:
        raise ServiceError("政策包没有这项运行期间的报送事项", field="rule_id")
    rule, form = duty.rule, duty.form
    today = clock.today()
    if year is None or not 2000 <= year <= today.year:
        raise ServiceError(f"年度应在 2000 至 {today.year} 之间", field="year")
    filed_on = date_clean(filed_on, field="filed_on", label="报送日期")
    if form is not None:
        clean = filing_form_data(project, form, raw)
        content = ""
    else:
        clean = {}
        content = text_clean(
            raw.get("content"), field="content", label="报送情况", limit=4000, minimum=REASON_MIN
        )
    with transaction.atomic():
        locked = project_lock(project)
        period_end = dt.date(year, 12, 31)
        cite = rule.cite
        filing = row_insert_once(
            Filing,
            conflict=f"{year} 年度已报送",
            field="year",
            project=locked,
            rule_id=rule.id,
            title=f"{rule.name}（{year}年度）"[:200],
            cite=f"{cite.article}：{cite.quote}"[:300],
            due_on=period_end,
            filed_on=filed_on,
            form_id=form.id if form is not None else "",
            data=clean,
            content=content,
            filed_by=actor,
            filed_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="om.filing",
            target=locked,
            after={"rule": rule.id, "year": year, "filed_on": filed_on.isoformat(), "data": clean},
        )
        notify_after_commit(
            jurisdiction_id=locked.jurisdiction_id,
            role="reviewer",
            text=f"{locked.lead_unit.name}报送{year}年度运维备案：{locked.name}",
            url=f"/projects/{locked.pk}/acceptance/#operation",
        )
    return filing


def evaluation_record(
    *,
    actor: Any,
    project: Project,
    rule_id: str,
    year: int | None,
    evaluated_on: dt.date | None,
    scores: dict[str, Any] | None = None,
    raw: dict[str, Any] | None = None,
) -> Evaluation:
    """自评价 by the unit with the pack's report form (金乡 第三十六条), or 绩效评价 by the bureau with the pack's
    weighted indicators (舒城 第二十四条) or form (上城 ¶82): the weighted total decides 合格 against the pass mark."""
    table = next((t for t in selectors.evaluation_tables(project) if t.id == rule_id), None)
    form = next((f for f in selectors.pack_forms(project, "evaluation") if f.id == rule_id), None)
    if table is None and form is None:
        raise ServiceError("政策包没有这项评价", field="rule_id")
    by_unit = (
        form is not None
        and "PROJECT_UNIT" in _stage_roles(project, form.stage)
        and is_unit_member(actor, project)
    )
    kind = EvaluationKind.SELF if by_unit else EvaluationKind.PERFORMANCE
    if kind == EvaluationKind.PERFORMANCE:
        reviewer_required(actor, project, "evaluation.record")
    if project.status not in IN_USE:
        raise ServiceError("项目投入运行后方可评价", field="rule_id")
    today = clock.today()
    if year is None or not 2000 <= year <= today.year:
        raise ServiceError(f"评价年度应在 2000 至 {today.year} 之间", field="year")
    evaluated_on = date_clean(evaluated_on, field="evaluated_on", label="评价日期")
    clean_scores: dict[str, int] = {}
    total: Decimal | None = None
    data: dict[str, Any] = {}
    if table is not None:
        for criterion in table.criteria:
            raw_score = str((scores or {}).get(criterion.code, "")).strip()
            if not raw_score.isdigit() or not 0 <= int(raw_score) <= 100:
                raise ServiceError(
                    f"“{criterion.name}”得分应为 0 至 100 的整数", field=f"score_{criterion.code}"
                )
            clean_scores[criterion.code] = int(raw_score)
        total = (
            sum((Decimal(clean_scores[c.code] * c.weight) for c in table.criteria), Decimal(0)) / 100
        ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        conclusion = "合格" if table.pass_mark is None or total >= table.pass_mark else "不合格"
    else:
        assert form is not None
        data, errors = form_check(project, form, raw or {})
        if errors:
            key, message = next(iter(errors.items()))
            raise ServiceError(f"《{form.name}》：{message}", field=f"ev_{key}")
        graded = next((spec for spec in form.fields if spec.type == "choice" and spec.key in data), None)
        failing = any(spec.blocking and data.get(spec.key) in spec.blocking for spec in form.fields)
        conclusion = str(data.get(graded.key)) if graded else ("不合格" if failing else "已评价")
    with transaction.atomic():
        locked = project_lock(project)
        record = row_insert_once(
            Evaluation,
            conflict=f"{year} 年度的{EvaluationKind(kind).label}已登记",
            field="year",
            project=locked,
            kind=kind,
            year=year,
            rule_id=rule_id,
            scores=clean_scores,
            total=total,
            data=data,
            conclusion=conclusion[:40],
            evaluated_on=evaluated_on,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action=f"evaluation.{kind}",
            target=locked,
            after={
                "rule": rule_id,
                "year": year,
                "scores": clean_scores,
                "total": str(total) if total is not None else None,
                "conclusion": conclusion,
                "data": data,
            },
        )
    return record


def _stage_roles(project: Project, stage_id: str | None) -> list[str]:
    pack = selectors.project_pack(project)
    stage = next((s for s in pack.route if s.id == stage_id), None) if pack is not None else None
    return list(stage.roles) if stage is not None else []


# ------------------------------------------------------------------ 数据资源


def data_resource_record(
    *,
    actor: Any,
    project: Project,
    kind: str,
    name: str,
    description: str,
    share_mode: str,
    shared_on: dt.date | None,
) -> DataResource:
    """A 信息资源目录 entry or an item of the 数据“三清单”, kept by the unit from 立项 on."""
    _unit(actor, project, "data.resource", BUILDING | IN_USE | {Status.APPROVED})
    if kind not in ResourceKind.values:
        raise ServiceError("请选择数据资源类别", field="kind")
    if share_mode not in ShareMode.values:
        raise ServiceError("请选择共享方式", field="share_mode")
    name = text_clean(name, field="name", label="资源（事项）名称", limit=100)
    description = text_clean(description, field="description", label="信息项 / 说明", limit=4000)
    if shared_on is not None:
        shared_on = date_clean(shared_on, field="shared_on", label="挂接共享平台日期")
    if share_mode == ShareMode.NONE and kind == ResourceKind.CATALOGUE and "依据" not in description:
        raise ServiceError("不予共享的目录须在说明中写明依据（法律法规或负面清单）", field="description")
    with transaction.atomic():
        locked = project_lock(project)
        record = row_insert_once(
            DataResource,
            conflict=f"“{name}”已登记",
            field="name",
            project=locked,
            kind=kind,
            name=name,
            description=description,
            share_mode=share_mode,
            shared_on=shared_on,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="data.resource",
            target=locked,
            after={
                "kind": kind,
                "name": name,
                "share_mode": share_mode,
                "shared_on": shared_on.isoformat() if shared_on else None,
            },
        )
    return record


def sharing_check_record(*, actor: Any, project: Project, compliant: bool, note: str) -> SharingCheck:
    """数据共享核查 by the competent bureau (the data authority): its conclusion is what the packs' sharing
    rules read (不予安排运维经费, 上城 DL-51 三个月内整改否则下架)."""
    reviewer_required(actor, project, "data.sharing_check")
    note = text_clean(
        note,
        field="note",
        label="核查意见",
        limit=2000,
        minimum=0 if compliant else REASON_MIN,
        required=not compliant,
    )
    with transaction.atomic():
        locked = project_lock(project)
        if locked.status not in BUILDING | IN_USE:
            raise ServiceError(f"项目当前状态为“{locked.get_status_display()}”，不能核查", field="note")
        record = SharingCheck.objects.create(
            project=locked,
            compliant=compliant,
            note=note,
            checked_on=clock.today(),
            checked_by=actor,
            checked_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="data.sharing_check",
            target=locked,
            after={"compliant": compliant, "note": note},
        )
        if not compliant:
            notify_after_commit(
                organisation_id=locked.lead_unit_id,
                text=f"数据共享核查未通过：{locked.name}（{note}）"[:255],
                url=f"/projects/{locked.pk}/acceptance/#data",
            )
    return record
