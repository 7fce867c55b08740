from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    DENIED = "denied", "拒绝"
    FAILURE = "failure", "失败"


class CheckpointKind(models.TextChoices):
    PURGE = "purge", "清理"
    DAILY = "daily", "每日"
