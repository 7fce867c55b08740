from django.db import models


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", "省（自治区）"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"


class OrganisationKind(models.TextChoices):
    COMPETENT_BUREAU = "competent_bureau", "主管部门"
    CO_REVIEWER = "co_reviewer", "协同审查部门"
    DEPARTMENT = "department", "部门单位"
    TOWN_STREET = "town_street", "乡镇（街道）"
    PARK = "park", "园区"
    STATE_ENTERPRISE = "state_enterprise", "区属国企"
    EXPERT_POOL = "expert_pool", "专家库"


class Role(models.TextChoices):
    CLERK = "clerk", "建设单位经办人"
    UNIT_HEAD = "unit_head", "建设单位负责人"
    REVIEWER = "reviewer", "主管部门审核人"
    CO_REVIEWER = "co_reviewer", "协审部门审核人"
    EXPERT = "expert", "评审专家"
    LEADER = "leader", "领导/联席会议秘书"
    SUPERVISOR = "supervisor", "上级主管部门"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# 三员分立: an account holds at most one of these.
THREE_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that act for a construction unit on its own projects.
UNIT_ROLES = frozenset({Role.CLERK, Role.UNIT_HEAD})
# Roles that see every project of their jurisdiction and of the jurisdictions below it.
JURISDICTION_ROLES = frozenset({Role.REVIEWER, Role.CO_REVIEWER, Role.LEADER, Role.SUPERVISOR})
