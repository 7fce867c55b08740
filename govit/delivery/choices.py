from __future__ import annotations

from django.db import models


class ProcurementRoute(models.TextChoices):
    """采购途径 — the codes are the facts' ``procurement_route``."""

    GOV_PROCUREMENT = "GOV_PROCUREMENT", "政府采购"
    SMALL_PUBLIC_RESOURCE = "SMALL_PUBLIC_RESOURCE", "小额公共资源交易"
    SELF = "SELF", "自行采购"


class ProcurementMethod(models.TextChoices):
    OPEN_TENDER = "open_tender", "公开招标"
    INVITED_TENDER = "invited_tender", "邀请招标"
    NEGOTIATION = "negotiation", "竞争性谈判"
    CONSULTATION = "consultation", "竞争性磋商"
    SINGLE_SOURCE = "single_source", "单一来源采购"
    INQUIRY = "inquiry", "询价"
    FRAMEWORK = "framework", "框架协议采购"
    OTHER = "other", "其他方式"


class ProcurementLot(models.TextChoices):
    """What a procurement buys: the project itself, or its 监理 tendered on its own (上城 ¶55 监理独立招标)."""

    MAIN = "main", "项目采购"
    SUPERVISION = "supervision", "监理采购"


class ContractKind(models.TextChoices):
    MAIN = "main", "项目合同"
    SUPERVISION = "supervision", "监理合同"
    OTHER = "other", "其他合同"


# Contract clauses a pack may require, by the facts field that carries them (facts ``contract.<field>``).
CLAUSES: tuple[tuple[str, str], ...] = (
    ("ip_clause", "成果及知识产权归属政府"),
    ("data_ownership_clause", "数据及衍生数据归属"),
    ("source_code_clause", "源代码及技术文档移交"),
    ("confidentiality_clause", "保密协议"),
    ("security_liability_clause", "网络安全和数据安全责任"),
    ("overrun_penalty_clause", "逾期交付违约责任"),
    ("acceptance_standard_clause", "验收标准"),
    ("payment_schedule_clause", "按进度分期付款"),
    ("data_three_lists", "数据“三清单”（责任、需求、负面清单）"),
    ("has_construction_content", "服务类合同含建设内容"),
)
CLAUSE_LABELS = dict(CLAUSES)


class ChangeKind(models.TextChoices):
    GOAL = "goal", "建设目标"
    BUDGET = "budget", "投资（预算）"
    SCOPE = "scope", "建设内容"
    SCHEDULE = "schedule", "建设工期"
    LOCATION = "location", "建设地点"


class ChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", "待办理"
    APPROVED = "approved", "已同意（已备案）"
    REJECTED = "rejected", "不同意"
    REDECLARE = "redeclare", "须重新申报立项"


class TerminationStatus(models.TextChoices):
    REQUESTED = "requested", "待主管部门办理"
    AGREED = "agreed", "已同意撤销（终止）"
    REJECTED = "rejected", "不同意"


class IncidentKind(models.TextChoices):
    DELAY = "delay", "工期严重滞后"
    SECURITY = "security", "网络安全事件"
    OVERRUN = "overrun", "投资严重超支"
    OTHER = "other", "其他重大问题"
