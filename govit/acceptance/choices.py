from __future__ import annotations

from django.db import models


class Conclusion(models.TextChoices):
    PASS = "pass", "通过"
    FAIL = "fail", "不通过"


class PanelField(models.TextChoices):
    """验收专家的专业领域 (上城 ¶78: 信息技术、网络安全及业务领域等专家)."""

    IT = "it", "信息技术"
    SECURITY = "security", "网络安全"
    BUSINESS = "business", "业务领域"
    OTHER = "other", "其他"


# The three fields 上城 ¶78 names; the facts count how many of them a panel covers.
NAMED_FIELDS = frozenset({PanelField.IT, PanelField.SECURITY, PanelField.BUSINESS})


class ReportSource(models.TextChoices):
    UPLOADED = "uploaded", "建设单位提交"
    GENERATED = "generated", "系统根据运行记录生成"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已申请，待验收"
    PASSED = "passed", "验收通过"
    FAILED = "failed", "验收不通过"
    RETURNED = "returned", "申请退回"


OPEN_APPLICATION = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED}
)


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", "待审核"
    AGREED = "agreed", "已同意"
    REJECTED = "rejected", "未同意"


class OrderStatus(models.TextChoices):
    """限期整改通知 — issued, answered with evidence, re-checked: closed, or sent back; once overdue the
    bureau may apply the pack's sanctions."""

    OPEN = "open", "整改中"
    SUBMITTED = "submitted", "已报整改情况，待复核"
    CLOSED = "closed", "整改完成"


class OrderSource(models.TextChoices):
    ACCEPTANCE = "acceptance", "竣工验收不通过"
    SUPERVISION = "supervision", "监督检查"
    OBLIGATION = "obligation", "期限事项逾期"
    EVALUATION = "evaluation", "绩效评价"


class SanctionCode(models.TextChoices):
    """The codes are the packs' ``sanctions[].code``."""

    CRITICISM = "CRITICISM", "通报批评"
    FUNDS_DEFERRED = "FUNDS_DEFERRED", "暂缓安排建设或资金计划"
    SUSPEND = "SUSPEND", "暂停项目建设"
    TERMINATE = "TERMINATE", "终止项目"
    DELIST = "DELIST", "下架"
    RETIRE = "RETIRE", "强制淘汰"
    BAN = "BAN", "取消下一年度申报资格"


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", "待分管领导审批"
    EFFECTIVE = "effective", "已执行"
    REJECTED = "rejected", "未批准"
    LIFTED = "lifted", "已解除"


class EvaluationKind(models.TextChoices):
    SELF = "self", "自评价"
    PERFORMANCE = "performance", "绩效评价"


class ResourceKind(models.TextChoices):
    """信息资源目录 entries and the 数据“三清单” (舒城 第十八条, 石嘴山 第十条)."""

    CATALOGUE = "catalogue", "信息资源目录"
    RESPONSIBILITY = "responsibility", "责任清单"
    DEMAND = "demand", "需求清单"
    NEGATIVE = "negative", "负面清单"


class ShareMode(models.TextChoices):
    UNCONDITIONAL = "unconditional", "无条件共享"
    CONDITIONAL = "conditional", "有条件共享"
    NONE = "none", "不予共享"
