from __future__ import annotations

from django.db import models


class ObligationState(models.TextChoices):
    UPCOMING = "upcoming", "未到期"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    FULFILLED = "fulfilled", "已完成"
    WAIVED = "waived", "已豁免"
    SUPERSEDED = "superseded", "已失效"


# States a scan can still move on (by date) — the others are final.
ACTIVE_STATES = frozenset({ObligationState.UPCOMING, ObligationState.DUE_SOON, ObligationState.OVERDUE})

# 红黄绿灯: overdue red, due soon yellow, everything else green.
LIGHTS = {ObligationState.OVERDUE: "red", ObligationState.DUE_SOON: "yellow"}
LIGHT_LABELS = {"red": "红灯（有逾期事项）", "yellow": "黄灯（有即将到期事项）", "green": "绿灯"}


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "即将到期提醒"
    OVERDUE = "overdue", "逾期提醒"
    ESCALATE_HEAD = "escalate_head", "催办：建设单位负责人"
    ESCALATE_BUREAU = "escalate_bureau", "催办：主管部门"
