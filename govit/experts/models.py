"""评审专家库, 随机抽取 and 专家评审.

An expert belongs to the pool of one jurisdiction; a draw for a project may take experts from the pool of
the project's jurisdiction or of any jurisdiction above it. Rows of draws, members, reviews and conclusions
are never deleted: a cancelled draw keeps its members, a declined member keeps its row."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from govit.accounts.models import Jurisdiction, Organisation
from govit.experts.choices import (
    ACTIVE_MEMBER_STATUSES,
    DRAW_ALGORITHM,
    DrawStatus,
    Gender,
    MemberStatus,
    PanelOutcome,
    ReviewVerdict,
    VendorRole,
)
from govit.experts.masking import mask_email, mask_id, mask_phone
from govit.projects.models import Project


class ExpertField(models.Model):
    """专业领域 — e.g. 信息技术、网络安全、财务、教育业务."""

    name = models.CharField("专业领域", max_length=40, unique=True)

    class Meta:
        verbose_name = "专业领域"
        verbose_name_plural = "专业领域"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    """评审专家 — one person in the pool of a jurisdiction."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_profile",
        help_text="须为具有“评审专家”角色的账号；没有账号的专家不参加抽取（评审意见须本人在线提交）",
    )
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    specialties = models.ManyToManyField(
        ExpertField, verbose_name="专业领域", blank=True, related_name="experts"
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name="工作单位（系统内单位）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField(
        "工作单位名称", max_length=100, blank=True, help_text="不在系统内的单位填写全称"
    )
    title = models.CharField("职称", max_length=40, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="所属专家库（行政区划）", on_delete=models.PROTECT, related_name="experts"
    )
    is_available = models.BooleanField("可参加抽取", default=True)
    unavailable_until = models.DateField(
        "暂停抽取至（含当日）", null=True, blank=True, help_text="出差、回避期等，该日之后恢复"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"
        ordering = ["jurisdiction__code", "name", "id"]
        indexes = [models.Index(fields=["jurisdiction", "is_available"])]

    def __str__(self) -> str:
        return self.name

    @property
    def employer_display(self) -> str:
        if self.employer_id is not None:
            return self.employer.name if self.employer else ""
        return self.employer_name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def email_masked(self) -> str:
        return mask_email(self.email)

    def available_on(self, day: dt.date) -> bool:
        if not self.is_available:
            return False
        return self.unavailable_until is None or self.unavailable_until < day


class _ExpertUnitLink(models.Model):
    """An organisation linked to an expert: one in the system, or only its name."""

    expert: models.ForeignKey[Expert, Expert]
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="单位（系统内）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("单位名称", max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.expert} · {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation is not None else self.name


class ExpertEmployment(_ExpertUnitLink):
    """任职经历 — a past (or other) employer, for the look-back of conflict avoidance."""

    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="employments"
    )
    start = models.DateField("起始日期")
    end = models.DateField("结束日期", null=True, blank=True, help_text="空表示仍在任职")

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="expert_employment_end_after_start",
            )
        ]


class ExpertDeclaredConflict(_ExpertUnitLink):
    """申报的利害关系 — an organisation the expert says they must not judge (relatives, shares, ...)."""

    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    reason = models.CharField("利害关系说明", max_length=200)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "申报的利害关系"
        verbose_name_plural = "申报的利害关系"
        ordering = ["id"]


class ProjectVendor(models.Model):
    """项目的投标人/中标人/供应商 — a placeholder list until procurement records exist."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="vendors"
    )
    name = models.CharField("单位名称", max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="单位（系统内）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField("身份", max_length=16, choices=VendorRole.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "项目供应商"
        verbose_name_plural = "项目供应商"
        ordering = ["project", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name", "role"], name="uniq_project_vendor")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class ExpertDraw(models.Model):
    """随机抽取 — the panel for one stage of one project in one 申报轮次, with what makes it reproducible:
    the seed, the sorted list of eligible expert ids and the algorithm."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="expert_draws"
    )
    round = models.PositiveIntegerField("申报轮次", default=1)
    stage_id = models.CharField("环节编号", max_length=80)
    stage_name = models.CharField("环节", max_length=120, blank=True)
    stage_kind = models.CharField("环节类型", max_length=40, blank=True)
    size = models.PositiveSmallIntegerField("专家组人数")
    backups = models.PositiveSmallIntegerField("备选人数", default=0)
    specialty = models.ForeignKey(
        ExpertField,
        verbose_name="限定专业领域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_on = models.DateField("抽取日期")
    seed = models.CharField("随机种子", max_length=24)
    algorithm = models.CharField("抽取算法", max_length=120, default=DRAW_ALGORITHM)
    candidate_ids = models.JSONField("符合条件的专家（编号，升序）", default=list)
    excluded = models.JSONField("回避的专家及原因", default=dict, blank=True)
    lookback_years = models.PositiveSmallIntegerField("回避追溯年限")
    status = models.CharField(
        "状态", max_length=16, choices=DrawStatus.choices, default=DrawStatus.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("抽取时间")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "专家抽取"
        verbose_name_plural = "专家抽取"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "round", "stage_id"],
                condition=~models.Q(status=DrawStatus.CANCELLED),
                name="uniq_open_expert_draw_per_stage",
            ),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="expert_draw_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.stage_name or self.stage_id}"

    @property
    def is_active(self) -> bool:
        return self.status == DrawStatus.ACTIVE


class DrawSupplement(models.Model):
    """补充抽取 — extra backups drawn later from the experts still eligible, with their own seed."""

    draw = models.ForeignKey(
        ExpertDraw, verbose_name="抽取", on_delete=models.PROTECT, related_name="supplements"
    )
    count = models.PositiveSmallIntegerField("补抽人数")
    seed = models.CharField("随机种子", max_length=24)
    algorithm = models.CharField("抽取算法", max_length=120, default=DRAW_ALGORITHM)
    candidate_ids = models.JSONField("符合条件的专家（编号，升序）", default=list)
    reason = models.CharField("补抽原因", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("抽取时间")

    class Meta:
        verbose_name = "补充抽取"
        verbose_name_plural = "补充抽取"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.draw} 补抽 {self.count} 人"


class DrawMember(models.Model):
    """抽中的专家 — position is the order of the draw; the first ``size`` are the panel, the rest backups."""

    draw = models.ForeignKey(
        ExpertDraw, verbose_name="抽取", on_delete=models.PROTECT, related_name="members"
    )
    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="draw_members"
    )
    position = models.PositiveSmallIntegerField("抽取序号")
    is_backup = models.BooleanField("备选", default=False)
    supplement = models.ForeignKey(
        DrawSupplement,
        verbose_name="补充抽取",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    status = models.CharField(
        "状态", max_length=16, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="递补对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    promoted_at = models.DateTimeField("递补时间", null=True, blank=True)
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)
    decline_reason = models.CharField("回避/谢绝原因", max_length=500, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "抽中专家"
        verbose_name_plural = "抽中专家"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="uniq_draw_member_position"),
            models.UniqueConstraint(fields=["draw", "expert"], name="uniq_draw_member_expert"),
        ]

    def __str__(self) -> str:
        return f"{self.draw} #{self.position} {self.expert}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_MEMBER_STATUSES

    @property
    def on_panel(self) -> bool:
        """A current panel member (not a backup, not declined or replaced)."""
        return self.is_active and not self.is_backup

    @property
    def submitted_review(self) -> ExpertReview | None:
        """The member's review, None before it is submitted (templates cannot catch the missing row)."""
        return getattr(self, "review", None)


class ExpertReview(models.Model):
    """专家评审意见 — one panel member's scores, opinion and budget advice. Submitted once."""

    member = models.OneToOneField(
        DrawMember, verbose_name="抽中专家", on_delete=models.PROTECT, related_name="review"
    )
    scores = models.JSONField("评分", default=dict, blank=True)
    total = models.PositiveSmallIntegerField("总分", null=True, blank=True)
    scoring_table = models.CharField("评分表", max_length=80, blank=True)
    verdict = models.CharField("评审建议", max_length=16, choices=ReviewVerdict.choices, blank=True)
    opinion = models.TextField("评审意见")
    recommended_budget_yuan = models.PositiveBigIntegerField("建议预算（元）", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "专家评审意见"
        verbose_name_plural = "专家评审意见"
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommended_budget_yuan__isnull=True)
                | models.Q(recommended_budget_yuan__lte=10**12),
                name="expert_review_budget_within_limit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.expert} · {self.member.draw}"


class PanelConclusion(models.Model):
    """专家组结论 — the competent bureau's record of what the panel concluded. The lifecycle module reads
    it (``govit.experts.selectors.panel_outcome``); this app never moves the project's status."""

    draw = models.OneToOneField(
        ExpertDraw, verbose_name="抽取", on_delete=models.PROTECT, related_name="conclusion"
    )
    outcome = models.CharField("结论", max_length=16, choices=PanelOutcome.choices)
    opinion = models.TextField("专家组意见")
    aggregate = models.JSONField("评分汇总", default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "专家组结论"
        verbose_name_plural = "专家组结论"

    def __str__(self) -> str:
        return f"{self.draw} · {self.get_outcome_display()}"
