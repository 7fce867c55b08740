"""石嘴山市 pack (catalogue 001, 送审稿): boundaries per catalogue id (amount −1 元 / at / +1 元; day before /
on / after, month-end clamping of the “一个月内” filings), findings RJ-18..RJ-36/RJ-109/RJ-110, scope
OOS-SZS-1..3, route and documents, and coverage of every 001 catalogue item."""

from __future__ import annotations

import pytest

from govit.policies.engine import load_pack
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
    catalogue_row_ids,
    finding,
    id_range,
    pack_fixture,
    requires_catalogue,
    threshold_met,
)

FULL = {"engineering": 1_000_000}  # 工程费 ≥ 60万: full regime

pack = pack_fixture("shizuishan")


def ev_for(pack, on=ON, **facts):
    """Evaluate with the full regime's amounts unless the test gives its own."""
    facts.setdefault("amounts", FULL)
    return helpers.ev_for(pack, on, **facts)


def test_meta_is_draft(pack):
    assert pack.meta["source"]["status"] == "送审稿"
    assert pack.meta["catalogue_code"] == "001"
    assert load_pack("001") is not None


# ------------------------------------------------------------------ TH-06 / TH-07 (第四条, 60万)


@pytest.mark.parametrize(
    ("amounts", "full"),
    [
        ({"engineering": 599_999}, False),
        ({"engineering": 600_000}, True),
        ({"engineering": 600_001}, True),
        ({"engineering": 200_000, "equipment": 300_000, "contingency": 99_999}, False),
        ({"engineering": 200_000, "equipment": 300_000, "contingency": 100_000}, True),
        ({"equipment": 600_000}, True),
    ],
    ids=[
        "TH-06 core 599999",
        "TH-06 core at 600000 (含, A-SZS-03)",
        "TH-06 core 600001",
        "TH-06 eng+equip+contingency 599999",
        "TH-06 eng+equip+contingency 600000",
        "TH-06 equipment alone 600000",
    ],
)
def test_th06_full_regime(pack, amounts, full):
    ev = ev_for(pack, amounts=amounts)
    assert ev.threshold("TH-06") is full
    assert ev.scope_status == ("in_scope" if full else "filing_only")
    assert ("ST-001-04" in ev.stage_ids) is full
    assert "ST-001-08" in ev.stage_ids  # 备案 applies either way


@pytest.mark.parametrize(
    ("other", "light_total", "gap"),
    [(99_999, True, False), (100_000, False, True), (100_001, False, True)],
    ids=["TH-07 total 599999", "TH-07 total at 600000", "TH-07 total 600001"],
)
def test_th07_total_vs_core(pack, other, light_total, gap):
    # core = 500000 (< 60万) in every case; only non-core heads move the total (A-SZS-04)
    ev = ev_for(pack, amounts={"engineering": 500_000, "software": other})
    assert ev.threshold("TH-07") is light_total
    assert ev.threshold("TH-06") is False
    assert ev.scope_status == "filing_only"
    assert ("TH-07-gap" in ev.finding_ids) is gap
    if gap:
        f = finding(ev, "TH-07-gap")
        assert f["severity"] == "soft" and f["effects"] == ["WARNING"]


def test_th07_om_and_software_do_not_count_for_core(pack):
    ev = ev_for(pack, amounts={"software": 5_000_000, "om": 5_000_000, "other": 1_000_000})
    assert ev.scope_status == "filing_only"
    assert "TH-07-gap" in ev.finding_ids


def test_oos_szs2_light_regime_only_filing(pack):
    # A-SZS-20: below 60万 only 备案 (and guidance) remains
    ev = ev_for(
        pack,
        amounts={"engineering": 599_999},
        nature="NEW",
        buys_server_hardware=True,
        in_formal_use=True,
        dates={"award_notice": D(2026, 3, 15), "final_acceptance": D(2026, 5, 1)},
    )
    assert ev.scope_status == "filing_only"
    assert ev.stage_ids == ["ST-001-01", "ST-001-08"]
    assert set(ev.document_codes()) <= {"filing_build", "filing_other", "filing_update"}
    assert not [f for f in ev.finding_ids if f.startswith("RJ-")]
    assert ev.deadline("DL-10")["due"] == "2026-04-15"
    assert ev.deadline("DL-16") is None


# ------------------------------------------------------------------ TH-08 / TH-09 / TH-10 (第十五条 tiers)


TIER_DOCS = {
    "top": {"project_proposal", "feasibility_study", "preliminary_design"},
    "mid": {"feasibility_study", "feasibility_necessity_section", "preliminary_design"},
    "low": {"preliminary_design"},
}


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        (14_999_999, "low"),
        (15_000_000, "mid"),
        (15_000_001, "mid"),
        (49_999_999, "mid"),
        (50_000_000, "top"),
        (50_000_001, "top"),
    ],
    ids=[
        "TH-10 14999999",
        "TH-09 at 15000000 (含)",
        "TH-09 15000001",
        "TH-09 49999999",
        "TH-08 at 50000000 (A-SZS-05)",
        "TH-08 50000001",
    ],
)
def test_th08_th09_th10_document_tiers(pack, total, tier):
    ev = ev_for(pack, amounts={"engineering": total})
    assert threshold_met(ev, "TH-08") is (tier == "top")
    assert threshold_met(ev, "TH-09") is (tier == "mid")
    assert threshold_met(ev, "TH-10") is (tier == "low")
    tech_docs = set(ev.document_codes("ST-001-04"))
    for docs in TIER_DOCS.values():
        for code in docs - TIER_DOCS[tier]:
            assert code not in tech_docs, (tier, code)
    assert TIER_DOCS[tier] <= tech_docs


def test_th10_low_tier_design_includes_necessity_and_feasibility(pack):
    ev = ev_for(pack, amounts={"engineering": 1_000_000})
    doc = next(d for d in ev.documents if d["code"] == "preliminary_design")
    assert {"项目建设必要性论证", "项目建设可行性论证"} <= set(doc["items"])


def test_tiers_use_total_including_other_heads(pack):
    ev = ev_for(pack, amounts={"engineering": 1_000_000, "software": 14_000_000})
    assert threshold_met(ev, "TH-09") and "feasibility_study" in ev.document_codes()


# ------------------------------------------------------------------ TH-11 (第十六条, 500万 → 自治区)


@pytest.mark.parametrize(
    ("total", "region"),
    [(4_999_999, False), (5_000_000, True), (5_000_001, True)],
    ids=["TH-11 4999999", "TH-11 at 5000000 (以上)", "TH-11 5000001"],
)
def test_th11_region_review(pack, total, region):
    ev = ev_for(pack, amounts={"engineering": total})
    assert ev.threshold("TH-11") is region
    assert ("ST-001-05" in ev.stage_ids) is region
    codes = ev.document_codes("ST-001-05")
    assert ("requirements_analysis_report" in codes) is region
    assert ("region_declaration_form" in codes) is region


def test_th11_county_projects_go_via_county_bureau(pack):
    ev = ev_for(pack, amounts={"engineering": 5_000_000}, unit_level="county")
    assert "county_bureau_review" in ev.document_codes("ST-001-05")
    ev = ev_for(pack, amounts={"engineering": 5_000_000}, unit_level="city")
    assert "county_bureau_review" not in ev.document_codes("ST-001-05")


# ------------------------------------------------------------------ TH-12 / TH-13 (第十四条)


@pytest.mark.parametrize(
    ("months", "ok"),
    [(35, False), (36, True), (37, True)],
    ids=["TH-12/DL-12 35 months", "TH-12/DL-12 at 36 months (至少三年)", "TH-12/DL-12 37 months"],
)
def test_th12_free_om_engineering(pack, months, ok):
    ev = ev_for(pack, procurement_category="ENGINEERING", contract={"free_om_months": months})
    assert ev.threshold("TH-12") is ok
    assert ev.validation_status("TH-12-free-om") == ("pass" if ok else "fail")
    assert ("RJ-30" in ev.active_finding_ids) is (not ok)
    assert "om_terms_engineering" in ev.document_codes("ST-001-02")


def test_th12_unknown_or_other_category(pack):
    ev = ev_for(pack, procurement_category="ENGINEERING")
    assert ev.validation_status("TH-12-free-om") == "fail"  # must be filled in
    assert "RJ-30" not in ev.finding_ids
    ev = ev_for(pack, procurement_category="GOODS", contract={"free_om_months": 12})
    assert ev.validation_status("TH-12-free-om") == "not_applicable"
    assert "RJ-30" not in ev.finding_ids


@pytest.mark.parametrize(
    ("months", "ok"),
    [(35, True), (36, True), (37, False)],
    ids=["TH-13/DL-13 35 months", "TH-13/DL-13 at 36 months (不超过)", "TH-13/DL-13 37 months"],
)
def test_th13_service_period(pack, months, ok):
    ev = ev_for(pack, procurement_category="SERVICE", contract={"service_months": months})
    assert ev.threshold("TH-13") is ok
    assert ev.validation_status("TH-13-service-period") == ("pass" if ok else "fail")
    assert ("RJ-31" in ev.finding_ids) is (not ok)


def test_th13_no_construction_content(pack):
    facts = {
        "procurement_category": "SERVICE",
        "contract": {"service_months": 12, "has_construction_content": True},
    }
    ev = ev_for(pack, **facts)
    assert ev.validation_status("TH-13-no-construction") == "fail"
    assert "RJ-31" in ev.finding_ids
    facts["contract"]["has_construction_content"] = False
    ev = ev_for(pack, **facts)
    assert ev.validation_status("TH-13-no-construction") == "pass"
    assert "RJ-31" not in ev.finding_ids


# ------------------------------------------------------------------ deadlines DL-09..DL-16


@pytest.mark.parametrize(
    ("on", "filed", "status"),
    [
        (D(2026, 2, 1), None, "open"),
        (D(2026, 2, 2), None, "open"),
        (D(2026, 2, 3), None, "overdue"),
        (D(2026, 3, 1), D(2026, 2, 2), "met"),
        (D(2026, 3, 1), D(2026, 2, 3), "late"),
    ],
    ids=[
        "DL-09 day before",
        "DL-09 on due",
        "DL-09 day after",
        "DL-09 filed on due",
        "DL-09 filed day after",
    ],
)
def test_dl09_om_funds_filing(pack, on, filed, status):
    # budget year 2025 ends 12-31; one month later = 2026-01-31 (Saturday) -> first working day 2026-02-02;
    # the filing made with F-001-FILING-OM discharges it (fulfilled), there is no closing event of its own
    fulfilled = {"DL-09": filed} if filed else {}
    d = ev_for(pack, on=on, nature="OM", plan_year=2025, fulfilled=fulfilled).deadline("DL-09")
    assert d["due"] == "2026-02-02"
    assert d["status"] == status


def test_dl09_month_end_and_scope(pack):
    d = ev_for(pack, nature="OM", plan_year=2026).deadline("DL-09")
    assert d["due"] == "2027-02-01" and d["assumed_weekdays"] is True  # 2027-01-31 Sunday, no 2027 data
    assert ev_for(pack, nature="NEW", plan_year=2025, amounts={"engineering": 1_000_000, "om": 1}).deadline(
        "DL-09"
    )
    assert ev_for(pack, nature="NEW", plan_year=2025).deadline("DL-09") is None
    assert "om_funds_filing" in ev_for(pack, nature="OM").document_codes("ST-001-12")


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 4, 14), "open"), (D(2026, 4, 15), "open"), (D(2026, 4, 16), "overdue")],
    ids=["DL-10 day before", "DL-10 on due", "DL-10 day after"],
)
def test_dl10_filing_after_tender(pack, on, status):
    d = ev_for(pack, on=on, nature="NEW", dates={"award_notice": D(2026, 3, 15)}).deadline("DL-10")
    assert d["due"] == "2026-04-15"
    assert d["status"] == status


@pytest.mark.parametrize(
    ("award", "due"),
    [
        (D(2026, 3, 31), "2026-04-30"),
        (D(2026, 1, 31), "2026-02-28"),
        (D(2026, 1, 30), "2026-02-28"),
        (D(2026, 4, 1), "2026-05-06"),
    ],
    ids=[
        "DL-10 month-end clamp 03-31 -> 04-30",
        "DL-10 month-end clamp 01-31 -> 02-28 (调休 working Saturday)",
        "DL-10 month-end clamp 01-30 -> 02-28",
        "DL-10 05-01 holiday rolls to 05-06",
    ],
)
def test_dl10_month_end_clamping(pack, award, due):
    d = ev_for(pack, nature="SERVICE_PURCHASE", dates={"award_notice": award}).deadline("DL-10")
    assert d["due"] == due


@pytest.mark.parametrize(
    ("nature", "applies"),
    [
        ("NEW", True),
        ("REBUILD", True),
        ("EXPANSION", True),
        ("SERVICE_PURCHASE", True),
        ("OM", False),
        (None, True),
    ],
    ids=[
        "DL-10 NEW",
        "DL-10 REBUILD",
        "DL-10 EXPANSION",
        "DL-10 SERVICE_PURCHASE",
        "DL-10 not OM",
        "DL-10 unknown",
    ],
)
def test_dl10_applies_by_nature(pack, nature, applies):
    d = ev_for(pack, nature=nature, dates={"award_notice": D(2026, 3, 15)}).deadline("DL-10")
    assert (d is not None) is applies


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 6, 29), "open"), (D(2026, 6, 30), "open"), (D(2026, 7, 1), "overdue")],
    ids=["DL-11 day before", "DL-11 on due (05-31 clamped to 06-30)", "DL-11 day after"],
)
def test_dl11_filing_update_after_change(pack, on, status):
    ev = ev_for(pack, on=on, dates={"change_occurred": D(2026, 5, 31)})
    d = ev.deadline("DL-11")
    assert d["due"] == "2026-06-30"
    assert d["status"] == status
    assert "filing_update" in ev.document_codes("ST-001-08")


def test_dl11_no_change_no_deadline(pack):
    assert ev_for(pack).deadline("DL-11")["status"] == "no_trigger"


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2029, 3, 1), "valid"), (D(2029, 3, 2), "valid"), (D(2029, 3, 3), "expired")],
    ids=["DL-12 day before", "DL-12 last day of 3 years", "DL-12 day after"],
)
def test_dl12_free_om_window(pack, on, status):
    ev = ev_for(pack, on=on, procurement_category="ENGINEERING", dates={"final_acceptance": D(2026, 3, 2)})
    d = ev.deadline("DL-12")
    assert (d["due"], d["status"]) == ("2029-03-02", status)
    assert (
        ev_for(pack, procurement_category="GOODS", dates={"final_acceptance": D(2026, 3, 2)}).deadline(
            "DL-12"
        )
        is None
    )


@pytest.mark.parametrize(
    ("on", "done", "status"),
    [
        (D(2026, 3, 31), None, "open"),
        (D(2026, 4, 1), None, "open"),
        (D(2026, 4, 2), None, "overdue"),
        (D(2026, 5, 1), D(2026, 4, 1), "met"),
        (D(2026, 5, 1), D(2026, 4, 2), "late"),
    ],
    ids=["DL-14 day before", "DL-14 on due", "DL-14 day after", "DL-14 done on due", "DL-14 done late"],
)
def test_dl14_rectification_set_by_issuer(pack, on, done, status):
    ev = ev_for(
        pack,
        on=on,
        dates={"rectification_notice": D(2026, 3, 2), "rectification_done": done},
        issuer_due_dates={"DL-14": D(2026, 4, 1)},
    )
    d = ev.deadline("DL-14")
    assert (d["due"], d["status"]) == ("2026-04-01", status)
    assert "rectification_report" in ev.document_codes("ST-001-09")


def test_dl14_awaiting_issuer(pack):
    d = ev_for(pack, dates={"rectification_notice": D(2026, 3, 2)}).deadline("DL-14")
    assert d["status"] == "awaiting_issuer"


@pytest.mark.parametrize(
    ("accepted", "status"),
    [(D(2026, 3, 31), "too_early"), (D(2026, 4, 1), "too_early"), (D(2026, 4, 2), "met")],
    ids=["DL-15 day before", "DL-15 on last trial day", "DL-15 day after"],
)
def test_dl15_trial_run_before_acceptance(pack, accepted, status):
    dates = {"trial_run_started": D(2026, 3, 2), "final_acceptance": accepted}
    d = ev_for(pack, on=D(2026, 5, 1), dates=dates, issuer_due_dates={"DL-15": D(2026, 4, 1)}).deadline(
        "DL-15"
    )
    assert d["status"] == status
    assert d["earliest"] == "2026-04-02"


def test_dl15_no_minimum_in_text(pack):
    d = ev_for(pack, dates={"trial_run_started": D(2026, 3, 2)}).deadline("DL-15")
    assert d["status"] == "awaiting_issuer"


def test_dl16_periodic_assessment(pack):
    assert_recurring_after_acceptance(ev_for, pack, "DL-16")


# ------------------------------------------------------------------ findings (§5.2)

FINDINGS = [
    (
        "RJ-18",
        {"nature": "NEW", "buys_server_hardware": True},
        {"nature": "OM", "buys_server_hardware": True},
    ),
    ("RJ-18", {"nature": "NEW", "oos_category": "OFFICE_DEVICE_STANDALONE"}, {"nature": "NEW"}),
    (
        "RJ-20",
        {"nature": "NEW", "has_data_catalog": True, "data_sharing_compliant": False},
        {"nature": "NEW", "has_data_catalog": True},
    ),
    ("RJ-20", {"nature": "NEW"}, {"nature": "OM"}),
    (
        "RJ-22",
        {"nature": "NEW", "previous_phase_accepted": False},
        {"nature": "NEW", "previous_phase_accepted": True},
    ),
    (
        "RJ-23",
        {"nature": "NEW", "intensive_integration_done": False},
        {"nature": "EXPANSION", "intensive_integration_done": False},
    ),
    ("RJ-24", {"nature": "NEW"}, {"nature": "NEW", "has_security_solution": True}),
    ("RJ-25", {"builds_app_datacenter": True}, {"buys_hardware": True}),
    ("RJ-25", {"leases_private_network": True}, {"leases_private_network": False}),
    ("RJ-26", {}, {"has_data_catalog": True}),
    ("RJ-27", {"deploys_on_gov_cloud": False}, {"deploys_on_gov_cloud": True}),
    (
        "RJ-30",
        {"procurement_category": "ENGINEERING", "contract": {"free_om_months": 24}},
        {"procurement_category": "ENGINEERING", "contract": {"free_om_months": 36}},
    ),
    (
        "RJ-31",
        {"procurement_category": "SERVICE", "contract": {"service_months": 48}},
        {"procurement_category": "SERVICE", "contract": {"service_months": 36}},
    ),
    (
        "RJ-35",
        {"dates": {"approved": "2026-03-01"}},
        {"dates": {"approved": "2026-03-01", "review_completed": "2026-02-01"}},
    ),
    (
        "RJ-35",
        {
            "dates": {"approved": "2026-03-01", "review_completed": "2026-02-01"},
            "review": {"design_feasible": False},
        },
        {"dates": {"review_completed": "2026-02-01"}, "review": {"design_feasible": False}},
    ),
    (
        "RJ-36",
        {"in_formal_use": True, "acceptance_passed": False},
        {"in_formal_use": True, "acceptance_passed": True},
    ),
    ("RJ-36", {"dates": {"put_into_use": "2026-05-01"}}, {}),
    (
        "ST-001-10-precondition",
        {"dates": {"final_acceptance": "2026-05-01", "trial_run_started": "2026-03-01"}},
        {
            "dates": {
                "final_acceptance": "2026-05-01",
                "trial_run_started": "2026-03-01",
                "initial_acceptance": "2026-02-20",
            }
        },
    ),
    (
        "RJ-109",
        {"dates": {"construction_completed": "2026-04-01"}, "connects_data_platform": False},
        {"dates": {"construction_completed": "2026-04-01"}, "connects_data_platform": True},
    ),
    ("RJ-110", {"review": {"complies_standards": False}}, {"review": {"complies_standards": True}}),
]


@pytest.mark.parametrize(
    ("rule_id", "fires", "quiet"), FINDINGS, ids=[f"{f[0]} #{i}" for i, f in enumerate(FINDINGS)]
)
def test_findings(pack, rule_id, fires, quiet):
    f = assert_finding_fires(ev_for(pack, **fires), ev_for(pack, **quiet), rule_id)
    assert f["effects"]


def test_rj_severity_and_effects(pack):
    by_id = {r.id: r for r in pack.pack.findings}
    soft = {"RJ-18", "RJ-20", "RJ-22", "RJ-23", "RJ-24", "RJ-25", "RJ-26"}  # 原则上 / 除另有特殊规定外
    hard = {"RJ-27", "RJ-30", "RJ-31", "RJ-35", "RJ-36", "RJ-109", "RJ-110"}
    assert all(by_id[i].severity == "soft" for i in soft)
    assert all(by_id[i].severity == "hard" for i in hard)
    for i in ("RJ-18", "RJ-20", "RJ-22", "RJ-23", "RJ-24"):
        assert "NOT_ACCEPTED" in by_id[i].effects  # 第十三条 不受理
    assert by_id["RJ-36"].effects == ["NO_USE"]


def test_rj18_soft_override_and_rj36_hard(pack):
    ov = {"by": "市数据局", "justification": "另有特殊规定"}
    ev = ev_for(pack, nature="NEW", buys_server_hardware=True, overrides={"RJ-18": ov})
    assert "RJ-18" in ev.finding_ids and "RJ-18" not in ev.active_finding_ids
    ev = ev_for(pack, in_formal_use=True, overrides={"RJ-36": ov})
    assert "RJ-36" in ev.active_finding_ids


def test_rj_document_requirements(pack):
    # RJ-19 / RJ-32 / RJ-33 / RJ-34 / RJ-28 are required documents (predicates not encodable)
    codes = ev_for(pack, sector_project=True, functional_types=["PUBLIC_SERVICE"]).document_codes()
    for code in (
        "superior_permission",
        "post_free_om_funding_source",
        "region_sector_opinion",
        "ningxia_app_integration",
        "security_crypto_review_form",
        "data_resource_catalog",
    ):
        assert code in codes
    codes = ev_for(pack).document_codes()
    assert "region_sector_opinion" not in codes and "ningxia_app_integration" not in codes


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        ({}, "in_scope"),
        ({"secrecy": "CLASSIFIED"}, "out_of_scope"),
        ({"secrecy": "WORK_SECRET"}, "in_scope"),
        ({"amounts": {"engineering": 100_000}}, "filing_only"),
        ({"amounts": {"engineering": 100_000}, "secrecy": "CLASSIFIED"}, "out_of_scope"),
        ({"oos_category": "SMART_BUILDING"}, "out_of_scope"),
        ({"oos_category": "SIM_IOT_CARD"}, "out_of_scope"),
        ({"unit_kind": "soe", "funding": {"self_raised": 1_000_000}}, "in_scope"),
    ],
    ids=[
        "OOS-SZS-1 non-classified",
        "OOS-SZS-1 classified",
        "OOS-SZS-1 work secret is non-classified",
        "OOS-SZS-2 below 60万 filing only",
        "OOS-SZS-1 wins over OOS-SZS-2",
        "OOS-SZS-3 smart building",
        "OOS-SZS-3 IoT cards",
        "OOS-SZS enterprise self-funded in scope (A-SZS-17)",
    ],
)
def test_scope(pack, facts, status):
    ev = ev_for(pack, **facts)
    assert ev.scope_status == status
    if status == "out_of_scope":
        assert ev.route == [] and ev.finding_ids == [] and ev.deadlines == []


# ------------------------------------------------------------------ route and documents


def test_route_has_all_12_stages(pack):
    assert_route_covers_stages(pack, "001", 12)
    ev = ev_for(pack, amounts={"engineering": 6_000_000}, nature="NEW")
    assert len({s["catalogue"][0] for s in ev.route}) == 12


@pytest.mark.parametrize(
    ("facts", "stage"),
    [
        ({"nature": "NEW"}, "ST-001-06-approval"),
        ({"nature": "REBUILD", "procurement_category": "ENGINEERING"}, "ST-001-06-approval"),
        ({"nature": "NEW", "procurement_category": "GOODS"}, "ST-001-06-procurement"),
        ({"nature": "OM"}, "ST-001-06-procurement"),
        ({"nature": "SERVICE_PURCHASE", "procurement_category": "SERVICE"}, "ST-001-06-procurement"),
    ],
    ids=[
        "ST-001-06 NEW 立项",
        "ST-001-06 REBUILD 工程类 立项",
        "ST-001-06 货物类 采购",
        "ST-001-06 OM 采购",
        "ST-001-06 服务类 采购",
    ],
)
def test_st06_approval_or_procurement(pack, facts, stage):
    ev = ev_for(pack, **facts)
    other = {"ST-001-06-approval", "ST-001-06-procurement"} - {stage}
    assert stage in ev.stage_ids and not other & set(ev.stage_ids)
    assert ("approval_document" in ev.document_codes()) is (stage == "ST-001-06-approval")


def test_st03_screen_only_for_build_nature(pack):
    assert "ST-001-03" in ev_for(pack, nature="EXPANSION").stage_ids
    assert "ST-001-03" not in ev_for(pack, nature="OM").stage_ids


@pytest.mark.parametrize(
    ("nature", "expected", "absent"),
    [
        ("NEW", {"filing_build"}, {"filing_service", "filing_om", "prior_phase_third_party_evaluation"}),
        (
            "EXPANSION",
            {"filing_build", "prior_phase_third_party_evaluation"},
            {"filing_service", "filing_om"},
        ),
        ("SERVICE_PURCHASE", {"filing_service"}, {"filing_build", "filing_om"}),
        ("OM", {"filing_om"}, {"filing_build", "filing_service"}),
    ],
    ids=["§7.2.4 新建类", "§7.2.4 扩建类 + 第三方评价", "§7.2.4 购买服务类", "§7.2.4 运行维护类"],
)
def test_filing_content_by_type(pack, nature, expected, absent):
    codes = set(ev_for(pack, nature=nature).document_codes("ST-001-08"))
    assert expected <= codes and not absent & codes
    assert "filing_other" in codes


def test_acceptance_documents(pack):
    codes = ev_for(pack).document_codes()
    assert {"initial_acceptance_record", "trial_run_record", "acceptance_opinion"} <= set(codes)


def test_forms_7_2(pack):
    forms = {f.id: f for f in pack.pack.forms}
    sbb = forms["F-001-SBB"]
    assert {"national", "region", "city", "social", "total", "current_year"} <= {f.key for f in sbb.fields}
    sec = forms["F-001-SEC-CRYPTO"]
    for key in ("security_result", "crypto_result"):
        assert next(f for f in sec.fields if f.key == key).choices == ["符合", "不符合"]
    assert len(forms["F-001-REQ-ANALYSIS"].items) == 6


@pytest.mark.parametrize(
    ("national", "status"),
    [(999_999, "fail"), (1_000_000, "pass"), (1_000_001, "fail")],
    ids=["§7.2.1 funding sum -1", "§7.2.1 funding sum equal", "§7.2.1 funding sum +1"],
)
def test_funding_sum(pack, national, status):
    ev = ev_for(pack, funding={"fiscal_upper_national": national})
    assert ev.validation_status("SBB-FUNDING-SUM") == status


@pytest.mark.parametrize(
    ("start", "end", "status"),
    [
        ("2026-03", "2026-12", "pass"),
        ("2026-12", "2026-03", "fail"),
        ("2026-03", None, "fail"),
        (None, None, "not_applicable"),
    ],
    ids=["§7.2.1 period ok", "§7.2.1 period reversed", "§7.2.1 period missing end", "§7.2.1 period empty"],
)
def test_plan_period(pack, start, end, status):
    assert ev_for(pack, plan_start_month=start, plan_end_month=end).validation_status("SBB-PERIOD") == status


# ------------------------------------------------------------------ coverage of the catalogue


TH_001, DL_001 = id_range("TH", 6, 13), id_range("DL", 9, 16)


def _catalogue_001_ids() -> set[str]:
    ids = TH_001 | DL_001 | id_range("RJ", 18, 36) | {"RJ-109", "RJ-110"}
    ids |= id_range("ST-001", 1, 12) | {"OOS-SZS-1", "OOS-SZS-2", "OOS-SZS-3"}
    ids |= {"§7.2.1", "§7.2.2", "§7.2.3", "§7.2.4", "§7.2.5"}
    return ids


def test_every_001_catalogue_item_is_encoded_or_listed(pack):
    assert_catalogue_items_covered(pack, _catalogue_001_ids())


@requires_catalogue
def test_catalogue_ids_for_001_match():
    assert_catalogue_rows("001", th=TH_001, dl=DL_001)
    rj = catalogue_row_ids(r"RJ-\d+", section=("### 5.2 石嘴山 (001)", "### 5.3"))
    assert rj == id_range("RJ", 18, 36) | {"RJ-109", "RJ-110"}


def test_every_rule_cites_and_ambiguities_exist(pack):
    assert_rules_cite(pack, ambiguity_prefix="A-SZS-")


def test_pack_lints_clean():
    from govit.policies.engine import lint_file
    from govit.policies.engine.loader import PACKS_DIR

    assert lint_file(PACKS_DIR / "shizuishan.yaml") == []


@pytest.mark.parametrize(
    ("nature", "forms"),
    [
        ("NEW", ["F-001-FILING-BUILD"]),
        ("REBUILD", ["F-001-FILING-BUILD"]),
        ("SERVICE_PURCHASE", ["F-001-FILING-SERVICE"]),
        ("OM", ["F-001-FILING-OM"]),  # 运行维护类 is filed for DL-09 (运维资金使用情况), not for DL-10
    ],
)
def test_filing_content_by_project_type(pack, nature, forms):
    """§7.2.4 / 第十八条(二): the filing form that applies follows the project type."""
    ev = ev_for(pack, nature=nature)
    assert [f for f in ev.forms if "FILING" in f] == forms
    assert ev.to_dict()["forms"] == ev.forms
