"""演示数据 — the five jurisdictions of the seed regulations, their bureaus, a user for every persona
and projects in several states. Safe to load twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from govit.acceptance import selectors as acceptance_selectors
from govit.acceptance import services as acceptance
from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
from govit.accounts.mfa import MFA_ROLES, totp_device_fixed
from govit.accounts.models import Jurisdiction, Organisation, User
from govit.accounts.services import role_assign, user_create
from govit.audit.services import audit_record
from govit.core import clock
from govit.experts.models import Expert, ExpertField
from govit.obligations.services import obligations_batch
from govit.projects.choices import Nature, ProcurementCategory, Status
from govit.projects.models import DeclarationRound, Project, ProjectTransition
from govit.projects.packforms import declaration_forms, sample_values
from govit.projects.selectors import round_defaults
from govit.projects.services import (
    declaration_round_open,
    declaration_submit,
    project_create,
    project_form_save,
)

DEMO_PASSWORD = "Govit@2026"
# The TOTP secret of every demo account whose role needs the second factor (base32, 30 s, 6 digits): add it
# to an authenticator app by hand, or compute codes with `oathtool --totp -b GOVITDEMOGOVITDEMOGOVITDEMOGOVIT`.
DEMO_TOTP_SECRET = "GOVITDEMOGOVITDEMOGOVITDEMOGOVIT"

K = OrganisationKind

PROVINCES = [
    ("340000", "安徽省", "", ""),
    # 石嘴山 自治区必要性与技术审查 (第十五条): escalated projects are reviewed by the region
    ("640000", "宁夏回族自治区", "宁夏回族自治区人民政府办公厅", "nx"),
    # 章贡 对口省直单位书面同意 (第十二条, ≥200万)
    ("360000", "江西省", "江西省政务服务管理办公室", "jxs"),
    ("370000", "山东省", "", ""),
    ("330000", "浙江省", "", ""),
]
CITIES = [
    ("341500", "六安市", "340000", "", "六安市数据资源管理局", "la"),
    ("640200", "石嘴山市", "640000", "shizuishan", "石嘴山市数据局", ""),
    ("360700", "赣州市", "360000", "", "赣州市政务服务和数据管理局", "gz"),
    ("370800", "济宁市", "370000", "", "济宁市大数据局", "jn"),
    ("330100", "杭州市", "330000", "", "杭州市数据资源管理局", "hz"),
]


@dataclass(frozen=True)
class Site:
    """One jurisdiction of the seeds: its bureau, co-reviewers, units and user-name prefix."""

    prefix: str
    code: str
    name: str
    parent: str
    pack: str
    bureau: str
    co_reviewers: tuple[str, ...]
    departments: tuple[str, ...]
    others: tuple[tuple[str, str], ...]


SITES = [
    Site(
        "sc",
        "341523",
        "舒城县",
        "341500",
        "shucheng",
        "舒城县数据资源管理局",
        (
            "舒城县财政局",
            "舒城县发展和改革委员会",
            "中共舒城县委网络安全和信息化委员会办公室",
            "舒城县公共资源交易中心",
        ),
        ("舒城县教育局", "舒城县卫生健康委员会", "舒城县公安局"),
        (("城关镇人民政府", K.TOWN_STREET),),
    ),
    Site(
        "szs",
        "640200",
        "石嘴山市",
        "640000",
        "shizuishan",
        "石嘴山市数据局",
        (
            "石嘴山市财政局",
            "石嘴山市发展和改革委员会",
            "中共石嘴山市委网络安全和信息化委员会办公室",
            "石嘴山市密码管理局",
        ),
        ("石嘴山市教育局", "石嘴山市民政局", "石嘴山市自然资源局"),
        (),
    ),
    Site(
        "zg",
        "360702",
        "章贡区",
        "360700",
        "zhanggong",
        "章贡区政务服务和数据管理局",
        (
            "章贡区财政局",
            "章贡区发展和改革委员会",
            "中共章贡区委网络安全和信息化委员会办公室",
            "中共章贡区委保密和机要局",
        ),
        ("章贡区教育局", "章贡区卫生健康委员会", "章贡区城市管理局"),
        (("解放街道办事处", K.TOWN_STREET),),
    ),
    Site(
        "jx",
        "370828",
        "金乡县",
        "370800",
        "jinxiang",
        "金乡县大数据局",
        ("金乡县财政局", "金乡县发展和改革局", "中共金乡县委网络安全和信息化委员会办公室", "金乡县审计局"),
        ("金乡县教育和体育局", "金乡县卫生健康局", "金乡县农业农村局"),
        (("金乡街道办事处", K.TOWN_STREET), ("金乡经济开发区管理委员会", K.PARK)),
    ),
    Site(
        "shc",
        "330102",
        "上城区",
        "330100",
        "shangcheng",
        "上城区数据资源局",
        ("上城区财政局", "上城区发展和改革局（经济和信息化局）", "中共上城区委网络安全和信息化委员会办公室"),
        ("上城区教育局", "上城区卫生健康局", "上城区民政局"),
        (("湖滨街道办事处", K.TOWN_STREET), ("杭州市上城区国有资本投资运营集团有限公司", K.STATE_ENTERPRISE)),
    ),
]

DEMO_PROJECTS = [
    # (name suffix, nature, procurement, cost heads in 万元, target status)
    (
        "智慧校园统一身份认证平台",
        Nature.NEW,
        ProcurementCategory.SERVICE,
        {"software": 180, "equipment": 40, "om": 20},
        Status.SUBMITTED,
    ),
    (
        "政务外网终端安全加固",
        Nature.UPGRADE,
        ProcurementCategory.GOODS,
        {"equipment": 45, "software": 8},
        Status.DRAFT,
    ),
    (
        "数据共享交换平台二期",
        Nature.EXPANSION,
        ProcurementCategory.ENGINEERING,
        {"engineering": 320, "equipment": 150, "software": 260, "contingency": 30, "om": 60},
        Status.APPROVED,
    ),
    (
        "政务服务事项综合受理系统",
        Nature.NEW,
        ProcurementCategory.SERVICE,
        {"software": 120, "equipment": 30},
        Status.IN_OPERATION,
    ),
    (
        "业务系统运维服务（2027年度）",
        Nature.OM,
        ProcurementCategory.SERVICE,
        {"om": 38},
        Status.IN_CONSTRUCTION,
    ),
]

# What each demo declaration says (建设目标, 建设内容, 主要功能, 技术路线, 数据资源): distinct systems read
# differently, so 查重 flags only the same system declared by two units.
DEMO_TEXTS: dict[str, dict[str, str]] = {
    "智慧校园统一身份认证平台": {
        "objectives": "建立覆盖师生和家长的统一身份认证体系，实现一次登录、全网通行，消除各教学、管理系统重复注册和"
        "多套账号并存的问题。",
        "content": "建设统一身份认证平台一套，对接现有教务、考勤、图书等12个业务系统；建设单点登录和多因子认证"
        "能力；建设账号全生命周期管理和权限审计功能。",
        "functions": "单点登录、多因子认证、账号同步、权限管理、登录审计、第三方应用接入",
        "tech_route": "采用OAuth2.0和CAS协议，部署在政务云，密码模块采用国密算法，按等保三级要求建设。",
        "data_summary": "师生身份信息、家长联系信息、账号与权限数据、登录日志",
    },
    "政务外网终端安全加固": {
        "objectives": "消除政务外网办公终端的病毒木马和违规外联风险，满足等级保护对终端安全的要求。",
        "content": "采购终端安全管理软件授权300套，部署终端准入控制和补丁分发服务器，对存量终端开展基线核查"
        "和加固。",
        "functions": "终端准入、病毒查杀、补丁分发、违规外联监测、外设管控、资产台账",
        "tech_route": "采用国产终端安全软件，管理服务器部署在政务外网安全域，策略集中下发。",
        "data_summary": "终端资产信息、补丁状态、安全事件日志",
    },
    "数据共享交换平台二期": {
        "objectives": "扩展部门间数据共享交换能力，将共享目录覆盖率提高到90%以上，支撑跨部门业务协同办理。",
        "content": "扩容数据交换节点和前置库，新增库表交换、文件交换和接口服务三类交换方式；建设共享目录管理和"
        "共享申请审批流程；建设数据质量检测和交换监控大屏。",
        "functions": "目录管理、共享申请审批、库表交换、文件交换、接口服务、数据质量检测、交换监控",
        "tech_route": "基于一期平台扩展，采用分布式消息队列和数据中台架构，部署在政务云。",
        "data_summary": "政务数据资源目录、各部门前置库数据、交换日志、数据质量报告",
    },
    "政务服务事项综合受理系统": {
        "objectives": "实现政务服务事项“一窗受理、集成服务”，群众办事材料一次提交，平均办理时限压缩30%。",
        "content": "建设综合受理系统，统一受理窗口、事项库和材料库；对接省一体化政务服务平台和电子证照库；"
        "建设好差评和办件跟踪功能。",
        "functions": "综合受理、事项库管理、材料预审、电子证照调用、办件跟踪、好差评、统计分析",
        "tech_route": "采用微服务架构，部署在政务云，通过数据共享交换平台对接省一体化政务服务平台。",
        "data_summary": "政务服务事项目录、办件信息、申请材料、电子证照",
    },
    "业务系统运维服务（2027年度）": {
        "objectives": "保障本单位在用业务系统全年稳定运行，系统可用率不低于99.5%。",
        "content": "购买2027年度运维服务，包括日常巡检、故障处置、版本升级、数据备份和安全加固。",
        "functions": "日常巡检、故障处置、版本升级、数据备份、安全加固、运维报告",
        "tech_route": "驻场加远程运维，建立运维工单和月度报告制度。",
        "data_summary": "运维工单、巡检记录、备份记录",
    },
}

# (field, employer, title) of the nine experts in each jurisdiction's pool
EXPERT_PROFILES = [
    ("信息技术", "{province}大学计算机学院", "教授"),
    ("信息技术", "{province}信息技术研究院", "正高级工程师"),
    ("信息技术", "中国电信{city}分公司", "高级工程师"),
    ("网络安全", "{province}网络安全测评中心", "高级工程师"),
    ("网络安全", "{province}警官学院", "副教授"),
    ("财务", "{city}会计师事务所", "注册会计师"),
    ("财务", "{province}财经大学", "副教授"),
    ("信息技术", "{city}职业技术学院", "副教授"),
    ("网络安全", "{province}密码测评中心", "高级工程师"),
]
EXPERT_SURNAMES = "王李张刘陈杨赵黄周"


@dataclass
class DemoLogin:
    username: str
    persona: str
    organisation: str


def _jurisdiction(
    code: str, name: str, level: str, parent: Jurisdiction | None, pack: str = ""
) -> Jurisdiction:
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "pack_code": pack}
    )
    return jurisdiction


def _org(jurisdiction: Jurisdiction, name: str, kind: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(jurisdiction=jurisdiction, name=name, defaults={"kind": kind})
    return org


def _user(username: str, display: str, org: Organisation, role: str, logins: list[DemoLogin]) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=None, username=username, password=DEMO_PASSWORD, display_name=display, organisation=org
        )
    role_assign(actor=None, user=user, organisation=org, role=role)
    logins.append(DemoLogin(username, Role(role).label, org.name))
    return user


def _expert_pool(site: Site, jurisdiction: Jurisdiction, pool: Organisation, first: User) -> None:
    """Nine experts with accounts (the listed ``<prefix>_expert`` first, then ``<prefix>_expert2…9``), enough
    for a panel of five with backups, spread over 信息技术, 网络安全 and 财务."""
    province = jurisdiction.ancestors().filter(level=JurisdictionLevel.PROVINCE).first()
    city = jurisdiction if jurisdiction.level == JurisdictionLevel.CITY else jurisdiction.parent
    for index, (field_name, employer, title) in enumerate(EXPERT_PROFILES):
        number = index + 1
        username = site.prefix + "_expert" + ("" if number == 1 else str(number))
        if Expert.objects.filter(user__username=username).exists():
            continue
        user = first if number == 1 else User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                display_name=f"{EXPERT_SURNAMES[index]}专家",
                organisation=pool,
            )
            role_assign(actor=None, user=user, organisation=pool, role=Role.EXPERT)
        expert = Expert.objects.create(
            user=user,
            name=f"{EXPERT_SURNAMES[index]}{site.name[0]}{'明华军伟敏静磊洋强'[index]}",
            employer_name=employer.format(
                province=(province.name if province else "")[:2], city=(city.name if city else "")[:-1]
            ),
            title=title,
            jurisdiction=jurisdiction,
            phone=f"139{int(jurisdiction.code):06d}{number:02d}",
        )
        expert.specialties.set([ExpertField.objects.get_or_create(name=field_name)[0]])


def _round(jurisdiction: Jurisdiction, reviewer: User, year: int) -> None:
    """The year's 申报批次 as the pack frames it: 舒城 and 上城 closed by their yearly deadline (so a new
    declaration now goes the 增补 / 专题请示 way), the others in rolling intake."""
    if DeclarationRound.objects.filter(jurisdiction=jurisdiction, year=year).exists():
        return
    defaults = round_defaults(jurisdiction, year)
    if defaults["closes_on"] is None:
        defaults["opens_on"] = dt.date(year - 1, 1, 1)
    declaration_round_open(actor=reviewer, jurisdiction=jurisdiction, year=year, **defaults)


def _force_status(project: Project, status: str, actor: User) -> None:
    """Bring a demo project to a later state the way an operator's data migration would: recorded and audited."""
    ProjectTransition.objects.create(
        project=project,
        from_status=project.status,
        to_status=status,
        actor=actor,
        reason="演示数据：导入历史办理结果",
        created_at=clock.now(),
    )
    before = project.status
    project.status = status
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="demo.status_import",
        target=project,
        before={"status": before},
        after={"status": status},
    )


def _projects(site: Site, unit: Organisation, clerk: User, reviewer: User) -> None:
    for index, (suffix, nature, category, heads, target) in enumerate(DEMO_PROJECTS):
        name = f"{unit.name.replace(site.name, '')}{suffix}"
        if Project.objects.filter(name=name, lead_unit=unit).exists():
            continue
        costs = {f"cost_{head}": wan * 10_000 for head, wan in heads.items()}
        total = sum(costs.values())
        fields: dict[str, Any] = {
            "name": name,
            "year": 2027,
            "nature": nature,
            "procurement_category": category,
            "summary": f"依据《{site.name}政务信息化项目管理办法》，建设{suffix}，服务{unit.name}业务需要。",
            **DEMO_TEXTS[suffix],
            "benefits": "减少重复录入，提高办事效率。",
            "contact_name": "张明",
            "contact_phone": "0564-8888000",
            "fund_fiscal": total,
            "deploys_on_gov_cloud": True,
            "cost_security": total // 20,
            **costs,
        }
        project = project_create(actor=clerk, lead_unit=unit, fields=fields)
        for form in declaration_forms(project):
            project = project_form_save(
                actor=clerk, project=project, form_id=form.id, raw=sample_values(project, form)
            )
        if target != Status.DRAFT:
            declaration_submit(actor=clerk, project=project)
            project.refresh_from_db()
        if target in (Status.APPROVED, Status.IN_CONSTRUCTION, Status.IN_OPERATION):
            _force_status(project, Status.APPROVED, reviewer)
        if target in (Status.IN_CONSTRUCTION, Status.IN_OPERATION):
            _force_status(project, Status.IN_CONSTRUCTION, reviewer)
        if target == Status.IN_OPERATION:
            _accept(project, clerk, reviewer)
        del index


def _accept(project: Project, clerk: User, reviewer: User) -> None:
    """Take a demo project through 初验, the trial run and 竣工验收 with the real services, so the 验收与运行
    page shows a system in use (its evidence is the pack's, confirmed by the bodies the pack names)."""
    today = clock.today()
    project.refresh_from_db()
    if acceptance_selectors.has_stage(project, "INITIAL_ACCEPT"):
        acceptance.initial_acceptance_record(
            actor=clerk,
            project=project,
            held_on=today - dt.timedelta(days=75),
            panel=[
                {"name": "王立新", "field": "it", "employer": "省信息技术研究院"},
                {"name": "李安", "field": "security", "employer": "省网络安全测评中心"},
                {"name": "张华", "field": "business", "employer": "市政务服务中心"},
            ],
            goals_met=True,
            scope_met=True,
            contract_met=True,
            checks=acceptance_selectors.checklist_items(project, "initial_acceptance"),
            conclusion="pass",
            opinion="完成批复的全部建设内容，符合建设目标和合同约定，同意通过初验。",
        )
    trial = acceptance.trial_run_start(actor=clerk, project=project, started_on=today - dt.timedelta(days=70))
    for offset in range(0, 35, 7):
        acceptance.usage_record(
            actor=clerk,
            trial=trial,
            day=trial.started_on + dt.timedelta(days=offset),
            active_users=60 + offset,
            visits=480 + 10 * offset,
            faults=0,
        )
    acceptance.trial_run_end(
        actor=clerk, trial=trial, ended_on=today - dt.timedelta(days=30), report_source="generated", report=""
    )
    for form in acceptance_selectors.pack_forms(project, "acceptance_evidence"):
        raw = acceptance_selectors.evidence_sample(form, today - dt.timedelta(days=10))
        application = acceptance.evidence_save(actor=clerk, project=project, form_id=form.id, raw=raw)
        if form.confirm_by:
            orgs = acceptance_selectors.confirming_organisations(project, form.confirm_by)
            confirmer = (
                reviewer
                if form.confirm_by == "COMPETENT_BUREAU"
                else User.objects.filter(role_assignments__organisation__in=orgs).first()
            )
            acceptance.evidence_confirm(
                actor=confirmer,
                application=application,
                form_id=form.id,
                confirmed=True,
                note="经核，情况属实。",
            )
    application = acceptance.application_submit(actor=clerk, project=project)
    acceptance.acceptance_decide(
        actor=reviewer,
        application=application,
        outcome="pass",
        decided_on=today,
        reasons=[],
        opinion="项目建设内容完成，材料齐全，同意通过竣工验收，投入运行。",
    )


@transaction.atomic
def demo_load(*, projects: bool = True) -> list[DemoLogin]:
    """The demo world; every project's 期限事项 are computed once, at the end. Without ``projects``: the
    jurisdictions, organisations, people, expert pools and rounds only (what tests of later stages need)."""
    with obligations_batch():
        return _demo_load(projects)


def _demo_load(projects: bool) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    provinces = {}
    for code, name, bureau_name, prefix in PROVINCES:
        provinces[code] = _jurisdiction(code, name, JurisdictionLevel.PROVINCE, None)
        if prefix:
            org = _org(provinces[code], bureau_name, K.COMPETENT_BUREAU)
            _user(f"{prefix}_supervisor", f"{name}上级审查人", org, Role.SUPERVISOR, logins)
    cities = {}
    for code, name, parent, pack, bureau_name, prefix in CITIES:
        city = _jurisdiction(code, name, JurisdictionLevel.CITY, provinces[parent], pack)
        cities[code] = city
        if prefix:
            org = _org(city, bureau_name, K.COMPETENT_BUREAU)
            _user(f"{prefix}_supervisor", f"{name}数据主管", org, Role.SUPERVISOR, logins)
    for site in SITES:
        jurisdiction = (
            cities[site.code]
            if site.code in cities
            else _jurisdiction(site.code, site.name, JurisdictionLevel.COUNTY, cities[site.parent], site.pack)
        )
        bureau = _org(jurisdiction, site.bureau, K.COMPETENT_BUREAU)
        finance = _org(jurisdiction, site.co_reviewers[0], K.CO_REVIEWER)
        co_reviewers = [_org(jurisdiction, name, K.CO_REVIEWER) for name in site.co_reviewers[1:]]
        units = [_org(jurisdiction, name, K.DEPARTMENT) for name in site.departments]
        for name, kind in site.others:
            _org(jurisdiction, name, kind)
        experts = _org(jurisdiction, f"{site.name}政务信息化项目评审专家库", K.EXPERT_POOL)
        p = site.prefix
        clerk = _user(f"{p}_clerk", f"{site.name}经办人", units[0], Role.CLERK, logins)
        _user(f"{p}_head", f"{site.name}单位负责人", units[0], Role.UNIT_HEAD, logins)
        clerk2 = _user(f"{p}_clerk2", f"{site.name}经办人（二）", units[1], Role.CLERK, logins)
        reviewer = _user(f"{p}_reviewer", f"{site.name}审核人", bureau, Role.REVIEWER, logins)
        _user(f"{p}_finance", f"{site.name}财政审核人", finance, Role.CO_REVIEWER, logins)
        for number, org in enumerate(co_reviewers, start=2):  # each 联合会审 member bureau speaks for itself
            _user(f"{p}_co{number}", f"{org.name}审核人", org, Role.CO_REVIEWER, logins)
        expert = _user(f"{p}_expert", f"{site.name}评审专家", experts, Role.EXPERT, logins)
        _expert_pool(site, jurisdiction, experts, expert)
        _user(f"{p}_leader", f"{site.name}分管领导", bureau, Role.LEADER, logins)
        if projects:
            _projects(site, units[0], clerk, reviewer)
            _projects(site, units[1], clerk2, reviewer)
        _round(jurisdiction, reviewer, 2027)
    admin_org = Organisation.objects.get(name="舒城县数据资源管理局")
    _user("sysadmin", "系统管理员", admin_org, Role.SYSTEM_ADMIN, logins)
    _user("secadmin", "安全管理员", admin_org, Role.SECURITY_ADMIN, logins)
    _user("auditadmin", "审计管理员", admin_org, Role.AUDIT_ADMIN, logins)
    for user in User.objects.filter(role_assignments__role__in=MFA_ROLES).distinct():
        totp_device_fixed(user, DEMO_TOTP_SECRET)
    return logins
