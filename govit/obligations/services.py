"""期限事项: the pack's deadlines of a project kept as obligations (recomputed whenever the project changes),
moved on by date by a scan that reminds, marks overdue and escalates (催办) — each reminder sent once."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.core import mail
from django.db import connections, router, transaction
from django.db.models import Case, CharField, DateField, F, Func, Value, When
from django.utils import timezone

from govit.accounts.choices import OrganisationKind, Role
from govit.accounts.models import Notification, Organisation, RoleAssignment
from govit.audit.choices import Outcome
from govit.audit.services import audit_denied, audit_record
from govit.core import clock
from govit.core.db import rows_insert
from govit.core.errors import ConflictError, ServiceError
from govit.core.forms import text_clean
from govit.delivery.models import Filing, ProgressReport
from govit.obligations.choices import ACTIVE_STATES, ObligationState, ReminderKind
from govit.obligations.models import IssuerDueDate, Obligation, Reminder, Webhook
from govit.obligations.selectors import responsible_organisation, state_on
from govit.obligations.webhooks import deliveries_queue
from govit.policies.engine import PackError, load_pack
from govit.policies.engine.calendar import working_days_before
from govit.policies.selectors import work_calendar
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.permissions import is_competent_reviewer
from govit.projects.policy import project_policy
from govit.projects.services import project_policy_shared, project_shared
from govit.workflow.choices import Outcome as Decision
from govit.workflow.models import StageDecision

log = logging.getLogger(__name__)
REASON_MIN = 10
_SKIPPED_KINDS = frozenset({"validity", "min_duration"})  # standing and waiting periods, not duties
_local = threading.local()


def _escalation_days() -> tuple[int, ...]:
    """Days after the due date at which an overdue obligation is escalated: to the unit's 负责人, then to the
    bureau (settings ``GOVIT_ESCALATION_DAYS``)."""
    return tuple(settings.GOVIT_ESCALATION_DAYS)


def _overdue_next_check(due_on: dt.date, escalation: int) -> dt.date | None:
    ladder = _escalation_days()
    return due_on + dt.timedelta(days=ladder[escalation]) if escalation < len(ladder) else None


# ------------------------------------------------------------------ recomputing a project's obligations


def on_audit_event(action: str, target: Any, outcome: str) -> None:
    """Every state change of a project is audited; its obligations follow in the same transaction (or, in
    a batch, once at its end)."""
    if not isinstance(target, Project) or outcome != Outcome.SUCCESS:
        return
    if action.endswith((".view", ".export", ".download")) or getattr(_local, "syncing", False):
        return
    batch = getattr(_local, "batch", None)
    if batch is not None:
        batch.add(target.pk)
        return
    project = (
        project_shared(target.pk) or Project.objects.filter(pk=target.pk).select_related("lead_unit").first()
    )
    if project is not None:
        obligations_sync(project, policy_of=project_policy_shared)


@contextmanager
def obligations_batch() -> Iterator[None]:
    """Bulk work (loading demo data, imports): each project touched inside is brought up to date once, at
    the end, instead of after every event."""
    if getattr(_local, "batch", None) is not None:
        yield
        return
    touched: set[int] = set()
    _local.batch = touched
    try:
        yield
    finally:
        _local.batch = None
    for project in Project.objects.filter(pk__in=touched).select_related("lead_unit"):
        obligations_sync(project)


def _recurring_closed(project: Project, rule: Any, due_on: dt.date) -> dt.date | None:
    """When a recurring duty's instance was done: the month's progress report (上城 DL-46 每月20日前), or a
    filing under the rule within a year of the due date (yearly duties)."""
    if rule.period.every == "monthly":
        return (
            ProgressReport.objects.filter(project=project, period=due_on.strftime("%Y-%m"))
            .values_list("reported_on", flat=True)
            .first()
        )
    year = dt.timedelta(days=366)
    return (
        Filing.objects.filter(
            project=project, rule_id=rule.id, filed_on__gt=due_on - year, filed_on__lte=due_on + year
        )
        .order_by("filed_on")
        .values_list("filed_on", flat=True)
        .first()
    )


RETURN_RULE = "RETURN"


def _return_duties(project: Project) -> list[tuple[str, dt.date, dict[str, Any], dt.date | None]]:
    """退回修改 with a due date: the unit must resubmit by then; done when it resubmits (a later return gives
    a new duty with its own date, so reminders follow the project through every round)."""
    out: list[tuple[str, dt.date, dict[str, Any], dt.date | None]] = []
    returns = list(
        StageDecision.objects.filter(project=project, outcome=Decision.REVISE, due_date__isnull=False)
    )
    if not returns:
        return out
    resubmissions = list(
        project.transitions.filter(from_status=Status.RETURNED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    for decision in returns:
        if decision.due_date is None:
            continue
        returned_on = timezone.localdate(decision.decided_at)
        done = next((timezone.localdate(at) for at in resubmissions if at > decision.decided_at), None)
        article, _, quote = decision.cite.partition("：")
        item = {
            "name": f"退回修改后重新提交（{decision.stage_name}）",
            "cite": {"article": article, "quote": quote},
            "consequence": "逾期未重新提交的，主管部门可结束本次申报",
            "trigger_date": returned_on.isoformat(),
        }
        out.append((RETURN_RULE, decision.due_date, item, done))
    return out


_SAVED_FIELDS = (
    "jurisdiction_id",
    "organisation_id",
    "role",
    "name",
    "cite",
    "consequence",
    "on_overdue",
    "recurring",
    "trigger_on",
    "remind_on",
    "state",
    "closed_on",
    "next_check_on",
)


def _snapshot(ob: Obligation | None) -> tuple[Any, ...] | None:
    return None if ob is None else tuple(getattr(ob, name) for name in _SAVED_FIELDS)


def _apply_state(ob: Obligation, closed: dt.date | None, today: dt.date) -> None:
    if closed is not None:
        ob.state, ob.closed_on, ob.next_check_on = ObligationState.FULFILLED, closed, None
        return
    ob.closed_on = None
    if ob.state == ObligationState.WAIVED:
        return
    state, next_check = state_on(ob.due_on, ob.remind_on, today)
    if state == ObligationState.OVERDUE:
        next_check = _overdue_next_check(ob.due_on, ob.escalation)
    ob.state, ob.next_check_on = state, next_check


def obligations_sync(
    project: Project, *, policy_of: Callable[[Project], dict[str, Any]] = project_policy
) -> None:
    """Bring the project's obligations in line with what its pack says today: new ones created, moved due
    dates (退回后重新提交, a later trigger) supersede the old ones, done ones fulfilled; recurring duties
    keep one record per due date. ``policy_of`` gives the project's evaluation (the one its change shares
    with the other listeners)."""
    if not project.pack_code:
        return
    _local.syncing = True
    try:
        _sync(project, policy_of)
    finally:
        _local.syncing = False


def _sync(project: Project, policy_of: Callable[[Project], dict[str, Any]]) -> None:
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        return
    policy = policy_of(project)
    if "error" in policy:
        return
    rules = {rule.id: rule for rule in pack.deadlines}
    today = clock.today()
    calendar = work_calendar()
    wanted: dict[tuple[str, dt.date], tuple[dict[str, Any], dt.date | None]] = {}
    for item in policy.get("deadlines", []):
        rule = rules.get(item["id"])
        if (
            rule is None
            or rule.direction != "by"
            or rule.period.kind in _SKIPPED_KINDS
            or not item.get("due")
        ):
            continue
        due_on = dt.date.fromisoformat(item["due"])
        status = item.get("status")
        if rule.period.kind == "recurring":
            closed = _recurring_closed(project, rule, due_on)
        elif status in {"met", "late"}:
            closed = dt.date.fromisoformat(item["closing_date"]) if item.get("closing_date") else today
        elif status in {"open", "overdue"}:
            closed = None
        else:
            continue
        wanted[(rule.id, due_on)] = (item, closed)
    for rule_id, due_on, item, closed in _return_duties(project):
        wanted[(rule_id, due_on)] = (item, closed)
    existing = {(ob.rule_id, ob.due_on): ob for ob in Obligation.objects.filter(project=project)}
    organisations: dict[str, Any] = {}
    created: list[Obligation] = []
    changed: list[tuple[Obligation, list[str] | None]] = []
    for (rule_id, due_on), (item, closed) in wanted.items():
        rule = rules.get(rule_id)
        role = rule.by[0] if rule is not None else "PROJECT_UNIT"
        if role not in organisations:
            organisations[role] = responsible_organisation(project, role)
        ob = existing.get((rule_id, due_on))
        before = _snapshot(ob)
        if ob is None:
            ob = Obligation(project=project, rule_id=rule_id, due_on=due_on, escalation=0)
            ob.state = ObligationState.UPCOMING
        elif ob.state == ObligationState.SUPERSEDED:
            ob.state = ObligationState.UPCOMING
        cite = item.get("cite") or {}
        lead = (
            rule.remind_working_days
            if rule is not None and rule.remind_working_days is not None
            else pack.meta.remind_working_days
        )
        ob.jurisdiction_id = project.jurisdiction_id
        ob.organisation_id = organisations[role].pk
        ob.role = role
        ob.name = str(item.get("name", rule_id))[:200]
        ob.cite = f"{cite.get('article', '')}：{cite.get('quote', '')}"[:300]
        ob.consequence = str(item.get("consequence", ""))[:300]
        ob.on_overdue = str(item.get("on_overdue") or "")
        ob.recurring = rule is not None and rule.period.kind == "recurring"
        ob.trigger_on = dt.date.fromisoformat(item["trigger_date"]) if item.get("trigger_date") else None
        ob.remind_on = working_days_before(due_on, lead, calendar)
        _apply_state(ob, closed, today)
        if before is None:
            created.append(ob)
        elif _snapshot(ob) != before:  # most changes of a project leave its obligations as they were
            changed.append((ob, None))
    for key, ob in existing.items():
        if key in wanted or ob.state not in ACTIVE_STATES:
            continue
        rule = rules.get(ob.rule_id)
        if ob.recurring and rule is not None:
            closed = _recurring_closed(project, rule, ob.due_on)  # a past month's report, handed in late
            if closed is not None:
                _apply_state(ob, closed, today)
                changed.append((ob, ["state", "closed_on", "next_check_on", "updated_at"]))
            continue
        ob.state, ob.next_check_on = ObligationState.SUPERSEDED, None
        changed.append((ob, ["state", "next_check_on", "updated_at"]))
    if not (created or changed):
        return
    with transaction.atomic():
        Obligation.objects.bulk_create(created)
        for ob, fields in changed:
            ob.save(update_fields=fields)


# Apps above this one that keep figures of the obligations (统计分析汇总) are told which projects' obligations a
# bulk write changed: the scan and the resync write rows without an audit event per project. A listener runs
# inside the writing transaction.
BulkListener = Callable[[Collection[int]], None]
_BULK_LISTENERS: list[BulkListener] = []


def obligations_bulk_listener_register(listener: BulkListener) -> BulkListener:
    if listener not in _BULK_LISTENERS:
        _BULK_LISTENERS.append(listener)
    return listener


def _bulk_changed(project_ids: Collection[int]) -> None:
    if project_ids:
        for listener in _BULK_LISTENERS:
            listener(project_ids)


def obligations_resync(*, jurisdiction_id: int | None = None) -> int:
    """Recompute every project with open obligations (after the working-day calendar was edited)."""
    projects = Project.objects.filter(obligations__state__in=list(ACTIVE_STATES)).distinct()
    if jurisdiction_id is not None:
        projects = projects.filter(jurisdiction_id=jurisdiction_id)
    synced: list[int] = []
    for project in projects.select_related("lead_unit").iterator():
        obligations_sync(project)
        synced.append(project.pk)
    _bulk_changed(synced)
    return len(synced)


# ------------------------------------------------------------------ the bureau's hand: waive, set a due date


def obligation_waive(*, actor: Any, obligation: Obligation, reason: str) -> Obligation:
    """主管部门豁免一项期限事项（写明理由）— the consequence the pack names is not pursued."""
    project = obligation.project
    if not is_competent_reviewer(actor, project):
        audit_denied(
            actor=actor,
            action="obligation.waive",
            target=project,
            message="只有主管部门审核人可以豁免期限事项",
        )
    reason = text_clean(reason, field="reason", label="豁免理由", limit=2000, minimum=REASON_MIN)
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if locked.state not in ACTIVE_STATES:
            raise ConflictError(f"该事项当前为“{locked.get_state_display()}”，不能豁免", field="reason")
        before = locked.state
        locked.state, locked.next_check_on = ObligationState.WAIVED, None
        locked.waived_by, locked.waived_at, locked.waive_reason = actor, clock.now(), reason
        locked.save()
        audit_record(
            actor=actor,
            action="obligation.waive",
            target=project,
            before={"state": before},
            after={"rule": locked.rule_id, "due_on": locked.due_on.isoformat(), "reason": reason},
        )
    return locked


def issuer_due_set(
    *, actor: Any, project: Project, rule_id: str, due_on: dt.date | None, note: str = ""
) -> Any:
    """限期 — the bureau sets the due date of a deadline the pack leaves to the issuer."""
    if not is_competent_reviewer(actor, project):
        audit_denied(
            actor=actor, action="obligation.set_due", target=project, message="只有主管部门审核人可以设定限期"
        )
    if due_on is None:
        raise ServiceError("请填写限期", field="due_on")
    if due_on < clock.today():
        raise ServiceError("限期不能早于今天", field="due_on")
    note = text_clean(note, field="note", label="说明", limit=300, required=False)
    try:
        pack = load_pack(project.pack_code).pack
    except PackError as error:
        raise ServiceError(f"无法读取政策包：{error}") from None
    rule = next((r for r in pack.deadlines if r.id == rule_id), None)
    if rule is None or rule.period.kind != "set_by_issuer":
        raise ServiceError("政策包中没有这项由主管部门设定期限的规则", field="rule_id")
    with transaction.atomic():
        record, created = IssuerDueDate.objects.update_or_create(
            project=project,
            rule_id=rule_id,
            defaults={"due_on": due_on, "note": note, "set_by": actor, "set_at": clock.now()},
        )
        audit_record(
            actor=actor,
            action="obligation.set_due",
            target=project,
            after={"rule": rule_id, "due_on": due_on.isoformat(), "note": note, "new": created},
        )
    return record


# ------------------------------------------------------------------ the scan


@dataclass
class ScanResult:
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    rolled: int = 0
    reminders: int = 0
    notifications: int = 0
    emails: int = 0
    webhooks: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


_CHUNK = 2000


class _DaysAfter(Func):
    """``field`` + ``days`` for a date column, computed by the database itself (on SQLite Django's generic
    date arithmetic calls back into Python for every row, which dominates a scan of a million rows)."""

    output_field = DateField()

    def __init__(self, field: str, days: int) -> None:
        super().__init__(F(field), Value(int(days)))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _with_ids(queryset: Any, ids: list[int], column: str = "id") -> Any:
    """``queryset`` limited to rows whose ``column`` is one of ``ids`` (integers from the database): the list
    is written into the SQL as numbers, because at province scale Django's preparation of every value of an
    ``__in`` lookup costs more than the query itself."""
    connection = connections[router.db_for_write(queryset.model)]
    qualified = (
        f"{connection.ops.quote_name(queryset.model._meta.db_table)}.{connection.ops.quote_name(column)}"
    )
    return queryset.extra(where=[f"{qualified} IN ({','.join(str(int(i)) for i in ids)})"])


_DUE_COLUMNS = (
    "id",
    "escalation",
    "due_on",
    "project_id",
    "project__name",
    "project__jurisdiction__parent_id",
    "jurisdiction_id",
    "organisation_id",
    "organisation__kind",
    "name",
    "cite",
)


class _Due(NamedTuple):
    """An obligation the scan moves on, as read by ``_due_rows`` (in ``_DUE_COLUMNS`` order)."""

    id: int
    escalation: int
    due_on: Any  # a date, or its ISO text on SQLite
    project_id: int
    project_name: str
    parent_jurisdiction_id: int | None
    jurisdiction_id: int
    organisation_id: int
    organisation_kind: str
    name: str
    cite: str


_OVERDUE, _SOON, _CLIMB = "o", "s", "e"


def _due_rows(due: Any, today: dt.date) -> list[tuple[Any, ...]]:
    """Every obligation whose next check has come, with what its reminder says and what happens to it
    (``_OVERDUE``, ``_SOON``, ``_CLIMB`` or nothing), in one query. The rows are read through the database
    cursor as stored (a date may come back as text): turning a million rows into Python dates and dicts
    would cost more than the scan itself."""
    step = Case(
        When(
            state__in=[ObligationState.UPCOMING, ObligationState.DUE_SOON],
            due_on__lt=today,
            then=Value(_OVERDUE),
        ),
        When(state=ObligationState.UPCOMING, remind_on__lte=today, due_on__gte=today, then=Value(_SOON)),
        When(state=ObligationState.OVERDUE, then=Value(_CLIMB)),
        default=Value(""),
        output_field=CharField(),
    )
    queryset = due.annotate(step=step).values_list("step", *_DUE_COLUMNS)
    sql, params = queryset.query.sql_with_params()
    with connections[router.db_for_write(Obligation)].cursor() as cursor:
        cursor.execute(sql, params)
        return [row for row in cursor.fetchall() if row[0]]


def obligations_scan(*, today: dt.date | None = None) -> ScanResult:
    """Move obligations on by date — only those whose next check has come (incremental), in set-based
    updates; send each reminder once (idempotent: a second run finds nothing to do)."""
    today = today or clock.today()
    result = ScanResult()
    to_roll = Obligation.objects.filter(recurring=True, rolled=False, due_on__lt=today)
    rolling = list(to_roll.values_list("project_id", flat=True).distinct())
    for project in Project.objects.filter(pk__in=rolling).select_related("lead_unit"):
        obligations_sync(project)  # the next month's (year's) instance, and past ones handed in late
        result.rolled += 1
    to_roll.filter(project_id__in=rolling).update(rolled=True)
    ladder = _escalation_days()
    due = Obligation.objects.filter(next_check_on__lte=today)
    with transaction.atomic():
        _scan_lock()
        found = _due_rows(due, today)
        rows = {row[1]: _Due._make(row[1:]) for row in found}
        to_overdue = [row[1] for row in found if row[0] == _OVERDUE]
        to_soon = [row[1] for row in found if row[0] == _SOON]
        by_level: dict[int, list[int]] = defaultdict(list)
        for row in found:
            if row[0] == _CLIMB:
                by_level[row[2]].append(row[1])
        # each update repeats the condition its rows were read under, so a row that changed meanwhile (an
        # event fulfilled it) is left alone; climbing first, so rows just made overdue do not climb today
        sends: list[tuple[int, str]] = []
        for level, ids in sorted(by_level.items()):
            after = level + 1
            due.filter(state=ObligationState.OVERDUE, escalation=level).update(
                escalation=after,
                next_check_on=_DaysAfter("due_on", ladder[after]) if after < len(ladder) else None,
            )
            kind = ReminderKind.ESCALATE_HEAD if after == 1 else ReminderKind.ESCALATE_BUREAU
            sends += [(pk, kind) for pk in ids]
            result.escalated += len(ids)
        if to_overdue:
            due.filter(
                state__in=[ObligationState.UPCOMING, ObligationState.DUE_SOON], due_on__lt=today
            ).update(
                state=ObligationState.OVERDUE,
                escalation=0,
                next_check_on=_DaysAfter("due_on", ladder[0]) if ladder else None,
            )
        if to_soon:
            due.filter(state=ObligationState.UPCOMING, remind_on__lte=today, due_on__gte=today).update(
                state=ObligationState.DUE_SOON, next_check_on=_DaysAfter("due_on", 1)
            )
        # the projects whose obligations went overdue (or rolled on), for the apps that count them
        _bulk_changed({rows[pk].project_id for pk in to_overdue} | set(rolling))
        sends += [(pk, ReminderKind.OVERDUE) for pk in to_overdue]
        sends += [(pk, ReminderKind.DUE_SOON) for pk in to_soon]
        result.overdue, result.due_soon = len(to_overdue), len(to_soon)
        _remind(sends, rows, result)
    return result


_SCAN_LOCK = 0x60F17  # the advisory lock scans take turns on (PostgreSQL)


def _scan_lock() -> None:
    """Scans take turns, so two workers never send the same reminder. SQLite's write transactions already
    do (GovIT opens them IMMEDIATE); PostgreSQL waits on an advisory lock until the other scan commits."""
    connection = connections[router.db_for_write(Obligation)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCAN_LOCK])


def _remind(sends: list[tuple[int, str]], rows: dict[int, _Due], result: ScanResult) -> None:
    """Record and deliver the reminders not sent before: in-app messages, and e-mail to those with an
    address (a mail failure is logged, never raised)."""
    if not sends:
        return
    now = clock.now()
    stamp = _db_moment(Reminder, now)
    sent: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted({pk for pk, _kind in sends})):
        sent.update(
            _with_ids(Reminder.objects.all(), chunk, "obligation_id").values_list("obligation_id", "kind")
        )
    fresh = [send for send in dict.fromkeys(sends) if send not in sent]
    people = _people({row.organisation_id for row in rows.values()}, rows.values())
    notes: dict[tuple[int, str], list[int]] = defaultdict(list)  # (user, kind): obligations
    mails: dict[tuple[str, str], list[int]] = defaultdict(list)  # (address, kind): obligations
    reminders: list[tuple[Any, ...]] = []
    reached: dict[tuple[Any, ...], list[tuple[int, str]]] = {}
    for pk, kind in fresh:
        row = rows[pk]
        key = (
            kind,
            row.organisation_id,
            row.organisation_kind,
            row.jurisdiction_id,
            row.parent_jurisdiction_id,
        )
        recipients = reached.get(key)
        if recipients is None:
            recipients = reached[key] = _recipients(row, kind, people)
        for uid, email in recipients:
            notes[(uid, kind)].append(pk)
            if email:
                mails[(email, kind)].append(pk)
        reminders.append((pk, kind, stamp, len(recipients)))
    # no conflict is possible: scans take turns (``_scan_lock``) and the rows sent before were left out above
    rows_insert(Reminder, ("obligation_id", "kind", "sent_at", "recipients"), reminders)
    result.webhooks = deliveries_queue(_webhook_items(fresh, rows))
    said = _Texts(rows)
    rows_out = [
        (uid, text, url, stamp)
        for (uid, kind), pks in notes.items()
        for text, url in _digest(kind, pks, said)
    ]
    rows_insert(Notification, ("recipient_id", "text", "url", "created_at"), rows_out)
    result.reminders, result.notifications = len(reminders), len(rows_out)
    messages = _mail_messages(mails, said)
    if messages:
        transaction.on_commit(lambda: _mail(messages))
        result.emails = sum(len(m[3]) for m in messages)


class _Texts:
    """What each reminder says, worked out only for the reminders that are shown one by one."""

    def __init__(self, rows: dict[int, _Due]) -> None:
        self.rows = rows
        self.said: dict[tuple[int, str], tuple[str, str]] = {}

    def __call__(self, pk: int, kind: str) -> tuple[str, str]:
        key = (pk, kind)
        if key not in self.said:
            self.said[key] = _reminder_text(self.rows[pk], kind)
        return self.said[key]

    def body(self, pk: int, kind: str) -> str:
        text, url = self(pk, kind)
        return f"{text}\n依据：{self.rows[pk].cite}\n办理：{settings.GOVIT_BASE_URL}{url}"


# More reminders of one kind than this for one person in one scan come as one summary message (the list is
# on the 期限事项 page), so a backlog does not bury the message centre or the mailbox.
DIGEST_AFTER = 20
_DIGEST_LISTED = 100  # obligations listed in a summary e-mail
_DIGEST_STATES = {
    ReminderKind.DUE_SOON: ObligationState.DUE_SOON,
    ReminderKind.OVERDUE: ObligationState.OVERDUE,
}


def _digest(kind: str, pks: list[int], said: _Texts) -> list[tuple[str, str]]:
    """One person's (text, page) reminders of one kind, or one summary when there are many."""
    if len(pks) <= DIGEST_AFTER:
        return [said(pk, kind) for pk in pks]
    state = _DIGEST_STATES.get(ReminderKind(kind), ObligationState.OVERDUE)
    text = f"【{_LABELS[kind]}】共 {len(pks)} 项期限事项，如：{said(pks[0], kind)[0].split('】', 1)[-1]}"
    return [(text[:255], f"/obligations/?state={state}")]


def _mail_messages(
    mails: dict[tuple[str, str], list[int]], said: _Texts
) -> list[tuple[str, str, str | None, list[str]]]:
    """The e-mails to send: one per reminder, to every address it reaches; an address with more than
    ``DIGEST_AFTER`` reminders of a kind gets one summary listing them instead."""
    single: dict[tuple[int, str], list[str]] = defaultdict(list)
    messages: list[tuple[str, str, str | None, list[str]]] = []
    for (email, kind), pks in mails.items():
        if len(pks) <= DIGEST_AFTER:
            for pk in pks:
                single[(pk, kind)].append(email)
            continue
        shown = "\n\n".join(said.body(pk, kind) for pk in pks[:_DIGEST_LISTED])
        more = len(pks) - _DIGEST_LISTED
        tail = f"\n\n另有 {more} 项，见{settings.GOVIT_BASE_URL}/obligations/" if more > 0 else ""
        subject = f"[GovIT] 【{_LABELS[kind]}】共 {len(pks)} 项期限事项"
        messages.append((subject, f"{shown}{tail}", None, [email]))
    for (pk, kind), emails in single.items():
        messages.append((f"[GovIT] {said(pk, kind)[0]}"[:200], said.body(pk, kind), None, emails))
    return messages


_LABELS = {kind.value: kind.label for kind in ReminderKind}


def _reminder_text(row: Any, kind: str) -> tuple[str, str]:
    """(what a reminder says, the page it points to) — the same in the message centre, e-mail and webhooks."""
    # the due date as the database gave it: a date, or its ISO text on SQLite
    text = f"【{_LABELS[kind]}】{row.project_name}：{row.name}，应于 {str(row.due_on)[:10]} 前办理"
    return text[:255], f"/projects/{row.project_id}/obligations/"


def _webhook_items(
    fresh: list[tuple[int, str]], rows: dict[int, Any]
) -> list[tuple[int, str, dict[str, Any]]]:
    """What each reminder says to the organisations' webhooks: the responsible one, and for 催办 to the
    bureau also the bureau (payload documented in docs/architecture.md)."""
    hooked = set(Webhook.objects.filter(is_active=True).values_list("organisation_id", flat=True).distinct())
    if not hooked:
        return []
    bureaus: dict[int, list[int]] = defaultdict(list)
    if any(kind == ReminderKind.ESCALATE_BUREAU for _pk, kind in fresh):
        for org_id, jurisdiction_id in Organisation.objects.filter(
            kind=OrganisationKind.COMPETENT_BUREAU,
            jurisdiction_id__in={r.jurisdiction_id for r in rows.values()},
        ).values_list("id", "jurisdiction_id"):
            bureaus[jurisdiction_id].append(org_id)
    items: list[tuple[int, str, dict[str, Any]]] = []
    for pk, kind in fresh:
        row = rows[pk]
        targets = {row.organisation_id}
        if kind == ReminderKind.ESCALATE_BUREAU:
            targets.update(bureaus.get(row.jurisdiction_id, []))
        targets &= hooked
        if not targets:
            continue
        text, url = _reminder_text(row, kind)
        payload = {
            "text": text,
            "obligation": {
                "id": pk,
                "name": row.name,
                "due_on": str(row.due_on)[:10],
                "cite": row.cite,
                "url": f"{settings.GOVIT_BASE_URL}{url}",
            },
            "project": {"id": row.project_id, "name": row.project_name},
            "reminder": {"kind": kind, "label": ReminderKind(kind).label},
        }
        items += [(org, f"obligation.{kind}", payload) for org in sorted(targets)]
    return items


def _db_moment(model: Any, moment: dt.datetime) -> Any:
    """``moment`` as the database behind ``model`` stores a datetime, converted once for all the rows."""
    return connections[router.db_for_write(model)].ops.adapt_datetimefield_value(moment)


def _mail(messages: list[tuple[str, str, str | None, list[str]]]) -> None:
    try:
        mail.send_mass_mail(tuple(messages), fail_silently=False)
    except Exception:  # a mail server that is down must not stop the reminders in the app
        log.exception("sending %d reminder e-mails failed", len(messages))


def _people(org_ids: set[int], rows: Any) -> dict[tuple[str, int], list[tuple[int, str]]]:
    """{(role, organisation or jurisdiction id): [(user id, e-mail)]} for everyone a reminder may reach."""
    jurisdictions = {row.jurisdiction_id for row in rows} | {
        row.parent_jurisdiction_id for row in rows if row.parent_jurisdiction_id
    }
    people: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    assignments = RoleAssignment.objects.filter(organisation_id__in=org_ids) | RoleAssignment.objects.filter(
        organisation__jurisdiction_id__in=jurisdictions,
        role__in=[Role.REVIEWER, Role.SUPERVISOR],
        organisation__kind=OrganisationKind.COMPETENT_BUREAU,
    )
    for role, org_id, jurisdiction_id, user_id, email in assignments.filter(user__is_active=True).values_list(
        "role", "organisation_id", "organisation__jurisdiction_id", "user_id", "user__email"
    ):
        people[(role, org_id)].append((user_id, email))
        if role in (Role.REVIEWER, Role.SUPERVISOR):
            people[(f"j:{role}", jurisdiction_id)].append((user_id, email))
    return people


def _recipients(
    row: Any, kind: str, people: dict[tuple[str, int], list[tuple[int, str]]]
) -> list[tuple[int, str]]:
    org = row.organisation_id
    bureau_duty = row.organisation_kind == OrganisationKind.COMPETENT_BUREAU
    if kind in (ReminderKind.DUE_SOON, ReminderKind.OVERDUE):
        roles = [Role.REVIEWER] if bureau_duty else [Role.CLERK, Role.UNIT_HEAD]
        found = [p for role in roles for p in people.get((role, org), [])]
    elif kind == ReminderKind.ESCALATE_HEAD:
        found = people.get((Role.LEADER if bureau_duty else Role.UNIT_HEAD, org), [])
    elif bureau_duty:  # the level above the bureau
        parent = row.parent_jurisdiction_id
        found = people.get((f"j:{Role.SUPERVISOR}", parent), []) + people.get(
            (f"j:{Role.REVIEWER}", parent), []
        )
    else:
        found = people.get((f"j:{Role.REVIEWER}", row.jurisdiction_id), [])
    return list(dict.fromkeys(found))


__all__ = [
    "ScanResult",
    "issuer_due_set",
    "obligation_waive",
    "obligations_batch",
    "obligations_resync",
    "obligations_scan",
    "obligations_sync",
    "on_audit_event",
]
