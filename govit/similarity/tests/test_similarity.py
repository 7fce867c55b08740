"""查重 on the demo world: declarations are compared when saved, and the packs turn the scores into findings
with their articles — 石嘴山 RJ-21 (重复设计、开发, 第十三条(四)) and RJ-22 (同类型在建项目未验收, 第十三条(五)),
章贡 RJ-38 (相似项目拆分申报 across the 50万 line of 第六条 / TH-14), 上城 RJ-88 (省市统建、区级不得重复开发,
¶9) against the catalogue of systems in operation; a reviewer's “不重复” judgment silences a pair."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from govit.accounts.models import Jurisdiction, User
from govit.audit.models import AuditEvent
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.portal.demo import demo_load
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.policy import policy_objections, project_policy
from govit.projects.services import project_create, project_update
from govit.similarity import text
from govit.similarity.models import CatalogueSystem, Dismissal, Match
from govit.similarity.selectors import similarity_facts
from govit.similarity.services import pair_dismiss, project_check, system_save, systems_import

SAFETY = {
    "name": "智慧校园安全监管平台",
    "objectives": "建设覆盖全区中小学的校园安全监管体系，实现校园视频监控、门禁考勤、食堂食品安全的统一监管，"
    "提升校园安全事件的发现和处置效率，做到风险早发现、早预警、早处置。",
    "content": "建设校园安全监管平台一套，接入全区86所中小学的视频监控和门禁系统；建设食堂明厨亮灶监测模块；"
    "建设校园安全隐患排查与整改闭环管理功能；建设移动端应用，供校长、安全员和教育局管理人员使用。",
    "functions": "视频监控接入、门禁考勤管理、明厨亮灶监测、隐患排查上报、整改督办、安全预警推送、统计分析驾驶舱",
    "tech_route": "采用微服务架构，部署在区政务云，视频流通过视频共享平台接入，移动端基于浙政钉开发，"
    "系统按等保三级要求建设。",
    "data_summary": "学校基础信息、视频点位信息、门禁通行记录、食堂检查记录、隐患整改记录",
}
PARAPHRASE = {
    "name": "校园安全智慧监管系统",
    "objectives": "打造覆盖全区中小学校的校园安全监管体系，达成对校园视频监控、门禁考勤和食堂食品安全的统一监管，"
    "提高校园安全事件发现与处置效率，做到风险早预警、早发现、早处置。",
    "content": "搭建校园安全监管系统一套，接入全区86所中小学校视频监控与门禁系统；建设隐患排查与整改闭环管理功能；"
    "建设食堂明厨亮灶监测模块；开发移动端应用，供教育局管理人员、校长和安全员使用。",
    "functions": "门禁考勤管理、视频监控接入、隐患排查上报、明厨亮灶监测、整改督办、安全预警推送、统计分析大屏",
    "tech_route": "基于微服务架构，部署于区政务云，通过视频共享平台接入视频流，移动端依托浙政钉开发，"
    "按等保三级要求建设。",
    "data_summary": "学校基础信息、门禁通行记录、视频点位信息、隐患整改记录、食堂检查记录",
}
ENROLMENT = {  # the same topic (教育), another system
    "name": "学前教育入学报名系统",
    "objectives": "实现全区幼儿园新生入学网上报名、资格审核和学位分配全流程线上办理，减少家长跑腿，"
    "提升学位分配的公开透明度。",
    "content": "建设入学报名系统一套，支持家长在线填报幼儿信息和上传户籍、房产证明材料；对接公安户籍、"
    "不动产登记数据进行资格自动核验；建设学位分配和录取结果公示功能。",
    "functions": "在线报名、材料上传、资格核验、学位分配、录取公示、短信通知、报名数据统计",
    "tech_route": "采用B/S架构，部署在区政务云，通过数据共享交换平台调用户籍和不动产数据，按等保二级要求建设。",
    "data_summary": "幼儿基本信息、户籍信息、不动产权属信息、学位信息、录取结果",
}
SPLIT_1 = {  # SAFETY's content cut in two: the monitoring half …
    **SAFETY,
    "name": "智慧校园安全监管平台（一期：视频与门禁）",
    "content": "建设校园安全监管平台一套，接入全区86所中小学的视频监控和门禁系统；建设移动端应用，"
    "供校长、安全员和教育局管理人员使用。",
    "functions": "视频监控接入、门禁考勤管理、安全预警推送、统计分析驾驶舱",
}
SPLIT_2 = {  # … and the canteen and hazard half
    **SAFETY,
    "name": "智慧校园安全监管平台（二期：食安与隐患）",
    "content": "建设食堂明厨亮灶监测模块；建设校园安全隐患排查与整改闭环管理功能，与安全监管平台对接。",
    "functions": "明厨亮灶监测、隐患排查上报、整改督办、安全预警推送",
}


@pytest.fixture
def demo(db: Any, media_root: Any, checks_at_once: None) -> None:
    demo_load(projects=False)


def declare(prefix: str, texts: dict[str, str], *, yuan: int = 1_200_000, who: str = "clerk") -> Project:
    clerk = User.objects.get(username=f"{prefix}_{who}")
    unit = clerk.primary_organisation
    assert unit is not None
    return project_create(
        actor=clerk,
        lead_unit=unit,
        fields={
            **texts,
            "year": 2027,
            "nature": "NEW",
            "procurement_category": "SERVICE",
            "summary": "",
            "cost_software": yuan,
            "fund_fiscal": yuan,
            "deploys_on_gov_cloud": True,
        },
    )


def objections(project: Project) -> dict[str, Any]:
    project.refresh_from_db()
    return policy_objections(project_policy(project))


def best(project: Project) -> Match | None:
    return Match.objects.filter(project=project).order_by("-score").first()


# ------------------------------------------------------------------ the measures themselves


def test_an_exact_copy_scores_one_and_a_paraphrase_stays_above_the_line_while_another_system_does_not() -> (
    None
):
    def prof(texts: dict[str, str]) -> text.Profile:
        sections = {**texts, "data_resources": texts["data_summary"]}
        counts = text.section_counts(sections)
        return text.profile(sections, text.word_vectors(counts, {}, 10))

    weights = {
        "name": 0.1,
        "objectives": 0.2,
        "content": 0.3,
        "functions": 0.2,
        "tech_route": 0.1,
        "data_resources": 0.1,
    }
    same = text.compare(prof(SAFETY), prof(SAFETY), weights)
    paraphrase = text.compare(prof(SAFETY), prof(PARAPHRASE), weights)
    other = text.compare(prof(SAFETY), prof(ENROLMENT), weights)
    assert same.combined == pytest.approx(1.0, abs=1e-3)
    assert paraphrase.combined >= 0.6 > other.combined
    assert "明厨亮灶" in paraphrase.overlap["functions"]  # the dictionary keeps the term whole


@pytest.mark.parametrize(
    "sample",
    ["", "   ", "。，、；！？……——", "A web portal for online services and data sharing", "政务" * 100_000],
)
def test_odd_text_gives_a_result_not_a_crash(sample: str) -> None:
    counts = text.section_counts({"content": sample})
    vectors = text.word_vectors(counts, {}, 1)
    score = text.compare(
        text.profile({"content": sample}, vectors),
        text.profile({"content": sample}, vectors),
        {"content": 1.0},
    )
    assert 0.0 <= score.combined <= 1.0
    assert sum(len(w) for w in text.words(sample)) <= text.MAX_CHARS


# ------------------------------------------------------------------ findings through the packs


def test_shizuishan_an_exact_copy_is_refused_as_duplicate_design_rj21(demo: None) -> None:
    first = declare("szs", SAFETY)
    copy = declare("szs", {**SAFETY, "name": "智慧校园安全监管平台（2027）"})
    match = best(copy)
    assert match is not None and match.other_project_id == first.pk and match.score >= 0.95
    assert "RJ-21" in objections(copy)
    assert "第十三条(四)" in objections(copy)["RJ-21"]["cite"]["article"]
    # the earlier declaration learns of the later one too
    assert Match.objects.filter(project=first, other_project=copy).exists()


def test_shizuishan_a_paraphrase_is_a_duplicate_and_an_unrelated_education_project_is_not(demo: None) -> None:
    declare("szs", SAFETY)
    paraphrase = declare("szs", PARAPHRASE)
    enrolment = declare("szs", ENROLMENT)
    assert "RJ-21" in objections(paraphrase)
    assert "RJ-21" not in objections(enrolment)
    facts = similarity_facts(enrolment)
    assert facts["similarity.checked"] and facts["similarity.duplicates"] == 0


def test_shizuishan_a_similar_project_of_the_unit_still_in_construction_rj22(demo: None) -> None:
    running = declare("szs", SAFETY)
    running.status = Status.IN_CONSTRUCTION
    running.save()
    newer = declare("szs", PARAPHRASE)
    assert similarity_facts(newer)["similarity.similar_in_progress"] == 1
    assert "RJ-22-similar" in objections(newer)
    running.status = Status.ACCEPTED  # 竣工验收 done: no longer 在建
    running.save()
    assert "RJ-22-similar" not in objections(newer)


def test_zhanggong_two_400k_parts_of_one_system_are_a_split_declaration_rj38(demo: None) -> None:
    first = declare("zg", SPLIT_1, yuan=400_000)
    second = declare("zg", SPLIT_2, yuan=400_000)
    facts = similarity_facts(second)
    assert facts["similarity.split_line_yuan"] == 500_000  # TH-14's line: each below, 80万 together
    assert facts["similarity.split_parts"] == 2 and facts["similarity.split_total_yuan"] == 800_000
    assert "RJ-38" in objections(second) and "RJ-38" in objections(first)
    assert objections(second)["RJ-38"]["severity"] == "hard"


@pytest.mark.parametrize(
    ("first_yuan", "second_yuan", "line"),
    [
        (240_000, 259_999, None),  # 499,999 together: below the line (−1 元)
        (240_000, 260_000, 500_000),  # 500,000: on the line (TH-14 “50万元以下” excludes 50万)
        (499_999, 1, 500_000),
        (500_000, 100_000, None),  # one part already at the line: not a split under it
        (1_900_000, 200_000, 2_000_000),  # TH-17's 200万 line
    ],
)
def test_zhanggong_split_lines_at_their_boundaries(
    demo: None, first_yuan: int, second_yuan: int, line: int | None
) -> None:
    declare("zg", SPLIT_1, yuan=first_yuan)
    second = declare("zg", SPLIT_2, yuan=second_yuan)
    assert similarity_facts(second).get("similarity.split_line_yuan") == line
    assert ("RJ-38" in objections(second)) is (line is not None)


def test_split_parts_of_different_units_or_unrelated_content_are_not_a_split(demo: None) -> None:
    declare("zg", SPLIT_1, yuan=400_000)
    other_unit = declare("zg", SPLIT_2, yuan=400_000, who="clerk2")
    unrelated = declare("zg", ENROLMENT, yuan=400_000)
    assert "similarity.split_line_yuan" not in similarity_facts(other_unit)
    assert "similarity.split_line_yuan" not in similarity_facts(unrelated)
    assert "RJ-38" not in objections(other_unit)


def test_shangcheng_rebuilding_a_catalogued_system_fails_review_rj88(demo: None) -> None:
    district = Jurisdiction.objects.get(pack_code="shangcheng")
    reviewer = User.objects.get(username="shc_reviewer")
    system_save(
        actor=reviewer,
        jurisdiction=district,
        fields={
            "name": "校园安全监管系统（区统建）",
            "description": SAFETY["content"],
            "functions": SAFETY["functions"],
            "data_resources": SAFETY["data_summary"],
        },
    )
    project = declare("shc", PARAPHRASE)
    assert similarity_facts(project)["similarity.duplicate_systems"] == 1
    assert "RJ-88-unified" in objections(project)


def test_a_reviewer_marks_a_pair_not_duplicate_with_a_reason_which_silences_it(demo: None) -> None:
    first = declare("szs", SAFETY)
    paraphrase = declare("szs", PARAPHRASE)
    reviewer = User.objects.get(username="szs_reviewer")
    clerk = User.objects.get(username="szs_clerk")
    with pytest.raises(ServiceError, match="认定理由"):
        pair_dismiss(actor=reviewer, project=paraphrase, other_project=first, reason="不重复")
    with pytest.raises(PermissionDeniedError):
        pair_dismiss(
            actor=clerk,
            project=paraphrase,
            other_project=first,
            reason="两者服务对象不同，一个面向学校一个面向家长",
        )
    assert AuditEvent.objects.filter(action="similarity.dismiss_denied", actor=clerk).exists()
    assert not Dismissal.objects.exists()
    pair_dismiss(
        actor=reviewer, project=paraphrase, other_project=first, reason="二期为一期的扩展，已在立项时合并审查"
    )
    assert "RJ-21" not in objections(paraphrase) and "RJ-21" not in objections(first)
    assert AuditEvent.objects.filter(action="similarity.dismiss", actor=reviewer).exists()
    with pytest.raises(ServiceError, match="已认定"):
        pair_dismiss(
            actor=reviewer, project=first, other_project=paraphrase, reason="重复提交同一认定理由测试"
        )


def test_the_index_follows_an_edit_and_another_units_draft_is_not_found(demo: None) -> None:
    first = declare("szs", SAFETY)
    second = declare("szs", ENROLMENT)
    assert not Match.objects.filter(project=second, other_project=first, score__gte=0.6).exists()
    clerk = User.objects.get(username="szs_clerk")
    project_update(actor=clerk, project=second, fields={**PARAPHRASE}, expected_version=second.version)
    assert Match.objects.filter(project=second, other_project=first, score__gte=0.6).exists()
    # another unit's draft is private to it: neither side finds the other until it is declared
    elsewhere = declare("szs", SAFETY, who="clerk2")
    assert not Match.objects.filter(project=elsewhere, other_project=first).exists()
    assert not Match.objects.filter(project=first, other_project=elsewhere).exists()
    Project.objects.filter(pk=first.pk).update(status=Status.SUBMITTED)
    first.refresh_from_db()
    project_check(first)  # declaring it changes who may find it
    assert Match.objects.filter(project=first, other_project=elsewhere).exists() is False
    assert Match.objects.filter(project=elsewhere, other_project=first).exists()


def test_the_project_tab_shows_scores_and_shared_words_and_the_report_lists_the_group(demo: None) -> None:
    first = declare("szs", SAFETY)
    declare("szs", PARAPHRASE)
    client = Client()
    client.force_login(User.objects.get(username="szs_clerk"))
    page = client.get(f"/projects/{first.pk}/similarity/").content.decode()
    assert "校园安全智慧监管系统" in page and "<mark>明厨亮灶</mark>" in page and "疑似重复" in page
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="szs_reviewer"))
    Project.objects.filter(pk=first.pk).update(status=Status.SUBMITTED)
    Project.objects.exclude(pk=first.pk).update(status=Status.SUBMITTED)
    report = reviewer.get("/similarity/").content.decode()
    assert "第 1 组" in report and "智慧校园安全监管平台" in report


def _sheet(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["系统名称", "运行单位", "系统简介", "主要功能", "数据资源", "上线时间"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.size = len(out.getvalue())  # type: ignore[attr-defined]
    return out


def test_catalogue_import_is_all_or_nothing_with_row_errors(demo: None) -> None:
    district = Jurisdiction.objects.get(pack_code="shangcheng")
    reviewer = User.objects.get(username="shc_reviewer")
    good = [[f"系统{n}", "", "简介", "功能甲、功能乙", "数据", "2023-01-01"] for n in range(997)]
    bad = [
        ["", "", "缺名称", "", "", ""],
        ["系统X", "不存在的单位", "", "", "", ""],
        ["系统Y", "", "", "", "", "去年"],
    ]
    with pytest.raises(ServiceError) as error:
        systems_import(actor=reviewer, jurisdiction=district, upload=_sheet(good[:500] + bad + good[500:]))
    message = error.value.message
    assert "3 处问题" in message and "第502行 系统名称" in message and "第503行 运行单位" in message
    assert "第504行 上线时间" in message
    assert not CatalogueSystem.objects.exists()
    assert systems_import(actor=reviewer, jurisdiction=district, upload=_sheet(good[:3])) == 3
    assert CatalogueSystem.objects.count() == 3
    junk = io.BytesIO(b"MZ\x90\x00not a workbook")
    junk.size = 20  # type: ignore[attr-defined]
    with pytest.raises(ServiceError, match="无法读取编目表"):
        systems_import(actor=reviewer, jurisdiction=district, upload=junk)


def test_a_formula_in_an_imported_cell_is_kept_as_text(demo: None) -> None:
    district = Jurisdiction.objects.get(pack_code="shangcheng")
    reviewer = User.objects.get(username="shc_reviewer")
    systems_import(
        actor=reviewer,
        jurisdiction=district,
        upload=_sheet([["门户", "", '=HYPERLINK("http://x")', "", "", ""]]),
    )
    assert CatalogueSystem.objects.get(name="门户").description.startswith("=HYPERLINK")


def test_recheck_is_offered_and_outsiders_get_404(demo: None) -> None:
    project = declare("szs", SAFETY)
    outsider = Client()
    outsider.force_login(User.objects.get(username="zg_clerk"))
    assert outsider.get(f"/projects/{project.pk}/similarity/").status_code == 404
    clerk = Client()
    clerk.force_login(User.objects.get(username="szs_clerk"))
    response = clerk.post(f"/projects/{project.pk}/similarity/", {"action": "recheck"}, follow=True)
    assert "已重新查重" in response.content.decode()
    assert project_check(project) == list(Match.objects.filter(project=project))


def test_the_evaluation_command_measures_quality_on_planted_duplicates_and_leaves_nothing_behind(
    db: Any,
) -> None:
    from django.core.management import call_command

    from govit.similarity.evaluation import similarity_evaluate

    result = similarity_evaluate(seed=5, bases=30)
    ours = result["govit"]
    assert ours["positives"] > 0 and ours["pairs"] > ours["positives"]  # hard negatives are in the set
    assert ours["recall"] >= 0.9 and ours["precision"] >= 0.9
    assert ours["lowest_duplicate"] > ours["highest_negative"]
    assert result["baseline"]["threshold"] is not None
    assert not Project.objects.exists() and not Match.objects.exists()  # rolled back
    out = io.StringIO()
    call_command("similarity_evaluate", "--bases", "20", "--seed", "3", stdout=out)
    assert "查准率" in out.getvalue() and "基线" in out.getvalue()
