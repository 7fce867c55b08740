from django.db import models


class Nature(models.TextChoices):
    """建设性质 (catalogue §8.1)."""

    NEW = "NEW", "新建"
    CONTINUATION = "CONTINUATION", "续建"
    REBUILD = "REBUILD", "改建"
    EXPANSION = "EXPANSION", "扩建"
    MIGRATION = "MIGRATION", "迁移"
    UPGRADE = "UPGRADE", "升级"
    OM = "OM", "运维"
    SERVICE_PURCHASE = "SERVICE_PURCHASE", "购买服务"


class ProcurementCategory(models.TextChoices):
    """采购类别 (catalogue §8.2)."""

    ENGINEERING = "ENGINEERING", "工程"
    GOODS = "GOODS", "货物"
    SERVICE = "SERVICE", "服务"


class Secrecy(models.TextChoices):
    NON_CLASSIFIED = "NON_CLASSIFIED", "非涉密"
    WORK_SECRET = "WORK_SECRET", "涉及工作秘密"
    CLASSIFIED = "CLASSIFIED", "涉密"


class Status(models.TextChoices):
    """项目状态 — the lifecycle; a policy pack's route says which stages apply in between."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已申报"
    IN_REVIEW = "in_review", "审查中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已立项"
    NOT_SUPPORTED = "not_supported", "不予支持"
    IN_CONSTRUCTION = "in_construction", "建设中"
    SUSPENDED = "suspended", "暂停建设"
    ACCEPTED = "accepted", "已验收"
    IN_OPERATION = "in_operation", "运行维护"
    RETIRED = "retired", "已下线"
    TERMINATED = "terminated", "已终止"


# Statuses in which the construction unit may still edit its declaration.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", "本级财政资金"
    UPPER = "upper", "上级专项资金"
    BOND = "bond", "政府专项债券"
    SELF = "self", "单位自筹"
    SOCIAL = "social", "社会资金"
    OTHER = "other", "其他"


# Cost heads (cost_<code> fields on Project), in the order of the 申报表. They add up to the total.
COST_HEADS: tuple[tuple[str, str], ...] = (
    ("engineering", "工程费"),
    ("equipment", "设备购置费"),
    ("software", "软件开发费"),
    ("services", "服务费"),
    ("testing", "测评费"),
    ("supervision", "监理费"),
    ("other", "其他费用"),
    ("contingency", "预备费"),
    ("om", "运维费"),
)
# 其中 amounts: parts of the total, reported separately.
EARMARKS: tuple[tuple[str, str], ...] = (
    ("security", "其中：网络安全投入"),
    ("crypto", "其中：密码应用投入"),
)
