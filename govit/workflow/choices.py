from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    """环节结论 — the pack's outcome codes, in words."""

    PASS = "pass", "通过"
    NEXT = "next", "完成"
    REVISE = "revise", "退回修改"
    FAIL = "fail", "不通过（本次申报结束）"
    END = "end", "本次申报结束"
    APPROVED = "approved", "同意立项"
    NOT_APPROVED = "not_approved", "不予立项"
    ESCALATE = "escalate", "报上级审查"


# Outcomes that move the project on to the next stage.
FORWARD = frozenset({Outcome.PASS, Outcome.NEXT, Outcome.APPROVED, Outcome.ESCALATE})
# Outcomes that end the declaration.
TERMINAL = frozenset({Outcome.FAIL, Outcome.END, Outcome.NOT_APPROVED})


class OpinionConclusion(models.TextChoices):
    AGREE = "agree", "同意"
    AGREE_WITH_CHANGES = "agree_with_changes", "原则同意，需修改完善"
    DISAGREE = "disagree", "不同意"
