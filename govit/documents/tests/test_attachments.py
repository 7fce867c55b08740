"""Materials: versioned uploads answering the pack's document requirements, typed by content, hashed with
SM3, visible only to those who may see the project; the 适用规则 panel shows ✓/✗ per requirement."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import PDF_BYTES as PDF
from govit.audit.hashing import sm3_hex
from govit.audit.models import AuditEvent
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.documents import detect
from govit.documents.models import Attachment


def docx_bytes() -> bytes:
    """The same bytes on every call (the entries carry a fixed time, not the time of writing)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", "<w:document>共享清单</w:document>"),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def bomb_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


def test_upload_keeps_versions_with_hash_type_and_audit(world, make_project, upload):
    project = make_project()
    first = upload(project, "data_sharing_list", PDF, "共享清单.pdf")
    second = upload(project, "data_sharing_list", docx_bytes(), "共享清单（修订）.docx")
    assert (first.version, second.version) == (1, 2)
    assert first.sm3 == sm3_hex(PDF) and first.content_type == "application/pdf"
    assert second.extension == "docx" and second.requirement_name == "项目政务数据资源共享清单"
    assert first.file.read() == PDF  # the earlier version stays
    assert AuditEvent.objects.filter(action="attachment.upload").count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\0" * 200, "方案.pdf", "不是允许的格式"),
        (PDF, "方案.docx", "与实际内容（PDF）不符"),
        (bomb_bytes(), "材料.zip", "压缩炸弹"),
        (b"", "空.pdf", "文件为空"),
    ],
    ids=["exe renamed pdf", "pdf named docx", "zip bomb", "empty"],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    world, make_project, upload, settings, content, name, message
):
    project = make_project()
    with pytest.raises(ServiceError, match=message):
        upload(project, "data_sharing_list", content, name)
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_size_limit(world, make_project, upload, settings):
    settings.GOVIT_UPLOAD_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ServiceError, match="文件过大"):
        upload(make_project(), "data_sharing_list", PDF, "方案.pdf")


def test_unknown_requirement_and_outsiders_are_refused(world, make_project, upload):
    project = make_project()
    with pytest.raises(ServiceError, match="没有这项材料要求"):
        upload(project, "moon_landing_permit", PDF, "a.pdf")
    with pytest.raises(PermissionDeniedError):
        upload(project, "data_sharing_list", PDF, "a.pdf", who="outsider")
    with pytest.raises(PermissionDeniedError):
        upload(project, "data_sharing_list", PDF, "a.pdf", who="reviewer")
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\方案.pdf", "方案.pdf"),
        ('a<b>:"c".pdf', "a_b___c_.pdf"),
        ("", "未命名"),
    ],
)
def test_names_are_sanitised(raw, clean):
    assert detect.filename_sanitise(raw) == clean


def test_panel_ticks_provided_materials_and_download_respects_visibility(world, make_project, login):
    project = make_project()
    client = login(world["users"]["clerk"])
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-code="data_sharing_list"><span class="missing"' in page
    response = client.post(
        f"/projects/{project.pk}/attachments/",
        {"requirement_code": "data_sharing_list", "file": SimpleUploadedFile("清单.pdf", PDF)},
    )
    assert response.status_code == 302
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-code="data_sharing_list"><span class="ok"' in page and "清单.pdf" in page
    attachment = Attachment.objects.get()
    download = client.get(f"/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    outsider = login(world["users"]["outsider"]).get(f"/attachments/{attachment.pk}/download/")
    assert outsider.status_code == 404
    assert AuditEvent.objects.filter(action="attachment.download_denied").exists()


def test_a_bad_upload_through_the_page_shows_a_chinese_error(world, make_project, login):
    project = make_project()
    client = login(world["users"]["clerk"])
    response = client.post(
        f"/projects/{project.pk}/attachments/",
        {
            "requirement_code": "data_sharing_list",
            "file": SimpleUploadedFile("清单.pdf", b"MZ" + b"\0" * 100),
        },
        follow=True,
    )
    assert "未能上传：文件内容不是允许的格式" in response.content.decode()
    assert not Attachment.objects.exists()


# ------------------------------------------------- a pack's own limits for one material (documents: accept, max_mb)
# 舒城 附件2 申报表 is handed in 主管部门盖章, i.e. as a scan: the pack accepts pdf/ofd/jpg/png, at most 20 MB.
MB = 1024 * 1024


def pdf_of(size: int) -> bytes:
    return PDF + b"%" * (size - len(PDF))


@pytest.mark.parametrize(
    ("size", "kept"), [(20 * MB - 1, True), (20 * MB, True), (20 * MB + 1, False)], ids=["-1", "on", "+1"]
)
def test_a_material_has_its_own_size_limit(world, make_project, upload, size, kept):
    project = make_project()
    if kept:
        assert upload(project, "declaration_form", pdf_of(size), "申报表.pdf").size == size
    else:
        with pytest.raises(ServiceError, match="上限 20 MB") as raised:
            upload(project, "declaration_form", pdf_of(size), "申报表.pdf")
        assert "申报表" in str(raised.value)
        assert not Attachment.objects.exists()
    # the site-wide limit still applies to materials without their own
    assert upload(project, "data_sharing_list", pdf_of(20 * MB + 1), "共享清单.pdf").version == 1


def test_a_material_accepts_only_its_formats(world, make_project, upload, settings):
    project = make_project()
    with pytest.raises(ServiceError, match="只接受 pdf、ofd、jpg、png 格式，所选文件是 docx"):
        upload(project, "declaration_form", docx_bytes(), "申报表.docx")
    assert not Attachment.objects.exists()
    assert (
        not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else True
    )
    assert upload(project, "declaration_form", PDF, "申报表（盖章）.pdf").extension == "pdf"
    assert upload(project, "data_sharing_list", docx_bytes(), "共享清单.docx").extension == "docx"


def test_the_pack_schema_knows_every_format_govit_keeps():
    from typing import get_args

    from govit.policies.engine.schema import FileKind

    assert set(get_args(FileKind)) == set(detect.ALLOWED)


def test_a_2_gb_upload_is_refused_before_its_body_is_read(world, make_project, login, settings):
    """The request says it carries 2 GB: GovIT answers 413 in Chinese without reading the body (nothing is
    spooled to disk, nothing kept); an upload within the limit still works."""
    project = make_project()
    client = login(world["users"]["clerk"])
    response = client.post(
        f"/projects/{project.pk}/attachments/",
        {"requirement_code": "data_sharing_list", "file": SimpleUploadedFile("大文件.pdf", PDF)},
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "提交的内容过大（2048 MB），单个文件上限 200 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))
    api = client.post(
        "/api/v1/policy/evaluate",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert api.status_code == 413 and "单个文件上限" in api.json()["detail"]
    ok = client.post(
        f"/projects/{project.pk}/attachments/",
        {"requirement_code": "data_sharing_list", "file": SimpleUploadedFile("清单.pdf", PDF)},
    )
    assert ok.status_code == 302 and Attachment.objects.count() == 1
