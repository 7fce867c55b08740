"""The editable working-day table (seeded from chinese-calendar by migration) drives the engine's calendar."""

import datetime as dt

import pytest

from govit.accounts.choices import Role
from govit.accounts.services import role_assign, user_create
from govit.audit.models import AuditEvent
from govit.policies.engine.calendar import add_working_days
from govit.policies.models import CalendarDay, CalendarYear
from govit.policies.selectors import work_calendar


@pytest.mark.django_db
def test_the_migration_seeds_2026_national_day_and_its_make_up_days():
    cal = work_calendar()
    assert CalendarYear.objects.filter(year=2026).exists()
    assert cal.is_workday(dt.date(2026, 10, 1)) is False  # 国庆节
    assert cal.is_workday(dt.date(2026, 9, 20)) is True  # Sunday, 调休上班
    assert cal.is_workday(dt.date(2026, 10, 10)) is True  # Saturday, 调休上班
    assert cal.is_workday(dt.date(2026, 10, 12)) is True  # an ordinary Monday
    assert (
        cal.is_workday(dt.date(2040, 3, 1)) is None
    )  # no data: the engine assumes Monday–Friday and says so


@pytest.mark.django_db
def test_an_edit_by_the_security_admin_changes_deadlines_and_is_audited(world, client):
    # 三员分立: an administrator holds no business role, so the 安全管理员 is an account of its own.
    secadmin = user_create(actor=None, username="secadmin", password="x", display_name="安全管理员")
    role_assign(actor=None, user=secadmin, organisation=world["orgs"]["bureau"], role=Role.SECURITY_ADMIN)
    client.force_login(secadmin)
    before = add_working_days(dt.date(2040, 3, 1), 1, work_calendar())
    assert before.assumed_weekdays
    response = client.post(
        "/admin/policies/calendaryear/add/", {"year": "2040", "source": "国务院办公厅通知", "note": ""}
    )
    assert response.status_code == 302, response.content
    client.post(
        "/admin/policies/calendarday/add/", {"date": "2040-03-02", "is_workday": "", "note": "假设的放假日"}
    )
    assert CalendarDay.objects.filter(date=dt.date(2040, 3, 2), is_workday=False).exists()
    after = add_working_days(dt.date(2040, 3, 1), 1, work_calendar())
    assert after.due == dt.date(2040, 3, 5) and not after.assumed_weekdays
    assert AuditEvent.objects.filter(action="admin.add.calendarday", actor=secadmin).exists()


@pytest.mark.django_db
def test_a_clerk_cannot_edit_the_calendar(world, client):
    client.force_login(world["users"]["clerk"])
    response = client.post("/admin/policies/calendarday/add/", {"date": "2030-01-02", "is_workday": ""})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not CalendarDay.objects.filter(date=dt.date(2030, 1, 2)).exists()
