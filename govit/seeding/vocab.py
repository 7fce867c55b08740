"""What seeded declarations say: phrase lists that combine into varied names and texts, the 县直部门 added to
each jurisdiction, suppliers, and the status mix by age of the 申报年度."""

from __future__ import annotations

from govit.projects.choices import Status

# 县直部门 added to each jurisdiction (prefixed with its name), skipped where a unit of that line exists
DEPARTMENTS = (
    "人民政府办公室",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化旅游体育局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "市场监督管理局",
    "医疗保障局",
    "统计局",
    "林业局",
    "城市管理局",
    "信访局",
    "档案馆",
    "融媒体中心",
    "乡村振兴局",
    "住房公积金管理中心",
    "残疾人联合会",
    "供销合作社联合社",
)

# name = [业务领域][建设对象][系统类型][期次]
DOMAINS = (
    "智慧教育",
    "智慧医疗",
    "智慧警务",
    "社会救助",
    "不动产登记",
    "城市运行",
    "应急指挥",
    "市场监管",
    "智慧交通",
    "河湖长制",
    "数字乡村",
    "智慧养老",
    "政务服务",
    "公共资源交易",
    "社区治理",
    "生态环境",
    "安全生产",
    "医保基金",
    "就业服务",
    "文旅服务",
    "智慧城管",
    "档案数字化",
    "信访事项",
    "防汛抗旱",
)
OBJECTS = (
    "综合管理",
    "数据共享",
    "监测预警",
    "协同办公",
    "视频联网",
    "一网通办",
    "移动应用",
    "统一身份认证",
    "大数据分析",
    "电子证照",
    "指挥调度",
    "智能审批",
    "网格化管理",
    "物联感知",
    "决策支持",
    "业务协同",
)
KINDS = ("平台", "系统", "信息系统", "服务平台", "管理系统", "应用", "数据库", "驾驶舱")
PHASES = ("", "", "", "（一期）", "（二期）", "升级改造", "扩容", "运维服务", "等保整改", "国产化改造")

OBJECTIVE_OPENINGS = (
    "围绕{domain}业务需要，",
    "按照数字政府建设总体部署，",
    "为解决{domain}领域数据分散、业务协同不足的问题，",
    "落实上级关于{domain}信息化的工作要求，",
)
OBJECTIVE_GOALS = (
    "建成覆盖全域的{object}能力，实现业务全流程线上办理",
    "实现{domain}数据统一汇聚、共享和按需调用",
    "将平均办理时限压缩30%以上，群众办事少跑腿",
    "提升{object}的精细化管理水平和风险早发现、早处置能力",
    "形成上下贯通、部门协同的{domain}工作体系",
)
CONTENT_ITEMS = (
    "建设{object}{kind}一套",
    "对接省一体化平台和数据共享交换平台",
    "建设统一用户和权限管理功能",
    "建设移动端应用和统计分析驾驶舱",
    "采购服务器、存储等基础设施并部署在政务云",
    "开展存量数据治理和历史数据迁移",
    "按等保三级要求建设安全防护体系并开展密码应用安全性评估",
    "建设数据资源目录并向共享平台编目挂接",
    "建设物联感知设备接入和视频汇聚能力",
    "开展业务培训和上线试运行",
)

SUPPLIER_PLACES = ("安徽", "宁夏", "江西", "山东", "浙江", "杭州", "合肥", "济南", "南昌", "银川")
SUPPLIER_WORDS = (
    "数智",
    "科大",
    "华信",
    "云创",
    "中科",
    "博达",
    "天元",
    "恒信",
    "智联",
    "汇通",
    "政通",
    "启明",
)
SUPPLIER_KINDS = ("信息技术", "软件", "网络科技", "数据科技", "系统集成", "信息工程")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "明华军伟敏静磊洋强芳丽勇杰涛超娟艳斌"

# Status mix (weights) by the age of the 申报年度 (0 = the last year seeded): the newest declarations are
# mostly declared or under review, older ones mostly accepted and in operation.
_S = Status
STATUS_MIX: dict[int, dict[str, int]] = {
    0: {
        _S.DRAFT: 10,
        _S.SUBMITTED: 22,
        _S.IN_REVIEW: 30,
        _S.RETURNED: 10,
        _S.APPROVED: 12,
        _S.NOT_SUPPORTED: 5,
        _S.IN_CONSTRUCTION: 8,
        _S.SUSPENDED: 1,
        _S.TERMINATED: 1,
        _S.ACCEPTED: 1,
    },
    1: {
        _S.DRAFT: 1,
        _S.SUBMITTED: 3,
        _S.IN_REVIEW: 6,
        _S.RETURNED: 3,
        _S.APPROVED: 14,
        _S.NOT_SUPPORTED: 9,
        _S.IN_CONSTRUCTION: 42,
        _S.SUSPENDED: 3,
        _S.ACCEPTED: 10,
        _S.IN_OPERATION: 7,
        _S.TERMINATED: 2,
    },
    2: {
        _S.APPROVED: 3,
        _S.NOT_SUPPORTED: 10,
        _S.IN_CONSTRUCTION: 25,
        _S.SUSPENDED: 3,
        _S.ACCEPTED: 22,
        _S.IN_OPERATION: 33,
        _S.TERMINATED: 3,
        _S.RETURNED: 1,
    },
    3: {
        _S.NOT_SUPPORTED: 10,
        _S.IN_CONSTRUCTION: 8,
        _S.SUSPENDED: 2,
        _S.ACCEPTED: 14,
        _S.IN_OPERATION: 58,
        _S.RETIRED: 4,
        _S.TERMINATED: 4,
    },
    5: {
        _S.NOT_SUPPORTED: 11,
        _S.IN_CONSTRUCTION: 2,
        _S.SUSPENDED: 1,
        _S.ACCEPTED: 8,
        _S.IN_OPERATION: 60,
        _S.RETIRED: 14,
        _S.TERMINATED: 4,
    },
}


def status_mix(age: int) -> dict[str, int]:
    """The mix for a plan year ``age`` years before the last one seeded (4 uses 3's, 6 and more 5's)."""
    for threshold in sorted(STATUS_MIX, reverse=True):
        if age >= threshold:
            return STATUS_MIX[threshold]
    return STATUS_MIX[0]
