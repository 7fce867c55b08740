"""打印文书目录 — which generated document each policy pack offers, and how it is laid out.

The forms themselves (their names, fields, checklist items and articles) are read from the pack files
(``govit/policies/packs/*.yaml``); this module only says which pack form is printed with which template.
A pack form that is not listed here is not printed; a pack without the form does not get the document."""

from __future__ import annotations

from dataclasses import dataclass

DOCX = "docx"
PDF = "pdf"
XLSX = "xlsx"
FORMAT_LABELS = {DOCX: "Word", PDF: "PDF", XLSX: "Excel"}
CONTENT_TYPES = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Layout:
    """How one document is produced: its kind (which contents it is filled with), the Word template under
    ``templates/printouts/docx/``, the HTML template of its PDF and whether it has an .xlsx version."""

    kind: str
    docx: str
    pdf: str = ""
    xlsx: bool = False
    title: str = ""  # the document's own title when it is not the pack form's name
    note: str = ""

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(f for f, on in ((DOCX, True), (PDF, bool(self.pdf)), (XLSX, self.xlsx)) if on)


# (pack code, pack form id) -> layout: the forms a pack's annexes lay out on paper.
PACK_FORMS: dict[tuple[str, str], Layout] = {
    ("shucheng", "F-000-SBB"): Layout(
        "declaration", "shucheng_declaration.docx", "printouts/pdf/shucheng_declaration.html"
    ),
    ("shucheng", "F-000-PLAN-CONTENT"): Layout(
        "outline", "outline.docx", title="项目建设方案（编制提纲）", note="按第九条所列内容编制"
    ),
    ("shizuishan", "F-001-SBB"): Layout(
        "declaration", "shizuishan_declaration.docx", "printouts/pdf/shizuishan_declaration.html"
    ),
    ("shizuishan", "F-001-SEC-CRYPTO"): Layout(
        "declaration", "shizuishan_security_review.docx", "printouts/pdf/shizuishan_security_review.html"
    ),
    ("shizuishan", "F-001-REQ-ANALYSIS"): Layout(
        "outline",
        "outline.docx",
        title="项目需求分析报告（编制提纲）",
        note="投资概算500万元以上的项目须编制（第十六条）",
    ),
}

# Forms of any pack, by their ``purpose``: one document per record made with the form.
PURPOSE_FORMS: dict[str, Layout] = {
    "filing": Layout("filing", "filing.docx", "printouts/pdf/filing.html"),
}

# Documents made from a project's records rather than from one pack form; the key is the URL id.
RECORD_DOCUMENTS: dict[str, Layout] = {
    "acceptance-letter": Layout(
        "acceptance_letter",
        "acceptance_letter.docx",
        "printouts/pdf/acceptance_letter.html",
        title="竣工验收申请函及材料清单",
    ),
    "expert-signin": Layout("expert_signin", "expert_signin.docx", xlsx=True, title="专家评审签到表"),
    "expert-scores": Layout(
        "expert_scores",
        "expert_scores.docx",
        "printouts/pdf/expert_scores.html",
        xlsx=True,
        title="专家评审评分汇总表",
    ),
}


@dataclass(frozen=True)
class OutlineFill:
    """A heading of an outline the project already answers: the first rule with a word that occurs in the
    heading gives the text under it (a Project text field, or "unit", "period", "amounts")."""

    words: tuple[str, ...]
    source: str


OUTLINE_FILLS: tuple[OutlineFill, ...] = (
    OutlineFill(("项目名称",), "name"),
    OutlineFill(("单位概况", "负责人"), "unit"),
    OutlineFill(("投资估算", "概算", "资金筹措"), "amounts"),
    OutlineFill(("建设目标",), "objectives"),
    OutlineFill(("建设规模和内容", "建设内容"), "content"),
    OutlineFill(("业务功能", "功能和性能", "应用需求"), "functions"),
    OutlineFill(("运行环境", "技术架构", "技术路线"), "tech_route"),
    OutlineFill(("共享开放", "数据资源"), "data_summary"),
    OutlineFill(("意义和必要性",), "benefits"),
    OutlineFill(("进度计划",), "period"),
    OutlineFill(("项目概况", "依据"), "summary"),
)
# Text under a heading the project does not answer yet.
OUTLINE_TO_WRITE = "（待编制）"
