"""Values as they read on paper: 万元 exact to the yuan with two to four decimals, local dates, text a .docx
can hold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govit.policies.engine.schema import FormField
from govit.printouts.formatting import clean_text, date_text, field_text, month_range_text, yuan_as_wan


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [(0, "0.00"), (1, "0.0001"), (125_000, "12.50"), (1_234_567, "123.4567"), (10**12, "100,000,000.00")],
)
def test_amounts_in_wan_keep_every_yuan(yuan: int, shown: str) -> None:
    assert yuan_as_wan(yuan) == shown


def test_a_typed_wan_amount_is_rounded_to_the_yuan_and_yuan_fields_keep_their_unit() -> None:
    wan = FormField(key="a", label="金额（万元）", type="money_wan")
    yuan = FormField(key="b", label="金额（元）", type="money_yuan")
    assert field_text(wan, "1.23456") == "1.2346"
    assert field_text(wan, "0") == "0.00"
    assert field_text(yuan, "2500000") == "2,500,000"
    assert field_text(wan, "") == ""  # left blank to be written by hand


def test_dates_are_local_days_and_months_read_as_the_form_asks() -> None:
    assert date_text("2026-10-20") == "2026年10月20日"
    assert date_text("2026-10-20T18:00:00+00:00") == "2026年10月21日"  # 02:00 in Asia/Shanghai
    assert month_range_text("2027-01/2027-12") == "2027年01月至2027年12月"
    assert field_text(FormField(key="c", label="是否", type="bool"), True) == "是"


def test_text_keeps_line_breaks_and_loses_characters_a_document_cannot_hold() -> None:
    assert clean_text("第一行\r\n第二行\x0b\x0c\x00") == "第一行\n第二行"
    assert clean_text(Decimal("1.5")) == "1.5"
