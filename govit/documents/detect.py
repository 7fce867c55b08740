"""What an uploaded file really is — decided from its bytes, not its name — and whether it is safe to keep."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

# Formats offices exchange: extension -> MIME type.
ALLOWED: dict[str, str] = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "jpg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
}
# Extensions that name the same kind of content.
_SAME = {"jpeg": "jpg", "wps": "doc", "et": "xls", "dps": "ppt"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_KINDS = {"doc", "xls", "ppt"}

MAX_ARCHIVE_ENTRIES = 2000
MAX_ARCHIVE_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GiB
MAX_COMPRESSION_RATIO = 100


class UnsafeFile(ValueError):
    """The file may not be kept; the message says why, in Chinese."""


@dataclass(frozen=True)
class Detected:
    extension: str
    content_type: str


def filename_sanitise(name: str) -> str:
    """A display name without directories, control characters or characters Windows cannot store."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    if not name:
        name = "未命名"
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:140] + dot + ext[:9]) if dot else name[:150]
    return name


def _zip_kind(handle: IO[bytes]) -> str:
    """docx/xlsx/pptx/ofd or plain zip, after checking the archive cannot explode when opened."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnsafeFile("压缩文件已损坏，无法读取") from error
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise UnsafeFile(f"压缩文件内文件过多（{len(infos)} 个，上限 {MAX_ARCHIVE_ENTRIES} 个）")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_ARCHIVE_UNCOMPRESSED or total / packed > MAX_COMPRESSION_RATIO:
        raise UnsafeFile("压缩文件解压后体积异常（疑似压缩炸弹），已拒绝")
    names = {info.filename for info in infos}
    if any(n.startswith("/") or ".." in n.split("/") for n in names):
        raise UnsafeFile("压缩文件内含有非法路径")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def content_detect(handle: IO[bytes], name: str) -> Detected:
    """The type of ``handle``'s content; it must be an allowed type and agree with the name's extension."""
    handle.seek(0)
    head = handle.read(8192)
    handle.seek(0)
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = _SAME.get(claimed, claimed)
    if head.startswith(_OLE):
        kind = claimed if claimed in _OLE_KINDS else "doc"
    else:
        guess = filetype.guess(head)
        kind = guess.extension if guess else ""
        kind = _SAME.get(kind, kind)
        if kind in {"zip", "docx", "xlsx", "pptx"}:
            kind = _zip_kind(handle)
            handle.seek(0)
    if kind not in ALLOWED:
        raise UnsafeFile("文件内容不是允许的格式（允许 PDF、OFD、Word、Excel、PowerPoint、JPG、PNG、ZIP）")
    if claimed != kind:
        raise UnsafeFile(f"文件扩展名“.{claimed or '无'}”与实际内容（{kind.upper()}）不符")
    return Detected(kind, ALLOWED[kind])
