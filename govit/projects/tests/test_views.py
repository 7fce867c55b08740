"""The project pages and API as a user meets them, including bad input that must change nothing."""

import pytest

from govit.audit.models import AuditEvent
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.projects.services import declaration_submit


def form_data(world, **overrides):
    data = {
        "name": "县域教育专网升级",
        "year": "2027",
        "lead_unit": str(world["orgs"]["education"].pk),
        "nature": "UPGRADE",
        "procurement_category": "GOODS",
        "secrecy": "NON_CLASSIFIED",
        "summary": "依据县教育信息化规划。",
        "content": "核心交换机更换。",
        "cost_equipment": "123.4567",
        "fund_fiscal": "123.4567",
    }
    data.update(overrides)
    return data


def test_a_clerk_creates_a_project_with_amounts_in_wan_yuan(world, login):
    client = login(world["users"]["clerk"])
    response = client.post("/projects/new/", form_data(world))
    project = Project.objects.get(name="县域教育专网升级")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.cost_equipment == 1_234_567
    page = client.get(response["Location"]).content.decode()
    assert "123.46 万元" in page
    assert "草稿" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost_equipment", "-1", "金额不能为负数"),
        ("cost_equipment", "abc", "请输入数字金额"),
        ("cost_equipment", "100000001", "不能超过"),
        ("cost_equipment", "1.00001", "最多精确到元"),
        ("name", "", "请填写项目名称"),
        ("name", "   ", "请填写项目名称"),
        ("name", "名" * 10_000, "项目名称不能超过 100 个字"),
        ("summary", "<script>alert(1)</script>", "不能包含 HTML 标签或脚本"),
        ("name", "平台<img src=x onerror=alert(1)>", "不能包含 HTML 标签或脚本"),
        ("year", "二〇二七", "申报年度应为四位数字年份"),
        ("nature", "FORGED", "建设性质无效"),
        ("lead_unit", "999999", "所选建设单位无效"),
    ],
)
def test_bad_input_gets_a_field_error_in_chinese_and_saves_nothing(world, login, field, value, message):
    client = login(world["users"]["clerk"])
    events_before = AuditEvent.objects.count()
    response = client.post("/projects/new/", form_data(world, **{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert Project.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_a_forged_status_in_the_post_is_refused(world, login):
    client = login(world["users"]["clerk"])
    response = client.post("/projects/new/", form_data(world, status=Status.APPROVED))
    assert response.status_code == 200
    assert "受控字段" in " ".join(response.context["form"].non_field_errors())
    assert Project.objects.count() == 0


def test_a_clerk_cannot_declare_for_another_unit(world, login):
    client = login(world["users"]["clerk"])
    response = client.post("/projects/new/", form_data(world, lead_unit=str(world["orgs"]["health"].pk)))
    assert "所选建设单位无效" in response.context["form"].errors["lead_unit"][0]
    assert Project.objects.count() == 0


def test_submit_button_submits_and_the_reviewer_sees_it_in_todo(world, login, make_project):
    project = make_project()
    client = login(world["users"]["clerk"])
    detail = client.get(f"/projects/{project.pk}/").content.decode()
    assert "提交申报" in detail
    client.post(f"/projects/{project.pk}/submit/")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    home = login(world["users"]["reviewer"]).get("/").content.decode()
    assert project.name in home


def test_withdraw_from_the_page(world, login, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    client = login(world["users"]["clerk"])
    assert "撤回申报" in client.get(f"/projects/{project.pk}/").content.decode()
    client.post(f"/projects/{project.pk}/withdraw/", {"reason": "补充材料"})
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_the_reviewer_has_no_edit_or_submit_buttons(world, login, make_project):
    project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
    page = login(world["users"]["reviewer"]).get(f"/projects/{project.pk}/").content.decode()
    assert "提交申报</button>" not in page and ">修改</a>" not in page
    response = login(world["users"]["reviewer"]).post(f"/projects/{project.pk}/withdraw/", {"reason": "x"})
    project.refresh_from_db()
    assert response.status_code == 302 and project.status == Status.SUBMITTED


def test_list_filters_and_paginates(world, login, make_project):
    for index in range(23):
        make_project(
            name=f"项目{index:02d}", cost_software=index * 100_000, fund_fiscal=400_000 + index * 100_000
        )
    client = login(world["users"]["clerk"])
    first = client.get("/projects/")
    assert first.context["page"].paginator.count == 23
    assert len(first.context["page"].object_list) == 20
    assert len(client.get("/projects/?page=2").context["page"].object_list) == 3
    filtered = client.get("/projects/", {"min_wan": "100", "max_wan": "200", "q": "项目"})
    totals = sorted(p.total_yuan for p in filtered.context["page"].object_list)
    assert totals and totals[0] >= 1_000_000 and totals[-1] <= 2_000_000
    assert client.get("/projects/", {"status": "submitted"}).context["page"].paginator.count == 0
    assert "请输入数字金额" in client.get("/projects/", {"min_wan": "x"}).context["form"].errors["min_wan"][0]


def test_list_page_query_count_does_not_grow_with_rows(
    world, login, make_project, django_assert_max_num_queries
):
    for index in range(25):
        make_project(name=f"项目{index:02d}")
    client = login(world["users"]["clerk"])
    client.get("/projects/")
    with django_assert_max_num_queries(12):
        client.get("/projects/")


def test_the_home_page_is_chinese_and_shows_my_projects(world, login, make_project):
    make_project()
    page = login(world["users"]["clerk"]).get("/").content.decode()
    assert "待办" in page and "我的项目" in page and "智慧校园统一身份认证平台" in page


def test_the_login_page_is_chinese(client, db):
    page = client.get("/login/").content.decode()
    assert 'lang="zh-CN"' in page and "用户名" in page and "密码" in page


def test_the_same_create_form_sent_twice_makes_one_project(world, login):
    client = login(world["users"]["clerk"])
    key = str(client.get("/projects/new/").context["form"]["request_key"].value())
    first = client.post("/projects/new/", form_data(world, request_key=key))
    again = client.post("/projects/new/", form_data(world, request_key=key))
    project = Project.objects.get()
    assert first["Location"] == again["Location"] == f"/projects/{project.pk}/"
    assert AuditEvent.objects.filter(action="project.create").count() == 1
    # a fresh form (a new key) is a new project
    other = str(client.get("/projects/new/").context["form"]["request_key"].value())
    assert other != key
    client.post("/projects/new/", form_data(world, request_key=other))
    assert Project.objects.count() == 2
