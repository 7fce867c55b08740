"""金乡县 pack (catalogue 003): boundaries per catalogue id (amount −1 元 / at / +1 元 at 500万; 5% exactly
vs one 元 short; 36-month implementation period; 24-month warranty; day before / on / after the
10-working-day deadlines around the 2026 National Day holiday), findings RJ-66..RJ-84, scope
OOS-JX-1..3, and coverage of every 003 catalogue item.

Working-day facts used below (chinese_calendar, 2026): 09-20 (Sun) is a 调休 working day, 09-25 (Fri,
中秋节) and 10-01..10-07 are holidays, 10-10 (Sat) is a 调休 working day.
"""

from __future__ import annotations

import pytest

from govit.policies.tests.helpers import (
    D,
    assert_catalogue_items_covered,
    assert_catalogue_rows,
    assert_finding_fires,
    assert_route_covers_stages,
    assert_rules_cite,
    catalogue_row_ids,
    ev_for,
    finding,
    id_range,
    pack_fixture,
    requires_catalogue,
)

pack = pack_fixture("jinxiang")


# ------------------------------------------------------------------ thresholds


@pytest.mark.parametrize(
    ("total", "major"),
    [(4_999_999, False), (5_000_000, True), (5_000_001, True)],
    ids=["TH-25 4999999", "TH-25 at 5000000 (及以上)", "TH-25 5000001"],
)
def test_th25_major_project_documents(pack, total, major):
    ev = ev_for(pack, amounts={"software": total})
    assert ev.threshold("TH-25") is major
    codes = ev.document_codes("ST-003-03")
    assert ("feasibility_study" in codes) is major
    assert ("preliminary_design" in codes) is major
    # the base technical-review package is always required
    assert {"construction_plan", "crypto_application_plan", "secure_reliable_statement"} <= set(codes)


def test_th25_measure_is_total_budget_incl_om(pack):
    # A-JX-04: 500万 measured on the total investment/budget (all cost heads)
    ev = ev_for(pack, amounts={"software": 4_000_000, "om": 1_000_000})
    assert ev.threshold("TH-25") is True


@pytest.mark.parametrize(
    ("total", "security", "ok"),
    [
        (10_000_000, 499_999, False),
        (10_000_000, 500_000, True),
        (10_000_000, 500_001, True),
        (10_000_001, 500_000, False),  # 5% = 500,000.05 元: 500,000 is short
        (10_000_001, 500_001, True),
    ],
    ids=[
        "TH-26/RJ-78 one 元 short of 5%",
        "TH-26/RJ-78 exactly 5% (不低于)",
        "TH-26/RJ-78 5% + 1 元",
        "TH-26/RJ-78 fractional 5% short",
        "TH-26/RJ-78 fractional 5% met",
    ],
)
def test_th26_security_budget_new_project(pack, total, security, ok):
    ev = ev_for(
        pack,
        nature="NEW",
        amounts={"software": total - security, "equipment": security, "security": security},
    )
    assert ev.threshold("TH-26") is ok
    assert ev.validation_status("TH-26-check") == ("pass" if ok else "fail")
    assert ("RJ-78" in ev.finding_ids) is (not ok)
    if not ok:
        f = finding(ev, "RJ-78")
        assert f["severity"] == "hard" and f["effects"] == ["REVIEW_FAIL"] and f["stage"] == "ST-003-03"


@pytest.mark.parametrize(
    "nature", ["UPGRADE", "OM", None], ids=["TH-26 upgrade", "TH-26 O&M", "TH-26 unknown"]
)
def test_th26_only_for_new_projects(pack, nature):
    ev = ev_for(pack, nature=nature, amounts={"software": 10_000_000})
    assert "RJ-78" not in ev.finding_ids
    assert ev.validation_status("TH-26-check") == "not_applicable"
    assert ev.threshold("TH-26") is None


def test_th26_hard_override_ignored(pack):
    ev = ev_for(
        pack,
        nature="NEW",
        amounts={"software": 10_000_000},
        overrides={"RJ-78": {"by": "县大数据局", "justification": "无"}},
    )
    assert "RJ-78" in ev.active_finding_ids


@pytest.mark.parametrize(
    ("months", "ok"),
    [(35, True), (36, True), (37, False)],
    ids=["TH-27/DL-31 35 months", "TH-27/DL-31 36 months = 3 years (不超过)", "TH-27/DL-31 37 months"],
)
def test_th27_implementation_period(pack, months, ok):
    ev = ev_for(pack, contract={"implementation_months": months})
    assert ev.threshold("TH-27") is ok
    assert ev.validation_status("DL-31") == ("pass" if ok else "fail")
    assert ("RJ-83-period" in ev.finding_ids) is (not ok)
    if not ok:
        assert finding(ev, "RJ-83-period")["severity"] == "hard"


@pytest.mark.parametrize(
    ("months", "ok"),
    [(23, False), (24, True), (25, True)],
    ids=["TH-28/DL-32 23 months", "TH-28/DL-32 24 months = 2 years (不低于)", "TH-28/DL-32 25 months"],
)
def test_th28_warranty_soft(pack, months, ok):
    ev = ev_for(pack, contract={"warranty_months": months})
    assert ev.threshold("TH-28") is ok
    assert ev.validation_status("DL-32") == ("pass" if ok else "fail")
    assert ("RJ-83-warranty" in ev.finding_ids) is (not ok)
    if not ok:
        assert finding(ev, "RJ-83-warranty")["severity"] == "soft"


def test_th28_soft_override(pack):
    ev = ev_for(
        pack,
        contract={"warranty_months": 12},
        overrides={
            "RJ-83-warranty": {"by": "项目建设单位", "justification": "纯服务采购", "approver": "县大数据局"}
        },
    )
    assert "RJ-83-warranty" in ev.finding_ids and "RJ-83-warranty" not in ev.active_finding_ids


def test_th27_th28_unknown_contract_terms(pack):
    ev = ev_for(pack)
    for rid in ("TH-27", "TH-28"):
        assert ev.threshold(rid) is None
    assert ev.validation_status("DL-31") == ev.validation_status("DL-32") == "not_applicable"


# ------------------------------------------------------------------ working-day deadlines DL-29 / DL-30


@pytest.mark.parametrize(
    ("award", "due"),
    [
        # 09-28 09-29 09-30 | 10-08 10-09 10-10(Sat 调休) 10-12 10-13 10-14 10-15
        (D(2026, 9, 24), "2026-10-15"),
        # 09-20(Sun 调休) 09-21..09-24 | 09-28 09-29 09-30 | 10-08 10-09
        (D(2026, 9, 18), "2026-10-09"),
        # 10-08 10-09 10-10(Sat 调休) 10-12..10-16 10-19 10-20
        (D(2026, 9, 30), "2026-10-20"),
    ],
    ids=["DL-29 award 09-24", "DL-29 award 09-18 (Sunday 09-20 counts)", "DL-29 award 09-30"],
)
def test_dl29_due_dates_over_national_day(pack, award, due):
    d = ev_for(pack, on=award, dates={"award_notice": award}).deadline("DL-29")
    assert d["due"] == due
    assert d["assumed_weekdays"] is False
    assert d["status"] == "open"


@pytest.mark.parametrize(
    ("on", "signed", "status"),
    [
        (D(2026, 10, 14), None, "open"),
        (D(2026, 10, 15), None, "open"),
        (D(2026, 10, 16), None, "overdue"),
        (D(2026, 10, 20), D(2026, 10, 14), "met"),
        (D(2026, 10, 20), D(2026, 10, 15), "met"),
        (D(2026, 10, 20), D(2026, 10, 16), "late"),
    ],
    ids=[
        "DL-29 day before due",
        "DL-29 on due 10-15",
        "DL-29 day after due",
        "DL-29 signed day before",
        "DL-29 signed on due",
        "DL-29 signed day after",
    ],
)
def test_dl29_contract_within_10_working_days(pack, on, signed, status):
    d = ev_for(pack, on=on, dates={"award_notice": D(2026, 9, 24), "contract_signed": signed}).deadline(
        "DL-29"
    )
    assert d["due"] == "2026-10-15"
    assert d["status"] == status


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 10, 19), "open"), (D(2026, 10, 20), "open"), (D(2026, 10, 21), "overdue")],
    ids=["DL-30 day before due", "DL-30 on due 10-20", "DL-30 day after due"],
)
def test_dl30_contract_filing_within_10_working_days(pack, on, status):
    # signed 09-30: 10-08 10-09 10-10(Sat 调休) 10-12 10-13 10-14 10-15 10-16 10-19 10-20
    ev = ev_for(pack, on=on, dates={"contract_signed": D(2026, 9, 30)})
    d = ev.deadline("DL-30")
    assert d["due"] == "2026-10-20"
    assert d["status"] == status
    assert "contract_filing" in ev.document_codes("ST-003-08")


def test_dl30_signed_monday_before_holiday(pack):
    # signed 09-28: 09-29 09-30 | 10-08 10-09 10-10(Sat 调休) 10-12 10-13 10-14 10-15 10-16
    d = ev_for(pack, on=D(2026, 9, 28), dates={"contract_signed": D(2026, 9, 28)}).deadline("DL-30")
    assert d["due"] == "2026-10-16"


def test_dl29_dl30_no_trigger(pack):
    ev = ev_for(pack)
    assert ev.deadline("DL-29")["status"] == "no_trigger"
    assert ev.deadline("DL-30")["status"] == "no_trigger"


# ------------------------------------------------------------------ other deadlines


@pytest.mark.parametrize(
    ("completed", "status"),
    [(D(2029, 3, 1), "met"), (D(2029, 3, 2), "met"), (D(2029, 3, 3), "late")],
    ids=["DL-31 completed day before 3 years", "DL-31 completed on 3 years", "DL-31 completed day after"],
)
def test_dl31_elapsed_three_years(pack, completed, status):
    d = ev_for(
        pack, on=D(2029, 4, 1), dates={"contract_signed": D(2026, 3, 2), "construction_completed": completed}
    ).deadline("DL-31-elapsed")
    assert d["due"] == "2029-03-02"  # a Friday; 2029 holiday data may be missing (weekday rule)
    assert d["status"] == status


def test_dl33_annual_self_evaluation(pack):
    ev = ev_for(pack, dates={"put_into_use": D(2026, 3, 1)})
    assert ev.deadline("DL-33") is None  # not before 竣工验收
    ev = ev_for(pack, dates={"final_acceptance": D(2026, 2, 1), "put_into_use": D(2026, 3, 1)})
    d = ev.deadline("DL-33")
    assert (d["status"], d["due"]) == ("recurring", None)
    assert "annual_self_evaluation" in ev.document_codes("ST-003-12")
    d = ev_for(
        pack,
        dates={
            "final_acceptance": D(2026, 2, 1),
            "put_into_use": D(2026, 3, 1),
            "decommissioned": D(2027, 1, 1),
        },
    ).deadline("DL-33")
    assert d["status"] == "ended"


@pytest.mark.parametrize(
    ("applied", "status", "violation"),
    [(D(2026, 10, 7), "met", False), (D(2026, 10, 8), "met", False), (D(2026, 10, 9), "late", True)],
    ids=["DL-34 applied day before", "DL-34 applied on contract date", "DL-34 applied day after"],
)
def test_dl34_acceptance_application_on_time(pack, applied, status, violation):
    dates = {"contract_acceptance_due": D(2026, 10, 8), "acceptance_applied": applied}
    ev = ev_for(pack, on=D(2026, 10, 20), dates=dates)
    d = ev.deadline("DL-34")
    assert d["due"] == "2026-10-08" and d["status"] == status
    assert ("DL-34-no-extension" in ev.finding_ids) is violation
    assert ("acceptance_extension_request" in ev.document_codes("ST-003-11")) is violation
    # with an extension request filed, the violation is gone but the request stays listed
    ev = ev_for(pack, on=D(2026, 10, 20), dates={**dates, "extension_requested": D(2026, 10, 8)})
    assert "DL-34-no-extension" not in ev.finding_ids


@pytest.mark.parametrize(
    ("on", "status", "violation"),
    [(D(2026, 10, 7), "open", False), (D(2026, 10, 8), "open", False), (D(2026, 10, 9), "overdue", True)],
    ids=["DL-34 pending day before", "DL-34 pending on date", "DL-34 pending day after"],
)
def test_dl34_pending_application(pack, on, status, violation):
    ev = ev_for(pack, on=on, dates={"contract_acceptance_due": D(2026, 10, 8)})
    assert ev.deadline("DL-34")["status"] == status
    assert ("DL-34-no-extension" in ev.finding_ids) is violation
    if violation:
        assert finding(ev, "DL-34-no-extension")["severity"] == "hard"


@pytest.mark.parametrize(
    ("on", "done", "status"),
    [
        (D(2026, 10, 8), None, "open"),
        (D(2026, 10, 9), None, "open"),
        (D(2026, 10, 10), None, "overdue"),
        (D(2026, 10, 12), D(2026, 10, 9), "met"),
        (D(2026, 10, 12), D(2026, 10, 10), "late"),
    ],
    ids=["DL-35 day before", "DL-35 on due", "DL-35 day after", "DL-35 done on due", "DL-35 done late"],
)
def test_dl35_failed_acceptance_rectification(pack, on, done, status):
    facts = {
        "acceptance_passed": False,
        "dates": {"rectification_notice": D(2026, 9, 28), "rectification_done": done},
        "issuer_due_dates": {"DL-35": D(2026, 10, 9)},
    }
    ev = ev_for(pack, on=on, **facts)
    d = ev.deadline("DL-35")
    assert d["due"] == "2026-10-09" and d["status"] == status
    assert ev.deadline("DL-36") is None
    assert "DL-35-reapply" in ev.finding_ids
    assert "rectification_plan" in ev.document_codes("ST-003-11")


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 10, 9), "open"), (D(2026, 10, 10), "overdue")],
    ids=["DL-36/RJ-84 on due", "DL-36/RJ-84 day after (sanction ladder)"],
)
def test_dl36_supervision_rectification(pack, on, status):
    ev = ev_for(
        pack,
        on=on,
        dates={"rectification_notice": D(2026, 9, 28)},
        issuer_due_dates={"DL-36": D(2026, 10, 9)},
    )
    d = ev.deadline("DL-36")
    assert d["due"] == "2026-10-09" and d["status"] == status
    assert "通报批评" in d["consequence"]
    assert ev.deadline("DL-35") is None
    d = ev_for(pack, dates={"rectification_notice": D(2026, 9, 28)}).deadline("DL-36")
    assert d["status"] == "awaiting_issuer"


@pytest.mark.parametrize("rule_id", ["DL-37-crypto", "DL-37-risk"], ids=["DL-37 密评", "DL-37 风险评估"])
def test_dl37_periodic_assessments(pack, rule_id):
    assert ev_for(pack).deadline(rule_id)["status"] == "no_trigger"
    d = ev_for(pack, dates={"put_into_use": D(2026, 1, 10)}).deadline(rule_id)
    assert (d["status"], d["due"]) == ("recurring", None)


def test_dl38_change_filing(pack):
    ev = ev_for(pack, dates={"change_occurred": D(2026, 9, 1)})
    assert ev.deadline("DL-38-change")["status"] == "awaiting_issuer"
    assert {"change_request", "change_filing"} <= set(ev.document_codes("ST-003-09"))
    d = ev_for(
        pack,
        on=D(2026, 9, 16),
        dates={"change_occurred": D(2026, 9, 1)},
        issuer_due_dates={"DL-38-change": D(2026, 9, 15)},
    ).deadline("DL-38-change")
    assert (d["due"], d["status"]) == ("2026-09-15", "overdue")
    assert "change_request" not in ev_for(pack).document_codes()


# ------------------------------------------------------------------ findings RJ-66..RJ-84

FINDINGS = [
    (
        "RJ-66",
        "hard",
        {"dates": {"budget_approved": "2026-03-01"}},
        {"dates": {"budget_approved": "2026-03-01", "approved": "2026-02-01"}},
    ),
    ("RJ-67", "hard", {"data_sharing_compliant": False}, {"data_sharing_compliant": True}),
    ("RJ-68", "hard", {"deploys_on_gov_cloud": False}, {"deploys_on_gov_cloud": True}),
    ("RJ-68", "hard", {"reuses_existing_infra": False}, {"reuses_existing_infra": None}),
    (
        "RJ-74",
        "hard",
        {"dates": {"construction_started": "2026-03-01"}},
        {"dates": {"construction_started": "2026-03-01", "approved": "2026-02-01"}},
    ),
    (
        "RJ-74",
        "hard",
        {"dates": {"award_notice": "2026-03-01"}},
        {"dates": {"award_notice": "2026-03-01", "approved": "2026-02-01"}},
    ),
    (
        "RJ-78",
        "hard",
        {"nature": "NEW", "amounts": {"software": 1_000_000}},
        {"nature": "NEW", "amounts": {"software": 1_000_000, "security": 50_000}},
    ),
    ("RJ-82", "hard", {"connects_data_platform": False}, {"connects_data_platform": True}),
    (
        "RJ-83-ip",
        "hard",
        {"dates": {"contract_signed": "2026-03-01"}},
        {"dates": {"contract_signed": "2026-03-01"}, "contract": {"ip_clause": True}},
    ),
    (
        "RJ-83-data",
        "hard",
        {"contract": {"data_ownership_clause": False}},
        {"contract": {"data_ownership_clause": True}},
    ),
    (
        "RJ-83-source",
        "hard",
        {"dates": {"contract_signed": "2026-03-01"}},
        {"dates": {"contract_signed": "2026-03-01"}, "contract": {"source_code_clause": True}},
    ),
    ("RJ-83-confidentiality", "hard", {"contract": {"confidentiality_clause": False}}, {}),
    (
        "RJ-83-terms",
        "hard",
        {"dates": {"contract_signed": "2026-03-01"}, "contract": {"warranty_months": 24}},
        {
            "dates": {"contract_signed": "2026-03-01"},
            "contract": {"warranty_months": 24, "implementation_months": 12},
        },
    ),
    (
        "RJ-83-period",
        "hard",
        {"contract": {"implementation_months": 37}},
        {"contract": {"implementation_months": 36}},
    ),
    ("RJ-83-warranty", "soft", {"contract": {"warranty_months": 23}}, {"contract": {"warranty_months": 24}}),
    ("DL-35-reapply", "hard", {"acceptance_passed": False}, {"acceptance_passed": True}),
]


@pytest.mark.parametrize(
    ("rule_id", "severity", "fires", "quiet"),
    FINDINGS,
    ids=[f"{f[0]}-{i}" for i, f in enumerate(FINDINGS)],
)
def test_findings(pack, rule_id, severity, fires, quiet):
    f = assert_finding_fires(ev_for(pack, **fires), ev_for(pack, **quiet), rule_id)
    assert f["severity"] == severity


@pytest.mark.parametrize(
    ("rule_id", "effect"),
    [
        ("RJ-66", "NO_BUDGET"),
        ("RJ-67", "NO_OM_FUNDS"),
        ("RJ-68", "NO_OM_FUNDS"),
        ("RJ-74", "NO_BUILD"),
        ("RJ-82", "REVIEW_FAIL"),
        ("RJ-83-ip", "CONTRACT_INVALID"),
    ],
    ids=["RJ-66 effect", "RJ-67 effect", "RJ-68 effect", "RJ-74 effect", "RJ-82 effect", "RJ-83 effect"],
)
def test_finding_effects(pack, rule_id, effect):
    rule = pack.pack.findings[[r.id for r in pack.pack.findings].index(rule_id)]
    assert effect in rule.effects


def test_clean_project_has_no_findings(pack):
    ev = ev_for(
        pack,
        nature="NEW",
        amounts={"software": 6_000_000, "security": 300_000},
        deploys_on_gov_cloud=True,
        connects_data_platform=True,
        data_sharing_compliant=True,
        contract={
            "implementation_months": 36,
            "warranty_months": 24,
            "ip_clause": True,
            "data_ownership_clause": True,
            "source_code_clause": True,
            "confidentiality_clause": True,
        },
        dates={"approved": "2026-02-01", "award_notice": "2026-03-02", "contract_signed": "2026-03-10"},
    )
    assert ev.finding_ids == []
    assert ev.deadline("DL-29")["status"] == "met"


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        ({}, "in_scope"),
        ({"unit_level": "county", "unit_kind": "party_gov_organ"}, "in_scope"),
        ({"unit_level": "county", "unit_kind": "public_institution"}, "in_scope"),
        ({"unit_level": "town", "unit_kind": "town_street"}, "in_scope"),
        ({"unit_kind": "park"}, "in_scope"),
        ({"secrecy": "CLASSIFIED"}, "out_of_scope"),
        ({"secrecy": "WORK_SECRET"}, "in_scope"),
        ({"unit_kind": "soe"}, "out_of_scope"),
        ({"unit_kind": "enterprise"}, "out_of_scope"),
        ({"unit_kind": "people_org"}, "out_of_scope"),
        ({"unit_level": "city"}, "out_of_scope"),
    ],
    ids=[
        "OOS-JX-2 unknown unit",
        "OOS-JX-2 county organ",
        "OOS-JX-2 county 直属单位",
        "OOS-JX-2 镇街",
        "OOS-JX-2 产业园",
        "OOS-JX-1 涉密",
        "OOS-JX-1 work secret is not 涉密",
        "OOS-JX-2 SOE",
        "OOS-JX-2 enterprise",
        "OOS-JX-2 人民团体",
        "OOS-JX-2 city unit",
    ],
)
def test_scope(pack, facts, status):
    ev = ev_for(pack, **facts)
    assert ev.scope_status == status
    if status == "out_of_scope":
        assert ev.route == [] and ev.finding_ids == [] and ev.documents == []
    else:
        assert len(ev.route) == 12


NEW_CIVIL = {"oos_category": "CIVIL_WORKS", "nature": "NEW"}


@pytest.mark.parametrize(
    ("facts", "stage"),
    [
        ({}, None),
        ({"nature": "NEW", "amounts": {"software": 50_000_000}}, None),
        ({"nature": "NEW", "functional_types": ["EGOV_INFRA"]}, None),
        ({"oos_category": "SMART_BUILDING", "nature": "NEW"}, None),
        (NEW_CIVIL, "ST-003-04"),
        ({**NEW_CIVIL, "amounts": {"software": 1}}, "ST-003-04"),
        ({"oos_category": "CIVIL_WORKS"}, None),
        ({"oos_category": "CIVIL_WORKS", "nature": "REBUILD"}, None),
        ({"oos_category": "CIVIL_WORKS", "nature": "EXPANSION"}, None),
        ({**NEW_CIVIL, "attached_to_construction_work": True}, "ST-003-04-attached"),
        ({"attached_to_construction_work": True, "nature": "NEW"}, None),
        ({"attached_to_construction_work": True}, None),
    ],
    ids=[
        "OOS-JX-3 ordinary project: no 节能/选址/用地/环评",
        "OOS-JX-3 5000万 new project still exempt",
        "OOS-JX-3 new 政务云/机房 infrastructure still exempt",
        "OOS-JX-3 new 楼宇智能化 is not 土建",
        "OOS-JX-3 新建土建工程 needs the approvals",
        "OOS-JX-3 新建土建 regardless of amount",
        "OOS-JX-3 土建 of unknown nature: 新建 not established",
        "OOS-JX-3 改建土建 exempt (only 新建土建工程)",
        "OOS-JX-3 扩建土建 exempt (only 新建土建工程)",
        "OOS-JX-3 新建土建 attached to a construction work: approvals at ST-003-04-attached",
        "OOS-JX-3 new project attached to a construction work: attachment alone is not 土建",
        "OOS-JX-3 attached project of unknown nature",
    ],
)
def test_oos_jx3_civil_works_approvals_only_for_new_civil_works(pack, facts, stage):
    """OOS-JX-3 (第二十条) is a procedure exclusion, not a scope exclusion: "除涉及新建土建工程、高耗能项目外，
    政务信息化项目原则上不再进行节能评估、规划选址、用地预审、环境影响评价等审批手续". The project stays in
    scope and the approvals are asked for only when it involves *new* 土建工程 (civil works of nature NEW),
    whichever body issues its 立项 — 县大数据局 (ST-003-04) or, for a project attached to a construction
    work, 县行政审批服务局 (ST-003-04-attached); being attached to a construction work alone is not 土建."""
    ev = ev_for(pack, **facts)
    assert ev.scope_status == "in_scope" and len(ev.route) == 12
    assert ev.scope_matched == []
    docs = [d for d in ev.documents if d["code"] == "civil_works_approvals"]
    assert [d["stage"] for d in docs] == ([stage] if stage else [])
    if stage:
        (doc,) = docs
        assert stage in ev.stage_ids and doc["required"] is True
        assert doc["cite"]["article"] == "第二十条" and "OOS-JX-3" in doc["catalogue"]
        for approval in ("节能评估", "规划选址", "用地预审", "环境影响评价"):
            assert approval in doc["name"], approval


def test_oos_jx3_high_energy_projects_are_an_explained_gap(pack):
    """OOS-JX-3: 高耗能项目 has no fact, so the pack lists the item under not_encodable as well."""
    reasons = [n.reason for n in pack.pack.not_encodable if n.catalogue == "OOS-JX-3"]
    assert len(reasons) == 1 and "高耗能" in reasons[0]


# ------------------------------------------------------------------ route, documents, forms


def test_route_has_all_12_stages(pack):
    assert_route_covers_stages(pack, "003", 12)
    ev = ev_for(pack)
    assert ev.stage_ids == [f"ST-003-{i:02d}" for i in range(1, 13)]
    assert not {s["code"] for s in ev.route} & {"TRIAL"}  # A-JX-10: no trial run


def test_st003_04_attached_to_construction_work(pack):
    ev = ev_for(pack, attached_to_construction_work=True)
    assert "ST-003-04-attached" in ev.stage_ids and "ST-003-04" not in ev.stage_ids
    assert len(ev.route) == 12
    assert "construction_work_approval_copy" in ev.document_codes("ST-003-04-attached")
    assert "approval_document" not in ev.document_codes()


def test_st003_04_urgent_addition(pack):
    assert "county_decision_for_urgent_project" in ev_for(pack, special_approval=True).document_codes(
        "ST-003-04"
    )
    assert "county_decision_for_urgent_project" not in ev_for(pack).document_codes()


def test_documents_review_packages_7_4_2(pack):
    ev = ev_for(pack)
    assert {"party_committee_minutes", "overall_plan"} <= set(ev.document_codes("ST-003-01"))
    assert ev.document_codes("ST-003-02") == ["requirements_review_materials"]
    assert {"construction_plan", "crypto_application_plan", "secure_reliable_statement"} <= set(
        ev.document_codes("ST-003-03")
    )
    assert "joint_overall_plan" in ev_for(pack, cross_dept=True).document_codes("ST-003-01")
    assert "joint_overall_plan" not in ev.document_codes()


@pytest.mark.parametrize(
    ("software", "om", "major"),
    [
        (4_999_999, 0, False),
        (5_000_000, 0, True),
        (5_000_001, 0, True),
        (4_999_999, 1, True),  # A-JX-04: the whole budget, O&M included, counts towards 500万
    ],
    ids=[
        "RJ-75 4999999: no 可研/初设",
        "RJ-75 at 5000000 (及以上): 可研 + 初设 required",
        "RJ-75 5000001",
        "RJ-75 4999999 + 1 元 O&M = 5000000",
    ],
)
def test_rj75_major_project_needs_feasibility_and_preliminary_design(pack, software, om, major):
    """RJ-75 (第六条): a 500万及以上 重大项目 without 可行性研究报告 and 初步设计 is returned at 技术评审; the
    pack makes both documents required at ST-003-03 from exactly 5,000,000 元 (TH-25)."""
    ev = ev_for(pack, amounts={"software": software, "om": om})
    assert ev.threshold("TH-25") is major
    docs = {d["code"]: d for d in ev.documents if d["stage"] == "ST-003-03"}
    for code in ("feasibility_study", "preliminary_design"):
        assert (code in docs) is major, code
        if major:
            d = docs[code]
            assert d["required"] is True and d["cite"]["article"] == "第六条"
            assert "RJ-75" in d["catalogue"]
    # the review checklist names the 500万 package whatever the amount
    form = next(f for f in pack.pack.forms if f.id == "F-003-REVIEW-PACKAGES")
    assert "RJ-75" in form.catalogue
    assert any("500万" in i and "可行性研究报告" in i and "初步设计" in i for i in form.items)


@pytest.mark.parametrize(
    "facts",
    [
        {},
        {"nature": "NEW", "amounts": {"software": 6_000_000, "security": 300_000}},
        {"nature": "UPGRADE", "amounts": {"software": 100_000}},
        {"nature": "OM"},
        {"attached_to_construction_work": True},
    ],
    ids=[
        "RJ-76 unknown project",
        "RJ-76 重大 new project",
        "RJ-76 small upgrade",
        "RJ-76 O&M",
        "RJ-76 attached to construction work",
    ],
)
def test_rj76_crypto_plan_and_secure_reliable_statement(pack, facts):
    """RJ-76 (第六条, 第七条): every project submits a 密码应用方案 and a 产品安全可靠情况说明 with the
    建设方案 to 技术评审 — required documents at ST-003-03 whatever the amount or nature."""
    ev = ev_for(pack, **facts)
    docs = {d["code"]: d for d in ev.documents if d["stage"] == "ST-003-03"}
    for code, article in (("crypto_application_plan", "第六条"), ("secure_reliable_statement", "第七条")):
        assert code in docs, code
        d = docs[code]
        assert d["required"] is True and d["cite"]["article"] == article and "RJ-76" in d["catalogue"]
    assert "construction_plan" in docs  # submitted together with the 建设方案
    form = next(f for f in pack.pack.forms if f.id == "F-003-REVIEW-PACKAGES")
    assert {"技术评审：密码应用方案", "技术评审：产品安全可靠情况说明"} <= set(form.items)


@pytest.mark.parametrize(
    ("facts", "required"),
    [
        ({}, True),
        ({"amounts": {"software": 100_000}}, True),
        ({"amounts": {"software": 6_000_000}, "cross_dept": True}, True),
        ({"secrecy": "CLASSIFIED"}, False),
        ({"unit_kind": "soe"}, False),
    ],
    ids=[
        "RJ-77 in-scope project: 党委（党组）会议纪要 required",
        "RJ-77 small project too",
        "RJ-77 cross-department 重大 project",
        "RJ-77 quiet: 涉密 project out of scope",
        "RJ-77 quiet: SOE out of scope",
    ],
)
def test_rj77_party_committee_minutes_first(pack, facts, required):
    """RJ-77 (第八条): a project not collectively studied by the unit's 党委（党组）会议 is returned; the
    minutes are required at ST-003-01, the first stage, before 需求评审 and 技术评审."""
    ev = ev_for(pack, **facts)
    docs = [d for d in ev.documents if d["code"] == "party_committee_minutes"]
    assert bool(docs) is required
    if not required:
        assert ev.scope_status == "out_of_scope" and ev.route == []
        return
    (doc,) = docs
    assert doc["stage"] == "ST-003-01" and doc["required"] is True
    assert doc["cite"]["article"] == "第八条" and "RJ-77" in doc["catalogue"]
    assert ev.stage_ids[:3] == ["ST-003-01", "ST-003-02", "ST-003-03"]
    first = ev.route[0]
    assert "RJ-77" in first["catalogue"] and "LEADER_SIGNOFF" in first["roles"]
    form = next(f for f in pack.pack.forms if f.id == "F-003-REVIEW-PACKAGES")
    assert any("党委（党组）会议集体研究" in i for i in form.items)


def test_documents_other_records_7_4_3(pack):
    codes = set(ev_for(pack).document_codes())
    for code in (
        "responsibility_letter",
        "procurement_contract",
        "contract_legal_review",
        "acceptance_application",
        "acceptance_opinion",
        "annual_self_evaluation",
        "post_evaluation_report",
    ):
        assert code in codes


def test_non_cloud_system_a_jx_14(pack):
    ev = ev_for(pack, deploys_on_gov_cloud=False)
    assert "non_cloud_security_undertaking" in ev.document_codes("ST-003-03")
    assert "RJ-68" in ev.finding_ids


def test_contract_checklist_7_4_1(pack):
    form = next(f for f in pack.pack.forms if f.id == "F-003-CONTRACT")
    assert len(form.items) == 16
    assert any("3年" in i for i in form.items) and any("2年" in i for i in form.items)


# ------------------------------------------------------------------ coverage of the catalogue


TH_003, DL_003, RJ_003 = id_range("TH", 25, 28), id_range("DL", 29, 38), id_range("RJ", 66, 84)


def _catalogue_003_ids() -> set[str]:
    ids = TH_003 | DL_003 | RJ_003 | id_range("ST-003", 1, 12)
    ids |= {"OOS-JX-1", "OOS-JX-2", "OOS-JX-3"}
    return ids


def test_every_003_catalogue_item_is_encoded_or_listed(pack):
    assert_catalogue_items_covered(pack, _catalogue_003_ids())


@requires_catalogue
def test_catalogue_counts_for_003_match():
    assert_catalogue_rows("003", th=TH_003, dl=DL_003)
    assert catalogue_row_ids(r"RJ-\d+", section=("### 5.4 金乡 (003)", "### 5.5")) == RJ_003


def test_every_rule_cites_and_ambiguities_exist(pack):
    assert_rules_cite(pack)


def test_pack_meta(pack):
    meta = pack.pack.meta
    assert meta.catalogue_code == "003"
    assert meta.source.doc_no == "金政字〔2024〕80号"
    assert meta.effective_from == D(2024, 12, 12)
