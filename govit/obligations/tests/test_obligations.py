"""期限事项 with a moved clock, on the demo world: obligations are created from the pack's deadlines when the
project changes, reminded once, go overdue, are escalated (催办) and fulfilled; a 退回 gives the unit a duty
that is done when it resubmits; monthly duties roll forward (上城 DL-46). Due dates hand-computed across the
2026 National Day holiday (10-01…10-07 off, Saturday 10-10 worked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from govit.accounts.models import Notification, User
from govit.core import clock
from govit.delivery.services import contract_register, procurement_record
from govit.delivery.tests.test_delivery import ALL_CLAUSES, approved_project
from govit.obligations.choices import ObligationState, ReminderKind
from govit.obligations.models import Obligation, Reminder
from govit.obligations.services import obligations_scan
from govit.portal.demo import demo_load


@pytest.fixture
def demo(db: Any, media_root: Any) -> None:
    demo_load(projects=False)  # the demo's people; each test makes its own projects


def at(day: dt.date) -> Any:
    return clock.frozen_on(day, dt.time(9, 0))


def user(name: str) -> User:
    return User.objects.get(username=name)


def procure(project: Any, clerk: User, award: dt.date) -> None:
    procurement_record(
        actor=clerk,
        project=project,
        route="SMALL_PUBLIC_RESOURCE",
        method="inquiry",
        tender_on=award - dt.timedelta(days=7),
        award_notice_on=award,
        supplier_name="某某信息技术有限公司",
    )


def sign(project: Any, clerk: User, on: dt.date) -> None:
    contract_register(
        actor=clerk,
        project=project,
        kind="main",
        number=f"HT-{on:%m%d}",
        supplier_name="某某信息技术有限公司",
        signed_on=on,
        amount_yuan=2_000_000,
        implementation_months=12,
        warranty_months=24,
        free_om_months=36,
        clauses=dict.fromkeys(ALL_CLAUSES, True),
    )


def obligation(project: Any, rule_id: str) -> Obligation:
    return Obligation.objects.filter(project=project, rule_id=rule_id).latest("due_on")


def test_a_deadline_becomes_an_obligation_and_is_fulfilled_by_its_event(demo):
    """金乡 DL-29 (第二十八条): 中标通知书发出后 10 个工作日内签订合同 — 09-28 → 10-16."""
    project = approved_project("jinxiang")
    clerk = user("jx_clerk")
    with at(dt.date(2026, 10, 9)):
        procure(project, clerk, dt.date(2026, 9, 28))
    dl29 = obligation(project, "DL-29")
    assert (dl29.due_on, dl29.remind_on, dl29.state) == (
        dt.date(2026, 10, 16),
        dt.date(2026, 10, 13),  # 3 working days before: 10-15, 10-14, 10-13
        ObligationState.UPCOMING,
    )
    assert (
        dl29.organisation == project.lead_unit and dl29.role == "PROJECT_UNIT" and "第二十八条" in dl29.cite
    )
    with at(dt.date(2026, 10, 15)):
        sign(project, clerk, dt.date(2026, 10, 15))
    dl29.refresh_from_db()
    assert (dl29.state, dl29.closed_on, dl29.next_check_on) == (
        ObligationState.FULFILLED,
        dt.date(2026, 10, 15),
        None,
    )
    dl30 = obligation(project, "DL-30")  # 合同签订后 10 个工作日内备案: 10-16 … 10-29
    assert (dl30.due_on, dl30.state) == (dt.date(2026, 10, 29), ObligationState.UPCOMING)


def test_reminded_once_then_overdue_then_escalated(demo, django_capture_on_commit_callbacks):
    project = approved_project("jinxiang")
    clerk, head, reviewer = user("jx_clerk"), user("jx_head"), user("jx_reviewer")
    User.objects.filter(pk=clerk.pk).update(email="clerk@jx.example")
    with at(dt.date(2026, 10, 9)):
        procure(project, clerk, dt.date(2026, 9, 28))
    dl29 = obligation(project, "DL-29")

    def scan(day: dt.date) -> dict[str, int]:
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return obligations_scan().as_dict()

    def told(who: User, kind: str) -> bool:
        return Notification.objects.filter(
            recipient=who,
            text__startswith=f"【{ReminderKind(kind).label}】",
            text__contains="签订正式采购合同",
        ).exists()

    def mails() -> list[Any]:
        return [m for m in mail.outbox if "clerk@jx.example" in m.to]

    scan(dt.date(2026, 10, 12))  # the day before the reminder date
    assert not Reminder.objects.filter(obligation=dl29).exists()
    scan(dt.date(2026, 10, 13))  # on it
    dl29.refresh_from_db()
    assert dl29.state == ObligationState.DUE_SOON
    assert told(clerk, "due_soon") and told(head, "due_soon") and not told(reviewer, "due_soon")
    assert len(mails()) == 1 and "签订正式采购合同" in mails()[0].subject
    again = scan(dt.date(2026, 10, 13))  # the same day again: nothing twice
    assert again == dict.fromkeys(again, 0)
    assert Reminder.objects.filter(obligation=dl29).count() == 1 and len(mails()) == 1
    scan(dt.date(2026, 10, 16))  # the due date itself is not late
    dl29.refresh_from_db()
    assert dl29.state == ObligationState.DUE_SOON
    scan(dt.date(2026, 10, 17))  # the day after
    dl29.refresh_from_db()
    assert dl29.state == ObligationState.OVERDUE and told(clerk, "overdue")
    scan(dt.date(2026, 10, 18))  # due + 2 days: not yet escalated
    assert not told(head, "escalate_head")
    scan(dt.date(2026, 10, 19))  # due + 3 days: to the unit's 负责人 only
    assert told(head, "escalate_head") and dl29.reminders.get(kind=ReminderKind.ESCALATE_HEAD).recipients == 1
    scan(dt.date(2026, 10, 25))
    assert not told(reviewer, "escalate_bureau")
    scan(dt.date(2026, 10, 26))  # due + 10 days: to the bureau
    assert told(reviewer, "escalate_bureau")
    dl29.refresh_from_db()
    assert (dl29.escalation, dl29.next_check_on) == (2, None)
    scan(dt.date(2026, 11, 30))
    assert dl29.reminders.count() == 4  # 即将到期, 逾期, 负责人, 主管部门 — once each


# ------------------------------------------------------------------ 退回 and resubmission (world fixture)


def test_a_return_gives_a_duty_that_follows_every_round(world, make_returned):
    """退回修改 with a due date: the unit is reminded against that date; resubmitting fulfils it; a second
    return gives a new duty with its own date, the first stays fulfilled."""
    from govit.projects.services import declaration_submit
    from govit.workflow.services import stage_decide

    reviewer, clerk = world["users"]["reviewer"], world["users"]["clerk"]
    with at(dt.date(2026, 11, 2)):
        project = make_returned(dt.date(2026, 11, 13))
    first = Obligation.objects.get(project=project, rule_id="RETURN")
    assert (first.due_on, first.remind_on, first.state) == (
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 10),
        ObligationState.UPCOMING,
    )
    assert first.organisation == project.lead_unit and "退回修改后重新提交" in first.name
    with at(dt.date(2026, 11, 11)):
        assert obligations_scan().due_soon >= 1
        declaration_submit(actor=clerk, project=project.__class__.objects.get(pk=project.pk))
    first.refresh_from_db()
    assert (first.state, first.closed_on) == (ObligationState.FULFILLED, dt.date(2026, 11, 11))
    with at(dt.date(2026, 11, 12)):
        stage_decide(
            actor=reviewer,
            project=project.__class__.objects.get(pk=project.pk),
            stage_id="ST-000-04",
            outcome="revise",
            reason="预算表合计有误",
            due_date=dt.date(2026, 11, 20),
        )
    duties = list(Obligation.objects.filter(project=project, rule_id="RETURN").order_by("due_on"))
    assert [(d.due_on, d.state) for d in duties] == [
        (dt.date(2026, 11, 13), ObligationState.FULFILLED),
        (dt.date(2026, 11, 20), ObligationState.UPCOMING),
    ]
    with at(dt.date(2026, 11, 23)):
        obligations_scan()
    duties[1].refresh_from_db()
    assert duties[1].state == ObligationState.OVERDUE


# ------------------------------------------------------------------ recurring: 上城 DL-46 每月20日前


def test_monthly_progress_duty_rolls_forward(demo):
    from govit.delivery.services import progress_report_submit

    project = approved_project("shangcheng")
    clerk = user("shc_clerk")
    with at(dt.date(2026, 10, 9)):
        procure(project, clerk, dt.date(2026, 9, 28))
        sign(project, clerk, dt.date(2026, 9, 30))
    october = obligation(project, "DL-46")
    assert (october.due_on, october.state, october.recurring) == (
        dt.date(2026, 10, 20),
        ObligationState.UPCOMING,
        True,
    )
    with at(dt.date(2026, 10, 15)):
        progress_report_submit(
            actor=clerk, project=project, period="2026-10", percent_complete=20, spent_yuan=300_000
        )
    october.refresh_from_db()
    assert (october.state, october.closed_on) == (ObligationState.FULFILLED, dt.date(2026, 10, 15))
    with at(dt.date(2026, 10, 21)):
        assert obligations_scan().rolled >= 0
    november = obligation(project, "DL-46")
    assert (november.due_on, november.state) == (dt.date(2026, 11, 20), ObligationState.UPCOMING)
    with at(dt.date(2026, 11, 21)):
        obligations_scan()
    november.refresh_from_db()
    assert november.state == ObligationState.OVERDUE  # no November report
    december = obligation(project, "DL-46")
    assert december.due_on == dt.date(2026, 12, 21)  # 12-20 is a Sunday
    with at(dt.date(2026, 11, 23)):
        progress_report_submit(
            actor=clerk, project=project, period="2026-11", percent_complete=35, spent_yuan=500_000
        )
    november.refresh_from_db()
    assert (november.state, november.closed_on) == (ObligationState.FULFILLED, dt.date(2026, 11, 23))


# ------------------------------------------------------------------ the bureau waives; who sees what


def test_the_bureau_waives_with_a_reason_and_others_cannot(demo):
    from django.test import Client

    from govit.audit.models import AuditEvent

    project = approved_project("jinxiang")
    clerk = user("jx_clerk")
    with at(dt.date(2026, 10, 9)):
        procure(project, clerk, dt.date(2026, 9, 28))
    with at(dt.date(2026, 10, 20)):
        obligations_scan()
    dl29 = obligation(project, "DL-29")
    assert dl29.state == ObligationState.OVERDUE
    bureau, unit, other = Client(), Client(), Client()
    bureau.force_login(user("jx_reviewer"))
    unit.force_login(clerk)
    other.force_login(user("sc_clerk"))
    page = bureau.get("/obligations/").content.decode()
    assert (
        project.name in page
        and "light-red" in page
        and "中标（成交）通知书发出后10个工作日内签订正式采购合同" in page
    )
    assert project.name in unit.get("/obligations/").content.decode()
    assert project.name not in other.get("/obligations/").content.decode()
    city = Client()
    city.force_login(user("jn_supervisor"))  # 济宁市: the level above 金乡 sees its counties
    assert project.name in city.get("/obligations/").content.decode()
    assert other.get(f"/projects/{project.pk}/obligations/").status_code == 404
    assert 'class="light light-red"' in unit.get("/projects/").content.decode()
    waive = {"obligation": dl29.pk, "reason": "短"}
    assert unit.post(f"/projects/{project.pk}/obligations/", waive).status_code == 403
    assert AuditEvent.objects.filter(action="obligation.waive_denied").exists()
    page = bureau.post(f"/projects/{project.pk}/obligations/", waive, follow=True).content.decode()
    assert "豁免理由不少于 10 个字" in page
    dl29.refresh_from_db()
    assert dl29.state == ObligationState.OVERDUE
    reason = "采购合同因供应商资质复核顺延，经研究同意。"
    page = bureau.post(f"/projects/{project.pk}/obligations/", {**waive, "reason": reason}, follow=True)
    assert "已豁免" in page.content.decode()
    dl29.refresh_from_db()
    assert (dl29.state, dl29.waive_reason, dl29.next_check_on) == (ObligationState.WAIVED, reason, None)
    with at(dt.date(2026, 10, 30)):
        obligations_scan()
    dl29.refresh_from_db()
    assert dl29.state == ObligationState.WAIVED and not dl29.reminders.filter(kind="escalate_head").exists()
    assert AuditEvent.objects.get(action="obligation.waive").after["reason"] == reason


def test_the_bureau_sets_a_due_date_the_pack_leaves_to_it(demo):
    """金乡 DL-38 (第三十三条): 变更情况“及时”备案 — no number of days, so the bureau sets the 限期."""
    from django.test import Client

    project = approved_project("jinxiang")
    clerk, reviewer = Client(), Client()
    clerk.force_login(user("jx_clerk"))
    reviewer.force_login(user("jx_reviewer"))
    url = f"/projects/{project.pk}/obligations/"
    with at(dt.date(2026, 11, 2)):
        clerk.post(
            f"/projects/{project.pk}/delivery/",
            {"action": "change", "kinds": ["schedule"], "description": "工期顺延两个月。", "new_total": ""},
        )
        change = project.change_requests.get()
        reviewer.post(
            f"/projects/{project.pk}/delivery/",
            {
                "action": "change_decide",
                "change": change.pk,
                "decision": "agree",
                "note": "同意",
                "reapproval_number": "金发改〔2026〕9号",
                "reapproved_on": "2026-11-02",
            },
        )
        page = reviewer.get(url).content.decode()
        assert "待主管部门设定限期" in page and 'value="DL-38-change"' in page
        assert 'value="DL-38-change"' not in clerk.get(url).content.decode()
        past = {"action": "set_due", "rule_id": "DL-38-change", "due_on": "2026-11-01"}
        assert "限期不能早于今天" in reviewer.post(url, past, follow=True).content.decode()
        page = reviewer.post(url, {**past, "due_on": "2026-11-16", "note": "两周内备案"}, follow=True)
        assert "已设定限期" in page.content.decode()
    dl38 = obligation(project, "DL-38-change")
    assert (dl38.due_on, dl38.state, dl38.remind_on) == (
        dt.date(2026, 11, 16),
        ObligationState.UPCOMING,
        dt.date(2026, 11, 11),
    )
    assert (
        'value="DL-38-change"' in clerk.get(f"/projects/{project.pk}/delivery/").content.decode()
    )  # to file


def test_editing_the_calendar_moves_open_due_dates(demo, django_capture_on_commit_callbacks, settings):
    """A day declared a holiday afterwards (e.g. a local 调休 change): DL-29's 10 working days now end a day
    later; the worker recomputes the open obligations once the edit is committed."""
    from govit.policies.models import CalendarDay

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    project = approved_project("jinxiang")
    with at(dt.date(2026, 10, 9)):
        procure(project, user("jx_clerk"), dt.date(2026, 9, 28))
    assert obligation(project, "DL-29").due_on == dt.date(2026, 10, 16)
    with at(dt.date(2026, 10, 9)), django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=dt.date(2026, 10, 14), is_workday=False, note="临时调整")
    moved = obligation(project, "DL-29")
    assert (moved.due_on, moved.state) == (dt.date(2026, 10, 19), ObligationState.UPCOMING)
    assert Obligation.objects.get(project=project, rule_id="DL-29", due_on=dt.date(2026, 10, 16)).state == (
        ObligationState.SUPERSEDED
    )
