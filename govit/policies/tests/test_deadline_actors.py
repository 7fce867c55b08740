"""Who must act by each deadline's due date (``DeadlineRule.by``, the first role is the responsible
party) in the five packs.

Every deadline whose actor is not the project unit is listed in :data:`NOT_UNIT` with the catalogue id
and article it rests on; every other deadline of the five packs must keep the default
``["PROJECT_UNIT"]`` (submit, file, sign, report, rectify, apply, run a trial or an assessment).
"""

from __future__ import annotations

import pytest

from govit.policies.engine import load_pack
from govit.policies.engine.schema import DeadlineRule

PACKS = ("shucheng", "shizuishan", "zhanggong", "jinxiang", "shangcheng")

DEFAULT = ["PROJECT_UNIT"]

NOT_UNIT: dict[tuple[str, str], list[str]] = {
    # DL-02 第十二条: 每年7—8月份，县数管局初审通过后，会同县财政局、县发改委、县密码管理局组织专家开展集中审查论证
    ("shucheng", "DL-02"): ["COMPETENT_BUREAU", "FINANCE", "DEV_REFORM", "CRYPTO", "EXPERT"],
    # DL-17 第七条: 限额以上项目由区政务服务和数据管理局报市局统筹把关后，每年6月底前报省、市领导小组
    ("zhanggong", "DL-17"): ["COMPETENT_BUREAU"],
    # DL-18 第十二条: 区政务服务和数据管理局、区财政局每年9月底前联合发布项目申报通知
    ("zhanggong", "DL-18"): ["COMPETENT_BUREAU", "FINANCE"],
    # DL-28 第十八条: 区财政局按程序列入当年的部门预算
    ("zhanggong", "DL-28"): ["FINANCE"],
}
"""(pack code, deadline id) → expected ``by`` for every deadline not on the project unit."""


def _deadlines(code: str) -> dict[str, DeadlineRule]:
    return {d.id: d for d in load_pack(code).pack.deadlines}


DEFAULTED = sorted(
    (code, rule_id) for code in PACKS for rule_id in _deadlines(code) if (code, rule_id) not in NOT_UNIT
)
"""Every other deadline of the five packs (the packs minus :data:`NOT_UNIT`)."""


@pytest.mark.parametrize(
    ("code", "rule_id", "roles"),
    [(*k, v) for k, v in NOT_UNIT.items()],
    ids=[f"{code} {rule_id}" for code, rule_id in NOT_UNIT],
)
def test_deadline_acted_on_by_other_than_unit(code, rule_id, roles):
    deadlines = _deadlines(code)
    assert rule_id in deadlines, f"{code}: no deadline {rule_id}"
    assert roles != DEFAULT, f"{code} {rule_id}: the table lists the default"
    assert deadlines[rule_id].by == roles, f"{code} {rule_id}: by {deadlines[rule_id].by} != {roles}"


@pytest.mark.parametrize(
    ("code", "rule_id"), DEFAULTED, ids=[f"{code} {rule_id}" for code, rule_id in DEFAULTED]
)
def test_other_deadlines_on_project_unit(code, rule_id):
    by = _deadlines(code)[rule_id].by
    assert by == DEFAULT, f"{code} {rule_id}: by {by} is not the default; list it in NOT_UNIT"


def test_every_pack_has_deadlines():
    for code in PACKS:
        assert _deadlines(code), f"{code}: no deadlines"
