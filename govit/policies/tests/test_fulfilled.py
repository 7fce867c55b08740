"""A deadline the pack gives no closing event (备案, 报送 …) is discharged by its own record: ``fulfilled``
carries the date (金乡 DL-30: 合同签订之日起 10 个工作日内备案, across the 2026 National Day holiday and the
调休 Saturday 2026-10-10)."""

from __future__ import annotations

import datetime as dt

import pytest

from govit.policies.engine import Facts, evaluate, load_pack

SIGNED = "2026-09-28"  # + 10 working days: 09-29, 09-30, 10-08, 10-09, 10-10 (Sat, worked), 10-12 … 10-16


def dl30(fulfilled: str | None, on: dt.date) -> dict:
    facts = Facts.from_dict(
        {
            "amounts": {"software": 1_000_000},
            "funding": {"fiscal_local": 1_000_000},
            "dates": {"contract_signed": SIGNED},
            "fulfilled": {"DL-30": fulfilled} if fulfilled else {},
        }
    )
    result = evaluate(load_pack("jinxiang"), facts, on=on).to_dict()
    return next(d for d in result["deadlines"] if d["id"] == "DL-30")


@pytest.mark.parametrize(
    ("fulfilled", "status"),
    [("2026-10-15", "met"), ("2026-10-16", "met"), ("2026-10-19", "late")],
)
def test_dl30_fulfilled_before_on_and_after_the_due_date(fulfilled, status):
    deadline = dl30(fulfilled, on=dt.date(2026, 11, 2))
    assert deadline["due"] == "2026-10-16" and deadline["status"] == status


def test_dl30_without_a_record_is_open_then_overdue():
    assert dl30(None, on=dt.date(2026, 10, 16))["status"] == "open"
    assert dl30(None, on=dt.date(2026, 10, 17))["status"] == "overdue"


def dl11(fulfilled: str, changed: str) -> dict:
    """石嘴山 DL-11: 备案信息发生变更后，应在一个月内更新备案信息."""
    facts = Facts.from_dict(
        {
            "amounts": {"engineering": 1_000_000},
            "dates": {"change_occurred": changed},
            "fulfilled": {"DL-11": fulfilled},
        }
    )
    result = evaluate(load_pack("shizuishan"), facts, on=dt.date(2026, 11, 23)).to_dict()
    return next(d for d in result["deadlines"] if d["id"] == "DL-11")


@pytest.mark.parametrize(
    ("filed", "status"),
    [
        ("2026-10-31", "open"),  # the day before the change: it answered an earlier one
        ("2026-11-01", "met"),  # the day of the change
        ("2026-11-02", "met"),
    ],
)
def test_a_filing_before_a_later_trigger_does_not_answer_it(filed, status):
    deadline = dl11(filed, changed="2026-11-01")
    assert deadline["due"] == "2026-12-01"
    assert deadline["status"] == status
