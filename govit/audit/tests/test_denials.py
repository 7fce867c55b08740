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


def test_a_refusal_inside_a_transaction_is_recorded_after_the_rollback(world, make_project):
    """A service refuses inside its transaction (here: a unit clerk deciding a 终止 that only the bureau may); what
    it began is rolled back, the record of the refusal is not."""
    from django.db import transaction
    from django.http import HttpResponse
    from django.test import RequestFactory

    from govit.audit.middleware import RequestContextMiddleware
    from govit.core.errors import PermissionDeniedError
    from govit.projects.models import Project
    from govit.projects.services import reviewer_required

    clerk, project = world["users"]["clerk"], make_project()

    def view(request):
        try:
            with transaction.atomic():
                Project.objects.filter(pk=project.pk).update(name="被改的名称")
                reviewer_required(clerk, project, "termination.decide")
        except PermissionDeniedError as error:
            return HttpResponse(error.message, status=200)  # shown as a message, as service_run does
        return HttpResponse("ok")

    request = RequestFactory().post("/x/")
    request.user = clerk
    RequestContextMiddleware(view)(request)
    assert Project.objects.get(pk=project.pk).name == project.name
    [denial] = _denials()
    assert (denial.action, denial.actor, denial.target_id) == (
        "termination.decide_denied",
        clerk,
        str(project.pk),
    )
    assert denial.after["reason"] == "只有主管部门审核人可以办理"


def test_a_refusal_shown_as_a_page_message_is_recorded(world, make_project, login):
    """A unit clerk posts a stage conclusion on its own declaration: the page says no, nothing changes, and the
    refusal is in the audit log with its reason."""
    from govit.projects.models import Project
    from govit.projects.services import declaration_submit
    from govit.workflow.models import StageDecision

    clerk = world["users"]["clerk"]
    project = declaration_submit(actor=clerk, project=make_project())
    before = Project.objects.values_list("status", "version").get(pk=project.pk)
    response = login(clerk).post(
        f"/projects/{project.pk}/workflow/decide/",
        {"stage_id": "ST-000-04", "outcome": "pass", "reason": "自己通过"},
        follow=True,
    )
    assert response.status_code in {200, 403}
    assert Project.objects.values_list("status", "version").get(pk=project.pk) == before
    assert not StageDecision.objects.exists()
    denials = [(d.action, d.actor) for d in _denials()]
    assert len(denials) == 1 and denials[0][1] == clerk, denials
