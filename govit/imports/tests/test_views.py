"""The pages: upload, the polling progress bar, the preview with every problem and a commit button that works
only without problems; and who is turned away."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from govit.audit.models import AuditEvent
from govit.imports.models import ImportBatch
from govit.imports.services import import_batch_parse
from govit.imports.tests.conftest import good_row, sheet_bytes
from govit.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_file(rows, name="存量项目.xlsx"):
    return SimpleUploadedFile(name, sheet_bytes(rows), content_type=XLSX)


def test_the_bureau_uploads_and_watches_the_check(world, login, media_root):
    client = login(world["users"]["reviewer"])
    page = client.get("/imports/")
    assert page.status_code == 200
    assert "上传导入文件" in page.content.decode() and "/imports/template.xlsx" in page.content.decode()

    response = client.post("/imports/", {"file": xlsx_file([good_row(2), good_row(3)])})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "正在检查" in html and f'hx-get="/imports/{batch.pk}/progress/?state=parsing"' in html
    assert 'hx-trigger="every 2s"' in html and "htmx-2.min.js" in html

    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=300, rows_total=1000)
    bar = client.get(f"/imports/{batch.pk}/progress/?state=parsing", HTTP_HX_REQUEST="true")
    assert bar.status_code == 200
    assert '<progress max="1000" value="300"' in bar.content.decode() and "（30%）" in bar.content.decode()

    import_batch_parse(batch_id=batch.pk)
    done = client.get(f"/imports/{batch.pk}/progress/?state=parsing", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"  # the page reloads to show the preview
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "hx-get" not in html and "存量信息化项目00002" in html and "存量信息化项目00003" in html
    assert re.search(r'<button type="submit" class="primary" id="commit-button">确认导入 2 个项目', html)

    response = client.post(f"/imports/{batch.pk}/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == "committing" and batch.committed_by == world["users"]["reviewer"]
    assert "正在导入" in client.get(f"/imports/{batch.pk}/").content.decode()
    # committed, its projects still being followed up: the page reloads once to show the new state
    ImportBatch.objects.filter(pk=batch.pk).update(state="committed", projects_created=2, follow_up_done=1)
    moved = client.get(f"/imports/{batch.pk}/progress/?state=committing", HTTP_HX_REQUEST="true")
    assert moved["HX-Refresh"] == "true"
    still = client.get(f"/imports/{batch.pk}/progress/?state=committed", HTTP_HX_REQUEST="true")
    assert "已处理 <strong>1</strong> / 2 个项目" in still.content.decode()
    assert AuditEvent.objects.filter(action="import.commit_request", target_id=str(batch.pk)).exists()


def test_every_problem_is_listed_and_the_commit_is_disabled_and_refused(world, login, checked_batch):
    batch = checked_batch(
        [good_row(2, 建设单位="不存在的单位"), good_row(3), good_row(4, 批复日期="2024-13-01")]
    )
    client = login(world["users"]["reviewer"])
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "第2行 建设单位：舒城县没有名为“不存在的单位”的单位" in html
    assert "第4行 批复日期：“2024-13-01”不是有效日期，应如 2024-05-01" in html
    assert 'id="commit-button" disabled' in html and "有 2 处问题，不能导入" in html

    response = client.post(f"/imports/{batch.pk}/")  # a forged click
    assert response.status_code == 400
    assert "未能导入：该批次有 2 处问题，不能导入" in response.content.decode()
    assert not Project.objects.exists()
    batch.refresh_from_db()
    assert batch.state == "failed"


def test_long_problem_lists_are_paged(world, login, checked_batch):
    batch = checked_batch([good_row(n, 建设性质="新造") for n in range(2, 253)])
    client = login(world["users"]["reviewer"])
    first = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "问题（共 251 处）" in first and "第201行 建设性质" in first and "第202行 建设性质" not in first
    second = client.get(f"/imports/{batch.pk}/?page=2").content.decode()
    assert "第202行 建设性质" in second and "第252行 建设性质" in second


def test_a_bad_upload_is_answered_in_chinese_with_a_4xx(world, login, media_root):
    client = login(world["users"]["reviewer"])
    exe = SimpleUploadedFile("存量项目.xlsx", b"MZ\x90\x00" + b"\x00" * 100, content_type=XLSX)
    response = client.post("/imports/", {"file": exe})
    assert response.status_code == 400
    assert "未能上传：所选文件的内容不是 .xlsx 工作簿" in response.content.decode()
    response = client.post("/imports/", {})
    assert response.status_code == 400 and "请选择要导入的 .xlsx 文件" in response.content.decode()
    response = client.post("/imports/", {"file": xlsx_file([good_row(2)]), "jurisdiction": "999999"})
    assert response.status_code == 400 and "所选行政区划不存在" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_others_are_turned_away_in_chinese(world, login, checked_batch, media_root):
    batch = checked_batch([good_row(2)])
    for who in ("clerk", "finance", "expert", "supervisor"):
        response = login(world["users"][who]).get("/imports/")
        assert response.status_code == 403
        assert "只有本行政区划主管部门（数据主管部门）的审核人可以批量导入项目" in response.content.decode()
    assert AuditEvent.objects.filter(action="import.view_denied", outcome="denied").count() == 4

    clerk = login(world["users"]["clerk"])
    assert clerk.post(f"/imports/{batch.pk}/").status_code == 404

    outsider = login(world["users"]["outsider_reviewer"])  # 章贡区's bureau
    assert outsider.get("/imports/").status_code == 200
    for url in (f"/imports/{batch.pk}/", f"/imports/{batch.pk}/progress/"):
        response = outsider.get(url)
        assert response.status_code == 404 and "导入批次不存在或无权查看" in response.content.decode()
    assert outsider.post(f"/imports/{batch.pk}/").status_code == 404
    assert f"#{batch.pk}" not in outsider.get("/imports/").content.decode()
    batch.refresh_from_db()
    assert batch.state == "ready"
    assert AuditEvent.objects.filter(action="import.view_denied", target_id=str(batch.pk)).exists()

    response = outsider.post(
        "/imports/",
        {"file": xlsx_file([good_row(2)]), "jurisdiction": str(world["jurisdictions"]["shucheng"].pk)},
    )
    assert response.status_code == 403
    assert "只有舒城县主管部门的审核人可以导入本行政区划的项目" in response.content.decode()
    assert ImportBatch.objects.count() == 1

    anonymous = login(world["users"]["clerk"])
    anonymous.logout()
    assert anonymous.get("/imports/")["Location"].startswith("/login/")


def test_the_list_page_reads_a_fixed_number_of_queries(world, login, checked_batch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world["users"]["reviewer"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/imports/").status_code == 200
        return len(context)

    checked_batch([good_row(2)])
    few = queries()
    for n in range(3, 8):
        checked_batch([good_row(n)])
    assert queries() == few <= 12
    assert client.get("/imports/").content.decode().count('href="/imports/') >= 12
