"""章贡区 pack (catalogue 002): boundaries per catalogue id (amount −1 元 / at / +1 元 for 50万/200万/500万/
1000万; day before / on / after for deadlines), scope OOS-ZG-*, findings RJ-*, and coverage of every 002
catalogue item (encoded or listed under ``not_encodable``)."""

from __future__ import annotations

import pytest

from govit.policies.tests.helpers import (
    D,
    amounts,
    assert_catalogue_items_covered,
    assert_catalogue_rows,
    assert_finding_fires,
    assert_recurring_after_acceptance,
    assert_route_covers_stages,
    assert_rules_cite,
    catalogue_row_ids,
    ev_for,
    finding,
    id_range,
    pack_fixture,
    requires_catalogue,
)

W50, W200, W500, W1000 = 500_000, 2_000_000, 5_000_000, 10_000_000

pack = pack_fixture("zhanggong")


def project(total: int, om: int = 0, **extra):
    """A fully funded (区本级财政) project of ``total`` 元, ``om`` of which is O&M."""
    return {"amounts": amounts(total, om), "funding": {"fiscal_local": total}, **extra}


# ------------------------------------------------------------------ 50万 band (TH-14/15/16, A-ZG-08/09)


@pytest.mark.parametrize(
    ("total", "small"),
    [(W50 - 1, True), (W50, False), (W50 + 1, False)],
    ids=["TH-14/TH-16 499999", "TH-14/TH-16 at 500000 (stricter band)", "TH-14/TH-16 500001"],
)
def test_th14_th15_th16_50wan(pack, total, small):
    ev = ev_for(pack, **project(total))
    assert ev.scope_status == "in_scope"
    assert ev.threshold("TH-14") is small
    assert ev.threshold("TH-16") is (not small)
    assert ev.threshold("TH-15") is (not small)
    stages = set(ev.stage_ids)
    # <50万: self-implement + 备案; >=50万: 论证评估 → 联合会审 → 专班 → 审批
    assert ("ST-002-05-filing" in stages) is small
    for st in ("ST-002-06", "ST-002-07", "ST-002-08", "ST-002-09", "ST-002-03-city"):
        assert (st in stages) is (not small), st
    codes = ev.document_codes()
    assert ("small_project_filing" in codes) is small
    assert ("construction_application" in codes) is (not small)
    assert ("counterpart_city_opinion" in codes) is (not small)
    assert ("evaluation_report" in codes) is (not small)
    assert "upper_written_consent" not in codes
    assert "ST-002-06-city" not in stages


# ------------------------------------------------------------------ 200万 band (TH-15/17/18/19/20)


@pytest.mark.parametrize(
    ("total", "big"),
    [(W200 - 1, False), (W200, True), (W200 + 1, True)],
    ids=["TH-17..TH-20 1999999", "TH-17..TH-20 at 2000000 (stricter band)", "TH-17..TH-20 2000001"],
)
def test_th15_to_th20_200wan(pack, total, big):
    ev = ev_for(pack, **project(total))
    for rid in ("TH-17", "TH-18", "TH-19", "TH-20"):
        assert ev.threshold(rid) is big, rid
    assert ev.threshold("TH-15") is (True if not big else None)  # TH-15 band ends below 200万
    assert ev.threshold("TH-16") is True
    stages = set(ev.stage_ids)
    assert ("ST-002-06-city" in stages) is big  # escalation to 市政务服务和数据管理局
    assert ("ST-002-03-upper" in stages) is big
    assert ("ST-002-03-city" in stages) is (not big)
    assert ("ST-002-10" in stages) is big  # 造价评估 + 预算评审
    assert ("ST-002-14-city" in stages) is big  # 按赣州市细则组织竣工验收
    assert ("ST-002-14" in stages) is (not big)
    city = next(s for s in ev.route if s["id"] == "ST-002-06-city") if big else None
    if city:
        assert city["escalation"] == "city"
    codes = ev.document_codes()
    assert ("upper_written_consent" in codes) is big
    assert ("counterpart_city_opinion" in codes) is (not big)
    assert ("construction_application" in codes) is (not big)
    assert ("cost_evaluation" in codes) is big
    assert ("budget_review_opinion" in codes) is big
    assert ("city_summary_submission" in codes) is big


# ------------------------------------------------------------------ 500万 (TH-22, excl. O&M) / 1000万 (TH-21)


@pytest.mark.parametrize(
    ("total", "om", "scale", "met"),
    [
        (W500 - 1, 0, "OTHER", False),
        (W500, 0, "OTHER", True),
        (W500 + 1, 0, "OTHER", True),
        (W500 - 1 + 1_000_000, 1_000_000, "OTHER", False),  # 5,999,999 total but 4,999,999 excl. O&M
        (W500 + 1_000_000, 1_000_000, "OTHER", True),
        (W500, 0, None, True),  # category unknown → 其他类别
    ],
    ids=[
        "TH-22 4999999",
        "TH-22 at 5000000",
        "TH-22 5000001",
        "TH-22 excl-om 4999999 (+100万 O&M)",
        "TH-22 excl-om 5000000 (+100万 O&M)",
        "TH-22 unknown category",
    ],
)
def test_th22_500wan_excluding_om(pack, total, om, scale, met):
    ev = ev_for(pack, **project(total, om, scale_category=scale))
    assert ev.threshold("TH-22") is met
    assert ev.threshold("TH-21") is None  # not 基础设施/集成类
    stages = set(ev.stage_ids)
    assert ("ST-002-01-prov" in stages) is met
    assert ("ST-002-09-prov" in stages) is met  # TH-23 限额以上 → 省级论证评估和联合会审
    assert ("ST-002-09-cityfile" in stages) is (not met)  # TH-23 限额以下 → 市领导小组办公室备案
    assert (ev.deadline("DL-17") is not None) is met


@pytest.mark.parametrize(
    ("total", "om", "scale", "met"),
    [
        (W1000 - 1, 0, "INFRASTRUCTURE", False),
        (W1000, 0, "INFRASTRUCTURE", True),
        (W1000 + 1, 0, "INFRASTRUCTURE", True),
        (W1000 - 1, 0, "CROSS_DEPT_LEVEL_INTEGRATION", False),
        (W1000, 0, "CROSS_DEPT_LEVEL_INTEGRATION", True),
        (W1000, 1_000_000, "INFRASTRUCTURE", True),  # A-ZG-12: O&M counts for the 1000万 tier
    ],
    ids=[
        "TH-21 infra 9999999",
        "TH-21 infra at 10000000",
        "TH-21 infra 10000001",
        "TH-21 integration 9999999",
        "TH-21 integration at 10000000",
        "TH-21 incl-om (A-ZG-12)",
    ],
)
def test_th21_1000wan(pack, total, om, scale, met):
    ev = ev_for(pack, **project(total, om, scale_category=scale))
    assert ev.threshold("TH-21") is met
    assert ev.threshold("TH-22") is None  # 500万 tier is for 其他类别 only
    assert ("ST-002-01-prov" in ev.stage_ids) is met
    assert ("ST-002-09-prov" in ev.stage_ids) is met
    prov = next((s for s in ev.route if s["id"] == "ST-002-01-prov"), None)
    assert (prov is not None and prov["escalation"] == "province") is met


def test_th21_infra_between_500_and_1000_stays_below_limit(pack):
    # TH-23 / A-ZG-10: an infrastructure project of 800万 is 限额以下 (the 500万 tier does not apply)
    ev = ev_for(pack, **project(8_000_000, scale_category="INFRASTRUCTURE"))
    assert "ST-002-09-cityfile" in ev.stage_ids
    assert "ST-002-09-prov" not in ev.stage_ids
    assert ev.deadline("DL-17") is None


# ------------------------------------------------------------------ TH-24 / RJ-51 secrecy experts


@pytest.mark.parametrize(
    ("experts", "met", "finding", "validation"),
    [
        (1, False, True, "fail"),
        (2, True, False, "pass"),
        (3, True, False, "pass"),
        (None, False, False, "not_applicable"),
    ],
    ids=["TH-24/RJ-51 1 expert", "TH-24/RJ-51 at 2 experts", "TH-24/RJ-51 3 experts", "TH-24 unknown"],
)
def test_th24_secrecy_experts(pack, experts, met, finding, validation):
    ev = ev_for(pack, **project(W50, secrecy="CLASSIFIED", counts={"secrecy_experts_on_panel": experts}))
    assert ev.scope_status == "partial"
    assert ev.threshold("TH-24") is met
    assert ("RJ-51" in ev.finding_ids) is finding
    assert ev.validation_status("TH-24-panel") == validation
    assert "secrecy_expert_list" in ev.document_codes("ST-002-06")


def test_th24_not_for_non_classified(pack):
    ev = ev_for(pack, **project(W50, counts={"secrecy_experts_on_panel": 0}))
    assert ev.threshold("TH-24") is None and "RJ-51" not in ev.finding_ids


# ------------------------------------------------------------------ fixed annual deadlines


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 6, 29), "open"), (D(2026, 6, 30), "open"), (D(2026, 7, 1), "overdue")],
    ids=["DL-17 day before 6月底", "DL-17 on 2026-06-30", "DL-17 day after"],
)
def test_dl17_june_end(pack, on, status):
    d = ev_for(pack, on=on, **project(W500, scale_category="OTHER")).deadline("DL-17")
    assert d["due"] == "2026-06-30"
    assert d["status"] == status


def test_dl17_only_for_projects_above_limit(pack):
    assert ev_for(pack, **project(W500 - 1, scale_category="OTHER")).deadline("DL-17") is None


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 9, 29), "open"), (D(2026, 9, 30), "open"), (D(2026, 10, 1), "overdue")],
    ids=["DL-18 day before 9月底", "DL-18 on 2026-09-30", "DL-18 day after"],
)
def test_dl18_september_end(pack, on, status):
    d = ev_for(pack, on=on, **project(W50)).deadline("DL-18")
    assert d["due"] == "2026-09-30"
    assert d["status"] == status


# ------------------------------------------------------------------ DL-22 / RJ-52 半年开工


@pytest.mark.parametrize(
    ("approved", "started", "due", "status", "recover"),
    [
        (D(2026, 1, 15), D(2026, 7, 14), "2026-07-15", "met", False),
        (D(2026, 1, 15), D(2026, 7, 15), "2026-07-15", "met", False),
        (D(2026, 1, 15), D(2026, 7, 16), "2026-07-15", "late", True),
        (D(2026, 3, 31), D(2026, 9, 29), "2026-09-30", "met", False),
        (D(2026, 3, 31), D(2026, 9, 30), "2026-09-30", "met", False),
        (D(2026, 3, 31), D(2026, 10, 1), "2026-09-30", "late", True),
        (D(2025, 12, 31), D(2026, 6, 30), "2026-06-30", "met", False),
        (D(2025, 12, 31), D(2026, 7, 1), "2026-06-30", "late", True),
    ],
    ids=[
        "DL-22/RJ-52 day before",
        "DL-22/RJ-52 on due",
        "DL-22/RJ-52 day after",
        "DL-22/RJ-52 clamp 03-31→09-30 day before",
        "DL-22/RJ-52 clamp on 09-30",
        "DL-22/RJ-52 clamp day after",
        "DL-22/RJ-52 clamp 12-31→06-30 on",
        "DL-22/RJ-52 clamp 12-31→06-30 after",
    ],
)
def test_dl22_start_within_half_year(pack, approved, started, due, status, recover):
    ev = ev_for(pack, on=D(2026, 12, 1), dates={"approved": approved, "construction_started": started})
    d = ev.deadline("DL-22")
    assert d["due"] == due and d["status"] == status
    assert ("RJ-52" in ev.finding_ids) is recover
    assert "RJ-40" not in ev.finding_ids  # started after approval


@pytest.mark.parametrize(
    ("on", "status", "recover"),
    [(D(2026, 9, 29), "open", False), (D(2026, 9, 30), "open", False), (D(2026, 10, 1), "overdue", True)],
    ids=["DL-22 not started, day before", "DL-22 not started, on due", "DL-22 not started, day after"],
)
def test_dl22_not_started(pack, on, status, recover):
    ev = ev_for(pack, on=on, dates={"approved": D(2026, 3, 31)})
    d = ev.deadline("DL-22")
    assert (d["due"], d["status"]) == ("2026-09-30", status)
    assert ("RJ-52" in ev.finding_ids) is recover
    if recover:
        f = finding(ev, "RJ-52")
        assert f["severity"] == "soft" and f["effects"] == ["RECOVER"]


def test_dl22_force_majeure_and_override(pack):
    ev = ev_for(pack, on=D(2026, 12, 1), dates={"approved": D(2026, 3, 31)}, force_majeure=True)
    assert ev.deadline("DL-22") is None and "RJ-52" not in ev.finding_ids
    ev = ev_for(
        pack,
        on=D(2026, 12, 1),
        dates={"approved": D(2026, 3, 31)},
        overrides={"RJ-52": {"by": "区政务服务和数据管理局", "justification": "原则上条款，经批准暂缓"}},
    )
    assert "RJ-52" in ev.finding_ids and "RJ-52" not in ev.active_finding_ids


# ------------------------------------------------------------------ DL-23 半年内申请竣工验收


@pytest.mark.parametrize(
    ("initial", "applied", "due", "status"),
    [
        (D(2026, 1, 15), D(2026, 7, 14), "2026-07-15", "met"),
        (D(2026, 1, 15), D(2026, 7, 15), "2026-07-15", "met"),
        (D(2026, 1, 15), D(2026, 7, 16), "2026-07-15", "late"),
        (D(2026, 3, 31), D(2026, 9, 29), "2026-09-30", "met"),
        (D(2026, 3, 31), D(2026, 9, 30), "2026-09-30", "met"),
        (D(2026, 3, 31), D(2026, 10, 1), "2026-09-30", "late"),
    ],
    ids=[
        "DL-23 day before",
        "DL-23 on due",
        "DL-23 day after",
        "DL-23 clamp 03-31→09-30 day before",
        "DL-23 clamp on 09-30",
        "DL-23 clamp day after",
    ],
)
def test_dl23_apply_final_acceptance(pack, initial, applied, due, status):
    ev = ev_for(pack, on=D(2026, 12, 1), dates={"initial_acceptance": initial, "acceptance_applied": applied})
    d = ev.deadline("DL-23")
    assert (d["due"], d["status"]) == (due, status)
    assert "acceptance_extension_request" not in ev.document_codes()


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 9, 29), "open"), (D(2026, 9, 30), "open"), (D(2026, 10, 1), "overdue")],
    ids=["DL-23 pending day before", "DL-23 pending on due", "DL-23 pending day after"],
)
def test_dl23_pending_offers_extension_request(pack, on, status):
    ev = ev_for(pack, on=on, dates={"initial_acceptance": D(2026, 3, 31)})
    assert ev.deadline("DL-23")["status"] == status
    docs = [d for d in ev.documents if d["code"] == "acceptance_extension_request"]
    assert docs and docs[0]["required"] is False


# ------------------------------------------------------------------ validity clocks (two years)


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 6, 29), "valid"), (D(2026, 6, 30), "valid"), (D(2026, 7, 1), "expired")],
    ids=["DL-19/DL-21 day before", "DL-19/DL-21 on 2-year end", "DL-19/DL-21 day after"],
)
def test_dl19_dl20_dl21_two_year_validity(pack, on, status):
    facts = project(W500, scale_category="OTHER", dates={"review_completed": D(2024, 6, 30)})
    ev = ev_for(pack, on=on, **facts)
    for rid in ("DL-19", "DL-20", "DL-21"):
        d = ev.deadline(rid)
        assert (d["due"], d["status"]) == ("2026-06-30", status), rid


def test_dl19_dl21_not_after_approval_or_below_50wan(pack):
    ev = ev_for(pack, **project(W500, dates={"review_completed": D(2024, 6, 30), "approved": D(2024, 9, 1)}))
    assert ev.deadline("DL-21") is None and ev.deadline("DL-19") is None
    ev = ev_for(pack, **project(W50 - 1, dates={"review_completed": D(2024, 6, 30)}))
    assert ev.deadline("DL-21") is None
    ev = ev_for(pack, **project(W500 - 1, scale_category="OTHER", dates={"review_completed": D(2024, 6, 30)}))
    assert ev.deadline("DL-20") is None and ev.deadline("DL-21") is not None


# ------------------------------------------------------------------ issuer-set, recurring, budget-year


@pytest.mark.parametrize(
    ("passed", "rule_id", "other"),
    [(False, "DL-24", "DL-25"), (True, "DL-25", "DL-24"), (None, "DL-25", "DL-24")],
    ids=["DL-24 failed acceptance", "DL-25 supervision", "DL-25 supervision (no acceptance yet)"],
)
def test_dl24_dl25_rectification_set_by_issuer(pack, passed, rule_id, other):
    dates = {"rectification_notice": D(2026, 8, 3)}
    ev = ev_for(pack, on=D(2026, 9, 1), acceptance_passed=passed, dates=dates)
    assert ev.deadline(rule_id)["status"] == "awaiting_issuer"
    assert ev.deadline(other) is None
    for on, status in ((D(2026, 8, 31), "open"), (D(2026, 9, 1), "open"), (D(2026, 9, 2), "overdue")):
        ev = ev_for(
            pack, on=on, acceptance_passed=passed, dates=dates, issuer_due_dates={rule_id: D(2026, 9, 1)}
        )
        d = ev.deadline(rule_id)
        assert (d["due"], d["status"]) == ("2026-09-01", status)
    ev = ev_for(
        pack,
        on=D(2026, 9, 10),
        acceptance_passed=passed,
        dates={**dates, "rectification_done": D(2026, 9, 2)},
        issuer_due_dates={rule_id: D(2026, 9, 1)},
    )
    assert ev.deadline(rule_id)["status"] == "late"


def test_dl24_failed_acceptance_requires_rectification(pack):
    ev = ev_for(pack, acceptance_passed=False)
    assert "RJ-59" in ev.finding_ids
    assert "acceptance_rectification" in ev.document_codes("ST-002-14-apply")


@pytest.mark.parametrize(
    ("on", "done", "status", "sanction"),
    [
        (D(2026, 8, 31), None, "open", False),
        (D(2026, 9, 1), None, "open", False),
        (D(2026, 9, 2), None, "overdue", True),
        (D(2026, 9, 10), D(2026, 8, 31), "met", False),
        (D(2026, 9, 10), D(2026, 9, 1), "met", False),
        (D(2026, 9, 10), D(2026, 9, 2), "late", True),
    ],
    ids=[
        "RJ-65 not rectified, day before issuer due",
        "RJ-65 not rectified, on issuer due",
        "RJ-65 not rectified, day after (逾期不整改)",
        "RJ-65 rectified day before due",
        "RJ-65 rectified on due",
        "RJ-65 rectified day after due (逾期)",
    ],
)
def test_rj65_overdue_supervision_rectification_sanctions(pack, on, done, status, sanction):
    """RJ-65 (第三十六条): 逾期不整改 exposes the project to the sanction ladder (通报批评 → 暂缓安排建设或资金
    计划 → 暂停 → 终止). Encoded by deadline DL-25: the user sees it overdue/late past the issuer's date."""
    ev = ev_for(
        pack,
        on=on,
        dates={"rectification_notice": D(2026, 8, 3), "rectification_done": done},
        issuer_due_dates={"DL-25": D(2026, 9, 1)},
    )
    d = ev.deadline("DL-25")
    assert (d["due"], d["status"]) == ("2026-09-01", status)
    assert (d["status"] in {"overdue", "late"}) is sanction
    assert "RJ-65" in d["catalogue"] and d["severity"] == "hard"
    assert d["cite"]["article"] == "第三十六条"
    for step in ("通报批评", "暂缓安排建设或资金计划", "暂停项目建设", "终止项目"):
        assert step in d["consequence"], step
    assert d["calendar_note"] == "期限由发文机关确定"


def test_rj65_quiet_without_supervision_notice(pack):
    """RJ-65: no 限期整改 notice → nothing to be overdue; a failed 验收 routes the notice to DL-24 instead."""
    d = ev_for(pack, on=D(2027, 1, 1)).deadline("DL-25")
    assert (d["status"], d["due"]) == ("no_trigger", None)
    ev = ev_for(
        pack,
        on=D(2026, 9, 2),
        acceptance_passed=False,
        dates={"rectification_notice": D(2026, 8, 3)},
        issuer_due_dates={"DL-25": D(2026, 9, 1)},
    )
    assert ev.deadline("DL-25") is None
    assert ev.deadline("DL-24")["status"] == "awaiting_issuer"


@pytest.mark.parametrize(
    ("branch", "encoded_by", "listed"),
    [("逾期不整改", ["DL-25"], False), ("整改后仍不符合要求", [], True)],
    ids=["RJ-65 逾期不整改: encoded by DL-25", "RJ-65 整改后仍不符合要求: not_encodable"],
)
def test_rj65_branches_encoded_or_listed(pack, branch, encoded_by, listed):
    """RJ-65 (第三十六条) "逾期不整改或者整改后仍不符合要求的" has two branches. 逾期不整改 is the DL-25 deadline
    (overdue/late past the issuer's date, boundaries above); 整改后仍不符合要求 needs the result of a re-check
    after rectification, which the facts do not carry, so it is listed under not_encodable with its reason.
    A rectification done on time therefore leaves DL-25 met and no rule reporting non-compliance."""
    rules = sorted(r.id for _k, r in pack.pack.all_rules() if "RJ-65" in r.catalogue)
    assert rules == ["DL-25"]
    reasons = [n.reason for n in pack.pack.not_encodable if n.catalogue == "RJ-65"]
    assert len(reasons) == 1 and "DL-25" in reasons[0]
    assert (f"“{branch}”无 facts 字段" in reasons[0]) is listed
    for rule_id in encoded_by:
        assert branch in next(r for _k, r in pack.pack.all_rules() if r.id == rule_id).cite.quote
    ev = ev_for(
        pack,
        on=D(2026, 9, 10),
        dates={"rectification_notice": D(2026, 8, 3), "rectification_done": D(2026, 9, 1)},
        issuer_due_dates={"DL-25": D(2026, 9, 1)},
    )
    assert ev.deadline("DL-25")["status"] == "met"
    assert not [f for f in ev.to_dict()["findings"] if "RJ-65" in f["catalogue"]]


def test_dl27_periodic_security_assessment(pack):
    assert_recurring_after_acceptance(ev_for, pack, "DL-27")


@pytest.mark.parametrize(
    ("budget", "status"),
    [(D(2026, 12, 30), "met"), (D(2026, 12, 31), "met"), (D(2027, 1, 1), "late")],
    ids=["DL-28 day before", "DL-28 on 12-31", "DL-28 day after"],
)
def test_dl28_budget_year(pack, budget, status):
    facts = project(W50, plan_year=2026, dates={"approved": D(2026, 2, 1), "budget_approved": budget})
    d = ev_for(pack, on=D(2027, 2, 1), **facts).deadline("DL-28")
    assert (d["due"], d["status"]) == ("2026-12-31", status)


# ------------------------------------------------------------------ scope (§6.1, §0.4)

OOS = [
    ("OOS-ZG-1-building", "SMART_BUILDING"),
    ("OOS-ZG-1-civil", "CIVIL_WORKS"),
    ("OOS-ZG-2.1", "OFFICE_DEVICE_STANDALONE"),
    ("OOS-ZG-2.2", "DESKTOP_SOFTWARE_STANDALONE"),
    ("OOS-ZG-2.3", "GENERAL_AV_DEVICE_STANDALONE"),
    ("OOS-ZG-3.1", "SPECIALIST_DEVICE_STANDALONE"),
    ("OOS-ZG-3.2", "RESEARCH_SYSTEM"),
    ("OOS-ZG-4.1", "OUTDOOR_TELECOM"),
    ("OOS-ZG-4.2", "SIM_IOT_CARD"),
    ("OOS-ZG-5.1", "BUSINESS_OPERATION_SERVICE"),
    ("OOS-ZG-5.2", "CONTENT_PRODUCTION"),
    ("OOS-ZG-5.3", "PERFORMANCE_ASSESSMENT_SERVICE"),
]


@pytest.mark.parametrize(("rule_id", "category"), OOS, ids=[o[0] for o in OOS])
def test_out_of_scope_categories(pack, rule_id, category):
    ev = ev_for(pack, **project(W200, oos_category=category))
    assert ev.scope_status == "out_of_scope"
    assert [m["id"] for m in ev.scope_matched] == [rule_id]
    assert ev.scope_matched[0]["category"] == category
    assert ev.route == [] and ev.finding_ids == [] and ev.documents == [] and ev.deadlines == []


def test_oos_zg1_smart_building_with_custom_development_is_in_scope(pack):
    # “无需自定义开发的” qualifier
    ev = ev_for(pack, **project(W200, oos_category="SMART_BUILDING", software_development=True))
    assert ev.scope_status == "in_scope"


@pytest.mark.parametrize(
    ("facts", "status", "rule_id"),
    [
        ({}, "in_scope", None),
        ({"unit_level": "district", "unit_kind": "party_gov_organ"}, "in_scope", None),
        ({"unit_level": "town"}, "in_scope", None),
        ({"unit_level": "city"}, "out_of_scope", "SCOPE-LEVEL"),
        ({"funding": {"social": W200}}, "out_of_scope", "SCOPE-FUNDS"),
        ({"funding": {"special_bond": W200}}, "in_scope", None),
        ({"unit_kind": "soe"}, "partial", "SCOPE-REF-ENTERPRISE"),
        ({"attached_to_construction_work": True}, "partial", "SCOPE-REF-EMBEDDED"),
        ({"secrecy": "CLASSIFIED"}, "partial", "SCOPE-CLASSIFIED"),
    ],
    ids=[
        "§0.4 unknown unit",
        "§0.4 district organ",
        "§0.4 town/street",
        "§0.4 city unit out",
        "§0.4 no fiscal funds out",
        "§0.4 special bond is fiscal",
        "§0.4 第三十九条 SOE 参照",
        "§0.4 第三十九条 embedded 参照",
        "§6.1 classified partial",
    ],
)
def test_scope_applicability(pack, facts, status, rule_id):
    base = project(W200)
    ev = ev_for(pack, **{**base, **facts})
    assert ev.scope_status == status
    if rule_id:
        assert rule_id in [m["id"] for m in ev.scope_matched]


def test_classified_follows_secrecy_rules(pack):
    facts = project(
        W200, secrecy="CLASSIFIED", dates={"approved": D(2026, 1, 15)}, data_sharing_compliant=False
    )
    ev = ev_for(pack, on=D(2026, 12, 1), **facts)
    # 审批、实施和运维按国家保密规定执行; 论证评估仍在本细则内
    assert not {"ST-002-09", "ST-002-11", "ST-002-15"} & set(ev.stage_ids)
    assert "ST-002-06" in ev.stage_ids
    assert ev.deadline("DL-22") is None and "RJ-52" not in ev.finding_ids and "RJ-60" not in ev.finding_ids
    codes = ev.document_codes("ST-002-14-apply")
    assert "acc_security_risk_graded" in codes and "acc_security_risk_mlps" not in codes


# ------------------------------------------------------------------ findings (§5.3)

FINDINGS = [
    (
        "RJ-40",
        {"dates": {"construction_started": "2026-03-01"}},
        {"dates": {"construction_started": "2026-03-01", "approved": "2026-02-01"}},
    ),
    ("RJ-42-funding", {"amounts": {"software": W50}}, project(W50)),
    ("RJ-43", {"buys_server_hardware": True}, {"buys_server_hardware": True, "secrecy": "CLASSIFIED"}),
    (
        "RJ-44",
        {"leases_private_network": True},
        {"leases_private_network": True, "deploys_on_egov_extranet": True},
    ),
    (
        "RJ-45-new",
        {"nature": "NEW", "deploys_on_gov_cloud": False},
        {"nature": "NEW", "deploys_on_gov_cloud": True},
    ),
    (
        "RJ-45-upgrade",
        {"nature": "MIGRATION", "deploys_on_gov_cloud": False},
        {"nature": "OM", "deploys_on_gov_cloud": False},
    ),
    (
        "RJ-48",
        {"intensive_integration_done": False},
        {"intensive_integration_done": True, "data_sharing_compliant": True},
    ),
    (
        "RJ-49",
        {"nature": "EXPANSION", "previous_phase_accepted": False},
        {"nature": "EXPANSION", "previous_phase_accepted": True},
    ),
    (
        "RJ-50",
        project(W50, dates={"approved": "2026-03-01"}),
        project(W50, dates={"approved": "2026-03-01", "review_completed": "2026-02-01"}),
    ),
    (
        "RJ-53",
        {"dates": {"initial_acceptance": "2026-03-01"}, "data_sharing_compliant": False},
        {"data_sharing_compliant": False},
    ),
    (
        "RJ-54",
        {"dates": {"initial_acceptance": "2026-03-01"}, "implemented_as_planned": False},
        {"dates": {"initial_acceptance": "2026-03-01"}, "implemented_as_planned": True},
    ),
    ("RJ-59", {"acceptance_passed": False}, {"acceptance_passed": True}),
    ("RJ-60", {"data_sharing_compliant": False}, {"data_sharing_compliant": True}),
    (
        "RJ-62",
        {"deploys_on_gov_cloud": False},
        {"deploys_on_gov_cloud": True, "deploys_on_egov_extranet": True},
    ),
    ("RJ-111", {"connects_data_platform": False}, {"connects_data_platform": True}),
    (
        "IP-CLAUSE",
        {"dates": {"contract_signed": "2026-03-01", "approved": "2026-02-01"}},
        {
            "dates": {"contract_signed": "2026-03-01", "approved": "2026-02-01"},
            "contract": {"ip_clause": True},
        },
    ),
]


@pytest.mark.parametrize(("rule_id", "fires", "quiet"), FINDINGS, ids=[f[0] for f in FINDINGS])
def test_findings(pack, rule_id, fires, quiet):
    assert_finding_fires(ev_for(pack, **fires), ev_for(pack, **quiet), rule_id)


EFFECTS = {
    "RJ-40": ("hard", {"VIOLATION"}),
    "RJ-42-funding": ("hard", {"NOT_ACCEPTED"}),
    "RJ-43": ("soft", {"NOT_SUPPORTED"}),
    "RJ-44": ("soft", {"NOT_SUPPORTED"}),
    "RJ-45-new": ("soft", {"NOT_SUPPORTED"}),
    "RJ-48": ("soft", {"NOT_SUPPORTED"}),
    "RJ-49": ("soft", {"NOT_SUPPORTED"}),
    "RJ-50": ("hard", {"NOT_APPROVED", "NO_BUDGET"}),
    "RJ-51": ("hard", {"REVIEW_FAIL"}),
    "RJ-52": ("soft", {"RECOVER"}),
    "RJ-53": ("hard", {"NO_FINAL_ACCEPT", "NO_OM_FUNDS"}),
    "RJ-54": ("hard", {"FAIL_ACCEPT"}),
    "RJ-59": ("hard", {"FAIL_ACCEPT"}),
    "RJ-60": ("soft", {"NO_OM_FUNDS"}),
    "RJ-62": ("soft", {"NO_OM_FUNDS"}),
    "RJ-111": ("soft", {"REVIEW_FAIL"}),
}


@pytest.mark.parametrize("rule_id", sorted(EFFECTS), ids=lambda r: f"{r} severity/effects")
def test_finding_severity_and_effects(pack, rule_id):
    rule = pack.rule(rule_id)
    severity, effects = EFFECTS[rule_id]
    assert rule.severity == severity
    assert set(rule.effects) == effects


def test_rj50_major_deployment_exception(pack):
    facts = project(W50, dates={"approved": "2026-03-01"}, special_approval=True)
    assert "RJ-50" not in ev_for(pack, **facts).finding_ids
    # below 50万 there is no 论证评估 requirement
    assert "RJ-50" not in ev_for(pack, **project(W50 - 1, dates={"approved": "2026-03-01"})).finding_ids


def test_hard_finding_cannot_be_overridden(pack):
    ev = ev_for(pack, acceptance_passed=False, overrides={"RJ-59": {"by": "x", "justification": "y"}})
    assert "RJ-59" in ev.active_finding_ids


# ------------------------------------------------------------------ documents & forms (§7.3)


@pytest.mark.parametrize(
    ("nature", "secrecy", "expected", "absent"),
    [
        ("NEW", "NON_CLASSIFIED", {"technical_plan"}, {"upgrade_plan", "om_plan", "graded_protection_plan"}),
        ("NEW", "WORK_SECRET", {"technical_plan", "graded_protection_plan"}, {"upgrade_plan"}),
        ("REBUILD", "NON_CLASSIFIED", {"upgrade_plan"}, {"technical_plan"}),
        ("MIGRATION", "NON_CLASSIFIED", {"upgrade_plan"}, {"technical_plan"}),
        ("OM", "NON_CLASSIFIED", {"om_plan"}, {"service_purchase_plan"}),
        ("SERVICE_PURCHASE", "NON_CLASSIFIED", {"service_purchase_plan"}, {"om_plan"}),
    ],
    ids=[
        "§7.3.1 新建",
        "§7.3.1 新建+工作秘密",
        "§7.3.1 改建",
        "§7.3.1 迁移",
        "§7.3.1 运维",
        "§7.3.1 购买服务",
    ],
)
def test_declaration_plan_by_nature(pack, nature, secrecy, expected, absent):
    codes = set(ev_for(pack, **project(W50, nature=nature, secrecy=secrecy)).document_codes("ST-002-05"))
    assert {"project_situation_table", "project_basis", "construction_plan", "party_meeting_minutes"} <= codes
    assert expected <= codes
    assert not absent & codes


def test_acceptance_materials_7_3_2(pack):
    codes = ev_for(pack, **project(W50)).document_codes("ST-002-14-apply")
    for code in (
        "acc_conformity_letter",
        "acc_procurement_records",
        "acc_expert_opinion",
        "acc_data_sharing_report",
        "acc_secure_reliable",
        "acc_audit_report",
        "acc_test_report",
        "acc_security_risk_mlps",
        "acc_crypto_secrecy_archives",
    ):
        assert code in codes
    ws = ev_for(pack, **project(W50, secrecy="WORK_SECRET")).document_codes("ST-002-14-apply")
    assert "acc_work_secret_assessment" in ws
    form = next(f for f in pack.pack.forms if f.id == "F-002-ACCEPT-MATERIALS")
    assert len(form.items) == 9


def test_pre_acceptance_confirmations_and_ip_clause(pack):
    ev = ev_for(pack, **project(W50))
    assert {"data_sharing_confirmation", "secure_reliable_crypto_confirmation"} <= set(
        ev.document_codes("ST-002-13")
    )
    assert {"procurement_documents", "contract"} <= set(ev.document_codes("ST-002-11-procure"))


def test_cross_department_framework(pack):
    assert "cross_dept_framework" in ev_for(pack, **project(W50, cross_dept=True)).document_codes("ST-002-01")
    ev = ev_for(pack, **project(W50, cross_dept=True, secrecy="CLASSIFIED"))
    assert "cross_dept_framework" not in ev.document_codes()


@pytest.mark.parametrize(
    ("fiscal", "status"),
    [(W200 - 1, "fail"), (W200, "pass"), (W200 + 1, "fail")],
    ids=["RJ-42 funding sum -1", "RJ-42 funding sum equal", "RJ-42 funding sum +1"],
)
def test_funding_sum(pack, fiscal, status):
    ev = ev_for(pack, amounts={"software": W200}, funding={"fiscal_local": fiscal})
    assert ev.validation_status("FUNDING-SUM") == status


def test_route_has_all_15_stages(pack):
    assert_route_covers_stages(pack, "002", 15)


# ------------------------------------------------------------------ coverage of the catalogue


TH_002, DL_002 = id_range("TH", 14, 24), id_range("DL", 17, 28)


def _catalogue_002_ids() -> set[str]:
    ids = TH_002 | DL_002 | id_range("RJ", 37, 65) | {"RJ-111"}
    ids |= id_range("ST-002", 1, 15)
    ids |= {"OOS-ZG-1", "OOS-ZG-2.1", "OOS-ZG-2.2", "OOS-ZG-2.3", "OOS-ZG-3.1", "OOS-ZG-3.2"}
    ids |= {"OOS-ZG-4.1", "OOS-ZG-4.2", "OOS-ZG-5.1", "OOS-ZG-5.2", "OOS-ZG-5.3", "OOS-ZG-6"}
    ids |= {
        "§7.3.1",
        "§7.3.2",
        "§7.3.3",
        "§7.3.4",
        "§7.3.5",
        "§7.3.6",
        "C-02",
        "C-05",
        "C-07",
        "C-08",
        "C-11",
    }
    return ids


def test_every_002_catalogue_item_is_encoded_or_listed(pack):
    assert_catalogue_items_covered(pack, _catalogue_002_ids())


@requires_catalogue
def test_catalogue_ids_for_002_match():
    assert_catalogue_rows("002", th=TH_002, dl=DL_002)
    assert catalogue_row_ids(r"OOS-ZG-[0-9.]+") <= _catalogue_002_ids()


def test_every_rule_cites_and_ambiguities_exist(pack):
    assert_rules_cite(pack)
    assert pack.pack.meta.catalogue_code == "002"
