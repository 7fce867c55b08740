from __future__ import annotations

from django.db import models


class CalendarYear(models.Model):
    """工作日历年度 — a year whose holidays and 调休 days are in the table (State Council notice)."""

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    source = models.CharField("数据来源", max_length=120, default="国务院办公厅放假安排通知")
    note = models.CharField("备注", max_length=255, blank=True)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """工作日历例外日 — a statutory holiday on a weekday, or a 调休 working Saturday/Sunday.
    Days not listed follow Monday–Friday."""

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=60, blank=True)

    class Meta:
        verbose_name = "工作日历例外日"
        verbose_name_plural = "工作日历例外日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '休息'} {self.note}"
