"""申报表 from the packs (catalogue §7): which forms each pack asks for at declaration, field validation with
Chinese messages naming the field, the pack's validations checked before submission (舒城 TH-04 简要说明
≤ 200 字; 石嘴山 TH-12 工程类 免费运维期 ≥ 36 个月, TH-13 服务类 服务期 ≤ 36 个月), facts fed from the forms."""

from __future__ import annotations

from typing import Any

import pytest

from govit.audit.models import AuditEvent
from govit.core.errors import ServiceError
from govit.projects.facts import project_facts
from govit.projects.models import Project
from govit.projects.packforms import declaration_forms, forms_missing, sample_values
from govit.projects.services import declaration_check, declaration_submit, project_form_save

SBB = "F-000-SBB"  # 舒城 附件2


def sbb(**overrides: str) -> dict[str, str]:
    return {
        "period": "2027-01/2027-12",
        "leader": "王强",
        "contact": "张明",
        "phone": "0564-8888000",
        **overrides,
    }


@pytest.mark.parametrize(
    ("pack", "forms"),
    [
        ("shucheng", ["F-000-SBB", "F-000-PLAN-CONTENT"]),  # §7.1.1 附件2, §7.1.2 第九条
        ("shizuishan", ["F-001-SBB", "F-001-SEC-CRYPTO"]),  # §7.2.1 附件1, §7.2.2 附件2
        ("zhanggong", ["F-002-SITUATION-TABLE", "F-002-DECLARATION"]),  # §7.3
        ("jinxiang", []),  # materials only (§7.4)
        ("shangcheng", ["F-004-DECL-PACKAGE"]),  # §7.5 ¶33
    ],
)
def test_each_pack_has_its_own_declaration_forms(world, make_project, pack, forms):
    project = make_project(forms=False)
    Project.objects.filter(pk=project.pk).update(pack_code=pack)
    project = Project.objects.get(pk=project.pk)
    assert [f.id for f in declaration_forms(project)] == forms


def test_required_fields_block_submission_until_filled(world, make_project):
    project = make_project(forms=False)
    assert forms_missing(project) == [
        (SBB, "《舒城县电子政务建设项目申报表》尚未填写：建设年度、负责人、联系人、联系电话")
    ]
    with pytest.raises(ServiceError, match="尚未填写：建设年度"):
        declaration_submit(actor=world["users"]["clerk"], project=project)
    project_form_save(actor=world["users"]["clerk"], project=project, form_id=SBB, raw=sbb())
    project = Project.objects.get(pk=project.pk)
    assert forms_missing(project) == []
    assert project.form_data[SBB]["unit"] == "舒城县教育局"  # a unit field left empty is the declaring unit
    assert project_facts(project).plan_start_month == "2027-01"  # 建设年度 feeds DL-08
    declaration_submit(actor=world["users"]["clerk"], project=project)
    event = AuditEvent.objects.get(action="project.form_save")
    assert event.after["values"]["leader"] == "王强" and event.after["missing"] == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("period", "2027-12/2027-01", "“建设年度”的起始年月不能晚于结束年月"),
        ("period", "2027年1月至12月", "“建设年度”应填写起止年月"),
        ("phone", "8888", "“联系电话”应为固定电话（区号-号码）或 11 位手机号"),
        ("email", "not-an-email", "“电子邮箱”的格式不正确"),
        ("leader", "", "请填写“负责人”"),
        ("leader", "<script>x</script>", "“负责人”不能包含 HTML 标签或脚本"),
        ("fiscal", "abc", None),  # taken from the project (funding.fiscal_local): ignored, not an error
    ],
)
def test_bad_form_values_are_refused_and_change_nothing(world, make_project, field, value, message):
    project = make_project(forms=False)
    if message is None:
        project_form_save(
            actor=world["users"]["clerk"], project=project, form_id=SBB, raw=sbb(**{field: value})
        )
        assert field not in Project.objects.get(pk=project.pk).form_data[SBB]
        return
    with pytest.raises(ServiceError) as refused:
        project_form_save(
            actor=world["users"]["clerk"], project=project, form_id=SBB, raw=sbb(**{field: value})
        )
    assert refused.value.message.startswith(message) and refused.value.field == field
    assert Project.objects.get(pk=project.pk).form_data == {}
    assert not AuditEvent.objects.filter(action="project.form_save").exists()


@pytest.mark.parametrize(
    ("chars", "blocks"),
    [(199, False), (200, False), (201, True)],  # TH-04: 200字以内, whitespace not counted
)
def test_th04_summary_at_most_200_characters(world, make_project, chars, blocks):
    project = make_project(summary="字" * (chars - 1) + "  \n" + "字")
    problems = [message for _field, message in declaration_check(project)]
    assert any("简要说明字数控制在200字以内" in m and "附件2 说明2" in m for m in problems) is blocks


@pytest.fixture
def szs_project(world: dict[str, Any], make_project: Any) -> Any:
    def make(category: str, **values: str) -> Project:
        # 220万 of 工程费: within 石嘴山's scope (≥ 60万 工程+设备+预备费, TH-07 / A-SZS-04)
        project = make_project(
            forms=False,
            procurement_category=category,
            cost_software=0,
            cost_equipment=0,
            cost_engineering=2_200_000,
        )
        Project.objects.filter(pk=project.pk).update(pack_code="shizuishan")
        project = Project.objects.get(pk=project.pk)
        for form in declaration_forms(project):
            raw = sample_values(project, form)
            if form.id == "F-001-SBB":
                raw.update(values)
            project = project_form_save(
                actor=world["users"]["clerk"], project=project, form_id=form.id, raw=raw
            )
        return project

    return make


@pytest.mark.parametrize(
    ("months", "blocks"), [("35", True), ("36", False), ("37", False), ("", True)]
)  # TH-12: 至少三年以上的系统免费运维期 (第十四条)
def test_th12_engineering_free_maintenance_from_the_form(szs_project, months, blocks):
    project = szs_project("ENGINEERING", free_om_months=months, service_months="")
    assert project_facts(project).contract.free_om_months == (int(months) if months else None)
    problems = dict((m, f) for f, m in declaration_check(project))
    hit = [m for m in problems if "免费运维期" in m]
    assert bool(hit) is blocks
    if blocks:
        assert problems[hit[0]] == "form_data" and "第十四条" in hit[0]  # the page links to 申报表


@pytest.mark.parametrize(("months", "blocks"), [("35", False), ("36", False), ("37", True)])  # TH-13
def test_th13_service_period_from_the_form(szs_project, months, blocks):
    project = szs_project("SERVICE", free_om_months="", service_months=months)
    assert any("服务期" in m for _f, m in declaration_check(project)) is blocks


def test_the_forms_page_shows_project_fields_and_field_errors(world, login, make_project):
    project = make_project(forms=False)
    client = login(world["users"]["clerk"])
    page = client.get(f"/projects/{project.pk}/forms/").content.decode()
    assert "舒城县电子政务建设项目申报表" in page and "取自项目基本信息" in page and "待填写 4 项" in page
    data = {"form_id": SBB, "period__start": "2027-01", "period__end": "2027-12", "leader": "王强"}
    response = client.post(f"/projects/{project.pk}/forms/", {**data, "contact": "张明", "phone": "12"})
    body = response.content.decode()
    assert "未能保存《舒城县电子政务建设项目申报表》：“联系电话”应为固定电话" in body
    assert 'value="王强"' in body  # what was typed stays on the page
    assert Project.objects.get(pk=project.pk).form_data == {}
    response = client.post(
        f"/projects/{project.pk}/forms/", {**data, "contact": "张明", "phone": "13800138000"}, follow=True
    )
    assert "已保存《舒城县电子政务建设项目申报表》" in response.content.decode()
    checklist = client.post(
        f"/projects/{project.pk}/forms/",
        {"form_id": "F-000-PLAN-CONTENT", "checked": ["建设目标", "伪造的一项"]},
        follow=True,
    )
    assert "清单中没有这一项：伪造的一项" in checklist.content.decode()


def test_only_the_unit_fills_the_forms_and_only_while_editable(world, login, make_project):
    project = make_project(forms=False)
    with pytest.raises(ServiceError, match="不能填写"):
        project_form_save(actor=world["users"]["reviewer"], project=project, form_id=SBB, raw=sbb())
    project_form_save(actor=world["users"]["clerk"], project=project, form_id=SBB, raw=sbb())
    declaration_submit(actor=world["users"]["clerk"], project=Project.objects.get(pk=project.pk))
    with pytest.raises(ServiceError, match="不能填写"):
        project_form_save(actor=world["users"]["clerk"], project=project, form_id=SBB, raw=sbb(leader="李四"))
    assert Project.objects.get(pk=project.pk).form_data[SBB]["leader"] == "王强"


def test_an_optional_unit_field_is_not_filled_with_the_declaring_unit(world, make_project):
    """石嘴山 网络安全和密码保护审查表: the 审查单位 of each review is the bureau that reviews (A-SZS-10); left
    empty by the applicant it stays empty, while the required 申报单位 defaults to the declaring unit."""
    from govit.accounts.models import Jurisdiction
    from govit.projects.packforms import declaration_forms, form_check

    Jurisdiction.objects.filter(pk=world["jurisdictions"]["shucheng"].pk).update(pack_code="shizuishan")
    project = make_project()
    project.refresh_from_db()
    form = next(f for f in declaration_forms(project) if f.id == "F-001-SEC-CRYPTO")
    clean, _errors = form_check(project, form, {})
    assert clean.get("declaring_unit") == project.lead_unit.name
    assert not clean.get("security_reviewer") and not clean.get("crypto_reviewer")
