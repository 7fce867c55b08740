"""Builds the Word templates of GovIT's generated documents (docxtpl: Jinja placeholders in .docx).

Run from the repository root to regenerate every template in this directory:

    .venv/bin/python govit/printouts/templates/printouts/docx/build.py

Staff may instead open a generated template in Word or WPS and edit its wording and layout directly; the
placeholders (``{{ … }}``, ``{% … %}``, ``{%tr … %}``, ``{%p … %}``, ``{%tc … %}``) must stay whole. See
docs/printouts.md for the placeholders each template may use.

The layouts follow the regulations' annexes: 舒城 附件2 (one table, 合计 row, 主管部门意见), 石嘴山 附件1 and
附件2 (a grid of labels and values, two sign-off blocks)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
BODY_FONT = "宋体"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
FIVE = Pt(10.5)  # 五号
SMALL_FIVE = Pt(9)  # 小五
FOUR = Pt(14)  # 四号
THREE = Pt(16)  # 三号
TWO = Pt(22)  # 二号


# ------------------------------------------------------------------ helpers


def slot(expression: str) -> str:
    """A docxtpl placeholder: ``slot("v.name")`` -> ``{{ v.name }}``."""
    return "{{ " + expression + " }}"


def _east_asian(element: object, font: str) -> None:
    r_pr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)


def new_document(*, landscape: bool = False, margins_cm: float = 2.0) -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margins_cm))
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT  # type: ignore[attr-defined]
    normal.font.size = FIVE  # type: ignore[attr-defined]
    _east_asian(normal.element, BODY_FONT)
    for name, size in (("Heading 1", FOUR), ("Heading 2", Pt(12)), ("Title", TWO)):
        style = document.styles[name]
        style.font.name = HEADING_FONT  # type: ignore[attr-defined]
        style.font.size = size  # type: ignore[attr-defined]
        style.font.bold = name != "Title"  # type: ignore[attr-defined]
        style.font.color.rgb = None  # type: ignore[attr-defined]
        _east_asian(style.element, HEADING_FONT)
    return document


def para(
    document: DocumentObject | _Cell,
    text: str = "",
    *,
    size: Pt | None = None,
    bold: bool = False,
    align: str = "left",
    font: str | None = None,
    style: str | None = None,
    indent_first: bool = False,
    space_after: float = 0,
) -> Paragraph:
    """One paragraph with one run: a placeholder must sit in a single run for docxtpl to find it."""
    paragraph = document.add_paragraph(style=style) if style else document.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    if indent_first:
        paragraph.paragraph_format.first_line_indent = Pt(21)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size is not None:
            run.font.size = size
        if font is not None:
            run.font.name = font
            _east_asian(run._element, font)
    return paragraph


def title(document: DocumentObject, text: str, *, size: Pt = TWO) -> Paragraph:
    return para(document, text, size=size, bold=True, align="center", font=TITLE_FONT, space_after=8)


def cell_text(
    cell: _Cell, text: str, *, bold: bool = False, align: str = "center", size: Pt | None = None
) -> None:
    """Replace the cell's empty paragraph with ``text`` (one run)."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size is not None:
            run.font.size = size
    _vertical_center(cell)


def _vertical_center(cell: _Cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    if tc_pr.find(qn("w:vAlign")) is None:
        v_align = OxmlElement("w:vAlign")
        v_align.set(qn("w:val"), "center")
        tc_pr.append(v_align)


def grid(document: DocumentObject, rows: int, widths_cm: Sequence[float]) -> Table:
    table = document.add_table(rows=rows, cols=len(widths_cm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    return table


def row_height(table: Table, index: int, cm: float) -> None:
    table.rows[index].height = Cm(cm)


def save(document: DocumentObject, name: str, directory: Path) -> Path:
    path = directory / name
    document.core_properties.author = "GovIT"
    document.core_properties.title = name.removesuffix(".docx")
    document.save(str(path))
    return path


# ------------------------------------------------------------------ 舒城 附件2


SC_COLUMNS = [
    ("序号", "seq", 1.0),
    ("建设单位", "unit", 2.2),
    ("项目名称", "name", 2.6),
    ("项目简要说明及建设依据", "summary", 5.0),
    ("建设年度", "period", 2.4),
    ("项目投资（万元）", "investment", 1.8),
    ("财政资金（万元）", "fiscal", 1.6),
    ("银行贷款（万元）", "bank_loan", 1.6),
    ("自筹（万元）", "self_raised", 1.5),
    ("其他（万元）", "other", 1.5),
    ("负责人", "leader", 1.3),
    ("联系人", "contact", 1.3),
    ("联系电话", "phone", 2.1),
    ("电子邮箱", "email", 2.3),
    ("备注", "remark", 1.4),
]
SC_FUNDING = range(6, 10)  # columns under 资金筹措
SC_TOTALS = {"investment", "fiscal", "bank_loan", "self_raised", "other"}


def shucheng_declaration(directory: Path) -> Path:
    document = new_document(landscape=True, margins_cm=1.5)
    para(document, "附件2", font=HEADING_FONT, size=Pt(12))
    title(document, "{{ title }}", size=Pt(18))
    para(document, "填报单位（盖章）：{{ v.unit }}", size=FIVE, space_after=4)
    widths = [width for _label, _key, width in SC_COLUMNS]
    table = grid(document, 5, widths)
    head, sub, data, total, opinion = (table.rows[i] for i in range(5))
    for index, (label, _key, _width) in enumerate(SC_COLUMNS):
        if index in SC_FUNDING:
            cell_text(sub.cells[index], label, bold=True, size=SMALL_FIVE)
        else:
            merged = head.cells[index].merge(sub.cells[index])
            cell_text(merged, label, bold=True, size=SMALL_FIVE)
    funding = head.cells[SC_FUNDING.start].merge(head.cells[SC_FUNDING.stop - 1])
    cell_text(funding, "资金筹措", bold=True, size=SMALL_FIVE)
    for index, (_label, key, _width) in enumerate(SC_COLUMNS):
        align = "left" if key in {"summary", "name", "unit"} else "center"
        text = slot("v.seq or 1") if key == "seq" else slot(f"v.{key}")
        cell_text(data.cells[index], text, align=align, size=SMALL_FIVE)
        if key in SC_TOTALS:
            cell_text(total.cells[index], slot(f"total.{key}"), size=SMALL_FIVE)
    label = total.cells[0].merge(total.cells[4])
    cell_text(label, "合计", bold=True, size=SMALL_FIVE)
    after = total.cells[10].merge(total.cells[14])
    cell_text(after, "", size=SMALL_FIVE)
    whole = opinion.cells[0].merge(opinion.cells[len(SC_COLUMNS) - 1])
    cell_text(
        whole,
        "项目主管部门意见（盖章）：\n\n\n                                                年    月    日",
        align="left",
    )
    row_height(table, 4, 2.6)
    para(document, "")
    para(
        document,
        "说明：1. 本表由项目建设单位填写，项目主管部门盖章。2. 项目简要说明及建设依据不超过200字。"
        "3. 建设年度填写“202X年XX月至202X年XX月”。",
        size=SMALL_FIVE,
    )
    para(document, "打印日期：{{ printed_on }}", size=SMALL_FIVE, align="right")
    return save(document, "shucheng_declaration.docx", directory)


# ------------------------------------------------------------------ 石嘴山 附件1 / 附件2

SZS_WIDTHS = [3.2, 3.1, 3.1, 3.1, 3.2]  # label | value | value | label | value, a 5-column grid


def _pair_row(table: Table, row: int, left: tuple[str, str], right: tuple[str, str] | None) -> None:
    """label | value (spanning) | label | value; without ``right`` the value spans the whole row."""
    cells = table.rows[row].cells
    cell_text(cells[0], left[0], bold=True)
    if right is None:
        value = cells[1].merge(cells[4])
        cell_text(value, left[1], align="left")
        return
    value = cells[1].merge(cells[2])
    cell_text(value, left[1], align="left")
    cell_text(cells[3], right[0], bold=True)
    cell_text(cells[4], right[1], align="left")


def _unit_leader_rows(table: Table) -> None:
    """项目建设单位 spans two rows beside 项目负责人 and 联系电话 (as in 附件1/附件2)."""
    first, second = table.rows[0].cells, table.rows[1].cells
    label = first[0].merge(second[0])
    cell_text(label, "项目建设单位", bold=True)
    value = first[1].merge(second[2])
    cell_text(value, "{{ v.unit }}", align="left")
    cell_text(first[3], "项目负责人", bold=True)
    cell_text(first[4], "{{ v.leader }}", align="left")
    cell_text(second[3], "联系电话", bold=True)
    cell_text(second[4], "{{ v.phone }}", align="left")


def _szs_header(document: DocumentObject, annex: str, lines: Sequence[str]) -> None:
    para(document, annex, font=HEADING_FONT, size=Pt(12))
    for line in lines:
        title(document, line, size=Pt(18))
    para(
        document,
        "项目申报单位：{{ v.declaring_unit }}                    {{ v.date or '     年   月   日' }}",
        space_after=4,
    )


def shizuishan_declaration(directory: Path) -> Path:
    document = new_document()
    _szs_header(document, "附件1", ["{{ title }}"])
    table = grid(document, 13, SZS_WIDTHS)
    _unit_leader_rows(table)
    _pair_row(table, 2, ("参与建设单位", "{{ v.participants }}"), None)
    _pair_row(table, 3, ("项目名称", "{{ v.name }}"), ("项目类别", "{{ v.category }}"))
    _pair_row(table, 4, ("项目建设地址", "{{ v.address }}"), None)
    _pair_row(table, 5, ("项目建设依据", "{{ v.basis }}"), None)
    _pair_row(table, 6, ("项目计划时间", "起始时间：{{ v.start }}            完成时间：{{ v.end }}"), None)
    _pair_row(table, 7, ("项目准备情况", "{{ v.preparation }}"), None)
    _pair_row(
        table,
        8,
        ("项目预计总投资（万元）", "{{ v.total }}"),
        ("本年度预计投入（万元）", "{{ v.current_year }}"),
    )
    source, amounts = table.rows[9].cells, table.rows[10].cells
    label = source[0].merge(amounts[0])
    cell_text(label, "计划资金来源（万元）", bold=True)
    for index, (name, key) in enumerate(
        (("国家资金", "national"), ("自治区资金", "region"), ("市级资金", "city"), ("社会资金", "social")),
        start=1,
    ):
        cell_text(source[index], name, bold=True)
        cell_text(amounts[index], slot(f"v.{key}"))
    _pair_row(table, 11, ("申报材料", "{{ v.materials }}"), None)
    _pair_row(table, 12, ("备注", "{{ v.remark }}"), None)
    for row, height in ((5, 2.0), (7, 2.0), (11, 2.4), (12, 1.4)):
        row_height(table, row, height)
    para(document, "打印日期：{{ printed_on }}", size=SMALL_FIVE, align="right")
    return save(document, "shizuishan_declaration.docx", directory)


def _sign_off(table: Table, row: int, label: str, prefix: str) -> None:
    """A review block: filled once the reviewing unit has given its result, otherwise left blank for it (the
    unit field of a form defaults to the applicant, which is not who reviews)."""
    cells = table.rows[row].cells
    cell_text(cells[0], label, bold=True)
    value = cells[1].merge(cells[4])
    given = f"v.{prefix}_result"
    lines = [
        "审查结果：" + slot(f"{given} or '（符合/不符合）'"),
        "审查单位：" + slot(f"v.{prefix}_reviewer if {given} else ''"),
        slot(f"v.{prefix}_date if {given} else '20    年    月    日'"),
    ]
    cell_text(value, "\n\n".join(lines), align="left")
    row_height(table, row, 3.0)


def shizuishan_security_review(directory: Path) -> Path:
    document = new_document()
    _szs_header(document, "附件2", ["{{ title }}"])
    table = grid(document, 8, SZS_WIDTHS)
    _unit_leader_rows(table)
    _pair_row(table, 2, ("项目名称", "{{ v.name }}"), ("项目类别", "{{ v.category }}"))
    _pair_row(table, 3, ("项目建设内容", "{{ v.content }}"), None)
    _pair_row(table, 4, ("网络安全保护基本情况", "{{ v.security_basics }}"), None)
    _sign_off(table, 5, "网络安全审查", "security")
    _pair_row(table, 6, ("密码保护应用基本情况", "{{ v.crypto_basics }}"), None)
    _sign_off(table, 7, "密码保护审查", "crypto")
    for row in (3, 4, 6):
        row_height(table, row, 3.0)
    para(document, "打印日期：{{ printed_on }}", size=SMALL_FIVE, align="right")
    return save(document, "shizuishan_security_review.docx", directory)


# ------------------------------------------------------------------ 提纲 (需求分析报告 / 建设方案)


def outline(directory: Path) -> Path:
    document = new_document()
    title(document, "{{ project_name }}")
    title(document, "{{ title }}", size=THREE)
    para(document, "项目建设单位：{{ unit }}", align="center", size=Pt(12))
    para(document, "编制依据：{{ basis }}", align="center", size=FIVE)
    para(document, "编制日期：{{ printed_on }}", align="center", size=Pt(12), space_after=12)
    para(document, "{%p for chapter in chapters %}")
    para(document, "{{ chapter.title }}", style="Heading 1")
    para(document, "{%p if chapter.text %}")
    para(document, "{{ chapter.text }}", indent_first=True)
    para(document, "{%p endif %}")
    para(document, "{%p if chapter.amounts %}")
    para(document, "{{ amounts.summary }}", indent_first=True)
    table = grid(document, 2, [8.5, 4.0])
    cell_text(table.rows[0].cells[0], "费用科目 / 资金来源", bold=True)
    cell_text(table.rows[0].cells[1], "金额（万元）", bold=True)
    cell_text(table.rows[1].cells[0], "{%tr for row in amounts.rows %}")
    table.add_row()
    cells = table.rows[2].cells
    cell_text(cells[0], "{{ row.label }}", align="left")
    cell_text(cells[1], "{{ row.wan }}", align="right")
    table.add_row()
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    para(document, "{%p endif %}")
    para(document, "{%p for section in chapter.sections %}")
    para(document, "{{ section.title }}", style="Heading 2")
    para(document, "{{ section.text }}", indent_first=True)
    para(document, "{%p endfor %}")
    para(document, "{%p endfor %}")
    return save(document, "outline.docx", directory)


# ------------------------------------------------------------------ 备案表


def filing(directory: Path) -> Path:
    document = new_document()
    title(document, "{{ title }}", size=Pt(18))
    para(document, "报送单位（盖章）：{{ unit }}", space_after=4)
    table = grid(document, 3, [4.5, 12.5])
    cell_text(table.rows[0].cells[0], "{%tr for row in rows %}")
    cell_text(table.rows[1].cells[0], "{{ row.label }}", bold=True)
    cell_text(table.rows[1].cells[1], "{{ row.value }}", align="left")
    cell_text(table.rows[2].cells[0], "{%tr endfor %}")
    tail = grid(document, 5, [4.5, 12.5])
    for index, (label, value) in enumerate(
        (
            ("备案事项", "{{ filing.title }}"),
            ("依据", "{{ filing.cite }}"),
            ("应办日期", "{{ filing.due_on }}"),
            ("备案（报送）日期", "{{ filing.filed_on }}"),
            ("逐级确认", "{{ filing.acknowledgements }}"),
        )
    ):
        cell_text(tail.rows[index].cells[0], label, bold=True)
        cell_text(tail.rows[index].cells[1], value, align="left")
    para(document, "{%p if filing.content %}")
    para(document, "备案说明：{{ filing.content }}")
    para(document, "{%p endif %}")
    para(document, "")
    para(document, "报送人：{{ filing.filed_by }}              报送单位（盖章）        年    月    日")
    para(document, "打印日期：{{ printed_on }}", size=SMALL_FIVE, align="right")
    return save(document, "filing.docx", directory)


# ------------------------------------------------------------------ 竣工验收申请函


def acceptance_letter(directory: Path) -> Path:
    document = new_document(margins_cm=2.5)
    title(document, "关于申请对“{{ project_name }}”进行竣工验收的函", size=Pt(18))
    para(document, "{{ bureau }}：", size=Pt(14), space_after=6)
    para(
        document,
        "我单位承建的“{{ project_name }}”"
        "{% if approval %}于{{ approval.approved_on }}经批复立项（{{ approval.number }}），"
        "批复投资{{ approval.budget }}万元{% endif %}。"
        "{% if contract %}项目于{{ contract.signed_on }}与{{ contract.supplier }}签订合同"
        "（合同编号{{ contract.number }}，合同金额{{ contract.amount }}万元）。{% endif %}"
        "目前项目已按批复和合同完成全部建设内容"
        "{% if trial %}，并于{{ trial.started_on }}至{{ trial.ended_on }}完成试运行{% endif %}，"
        "具备竣工验收条件。",
        size=Pt(14),
        indent_first=True,
        space_after=6,
    )
    para(
        document,
        "根据《{{ regulation }}》{{ article }}的规定，现将竣工验收申请材料（共{{ items|length }}项）"
        "一并报送，请予组织竣工验收。",
        size=Pt(14),
        indent_first=True,
        space_after=6,
    )
    para(document, "联系人：{{ contact }}        联系电话：{{ phone }}", size=Pt(14), indent_first=True)
    para(document, "")
    para(document, "附件：竣工验收申请材料清单", size=Pt(14), indent_first=True, space_after=12)
    para(document, "{{ unit }}（盖章）", size=Pt(14), align="right")
    para(document, "{{ applied_on }}", size=Pt(14), align="right")
    document.add_page_break()
    title(document, "竣工验收申请材料清单", size=Pt(16))
    para(document, "项目名称：{{ project_name }}        申请状态：{{ status }}", space_after=4)
    table = grid(document, 4, [1.2, 4.0, 6.8, 2.0, 2.6])
    for index, label in enumerate(("序号", "材料名称", "主要内容", "依据", "确认情况")):
        cell_text(table.rows[0].cells[index], label, bold=True)
    cell_text(table.rows[1].cells[0], "{%tr for item in items %}")
    for index, key in enumerate(("no", "name", "content", "article", "confirmation")):
        cell_text(table.rows[2].cells[index], slot(f"item.{key}"), align="center" if index == 0 else "left")
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    para(document, "打印日期：{{ printed_on }}", size=SMALL_FIVE, align="right")
    return save(document, "acceptance_letter.docx", directory)


# ------------------------------------------------------------------ 专家评审签到表 / 评分汇总表


def _expert_header(document: DocumentObject, heading: str) -> None:
    title(document, heading, size=Pt(18))
    para(document, "项目名称：{{ project_name }}")
    para(document, "项目建设单位：{{ unit }}")
    para(document, "评审环节：{{ stage_name }}        抽取日期：{{ drawn_on }}")


def expert_signin(directory: Path) -> Path:
    document = new_document(landscape=True, margins_cm=1.8)
    _expert_header(document, "{{ project_name }}专家评审签到表")
    para(document, "评审时间：      年    月    日        评审地点：", space_after=6)
    widths = [1.2, 2.2, 5.2, 2.4, 2.6, 2.8, 4.2, 3.0, 2.0]
    labels = ["序号", "姓名", "工作单位", "职称", "专业领域", "手机号", "身份证号", "签名", "备注"]
    keys = ["no", "name", "employer", "title", "fields", "phone", "id_number", "", ""]
    table = grid(document, 4, widths)
    for index, label in enumerate(labels):
        cell_text(table.rows[0].cells[index], label, bold=True)
    cell_text(table.rows[1].cells[0], "{%tr for m in members %}")
    for index, key in enumerate(keys):
        cell_text(table.rows[2].cells[index], slot(f"m.{key}") if key else "")
    row_height(table, 2, 1.2)
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    para(document, "")
    para(document, "说明：手机号、身份证号按个人信息保护要求脱敏显示。")
    para(document, "组织单位（盖章）：{{ bureau }}        打印日期：{{ printed_on }}")
    return save(document, "expert_signin.docx", directory)


def expert_scores(directory: Path) -> Path:
    document = new_document(landscape=True, margins_cm=1.8)
    _expert_header(document, "{{ project_name }}专家评审评分汇总表")
    para(document, "评分表：{{ table_name }}", space_after=6)
    # {%tc %} cells repeat a column for each criterion of the pack's scoring table
    table = grid(document, 5, [1.2, 2.6, 0.6, 2.2, 0.6, 1.8, 4.0])
    head, start, body, end, summary = (table.rows[i].cells for i in range(5))
    cell_text(head[0], "序号", bold=True)
    cell_text(head[1], "专家", bold=True)
    cell_text(head[2], "{%tc for c in criteria %}")
    cell_text(head[3], "{{ c.name }}（{{ c.weight }}分）", bold=True, size=SMALL_FIVE)
    cell_text(head[4], "{%tc endfor %}")
    cell_text(head[5], "总分", bold=True)
    cell_text(head[6], "评审建议 / 建议预算（万元）", bold=True, size=SMALL_FIVE)
    cell_text(start[0], "{%tr for r in rows %}")
    cell_text(body[0], "{{ r.no }}")
    cell_text(body[1], "{{ r.name }}")
    cell_text(body[2], "{%tc for s in r.scores %}")
    cell_text(body[3], "{{ s }}")
    cell_text(body[4], "{%tc endfor %}")
    cell_text(body[5], "{{ r.total }}")
    cell_text(body[6], "{{ r.verdict }} {{ r.budget }}", size=SMALL_FIVE)
    cell_text(end[0], "{%tr endfor %}")
    label = summary[0].merge(summary[1])
    cell_text(label, "平均分", bold=True)
    cell_text(summary[2], "{%tc for m in means %}")
    cell_text(summary[3], "{{ m }}")
    cell_text(summary[4], "{%tc endfor %}")
    cell_text(summary[5], "{{ mean_total }}", bold=True)
    cell_text(summary[6], "{{ budget_mean }}", size=SMALL_FIVE)
    para(document, "")
    para(
        document,
        "参评专家：{{ count }} / {{ expected }} 人；最高分 {{ max_total }}，最低分 {{ min_total }}。",
    )
    para(document, "通过分数线：{{ pass_mark }}；{{ passed_text }}")
    para(document, "{%p if conclusion %}")
    para(
        document,
        "专家组结论：{{ conclusion.outcome }}（{{ conclusion.decided_by }}，{{ conclusion.decided_at }}登记）",
    )
    para(document, "专家组意见：{{ conclusion.opinion }}")
    para(document, "{%p endif %}")
    para(document, "")
    para(document, "专家组组长（签字）：                        组织单位（盖章）：{{ bureau }}")
    para(document, "打印日期：{{ printed_on }}", size=SMALL_FIVE, align="right")
    return save(document, "expert_scores.docx", directory)


BUILDERS: list[Callable[[Path], Path]] = [
    shucheng_declaration,
    shizuishan_declaration,
    shizuishan_security_review,
    outline,
    filing,
    acceptance_letter,
    expert_signin,
    expert_scores,
]


def build_all(directory: Path = HERE) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [build(directory) for build in BUILDERS]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in build_all(target):
        print(path)
