from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from tree_queries.models import TreeNode

from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role


class Jurisdiction(TreeNode):
    """行政区划 — province → city → county/district, each possibly governed by a policy pack."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=16, choices=JurisdictionLevel.choices)
    pack_code = models.CharField("适用政策包", max_length=40, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """单位 — a bureau, department, town/street, park or state enterprise within a jurisdiction."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类型", max_length=24, choices=OrganisationKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["jurisdiction__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="uniq_org_name_in_jurisdiction")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """用户 — a person; what they may do comes from their role assignments."""

    display_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    primary_organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    password_must_change = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="初始密码或重置后的密码：下次登录时必须先修改。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class PasswordHistory(models.Model):
    """历史密码 — the hash of a password a user has had, so that recent ones are not chosen again."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码散列", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class RoleAssignment(models.Model):
    """角色授权 — a user acts in one role for one organisation."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignments"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="uniq_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Notification(models.Model):
    """消息 — something a user should know, shown on their home page."""

    recipient = models.ForeignKey(
        User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField("内容", max_length=255)
    url = models.CharField("链接", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text
