"""舒城县 pack (catalogue 000): boundaries per catalogue id (amount −1 元 / at / +1 元; day before / on /
after), findings RJ-01..RJ-17, scope OOS-SCH-1/2, and coverage of every 000 catalogue item."""

from __future__ import annotations

import re

import pytest

from govit.policies.engine import Facts
from govit.policies.tests.helpers import (
    D,
    amounts,
    assert_catalogue_items_covered,
    assert_catalogue_rows,
    assert_finding_fires,
    assert_recurring_after_acceptance,
    assert_route_covers_stages,
    assert_rules_cite,
    ev_for,
    id_range,
    pack_fixture,
    requires_catalogue,
)

pack = pack_fixture("shucheng")


# ------------------------------------------------------------------ thresholds


@pytest.mark.parametrize(
    ("total", "single"),
    [(4_999_999, False), (5_000_000, True), (5_000_001, True)],
    ids=["TH-01/TH-02 4999999", "TH-01 at 5000000 (含)", "TH-01 5000001"],
)
def test_th01_th02_proposal_route(pack, total, single):
    ev = ev_for(pack, amounts=amounts(total))
    assert ev.threshold("TH-01") is single
    assert ev.threshold("TH-02") is (not single)
    assert ("ST-000-03-single" in ev.stage_ids) is single
    assert ("ST-000-03-bundle" in ev.stage_ids) is (not single)
    codes = ev.document_codes()
    assert ("project_proposal" in codes) is single
    assert ("implementation_plan" in codes) is single
    assert ("bundled_project_proposal" in codes) is (not single)


def test_th01_measure_includes_om(pack):
    # A-SC-08: the same figure (total investment estimate, O&M not excluded)
    ev = ev_for(pack, amounts={"software": 4_000_000, "om": 1_000_000})
    assert ev.threshold("TH-01") is True


@pytest.mark.parametrize(
    ("total", "required"),
    [(999_999, False), (1_000_000, True), (1_000_001, True)],
    ids=["TH-03 999999", "TH-03 at 1000000 (及以上)", "TH-03 1000001"],
)
def test_th03_supervision(pack, total, required):
    ev = ev_for(pack, amounts=amounts(total))
    assert ev.threshold("TH-03") is required
    assert ("RJ-15" in ev.finding_ids) is required
    assert ("supervision_contract" in ev.document_codes("ST-000-07")) is required
    # with a supervision contract the soft finding is gone
    ev = ev_for(pack, amounts=amounts(total), has_supervision_contract=True)
    assert "RJ-15" not in ev.finding_ids


def test_th03_soft_override(pack):
    ev = ev_for(
        pack,
        amounts=amounts(1_000_000),
        overrides={"RJ-15": {"by": "县数管局", "justification": "纯采购项目"}},
    )
    assert "RJ-15" in ev.finding_ids and "RJ-15" not in ev.active_finding_ids


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("字" * 199, "pass"),
        ("字" * 200, "pass"),
        ("字" * 201, "fail"),
        ("字" * 100 + " \n " + "字" * 100, "pass"),
        (None, "not_applicable"),
    ],
    ids=[
        "TH-04 199 chars",
        "TH-04 200 chars (以内)",
        "TH-04 201 chars",
        "TH-04 whitespace not counted",
        "TH-04 empty",
    ],
)
def test_th04_summary_length(pack, text, status):
    assert ev_for(pack, summary=text).validation_status("TH-04") == status


# ------------------------------------------------------------------ deadlines


@pytest.mark.parametrize(
    ("on", "declared", "status"),
    [
        (D(2026, 7, 30), None, "open"),
        (D(2026, 7, 31), None, "open"),
        (D(2026, 8, 1), None, "overdue"),
        (D(2026, 9, 1), D(2026, 7, 30), "met"),
        (D(2026, 9, 1), D(2026, 7, 31), "met"),
        (D(2026, 9, 1), D(2026, 8, 1), "late"),
    ],
    ids=[
        "DL-01 day before",
        "DL-01 on 7-31",
        "DL-01 day after",
        "DL-01 declared 7-30",
        "DL-01 declared 7-31",
        "DL-01 declared 8-01",
    ],
)
def test_dl01_declaration_deadline(pack, on, declared, status):
    d = ev_for(pack, on=on, dates={"declared": declared}).deadline("DL-01")
    assert d["due"] == "2026-07-31"
    assert d["status"] == status


def test_dl01_year_without_holiday_data(pack):
    d = ev_for(pack, on=D(2027, 3, 1)).deadline("DL-01")
    assert d["due"] == "2027-08-02"  # 2027-07-31 is a Saturday; no 2027 data -> weekday rule, flagged
    assert d["assumed_weekdays"] is True


def test_dl02_review_window(pack):
    d = ev_for(pack, on=D(2026, 7, 15)).deadline("DL-02")
    assert (d["window_start"], d["due"], d["status"]) == ("2026-07-01", "2026-08-31", "open")
    d = ev_for(pack, on=D(2026, 9, 1), dates={"review_completed": "2026-08-31"}).deadline("DL-02")
    assert d["status"] == "met"
    d = ev_for(pack, on=D(2026, 9, 1), dates={"review_completed": "2026-09-01"}).deadline("DL-02")
    assert d["status"] == "late"


@pytest.mark.parametrize(
    ("started", "applied", "due", "status"),
    [
        (D(2026, 3, 15), D(2026, 4, 14), "2026-04-15", "too_early"),
        (D(2026, 3, 15), D(2026, 4, 15), "2026-04-15", "too_early"),
        (D(2026, 3, 15), D(2026, 4, 16), "2026-04-15", "met"),
        (D(2026, 1, 31), D(2026, 2, 28), "2026-02-28", "too_early"),
        (D(2026, 1, 31), D(2026, 3, 1), "2026-02-28", "met"),
        (D(2026, 9, 1), D(2026, 10, 2), "2026-10-01", "met"),
    ],
    ids=[
        "DL-03/TH-05 day before",
        "DL-03/TH-05 on last day of month",
        "DL-03/TH-05 day after",
        "DL-03 month-end clamp on",
        "DL-03 month-end clamp after",
        "DL-03 min period not holiday-extended",
    ],
)
def test_dl03_th05_trial_run_minimum(pack, started, applied, due, status):
    # A-SC-12: a calendar month (add-months), and the period must have fully run before applying
    d = ev_for(
        pack, on=D(2026, 11, 1), dates={"trial_run_started": started, "acceptance_applied": applied}
    ).deadline("DL-03")
    assert d["due"] == due
    assert d["status"] == status


def test_dl03_running_and_ready(pack):
    d = ev_for(pack, on=D(2026, 4, 15), dates={"trial_run_started": D(2026, 3, 15)}).deadline("DL-03")
    assert (d["status"], d["earliest"]) == ("running", "2026-04-16")
    d = ev_for(pack, on=D(2026, 4, 16), dates={"trial_run_started": D(2026, 3, 15)}).deadline("DL-03")
    assert d["status"] == "ready"


def test_th05_no_trial_run_blocks_acceptance(pack):
    ev = ev_for(pack, dates={"acceptance_applied": D(2026, 5, 1)})
    assert "TH-05-no-trial" in ev.finding_ids


@pytest.mark.parametrize(
    ("requested", "status"),
    [(D(2026, 10, 6), "met"), (D(2026, 10, 7), "met"), (D(2026, 10, 8), "late")],
    ids=["DL-04 two days before", "DL-04 day before contract date", "DL-04 on contract date"],
)
def test_dl04_extension_before_contract_date(pack, requested, status):
    # A-SC-11: “提前” = strictly before the contractual acceptance date (not holiday-extended)
    d = ev_for(
        pack,
        on=D(2026, 10, 9),
        dates={"contract_acceptance_due": D(2026, 10, 8), "extension_requested": requested},
    ).deadline("DL-04")
    assert d["due"] == "2026-10-07"
    assert d["status"] == status


def test_dl04_not_applicable_when_accepted_in_time(pack):
    ev = ev_for(pack, dates={"contract_acceptance_due": D(2026, 10, 8), "final_acceptance": D(2026, 10, 8)})
    assert ev.deadline("DL-04") is None
    ev = ev_for(
        pack,
        on=D(2026, 10, 10),
        dates={"contract_acceptance_due": D(2026, 10, 8), "final_acceptance": D(2026, 10, 9)},
    )
    assert ev.deadline("DL-04")["status"] == "overdue"


def test_dl07_periodic_assessment_recurs(pack):
    assert_recurring_after_acceptance(ev_for, pack, "DL-07")


@pytest.mark.parametrize(
    ("on", "due"),
    [(D(2026, 12, 30), "2026-12-31"), (D(2026, 12, 31), "2026-12-31"), (D(2027, 1, 1), "2027-12-31")],
    ids=["DL-05 the day before year end", "DL-05 on 12-31", "DL-05 the next year"],
)
def test_dl05_annual_om_filing_is_due_each_year_end(pack, on, due):
    """DL-05 第二十二条 按年度备案: read as once per calendar year, due 12-31 (no date in the text)."""
    assert ev_for(pack, on=on).deadline("DL-05")["status"] == "no_trigger"  # not before 竣工验收
    d = ev_for(pack, on=on, dates={"final_acceptance": D(2026, 1, 10)}).deadline("DL-05")
    assert (d["status"], d["due"]) == ("recurring", due)
    ended = ev_for(pack, on=on, dates={"final_acceptance": D(2026, 1, 10), "decommissioned": D(2026, 5, 1)})
    assert ended.deadline("DL-05")["status"] == "ended"


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2027, 12, 30), "open"), (D(2027, 12, 31), "open"), (D(2028, 1, 1), "overdue")],
    ids=["DL-06 day before", "DL-06 on 12-31", "DL-06 day after"],
)
def test_dl06_year_end_explanation(pack, on, status):
    ev = ev_for(pack, on=on, plan_year=2027, implemented_as_planned=False)
    d = ev.deadline("DL-06")
    assert d["due"] == "2027-12-31" and d["status"] == status
    assert "DL-06-recover" in ev.finding_ids
    assert "non_implementation_explanation" in ev.document_codes()
    assert ev_for(pack, on=on, plan_year=2027, implemented_as_planned=True).deadline("DL-06") is None


@pytest.mark.parametrize(
    ("start", "end", "status"),
    [
        ("2027-01", "2027-12", "pass"),
        ("2027-06", "2027-06", "pass"),
        ("2027-12", "2027-01", "fail"),
        ("2027-01", None, "fail"),
        (None, None, "not_applicable"),
    ],
    ids=["DL-08 range", "DL-08 single month", "DL-08 reversed", "DL-08 missing end", "DL-08 empty"],
)
def test_dl08_construction_period_format(pack, start, end, status):
    assert ev_for(pack, plan_start_month=start, plan_end_month=end).validation_status("DL-08") == status


def test_dl08_bad_month_format_is_a_facts_error():
    from govit.policies.engine import FactsError

    with pytest.raises(FactsError, match="plan_start_month"):
        Facts.from_dict({"plan_start_month": "2027-13"})


# ------------------------------------------------------------------ findings RJ-01..RJ-17

FINDINGS = [
    ("RJ-01", {"intensive_integration_done": False}, {"intensive_integration_done": True}),
    ("RJ-02", {"data_sharing_compliant": False}, {"data_sharing_compliant": None}),
    ("RJ-03", {"deploys_on_egov_extranet": False}, {"deploys_on_egov_extranet": True}),
    ("RJ-04", {"review": {"complies_standards": False}}, {"review": {"complies_standards": True}}),
    ("RJ-05", {"review": {"fits_local_plan": False}}, {}),
    ("RJ-06", {"reuses_existing_infra": False}, {"reuses_existing_infra": True}),
    ("RJ-07", {"review": {"design_feasible": False}}, {}),
    ("RJ-08", {"has_data_catalog": False}, {"has_data_catalog": True}),
    ("RJ-09", {"has_security_solution": False}, {"has_security_solution": True}),
    ("RJ-10", {"review": {"budget_schedule_reasonable": False}}, {}),
    (
        "RJ-11",
        {"dates": {"construction_started": "2026-03-01"}},
        {"dates": {"construction_started": "2026-03-01"}, "special_approval": True},
    ),
    (
        "RJ-12",
        {"dates": {"award_notice": "2026-03-01"}},
        {"dates": {"award_notice": "2026-03-01"}, "in_annual_plan": True},
    ),
    (
        "RJ-13",
        {"in_formal_use": True, "acceptance_passed": False},
        {"in_formal_use": True, "acceptance_passed": True},
    ),
    (
        "RJ-14-cloud",
        {"nature": "NEW", "buys_hardware": True, "hardware_in_gov_cloud": False},
        {"nature": "OM", "buys_hardware": True, "hardware_in_gov_cloud": False},
    ),
    ("RJ-14-datacenter", {"builds_app_datacenter": True}, {}),
    ("RJ-15", {"amounts": {"software": 1_000_000}}, {"amounts": {"software": 999_999}}),
    (
        "RJ-16",
        {"nature": "NEW", "software_development": True, "budget_includes_testing": True},
        {
            "nature": "NEW",
            "software_development": True,
            "budget_includes_testing": True,
            "budget_includes_mlps": True,
        },
    ),
    (
        "RJ-17",
        {"dates": {"contract_signed": "2026-03-01"}, "in_annual_plan": True},
        {
            "dates": {"contract_signed": "2026-03-01"},
            "in_annual_plan": True,
            "contract": {"data_three_lists": True},
        },
    ),
]


@pytest.mark.parametrize(("rule_id", "fires", "quiet"), FINDINGS, ids=[f[0] for f in FINDINGS])
def test_findings(pack, rule_id, fires, quiet):
    assert_finding_fires(ev_for(pack, **fires), ev_for(pack, **quiet), rule_id)


def test_rj_soft_vs_hard(pack):
    soft = {r.id for r in pack.pack.findings if r.severity == "soft"}
    assert {"RJ-01", "RJ-02", "RJ-03", "RJ-14-cloud", "RJ-14-datacenter", "RJ-15"} <= soft
    assert not {"RJ-11", "RJ-12", "RJ-13", "RJ-16", "RJ-17"} & soft


def test_rj13_hard_override_ignored(pack):
    ev = ev_for(pack, in_formal_use=True, overrides={"RJ-13": {"by": "x", "justification": "y"}})
    assert "RJ-13" in ev.active_finding_ids


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (
            {"unit_level": "county", "unit_kind": "party_gov_organ", "funding": {"fiscal_local": 1}},
            "in_scope",
        ),
        ({"unit_level": "city"}, "out_of_scope"),
        ({"unit_kind": "soe"}, "out_of_scope"),
        ({"funding": {"fiscal_upper_province": 100}}, "out_of_scope"),
        ({}, "in_scope"),
        ({"secrecy": "CLASSIFIED"}, "partial"),
    ],
    ids=[
        "OOS-SCH-1 county unit",
        "OOS-SCH-1 city unit",
        "OOS-SCH-1 SOE",
        "OOS-SCH-1 no county funds",
        "OOS-SCH-1 unknown",
        "OOS-SCH-2 classified",
    ],
)
def test_scope(pack, facts, status):
    ev = ev_for(pack, **facts)
    assert ev.scope_status == status
    if status == "out_of_scope":
        assert ev.route == [] and ev.finding_ids == []


def test_oos_sch2_classified_exempt_from_article_11(pack):
    # A-SC-15: 涉密项目 skip RJ-04..RJ-10 only
    facts = {"secrecy": "CLASSIFIED", "review": {"complies_standards": False}, "builds_app_datacenter": True}
    ev = ev_for(pack, **facts)
    assert not {"RJ-04", "RJ-08", "RJ-09"} & set(ev.finding_ids)
    assert "RJ-14-datacenter" in ev.finding_ids
    assert "data_sharing_list" not in ev.document_codes()
    ev = ev_for(pack, **{**facts, "secrecy": "NON_CLASSIFIED"})
    assert {"RJ-04", "RJ-08", "RJ-09"} <= set(ev.finding_ids)


# ------------------------------------------------------------------ route, documents, forms


def test_route_has_all_13_stages(pack):
    assert_route_covers_stages(pack, "000", 13)
    ev = ev_for(pack, amounts=amounts(2_000_000))
    assert len(ev.route) == 13  # one of the two ST-000-03 variants


def test_acceptance_materials_7_1_4(pack):
    codes = ev_for(pack).document_codes("ST-000-10")
    for code in (
        "acc_contract",
        "acc_tender_documents",
        "acc_function_test_report",
        "acc_om_agreement",
        "acc_data_three_lists",
        "acc_db_admin_handover",
        "acc_source_code",
        "acc_standard_interfaces",
    ):
        assert code in codes


def test_declaration_form_7_1_1(pack):
    form = next(f for f in pack.pack.forms if f.id == "F-000-SBB")
    assert len(form.fields) == 15
    summary = next(f for f in form.fields if f.key == "summary")
    assert summary.max_chars == 200
    period = next(f for f in form.fields if f.key == "period")
    assert re.match(period.pattern or "", "2027年01月至2027年12月")
    assert not re.match(period.pattern or "", "2027年1月至2027年12月")


@pytest.mark.parametrize(
    ("fiscal", "status"),
    [(4_999_999, "fail"), (5_000_000, "pass"), (5_000_001, "fail")],
    ids=["§7.1.1 funding sum -1", "§7.1.1 funding sum equal", "§7.1.1 funding sum +1"],
)
def test_funding_sum(pack, fiscal, status):
    ev = ev_for(pack, amounts=amounts(5_000_000), funding={"fiscal_local": fiscal})
    assert ev.validation_status("SBB-FUNDING-SUM") == status


# ------------------------------------------------------------------ coverage of the catalogue


TH_000, DL_000 = id_range("TH", 1, 5), id_range("DL", 1, 8)


def _catalogue_000_ids() -> set[str]:
    ids = TH_000 | DL_000 | id_range("RJ", 1, 17) | id_range("ST-000", 1, 13)
    ids |= {"OOS-SCH-1", "OOS-SCH-2"}
    return ids


def test_every_000_catalogue_item_is_encoded_or_listed(pack):
    assert_catalogue_items_covered(pack, _catalogue_000_ids())


@requires_catalogue
def test_catalogue_counts_for_000_match():
    assert_catalogue_rows("000", th=TH_000, dl=DL_000)


def test_every_rule_cites_and_ambiguities_exist(pack):
    assert_rules_cite(pack)
