"""期限事项 with a moved clock, on the demo world: obligations are created from the pack's deadlines when the
project changes, reminded once, go overdue, are escalated (催办) and fulfilled; a 退回 gives the unit a duty
that is done when it resubmits; monthly duties roll forward (上城 DL-46). Due dates hand-computed across the
2026 National Day holiday (10-01…10-07 off, Saturday 10-10 worked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

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
    demo_load()


def at(day: dt.date) -> Any:
    return clock.frozen_at(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))))


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
