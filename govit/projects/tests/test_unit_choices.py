"""The project list's 建设单位 filter offers the units a user can see projects of, read from the organisations
(not by scanning every visible project): a bureau its jurisdiction's units and those below, a unit itself and
the lead units of what it co-builds."""

from __future__ import annotations

from govit.projects.selectors import project_unit_choices


def _names(user) -> set[str]:
    return set(project_unit_choices(user).values_list("name", flat=True))


def test_a_bureau_reviewer_may_filter_by_any_unit_of_its_county(world):
    names = _names(world["users"]["reviewer"])
    assert {"舒城县教育局", "舒城县卫生健康委员会"} <= names
    assert "章贡区教育局" not in names and "舒城县评审专家库" not in names


def test_a_city_supervisor_sees_the_units_of_the_counties_below(world):
    assert {"舒城县教育局", "舒城县卫生健康委员会"} <= _names(world["users"]["supervisor"])
    assert "章贡区教育局" not in _names(world["users"]["supervisor"])


def test_a_unit_filters_by_itself_and_the_lead_units_of_what_it_co_builds(world, make_project):
    assert _names(world["users"]["clerk"]) == {"舒城县教育局"}
    make_project(unit="health", actor="health_clerk", co_units=("education",))
    assert _names(world["users"]["clerk"]) == {"舒城县教育局", "舒城县卫生健康委员会"}
    assert _names(world["users"]["outsider"]) == {"章贡区教育局"}


def test_the_list_page_refuses_a_unit_outside_the_choices(world, login):
    zhanggong = world["orgs"]["zg_education"]
    page = login(world["users"]["clerk"]).get("/projects/", {"unit": zhanggong.pk})
    assert page.status_code == 200 and "章贡区教育局" not in page.content.decode()
