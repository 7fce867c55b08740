"""查重: the systems in operation (编目), the comparison index, the pairs found and the pairs a reviewer
marked as not duplicates."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govit.accounts.models import Jurisdiction, Organisation
from govit.projects.models import Project


class CatalogueSystem(models.Model):
    """在用系统编目 — an application already in operation, which new declarations must not rebuild."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name="运行单位", on_delete=models.PROTECT, null=True, blank=True
    )
    name = models.CharField("系统名称", max_length=100)
    description = models.TextField("系统简介", blank=True)
    functions = models.TextField("主要功能", blank=True)
    data_resources = models.TextField("数据资源", blank=True)
    online_since = models.DateField("上线时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "在用系统编目"
        verbose_name_plural = "在用系统编目"
        ordering = ["jurisdiction_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="uniq_catalogue_system_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IndexedDocument(models.Model):
    """One project or catalogued system as the comparison holds it: per-section word vectors (TF-IDF as of
    ``indexed_at``) and the keywords it is filed under."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="similarity_document"
    )
    system = models.OneToOneField(
        CatalogueSystem, on_delete=models.CASCADE, null=True, blank=True, related_name="similarity_document"
    )
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)
    digest = models.CharField(max_length=64)  # of the texts indexed: unchanged texts are not indexed again
    vectors = models.JSONField(default=dict)
    keywords = models.JSONField(default=list)
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = "查重索引文档"
        verbose_name_plural = "查重索引文档"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, system__isnull=True)
                | models.Q(project__isnull=True, system__isnull=False),
                name="indexed_document_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"project {self.project_id}" if self.project_id else f"system {self.system_id}"


class Posting(models.Model):
    """Keyword → document: where a query looks for its candidates instead of reading every document."""

    term = models.CharField(max_length=40)
    document = models.ForeignKey(IndexedDocument, on_delete=models.CASCADE, related_name="postings")
    jurisdiction_id = models.BigIntegerField()

    class Meta:
        # covering: a query's candidates are counted from the index alone
        indexes = [models.Index(fields=["term", "jurisdiction_id", "document"], name="posting_lookup")]

    def __str__(self) -> str:
        return self.term


class TermStat(models.Model):
    """How many indexed documents use a word (document frequency, for TF-IDF)."""

    term = models.CharField(max_length=40, primary_key=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.documents}"


class Match(models.Model):
    """A project and another project or system whose declarations read alike, with the score of each
    section and the words they share. Kept both ways for two projects."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="similarity_matches")
    other_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_system = models.ForeignKey(CatalogueSystem, on_delete=models.CASCADE, null=True, blank=True)
    score = models.FloatField("相似度")
    sections = models.JSONField("分项相似度", default=dict)
    overlap = models.JSONField("共同用语", default=dict)
    computed_at = models.DateTimeField("比对时间")

    class Meta:
        verbose_name = "相似项目"
        verbose_name_plural = "相似项目"
        ordering = ["-score"]
        indexes = [models.Index(fields=["project", "-score"], name="match_project_score")]
        constraints = [
            models.UniqueConstraint(fields=["project", "other_project"], name="uniq_match_project"),
            models.UniqueConstraint(fields=["project", "other_system"], name="uniq_match_system"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} ~ {self.other_project_id or self.other_system_id}: {self.score:.2f}"


class Dismissal(models.Model):
    """A reviewer's judgment that two declarations are not duplicates (with the reason): the pair no longer
    raises findings. Stored once per pair, the lower project id first."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    other_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_system = models.ForeignKey(CatalogueSystem, on_delete=models.CASCADE, null=True, blank=True)
    reason = models.TextField("理由")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="认定人", on_delete=models.PROTECT
    )
    dismissed_at = models.DateTimeField("认定时间", auto_now_add=True)

    class Meta:
        verbose_name = "不重复认定"
        verbose_name_plural = "不重复认定"
        constraints = [
            models.UniqueConstraint(fields=["project", "other_project"], name="uniq_dismissal_project"),
            models.UniqueConstraint(fields=["project", "other_system"], name="uniq_dismissal_system"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} ≠ {self.other_project_id or self.other_system_id}"
