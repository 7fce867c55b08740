from django.db import models

from govit.projects.choices import Status


class BatchState(models.TextChoices):
    """Where an import batch stands: checked in the background, then committed as a whole or not at all."""

    PARSING = "parsing", "解析中"
    READY = "ready", "待导入"
    FAILED = "failed", "未通过校验"
    COMMITTING = "committing", "导入中"
    COMMITTED = "committed", "已导入"


# The states a batch is busy in: its page polls until the background task is done.
BUSY_STATES = frozenset({BatchState.PARSING, BatchState.COMMITTING})

# What an existing project may be imported as. 草稿 belongs to its unit, 审查中 / 退回修改 / 暂停建设 need the
# decisions that put a project there, so they are entered through the ordinary pages instead.
IMPORTABLE_STATUSES: tuple[Status, ...] = (
    Status.SUBMITTED,
    Status.NOT_SUPPORTED,
    Status.APPROVED,
    Status.IN_CONSTRUCTION,
    Status.ACCEPTED,
    Status.IN_OPERATION,
    Status.RETIRED,
    Status.TERMINATED,
)
# Statuses after 立项: the approval record (文号, 批复投资, 批复日期) is required.
APPROVAL_REQUIRED = frozenset(
    {Status.APPROVED, Status.IN_CONSTRUCTION, Status.ACCEPTED, Status.IN_OPERATION, Status.RETIRED}
)
# Statuses before (or without) 立项: no approval record.
APPROVAL_FORBIDDEN = frozenset({Status.SUBMITTED, Status.NOT_SUPPORTED})
