"""Every file the demo world can produce — five jurisdictions of five packs, projects in every state, a city
above them — matches its schema: the govit-projects 1.0 JSON Schema, and the OCDS 1.1.5 release package
schema (draft-04, validated offline against the vendored release schema)."""

from __future__ import annotations

from typing import Any

import pytest

from govit.accounts.models import Jurisdiction, User
from govit.core.errors import ServiceError
from govit.opendata.services import opendata_export
from govit.opendata.tests.builders import declared, rich_project
from govit.opendata.validation import ocds_errors, projects_errors
from govit.portal.demo import demo_load
from govit.projects.choices import Status

SITES = {"sc": "341523", "szs": "640200", "zg": "360702", "jx": "370828", "shc": "330102"}
# The demo brings projects to 草稿, 已申报, 已立项, 建设中 and 运行维护; each site adds the other states.
MORE_STATES = [
    Status.IN_REVIEW,
    Status.RETURNED,
    Status.NOT_SUPPORTED,
    Status.SUSPENDED,
    Status.ACCEPTED,
    Status.RETIRED,
    Status.TERMINATED,
]


@pytest.fixture
def demo(db: Any, media_root: Any) -> None:
    demo_load()
    for prefix in SITES:
        clerk = User.objects.get(username=f"{prefix}_clerk2")
        reviewer = User.objects.get(username=f"{prefix}_reviewer")
        unit = clerk.primary_organisation
        assert unit is not None
        for index, status in enumerate(MORE_STATES):
            declared(unit=unit, clerk=clerk, name=f"{unit.name}业务系统{index}", status=status)
        rich_project(
            unit=unit, clerk=clerk, reviewer=reviewer, status=Status.IN_CONSTRUCTION, name="协同办公平台"
        )
        rich_project(unit=unit, clerk=clerk, reviewer=reviewer, status=Status.TERMINATED, name="移动办事应用")


def test_every_export_of_the_demo_world_matches_its_schema_at_every_level(demo):
    seen: set[str] = set()
    for prefix, code in SITES.items():
        reviewer = User.objects.get(username=f"{prefix}_reviewer")
        for year in (None, "2027"):
            document = opendata_export(
                actor=reviewer, jurisdiction_code=code, export_format="projects", year=year
            ).document
            assert projects_errors(document) == [], (code, year)
            assert document["projects"], code
            seen.update(p["status"]["code"] for p in document["projects"])

            package = opendata_export(
                actor=reviewer, jurisdiction_code=code, export_format="ocds", year=year
            ).document
            assert ocds_errors(package) == [], (code, year)
            releases = package["releases"]
            assert len({r["ocid"] for r in releases}) == len(releases)
            assert all(r["ocid"].startswith(f"ocds-govit-{code}-") for r in releases)
            statuses = {p["id"]: p["status"]["code"] for p in document["projects"]}
            exported = {int(r["ocid"].rsplit("-", 1)[1]) for r in releases}
            assert {statuses[pk] for pk in exported} <= {
                "approved",
                "in_construction",
                "suspended",
                "accepted",
                "in_operation",
                "retired",
                "terminated",
            }
            terminated = [r for r in releases if statuses[int(r["ocid"].rsplit("-", 1)[1])] == "terminated"]
            assert any("contractTermination" in r["tag"] for r in terminated)
    assert seen == {s for s in Status.values if s != Status.DRAFT}

    # the levels above (one test: loading the demo world is the slow part)
    supervisor = User.objects.get(username="la_supervisor")
    city = opendata_export(actor=supervisor, jurisdiction_code="341500", export_format="projects").document
    assert projects_errors(city) == [] and city["projects"] == [] and city["totals"]["projects"] == 0
    with pytest.raises(ServiceError, match="六安市没有已立项的项目"):
        opendata_export(actor=supervisor, jurisdiction_code="341500", export_format="ocds")
    county = opendata_export(actor=supervisor, jurisdiction_code="341523", export_format="ocds").document
    assert ocds_errors(county) == []
    # 宁夏 reports for 石嘴山市 (a city with a pack of its own)
    region = User.objects.get(username="nx_supervisor")
    szs = opendata_export(actor=region, jurisdiction_code="640200", export_format="projects").document
    assert projects_errors(szs) == [] and szs["jurisdiction"]["parent"] == {
        "code": "640000",
        "name": "宁夏回族自治区",
    }
    assert (
        Jurisdiction.objects.get(code="640200").pack_code == szs["jurisdiction"]["pack_code"] == "shizuishan"
    )
