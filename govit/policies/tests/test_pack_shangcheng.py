"""上城区 pack (catalogue 004, 征求意见稿): boundaries per catalogue id (15% exactly vs one 元 over; panel
2/3/4/5; trial 29/30 days; day before / on / after deadlines incl. the 2026 National Day holiday and 调休
working days), scope OOS-SC4-1..6, route ST-004-01..15, documents, findings and coverage of every 004 item."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from govit.policies.tests import helpers
from govit.policies.tests.helpers import (
    ON,
    D,
    assert_catalogue_items_covered,
    assert_catalogue_rows,
    assert_finding_fires,
    assert_recurring_after_acceptance,
    assert_route_covers_stages,
    assert_rules_cite,
    finding,
    id_range,
    pack_fixture,
    requires_catalogue,
    threshold_entry,
)

pack = pack_fixture("shangcheng")


def ev_for(pack, on=ON, **facts):
    """Evaluate, requiring the evaluation to report no errors."""
    ev = helpers.ev_for(pack, on, **facts)
    assert ev.errors == []
    return ev


# ------------------------------------------------------------------ meta


def test_meta_draft_status(pack):
    meta = pack.pack.meta
    assert meta.code == "shangcheng" and meta.catalogue_code == "004"
    assert meta.source.status == "征求意见稿"
    assert all(r.cite.article.startswith("¶") for _k, r in pack.pack.all_rules())


# ------------------------------------------------------------------ change control TH-29/30/31

BUDGET = 1_000_000  # 立项预算资金 (funding.total)


def change(post_change_total: int) -> dict:
    return {
        "funding": {"fiscal_local": BUDGET},
        "amounts": {"software": post_change_total},
        "dates": {"approved": "2026-01-10", "change_occurred": "2026-03-01"},
    }


@pytest.mark.parametrize(
    ("post", "internal", "formal", "redeclare"),
    [
        (BUDGET, True, False, False),  # content change, no reduction = 0%
        (850_001, True, False, False),  # 14.9999%
        (850_000, True, False, False),  # exactly 15% (不超过 includes)
        (849_999, False, True, False),  # one 元 over 15%
        (1, False, True, False),
        (BUDGET + 1, False, False, True),  # one 元 above 立项预算
    ],
    ids=[
        "TH-29 0% reduction",
        "TH-29 15% minus 1 元",
        "TH-29 exactly 15%",
        "TH-30 15% plus 1 元",
        "TH-30 near 100%",
        "TH-31 budget plus 1 元",
    ],
)
def test_th29_th30_th31_change_control(pack, post, internal, formal, redeclare):
    ev = ev_for(pack, **change(post))
    names = {t["id"]: met for t, _v, met in ev.thresholds}
    if redeclare:
        assert names["TH-31"] is True
        assert "TH-29" not in names and "TH-30" not in names
    else:
        assert names["TH-29"] is internal
        assert names["TH-30"] is formal
        assert names["TH-31"] is False
    assert ("CHG-004-INTERNAL" in ev.stage_ids) is internal
    assert ("CHG-004-FORMAL" in ev.stage_ids) is formal
    assert ("CHG-004-REDECLARE" in ev.stage_ids) is redeclare
    assert ("change_internal_filing" in ev.document_codes()) is internal
    assert ("change_application" in ev.document_codes()) is formal
    assert ("change_expert_opinion" in ev.document_codes()) is formal
    assert ("RJ-100" in ev.active_finding_ids) is redeclare


def test_th29_measure_value_exact_percent(pack):
    ev = ev_for(pack, **change(850_000))
    t = threshold_entry(ev, "TH-29")
    assert (t["measure_value"], t["unit"]) == (15, "%")


def test_th29_no_change_no_threshold(pack):
    ev = ev_for(pack, funding={"fiscal_local": BUDGET}, amounts={"software": 1})
    ids = [t["id"] for t, _v, _m in ev.thresholds]
    assert not {"TH-29", "TH-30", "TH-31"} & set(ids)
    assert not {"CHG-004-INTERNAL", "CHG-004-FORMAL", "CHG-004-REDECLARE"} & set(ev.stage_ids)


def test_change_after_procurement_warning(pack):
    facts = change(900_000)
    facts["dates"]["contract_signed"] = "2026-02-01"
    ev = ev_for(pack, **facts)
    assert "CHG-AFTER-PROCUREMENT" in ev.finding_ids


# ------------------------------------------------------------------ TH-32 street survey


@pytest.mark.parametrize(
    ("streets", "ok"),
    [(None, False), (4, False), (5, True), (6, True)],
    ids=["TH-32 none", "TH-32 4", "TH-32 5", "TH-32 6"],
)
def test_th32_rj91_street_survey(pack, streets, ok):
    ev = ev_for(pack, reaches_street_community=True, counts={"streets_surveyed": streets})
    assert ev.threshold("TH-32") is ok
    assert ("RJ-91" in ev.finding_ids) is (not ok)
    assert "street_survey_reports" in ev.document_codes("ST-004-01")
    if not ok:
        assert finding(ev, "RJ-91")["severity"] == "hard"


def test_th32_not_applicable_without_street_reach(pack):
    ev = ev_for(pack, counts={"streets_surveyed": 0})
    assert "RJ-91" not in ev.finding_ids
    assert "street_survey_reports" not in ev.document_codes()


# ------------------------------------------------------------------ TH-33 panel


@pytest.mark.parametrize(
    ("size", "ok"),
    [(1, False), (2, False), (3, True), (4, False), (5, True), (7, True)],
    ids=[
        "TH-33 panel 1",
        "TH-33 panel 2",
        "TH-33 panel 3",
        "TH-33 panel 4 even",
        "TH-33 panel 5",
        "TH-33 panel 7",
    ],
)
def test_th33_panel_three_and_odd(pack, size, ok):
    ev = ev_for(pack, counts={"acceptance_panel_size": size})
    assert ev.validation_status("TH-33-odd") == ("pass" if ok else "fail")
    assert ("TH-33-panel" in ev.finding_ids) is (not ok)
    assert ev.threshold("TH-33") is (size >= 3)


def test_th33_unknown_panel(pack):
    ev = ev_for(pack)
    assert ev.validation_status("TH-33-odd") == "not_applicable"
    assert "TH-33-panel" not in ev.finding_ids


# ------------------------------------------------------------------ TH-34 / DL-49 trial run


@pytest.mark.parametrize(
    ("ended", "days", "ok"),
    [(D(2026, 3, 30), 29, False), (D(2026, 3, 31), 30, True), (D(2026, 4, 1), 31, True)],
    ids=["TH-34 trial 29 days", "TH-34 trial 30 days", "TH-34 trial 31 days"],
)
def test_th34_trial_length(pack, ended, days, ok):
    ev = ev_for(pack, dates={"trial_run_started": D(2026, 3, 1), "trial_run_ended": ended})
    t = threshold_entry(ev, "TH-34")
    assert t["measure_value"] == days and t["met"] is ok
    assert ev.validation_status("TH-34-trial") == ("pass" if ok else "fail")
    assert ("TH-34-short" in ev.finding_ids) is (not ok)


def test_th34_day_count_across_month_and_year_ends(pack):
    ev = ev_for(pack, dates={"trial_run_started": D(2026, 12, 15), "trial_run_ended": D(2027, 1, 14)})
    assert threshold_entry(ev, "TH-34")["measure_value"] == 30
    ev = ev_for(pack, dates={"trial_run_started": D(2028, 2, 1), "trial_run_ended": D(2028, 3, 2)})
    assert threshold_entry(ev, "TH-34")["measure_value"] == 30  # leap year


@pytest.mark.parametrize(
    ("applied", "status"),
    [(D(2026, 3, 30), "too_early"), (D(2026, 3, 31), "too_early"), (D(2026, 4, 1), "met")],
    ids=[
        "DL-49 applied day 29",
        "DL-49 applied on day 30 (trial still running)",
        "DL-49 applied after 30 days",
    ],
)
def test_dl49_application_not_before_30_days(pack, applied, status):
    dates = {
        "trial_run_started": D(2026, 3, 1),
        "acceptance_applied": applied,
        "initial_acceptance": D(2026, 2, 27),
    }
    d = ev_for(pack, on=D(2026, 5, 1), dates=dates).deadline("DL-49")
    assert d["due"] == "2026-03-31"
    assert d["status"] == status


def test_dl49_running_then_ready(pack):
    d = ev_for(pack, on=D(2026, 3, 31), dates={"trial_run_started": D(2026, 3, 1)}).deadline("DL-49")
    assert (d["status"], d["earliest"]) == ("running", "2026-04-01")
    assert (
        ev_for(pack, on=D(2026, 4, 1), dates={"trial_run_started": D(2026, 3, 1)}).deadline("DL-49")["status"]
        == "ready"
    )


@pytest.mark.parametrize(
    ("dates", "blocked"),
    [
        ({"acceptance_applied": "2026-05-01"}, True),
        ({"acceptance_applied": "2026-05-01", "initial_acceptance": "2026-03-01"}, True),
        (
            {
                "acceptance_applied": "2026-05-01",
                "initial_acceptance": "2026-03-01",
                "trial_run_started": "2026-03-02",
            },
            False,
        ),
    ],
    ids=["RJ-102 no initial acceptance", "RJ-102 no trial run", "RJ-102 conditions met"],
)
def test_rj102_acceptance_application_conditions(pack, dates, blocked):
    ev = ev_for(pack, dates=dates)
    assert ("RJ-102" in ev.finding_ids) is blocked
    codes = ev.document_codes("ST-004-13")
    assert {
        "irs_trial_run_report",
        "mlps_test_report",
        "xinchuang_test_report",
        "acceptance_application",
    } <= set(codes)


# ------------------------------------------------------------------ TH-35 security 5% (soft)


@pytest.mark.parametrize(
    ("security", "ok"),
    [(49_999, False), (50_000, True), (50_001, True)],
    ids=["TH-35 5% minus 1 元", "TH-35 exactly 5%", "TH-35 5% plus 1 元"],
)
def test_th35_security_budget(pack, security, ok):
    ev = ev_for(pack, nature="NEW", amounts={"software": 1_000_000, "security": security})
    assert ev.threshold("TH-35") is ok
    assert ("RJ-107" in ev.finding_ids) is (not ok)
    if not ok:
        f = finding(ev, "RJ-107")
        assert f["severity"] == "soft" and f["status"] == "active"


def test_th35_only_new_projects_and_override(pack):
    ev = ev_for(pack, nature="UPGRADE", amounts={"software": 1_000_000})
    assert "RJ-107" not in ev.finding_ids
    ev = ev_for(
        pack,
        nature="NEW",
        amounts={"software": 1_000_000},
        overrides={"RJ-107": {"by": "区数据资源局", "justification": "安全能力由平台统一提供"}},
    )
    assert "RJ-107" in ev.finding_ids and "RJ-107" not in ev.active_finding_ids


# ------------------------------------------------------------------ TH-36 / DL-48, DL-54


@pytest.mark.parametrize(
    ("level", "annual"),
    [(2, False), (3, True), (4, True)],
    ids=["TH-36 level 2", "TH-36 level 3 (含)", "TH-36 level 4"],
)
def test_th36_dl48_annual_mlps(pack, level, annual):
    ev = ev_for(pack, mlps_level=level, dates={"final_acceptance": "2026-01-10"})
    assert ev.threshold("TH-36") is annual
    assert ("annual_mlps_test" in ev.document_codes("ST-004-15")) is annual
    d = ev.deadline("DL-48")
    assert (d is not None) is annual
    if annual:
        assert d["status"] == "recurring"


def test_dl54_periodic_risk_assessment(pack):
    assert_recurring_after_acceptance(ev_for, pack, "DL-54")


# ------------------------------------------------------------------ TH-37 warranty (soft), contract clauses


@pytest.mark.parametrize(
    ("months", "status"),
    [(23, "fail"), (24, "pass"), (36, "pass")],
    ids=["TH-37 23 months", "TH-37 24 months", "TH-37 36 months"],
)
def test_th37_warranty(pack, months, status):
    ev = ev_for(pack, contract={"warranty_months": months})
    assert ev.validation_status("TH-37-warranty") == status
    assert ev.threshold("TH-37") is (status == "pass")
    assert next(v for v, _s, _e in ev.validations if v["id"] == "TH-37-warranty")["severity"] == "soft"


@pytest.mark.parametrize(
    ("months", "ok"),
    [(23, False), (24, True), (25, True)],
    ids=["DL-47 warranty 23 months", "DL-47 warranty at 24 months = 2 years", "DL-47 warranty 25 months"],
)
def test_dl47_contract_warranty_at_least_two_years(pack, months, ok):
    """DL-47 (¶64): the contract's 维保期 is 一般不少于2年 — a soft contract validation (TH-37-warranty)
    that fails one month short of 24 and passes from exactly 24; the clause itself must be in the
    contract once it is signed (CLAUSE-WARRANTY) and on the contract checklist."""
    ev = ev_for(pack, dates={"contract_signed": "2026-03-02"}, contract={"warranty_months": months})
    v = next(v for v, _s, _e in ev.validations if v["id"] == "TH-37-warranty")
    assert "DL-47" in v["catalogue"] and v["severity"] == "soft" and v["cite"]["article"] == "¶64"
    assert ev.validation_status("TH-37-warranty") == ("pass" if ok else "fail")
    t = threshold_entry(ev, "TH-37")
    assert (t["measure_value"], t["unit"], t["met"], t["severity"]) == (months, "月", ok, "soft")
    assert "DL-47" in t["catalogue"]
    assert ev.validation_status("CLAUSE-WARRANTY") == "pass"  # a 维保期限 is stated
    # soft: no hard finding blocks the project on the warranty length alone
    assert not [f for f, _st, _ov in ev.findings if "DL-47" in f["catalogue"]]
    form = next(f for f in pack.pack.forms if f.id == "F-004-CONTRACT-CLAUSES")
    assert "DL-47" in form.catalogue
    assert "维保范围、维保期限（一般不少于2年）和维保责任" in form.items


def test_dl47_signed_contract_without_warranty_term(pack):
    """DL-47: a signed contract with no 维保期限 fails CLAUSE-WARRANTY; the 2-year check waits for a term."""
    ev = ev_for(pack, dates={"contract_signed": "2026-03-02"})
    assert ev.validation_status("CLAUSE-WARRANTY") == "fail"
    assert ev.validation_status("TH-37-warranty") == "not_applicable"
    assert ev.threshold("TH-37") is None


CLAUSES = [
    ("CLAUSE-IP", "ip_clause"),
    ("CLAUSE-DATA", "data_ownership_clause"),
    ("CLAUSE-CONFIDENTIALITY", "confidentiality_clause"),
    ("CLAUSE-SECURITY", "security_liability_clause"),
    ("CLAUSE-OVERRUN", "overrun_penalty_clause"),
    ("CLAUSE-PAYMENT", "payment_schedule_clause"),
]


@pytest.mark.parametrize(("rule_id", "field"), CLAUSES, ids=[f"§7.5.3 {c[0]}" for c in CLAUSES])
def test_contract_clauses(pack, rule_id, field):
    assert ev_for(pack).validation_status(rule_id) == "not_applicable"
    assert ev_for(pack, dates={"contract_signed": "2026-03-02"}).validation_status(rule_id) == "fail"
    ev = ev_for(pack, dates={"contract_signed": "2026-03-02"}, contract={field: True})
    assert ev.validation_status(rule_id) == "pass"


# ------------------------------------------------------------------ TH-38 / DL-52 / RJ-105


@pytest.mark.parametrize(
    ("stopped", "banned"),
    [(D(2028, 2, 29), True), (D(2028, 3, 1), False), (D(2028, 3, 2), False)],
    ids=["TH-38 day before 2 years", "TH-38 on 2-year anniversary", "TH-38 day after"],
)
def test_th38_rj105_stopped_within_two_years(pack, stopped, banned):
    ev = ev_for(
        pack,
        dates={"put_into_use": D(2026, 3, 1), "decommissioned": stopped},
        acceptance_passed=True,
        in_formal_use=True,
    )
    assert ev.threshold("TH-38") is banned
    assert ("RJ-105-stopped" in ev.finding_ids) is banned


@pytest.mark.parametrize(
    ("in_use", "stopped", "months", "banned"),
    [
        (D(2024, 2, 29), D(2026, 2, 27), 23, True),
        (D(2024, 2, 29), D(2026, 2, 28), 24, False),
        (D(2024, 2, 29), D(2026, 3, 1), 24, False),
        (D(2026, 2, 28), D(2028, 2, 27), 23, True),
        (D(2026, 2, 28), D(2028, 2, 28), 24, False),
        (D(2026, 2, 28), D(2028, 2, 29), 24, False),
        (D(2026, 1, 31), D(2026, 2, 27), 0, True),
        (D(2026, 1, 31), D(2026, 2, 28), 1, True),
    ],
    ids=[
        "TH-38 in use from 02-29, stopped day before 2-year end",
        "TH-38 in use from 02-29, stopped 02-28 (no corresponding day: 满两年)",
        "TH-38 in use from 02-29, stopped 03-01",
        "TH-38 in use from 02-28, stopped 02-27 of leap year",
        "TH-38 in use from 02-28, stopped on 02-28 of leap year (满两年)",
        "TH-38 in use from 02-28, stopped on 02-29 of leap year",
        "TH-38 month count: 01-31 to 02-27 is no full month",
        "TH-38 month count: 01-31 to 02-28 is one month (month end)",
    ],
)
def test_th38_two_years_across_leap_day(pack, in_use, stopped, months, banned):
    """TH-38 (¶89) counts the period as 《民法典》第二百零二条 does (catalogue §0.3 (4), add-months clamped to
    the month end): two years from 2024-02-29 end on 2026-02-28, the month having no 29th, so an
    application stopped that day has been in use 满两年 and the unit keeps its eligibility."""
    ev = ev_for(pack, dates={"put_into_use": in_use, "decommissioned": stopped})
    t = threshold_entry(ev, "TH-38")
    assert (t["measure_value"], t["met"]) == (months, banned)
    assert ("RJ-105-stopped" in ev.finding_ids) is banned


def test_rj105_unauthorised_build(pack):
    ev = ev_for(pack, dates={"construction_started": "2026-03-01"})
    f = finding(ev, "RJ-105-unauthorised")
    assert f["severity"] == "hard" and "BAN" in f["effects"]
    assert (
        "RJ-105-unauthorised"
        not in ev_for(
            pack, dates={"approved": "2026-01-05", "construction_started": "2026-03-01"}
        ).finding_ids
    )


@pytest.mark.parametrize(
    ("in_use", "stopped", "months", "banned"),
    [
        (D(2026, 3, 1), D(2028, 2, 29), 23, True),
        (D(2026, 3, 1), D(2028, 3, 1), 24, False),
        (D(2026, 3, 1), D(2028, 3, 2), 24, False),
        (D(2026, 1, 31), D(2028, 1, 30), 23, True),
        (D(2026, 1, 31), D(2028, 1, 31), 24, False),
        (D(2026, 1, 31), D(2028, 2, 1), 24, False),
        (D(2026, 3, 1), D(2026, 3, 2), 0, True),
    ],
    ids=[
        "DL-52 stopped day before 2 years",
        "DL-52 stopped on 2-year anniversary (满两年)",
        "DL-52 stopped day after",
        "DL-52 month-end start, day before 2 years",
        "DL-52 month-end start, on anniversary",
        "DL-52 month-end start, day after",
        "DL-52 stopped the day after going live",
    ],
)
def test_dl52_app_stopped_within_two_years_bans_unit(pack, in_use, stopped, months, banned):
    """DL-52 (¶89): an application 建成使用不满两年而停用 costs the unit its next-year declaration
    eligibility. The event is read as whole months between 投入使用 and 停用 (TH-38 < 24) and surfaces as
    the hard BAN finding RJ-105-stopped; there is no clock to show, only the event."""
    ev = ev_for(pack, dates={"put_into_use": in_use, "decommissioned": stopped})
    t = threshold_entry(ev, "TH-38")
    assert (t["measure_value"], t["met"]) == (months, banned)
    assert "DL-52" in t["catalogue"]
    assert ("RJ-105-stopped" in ev.finding_ids) is banned
    if banned:
        f = finding(ev, "RJ-105-stopped")
        assert "DL-52" in f["catalogue"] and f["cite"]["article"] == "¶89"
        assert (f["severity"], f["effects"], f["stage"]) == ("hard", ["BAN"], "ST-004-15")
        assert "下一年度的项目申报资格" in f["message"]
    assert ev.deadline("DL-52") is None


def test_dl52_quiet_while_in_use_and_not_overridable(pack):
    """DL-52: nothing fires while the application is still in use; once it fires the ban is hard."""
    ev = ev_for(pack, dates={"put_into_use": D(2026, 3, 1)}, on=D(2030, 1, 1))
    assert ev.threshold("TH-38") is None and "RJ-105-stopped" not in ev.finding_ids
    ev = ev_for(
        pack,
        dates={"put_into_use": D(2026, 3, 1), "decommissioned": D(2027, 3, 1)},
        overrides={"RJ-105-stopped": {"by": "区数据资源局", "justification": "职能划转"}},
    )
    assert "RJ-105-stopped" in ev.active_finding_ids


# ------------------------------------------------------------------ TH-39 / RJ-88 one platform (soft)


@pytest.mark.parametrize(
    ("platforms", "ok", "module_warning", "multi"),
    [(0, True, False, False), (1, True, True, False), (2, False, True, True)],
    ids=["TH-39 0 platforms", "TH-39 1 platform", "TH-39 2 platforms"],
)
def test_th39_one_platform(pack, platforms, ok, module_warning, multi):
    ev = ev_for(pack, nature="NEW", counts={"platforms_of_unit": platforms})
    assert ev.threshold("TH-39") is ok
    assert ("RJ-88-platform" in ev.finding_ids) is module_warning
    assert ("TH-39-multi" in ev.finding_ids) is multi


# ------------------------------------------------------------------ deadlines


@pytest.mark.parametrize(
    ("on", "declared", "status"),
    [
        (D(2026, 9, 29), None, "open"),
        (D(2026, 9, 30), None, "open"),
        (D(2026, 10, 1), None, "overdue"),
        (D(2026, 11, 1), D(2026, 9, 30), "met"),
        (D(2026, 11, 1), D(2026, 10, 8), "late"),
    ],
    ids=[
        "DL-39 day before",
        "DL-39 on 9-30",
        "DL-39 day after",
        "DL-39 declared 9-30",
        "DL-39 declared 10-08",
    ],
)
def test_dl39_declaration_window(pack, on, declared, status):
    ev = ev_for(pack, on=on, dates={"declared": declared})
    d = ev.deadline("DL-39")
    assert (d["due"], d["status"]) == ("2026-09-30", status)
    assert ("RJ-93" in ev.finding_ids) is (status == "late")


def test_rj93_supplementary_project(pack):
    ev = ev_for(pack, on=D(2026, 11, 1), dates={"declared": "2026-10-08"}, special_approval=True)
    assert "RJ-93" not in ev.finding_ids
    assert "supplementary_approval" in ev.document_codes("ST-004-01")


@pytest.mark.parametrize(
    ("trigger", "generated", "due"),
    [
        ("documents_generated", D(2026, 9, 29), "2026-10-12"),  # 9-30, 10-08, 10-09, 10-10 (Sat 调休), 10-12
        ("contract_signed", D(2026, 9, 30), "2026-10-13"),
        ("initial_acceptance", D(2026, 9, 18), "2026-09-24"),  # 9-20 (Sun 调休) counts
        ("final_acceptance", D(2026, 10, 1), "2026-10-13"),  # generated on a holiday
    ],
    ids=[
        "DL-44 procurement docs across National Day",
        "DL-44 contract 9-30 across National Day",
        "DL-44 initial acceptance over 9-20 调休 Sunday",
        "DL-44 final acceptance generated on holiday",
    ],
)
def test_dl44_five_working_days(pack, trigger, generated, due):
    rule = {
        "documents_generated": "DL-44-procurement",
        "contract_signed": "DL-44-contract",
        "initial_acceptance": "DL-44-initial",
        "final_acceptance": "DL-44-final",
    }[trigger]
    due_d = D.fromisoformat(due)
    for on, status in (
        (due_d - dt.timedelta(days=1), "open"),
        (due_d, "open"),
        (due_d + dt.timedelta(days=1), "overdue"),
    ):
        d = ev_for(pack, on=on, dates={trigger: generated}).deadline(rule)
        assert d["due"] == due and d["assumed_weekdays"] is False
        assert d["status"] == status, (on, d)


@pytest.mark.parametrize(
    ("approved", "due"),
    [
        (D(2026, 3, 31), "2026-09-30"),  # month-end clamp 31 -> 30
        (D(2025, 8, 31), "2026-02-28"),  # clamp to Feb 28 (a 调休 working Saturday, no roll)
        (D(2026, 4, 15), "2026-10-15"),
        (D(2026, 2, 28), "2026-08-28"),
    ],
    ids=[
        "DL-42 3-31 clamp to 9-30",
        "DL-42 8-31 clamp to 2-28 调休 Saturday",
        "DL-42 plain",
        "DL-42 from 2-28",
    ],
)
def test_dl42_six_months_procurement(pack, approved, due):
    due_d = D.fromisoformat(due)
    for on, status in (
        (due_d - dt.timedelta(days=1), "open"),
        (due_d, "open"),
        (due_d + dt.timedelta(days=1), "overdue"),
    ):
        d = ev_for(pack, on=on, funding={"fiscal_local": 1_000_000}, dates={"approved": approved}).deadline(
            "DL-42"
        )
        assert d["due"] == due and d["status"] == status
    d = ev_for(pack, on=due_d, dates={"approved": approved, "procurement_completed": due_d}).deadline("DL-42")
    assert d["status"] == "met"
    late = due_d + dt.timedelta(days=1)
    d = ev_for(pack, on=late, dates={"approved": approved, "procurement_completed": late}).deadline("DL-42")
    assert d["status"] == "late"


def test_dl42_holiday_roll(pack):
    # 2026-04-04 + 6 months = 2026-10-04 (National Day holiday) -> first working day 2026-10-08
    d = ev_for(pack, dates={"approved": "2026-04-04"}).deadline("DL-42")
    assert d["due"] == "2026-10-08"


def test_dl41_dl42_funding_split(pack):
    # A-SC4-10: non-区级 funded -> 2-year validity, no 6-month clock; any 区级 money -> 6-month clock
    ev = ev_for(
        pack, on=D(2028, 1, 9), funding={"fiscal_upper_province": 500_000}, dates={"approved": "2026-01-10"}
    )
    assert ev.deadline("DL-42") is None
    d = ev.deadline("DL-41")
    assert (d["due"], d["status"]) == ("2028-01-10", "open")
    assert (
        ev_for(pack, on=D(2028, 1, 10), funding={"social": 1}, dates={"approved": "2026-01-10"}).deadline(
            "DL-41"
        )["status"]
        == "open"
    )
    assert (
        ev_for(pack, on=D(2028, 1, 11), funding={"social": 1}, dates={"approved": "2026-01-10"}).deadline(
            "DL-41"
        )["status"]
        == "overdue"
    )
    ev = ev_for(
        pack, funding={"fiscal_upper_province": 500_000, "fiscal_local": 1}, dates={"approved": "2026-01-10"}
    )
    assert ev.deadline("DL-41") is None and ev.deadline("DL-42") is not None


@pytest.mark.parametrize(
    ("on", "procured", "status", "cancel"),
    [
        (D(2026, 7, 9), None, "open", False),
        (D(2026, 7, 10), None, "open", False),
        (D(2026, 7, 11), None, "overdue", True),
        (D(2026, 8, 1), D(2026, 7, 9), "met", False),
        (D(2026, 8, 1), D(2026, 7, 10), "met", False),
        (D(2026, 8, 1), D(2026, 7, 11), "late", True),
    ],
    ids=[
        "RJ-98 no procurement, day before 6 months",
        "RJ-98 no procurement, on 6 months",
        "RJ-98 no procurement, day after: 立项指标 cancelled",
        "RJ-98 procured day before",
        "RJ-98 procured on the last day",
        "RJ-98 procured a day late",
    ],
)
def test_rj98_procurement_within_six_months_or_cancel(pack, on, procured, status, cancel):
    """RJ-98 (¶53): a 区级财政-funded project whose procurement is not complete within 6 months of the
    立项发文 loses its 立项指标. Encoded by DL-42: the user sees it overdue (or late) after the due date."""
    ev = ev_for(
        pack,
        on=on,
        funding={"fiscal_local": 1_000_000},
        dates={"approved": D(2026, 1, 10), "procurement_completed": procured},
    )
    d = ev.deadline("DL-42")
    assert (d["due"], d["status"]) == ("2026-07-10", status)
    assert (d["status"] in {"overdue", "late"}) is cancel
    assert "RJ-98" in d["catalogue"] and d["severity"] == "hard" and d["cite"]["article"] == "¶53"
    assert "取消相应立项指标" in d["consequence"]
    assert ev.deadline("DL-41") is None  # 区级 money: no 2-year validity instead


def test_rj98_not_for_non_district_funds(pack):
    """RJ-98: the 6-month cancellation clock is for 区级财政 money only (A-SC4-10); mixed funding keeps it."""
    ev = ev_for(
        pack, on=D(2026, 8, 1), funding={"fiscal_upper_province": 1}, dates={"approved": D(2026, 1, 10)}
    )
    assert ev.deadline("DL-42") is None
    ev = ev_for(
        pack,
        on=D(2026, 8, 1),
        funding={"fiscal_upper_province": 1, "fiscal_local": 1},
        dates={"approved": D(2026, 1, 10)},
    )
    assert ev.deadline("DL-42")["status"] == "overdue"


@pytest.mark.parametrize(
    ("approved", "on", "secured", "due", "status"),
    [
        (D(2026, 1, 10), D(2028, 1, 9), None, "2028-01-10", "open"),
        (D(2026, 1, 10), D(2028, 1, 10), None, "2028-01-10", "open"),
        (D(2026, 1, 10), D(2028, 1, 11), None, "2028-01-10", "overdue"),
        (D(2026, 1, 10), D(2028, 6, 1), D(2028, 1, 9), "2028-01-10", "met"),
        (D(2026, 1, 10), D(2028, 6, 1), D(2028, 1, 10), "2028-01-10", "met"),
        (D(2026, 1, 10), D(2028, 6, 1), D(2028, 1, 11), "2028-01-10", "late"),
        (D(2026, 1, 10), D(2030, 1, 1), D(2026, 5, 1), "2028-01-10", "met"),
        (D(2024, 2, 29), D(2026, 2, 28), None, "2026-02-28", "open"),
        (D(2024, 2, 29), D(2026, 3, 1), None, "2026-02-28", "overdue"),
        (D(2024, 2, 29), D(2026, 3, 10), D(2026, 2, 28), "2026-02-28", "met"),
    ],
    ids=[
        "DL-41 RJ-99 no funds, day before 2 years",
        "DL-41 RJ-99 no funds, on 2-year end",
        "DL-41 RJ-99 no funds, day after: 立项指标 cancelled",
        "DL-41 RJ-99 funds secured day before 2-year end",
        "DL-41 RJ-99 funds secured on 2-year end",
        "DL-41 RJ-99 funds secured day after 2-year end",
        "DL-41 RJ-99 funds secured, long after: still met (not expired)",
        "DL-41 RJ-99 approved 02-29, open to 02-28 (no corresponding day)",
        "DL-41 RJ-99 approved 02-29, overdue 03-01",
        "DL-41 RJ-99 approved 02-29, funds secured 02-28",
    ],
)
def test_rj99_non_district_approval_valid_two_years(pack, approved, on, secured, due, status):
    """DL-41 / RJ-99 (¶50): the 立项文件 of a project without 区级财政 money is valid two years; "两年内争取到
    相关资金可开展项目建设，两年内未争取到相关资金的取消相应立项指标". The clock closes when the funds are
    secured (dates.budget_approved): secured in time → met, whatever the evaluation date; none by the end →
    overdue (cancelled); secured after the end → late. The 2-year end is not moved off a weekend
    (2026-02-28 is a Saturday)."""
    ev = ev_for(
        pack,
        on=on,
        funding={"fiscal_upper_province": 500_000},
        dates={"approved": approved, "budget_approved": secured},
    )
    d = ev.deadline("DL-41")
    assert (d["due"], d["status"]) == (due, status)
    assert d["closing_event"] == "budget_approved"
    assert d["closing_date"] == (secured.isoformat() if secured else None)
    assert "RJ-99" in d["catalogue"] and d["severity"] == "hard" and d["cite"]["article"] == "¶50"
    assert "取消相应立项指标" in d["consequence"]
    assert ev.deadline("DL-42") is None


def test_rj99_quiet_for_district_funds_or_before_approval(pack):
    """RJ-99: any 区级财政 money → no 2-year validity (the 6-month clock applies); no 立项 → no clock."""
    ev = ev_for(
        pack,
        on=D(2028, 6, 1),
        funding={"fiscal_upper_province": 500_000, "fiscal_local": 1},
        dates={"approved": D(2026, 1, 10)},
    )
    assert ev.deadline("DL-41") is None
    d = ev_for(pack, funding={"social": 1}).deadline("DL-41")
    assert (d["status"], d["due"]) == ("no_trigger", None)


def test_fast_track_non_district_funds_skips_reviews(pack):
    # A-SC4-17: non-区级 funded -> after 合规性审查 straight to 立项
    ev = ev_for(pack, funding={"fiscal_upper_province": 500_000})
    assert not {"ST-004-04", "ST-004-05", "ST-004-06"} & set(ev.stage_ids)
    assert {"ST-004-02", "ST-004-07"} <= set(ev.stage_ids)


@pytest.mark.parametrize(
    ("on", "due"),
    [
        (D(2026, 9, 19), "2026-09-20"),  # 9-20 is a Sunday but a 调休 working day: no roll
        (D(2026, 9, 20), "2026-09-20"),
        (D(2026, 9, 21), "2026-10-20"),
        (D(2026, 12, 1), "2026-12-21"),  # 12-20 is a Sunday: roll to Monday
    ],
    ids=[
        "DL-46 day before 9-20",
        "DL-46 on 9-20 调休 Sunday",
        "DL-46 day after -> next month",
        "DL-46 Sunday rolls",
    ],
)
def test_dl46_monthly_report(pack, on, due):
    d = ev_for(pack, on=on, dates={"contract_signed": "2026-03-02"}).deadline("DL-46")
    assert (d["status"], d["due"]) == ("recurring", due)
    assert "monthly_progress_report" in ev_for(pack).document_codes("ST-004-10")


def test_dl46_ends_at_final_acceptance(pack):
    d = ev_for(pack, dates={"contract_signed": "2026-03-02", "final_acceptance": "2026-05-01"}).deadline(
        "DL-46"
    )
    assert d["status"] == "ended"


@pytest.mark.parametrize(
    ("failed", "due"),
    [(D(2026, 4, 30), "2026-06-30"), (D(2025, 12, 31), "2026-02-28"), (D(2026, 7, 31), "2026-09-30")],
    ids=["DL-50 plain", "DL-50 clamp to 2-28", "DL-50 clamp 31 -> 30"],
)
def test_dl50_two_months_rectification(pack, failed, due):
    due_d = D.fromisoformat(due)
    base = {"acceptance_passed": False}
    for on, status in (
        (due_d - dt.timedelta(days=1), "open"),
        (due_d, "open"),
        (due_d + dt.timedelta(days=1), "overdue"),
    ):
        d = ev_for(pack, on=on, dates={"final_acceptance": failed}, **base).deadline("DL-50")
        assert (d["due"], d["status"]) == (due, status)
    d = ev_for(
        pack, on=due_d, dates={"final_acceptance": failed, "rectification_done": due_d}, **base
    ).deadline("DL-50")
    assert d["status"] == "met"
    assert ev_for(pack, dates={"final_acceptance": failed}, acceptance_passed=True).deadline("DL-50") is None


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 8, 31), "open"), (D(2026, 9, 1), "overdue")],
    ids=["DL-51 last day", "DL-51 day after"],
)
def test_dl51_data_sharing_rectification(pack, on, status):
    ev = ev_for(pack, on=on, data_sharing_compliant=False, dates={"rectification_notice": "2026-05-31"})
    d = ev.deadline("DL-51")
    assert (d["due"], d["status"]) == ("2026-08-31", status)
    assert (
        ev_for(pack, data_sharing_compliant=True, dates={"rectification_notice": "2026-05-31"}).deadline(
            "DL-51"
        )
        is None
    )


@pytest.mark.parametrize(
    ("on", "done", "status", "delist"),
    [
        (D(2026, 8, 30), None, "open", False),
        (D(2026, 8, 31), None, "open", False),
        (D(2026, 9, 1), None, "overdue", True),
        (D(2026, 10, 1), D(2026, 8, 30), "met", False),
        (D(2026, 10, 1), D(2026, 8, 31), "met", False),
        (D(2026, 10, 1), D(2026, 9, 1), "late", True),
    ],
    ids=[
        "RJ-104 not rectified, day before 3 months",
        "RJ-104 not rectified, on 3 months",
        "RJ-104 not rectified, day after: 下架",
        "RJ-104 rectified day before",
        "RJ-104 rectified on the last day",
        "RJ-104 rectified a day late",
    ],
)
def test_rj104_data_catalogue_rectification_or_delist(pack, on, done, status, delist):
    """RJ-104 (¶87): a unit not sharing its catalogue resources per the 数据共享规范 must rectify within
    3 months of the notice (A-SC4-24), else the application is taken offline (下架). Encoded by DL-51."""
    ev = ev_for(
        pack,
        on=on,
        data_sharing_compliant=False,
        dates={"rectification_notice": D(2026, 5, 31), "rectification_done": done},
    )
    d = ev.deadline("DL-51")
    assert (d["due"], d["status"]) == ("2026-08-31", status)
    assert (d["status"] in {"overdue", "late"}) is delist
    assert "RJ-104" in d["catalogue"] and d["severity"] == "hard" and d["cite"]["article"] == "¶87"
    assert "下架" in d["consequence"]


@pytest.mark.parametrize(
    ("compliant", "notice"),
    [(True, D(2026, 5, 31)), (None, D(2026, 5, 31)), (False, None)],
    ids=["RJ-104 quiet: sharing compliant", "RJ-104 quiet: compliance unknown", "RJ-104 no notice yet"],
)
def test_rj104_quiet(pack, compliant, notice):
    ev = ev_for(
        pack, on=D(2027, 1, 1), data_sharing_compliant=compliant, dates={"rectification_notice": notice}
    )
    d = ev.deadline("DL-51")
    if compliant is False:
        assert (d["status"], d["due"]) == ("no_trigger", None)
    else:
        assert d is None


@pytest.mark.parametrize(
    ("completed", "overrun"),
    [(D(2026, 9, 29), False), (D(2026, 9, 30), False), (D(2026, 10, 1), True)],
    ids=["DL-43 day before contract end", "DL-43 on contract end", "DL-43 day after"],
)
def test_dl43_overrun(pack, completed, overrun):
    facts = {
        "dates": {"contract_signed": "2026-03-31", "construction_completed": completed},
        "contract": {"implementation_months": 6},
    }
    ev = ev_for(pack, on=D(2026, 12, 1), **facts)
    assert ("DL-43-overrun" in ev.finding_ids) is overrun
    assert ("overrun_explanation" in ev.document_codes("ST-004-10")) is overrun


def test_dl43_overrun_while_still_building(pack):
    facts = {"dates": {"contract_signed": "2026-01-15"}, "contract": {"implementation_months": 3}}
    assert "DL-43-overrun" not in ev_for(pack, on=D(2026, 4, 15), **facts).finding_ids
    assert "DL-43-overrun" in ev_for(pack, on=D(2026, 4, 16), **facts).finding_ids


# ------------------------------------------------------------------ other findings


FINDINGS = [
    ("RJ-86", {"review": {"design_feasible": False}}, {"review": {"design_feasible": True}}, "hard"),
    ("RJ-87", {"review": {"fits_local_plan": False}}, {}, "hard"),
    (
        "RJ-101",
        {"in_formal_use": True, "acceptance_passed": False},
        {"in_formal_use": True, "acceptance_passed": True},
        "hard",
    ),
    (
        "RJ-106",
        {
            "procurement_route": "GOV_PROCUREMENT",
            "dates": {"approved": "2026-01-05", "award_notice": "2026-03-01"},
        },
        {
            "procurement_route": "GOV_PROCUREMENT",
            "dates": {"approved": "2026-01-05", "award_notice": "2026-03-01"},
            "has_supervision_contract": True,
            "supervision_tendered": True,
        },
        "hard",
    ),
    (  # a 监理 contract without its own tender still fires: 监理独立招标 (¶55)
        "RJ-106",
        {
            "procurement_route": "GOV_PROCUREMENT",
            "dates": {"approved": "2026-01-05", "award_notice": "2026-03-01"},
            "has_supervision_contract": True,
        },
        {
            "procurement_route": "SMALL_PUBLIC_RESOURCE",
            "dates": {"approved": "2026-01-05", "award_notice": "2026-03-01"},
            "has_supervision_contract": True,
        },
        "hard",
    ),
    (
        "RJ-112",
        {"deploys_on_gov_cloud": False},
        {"deploys_on_gov_cloud": True, "connects_data_platform": True},
        "hard",
    ),
    ("RJ-112", {"connects_data_platform": False}, {}, "hard"),
]


@pytest.mark.parametrize(
    ("rule_id", "fires", "quiet", "severity"), FINDINGS, ids=[f"{f[0]} {i}" for i, f in enumerate(FINDINGS)]
)
def test_findings(pack, rule_id, fires, quiet, severity):
    f = assert_finding_fires(ev_for(pack, **fires), ev_for(pack, **quiet), rule_id)
    assert f["severity"] == severity and f["cite"]["article"].startswith("¶")


def test_rj101_hard_override_ignored(pack):
    ev = ev_for(pack, in_formal_use=True, overrides={"RJ-101": {"by": "x", "justification": "y"}})
    assert "RJ-101" in ev.active_finding_ids


def test_rj106_supervision_documents(pack):
    ev = ev_for(pack, procurement_route="GOV_PROCUREMENT", amounts={"software": 1_000_000})
    assert "supervision_contract" in ev.document_codes("ST-004-09")
    assert ev.validation_status("SUPERVISION-FEE") == "fail"
    ev = ev_for(
        pack, procurement_route="GOV_PROCUREMENT", amounts={"software": 990_000, "supervision": 10_000}
    )
    assert ev.validation_status("SUPERVISION-FEE") == "pass"
    ev = ev_for(pack, procurement_route="SMALL_PUBLIC_RESOURCE", amounts={"software": 1_000_000})
    assert "supervision_contract" not in ev.document_codes()
    assert ev.validation_status("SUPERVISION-FEE") == "not_applicable"


# ------------------------------------------------------------------ scope (§6.2)


@pytest.mark.parametrize(
    ("facts", "status", "rule"),
    [
        ({"unit_level": "district", "is_budget_unit": True}, "in_scope", None),
        ({"oos_category": "CENTRAL_PROCURED_GENERAL_DEVICE"}, "out_of_scope", "OOS-SC4-1"),
        ({"oos_category": "CENTRAL_PROCURED_PACKAGED_SOFTWARE"}, "out_of_scope", "OOS-SC4-2"),
        ({"oos_category": "SMART_BUILDING"}, "out_of_scope", "OOS-SC4-3"),
        ({"secrecy": "CLASSIFIED"}, "out_of_scope", "OOS-SC4-4"),
        ({"unit_kind": "soe"}, "out_of_scope", "OOS-SC4-5"),
        ({"is_budget_unit": False}, "out_of_scope", "OOS-SC4-6"),
        ({"unit_level": "city"}, "out_of_scope", "OOS-SC4-6"),
        ({"nature": "OM"}, "partial", "SC4-OM-PARTIAL"),
        ({"nature": "XINCHUANG_RETROFIT"}, "in_scope", "SC4-XINCHUANG"),
    ],
    ids=[
        "OOS-SC4 district budget unit",
        "OOS-SC4-1 general devices",
        "OOS-SC4-2 packaged software",
        "OOS-SC4-3 smart building",
        "OOS-SC4-4 classified",
        "OOS-SC4-5 SOE",
        "OOS-SC4-6 non-budget unit",
        "OOS-SC4-6 city level",
        "A-SC4-14 O&M partial",
        "§6.2 信创改造 in scope",
    ],
)
def test_scope(pack, facts, status, rule):
    ev = ev_for(pack, **facts)
    assert ev.scope_status == status
    if rule:
        assert rule in [m["id"] for m in ev.scope_matched]
    if status == "out_of_scope":
        assert ev.route == [] and ev.documents == [] and ev.deadlines == []


def test_om_partial_keeps_operation_only(pack):
    ev = ev_for(pack, nature="OM", dates={"declared": "2026-10-08"})
    assert "ST-004-01" not in ev.stage_ids and "ST-004-15" in ev.stage_ids
    assert ev.deadline("DL-39") is None and "RJ-93" not in ev.finding_ids


def test_xinchuang_needs_leader_consent(pack):
    assert "district_leader_consent" in ev_for(pack, nature="XINCHUANG_RETROFIT").document_codes("ST-004-01")
    assert "district_leader_consent" in ev_for(pack, functional_types=["BUSINESS_SYSTEM"]).document_codes(
        "ST-004-01"
    )
    assert "district_leader_consent" not in ev_for(pack, functional_types=["EGOV_INFRA"]).document_codes()


def test_upgrade_needs_performance_pass(pack):
    upgraded_app = {"nature": "UPGRADE", "functional_types": ["BUSINESS_SYSTEM"]}
    assert "performance_evaluation_passed" in ev_for(pack, **upgraded_app).document_codes("ST-004-01")
    assert "performance_evaluation_passed" not in ev_for(pack, nature="UPGRADE").document_codes()
    assert "performance_evaluation_passed" not in ev_for(pack, nature="NEW").document_codes()


@pytest.mark.parametrize(
    ("facts", "required"),
    [
        ({"functional_types": ["BUSINESS_SYSTEM"]}, True),
        ({"functional_types": ["DATA_RESOURCE", "BUSINESS_SYSTEM"], "nature": "NEW"}, True),
        ({"nature": "XINCHUANG_RETROFIT"}, True),
        ({"nature": "UPGRADE", "functional_types": ["BUSINESS_SYSTEM"]}, True),
        ({"functional_types": ["EGOV_INFRA"]}, False),
        ({"functional_types": ["SECURITY_INFRA"], "nature": "NEW"}, False),
        ({}, False),
        ({"nature": "OM", "functional_types": ["BUSINESS_SYSTEM"]}, False),
    ],
    ids=[
        "RJ-89 业务应用系统建设类",
        "RJ-89 business system among other types",
        "RJ-89 信创改造 (参照应用系统建设类)",
        "RJ-89 upgraded business system",
        "RJ-89 quiet: infrastructure",
        "RJ-89 quiet: security infrastructure",
        "RJ-89 quiet: type unknown",
        "RJ-89 quiet: O&M outside declaration (A-SC4-14)",
    ],
)
def test_rj89_business_app_needs_district_leader_consent(pack, facts, required):
    """RJ-89 (¶33): a 业务应用系统建设类 declaration without the 分管区领导's consent is not accepted; the
    consent is a required ST-004-01 declaration document for business systems and 信创改造 only."""
    ev = ev_for(pack, **facts)
    docs = [d for d in ev.documents if d["code"] == "district_leader_consent"]
    assert bool(docs) is required
    if required:
        (doc,) = docs
        assert (doc["stage"], doc["required"], doc["cite"]["article"]) == ("ST-004-01", True, "¶33")
        assert "RJ-89" in doc["catalogue"] and "LEADER_SIGNOFF" in doc["by"]


@pytest.mark.parametrize(
    ("facts", "required"),
    [
        ({"nature": "UPGRADE", "functional_types": ["BUSINESS_SYSTEM"]}, True),
        ({"nature": "UPGRADE", "functional_types": ["DATA_RESOURCE", "BUSINESS_SYSTEM"]}, True),
        ({"nature": "UPGRADE", "functional_types": ["EGOV_INFRA"]}, False),
        ({"nature": "UPGRADE", "functional_types": ["SECURITY_INFRA", "SUPPORT_PLATFORM"]}, False),
        ({"nature": "UPGRADE"}, False),
        ({"nature": "NEW", "functional_types": ["BUSINESS_SYSTEM"]}, False),
        ({"nature": "XINCHUANG_RETROFIT"}, False),
        ({"nature": "EXPANSION", "functional_types": ["BUSINESS_SYSTEM"]}, False),
        ({"nature": "OM", "functional_types": ["BUSINESS_SYSTEM"]}, False),
    ],
    ids=[
        "RJ-90 迭代升级 business system: 绩效评价通过 required",
        "RJ-90 迭代升级 business system among other types",
        "RJ-90 quiet: upgraded infrastructure is not a 业务应用系统",
        "RJ-90 quiet: upgraded security facility / support platform",
        "RJ-90 quiet: upgrade of unknown functional type",
        "RJ-90 quiet: new business system",
        "RJ-90 quiet: 信创改造",
        "RJ-90 quiet: expansion",
        "RJ-90 quiet: O&M",
    ],
)
def test_rj90_upgrade_needs_passed_performance_evaluation(pack, facts, required):
    """RJ-90 (¶33) "迭代升级的业务应用系统，还须通过绩效评价": an 迭代升级 declaration of a 业务应用系统 whose
    system has not passed its 绩效评价 is not accepted; proof of a passed evaluation (A-SC4-19) is a required
    ST-004-01 document (DOC-PERF-PASS), alongside the leader's consent. Upgrades of other system types
    (infrastructure, security facilities, data resources, support platforms) do not need it."""
    ev = ev_for(pack, **facts)
    docs = [d for d in ev.documents if d["code"] == "performance_evaluation_passed"]
    assert bool(docs) is required
    if required:
        (doc,) = docs
        assert (doc["stage"], doc["required"], doc["cite"]["article"]) == ("ST-004-01", True, "¶33")
        assert "RJ-90" in doc["catalogue"] and doc["ambiguity"] == "A-SC4-19"
        assert "district_leader_consent" in ev.document_codes("ST-004-01")


# ------------------------------------------------------------------ route, documents


def test_route_has_all_15_stages(pack):
    assert_route_covers_stages(pack, "004", 15)
    ev = ev_for(pack)
    assert [s for s in ev.stage_ids if s.startswith("ST-004-")] == [
        "ST-004-01", "ST-004-02", "ST-004-03", "ST-004-04", "ST-004-05", "ST-004-06", "ST-004-07",
        "ST-004-08", "ST-004-09", "ST-004-10", "ST-004-11", "ST-004-12", "ST-004-13", "ST-004-14-gov",
        "ST-004-15",
    ]  # fmt: skip


def test_small_procurement_acceptance_route(pack):
    ev = ev_for(pack, procurement_route="SMALL_PUBLIC_RESOURCE")
    assert "ST-004-14-small" in ev.stage_ids and "ST-004-14-gov" not in ev.stage_ids


@pytest.mark.parametrize(
    ("rj", "stage"),
    [("RJ-94", "ST-004-03"), ("RJ-95", "ST-004-04"), ("RJ-96", "ST-004-05"), ("RJ-97", "ST-004-06")],
    ids=["RJ-94 compliance END", "RJ-95 prelim END", "RJ-96 expert END", "RJ-97 final check END"],
)
def test_end_outcomes(pack, rj, stage):
    st = next(s for s in ev_for(pack).route if s["id"] == stage)
    assert rj in st["catalogue"]
    assert "end" in [o["code"] for o in st["outcomes"]]


def test_declaration_and_review_documents(pack):
    ev = ev_for(pack)
    assert {"declaration_form", "feasibility_study"} <= set(ev.document_codes("ST-004-01"))
    assert "expert_review_uploads" in ev.document_codes("ST-004-05")  # DL-40
    assert "post_review_uploads" in ev.document_codes("ST-004-06")
    assert {"procurement_documents_filing", "contract"} <= set(ev.document_codes("ST-004-09"))
    assert "payment_report" in ev.document_codes("ST-004-10")  # DL-45
    assert "resource_catalogue" in ev.document_codes("ST-004-15")  # RJ-113
    assert "crypto_assessment" in ev_for(pack, important_system=True).document_codes("ST-004-10")


# ------------------------------------------------------------------ coverage of the catalogue


TH_004, DL_004 = id_range("TH", 29, 39), id_range("DL", 39, 54)


def _catalogue_004_ids() -> set[str]:
    ids = TH_004 | DL_004 | id_range("RJ", 85, 108) | {"RJ-112", "RJ-113"}
    ids |= id_range("ST-004", 1, 15) | {f"OOS-SC4-{i}" for i in range(1, 7)}
    ids |= {"§7.5.1", "§7.5.2", "§7.5.3", "§7.5.4", "§7.5.5", "§7.5.6", "C-01"}
    return ids


def test_every_004_catalogue_item_is_encoded_or_listed(pack):
    assert_catalogue_items_covered(pack, _catalogue_004_ids())


@requires_catalogue
def test_catalogue_counts_for_004_match():
    assert_catalogue_rows("004", th=TH_004, dl=DL_004)


def test_every_rule_cites_and_ambiguities_exist(pack):
    assert_rules_cite(pack, article_pattern=r"¶\d+")


SEED = Path("/work/shared/seeds/004_09ea1c35d5953860.txt")


@pytest.mark.skipif(not SEED.exists(), reason="seed not present")
def test_cited_paragraph_contains_quote_fragment(pack):
    paras = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for _kind, rule in pack.pack.all_rules():
        n = int(rule.cite.article[1:])
        para = paras[n - 1]
        # quotes may elide with “……”; every fragment of ≥4 chars must occur in the cited paragraph
        for frag in re.split(r"……", rule.cite.quote):
            if len(frag) >= 4:
                assert frag in para, (rule.id, rule.cite.article, frag)
