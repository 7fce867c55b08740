from django.core.management import call_command

from govit.accounts.models import User
from govit.audit.selectors import audit_chain_verify
from govit.projects.models import Project


def test_demo_loads_five_jurisdictions_twice_without_duplicates_and_keeps_the_chain(db, capsys):
    call_command("demo")
    projects, users = Project.objects.count(), User.objects.count()
    call_command("demo")
    assert (Project.objects.count(), User.objects.count()) == (projects, users)
    output = capsys.readouterr().out
    for username in ("sc_clerk", "szs_reviewer", "zg_clerk", "jx_expert", "shc_leader", "auditadmin"):
        assert username in output
    assert set(Project.objects.values_list("pack_code", flat=True)) == {
        "shucheng",
        "shizuishan",
        "zhanggong",
        "jinxiang",
        "shangcheng",
    }
    assert len(set(Project.objects.values_list("status", flat=True))) >= 4
    assert audit_chain_verify().ok


def test_demo_has_a_system_in_use_in_each_jurisdiction_accepted_through_the_services(db):
    """The 验收与运行 page has something to show: projects of every pack passed 竣工验收 with the pack's evidence
    (章贡's confirmed by the bodies it names) and is in 运行维护."""
    from govit.acceptance import selectors
    from govit.acceptance.models import AcceptanceApplication
    from govit.portal.demo import demo_load

    demo_load()
    in_use = Project.objects.filter(status="in_operation")
    assert set(in_use.values_list("pack_code", flat=True)) == {
        "shucheng",
        "shizuishan",
        "zhanggong",
        "jinxiang",
        "shangcheng",
    }
    for project in in_use:
        application = AcceptanceApplication.objects.get(project=project)
        asked = {form.id for form in selectors.pack_forms(project, "acceptance_evidence")}
        assert application.status == "passed" and set(application.evidence) == asked
    for zhanggong in AcceptanceApplication.objects.filter(project__pack_code="zhanggong"):
        assert zhanggong.confirmations.filter(confirmed=True).count() == 3
