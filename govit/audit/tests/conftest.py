"""Personas of the 三员 back office: the 系统管理员, 安全管理员 and 审计管理员 of 舒城县数管局, a clerk of
县教育局 (a business account) and a reviewer; built with the same services the product uses."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import person_create


@pytest.fixture
def bureau(db: Any) -> dict[str, Any]:
    from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
    from govit.accounts.models import Jurisdiction, Organisation

    county = Jurisdiction.objects.create(
        code="341523", name="舒城县", level=JurisdictionLevel.COUNTY, pack_code="shucheng"
    )
    orgs = {
        "bureau": Organisation.objects.create(
            jurisdiction=county, name="舒城县数据资源管理局", kind=OrganisationKind.COMPETENT_BUREAU
        ),
        "education": Organisation.objects.create(
            jurisdiction=county, name="舒城县教育局", kind=OrganisationKind.DEPARTMENT
        ),
    }

    def person(username: str, organisation: str, role: str) -> Any:
        return person_create(username, orgs[organisation], role)

    users = {
        "sysadmin": person("sysadmin", "bureau", Role.SYSTEM_ADMIN),
        "secadmin": person("secadmin", "bureau", Role.SECURITY_ADMIN),
        "auditadmin": person("auditadmin", "bureau", Role.AUDIT_ADMIN),
        "clerk": person("edu_clerk", "education", Role.CLERK),
        "reviewer": person("sc_reviewer", "bureau", Role.REVIEWER),
    }
    return {"jurisdiction": county, "orgs": orgs, "users": users}


@pytest.fixture
def client_of(client: Any) -> Any:
    """The test client signed in as ``user`` (a fresh session each time)."""

    def as_user(user: Any) -> Any:
        client.logout()
        client.force_login(user)
        return client

    return as_user
