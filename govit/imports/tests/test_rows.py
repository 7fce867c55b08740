"""Each rule a row must meet, with the words the bureau reads on the preview page (第N行 列名：原因)."""

from __future__ import annotations

import datetime as dt

import pytest

from govit.imports.rows import RowChecker, problem_text
from govit.imports.tests.conftest import good_row

TODAY = dt.date(2026, 11, 23)


def checker(**kwargs) -> RowChecker:
    return RowChecker(
        jurisdiction_name="舒城县",
        units={"舒城县教育局": 1, "舒城县卫生健康委员会": 2},
        today=TODAY,
        **kwargs,
    )


def problems_of(**overrides) -> list[str]:
    row = good_row(2, **overrides)
    parsed, problems = checker().check(7, row)
    assert (parsed is None) == bool(problems)
    return [problem_text(p.as_dict()) for p in problems]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"建设单位": None}, "第7行 建设单位：必填，不能为空"),
        ({"项目名称": "  "}, "第7行 项目名称：必填，不能为空"),
        ({"项目名称": "平台" * 51}, "第7行 项目名称：不能超过 100 个字（当前 102 个字）"),
        ({"项目名称": "<script>alert(1)</script>"}, "第7行 项目名称：不能包含 HTML 标签或脚本"),
        ({"申报年度": "二〇二四"}, "第7行 申报年度：“二〇二四”不是四位数字年份，如 2025"),
        ({"申报年度": 1999}, "第7行 申报年度：应在 2000 至 2100 年之间"),
        ({"采购类别": "SERVICE"}, "第7行 采购类别：“SERVICE”不是有效的选项，可选：工程、货物、服务"),
        ({"涉密属性": "机密"}, "第7行 涉密属性：“机密”不是有效的选项，可选：非涉密、涉及工作秘密、涉密"),
        ({"共建单位": "舒城县教育局、舒城县公安局"}, "第7行 共建单位：舒城县没有名为“舒城县公安局”的单位"),
        (
            {"软件开发费（万元）": "一百"},
            "第7行 软件开发费（万元）：“一百”不是数字金额（单位：万元），如 120.5",
        ),
        ({"软件开发费（万元）": 100.00001}, "第7行 软件开发费（万元）：金额最多保留四位小数（精确到元）"),
        ({"软件开发费（万元）": 10**9}, "第7行 软件开发费（万元）：金额不能超过 1 亿万元（10^12 元）"),
        ({"软件开发费（万元）": "=50*2"}, "第7行 软件开发费（万元）：应为数字金额，不能是公式"),
        ({"总投资（万元）": 120}, "第7行 总投资（万元）：与各项费用之和（100.00 万元）不一致"),
        (
            {"本级财政资金（万元）": 60},
            "第7行 本级财政资金（万元）：资金来源合计（60.00 万元）应等于项目总投资（100.00 万元）",
        ),
        ({"其中：网络安全投入（万元）": 120}, "第7行 其中：网络安全投入（万元）：不能超过项目总投资"),
        ({"部署在政务云": "Y"}, "第7行 部署在政务云：应填写“是”或“否”"),
        ({"联系电话": "电话号码"}, "第7行 联系电话：联系电话格式不正确"),
        ({"项目状态": "审查中"}, None),  # listed below with every allowed status
        ({"批复日期": "2024-02-30"}, "第7行 批复日期：“2024-02-30”不是有效日期，应如 2024-05-01"),
        ({"批复日期": "2026-11-24"}, "第7行 批复日期：不能晚于今天"),
        ({"批复投资（万元）": 120}, "第7行 批复投资（万元）：不能超过项目总投资"),
        ({"批复投资（万元）": 0}, "第7行 批复投资（万元）：必须大于 0"),
        ({"申报日期": "2024-05-01"}, "第7行 申报日期：不能晚于批复日期"),
        ({"项目名称": "（示例，导入前请删除）智慧校园"}, "第7行 项目名称：这是模板中的示例行，导入前请删除"),
    ],
)
def test_a_bad_cell_is_named_by_row_column_and_reason(overrides, expected):
    problems = problems_of(**overrides)
    if expected is None:
        assert problems == [
            "第7行 项目状态：“审查中”不是有效的选项，可选：已申报、不予支持、已立项、建设中、已验收、运行维护、已下线、已终止"
        ]
    else:
        assert problems == [expected]


def test_the_state_decides_whether_the_approval_record_is_required():
    no_approval = {"立项文号": None, "批复投资（万元）": None, "批复日期": None}
    assert problems_of(项目状态="建设中", **no_approval) == [
        "第7行 立项文号：项目状态为“建设中”时必填",
        "第7行 批复投资（万元）：项目状态为“建设中”时必填",
        "第7行 批复日期：项目状态为“建设中”时必填",
    ]
    assert problems_of(项目状态="已申报") == [
        "第7行 立项文号：项目状态为“已申报”的项目尚未立项，不能填写立项文号",
        "第7行 批复投资（万元）：项目状态为“已申报”的项目尚未立项，不能填写批复投资",
        "第7行 批复日期：项目状态为“已申报”的项目尚未立项，不能填写批复日期",
    ]
    assert problems_of(项目状态="已终止", **{"批复日期": None}) == ["第7行 批复日期：填写立项信息时必填"]
    assert problems_of(项目状态="已终止", **no_approval) == []
    # without a status: approved when it has a 立项文号, else declared
    parsed, _ = checker().check(2, good_row(2, 项目状态=None))
    assert parsed.status == "approved" and parsed.approval["approved_budget_yuan"] == 955_000
    parsed, _ = checker().check(2, good_row(2, 项目状态=None, **no_approval))
    assert parsed.status == "submitted" and parsed.approval is None


def test_a_row_becomes_the_fields_of_the_project():
    parsed, problems = checker().check(
        9,
        good_row(
            9,
            共建单位="舒城县教育局",
            涉密属性=None,
            **{
                "软件开发费（万元）": "1,234.5678",
                "本级财政资金（万元）": 1234.5678,
                "部署在政务云": "是",
                "联系电话": 13800000000,
                "批复投资（万元）": 1000,
                "批复日期": dt.datetime(2024, 3, 1),
            },
        ),
    )
    assert problems == []
    assert parsed.unit_id == 2 and parsed.co_unit_ids == [1]
    assert parsed.fields["cost_software"] == 12_345_678 and parsed.fields["total_yuan"] == 12_345_678
    assert parsed.fields["secrecy"] == "NON_CLASSIFIED" and parsed.fields["deploys_on_gov_cloud"] is True
    assert parsed.fields["contact_phone"] == "13800000000"
    assert parsed.approval["approved_on"] == dt.date(2024, 3, 1)
    assert parsed.preview()["total_wan"] == "1,234.57" and parsed.preview()["status"] == "已立项"


def test_only_a_total_is_counted_as_other_costs():
    parsed, problems = checker().check(3, good_row(3, **{"软件开发费（万元）": None, "总投资（万元）": 100}))
    assert problems == [] and parsed.fields["cost_other"] == 1_000_000
    assert parsed.fields["total_yuan"] == 1_000_000


def test_an_unreadable_amount_is_reported_once_not_again_in_the_sums():
    assert problems_of(**{"软件开发费（万元）": -5}) == ["第7行 软件开发费（万元）：金额不能为负数"]


def test_duplicates_within_the_file_and_against_existing_projects():
    rows = checker(existing={(1, 2024, "已在系统中的项目")})
    rows.check(2, good_row(2, 项目名称="重复的项目"))
    _, problems = rows.check(4, good_row(4, 项目名称="重复的项目", 立项文号="舒数管〔2024〕2号"))
    assert [problem_text(p.as_dict()) for p in problems] == [
        "第4行 项目名称：与第2行重复（同一建设单位、同一年度的同名项目）",
        "第4行 立项文号：与第2行的立项文号重复",
    ]
    # another unit or another year is another project
    assert rows.check(5, good_row(5, 项目名称="重复的项目"))[1] == []
    assert rows.check(6, good_row(6, 项目名称="重复的项目", 申报年度=2025))[1] == []
    _, problems = rows.check(8, good_row(8, 项目名称="已在系统中的项目"))
    assert [problem_text(p.as_dict()) for p in problems] == [
        "第8行 项目名称：舒城县教育局已有2024年度的同名项目，不能重复导入"
    ]


def test_a_formula_in_a_text_cell_is_kept_as_its_text():
    parsed, problems = checker().check(2, good_row(2, 项目名称='=HYPERLINK("http://x","点击")'))
    assert problems == [] and parsed.fields["name"] == '=HYPERLINK("http://x","点击")'
