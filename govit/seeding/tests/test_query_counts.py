"""The main pages ask the database a fixed number of questions, however large the portfolio (issue 11, pinned
query counts): measured on a seeded portfolio, then again after as many projects again were seeded. A page
whose count grows with the data (a query per row) fails here before it is slow in a province."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govit.accounts.models import Jurisdiction, User
from govit.portal.demo import demo_load
from govit.projects.choices import Status
from govit.projects.models import Project

# page: the queries it makes (pinned; a change must be deliberate)
# A read no longer writes the session (last activity is recorded at most once a minute).
PINNED = {
    "project list (filtered, page of 20)": 10,
    "project detail with timeline": 32,
    "期限事项 overview": 9,
    "annual plan .xlsx": 11,
    "dashboard data": 17,
    "待办 of a bureau reviewer": 10,
}


def _seed(seed: str) -> None:
    call_command("seed", projects="120", seed=seed, years="2021-2026", quiet=True, stdout=io.StringIO())


def _pages(
    reviewer: Client, project_id: int, year: int, jurisdiction_id: int
) -> dict[str, Callable[[], Any]]:
    return {
        "project list (filtered, page of 20)": lambda: reviewer.get(
            "/projects/", {"status": Status.IN_CONSTRUCTION, "q": "系统"}
        ),
        "project detail with timeline": lambda: reviewer.get(f"/projects/{project_id}/"),
        "期限事项 overview": lambda: reviewer.get("/obligations/"),
        "annual plan .xlsx": lambda: reviewer.get(
            "/plans/export/", {"jurisdiction": jurisdiction_id, "year": year}
        ),
        "dashboard data": lambda: reviewer.get("/dashboard/data/"),
        "待办 of a bureau reviewer": lambda: reviewer.get("/review/"),
    }


def _counts(pages: dict[str, Callable[[], Any]]) -> dict[str, int]:
    counts = {}
    for name, fetch in pages.items():
        fetch()  # warm the per-process caches (compiled packs, calendar)
        with CaptureQueriesContext(connection) as captured:
            response = fetch()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured)
    return counts


def _reviewer() -> Client:
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="sc_reviewer"))
    return reviewer


@pytest.mark.django_db
def test_main_pages_ask_a_fixed_number_of_questions() -> None:
    demo_load(projects=False)
    _seed("7")
    shucheng = Jurisdiction.objects.get(name="舒城县")
    project = (
        Project.objects.filter(jurisdiction=shucheng, status=Status.IN_CONSTRUCTION).order_by("id").first()
    )
    assert project is not None
    approved_year = (
        Project.objects.filter(jurisdiction=shucheng, status=Status.IN_OPERATION).order_by("-year").first()
    )
    assert approved_year is not None
    pages = _pages(_reviewer(), project.pk, approved_year.year, shucheng.pk)
    small = _counts(pages)
    _seed("8")
    assert Project.objects.count() == 240
    large = _counts(pages)
    assert large == small, "a page asks more questions as the portfolio grows"
    assert large == PINNED
