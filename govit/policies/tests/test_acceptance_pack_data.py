"""The pack data behind 竣工验收 evidence, failed acceptance, 初验, 限期整改 and evaluation (no database).

First what the lint refuses in the new attributes (``confirm_by``, ``expires``, ``blocking``,
``sanctions``, evidence and evaluation forms without fields), then, per pack, which evidence forms
apply (``evaluate(...).forms``) under the conditions written into the packs, the rectification
deadlines and their sanctions, the filings that discharge the yearly O&M deadlines and the evaluation
forms and scoring tables. Test ids and docstrings name the catalogue items they rest on.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from govit.policies.engine import Facts, evaluate, lint_file, load_pack
from govit.policies.engine.schema import Form

D = dt.date
ON = D(2026, 6, 1)

PACKS = ("shucheng", "shizuishan", "zhanggong", "jinxiang", "shangcheng")

ACCEPT_STAGE = {
    "shucheng": "ST-000-10",  # 第二十条 竣工验收申请
    "shizuishan": "ST-001-11",  # 第二十五条 竣工验收
    "zhanggong": "ST-002-14-apply",  # 第二十五条(二) 申请竣工验收
    "jinxiang": "ST-003-11",  # 第三十四条 竣工验收（申请）
    "shangcheng": "ST-004-13",  # ¶78–¶79 验收申请
}
"""Each pack's stage at which the 竣工验收 evidence is handed in."""


def ev_forms(code: str, on: dt.date = ON, **facts: Any) -> list[str]:
    return evaluate(load_pack(code), Facts.from_dict(facts), on=on).forms


def forms_of(code: str) -> dict[str, Form]:
    return {f.id: f for f in load_pack(code).pack.forms}


def evidence_ids(code: str) -> set[str]:
    return {f.id for f in load_pack(code).pack.forms if f.purpose == "acceptance_evidence"}


# ------------------------------------------------------------------ lint of the new attributes

PACK_HEAD = """\
meta:
  code: t
  jurisdiction: 测试县
  level: county
  source: {title: 测试办法, status: 现行}
  version: "1"
  roles: {COMPETENT_BUREAU: [测试局], PROJECT_UNIT: [项目建设单位]}
route:
  - {id: ST-1, code: ACCEPT_APPLY, name: 验收申请, kind: acceptance_application, roles: [PROJECT_UNIT],
     cite: {article: 第一条, quote: 测试}, catalogue: [X-TEST-1]}
"""


def lint_body(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "t.yaml"
    path.write_text(PACK_HEAD + textwrap.dedent(body), encoding="utf-8")
    return [p.problem for p in lint_file(path)]


def evidence_form(
    extra: str = "", fields: str = "[{key: ref, label: 编号, type: text, required: true}]"
) -> str:
    return f"""
    forms:
      - id: F-1
        name: 证据
        stage: ST-1
        purpose: acceptance_evidence
        fields: {fields}
        {extra}
        cite: {{article: 第一条, quote: 测试}}
        catalogue: [X-TEST-1]
    """


def rectification_deadline(extra: str) -> str:
    return f"""
    deadlines:
      - id: DL-X
        name: 限期整改
        trigger: rectification_notice
        period: {{kind: set_by_issuer}}
        closing_event: rectification_done
        consequence: 测试
        text: 测试
        {extra}
        cite: {{article: 第一条, quote: 测试}}
        catalogue: [X-TEST-1]
    """


def test_a_well_formed_evidence_form_and_rectification_deadline_lint_clean(tmp_path):
    body = evidence_form(
        "confirm_by: COMPETENT_BUREAU",
        "[{key: level, label: 等保级别, type: int, required: true},"
        " {key: until, label: 有效期至, type: date, required: true, expires: true},"
        " {key: result, label: 结论, type: choice, choices: [符合, 不符合], blocking: [不符合]}]",
    ) + rectification_deadline(
        "rectification: true\n        sanctions: [{code: CRITICISM}, {code: RETIRE, approval_by: LEADER_SIGNOFF}]"
    )
    assert lint_body(tmp_path, body) == []


def test_sanctions_need_a_rectification_deadline(tmp_path):
    """DL-25 / DL-36 / DL-51 / DL-53: sanctions only follow an overdue 限期整改."""
    problems = lint_body(tmp_path, rectification_deadline("sanctions: [{code: TERMINATE}]"))
    assert "sanctions belong to a rectification deadline (rectification: true)" in problems


def test_an_unknown_sanction_code_is_refused(tmp_path):
    problems = lint_body(
        tmp_path, rectification_deadline("rectification: true\n        sanctions: [{code: FINE}]")
    )
    assert any(p.startswith("deadlines.0.sanctions.0.code: Input should be") for p in problems), problems


def test_confirm_by_needs_a_local_name_for_the_role(tmp_path):
    """章贡 第二十五条(一): the confirming body must be named in meta.roles (here CRYPTO is not)."""
    problems = lint_body(tmp_path, evidence_form("confirm_by: CRYPTO"))
    assert "confirm_by CRYPTO has no local name in meta.roles" in problems


def test_confirm_by_belongs_to_acceptance_evidence(tmp_path):
    body = evidence_form("confirm_by: COMPETENT_BUREAU").replace("acceptance_evidence", "filing")
    body = body.replace("purpose: filing", "purpose: termination")
    assert "only acceptance evidence is confirmed by another body" in lint_body(tmp_path, body)


def test_blocking_values_must_be_among_the_choices(tmp_path):
    fields = "[{key: result, label: 结论, type: choice, choices: [通过, 不通过], blocking: [不合格]}]"
    problems = lint_body(tmp_path, evidence_form(fields=fields))
    assert any("blocking values ['不合格'] are not among its choices" in p for p in problems), problems


def test_only_a_date_field_expires(tmp_path):
    fields = "[{key: until, label: 有效期, type: text, expires: true}]"
    problems = lint_body(tmp_path, evidence_form(fields=fields))
    assert any("only a date field can be the end of a validity (expires)" in p for p in problems), problems


@pytest.mark.parametrize("purpose", ["acceptance_evidence", "evaluation"])
def test_evidence_and_evaluation_forms_need_fields(tmp_path, purpose):
    body = evidence_form(fields="[]").replace("acceptance_evidence", purpose)
    assert f"a {purpose} form needs typed fields" in lint_body(tmp_path, body)


def test_real_packs_lint_clean():
    from govit.policies.engine import lint_all

    assert [str(p) for p in lint_all()] == []


# ------------------------------------------------------------------ evidence forms in all packs


@pytest.mark.parametrize("code", PACKS)
def test_evidence_forms_are_well_formed(code):
    """Every evidence form sits at the pack's acceptance-application stage, has typed fields with an
    issue/handover date, and only date fields expire."""
    pack = load_pack(code)
    route = {s.id for s in pack.pack.route}
    assert ACCEPT_STAGE[code] in route
    ids = evidence_ids(code)
    assert ids, f"{code}: no acceptance evidence"
    for form_id in ids:
        form = forms_of(code)[form_id]
        assert form.stage == ACCEPT_STAGE[code], (form_id, form.stage)
        assert form.kind == "form" and form.fields, form_id
        assert form.cite.article and form.cite.quote and form.catalogue, form_id
        assert any(f.type == "date" and not f.expires and f.required for f in form.fields), form_id
        for field in form.fields:
            assert not field.expires or field.type == "date", (form_id, field.key)
            assert set(field.blocking) <= set(field.choices), (form_id, field.key)


def test_only_zhanggong_evidence_is_confirmed_by_another_body():
    """章贡 第二十五条(一) alone has the 确认 before 竣工验收."""
    for code in PACKS:
        confirmed = {f.id: f.confirm_by for f in load_pack(code).pack.forms if f.confirm_by}
        if code != "zhanggong":
            assert confirmed == {}, (code, confirmed)


# ---- 舒城 第二十条 (§7.1.4) + 试运行报告 (TH-05, DL-03)

SHUCHENG_EVIDENCE = [
    "F-000-EV-CONTRACT",
    "F-000-EV-TENDER",
    "F-000-EV-FUNC-TEST",
    "F-000-EV-OM-AGREEMENT",
    "F-000-EV-THREE-LISTS",
    "F-000-EV-DB-ADMIN",
    "F-000-EV-SOURCE",
    "F-000-EV-INTERFACES",
    "F-000-EV-TRIAL-REPORT",
]


def test_shucheng_acceptance_materials_7_1_4():
    """§7.1.4 第二十条: 项目合同、招投标文件、项目功能测试报告、运维协议、数据“三清单”及数据库最高管理权限、
    源代码、标准接口, plus the 试运行报告 (TH-05, DL-03) — every project, no condition."""
    assert evidence_ids("shucheng") == set(SHUCHENG_EVIDENCE)
    forms = ev_forms("shucheng")
    assert [f for f in forms if f in SHUCHENG_EVIDENCE] == SHUCHENG_EVIDENCE
    f = forms_of("shucheng")
    assert {x.key for x in f["F-000-EV-THREE-LISTS"].fields if x.type == "bool"} == {
        "responsibility_list",
        "demand_list",
        "negative_list",
    }
    assert [x.key for x in f["F-000-EV-OM-AGREEMENT"].fields if x.expires] == ["valid_until"]
    assert f["F-000-EV-FUNC-TEST"].fields[-1].blocking == ["不通过"]
    # 数据库最高管理权限: a handover confirmation, never the credential (§7.1.4)
    assert not any("口令" in x.label or "密码" in x.label for x in f["F-000-EV-DB-ADMIN"].fields)


# ---- 石嘴山 第二十五条: 通过初步验收 (ST-001-10) 且试运行满足要求 (DL-15)


@pytest.mark.parametrize(
    ("engineering", "applies"),
    [(599_999, False), (600_000, True)],
    ids=["ST-001-11 evidence TH-06 599999 (备案 only)", "ST-001-11 evidence TH-06 600000"],
)
def test_shizuishan_initial_acceptance_and_trial_evidence(engineering, applies):
    """DL-15 / ST-001-10: the 竣工验收 needs a passed 初验 and a 试运行 that 满足要求; projects below the
    60万 threshold are only filed (OOS-SZS-2) and have no acceptance."""
    forms = ev_forms("shizuishan", amounts={"engineering": engineering})
    assert ("F-001-EV-INITIAL" in forms) is applies
    assert ("F-001-EV-TRIAL" in forms) is applies
    assert evidence_ids("shizuishan") == {"F-001-EV-INITIAL", "F-001-EV-TRIAL"}
    trial = forms_of("shizuishan")["F-001-EV-TRIAL"]
    assert trial.fields[-1].choices == ["满足要求", "不满足要求"] and trial.fields[-1].blocking == [
        "不满足要求"
    ]


# ---- 章贡 第二十五条(二) 9 items (§7.3.2), 确认 by 第二十五条(一) (RJ-53)

ZG_ALWAYS = [
    "F-002-EV-LETTER",
    "F-002-EV-PROCUREMENT",
    "F-002-EV-EXPERT-OPINION",
    "F-002-EV-DATA-SHARING",
    "F-002-EV-SECURE-RELIABLE",
    "F-002-EV-AUDIT",
    "F-002-EV-TEST",
    "F-002-EV-CRYPTO",
    "F-002-EV-SECRECY-RISK",
    "F-002-EV-ARCHIVES",
]


@pytest.mark.parametrize(
    ("secrecy", "item8"),
    [
        ("NON_CLASSIFIED", ["F-002-EV-MLPS"]),
        ("WORK_SECRET", ["F-002-EV-MLPS", "F-002-EV-WORK-SECRET"]),
        ("CLASSIFIED", ["F-002-EV-GRADED"]),
    ],
    ids=["§7.3.2 item 8 非涉密 等保", "§7.3.2 item 8 工作秘密", "§7.3.2 item 8 涉密 分级保护"],
)
def test_zhanggong_acceptance_materials_7_3_2(secrecy, item8):
    forms = set(ev_forms("zhanggong", secrecy=secrecy, amounts={"software": 1_000_000}))
    assert set(ZG_ALWAYS) <= forms
    assert evidence_ids("zhanggong") & forms == set(ZG_ALWAYS) | set(item8)


def test_zhanggong_confirmations_rj53():
    """RJ-53 第二十五条(一): 数据共享情况 confirmed by 数据资源管理部门 (A-ZG-24: 区政务服务和数据管理局),
    安全可靠 and 密码应用及安全性评估 by 区委保密和机要局."""
    pack = load_pack("zhanggong").pack
    confirmed = {f.id: f.confirm_by for f in pack.forms if f.confirm_by}
    assert confirmed == {
        "F-002-EV-DATA-SHARING": "COMPETENT_BUREAU",
        "F-002-EV-SECURE-RELIABLE": "XINCHUANG",
        "F-002-EV-CRYPTO": "CRYPTO",
    }
    assert pack.meta.roles["COMPETENT_BUREAU"] == ["区政务服务和数据管理局"]
    assert pack.meta.roles["XINCHUANG"] == pack.meta.roles["CRYPTO"] == ["区委保密和机要局"]
    secure = forms_of("zhanggong")["F-002-EV-SECURE-RELIABLE"]
    assert {"server_vendor", "os_vendor", "database_vendor"} <= {f.key for f in secure.fields}


@pytest.mark.parametrize(
    ("form_id", "key", "blocking"),
    [
        ("F-002-EV-EXPERT-OPINION", "conclusion", ["不通过"]),  # 第二十六条(六)
        ("F-002-EV-TEST", "function_result", ["不通过"]),  # 第二十六条(三)
        ("F-002-EV-TEST", "performance_result", ["不通过"]),
        ("F-002-EV-MLPS", "conclusion", ["不符合"]),
        ("F-002-EV-CRYPTO", "conclusion", ["不通过"]),
        ("F-002-EV-ARCHIVES", "conclusion", ["不合格"]),  # 第二十六条(五)
    ],
    ids=[
        "RJ-59 专家评审会不通过",
        "RJ-56 功能测评",
        "RJ-56 性能测评",
        "RJ-56 等保不符合",
        "RJ-56 密评不通过",
        "RJ-58 档案验收不合格",
    ],
)
def test_zhanggong_failing_conclusions_block(form_id, key, blocking):
    field = next(f for f in forms_of("zhanggong")[form_id].fields if f.key == key)
    assert field.type == "choice" and field.blocking == blocking


def test_zhanggong_mlps_report_has_level_and_validity():
    fields = {f.key: f for f in forms_of("zhanggong")["F-002-EV-MLPS"].fields}
    assert fields["level"].type == "int"
    assert fields["valid_until"].type == "date" and fields["valid_until"].expires
    assert fields["conclusion"].choices == ["符合", "基本符合", "不符合"]


def test_zhanggong_failure_cases_and_initial_checks():
    """RJ-54…RJ-59 第二十六条: the six 验收不通过 cases; §7.3.4 第二十五条(一): what the 初验 checks."""
    forms = forms_of("zhanggong")
    fail = forms["F-002-ACCEPT-FAIL"]
    assert fail.purpose == "acceptance_failure" and len(fail.items) == 6
    assert fail.catalogue == ["RJ-54", "RJ-55", "RJ-56", "RJ-57", "RJ-58", "RJ-59"]
    initial = forms["F-002-INITIAL-ACCEPT"]
    assert initial.purpose == "initial_acceptance" and initial.stage == "ST-002-12"
    assert forms["F-002-ACCEPT-MATERIALS"].purpose is None  # the checklist stays as it was


def test_failure_cases_only_where_the_text_lists_them():
    for code in PACKS:
        failing = [f.id for f in load_pack(code).pack.forms if f.purpose == "acceptance_failure"]
        assert failing == (["F-002-ACCEPT-FAIL"] if code == "zhanggong" else []), code


# ---- 金乡 第三十四条 (初验通过、按采购合同确认履约) and 第三十八条 (密评, DL-37)


def test_jinxiang_acceptance_evidence():
    assert evidence_ids("jinxiang") == {"F-003-EV-INITIAL", "F-003-EV-CONTRACT", "F-003-EV-CRYPTO"}
    forms = ev_forms("jinxiang")
    assert {"F-003-EV-INITIAL", "F-003-EV-CONTRACT", "F-003-EV-CRYPTO"} <= set(forms)
    crypto = forms_of("jinxiang")["F-003-EV-CRYPTO"]
    assert crypto.cite.article == "第三十八条" and "DL-37" in crypto.catalogue
    assert crypto.fields[-1].blocking == ["不通过"]


def test_jinxiang_out_of_scope_project_has_no_forms():
    """OOS-JX-1: 涉密 systems are outside the 办法, nothing to hand in."""
    assert ev_forms("jinxiang", secrecy="CLASSIFIED") == []


# ---- 上城 ¶78 (§7.5.5, RJ-102)


@pytest.mark.parametrize(
    ("facts", "mlps"),
    [
        ({"mlps_level": 3}, True),
        ({"mlps_level": 2}, True),
        ({"mlps_level": 1}, False),
        ({}, False),
        ({"mlps_level": 3, "nature": "OM"}, False),
    ],
    ids=[
        "RJ-102 等保 level 3",
        "RJ-102 等保 level 2",
        "RJ-102 等保 level 1",
        "RJ-102 等保 not graded",
        "RJ-102 OM no 验收",
    ],
)
def test_shangcheng_mlps_evidence(facts, mlps):
    forms = ev_forms("shangcheng", **facts)
    assert ("F-004-EV-MLPS" in forms) is mlps
    others = {"F-004-EV-XINCHUANG", "F-004-EV-TRIAL-REPORT", "F-004-EV-MATERIALS"}
    assert (others <= set(forms)) is (facts.get("nature") != "OM")


def test_shangcheng_evidence_content_7_5_5():
    """§7.5.5: 等保、信创测评报告, the IRS-generated 试运行报告 (A-SC4-08), 验收资料齐全."""
    forms = forms_of("shangcheng")
    assert evidence_ids("shangcheng") == {
        "F-004-EV-MLPS",
        "F-004-EV-XINCHUANG",
        "F-004-EV-TRIAL-REPORT",
        "F-004-EV-MATERIALS",
    }
    mlps = {f.key: f for f in forms["F-004-EV-MLPS"].fields}
    assert (
        mlps["level"].type == "int"
        and mlps["valid_until"].expires
        and mlps["conclusion"].blocking == ["不符合"]
    )
    xc = {f.key for f in forms["F-004-EV-XINCHUANG"].fields}
    assert {"server_vendor", "os_vendor", "database_vendor"} <= xc
    assert forms["F-004-EV-TRIAL-REPORT"].fields[-1].blocking == ["不正常"]  # ¶79 试运行正常
    assert forms["F-004-ACCEPT-CONDITIONS"].purpose is None  # the checklist stays as it was


def test_shangcheng_initial_acceptance_checklist():
    """ST-004-11 ¶78: the 初验 reviews the 整体完成情况 (TH-33 panel of 3+ odd experts)."""
    form = forms_of("shangcheng")["F-004-INITIAL-ACCEPT"]
    assert form.purpose == "initial_acceptance" and form.stage == "ST-004-11" and form.kind == "checklist"
    assert "F-004-INITIAL-ACCEPT" in ev_forms("shangcheng")
    assert "F-004-INITIAL-ACCEPT" not in ev_forms("shangcheng", nature="OM")


# ------------------------------------------------------------------ 限期整改 and sanctions

RECTIFICATION = {
    ("shizuishan", "DL-14"): [],  # 第二十四条: no measure named
    ("zhanggong", "DL-24"): [],  # 第二十六条: re-apply after rectification and a new trial run
    ("zhanggong", "DL-25"): [
        ("CRITICISM", None),
        ("FUNDS_DEFERRED", None),
        ("SUSPEND", None),
        ("TERMINATE", None),
    ],
    ("jinxiang", "DL-35"): [],  # 第三十五条
    ("jinxiang", "DL-36"): [
        ("CRITICISM", None),
        ("FUNDS_DEFERRED", None),
        ("SUSPEND", None),
        ("TERMINATE", None),
    ],
    ("shangcheng", "DL-50"): [],  # ¶79
    ("shangcheng", "DL-51"): [("DELIST", None)],  # ¶87
    ("shangcheng", "DL-53"): [("RETIRE", "LEADER_SIGNOFF")],  # ¶84
}


@pytest.mark.parametrize(
    ("code", "rule_id", "sanctions"),
    [(*k, v) for k, v in RECTIFICATION.items()],
    ids=[f"{code} {rule_id}" for code, rule_id in RECTIFICATION],
)
def test_rectification_deadlines_and_sanctions(code, rule_id, sanctions):
    rule = next(d for d in load_pack(code).pack.deadlines if d.id == rule_id)
    assert rule.rectification
    assert [(s.code, s.approval_by) for s in rule.sanctions] == sanctions


def test_no_other_rectification_deadlines():
    """舒城 has no 限期整改; every rectification deadline of the packs is in the table above."""
    found = {(code, d.id) for code in PACKS for d in load_pack(code).pack.deadlines if d.rectification}
    assert found == set(RECTIFICATION)


@pytest.mark.parametrize(
    ("on", "status"),
    [(D(2026, 9, 30), "open"), (D(2026, 10, 8), "overdue")],
    ids=["DL-53 on due", "DL-53 after due (RJ-103 强制淘汰 proposal)"],
)
def test_shangcheng_dl53_low_performance_rectification(on, status):
    """DL-53 ¶84: the 整改 period is set at the evaluation; a live application's notice counts here unless
    the project is found not sharing its data (then it is DL-51's)."""
    base = {"in_formal_use": True, "dates": {"rectification_notice": "2026-06-30"}}
    ev = evaluate(
        load_pack("shangcheng"), Facts.from_dict({**base, "issuer_due_dates": {"DL-53": "2026-09-30"}}), on=on
    )
    d = ev.deadline("DL-53")
    assert (d["due"], d["status"]) == ("2026-09-30", status)
    assert ev.deadline("DL-51") is None
    waiting = evaluate(load_pack("shangcheng"), Facts.from_dict(base), on=on).deadline("DL-53")
    assert waiting["status"] == "awaiting_issuer"
    sharing = evaluate(
        load_pack("shangcheng"), Facts.from_dict({**base, "data_sharing_compliant": False}), on=on
    )
    assert sharing.deadline("DL-53") is None and sharing.deadline("DL-51") is not None
    not_live = evaluate(load_pack("shangcheng"), Facts.from_dict({"dates": base["dates"]}), on=on)
    assert not_live.deadline("DL-53") is None


@pytest.mark.parametrize(
    "rule_id", ["DL-09", "DL-10", "DL-11"], ids=["DL-09 overdue", "DL-10 overdue", "DL-11 overdue"]
)
def test_shizuishan_late_filings_propose_rectification(rule_id):
    """第十八条(一) filings; 第二十四条: not following the 备案 procedure → 市数据局 orders 限期整改 (DL-14)."""
    rule = next(d for d in load_pack("shizuishan").pack.deadlines if d.id == rule_id)
    assert rule.on_overdue == "propose_rectification"
    assert rule.closing_event is None  # discharged by the filing itself


# ------------------------------------------------------------------ yearly O&M filings


@pytest.mark.parametrize(
    ("filed", "status"),
    [(None, "overdue"), ("2026-02-02", "met"), ("2026-02-03", "late")],
    ids=["DL-09 not filed", "DL-09 filed on due", "DL-09 filed late"],
)
def test_shizuishan_om_filing_discharges_dl09(filed, status):
    """DL-09 第十八条(一): 运行维护资金使用情况 filed with F-001-FILING-OM within a month after the budget
    year (2025 → 2026-01-31, a Saturday → 2026-02-02)."""
    facts = {"nature": "OM", "plan_year": 2025, "fulfilled": {"DL-09": filed} if filed else {}}
    ev = evaluate(load_pack("shizuishan"), Facts.from_dict(facts), on=D(2026, 3, 2))
    assert "F-001-FILING-OM" in ev.forms
    assert (ev.deadline("DL-09")["due"], ev.deadline("DL-09")["status"]) == ("2026-02-02", status)
    form = forms_of("shizuishan")["F-001-FILING-OM"]
    assert form.purpose == "filing" and form.fulfils == ["DL-09"] and form.stage == "ST-001-12"
    assert "F-001-FILING-OM" not in ev_forms("shizuishan", nature="NEW")
    assert "F-001-FILING-OM" in ev_forms(
        "shizuishan", nature="NEW", amounts={"engineering": 900_000, "om": 1}
    )


def test_shucheng_yearly_om_filing_dl05():
    """DL-05 第二十二条: 项目运维情况按年度报县数管局备案 — a recurring duty (no date in the text), each
    year's filing made with F-000-FILING-OM; only decommissioning ends it."""
    form = forms_of("shucheng")["F-000-FILING-OM"]
    assert form.purpose == "filing" and form.fulfils == ["DL-05"] and form.stage == "ST-000-12"
    types = {f.key: f.type for f in form.fields}
    assert types["year"] == "int" and types["om_cost"] == "money_yuan" and types["operation"] == "longtext"
    rule = next(d for d in load_pack("shucheng").pack.deadlines if d.id == "DL-05")
    assert rule.period.kind == "recurring" and rule.closing_event == "decommissioned"
    assert "F-000-FILING-OM" in ev_forms("shucheng")


# ------------------------------------------------------------------ evaluation


def test_shucheng_performance_scoring_table():
    """§7.1.7 第二十四条: the seven dimensions, weighted by a default sample (the text gives none)."""
    pack = load_pack("shucheng").pack
    table = next(t for t in pack.scoring if t.id == "SCORE-000-PERF")
    assert table.purpose == "evaluation" and table.stage == "ST-000-13" and table.pass_mark == 60
    assert sum(c.weight for c in table.criteria) == 100
    dimensions = next(f for f in pack.forms if f.id == "F-000-PERFORMANCE").items
    assert [c.name for c in table.criteria] == dimensions
    assert table.note and "默认样表" in table.note
    reason = next(n.reason for n in pack.not_encodable if n.catalogue == "§7.1.7")
    assert "默认样表" in reason


def test_review_scoring_tables_keep_the_default_purpose():
    assert load_pack("shangcheng").pack.scoring[0].purpose == "review"


def test_jinxiang_annual_self_evaluation_dl33():
    """DL-33 第三十六条: the yearly 自评价报告; 差 read as 绩效评价结果不佳 (A-JX-08, RJ-70)."""
    form = forms_of("jinxiang")["F-003-SELF-EVAL"]
    assert form.purpose == "evaluation" and form.stage == "ST-003-12"
    types = {f.key: f.type for f in form.fields}
    assert types == {
        "year": "int",
        "goals": "longtext",
        "operation": "longtext",
        "usage": "longtext",
        "conclusion": "choice",
    }
    assert form.fields[-1].choices == ["优", "良", "中", "差"] and form.fields[-1].blocking == ["差"]
    assert "F-003-SELF-EVAL" in ev_forms("jinxiang")


def test_shangcheng_performance_evaluation_rj103():
    """RJ-103 ¶82–¶84: the evaluation result, whose 低绩 grade leads to the DL-53 rectification."""
    form = forms_of("shangcheng")["F-004-PERF-EVAL"]
    assert form.purpose == "evaluation" and form.stage == "ST-004-15"
    grade = next(f for f in form.fields if f.key == "grade")
    assert "低绩" in grade.choices and grade.blocking == ["低绩"]


def test_evaluation_forms_only_where_the_text_has_them():
    found = {(code, f.id) for code in PACKS for f in load_pack(code).pack.forms if f.purpose == "evaluation"}
    assert found == {("jinxiang", "F-003-SELF-EVAL"), ("shangcheng", "F-004-PERF-EVAL")}
