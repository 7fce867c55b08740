"""Persona fixtures shared by every test: a clerk of 舒城县教育局, a reviewer of 舒城县数管局, an outsider
from 章贡区, an expert, a city supervisor. Built with the same services the product uses."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

import pytest

PASSWORD = "Test@2026pass"


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Any:
    """The working-day calendar and the worked-out routes are cached per process; a test's edits are rolled
    back, so are the caches."""
    yield
    selectors = sys.modules.get("govit.policies.selectors")  # not loaded in the engine's Django-free tests
    if selectors is not None:
        selectors.work_calendar_reset()
    workflow = sys.modules.get("govit.workflow.selectors")  # routes worked out, kept per process
    if workflow is not None:
        workflow.route_current_forget()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A test with real commits ends by emptying every table, the working-day table the migration seeded
    included; once its teardown is over, put that table back, so the tests that run after it in the same
    process still know 2026's holidays (whatever order the files run in)."""
    result = yield
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if nextitem is None:  # the last test of this process: its test database is gone with it
        return result
    if "transactional_db" in fixtures or (marker is not None and marker.kwargs.get("transaction")):
        from pytest_django.plugin import blocking_manager_key

        from govit.policies.calendar_seed import calendar_seed
        from govit.policies.models import CalendarDay, CalendarYear

        with item.config.stash[blocking_manager_key].unblock():
            calendar_seed(CalendarYear, CalendarDay, range(2004, 2031))
    return result


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(user)`` stands for a completed login: for a user whose role needs the TOTP second
    factor it also binds a device and marks the session verified, exactly as the verify page does. The
    tests of the second factor itself log in through the login form, which does not pass this way."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        otp_verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def otp_verify_session(client: Any, user: Any) -> None:
    """Mark the client's logged-in session as having passed the second factor (when the user needs one)."""
    from govit.accounts import mfa

    mfa.session_verify_directly(client.session, user)


def person_create(username: str, organisation: Any, role: str, password: str = PASSWORD) -> Any:
    """A user of ``organisation`` holding ``role``, made with the services the product uses."""
    from govit.accounts.services import role_assign, user_create

    user = user_create(
        actor=None, username=username, password=password, display_name=username, organisation=organisation
    )
    role_assign(actor=None, user=user, organisation=organisation, role=role)
    return user


def race(*actions: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run ``actions`` in threads released at the same instant, each with its own database connection (closed at
    its end); each result, or the exception it raised. Fails if a thread is still stuck after ``timeout``."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:  # the refusal is the result under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
    from govit.accounts.models import Jurisdiction, Organisation

    anhui = Jurisdiction.objects.create(code="340000", name="安徽省", level=JurisdictionLevel.PROVINCE)
    luan = Jurisdiction.objects.create(
        code="341500", name="六安市", level=JurisdictionLevel.CITY, parent=anhui
    )
    shucheng = Jurisdiction.objects.create(
        code="341523", name="舒城县", level=JurisdictionLevel.COUNTY, parent=luan, pack_code="shucheng"
    )
    jiangxi = Jurisdiction.objects.create(code="360000", name="江西省", level=JurisdictionLevel.PROVINCE)
    zhanggong = Jurisdiction.objects.create(
        code="360702", name="章贡区", level=JurisdictionLevel.COUNTY, parent=jiangxi, pack_code="zhanggong"
    )

    def org(jurisdiction: Jurisdiction, name: str, kind: str) -> Organisation:
        return Organisation.objects.create(jurisdiction=jurisdiction, name=name, kind=kind)

    orgs = {
        "bureau": org(shucheng, "舒城县数据资源管理局", OrganisationKind.COMPETENT_BUREAU),
        "finance": org(shucheng, "舒城县财政局", OrganisationKind.CO_REVIEWER),
        "education": org(shucheng, "舒城县教育局", OrganisationKind.DEPARTMENT),
        "health": org(shucheng, "舒城县卫生健康委员会", OrganisationKind.DEPARTMENT),
        "experts": org(shucheng, "舒城县评审专家库", OrganisationKind.EXPERT_POOL),
        "city_bureau": org(luan, "六安市数据资源管理局", OrganisationKind.COMPETENT_BUREAU),
        "zg_education": org(zhanggong, "章贡区教育局", OrganisationKind.DEPARTMENT),
        "zg_bureau": org(zhanggong, "章贡区政务服务和数据管理局", OrganisationKind.COMPETENT_BUREAU),
    }

    def person(username: str, organisation: str, role: str) -> Any:
        return person_create(username, orgs[organisation], role)

    users = {
        "clerk": person("edu_clerk", "education", Role.CLERK),
        "head": person("edu_head", "education", Role.UNIT_HEAD),
        "health_clerk": person("health_clerk", "health", Role.CLERK),
        "reviewer": person("sc_reviewer", "bureau", Role.REVIEWER),
        "finance": person("sc_finance", "finance", Role.CO_REVIEWER),
        "expert": person("sc_expert", "experts", Role.EXPERT),
        "supervisor": person("la_supervisor", "city_bureau", Role.SUPERVISOR),
        "outsider": person("zg_clerk", "zg_education", Role.CLERK),
        "outsider_reviewer": person("zg_reviewer", "zg_bureau", Role.REVIEWER),
    }
    return {
        "jurisdictions": {"shucheng": shucheng, "zhanggong": zhanggong, "luan": luan},
        "orgs": orgs,
        "users": users,
    }


def project_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "智慧校园统一身份认证平台",
        "year": 2027,
        "nature": "NEW",
        "procurement_category": "SERVICE",
        "summary": "依据教育信息化规划建设统一身份认证。",
        "content": "统一身份认证、单点登录、权限管理。",
        "cost_software": 1_800_000,
        "cost_equipment": 400_000,
        "fund_fiscal": 2_200_000,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_project(world: dict[str, Any]) -> Any:
    from govit.projects.services import project_create

    def make(
        *,
        unit: str = "education",
        actor: str = "clerk",
        co_units: tuple[str, ...] = (),
        forms: bool = True,
        **overrides: Any,
    ) -> Any:
        """A draft of ``unit``; with ``forms`` its pack's declaration forms are filled in with sample values."""
        from govit.projects.models import Project
        from govit.projects.packforms import declaration_forms, sample_values

        project = project_create(
            actor=world["users"][actor],
            lead_unit=world["orgs"][unit],
            fields=project_fields(**overrides),
            co_units=[world["orgs"][name] for name in co_units],
        )
        if forms:
            filled = {form.id: sample_values(project, form) for form in declaration_forms(project)}
            Project.objects.filter(pk=project.pk).update(form_data=filled)
            project.form_data = filled
        return project

    return make


@pytest.fixture
def login(client: Any) -> Any:
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


# A minimal, valid PDF: what a unit uploads as a material in tests.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def upload(world: dict[str, Any], media_root: Any) -> Any:
    """Upload ``content`` as the project's material for requirement ``code``, through the service."""
    import io

    from govit.documents.services import attachment_upload

    def give(
        project: Any, code: str, content: bytes = PDF_BYTES, name: str | None = None, who: str = "clerk"
    ) -> Any:
        return attachment_upload(
            actor=world["users"][who],
            project=project,
            requirement_code=code,
            handle=io.BytesIO(content),
            name=name if name is not None else f"{code}.pdf",
            size=len(content),
        )

    return give


@pytest.fixture
def upload_missing(upload: Any) -> Any:
    """Upload every material the current review stage still needs from the unit (see ``documents_missing``);
    returns their requirement codes."""
    from govit.projects.models import Project
    from govit.workflow.selectors import documents_missing, route_state

    def give(project: Any, who: str = "clerk") -> list[str]:
        project = Project.objects.get(pk=project.pk)
        state = route_state(project)
        assert state.current is not None, "no current stage"
        codes = [d["code"] for d in documents_missing(project, state, state.current)]
        for code in codes:
            upload(project, code, who=who)
        return codes

    return give


@pytest.fixture
def make_returned(world: dict[str, Any], make_project: Any) -> Any:
    """A declaration of 舒城县教育局 submitted and returned for revision at the first review stage, with
    ``due`` as its 修改期限 (under whatever clock the caller has set)."""

    def make(due: dt.date) -> Any:
        from govit.projects.services import declaration_submit
        from govit.workflow.services import stage_decide

        project = declaration_submit(actor=world["users"]["clerk"], project=make_project())
        stage_decide(
            actor=world["users"]["reviewer"],
            project=project,
            stage_id="ST-000-04",
            outcome="revise",
            reason="补充共享清单",
            due_date=due,
        )
        return project

    return make


@pytest.fixture
def second_reviewer(world: dict[str, Any]) -> Any:
    """Another 主管部门审核人 of 舒城县数管局, for two people acting at once."""
    from govit.accounts.choices import Role

    return person_create("sc_reviewer2", world["orgs"]["bureau"], Role.REVIEWER)
