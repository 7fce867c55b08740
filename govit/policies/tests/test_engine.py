"""Engine, loader, schema, facts and lint tests (no database)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from govit.policies.engine import (
    Facts,
    FactsError,
    PackError,
    evaluate,
    facts_json_schema,
    lint_all,
    lint_file,
    list_packs,
    load_pack,
    load_pack_file,
)

FIXTURES = Path(__file__).parent / "fixtures"
MADEUP = FIXTURES / "madeup.yaml"
D = dt.date

MINIMAL = """\
meta:
  code: {code}
  jurisdiction: 测试县
  level: county
  source: {{title: 测试办法, status: 现行}}
  version: "1"
{extra_meta}
{body}
"""

RULE_CITE = "cite: {article: 第一条, quote: 测试}\n    catalogue: [X-TEST-1]"


def write_pack(
    tmp_path: Path, body: str, code: str = "t", extra_meta: str = "", name: str | None = None
) -> Path:
    path = tmp_path / f"{name or code}.yaml"
    path.write_text(
        MINIMAL.format(code=code, extra_meta=extra_meta, body=textwrap.dedent(body)), encoding="utf-8"
    )
    return path


def finding(rule_id: str, when: str, extra: str = "") -> str:
    return f"""
  - id: {rule_id}
    severity: hard
    effects: [NOT_APPROVED]
    when: {when}
    message: 测试{extra}
    {RULE_CITE}
"""


# ------------------------------------------------------------------ schema / loader errors


def test_unknown_pack_code():
    with pytest.raises(PackError, match="未知的政策包: nope"):
        load_pack("nope")


def test_unknown_key_is_an_error_naming_file_and_rule(tmp_path):
    path = write_pack(tmp_path, "findings:" + finding("R-1", "true").replace("message:", "mesage:"))
    with pytest.raises(PackError) as exc:
        load_pack_file(path)
    text = str(exc.value)
    assert "t.yaml" in text and "R-1" in text and "unknown key" in text


def test_missing_cite_is_an_error(tmp_path):
    body = """
    findings:
      - id: R-1
        severity: hard
        effects: [END]
        when: "true"
        message: x
        catalogue: [X-TEST-1]
    """
    with pytest.raises(PackError) as exc:
        load_pack_file(write_pack(tmp_path, body))
    assert any(p.rule_id == "R-1" and "cite" in p.problem for p in exc.value.problems)


def test_bad_effect_code_and_severity(tmp_path):
    body = "findings:" + finding("R-1", "true").replace("[NOT_APPROVED]", "[NOPE]").replace("hard", "medium")
    with pytest.raises(PackError) as exc:
        load_pack_file(write_pack(tmp_path, body))
    problems = " ".join(p.problem for p in exc.value.problems)
    assert "effects" in problems and "severity" in problems


def test_yaml_syntax_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("meta: [unclosed\n", encoding="utf-8")
    with pytest.raises(PackError, match="YAML"):
        load_pack_file(path)


@pytest.mark.parametrize(
    ("when", "needle"),
    [
        pytest.param("amounts.totl > 1", "unknown fact field: amounts.totl", id="unknown-group-member"),
        pytest.param(
            "nonexistent_flag", "unknown fact field or name: nonexistent_flag", id="unknown-variable"
        ),
        pytest.param("nature == 'NWE'", "not a known enum value", id="enum-typo"),
        pytest.param("amounts.total >", "CEL error", id="cel-syntax-error"),
        pytest.param("has(amounts.total)", "has() is not supported", id="has-macro"),
    ],
)
def test_condition_errors_are_pack_errors(tmp_path, when, needle):
    body = "findings:" + finding("R-1", json.dumps(when))
    with pytest.raises(PackError) as exc:
        load_pack_file(write_pack(tmp_path, body))
    assert any(p.rule_id == "R-1" and needle in p.problem for p in exc.value.problems), exc.value.problems


def test_duplicate_ids(tmp_path):
    body = "findings:" + finding("R-1", "true") + finding("R-1", "false")
    with pytest.raises(PackError, match="duplicate rule id"):
        load_pack_file(write_pack(tmp_path, body))


def test_unknown_stage_reference(tmp_path):
    body = """
    documents:
      - id: D-1
        code: doc
        name: 文件
        stage: ST-NOPE
        cite: {article: 第一条, quote: 测试}
        catalogue: [X-TEST-1]
    """
    with pytest.raises(PackError, match="unknown stage 'ST-NOPE'"):
        load_pack_file(write_pack(tmp_path, body))


def test_a_filing_form_names_deadlines_that_exist(tmp_path):
    body = """
    forms:
      - id: F-1
        name: 备案表
        purpose: filing
        fulfils: [DL-NOPE]
        cite: {article: 第一条, quote: 测试}
        catalogue: [X-TEST-1]
      - id: F-2
        name: 备案表
        purpose: filing
        cite: {article: 第一条, quote: 测试}
        catalogue: [X-TEST-1]
    """
    problems = [p.problem for p in lint_file(write_pack(tmp_path, body))]
    assert "fulfils unknown deadline 'DL-NOPE'" in problems
    assert "a filing form must name the deadlines it fulfils" in problems


def test_scoring_must_sum_to_100(tmp_path):
    body = """
    scoring:
      - id: S-1
        name: 评分表
        criteria:
          - {code: a, name: A, weight: 60}
          - {code: b, name: B, weight: 30}
        cite: {article: 第一条, quote: 测试}
        catalogue: [X-TEST-1]
    """
    path = write_pack(tmp_path, body)
    with pytest.raises(PackError, match="sum to 90, not 100"):
        load_pack_file(path)
    assert any("sum to 90" in p.problem for p in lint_file(path))


def test_unknown_deadline_trigger(tmp_path):
    body = """
    deadlines:
      - id: DL-X
        name: x
        trigger: signed_contract
        period: {kind: calendar_days, amount: 5}
        consequence: x
        text: x
        cite: {article: 第一条, quote: 测试}
        catalogue: [X-TEST-1]
    """
    with pytest.raises(PackError, match="unknown trigger 'signed_contract'"):
        load_pack_file(write_pack(tmp_path, body))


def test_extends_child_overrides_parent_by_id(tmp_path):
    write_pack(
        tmp_path, "findings:" + finding("R-1", "amounts.total > 100") + finding("R-2", "true"), code="parent"
    )
    child = write_pack(
        tmp_path,
        "findings:"
        + finding("R-1", "amounts.total > 1000", " child")
        + finding("R-3", "true")
        + "remove: [R-2]\n",
        code="child",
        extra_meta="  extends: parent",
    )
    pack = load_pack_file(child)
    assert [r.id for r in pack.pack.findings] == ["R-1", "R-3"]
    ev = evaluate(pack, {"amounts": {"other": 500}}, on=D(2026, 1, 5))
    assert ev.finding_ids == ["R-3"]
    ev = evaluate(pack, {"amounts": {"other": 1001}}, on=D(2026, 1, 5))
    assert ev.finding_ids == ["R-1", "R-3"]
    assert pack.files[1].endswith("parent.yaml")


def test_extends_cycle_and_unknown_parent(tmp_path):
    a = write_pack(tmp_path, "", code="a", extra_meta="  extends: b")
    write_pack(tmp_path, "", code="b", extra_meta="  extends: a")
    with pytest.raises(PackError, match="cycle"):
        load_pack_file(a)
    c = write_pack(tmp_path, "", code="c", extra_meta="  extends: nowhere")
    with pytest.raises(PackError, match="nowhere"):
        load_pack_file(c)


def test_load_by_code_and_catalogue_code_cached():
    assert load_pack("shucheng") is load_pack("shucheng")
    assert load_pack("000").code == "shucheng"
    codes = {p["code"] for p in list_packs()}
    assert "shucheng" in codes


def test_runtime_error_is_isolated(tmp_path):
    body = "findings:" + finding("R-BAD", '"counts.acceptance_panel_size > 3"') + finding("R-OK", '"true"')
    pack = load_pack_file(write_pack(tmp_path, body))
    ev = evaluate(pack, Facts(), on=D(2026, 1, 5))  # panel size is null -> the comparison errors
    assert ev.finding_ids == ["R-OK"]
    assert ev.errors and ev.errors[0]["rule"] == "R-BAD.when"
    # lint flags unguarded null comparisons
    assert any(
        p.rule_id == "R-BAD" and "run-time" in p.problem for p in lint_file(write_pack(tmp_path, body))
    )


# ------------------------------------------------------------------ facts


def test_bad_facts_list_every_field():
    with pytest.raises(FactsError) as exc:
        Facts.from_dict(
            {
                "amounts": {"om": -1, "software": 1.5, "bogus": 1},
                "nature": "FOO",
                "dates": {"declared": "2026-02-30"},
                "mlps_level": 9,
            }
        )
    fields = {f for f, _msg in exc.value.fields}
    assert {
        "amounts.om",
        "amounts.software",
        "amounts.bogus",
        "nature",
        "dates.declared",
        "mlps_level",
    } <= fields
    assert "amounts.om" in str(exc.value)


@pytest.mark.parametrize(
    ("amount", "ok"),
    [
        pytest.param(0, True, id="zero"),
        pytest.param(10**12, True, id="max-1e12"),
        pytest.param(10**12 + 1, False, id="over-max"),
        pytest.param(-1, False, id="negative"),
        pytest.param("5000000", False, id="string"),
        pytest.param(True, False, id="bool"),
    ],
)
def test_amount_bounds(amount, ok):
    if ok:
        assert Facts.from_dict({"amounts": {"software": amount}}).amounts.total == amount
    else:
        with pytest.raises(FactsError):
            Facts.from_dict({"amounts": {"software": amount}})


def test_totals_and_included_amounts():
    f = Facts.from_dict(
        {
            "amounts": {
                "engineering": 1,
                "equipment": 2,
                "software": 3,
                "services": 4,
                "testing": 5,
                "supervision": 6,
                "other": 7,
                "contingency": 8,
                "om": 9,
                "security": 10,
                "crypto": 2,
            }
        }
    )
    assert f.amounts.total == 45 and f.amounts.total_excl_om == 36
    with pytest.raises(FactsError, match="security"):
        Facts.from_dict({"amounts": {"software": 10, "security": 11}})


def test_facts_json_schema():
    schema = facts_json_schema()
    assert schema["type"] == "object"
    assert "amounts" in schema["properties"] and "dates" in schema["properties"]
    json.dumps(schema)


def test_evaluate_accepts_dict_and_pack_code():
    ev = evaluate("shucheng", {"amounts": {"software": 100}}, on=D(2026, 1, 5))
    assert ev.pack["code"] == "shucheng"
    with pytest.raises(FactsError):
        evaluate("shucheng", {"amounts": {"software": -5}}, on=D(2026, 1, 5))


# ------------------------------------------------------------------ the made-up pack


@pytest.fixture(scope="module")
def madeup():
    return load_pack_file(MADEUP)


def test_madeup_lints_clean():
    assert lint_file(MADEUP) == []


def test_real_packs_lint_clean():
    assert [str(p) for p in lint_all()] == []


@pytest.mark.parametrize(
    ("size", "status"),
    [(3, "fail"), (4, "fail"), (5, "pass"), (6, "fail"), (7, "pass"), (None, "not_applicable")],
    ids=["3", "4", "5-min-odd", "6-even", "7", "unknown"],
)
def test_madeup_odd_panel_size(madeup, size, status):
    ev = evaluate(
        madeup,
        {"counts": {"acceptance_panel_size": size}, "amounts": {"software": 500_000}},
        on=D(2026, 1, 5),
    )
    assert ev.validation_status("MU-VAL-PANEL") == status


@pytest.mark.parametrize(
    ("on", "filed", "status"),
    [
        (D(2026, 10, 12), None, "open"),
        (D(2026, 10, 13), None, "open"),
        (D(2026, 10, 14), None, "overdue"),
        (D(2026, 10, 20), D(2026, 10, 13), "met"),
        (D(2026, 10, 20), D(2026, 10, 14), "late"),
    ],
    ids=["day-before", "on-due", "day-after", "filed-on-due", "filed-day-after"],
)
def test_madeup_working_day_filing(madeup, on, filed, status):
    facts = {
        "amounts": {"software": 500_000},
        "dates": {"contract_signed": "2026-09-28", "documents_generated": filed},
    }
    d = evaluate(madeup, facts, on=on).deadline("MU-DL-FILE")
    assert d["due"] == "2026-10-13"  # 7 working days over National Day incl. the 调休 Saturday 10-10
    assert d["status"] == status


@pytest.mark.parametrize(
    ("total", "has_doc"),
    [(2_999_999, False), (3_000_000, True), (3_000_001, True)],
    ids=["-1", "at", "+1"],
)
def test_madeup_threshold(madeup, total, has_doc):
    ev = evaluate(madeup, {"amounts": {"software": total, "om": 1_000_000}}, on=D(2026, 1, 5))
    assert ev.threshold("MU-TH-1") is has_doc
    assert ("feasibility_study" in ev.document_codes()) is has_doc


def test_madeup_scope(madeup):
    ev = evaluate(madeup, {"amounts": {"software": 199_999}}, on=D(2026, 1, 5))
    assert ev.scope_status == "filing_only" and "MU-ST-REVIEW" not in ev.stage_ids
    assert ev.disabled == ["MU-ST-REVIEW"]
    ev = evaluate(madeup, {"amounts": {"software": 200_000}}, on=D(2026, 1, 5))
    assert ev.scope_status == "in_scope" and "MU-ST-REVIEW" in ev.stage_ids
    ev = evaluate(madeup, {"secrecy": "CLASSIFIED", "amounts": {"software": 5_000_000}}, on=D(2026, 1, 5))
    assert ev.scope_status == "out_of_scope" and ev.route == [] and ev.deadlines == []


def test_madeup_soft_finding_override(madeup):
    base = {"nature": "NEW", "deploys_on_gov_cloud": False, "amounts": {"software": 500_000}}
    ev = evaluate(madeup, base, on=D(2026, 1, 5))
    assert ev.active_finding_ids == ["MU-RJ-1"]
    ev = evaluate(
        madeup,
        {**base, "overrides": {"MU-RJ-1": {"by": "张三", "justification": "已有专网"}}},
        on=D(2026, 1, 5),
    )
    assert ev.finding_ids == ["MU-RJ-1"] and ev.active_finding_ids == []
    assert ev.to_dict()["findings"][0]["override"]["by"] == "张三"


def test_madeup_other_deadline_kinds(madeup):
    facts = {
        "amounts": {"software": 500_000},
        "dates": {
            "approved": "2024-03-01",
            "contract_signed": "2026-09-01",
            "rectification_notice": "2026-09-05",
        },
        "issuer_due_dates": {"MU-DL-RECTIFY": "2026-10-30"},
    }
    ev = evaluate(madeup, facts, on=D(2026, 10, 21))
    assert ev.deadline("MU-DL-VALID")["due"] == "2026-03-01"
    assert ev.deadline("MU-DL-VALID")["status"] == "expired"
    assert ev.deadline("MU-DL-RECTIFY")["due"] == "2026-10-30"
    assert ev.deadline("MU-DL-RECTIFY")["status"] == "open"
    monthly = ev.deadline("MU-DL-MONTHLY")
    assert monthly["due"] == "2026-11-20" and monthly["status"] == "recurring"
    ev = evaluate(madeup, facts, on=D(2026, 10, 20))
    assert ev.deadline("MU-DL-MONTHLY")["due"] == "2026-10-20"


def test_madeup_security_ratio_and_scoring(madeup):
    ev = evaluate(
        madeup, {"nature": "NEW", "amounts": {"software": 1_000_000, "security": 80_000}}, on=D(2026, 1, 5)
    )
    assert ev.validation_status("MU-VAL-SECURITY") == "pass"
    ev = evaluate(
        madeup, {"nature": "NEW", "amounts": {"software": 1_000_000, "security": 79_999}}, on=D(2026, 1, 5)
    )
    assert ev.validation_status("MU-VAL-SECURITY") == "fail"
    assert sum(c.weight for c in madeup.pack.scoring[0].criteria) == 100


def test_evaluation_is_json_serialisable(madeup):
    ev = evaluate(
        madeup,
        {"amounts": {"software": 5_000_000}, "dates": {"contract_signed": "2026-09-28"}},
        on=D(2026, 10, 1),
    )
    data = json.loads(json.dumps(ev.to_dict(), ensure_ascii=False))
    assert data["pack"]["code"] == "madeup"
    assert {
        "scope",
        "thresholds",
        "route",
        "documents",
        "findings",
        "validations",
        "deadlines",
        "errors",
    } <= set(data)
    for item in data["route"] + data["findings"] + data["deadlines"] + data["thresholds"]:
        assert item["cite"]["article"] and item["catalogue"]


# ------------------------------------------------------------------ notes and thresholds that do not apply


def test_deadline_keeps_its_own_note_beside_the_calendar_note(tmp_path):
    path = write_pack(
        tmp_path,
        """
        deadlines:
          - id: D-1
            name: 合同备案
            trigger: contract_signed
            period: {kind: calendar_days, amount: 10}
            consequence: 通报
            text: 合同签订后十日内备案
            note: 以合同落款日期为准
            cite: {article: 第一条, quote: 测试}
            catalogue: [X-TEST-1]
        """,
    )
    # 2026-09-25 + 10 days = 10-05, inside the National Day holiday (10-01..10-07) → the next working day
    d = evaluate(
        load_pack_file(path), {"dates": {"contract_signed": "2026-09-25"}}, on=D(2026, 9, 26)
    ).deadline("D-1")
    assert d is not None
    assert d["note"] == "以合同落款日期为准"
    assert d["due"] == "2026-10-08" and "顺延" in d["calendar_note"]


def test_a_threshold_that_does_not_apply_reads_as_none_and_unknown_ids_raise(tmp_path):
    path = write_pack(
        tmp_path,
        """
        thresholds:
          - id: T-1
            name: classified_panel
            literal: 涉密项目专家不少于3人
            measure: counts.review_panel_size
            op: ">="
            value: 3
            when: classified
            consequence: 不满足则重新组织评审
            cite: {article: 第一条, quote: 测试}
            catalogue: [X-TEST-1]
        """,
    )
    pack = load_pack_file(path)
    assert evaluate(pack, {"counts": {"review_panel_size": 2}}, on=D(2026, 1, 5)).threshold("T-1") is None
    classified = {"secrecy": "CLASSIFIED", "counts": {"review_panel_size": 2}}
    assert evaluate(pack, classified, on=D(2026, 1, 5)).threshold("T-1") is False
    with pytest.raises(KeyError):
        evaluate(pack, {}, on=D(2026, 1, 5)).threshold("T-404")


# ------------------------------------------------------------------ score sheets (上城 初审评分表, A-SC4-20)


def test_score_sheet_check_reports_each_criterion_then_unknown_codes():
    from govit.policies.engine import score_sheet_check

    table = load_pack("shangcheng").pack.scoring[0]
    full = {c.code: c.weight for c in table.criteria}
    assert score_sheet_check(table, full) == (full, [])
    clean, problems = score_sheet_check(table, {**full, "budget": 16, "security": None, "zz": 1, "aa": 2})
    assert [(p.kind, p.criterion.code if p.criterion else p.unknown) for p in problems] == [
        ("missing", "security"),
        ("range", "budget"),
        ("unknown", ("aa", "zz")),
    ]
    assert "budget" not in clean and clean["necessity"] == full["necessity"]
    _clean, problems = score_sheet_check(table, {**full, "budget": True})
    assert [p.kind for p in problems] == ["not_int"]
