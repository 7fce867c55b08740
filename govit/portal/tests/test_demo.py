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
