"""PDF versions through WeasyPrint: page 1 is drawn (not blank) and its text — read back with pdfium — names
the project, for the 申报表 of both packs, the 竣工验收申请函 and the score summary."""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium

from govit.printouts.tests.helpers import accepted_shucheng_project, client_for, declare, download, url
from govit.printouts.tests.test_declaration_forms import SC_FORM


def pdf_text(content: bytes) -> str:
    """The text of every page without white space (a narrow table cell wraps a name over lines)."""
    document = pdfium.PdfDocument(content)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return "".join(text.split())


def page_one(content: bytes) -> tuple[float, float, float]:
    """(width, height, share of non-white pixels) of page 1 rendered at 72 dpi in greyscale."""
    document = pdfium.PdfDocument(content)
    try:
        page = document[0]
        width, height = page.get_size()
        image = page.render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    histogram = image.histogram()
    return width, height, 1 - sum(histogram[240:]) / (image.width * image.height)


def test_the_shucheng_declaration_pdf_is_drawn_on_a_landscape_page_with_the_project(demo: None) -> None:
    project = declare("sc", forms={"F-000-SBB": SC_FORM})
    content = download(client_for("sc_clerk"), url(project, "F-000-SBB", "pdf"))
    assert content.startswith(b"%PDF")
    width, height, ink = page_one(content)
    assert width > height  # 附件2 is a wide table: A4 landscape
    assert ink > 0.02  # ruled table and CJK text, not an empty page
    text = pdf_text(content)
    assert "舒城县电子政务建设项目申报表" in text
    assert project.name in text and "163.4567" in text and "2028年03月至2028年12月" in text


def test_the_other_pdfs_name_the_project(demo: None, panel: dict[str, Any]) -> None:
    szs = declare("szs")
    clerk = client_for("szs_clerk")
    for form_id in ("F-001-SBB", "F-001-SEC-CRYPTO"):
        text = pdf_text(download(clerk, url(szs, form_id, "pdf")))
        assert szs.name in text and "项目申报单位" in text
    accepted, _application = accepted_shucheng_project()
    letter = pdf_text(download(client_for("sc_clerk"), url(accepted, "acceptance-letter", "pdf")))
    assert f"关于申请对“{accepted.name}”进行竣工验收的函" in letter and "竣工验收申请材料清单" in letter
    scores = pdf_text(download(client_for("shc_reviewer"), url(panel["project"], "expert-scores", "pdf")))
    assert f"{panel['project'].name}专家评审评分汇总表" in scores and "平均分达到通过分数线" in scores
