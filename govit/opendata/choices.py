from __future__ import annotations

from django.db import models

from govit.accounts.choices import Role
from govit.delivery.choices import ProcurementMethod
from govit.projects.choices import ProcurementCategory


class ExportFormat(models.TextChoices):
    """What a jurisdiction sends up: its project list, or the OCDS release package of its contracting."""

    PROJECTS = "projects", "数据报送（JSON）"
    OCDS = "ocds", "开放合同数据（OCDS 发布包）"


# Who may send a jurisdiction's data up: its competent bureau (审核人, 分管领导) and the supervisors of the
# levels above. 协审部门 see the projects but do not report for the jurisdiction.
EXPORT_ROLES = frozenset({Role.REVIEWER, Role.LEADER, Role.SUPERVISOR})

PROJECTS_SCHEMA_VERSION = "1.0"
OCDS_VERSION = "1.1"
DEFAULT_OCID_PREFIX = "ocds-govit-"
CURRENCY = "CNY"
# The identifier scheme GovIT writes for a 统一社会信用代码 (GB 32100-2015) in OCDS `identifier.scheme`.
CREDIT_CODE_SCHEME = "CN-USCC"

# 采购方式 → OCDS `tender.procurementMethod` (closed codelist: open, selective, limited, direct). The Chinese
# method is always kept in `procurementMethodDetails`, so nothing is lost where the fit is loose.
PROCUREMENT_METHODS: dict[str, str | None] = {
    ProcurementMethod.OPEN_TENDER: "open",
    ProcurementMethod.INVITED_TENDER: "selective",
    ProcurementMethod.NEGOTIATION: "limited",
    ProcurementMethod.CONSULTATION: "limited",
    ProcurementMethod.INQUIRY: "limited",
    ProcurementMethod.SINGLE_SOURCE: "direct",
    ProcurementMethod.FRAMEWORK: "open",
    ProcurementMethod.OTHER: None,
}

# 采购类别 → OCDS `tender.mainProcurementCategory` (closed codelist: goods, works, services).
PROCUREMENT_CATEGORIES: dict[str, str] = {
    ProcurementCategory.ENGINEERING: "works",
    ProcurementCategory.GOODS: "goods",
    ProcurementCategory.SERVICE: "services",
}
