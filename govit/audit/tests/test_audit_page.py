"""审计日志 page (等保 8.1.4.3 b, 8.1.5.2): the 审计管理员 searches by time, user, event type and outcome and
exports .xlsx / .csv; each search and export is itself audited; nobody else gets in."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govit.audit.models import AuditEvent
from govit.audit.services import audit_record
from govit.core import clock


def _at(day: dt.date, time: dt.time, **fields):
    with clock.frozen_at(timezone.make_aware(dt.datetime.combine(day, time))):
        return audit_record(**fields)


@pytest.fixture
def events(bureau):
    clerk = bureau["users"]["clerk"]
    return {
        "before": _at(dt.date(2026, 3, 31), dt.time(23, 59, 59), actor=clerk, action="project.create"),
        "first_day": _at(dt.date(2026, 4, 1), dt.time(0, 0), actor=clerk, action="project.submit"),
        "last_day": _at(
            dt.date(2026, 4, 30),
            dt.time(23, 59, 59),
            actor=None,
            action="auth.login_failed",
            actor_name='=HYPERLINK("http://evil")',
            outcome="failure",
        ),
        "after": _at(dt.date(2026, 5, 1), dt.time(0, 0), actor=clerk, action="auth.login"),
    }


def _seqs(response) -> list[int]:
    return [event.seq for event in response.context["page"]]


def test_the_audit_admin_searches_by_time_range_both_ends_included(events, bureau, client_of):
    client = client_of(bureau["users"]["auditadmin"])
    response = client.get("/audit/", {"date_from": "2026-04-01", "date_to": "2026-04-30"})
    assert response.status_code == 200
    assert _seqs(response) == [events["last_day"].seq, events["first_day"].seq]
    search = AuditEvent.objects.filter(action="audit.search").latest("seq")
    assert search.actor == bureau["users"]["auditadmin"]
    assert search.after == {"date_from": "2026-04-01", "date_to": "2026-04-30", "page": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "edu_cl"}, ["after", "first_day", "before"]),
        ({"action": "auth."}, ["after", "last_day"]),
        ({"outcome": "failure"}, ["last_day"]),
        ({"user": "edu_clerk", "action": "project.", "date_from": "2026-04-01"}, ["first_day"]),
    ],
)
def test_it_searches_by_user_event_type_and_outcome(events, bureau, client_of, query, expected):
    client = client_of(bureau["users"]["auditadmin"])
    seqs = [s for s in _seqs(client.get("/audit/", query)) if s <= events["after"].seq]
    assert seqs == [events[name].seq for name in expected]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-30"}, "结束日期：结束日期不能早于开始日期"),
        ({"date_from": "2026-13-01"}, "开始日期："),
        ({"outcome": "maybe"}, "结果："),
    ],
)
def test_bad_criteria_are_a_400_naming_the_field(events, bureau, client_of, query, reason):
    client = client_of(bureau["users"]["auditadmin"])
    searches = AuditEvent.objects.filter(action="audit.search").count()
    for url in ("/audit/", "/audit/export.csv"):
        response = client.get(url, query)
        assert response.status_code == 400 and reason in response.content.decode()
    assert AuditEvent.objects.filter(action__in=["audit.search", "audit.export"]).count() == searches


def test_a_one_day_range_is_accepted(events, bureau, client_of):
    response = client_of(bureau["users"]["auditadmin"]).get(
        "/audit/", {"date_from": "2026-04-01", "date_to": "2026-04-01"}
    )
    assert _seqs(response) == [events["first_day"].seq]


def test_the_xlsx_export_holds_the_searched_events_as_text_and_is_audited(events, bureau, client_of):
    client = client_of(bureau["users"]["auditadmin"])
    response = client.get("/audit/export.xlsx", {"date_from": "2026-04-01", "date_to": "2026-04-30"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时间", "操作人", "单位编号", "事件类型")
    assert [row[0] for row in rows[1:]] == [events["first_day"].seq, events["last_day"].seq]
    formula_cell = sheet.cell(row=3, column=3)
    assert formula_cell.value == '=HYPERLINK("http://evil")' and formula_cell.data_type == "s"
    export = AuditEvent.objects.filter(action="audit.export").get()
    assert export.after["format"] == "xlsx" and export.after["rows"] == 2


def test_the_csv_export_opens_in_wps_and_neutralises_formulas(events, bureau, client_of):
    client = client_of(bureau["users"]["auditadmin"])
    response = client.get("/audit/export.csv", {"outcome": "failure"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff序号,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][2] == '\'=HYPERLINK("http://evil")' and rows[1][8] == "失败"
    assert AuditEvent.objects.filter(action="audit.export").get().after == {
        "outcome": "failure",
        "format": "csv",
        "rows": 1,
    }


@pytest.mark.parametrize(("limit", "allowed"), [(3, False), (4, True), (5, True)])
def test_an_export_over_the_row_limit_is_refused(events, bureau, client_of, settings, limit, allowed):
    settings.GOVIT_AUDIT_EXPORT_MAX_ROWS = limit
    client = client_of(bureau["users"]["auditadmin"])
    matching = AuditEvent.objects.filter(created_at__lt=timezone.make_aware(dt.datetime(2026, 6, 1))).count()
    assert matching == 4
    response = client.get("/audit/export.csv", {"date_to": "2026-05-31"})
    assert (response.status_code == 200) is allowed
    assert AuditEvent.objects.filter(action="audit.export").exists() is allowed
    if not allowed:
        assert "超过单次导出上限" in response.content.decode()


@pytest.mark.parametrize("who", ["clerk", "reviewer", "sysadmin", "secadmin"])
def test_nobody_but_the_audit_admin_reads_or_exports(events, bureau, client_of, who):
    client = client_of(bureau["users"][who])
    for url in ("/audit/", "/audit/export.xlsx", "/audit/export.csv"):
        response = client.get(url)
        assert response.status_code == 403 and "审计管理员" in response.content.decode()
    assert client.post("/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(action__in=["audit.search", "audit.export", "audit.verify"]).exists()
    assert AuditEvent.objects.filter(actor=bureau["users"][who], outcome="denied").count() == 4


def test_an_anonymous_visitor_is_sent_to_log_in(events, client):
    assert client.get("/audit/export.csv").status_code == 302


def test_the_nav_shows_the_audit_page_to_the_audit_admin_only(bureau, client_of):
    assert "审计日志" in client_of(bureau["users"]["auditadmin"]).get("/").content.decode()
    assert "审计日志" not in client_of(bureau["users"]["sysadmin"]).get("/").content.decode()


def test_the_audit_admin_verifies_the_chain_from_the_page(events, bureau, client_of):
    client = client_of(bureau["users"]["auditadmin"])
    response = client.post("/audit/verify/", follow=True)
    assert "审计链完整" in response.content.decode()
    assert AuditEvent.objects.filter(action="audit.verify", outcome="success").exists()


def test_the_list_costs_the_same_queries_for_few_or_many_events(
    events, bureau, client_of, django_assert_max_num_queries
):
    client = client_of(bureau["users"]["auditadmin"])
    client.get("/audit/")
    with django_assert_max_num_queries(20) as few:
        client.get("/audit/")
    for n in range(60):
        audit_record(actor=bureau["users"]["clerk"], action=f"test.{n}")
    with django_assert_max_num_queries(20) as many:
        assert len(client.get("/audit/").context["page"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
