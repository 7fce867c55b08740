from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class VendorRole(models.TextChoices):
    """How a company takes part in a project (until procurement records exist)."""

    BIDDER = "bidder", "投标人"
    WINNER = "winner", "中标人"
    SUPPLIER = "supplier", "供应商"


class DrawStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    CANCELLED = "cancelled", "已作废"


class MemberStatus(models.TextChoices):
    INVITED = "invited", "已邀请"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已回避/谢绝"
    REPLACED = "replaced", "已被替换"


# A member in one of these statuses is still on the panel (or in the backup queue).
ACTIVE_MEMBER_STATUSES = frozenset({MemberStatus.INVITED, MemberStatus.ACCEPTED})


class PanelOutcome(models.TextChoices):
    """专家组结论 — the codes are the pack outcome codes the lifecycle module reads."""

    PASS = "pass", "通过"
    REVISE = "revise", "退回修改"
    FAIL = "fail", "不通过"


class ReviewVerdict(models.TextChoices):
    """One expert's recommendation (optional; the panel conclusion is the reviewer's)."""

    PASS = "pass", "建议通过"
    REVISE = "revise", "建议修改后再审"
    FAIL = "fail", "建议不通过"


# The algorithm recorded with every draw, so a replay knows how the seed was used.
DRAW_ALGORITHM = "python3 random.Random(seed).sample(sorted(eligible_ids), k)"
