"""越权访问 is a security event (等保 8.1.4.3 a): every 403 across the site leaves one audit record with the
user, the path and the reason, on a Chinese page in the site's layout."""

from __future__ import annotations

from django.test import Client

from govit.audit.models import AuditEvent


def _denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(outcome="denied").order_by("seq"))


def test_a_refusal_raised_by_a_view_is_recorded_with_user_path_and_reason(bureau, client_of):
    clerk = bureau["users"]["clerk"]
    response = client_of(clerk).get("/experts/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "只有主管部门审核人可以查看专家库" in page and 'class="mainnav"' in page
    [denial] = _denials()
    assert (denial.action, denial.actor, denial.client_ip) == ("auth.denied", clerk, "10.1.2.3")
    assert denial.after == {
        "path": "/experts/",
        "method": "GET",
        "reason": "只有主管部门审核人可以查看专家库",
    }


def test_a_refusal_a_service_already_recorded_is_not_recorded_twice(bureau, client_of):
    response = client_of(bureau["users"]["reviewer"]).get("/audit/")
    assert response.status_code == 403
    assert [(d.action, d.actor) for d in _denials()] == [("audit.search_denied", bureau["users"]["reviewer"])]


def test_a_refusal_without_an_exception_is_recorded_too(bureau):
    """A forged form (no CSRF token) is refused by Django's own 403 page, not by handler403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau["users"]["auditadmin"])
    assert client.post("/audit/verify/").status_code == 403
    [denial] = _denials()
    assert denial.action == "auth.denied" and denial.actor == bureau["users"]["auditadmin"]
    assert denial.after["path"] == "/audit/verify/" and denial.after["reason"].startswith("HTTP 403")
    assert not AuditEvent.objects.filter(action="audit.verify").exists()


def test_pages_that_do_not_exist_answer_in_chinese(bureau, client_of):
    response = client_of(bureau["users"]["clerk"]).get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode() and 'class="mainnav"' in response.content.decode()
    assert not _denials()
