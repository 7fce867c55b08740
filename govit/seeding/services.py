"""省级规模的演示与压测数据 — a portfolio of projects in every lifecycle state across the jurisdictions of the demo
world, with what their states imply (transitions, decisions, approvals, procurement, contracts, payments,
acceptance, materials, expert panels, obligations) and the audit events of every transition, chained.

Rows are written in bulk with explicit ids (one prepared statement on SQLite, COPY on PostgreSQL), one
transaction per batch; the audit events are chained with the same digest as ``audit_record``, in time order,
after the projects. The same seed on the same starting database gives the same portfolio."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from govit.acceptance.choices import ApplicationStatus, Conclusion
from govit.acceptance.models import AcceptanceApplication, InitialAcceptance
from govit.accounts.choices import OrganisationKind, Role
from govit.accounts.models import Jurisdiction, Organisation, RoleAssignment, User
from govit.audit.choices import Outcome as AuditOutcome
from govit.audit.hashing import event_digest, sm3_hex
from govit.audit.models import AuditChainHead, AuditEvent
from govit.audit.services import audit_record
from govit.core import clock
from govit.core.db import rows_insert, statistics_refresh
from govit.core.errors import ServiceError
from govit.dashboards.services import dashboard_summary_rebuild
from govit.delivery.choices import CLAUSES, ContractKind, ProcurementLot, ProcurementMethod, ProcurementRoute
from govit.delivery.models import Contract, Payment, Procurement
from govit.documents.models import Attachment
from govit.experts.choices import DrawStatus, MemberStatus, PanelOutcome, ReviewVerdict
from govit.experts.models import DrawMember, Expert, ExpertDraw, ExpertReview, PanelConclusion
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation
from govit.obligations.selectors import UNIT_PARTIES, state_on
from govit.policies.engine.errors import PackError
from govit.policies.engine.loader import load_pack
from govit.projects.choices import Nature, ProcurementCategory, Status
from govit.projects.models import DeclarationRound, Project, ProjectTransition
from govit.seeding import vocab
from govit.workflow.choices import FORWARD, Outcome
from govit.workflow.models import ProjectApproval, StageDecision
from govit.workflow.selectors import APPROVED_ONWARDS, route_state

BATCH = 2000
AUDIT_BATCH = 20000
MIN_YUAN = 50_000
MAX_YUAN = 50_000_000
# amounts of the route probes: the route a project follows is the one of the nearest probe at or below it
PROBE_AMOUNTS = (50_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000)
SEED_FILE = "seeding/政务信息化项目申报材料（样例）.pdf"
ProgressFn = Callable[[int, int, str], None]

_UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)


# ------------------------------------------------------------------ arguments


@dataclass(frozen=True)
class SeedOptions:
    projects: int
    seed: int
    first_year: int
    last_year: int


def seed_options_parse(*, projects: Any, seed: Any = 1, years: Any = None) -> SeedOptions:
    """The command's arguments checked, each refusal naming the argument and why (nothing is written)."""
    today = clock.today()
    text = str(projects).strip()
    if not text.lstrip("-").isdigit():
        raise ServiceError(f"--projects 须为正整数（项目个数），收到“{projects}”", field="projects")
    count = int(text)
    if count <= 0:
        raise ServiceError(f"--projects 须为正整数（项目个数），收到 {count}", field="projects")
    if count > 2_000_000:
        raise ServiceError("--projects 不能超过 2,000,000", field="projects")
    seed_text = str(seed).strip()
    if not seed_text.lstrip("-").isdigit():
        raise ServiceError(f"--seed 须为整数，收到“{seed}”", field="seed")
    span = str(years).strip() if years else f"{today.year - 9}-{today.year}"
    parts = span.split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ServiceError(f"--years 须写成“起始年-结束年”，如 2017-2026，收到“{years}”", field="years")
    first, last = (int(p) for p in parts)
    if first > last:
        raise ServiceError(
            f"--years 起始年 {first} 晚于结束年 {last}，请按“起始年-结束年”填写", field="years"
        )
    if first < 2000 or last > today.year + 1:
        raise ServiceError(
            f"--years 须在 2000 年至 {today.year + 1} 年之间，收到 {first}-{last}", field="years"
        )
    return SeedOptions(projects=count, seed=int(seed_text), first_year=first, last_year=last)


# ------------------------------------------------------------------ the world


@dataclass
class _Stage:
    id: str
    name: str
    kind: str
    grants_approval: bool
    outcome: str  # the forward outcome a passing decision records
    next_index: int  # where a pass leads (a pack may skip stages, e.g. 补正 only after 退回)
    cite: str


@dataclass
class _Deadline:
    id: str
    name: str
    trigger: str
    kind: str
    amount: int
    closing: str
    role: str
    cite: str
    consequence: str
    on_overdue: str
    recurring: bool
    remind_days: int


@dataclass
class _Site:
    jurisdiction: Jurisdiction
    pack_code: str
    pack_version: str
    bureau_id: int
    reviewer_id: int
    clerk_id: int
    approval_body: str
    abbreviation: str
    units: list[tuple[int, str]]  # (id, name without the jurisdiction's)
    experts: list[int]
    routes: list[list[_Stage]]  # by probe amount
    deadlines: list[_Deadline]
    documents: list[tuple[str, str, str]]  # (id, name, stage)
    rounds: dict[int, int] = field(default_factory=dict)


def _user_with_role(organisations: Iterable[int], role: str) -> int | None:
    return (
        RoleAssignment.objects.filter(organisation_id__in=list(organisations), role=role)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )


def _units_ensure(jurisdiction: Jurisdiction, actor_id: int) -> None:
    """About thirty 县直部门 per jurisdiction, like a real county's; a line of work already present (e.g.
    教育和体育局 for 教育局) is not added twice."""
    existing = list(Organisation.objects.filter(jurisdiction=jurisdiction).values_list("name", flat=True))
    missing = [
        f"{jurisdiction.name}{name}"
        for name in vocab.DEPARTMENTS
        if not any(name[:2] in other for other in existing)
    ]
    if not missing:
        return
    Organisation.objects.bulk_create(
        [
            Organisation(jurisdiction=jurisdiction, name=name, kind=OrganisationKind.DEPARTMENT)
            for name in missing
        ]
    )
    audit_record(
        actor=User.objects.filter(pk=actor_id).first(),
        action="seed.organisations",
        target=jurisdiction,
        after={"added": missing},
    )


def _route_probe(site_j: Jurisdiction, unit_id: int, clerk_id: int, pack: Any, amount: int) -> list[_Stage]:
    """The approval-phase route the pack gives a declaration of ``amount`` (evaluated on a project that is
    rolled back)."""
    stages: list[_Stage] = []
    with transaction.atomic():
        project = Project.objects.create(
            name="路由探测",
            year=clock.today().year,
            jurisdiction=site_j,
            lead_unit_id=unit_id,
            nature=Nature.NEW,
            procurement_category=ProcurementCategory.SERVICE,
            cost_software=amount,
            total_yuan=amount,
            fund_fiscal=amount,
            status=Status.SUBMITTED,
            pack_code=pack.meta.code,
            pack_version=pack.meta.version,
            deploys_on_gov_cloud=True,
            created_by_id=clerk_id,
        )
        state = route_state(project)
        index = {s.id: i for i, s in enumerate(state.stages)}
        for i, stage in enumerate(state.stages):
            forward = [o for o in stage.outcomes if o in FORWARD]
            outcome = forward[0] if forward else Outcome.PASS
            if stage.grants_approval and Outcome.APPROVED in stage.outcomes:
                outcome = Outcome.APPROVED
            targets = [t for t in stage.outcome_next.get(outcome, []) if t in index and index[t] > i]
            cite = stage.cite or {}
            stages.append(
                _Stage(
                    id=stage.id,
                    name=stage.name[:120],
                    kind=stage.kind,
                    grants_approval=stage.grants_approval,
                    outcome=outcome,
                    next_index=index[targets[0]] if targets else i + 1,
                    cite=f"{cite.get('article', '')}：{cite.get('quote', '')}"[:300],
                )
            )
        transaction.set_rollback(True)
    return stages


def _deadlines(pack: Any) -> list[_Deadline]:
    out = []
    lead_default = int(getattr(pack.meta, "remind_working_days", 5) or 5)
    for rule in pack.deadlines:
        kind = rule.period.kind
        recurring = kind == "recurring" and rule.period.every == "yearly"
        if (
            rule.direction != "by"
            or rule.when
            or not (kind in {"calendar_days", "working_days", "months"} or recurring)
        ):
            continue
        cite = rule.cite
        out.append(
            _Deadline(
                id=rule.id,
                name=rule.name[:200],
                trigger=rule.trigger,
                kind=kind,
                amount=int(rule.period.amount or 0),
                closing=rule.closing_event or "",
                role=(rule.by or ["PROJECT_UNIT"])[0],
                cite=f"{getattr(cite, 'article', '')}：{getattr(cite, 'quote', '')}"[:300],
                consequence=rule.consequence[:300],
                on_overdue=rule.on_overdue or "",
                recurring=recurring,
                remind_days=int(rule.remind_working_days or lead_default),
            )
        )
    return out


def _sites(options: SeedOptions) -> list[_Site]:
    if not Jurisdiction.objects.exists():
        from govit.portal.demo import demo_load  # the demo world is the province's starting point

        demo_load(projects=False)
    sites = []
    for jurisdiction in Jurisdiction.objects.exclude(pack_code="").order_by("code"):
        try:
            pack = load_pack(jurisdiction.pack_code).pack
        except PackError:
            continue
        orgs = Organisation.objects.filter(jurisdiction=jurisdiction)
        bureau = orgs.filter(kind=OrganisationKind.COMPETENT_BUREAU).order_by("id").first()
        if bureau is None:
            continue
        reviewer = _user_with_role([bureau.pk], Role.REVIEWER)
        unit_kinds = [
            OrganisationKind.DEPARTMENT,
            OrganisationKind.TOWN_STREET,
            OrganisationKind.PARK,
            OrganisationKind.STATE_ENTERPRISE,
        ]
        clerk = _user_with_role(orgs.filter(kind__in=unit_kinds).values_list("id", flat=True), Role.CLERK)
        if reviewer is None or clerk is None:
            continue
        _units_ensure(jurisdiction, reviewer)
        units = [
            (pk, name.replace(jurisdiction.name, "", 1) or name)
            for pk, name in orgs.filter(kind__in=unit_kinds).order_by("id").values_list("id", "name")
        ]
        routes = [_route_probe(jurisdiction, units[0][0], clerk, pack, amount) for amount in PROBE_AMOUNTS]
        level = (
            "县" if jurisdiction.name.endswith("县") else ("区" if jurisdiction.name.endswith("区") else "市")
        )
        sites.append(
            _Site(
                jurisdiction=jurisdiction,
                pack_code=jurisdiction.pack_code,
                pack_version=pack.meta.version,
                bureau_id=bureau.pk,
                reviewer_id=reviewer,
                clerk_id=clerk,
                approval_body=f"{jurisdiction.name}人民政府常务会议",
                abbreviation=f"{jurisdiction.name[:2]}{level}数",
                units=units,
                experts=list(
                    Expert.objects.filter(jurisdiction=jurisdiction)
                    .order_by("id")
                    .values_list("id", flat=True)
                ),
                routes=routes,
                deadlines=_deadlines(pack),
                documents=[(d.id, d.name[:200], d.stage) for d in pack.documents][:3],
            )
        )
    for site in sites:
        site.rounds = _rounds_ensure(site, options)
    return sites


def _rounds_ensure(site: _Site, options: SeedOptions) -> dict[int, int]:
    """A 申报批次 for every plan year seeded (rolling intake where the year has none)."""
    have = dict(DeclarationRound.objects.filter(jurisdiction=site.jurisdiction).values_list("year", "id"))
    now = clock.now()
    added: list[int] = []
    for year in range(options.first_year, options.last_year + 1):
        if year in have:
            continue
        created = DeclarationRound.objects.create(
            jurisdiction=site.jurisdiction,
            year=year,
            name=f"{site.jurisdiction.name}{year}年度政务信息化项目申报",
            opens_on=dt.date(year - 1, 1, 1),
            closes_on=None,
            notice=f"{site.abbreviation}〔{year - 1}〕1号",
            created_by_id=site.reviewer_id,
            created_at=now,
        )
        have[year] = created.pk
        added.append(year)
    if added:
        audit_record(
            actor=User.objects.filter(pk=site.reviewer_id).first(),
            action="seed.rounds",
            target=site.jurisdiction,
            after={"years": added},
        )
    return have


# ------------------------------------------------------------------ writing rows


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def _sequences_reset(tables: Iterable[type[models.Model]]) -> None:
    """PostgreSQL: identity sequences past the ids written here, so the services go on from there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"GREATEST((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
                [table],
            )


def _moment(seconds: int) -> str:
    """A timestamp as the database takes it (UTC)."""
    text = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
    return text + "+00:00" if connection.vendor == "postgresql" else text


_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()


def _day(seconds: int) -> dt.date:
    return dt.date.fromordinal(_ORDINAL_1970 + seconds // 86400)


def _seconds(day: dt.date, hour: int = 9) -> int:
    return int((dt.datetime(day.year, day.month, day.day, hour, tzinfo=_UTC) - _EPOCH).total_seconds())


# ------------------------------------------------------------------ one project's history


PROJECT_COLUMNS = (
    "id",
    "name",
    "year",
    "jurisdiction",
    "lead_unit",
    "nature",
    "procurement_category",
    "secrecy",
    "summary",
    "objectives",
    "content",
    "benefits",
    "functions",
    "tech_route",
    "data_summary",
    "contact_name",
    "contact_phone",
    "cost_engineering",
    "cost_equipment",
    "cost_software",
    "cost_services",
    "cost_testing",
    "cost_supervision",
    "cost_other",
    "cost_contingency",
    "cost_om",
    "cost_security",
    "cost_crypto",
    "total_yuan",
    "fund_fiscal",
    "fund_upper",
    "fund_bond",
    "fund_self",
    "fund_social",
    "fund_other",
    "buys_server_hardware",
    "deploys_on_gov_cloud",
    "has_data_catalog",
    "status",
    "current_stage",
    "pack_code",
    "pack_version",
    "version",
    "request_key",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "declaration_round",
    "off_window",
    "off_window_reason",
    "form_data",
)
TRANSITION_COLUMNS = (
    "id",
    "project",
    "from_status",
    "to_status",
    "stage",
    "actor",
    "reason",
    "pack_version",
    "created_at",
)
DECISION_COLUMNS = (
    "project",
    "round",
    "stage_id",
    "stage_name",
    "kind",
    "outcome",
    "reason",
    "due_date",
    "data",
    "cite",
    "pack_version",
    "actor",
    "decided_at",
)
APPROVAL_COLUMNS = (
    "project",
    "approval_number",
    "approved_budget_yuan",
    "approved_on",
    "decided_by_body",
    "stage_id",
    "recorded_by",
    "recorded_at",
)
PROCUREMENT_COLUMNS = (
    "project",
    "lot",
    "route",
    "method",
    "tender_on",
    "award_notice_on",
    "supplier_name",
    "control_price_yuan",
    "recorded_by",
    "recorded_at",
)
CONTRACT_COLUMNS = (
    "id",
    "project",
    "kind",
    "number",
    "supplier_name",
    "signed_on",
    "amount_yuan",
    "implementation_months",
    "warranty_months",
    "free_om_months",
    "service_months",
    "clauses",
    "reasons",
    "payment_plan",
    "registered_by",
    "registered_at",
)
PAYMENT_COLUMNS = ("contract", "paid_on", "amount_yuan", "milestone", "report", "recorded_by", "recorded_at")
INITIAL_COLUMNS = (
    "project",
    "held_on",
    "goals_met",
    "scope_met",
    "contract_met",
    "checks",
    "conclusion",
    "opinion",
    "recorded_by",
    "recorded_at",
)
APPLICATION_COLUMNS = (
    "project",
    "status",
    "evidence",
    "applied_on",
    "submitted_by",
    "decided_on",
    "decided_by",
    "reasons",
    "opinion",
    "created_by",
    "created_at",
)
ATTACHMENT_COLUMNS = (
    "project",
    "requirement_code",
    "requirement_name",
    "stage",
    "version",
    "file",
    "original_name",
    "size",
    "content_type",
    "extension",
    "sm3",
    "note",
    "uploaded_by",
    "uploaded_at",
)
DRAW_COLUMNS = (
    "id",
    "project",
    "round",
    "stage_id",
    "stage_name",
    "stage_kind",
    "size",
    "backups",
    "specialty",
    "drawn_on",
    "seed",
    "algorithm",
    "candidate_ids",
    "excluded",
    "lookback_years",
    "status",
    "created_by",
    "created_at",
    "cancelled_by",
    "cancelled_at",
    "cancel_reason",
)
MEMBER_COLUMNS = (
    "id",
    "draw",
    "expert",
    "position",
    "is_backup",
    "supplement",
    "status",
    "replaces",
    "promoted_at",
    "responded_at",
    "decline_reason",
    "declined_by",
)
REVIEW_COLUMNS = (
    "member",
    "scores",
    "total",
    "scoring_table",
    "verdict",
    "opinion",
    "recommended_budget_yuan",
    "submitted_at",
)
CONCLUSION_COLUMNS = ("draw", "outcome", "opinion", "aggregate", "decided_by", "decided_at")
OBLIGATION_COLUMNS = (
    "project",
    "jurisdiction",
    "organisation",
    "role",
    "rule_id",
    "name",
    "cite",
    "consequence",
    "on_overdue",
    "recurring",
    "rolled",
    "trigger_on",
    "due_on",
    "remind_on",
    "state",
    "closed_on",
    "waived_by",
    "waived_at",
    "waive_reason",
    "next_check_on",
    "escalation",
    "updated_at",
)

_ACTIONS: dict[str, str] = {
    Status.DRAFT: "project.create",
    Status.SUBMITTED: "declaration.submit",
    Status.RETURNED: "stage.revise",
    Status.NOT_SUPPORTED: "stage.fail",
    Status.IN_CONSTRUCTION: "contract.register",
    Status.SUSPENDED: "suspension.order",
    Status.ACCEPTED: "acceptance.pass",
    Status.IN_OPERATION: "acceptance.pass",
    Status.RETIRED: "retirement.confirm",
    Status.TERMINATED: "termination.agree",
}
_STATUS_CODES = list(Status.values)
_STATUS_INDEX = {code: i for i, code in enumerate(_STATUS_CODES)}
_BUILT = frozenset(
    {Status.IN_CONSTRUCTION, Status.SUSPENDED, Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED}
)
_ACCEPTED = frozenset({Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED})
_OPEN = frozenset(
    {
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.RETURNED,
        Status.APPROVED,
        Status.IN_CONSTRUCTION,
        Status.SUSPENDED,
        Status.ACCEPTED,
        Status.IN_OPERATION,
    }
)
_DAY = 86400


@dataclass
class _Rows:
    projects: list[tuple[Any, ...]] = field(default_factory=list)
    transitions: list[tuple[Any, ...]] = field(default_factory=list)
    decisions: list[tuple[Any, ...]] = field(default_factory=list)
    approvals: list[tuple[Any, ...]] = field(default_factory=list)
    procurements: list[tuple[Any, ...]] = field(default_factory=list)
    contracts: list[tuple[Any, ...]] = field(default_factory=list)
    payments: list[tuple[Any, ...]] = field(default_factory=list)
    initials: list[tuple[Any, ...]] = field(default_factory=list)
    applications: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: list[tuple[Any, ...]] = field(default_factory=list)
    draws: list[tuple[Any, ...]] = field(default_factory=list)
    members: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[tuple[Any, ...]] = field(default_factory=list)
    conclusions: list[tuple[Any, ...]] = field(default_factory=list)
    obligations: list[tuple[Any, ...]] = field(default_factory=list)

    def write(self) -> None:
        rows_insert(Project, PROJECT_COLUMNS, self.projects)
        rows_insert(ProjectTransition, TRANSITION_COLUMNS, self.transitions)
        rows_insert(StageDecision, DECISION_COLUMNS, self.decisions)
        rows_insert(ProjectApproval, APPROVAL_COLUMNS, self.approvals)
        rows_insert(Procurement, PROCUREMENT_COLUMNS, self.procurements)
        rows_insert(Contract, CONTRACT_COLUMNS, self.contracts)
        rows_insert(Payment, PAYMENT_COLUMNS, self.payments)
        rows_insert(InitialAcceptance, INITIAL_COLUMNS, self.initials)
        rows_insert(AcceptanceApplication, APPLICATION_COLUMNS, self.applications)
        rows_insert(Attachment, ATTACHMENT_COLUMNS, self.attachments)
        rows_insert(ExpertDraw, DRAW_COLUMNS, self.draws)
        rows_insert(DrawMember, MEMBER_COLUMNS, self.members)
        rows_insert(ExpertReview, REVIEW_COLUMNS, self.reviews)
        rows_insert(PanelConclusion, CONCLUSION_COLUMNS, self.conclusions)
        rows_insert(Obligation, OBLIGATION_COLUMNS, self.obligations)


@dataclass
class _Ids:
    project: int
    transition: int
    contract: int
    draw: int
    member: int


@dataclass
class SeedResult:
    projects: int = 0
    transitions: int = 0
    audit_events: int = 0
    obligations: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Generator:
    """Draws projects one by one from a seeded random source; every row they imply goes to ``rows``."""

    def __init__(self, options: SeedOptions, sites: list[_Site], file_info: tuple[str, int, str]) -> None:
        self.options = options
        self.sites = sites
        self.rng = random.Random(options.seed)
        self.today = clock.today()
        self.now_s = _seconds(self.today, 8)
        self.file_name, self.file_size, self.file_sm3 = file_info
        self.json_empty_dict = "{}"
        self.json_empty_list = "[]"
        self.clauses = json.dumps({code: True for code, _label in CLAUSES}, ensure_ascii=False)
        self.events: list[tuple[int, int, int, int, int, int]] = []  # (time, project, order, from, to, actor)
        self.names: dict[int, str] = {}
        self.counts: dict[str, int] = {}
        years = list(range(options.first_year, options.last_year + 1))
        # newer years declare a little more (the portfolio grows)
        weights = [1.0 + 0.06 * i for i in range(len(years))]
        self.years, self.year_cum = years, _cumulative(weights)
        self.site_cum = _cumulative([1.0 + 0.15 * len(site.units) for site in sites])
        self.mixes = {year: _mix(vocab.status_mix(options.last_year - year)) for year in years}

    # -------------------------------------------------------------- choices

    def _pick(self, cum: list[float]) -> int:
        return bisect_right(cum, self.rng.random() * cum[-1])

    def _amount(self) -> int:
        mu, sigma = math.log(900_000), 1.25
        value = math.exp(self.rng.gauss(mu, sigma))
        return int(min(MAX_YUAN, max(MIN_YUAN, value)) // 100 * 100)

    def _texts(self, unit: str) -> tuple[str, dict[str, str]]:
        r = self.rng
        domain, obj, kind = r.choice(vocab.DOMAINS), r.choice(vocab.OBJECTS), r.choice(vocab.KINDS)
        phase = r.choice(vocab.PHASES)
        name = f"{unit}{domain}{obj}{kind}{phase}"[:100]
        fill = {"domain": domain, "object": obj, "kind": kind}
        goals = "；".join(g.format(**fill) for g in r.sample(vocab.OBJECTIVE_GOALS, 2))
        items = "；".join(c.format(**fill) for c in r.sample(vocab.CONTENT_ITEMS, 4))
        contact = (
            r.choice(vocab.SURNAMES)
            + r.choice(vocab.GIVEN)
            + ("" if r.random() < 0.5 else r.choice(vocab.GIVEN))
        )
        return name, {
            "summary": f"依据本级政务信息化项目管理办法和{domain}业务发展规划，由{unit}建设{domain}{obj}{kind}。",
            "objectives": r.choice(vocab.OBJECTIVE_OPENINGS).format(**fill) + goals + "。",
            "content": items + "。",
            "benefits": "减少重复建设和重复录入，提高办事效率和监管能力。",
            "functions": f"{obj}、数据采集、统计分析、权限管理、消息提醒",
            "tech_route": "采用微服务架构，部署在政务云，通过数据共享交换平台对接相关系统，按等保要求建设。",
            "data_summary": f"{domain}业务数据、基础信息、办件记录",
            "contact": contact,
        }

    def _supplier(self) -> str:
        r = self.rng
        return f"{r.choice(vocab.SUPPLIER_PLACES)}{r.choice(vocab.SUPPLIER_WORDS)}{r.choice(vocab.SUPPLIER_KINDS)}有限公司"

    # -------------------------------------------------------------- one project

    def project(self, ids: _Ids, rows: _Rows) -> None:
        r = self.rng
        pid = ids.project
        ids.project += 1
        site = self.sites[self._pick(self.site_cum)]
        year = self.years[self._pick(self.year_cum)]
        statuses, cum = self.mixes[year]
        status = statuses[self._pick(cum)]
        self.counts[status] = self.counts.get(status, 0) + 1
        unit_id, unit_name = site.units[r.randrange(len(site.units))]
        name, texts = self._texts(unit_name)
        self.names[pid] = name
        total = self._amount()
        route = site.routes[max(0, bisect_right(PROBE_AMOUNTS, total) - 1)]
        clerk, reviewer = site.clerk_id, site.reviewer_id

        # the declaration: in its plan year, never after today
        start = _seconds(dt.date(year, 1, 10)) + r.randrange(0, 280) * _DAY
        latest = self.now_s - 2 * _DAY
        if status == Status.DRAFT:
            start = min(start, latest - r.randrange(0, 40) * _DAY)
        else:
            start = min(start, latest - r.randrange(20, 120) * _DAY)
        steps = _Timeline(start, latest)

        transitions: list[tuple[int, str, str, str, int, str]] = []  # (time, from, to, stage, actor, reason)

        def move(at: int, to: str, stage: str, actor: int, reason: str) -> None:
            previous = transitions[-1][2] if transitions else ""
            transitions.append((at, previous, to, stage, actor, reason))

        created = steps.at
        move(created, Status.DRAFT, "", clerk, "创建项目")
        decisions: list[tuple[int, int, _Stage, str, str, dt.date | None, str]] = []
        submitted_at: int | None = None
        current_stage = ""
        approval: tuple[int, int, str] | None = None
        if status != Status.DRAFT:
            submitted_at = steps.step(r, 3, 30)
            move(submitted_at, Status.SUBMITTED, "", clerk, "提交申报")
            round_no = 1
            stop_at = len(route)
            end_kind = ""
            if status == Status.SUBMITTED:
                stop_at, end_kind = 0, ""
                current_stage = route[0].id if route else ""  # as the submission records it
            elif status == Status.IN_REVIEW:
                stop_at = r.randrange(0, max(1, len(route) - 1)) if route else 0
                end_kind = "review"
            elif status == Status.RETURNED:
                stop_at, end_kind = (r.randrange(0, len(route)) if route else 0), "revise"
            elif status == Status.NOT_SUPPORTED:
                stop_at, end_kind = (r.randrange(0, len(route)) if route else 0), "fail"
            # one project in eight that went on was returned once before (a second round)
            if status in APPROVED_ONWARDS and route and r.random() < 0.125:
                at_stage = r.randrange(0, len(route))
                when = steps.step(r, 5, 25)
                stage = route[at_stage]
                due = _day(when) + dt.timedelta(days=15)
                decisions.append(
                    (round_no, when, stage, Outcome.REVISE, "材料不全，请补充完善后重新提交。", due, "")
                )
                move(
                    when,
                    Status.RETURNED,
                    stage.id,
                    reviewer,
                    f"{stage.name}：退回修改。材料不全，请补充完善后重新提交。",
                )
                resubmit = steps.step(r, 5, 14)
                move(resubmit, Status.SUBMITTED, "", clerk, "修改后重新提交申报")
                round_no = 2
            i = 0
            while route and i < len(route) and i < stop_at:
                stage = route[i]
                when = steps.step(r, 4, 25)
                following = stage.next_index
                if stage.grants_approval or following >= len(route):
                    break
                decisions.append((round_no, when, stage, stage.outcome, "", None, ""))
                move(when, Status.IN_REVIEW, route[following].id, reviewer, f"{stage.name}：通过")
                current_stage = route[following].id
                i = following
            if end_kind == "review" and not decisions and route:
                when = steps.step(r, 2, 10)
                move(when, Status.IN_REVIEW, route[0].id, reviewer, f"{route[0].name}：开始审查")
                current_stage = route[0].id
            elif end_kind in {"revise", "fail"} and route:
                stage = route[min(i, len(route) - 1)]
                when = steps.step(r, 4, 25)
                if end_kind == "revise":
                    due = min(
                        _day(when) + dt.timedelta(days=r.choice((10, 15, 20, 30))),
                        _day(when) + dt.timedelta(days=30),
                    )
                    reason = "建设内容与现有系统存在重复，请说明整合方案并补充材料后重新提交。"
                    decisions.append((round_no, when, stage, Outcome.REVISE, reason, due, ""))
                    move(when, Status.RETURNED, stage.id, reviewer, f"{stage.name}：退回修改。{reason}")
                else:
                    outcome: str = Outcome.NOT_APPROVED if stage.grants_approval else Outcome.FAIL
                    reason = "项目必要性不足，与已建系统功能重复，本次申报不予支持。"
                    decisions.append((round_no, when, stage, outcome, reason, None, ""))
                    move(when, Status.NOT_SUPPORTED, stage.id, reviewer, f"{stage.name}：不通过。{reason}")
                current_stage = stage.id
            elif status in APPROVED_ONWARDS:
                when = steps.step(r, 5, 30)
                budget = int(total * r.uniform(0.85, 1.0)) // 100 * 100
                number = f"{site.abbreviation}立〔{_day(when).year}〕{pid}号"
                last = route[-1] if route else None
                stage_id = last.id if last else "APPROVAL"
                if last is not None:
                    data = json.dumps(
                        {
                            "approval": {
                                "approval_number": number,
                                "approved_budget_yuan": budget,
                                "approved_on": _day(when).isoformat(),
                                "decided_by_body": site.approval_body,
                            }
                        },
                        ensure_ascii=False,
                    )
                    decisions.append((round_no, when, last, last.outcome, "", None, data))
                move(when, Status.APPROVED, stage_id, reviewer, f"{last.name if last else '立项'}：同意立项")
                current_stage = stage_id
                approval = (when, budget, number)
                rows.approvals.append(
                    (
                        pid,
                        number,
                        budget,
                        _day(when).isoformat(),
                        site.approval_body,
                        stage_id,
                        reviewer,
                        _moment(when),
                    )
                )
            for round_no_d, when, stage, decided, reason, due_on, data in decisions:
                rows.decisions.append(
                    (
                        pid,
                        round_no_d,
                        stage.id,
                        stage.name,
                        stage.kind,
                        decided,
                        reason,
                        due_on.isoformat() if due_on else None,
                        data or self.json_empty_dict,
                        stage.cite,
                        site.pack_version,
                        reviewer,
                        _moment(when),
                    )
                )
            self._materials(rows, site, pid, clerk, submitted_at)
            expert_stage = next(
                (
                    (when, stage, rnd)
                    for rnd, when, stage, outcome, _r, _d, _x in decisions
                    if stage.kind == "expert_review" and outcome in FORWARD
                ),
                None,
            )
            if expert_stage is not None and site.experts and r.random() < 0.5:
                self._panel(rows, ids, site, pid, total, *expert_stage)

        anchors: dict[str, int] = {}
        if approval is not None:
            anchors["approved"] = anchors["review_completed"] = approval[0]
            anchors["budget_approved"] = approval[0] + 20 * _DAY
        if approval is not None and status in _BUILT | {Status.TERMINATED}:
            built = status in _BUILT or r.random() < 0.5
            if built:
                self._delivery(rows, ids, site, pid, total, approval, status, steps, anchors, move)
            if status == Status.TERMINATED:
                when = steps.step(r, 30, 200)
                move(
                    when,
                    Status.TERMINATED,
                    "",
                    reviewer,
                    "项目建设条件发生重大变化，经主管部门同意撤销（终止）",
                )
        if status in _OPEN:
            self._obligations(rows, site, pid, unit_id, status, anchors, decisions)

        final = transitions[-1]
        version = len(transitions)
        for at, frm, to, stage_id, actor, reason in transitions:
            rows.transitions.append(
                (
                    ids.transition,
                    pid,
                    frm,
                    to,
                    stage_id[:60],
                    actor,
                    reason[:500],
                    site.pack_version,
                    _moment(at),
                )
            )
            self.events.append(
                (at, pid, ids.transition, _STATUS_INDEX.get(frm, -1), _STATUS_INDEX[to], actor)
            )
            ids.transition += 1
        costs, earmarks = self._costs(total)
        fiscal = total if r.random() < 0.7 else total * 6 // 10
        rows.projects.append(
            (
                pid,
                name,
                year,
                site.jurisdiction.pk,
                unit_id,
                r.choice(Nature.values),
                r.choice(ProcurementCategory.values),
                "NON_CLASSIFIED",
                texts["summary"],
                texts["objectives"],
                texts["content"],
                texts["benefits"],
                texts["functions"],
                texts["tech_route"],
                texts["data_summary"],
                texts["contact"],
                f"0{r.randrange(500, 999)}-{r.randrange(2000000, 8999999)}",
                *costs,
                *earmarks,
                total,
                fiscal,
                total - fiscal,
                0,
                0,
                0,
                0,
                r.random() < 0.3,
                r.random() < 0.8,
                r.random() < 0.6,
                status,
                current_stage,
                site.pack_code,
                site.pack_version,
                version,
                "",
                clerk,
                _moment(created),
                _moment(final[0]),
                _moment(submitted_at) if submitted_at is not None else None,
                site.rounds.get(year) if submitted_at is not None else None,
                False,
                "",
                self.json_empty_dict,
            )
        )

    def _costs(self, total: int) -> tuple[list[int], list[int]]:
        r = self.rng
        # engineering, equipment, software, services, testing, supervision, other, contingency, om
        shares = [r.random() * w for w in (0.6, 1.2, 2.0, 0.8, 0.15, 0.15, 0.1, 0.1, 0.4)]
        scale = sum(shares)
        parts = [int(total * s / scale) for s in shares]
        parts[2] += total - sum(parts)  # software carries the rounding
        security = total * r.randrange(3, 12) // 100
        crypto = total * r.randrange(0, 4) // 100
        return parts, [security, crypto]

    def _materials(self, rows: _Rows, site: _Site, pid: int, clerk: int, submitted_at: int | None) -> None:
        if submitted_at is None:
            return
        at = _moment(submitted_at - _DAY)
        for code, name, stage in site.documents:
            rows.attachments.append(
                (
                    pid,
                    code,
                    name,
                    stage,
                    1,
                    self.file_name,
                    f"{name[:190]}.pdf",
                    self.file_size,
                    "application/pdf",
                    "pdf",
                    self.file_sm3,
                    "",
                    clerk,
                    at,
                )
            )

    def _panel(
        self,
        rows: _Rows,
        ids: _Ids,
        site: _Site,
        pid: int,
        total: int,
        when: int,
        stage: _Stage,
        round_no: int,
    ) -> None:
        """专家抽取 and the panel's reviews for a project that passed an expert review."""
        r = self.rng
        size = min(5, len(site.experts))
        backups = min(2, len(site.experts) - size)
        chosen = r.sample(site.experts, size + backups)
        draw_id = ids.draw
        ids.draw += 1
        drawn = when - r.randrange(7, 20) * _DAY
        rows.draws.append(
            (
                draw_id,
                pid,
                round_no,
                stage.id,
                stage.name,
                stage.kind,
                size,
                backups,
                None,
                _day(drawn).isoformat(),
                str(r.randrange(10**11, 10**12)),
                "sha256-shuffle-v1",
                json.dumps(sorted(site.experts)),
                self.json_empty_dict,
                3,
                DrawStatus.ACTIVE,
                site.reviewer_id,
                _moment(drawn),
                None,
                None,
                "",
            )
        )
        scores = []
        for position, expert in enumerate(chosen, start=1):
            member_id = ids.member
            ids.member += 1
            backup = position > size
            rows.members.append(
                (
                    member_id,
                    draw_id,
                    expert,
                    position,
                    backup,
                    None,
                    MemberStatus.INVITED if backup else MemberStatus.ACCEPTED,
                    None,
                    None,
                    None if backup else _moment(drawn + _DAY),
                    "",
                    None,
                )
            )
            if backup:
                continue
            score = r.randrange(72, 96)
            scores.append(score)
            rows.reviews.append(
                (
                    member_id,
                    self.json_empty_dict,
                    score,
                    "",
                    ReviewVerdict.PASS,
                    "项目建设必要，方案基本可行，建议核减部分设备购置费用后通过。",
                    int(total * r.uniform(0.85, 0.98)) // 100 * 100,
                    _moment(when - 2 * _DAY),
                )
            )
        aggregate = {"count": len(scores), "mean": round(sum(scores) / max(1, len(scores)), 2)}
        rows.conclusions.append(
            (
                draw_id,
                PanelOutcome.PASS,
                "专家组经评审，同意通过。",
                json.dumps(aggregate),
                site.reviewer_id,
                _moment(when - _DAY),
            )
        )

    def _delivery(
        self,
        rows: _Rows,
        ids: _Ids,
        site: _Site,
        pid: int,
        total: int,
        approval: tuple[int, int, str],
        status: str,
        steps: _Timeline,
        anchors: dict[str, int],
        move: Callable[[int, str, str, int, str], None],
    ) -> None:
        r = self.rng
        clerk, reviewer = site.clerk_id, site.reviewer_id
        _approved_at, budget, _number = approval
        tender = steps.step(r, 20, 90)
        award = steps.step(r, 3, 15)
        signed = steps.step(r, 5, 25)
        anchors["award_notice"], anchors["procurement_completed"] = award, award
        anchors["contract_signed"] = anchors["construction_started"] = signed
        if budget >= 1_000_000:
            route, method = ProcurementRoute.GOV_PROCUREMENT, ProcurementMethod.OPEN_TENDER
        elif budget >= 200_000:
            route = ProcurementRoute.GOV_PROCUREMENT
            method = r.choice((ProcurementMethod.CONSULTATION, ProcurementMethod.NEGOTIATION))
        else:
            route = r.choice((ProcurementRoute.SMALL_PUBLIC_RESOURCE, ProcurementRoute.SELF))
            method = r.choice((ProcurementMethod.INQUIRY, ProcurementMethod.OTHER))
        supplier = self._supplier()
        rows.procurements.append(
            (
                pid,
                ProcurementLot.MAIN,
                route,
                method,
                _day(tender).isoformat(),
                _day(award).isoformat(),
                supplier,
                budget,
                clerk,
                _moment(award),
            )
        )
        amount = max(100, int(budget * r.uniform(0.8, 0.98)) // 100 * 100)
        contract_id = ids.contract
        ids.contract += 1
        months = r.choice((3, 6, 6, 9, 12, 12, 18))
        rows.contracts.append(
            (
                contract_id,
                pid,
                ContractKind.MAIN,
                f"HT-{_day(signed).year}-{pid:07d}",
                supplier,
                _day(signed).isoformat(),
                amount,
                months,
                r.choice((12, 24, 36)),
                r.choice((12, 24, None)),
                None,
                self.clauses,
                self.json_empty_dict,
                self.json_empty_list,
                clerk,
                _moment(signed),
            )
        )
        move(signed, Status.IN_CONSTRUCTION, "", clerk, f"签订项目合同 HT-{_day(signed).year}-{pid:07d}")
        # payments: 30% on signing, 40% after 初验, the rest (less the warranty money) after 竣工验收
        paid = [(signed + r.randrange(10, 40) * _DAY, amount * 3 // 10, "合同签订后首付款")]
        if status == Status.SUSPENDED:
            when = steps.step(r, 40, 200)
            move(when, Status.SUSPENDED, "", reviewer, "暂停建设：项目建设内容需调整，按主管部门要求暂停")
        elif status in _ACCEPTED:
            initial = steps.step(r, 90, 30 * months + 60)
            trial = initial + _DAY
            applied = steps.step(r, 35, 60)
            accepted = steps.step(r, 10, 40)
            anchors["initial_acceptance"], anchors["trial_run_started"] = initial, trial
            anchors["acceptance_applied"], anchors["construction_completed"] = applied, initial
            anchors["final_acceptance"] = anchors["put_into_use"] = accepted
            rows.initials.append(
                (
                    pid,
                    _day(initial).isoformat(),
                    True,
                    True,
                    True,
                    self.json_empty_list,
                    Conclusion.PASS,
                    "完成批复的全部建设内容，符合建设目标和合同约定，同意通过初验。",
                    clerk,
                    _moment(initial),
                )
            )
            rows.applications.append(
                (
                    pid,
                    ApplicationStatus.PASSED,
                    self.json_empty_dict,
                    _day(applied).isoformat(),
                    clerk,
                    _day(accepted).isoformat(),
                    reviewer,
                    self.json_empty_list,
                    "项目建设内容完成，材料齐全，同意通过竣工验收，投入运行。",
                    clerk,
                    _moment(applied),
                )
            )
            paid.append((initial + r.randrange(5, 30) * _DAY, amount * 4 // 10, "初验合格后进度款"))
            paid.append(
                (
                    accepted + r.randrange(5, 30) * _DAY,
                    amount - amount * 7 // 10 - amount // 20,
                    "竣工验收后尾款",
                )
            )
            final_status = Status.ACCEPTED if status == Status.ACCEPTED else Status.IN_OPERATION
            move(accepted, final_status, "", reviewer, "竣工验收通过：项目建设内容完成，同意投入运行")
            if status == Status.RETIRED:
                retired = steps.step(r, 700, 2000)
                paid.append((retired - 30 * _DAY, amount // 20, "质保期满后质保金"))
                move(retired, Status.RETIRED, "", reviewer, "系统功能已整合至新平台，经主管部门同意下线")
        elif r.random() < 0.7:
            paid.append((signed + r.randrange(60, 200) * _DAY, amount * 3 // 10, "进度款"))
        for when, value, milestone in paid:
            if when > self.now_s - _DAY or value <= 0:
                continue
            rows.payments.append(
                (
                    contract_id,
                    _day(when).isoformat(),
                    value,
                    milestone,
                    self.json_empty_dict,
                    clerk,
                    _moment(when),
                )
            )

    def _obligations(
        self,
        rows: _Rows,
        site: _Site,
        pid: int,
        unit_id: int,
        status: str,
        anchors: dict[str, int],
        decisions: list[tuple[int, int, _Stage, str, str, dt.date | None, str]],
    ) -> None:
        """期限事项 from the pack's deadlines whose trigger the project has reached: fulfilled when their
        closing event happened, otherwise upcoming, due soon or overdue by today's date."""
        today = self.today
        stamp = _moment(self.now_s)
        for rule in site.deadlines:
            start = anchors.get(rule.trigger)
            if start is None:
                continue
            trigger = _day(start)
            if rule.recurring:
                if status != Status.IN_OPERATION:
                    continue
                due = dt.date(today.year, 12, 31)
            elif rule.kind == "months":
                due = _add_months(trigger, rule.amount)
            elif rule.kind == "working_days":
                due = trigger + dt.timedelta(days=rule.amount * 7 // 5)
            else:
                due = trigger + dt.timedelta(days=rule.amount)
            remind = due - dt.timedelta(days=max(1, rule.remind_days * 7 // 5))
            closed_at = anchors.get(rule.closing) if not rule.recurring else None
            closed = _day(closed_at) if closed_at is not None and _day(closed_at) <= today else None
            state: str
            next_check: dt.date | None
            if closed is not None:
                state, next_check = ObligationState.FULFILLED.value, None
            else:
                state, next_check = state_on(due, remind, today)
            org = unit_id if rule.role in UNIT_PARTIES else site.bureau_id
            rows.obligations.append(
                (
                    pid,
                    site.jurisdiction.pk,
                    org,
                    rule.role,
                    rule.id,
                    rule.name,
                    rule.cite,
                    rule.consequence,
                    rule.on_overdue,
                    rule.recurring,
                    False,
                    trigger.isoformat(),
                    due.isoformat(),
                    remind.isoformat(),
                    state,
                    closed.isoformat() if closed else None,
                    None,
                    None,
                    "",
                    next_check.isoformat() if next_check else None,
                    0,
                    stamp,
                )
            )
        if status == Status.RETURNED and decisions and decisions[-1][3] == Outcome.REVISE:
            _round, when, stage, _outcome, _reason, due_date, _data = decisions[-1]
            if due_date is None:
                return
            remind = due_date - dt.timedelta(days=3)
            state, next_check = state_on(due_date, remind, today)
            rows.obligations.append(
                (
                    pid,
                    site.jurisdiction.pk,
                    unit_id,
                    "PROJECT_UNIT",
                    "RETURN",
                    f"退回修改后重新提交（{stage.name}）"[:200],
                    stage.cite,
                    "逾期未重新提交的，主管部门可结束本次申报",
                    "",
                    False,
                    False,
                    _day(when).isoformat(),
                    due_date.isoformat(),
                    remind.isoformat(),
                    state,
                    None,
                    None,
                    None,
                    "",
                    next_check.isoformat() if next_check else None,
                    0,
                    stamp,
                )
            )


class _Timeline:
    """Moments of one project's history, each some days after the previous one and never after ``latest``:
    a history that would run past it is squeezed towards it."""

    def __init__(self, start: int, latest: int) -> None:
        self.at = start
        self.latest = latest

    def step(self, rng: random.Random, low: int, high: int) -> int:
        room = max(0, self.latest - self.at)
        days = rng.randrange(low, high + 1) * _DAY
        if days > room // 2:
            days = room // 3
        self.at += max(3600, days - days % 3600) if room > 3600 else 0
        self.at = min(self.at, self.latest)
        return self.at


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _mix(weights: dict[str, int]) -> tuple[list[str], list[float]]:
    codes = list(weights)
    return codes, _cumulative([float(weights[c]) for c in codes])


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    return dt.date(year, month, 28)


# ------------------------------------------------------------------ the sample file


_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _sample_file() -> tuple[str, int, str]:
    """One small real file, saved once and referenced by every seeded material."""
    if not default_storage.exists(SEED_FILE):
        name = default_storage.save(SEED_FILE, ContentFile(_PDF))
    else:
        name = SEED_FILE
    return name, len(_PDF), sm3_hex(_PDF)


# ------------------------------------------------------------------ the audit chain


def _audit_write(
    events: list[tuple[int, int, int, int, int, int]],
    names: dict[int, str],
    seed: int,
    progress: ProgressFn | None,
) -> int:
    """Chain one event per transition onto the log, in time order, with the digest ``audit_record`` uses."""
    events.sort()
    orgs = dict(User.objects.values_list("id", "primary_organisation_id"))
    usernames = dict(User.objects.values_list("id", "username"))
    columns = (
        "seq",
        "created_at",
        "actor",
        "actor_name",
        "organisation",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "before",
        "after",
        "request_id",
        "client_ip",
        "outcome",
        "prev_hash",
        "hash",
    )
    label = Project._meta.label
    request_id = f"seed-{seed}"
    total = len(events)
    written = 0
    for start in range(0, total, AUDIT_BATCH):
        chunk = events[start : start + AUDIT_BATCH]
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
            seq, prev = head.last_seq, head.last_hash
            rows = []
            for at, pid, _tid, frm, to, actor in chunk:
                seq += 1
                to_code = _STATUS_CODES[to]
                from_code = _STATUS_CODES[frm] if frm >= 0 else ""
                action = _ACTIONS.get(to_code, "stage.pass")
                if to_code == Status.APPROVED:
                    action = "stage.approved"
                before = {"status": from_code} if from_code else None
                after = {"status": to_code}
                # the fields ``event_content`` gives for the stored row (``audit verify`` recomputes them)
                content = {
                    "seq": seq,
                    "created_at": dt.datetime.fromtimestamp(at, _UTC).isoformat(),
                    "actor_id": actor,
                    "actor_name": usernames.get(actor, "")[:150],
                    "organisation_id": orgs.get(actor),
                    "action": action,
                    "target_type": label,
                    "target_id": str(pid),
                    "target_repr": names[pid][:255],
                    "before": before,
                    "after": after,
                    "request_id": request_id,
                    "client_ip": "",
                    "outcome": AuditOutcome.SUCCESS.value,
                }
                digest = event_digest(content, prev)
                rows.append(
                    (
                        seq,
                        _moment(at),
                        actor,
                        content["actor_name"],
                        content["organisation_id"],
                        action,
                        label,
                        content["target_id"],
                        content["target_repr"],
                        json.dumps(before, ensure_ascii=False) if before is not None else None,
                        json.dumps(after, ensure_ascii=False),
                        request_id,
                        "",
                        AuditOutcome.SUCCESS,
                        prev,
                        digest,
                    )
                )
                prev = digest
            rows_insert(AuditEvent, columns, rows)
            head.last_seq, head.last_hash = seq, prev
            head.save(update_fields=["last_seq", "last_hash"])
        written += len(chunk)
        if progress is not None:
            progress(written, total, "审计事件")
    _sequences_reset([AuditEvent])
    return written


# ------------------------------------------------------------------ the whole run


def province_seed(*, options: SeedOptions, progress: ProgressFn | None = None) -> SeedResult:
    """Generate ``options.projects`` projects across the jurisdictions with a policy pack."""
    started = time.monotonic()
    with transaction.atomic():
        sites = _sites(options)
    if not sites:
        raise ServiceError(
            "没有可用的行政区划：须有配置了政策包、主管部门审核人和建设单位经办人的行政区划", field="world"
        )
    generator = _Generator(options, sites, _sample_file())
    models_written: list[type[models.Model]] = [
        Project,
        ProjectTransition,
        StageDecision,
        ProjectApproval,
        Procurement,
        Contract,
        Payment,
        InitialAcceptance,
        AcceptanceApplication,
        Attachment,
        ExpertDraw,
        DrawMember,
        ExpertReview,
        PanelConclusion,
        Obligation,
    ]
    result = SeedResult()
    done = 0
    while done < options.projects:
        count = min(BATCH, options.projects - done)
        with transaction.atomic():
            ids = _Ids(
                project=_next_id(Project),
                transition=_next_id(ProjectTransition),
                contract=_next_id(Contract),
                draw=_next_id(ExpertDraw),
                member=_next_id(DrawMember),
            )
            rows = _Rows()
            for _ in range(count):
                generator.project(ids, rows)
            rows.write()
            result.transitions += len(rows.transitions)
            result.obligations += len(rows.obligations)
        done += count
        if progress is not None:
            progress(done, options.projects, "项目")
    _sequences_reset(models_written)
    result.projects = done
    result.audit_events = _audit_write(generator.events, generator.names, options.seed, progress)
    result.by_status = dict(sorted(generator.counts.items()))
    dashboard_summary_rebuild()  # 统计分析汇总: the seeded rows bypass the audited services
    statistics_refresh()  # the query planner learns the new sizes before the first page is asked for
    result.seconds = time.monotonic() - started
    return result


def seeded_summary(result: SeedResult) -> str:
    """The run in one Chinese paragraph (the command prints it)."""
    parts = "，".join(f"{Status(code).label} {count:,}" for code, count in result.by_status.items())
    return (
        f"已生成 {result.projects:,} 个项目（{parts}），状态变更记录 {result.transitions:,} 条，"
        f"期限事项 {result.obligations:,} 条，审计事件 {result.audit_events:,} 条，用时 {result.seconds:.1f} 秒。"
    )
