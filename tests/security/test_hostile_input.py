"""Hostile input through the pages and the API (等保 8.1.4.4 d 数据有效性检验; ASVS V5, V2.3).

Every refused case: no 5xx, a Chinese message that names the field (or the file), and nothing changed — the
rows of every business table, the content of the project table and the files under MEDIA_ROOT are as before.
Texts that are not markup are kept exactly as typed and shown escaped; hostile file names never reach a path."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from govit.core import clock
from govit.core.errors import ServiceError
from govit.imports.tests.conftest import good_row, sheet_bytes
from tests.security import hostile_cases as cases
from tests.security.hostile_cases import PDF, Upload

BUSINESS_APPS = ("projects", "documents", "workflow", "experts", "delivery", "acceptance", "imports")
CJK = re.compile(r"[\u4e00-\u9fff]")
SBB_VALID = {  # 舒城 附件2 申报表 as the page posts it, every required field filled in
    "form_id": "F-000-SBB",
    "seq": "1",
    "unit": "舒城县教育局",
    "period__start": "2027-01",
    "period__end": "2027-12",
    "bank_loan": "0",
    "leader": "张明",
    "contact": "李四",
    "phone": "13800000000",
    "email": "",
    "remark": "",
}


# ------------------------------------------------------------------ what "nothing changed" means


def _media_files() -> list[Path]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _state() -> dict[str, Any]:
    from govit.projects.models import Project

    counts = {
        model._meta.label: model.objects.count()
        for app in BUSINESS_APPS
        for model in apps.get_app_config(app).get_models()
    }
    rows = repr(list(Project.objects.order_by("pk").values_list()))
    co_units = repr(list(Project.co_units.through.objects.order_by("pk").values_list()))
    return {
        "counts": counts,
        "projects": hashlib.sha256((rows + co_units).encode()).hexdigest(),
        "files": len(_media_files()),
    }


def _said(response: Any) -> str:
    """What the user is told: the page or JSON body and the flashed messages."""
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    if not getattr(response, "streaming", False):
        body = response.content.decode("utf-8", "replace")
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.dumps(json.loads(body), ensure_ascii=False)
        text += " " + body
    return text


def assert_refused(response: Any, before: dict[str, Any], *words: str) -> None:
    assert response.status_code < 500, response.content[:500]
    assert response.status_code in (200, 302, 400, 403, 404, 409, 413, 422)
    said = _said(response)
    assert CJK.search(said)
    for word in words:
        assert word in said, (word, said[:800])
    assert _state() == before


def _client(user: Any) -> Client:
    """``user`` logged in, past the second factor its role may require; a 500 comes back as a response."""
    from govit.accounts import mfa

    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    if mfa.session_mfa_pending(session):
        mfa.session_mark_verified(session, mfa.totp_device_fixed(user, "JBSWY3DPEHPK3PXP"))
        session.save()
    return client


# ------------------------------------------------------------------ personas and records


@pytest.fixture
def hostile_clerk(world: dict[str, Any]) -> Client:
    """舒城县教育局's clerk, logged in; a 500 comes back as a response, not an exception."""
    return _client(world["users"]["clerk"])


@pytest.fixture
def hostile_reviewer(world: dict[str, Any]) -> Client:
    return _client(world["users"]["reviewer"])


@pytest.fixture
def hostile_outsider(world: dict[str, Any]) -> Client:
    """章贡区教育局's clerk: sees nothing of 舒城."""
    return _client(world["users"]["outsider"])


@pytest.fixture
def hostile_draft(make_project: Any, media_root: Any) -> Any:
    return make_project()


@pytest.fixture
def hostile_submitted(world: dict[str, Any], make_project: Any, media_root: Any) -> Any:
    from govit.projects.services import declaration_submit

    return declaration_submit(actor=world["users"]["clerk"], project=make_project())


def _post_file(client: Client, url: str, name: str, content: bytes, **data: str) -> Any:
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(url, {**data, "file": handle})


def _upload(client: Client, project: Any, case: Upload) -> Any:
    url = f"/projects/{project.pk}/attachments/"
    return _post_file(client, url, case.name, case.content, requirement_code=case.code)


def _create_form(**fields: str) -> dict[str, str]:
    """The 新建项目 form of 舒城县教育局 as a browser posts it (amounts in 万元), with ``fields`` changed."""
    from govit.accounts.models import Organisation

    data = {
        "lead_unit": str(Organisation.objects.get(name="舒城县教育局").pk),
        "name": "智慧校园统一身份认证平台",
        "year": "2027",
        "nature": "NEW",
        "procurement_category": "SERVICE",
        "secrecy": "NON_CLASSIFIED",
        "cost_software": "100",
        "fund_fiscal": "100",
    }
    data.update(fields)
    return data


def _api_project(world: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "数据共享交换平台",
        "year": 2027,
        "nature": "NEW",
        "procurement_category": "SERVICE",
        "secrecy": "NON_CLASSIFIED",
        "lead_unit": world["orgs"]["education"].pk,
        "cost_software": 1_000_000,
        "fund_fiscal": 1_000_000,
    }
    body.update(fields)
    return body


def _api_post(client: Client, url: str, body: Any) -> Any:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=raw, content_type="application/json")


# ================================================================== files and names


def test_it_refuses_a_hostile_file_and_keeps_nothing(hostile_clerk, hostile_draft, subtests):
    for case in cases.UPLOADS_REFUSED:
        with subtests.test(f"{case.category}-{case.id}"):
            before = _state()
            response = _upload(hostile_clerk, hostile_draft, case)
            assert_refused(response, before, "未能上传", case.expect)


def test_a_file_one_byte_over_the_limit_is_refused(hostile_clerk, hostile_draft, settings, subtests):
    settings.GOVIT_UPLOAD_MAX_BYTES = 1024 * 1024
    for delta, kept in [(-1, True), (0, True), (1, False)]:
        with subtests.test(f"files-size-limit{delta:+d}"):
            content = PDF + b"%" * (1024 * 1024 + delta - len(PDF))
            before = _state()
            response = _upload(hostile_clerk, hostile_draft, Upload("size", "方案.pdf", content, ""))
            if kept:
                assert response.status_code == 302 and "已上传" in _said(response)
                assert _state()["files"] == before["files"] + 1
            else:
                assert_refused(response, before, "文件过大", "上限 1 MB")


def test_a_hostile_name_never_reaches_a_path(hostile_clerk, hostile_draft, media_root, subtests):
    from govit.documents.models import Attachment

    for case_id, name in cases.HOSTILE_NAMES:
        with subtests.test(f"names-{case_id}"):
            files = set(_media_files())
            response = _upload(hostile_clerk, hostile_draft, Upload(case_id, name, PDF, ""))
            assert response.status_code == 302 and "已上传" in _said(response)
            attachment = Attachment.objects.latest("pk")
            assert re.fullmatch(rf"projects/{hostile_draft.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
            assert set(_media_files()) - files == {Path(media_root) / attachment.file.name}
            shown = attachment.original_name
            assert shown.endswith(".pdf") and 0 < len(shown) <= 150
            assert not set(shown) & set('/\\<>:"|?*\x00\r\n\u202e\u200b\ufeff') and ".." not in shown
            download = hostile_clerk.get(f"/attachments/{attachment.pk}/download/")
            assert download.status_code == 200
            disposition = download["Content-Disposition"]
            assert (
                disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
            )
            assert download["X-Content-Type-Options"] == "nosniff"


def test_an_archive_is_never_unpacked(hostile_clerk, hostile_draft, media_root, subtests):
    """Refused, or kept whole as one opaque .zip under a generated name — never extracted on the server."""
    from govit.documents.models import Attachment

    for case in cases.ARCHIVES_OPAQUE:
        with subtests.test(f"archives-{case.id}"):
            before, files = _state(), set(_media_files())
            latest = Attachment.objects.order_by("pk").last()
            response = _upload(hostile_clerk, hostile_draft, case)
            assert response.status_code == 302
            attachment = Attachment.objects.order_by("pk").last()
            if attachment == latest:
                assert_refused(response, before, "未能上传", "文件")
                continue
            assert attachment is not None
            assert attachment.extension == "zip" and attachment.content_type == "application/zip"
            stored = Path(media_root) / attachment.file.name
            assert set(_media_files()) - files == {stored} and stored.stat().st_size == len(case.content)


IMPORT_FILES = [
    ("xls-ole", "存量项目.xls", cases.OLE, "请上传 .xlsx 文件"),
    ("ole-named-xlsx", "存量项目.xlsx", cases.OLE, "旧版 .xls 格式"),
    ("csv-named-xlsx", "存量项目.xlsx", "项目名称,金额\n=cmd|' /C calc'!A0,1\n".encode(), "内容不是 .xlsx"),
    ("pdf-named-xlsx", "存量项目.xlsx", PDF, "内容不是 .xlsx"),
    ("docx-named-xlsx", "存量项目.xlsx", cases.docx_of(b"<w:document/>"), "不符"),
    ("xlsx-zip-bomb", "存量项目.xlsx", cases.xlsx_shell(cases.BOMB), "疑似压缩炸弹"),
    (
        "xlsx-zip-slip",
        "存量项目.xlsx",
        cases.zip_of([("xl/workbook.xml", b"<w/>"), ("../x", b"")]),
        "非法路径",
    ),
    ("xlsx-named-exe", "存量项目.xlsx.exe", sheet_bytes([good_row(1)]), "请上传 .xlsx 文件"),
    ("empty", "存量项目.xlsx", b"", "文件为空"),
]


def test_the_import_refuses_a_file_that_is_not_a_workbook(world, hostile_reviewer, media_root, subtests):
    for case_id, name, content, expect in IMPORT_FILES:
        with subtests.test(f"files-import-{case_id}"):
            before = _state()
            jurisdiction = str(world["jurisdictions"]["shucheng"].pk)
            response = _post_file(hostile_reviewer, "/imports/", name, content, jurisdiction=jurisdiction)
            assert_refused(response, before, "未能上传", expect)


# ================================================================== markup (XSS) in Chinese text


def _markup_targets() -> dict[str, Callable[..., Any]]:
    def project_name(c: dict[str, Any], payload: str) -> Any:
        return c["clerk"].post("/projects/new/", _create_form(name=payload))

    def project_summary(c: dict[str, Any], payload: str) -> Any:
        return c["clerk"].post("/projects/new/", _create_form(summary=f"建设内容：{payload}"))

    def api_name(c: dict[str, Any], payload: str) -> Any:
        return _api_post(c["clerk"], "/api/v1/projects", _api_project(c["world"], name=payload))

    def pack_form_leader(c: dict[str, Any], payload: str) -> Any:
        return c["clerk"].post(f"/projects/{c['draft'].pk}/forms/", {**SBB_VALID, "leader": payload})

    def withdraw_reason(c: dict[str, Any], payload: str) -> Any:
        return c["clerk"].post(f"/projects/{c['submitted'].pk}/withdraw/", {"reason": payload})

    def review_reason(c: dict[str, Any], payload: str) -> Any:
        tomorrow = clock.today() + dt.timedelta(days=7)
        return c["reviewer"].post(
            f"/projects/{c['submitted'].pk}/workflow/decide/",
            {
                "stage_id": "ST-000-04",
                "outcome": "revise",
                "reason": payload,
                "due_date": tomorrow.isoformat(),
            },
        )

    def opinion(c: dict[str, Any], payload: str) -> Any:
        return c["reviewer"].post(
            f"/projects/{c['submitted'].pk}/workflow/opinion/", {"stage_id": "ST-000-04", "opinion": payload}
        )

    return {
        "project-name": project_name,
        "project-summary": project_summary,
        "api-name": api_name,
        "pack-form-leader": pack_form_leader,
        "withdraw-reason": withdraw_reason,
        "review-reason": review_reason,
        "opinion": opinion,
    }


MARKUP_WORDS = {
    "project-name": ("项目名称", "不能包含 HTML 标签或脚本"),
    "project-summary": ("项目简要说明", "不能包含 HTML 标签或脚本"),
    "api-name": ('"name"', "不能包含 HTML 标签或脚本"),
    "pack-form-leader": ("负责人", "不能包含 HTML 标签或脚本"),
    "withdraw-reason": ("未能撤回", "不能包含 HTML 标签或脚本"),
    "review-reason": ("未能登记结论", "不能包含 HTML 标签或脚本"),
    "opinion": ("未能提交意见", "不能包含 HTML 标签或脚本"),
}
MARKUP_CASES = [(target, payload) for payload in cases.MARKUP for target in MARKUP_WORDS]


@pytest.fixture
def hostile_everyone(
    world, hostile_clerk, hostile_reviewer, hostile_draft, hostile_submitted
) -> dict[str, Any]:
    return {
        "world": world,
        "clerk": hostile_clerk,
        "reviewer": hostile_reviewer,
        "draft": hostile_draft,
        "submitted": hostile_submitted,
    }


def test_markup_is_refused_where_text_is_typed(hostile_everyone, subtests):
    targets = _markup_targets()
    for index, (target, payload) in enumerate(MARKUP_CASES):
        with subtests.test(f"xss-{target}-{index}"):
            before = _state()
            response = targets[target](hostile_everyone, payload)
            assert_refused(response, before, *MARKUP_WORDS[target])


def test_text_that_is_not_markup_is_kept_as_typed_and_shown_escaped(
    world, hostile_clerk, media_root, subtests
):
    from govit.projects.models import Project

    for index, payload in enumerate(cases.ESCAPED):
        with subtests.test(f"xss-escaped-{index}"):
            name = f"平台{payload}"[:100]
            response = hostile_clerk.post(
                "/projects/new/", _create_form(name=name, content=f"建设内容：{payload}")
            )
            assert response.status_code == 302, _said(response)[:500]
            project = Project.objects.latest("pk")
            assert project.name == name and project.content == f"建设内容：{payload}"
            for url in (f"/projects/{project.pk}/", "/projects/"):
                page = hostile_clerk.get(url).content.decode()
                assert escape(name) in page
                if escape(name) != name:
                    assert name not in page
            assert "<script>" not in hostile_clerk.get(f"/projects/{project.pk}/").content.decode()


def test_a_review_reason_is_shown_escaped_to_the_unit(
    world, hostile_reviewer, hostile_clerk, hostile_submitted
):
    reason = '材料不全" onmouseover="alert(1)；投资<100万'
    due = (clock.today() + dt.timedelta(days=7)).isoformat()
    response = hostile_reviewer.post(
        f"/projects/{hostile_submitted.pk}/workflow/decide/",
        {"stage_id": "ST-000-04", "outcome": "revise", "reason": reason, "due_date": due},
    )
    assert response.status_code == 302 and "已登记" in _said(response)
    page = hostile_clerk.get(f"/projects/{hostile_submitted.pk}/").content.decode()
    assert escape(reason) in page and reason not in page


# ================================================================== SQL-like text


def test_sql_like_text_is_stored_and_searched_literally(world, hostile_clerk, make_project, subtests):
    from govit.projects.models import Project

    make_project(name="智慧校园统一身份认证平台")
    for index, payload in enumerate(cases.SQL_LIKE):
        with subtests.test(f"sql-{index}"):
            count = Project.objects.count()
            response = _api_post(
                hostile_clerk, "/api/v1/projects", _api_project(world, name=f"平台{payload}")
            )
            assert response.status_code == 201, response.content[:300]
            created = Project.objects.get(pk=response.json()["id"])
            assert created.name == f"平台{payload}" and Project.objects.count() == count + 1
            literal = {p.pk for p in Project.objects.all() if payload.lower() in p.name.lower()}
            listing = hostile_clerk.get("/projects/", {"q": payload})
            assert listing.status_code == 200
            assert {p.pk for p in listing.context["page"]} == literal and created.pk in literal
            api_list = hostile_clerk.get("/api/v1/projects", {"limit": 200})
            assert {p["name"] for p in api_list.json()} == set(Project.objects.values_list("name", flat=True))


# ================================================================== spreadsheet formulas (import and export)


def _imported(world: dict[str, Any], rows: list[dict[str, Any]]) -> Any:
    """Upload ``rows`` through the import page as the 舒城 reviewer and check them as the worker does."""
    from govit.imports.models import ImportBatch
    from govit.imports.services import import_batch_parse

    client = _client(world["users"]["reviewer"])
    response = _post_file(
        client,
        "/imports/",
        "存量项目.xlsx",
        sheet_bytes(rows),
        jurisdiction=str(world["jurisdictions"]["shucheng"].pk),
    )
    assert response.status_code == 302, _said(response)[:300]
    return import_batch_parse(batch_id=ImportBatch.objects.latest("pk").pk)


def test_a_formula_typed_as_a_name_is_exported_as_text(world, media_root, subtests):
    from govit.imports.services import import_batch_commit, import_batch_commit_request
    from govit.projects.models import Project

    for index, payload in enumerate(cases.FORMULA_TEXT):
        with subtests.test(f"formula-text-{index}"):
            batch = _imported(world, [good_row(index * 2, 项目名称=payload, 主要建设内容=payload)])
            assert batch.state == "ready", batch.errors
            import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
            import_batch_commit(batch_id=batch.pk)
            assert Project.objects.latest("pk").name == payload
            client = _client(world["users"]["reviewer"])
            response = client.get(
                "/plans/export/", {"jurisdiction": world["jurisdictions"]["shucheng"].pk, "year": 2024}
            )
            assert response.status_code == 200
            book = load_workbook(io.BytesIO(response.content))
            found = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == payload]
            assert found and all(cell.data_type == "s" for cell in found)


def test_a_formula_in_an_amount_cell_is_refused(world, media_root, subtests):
    from govit.imports.services import import_batch_commit_request
    from govit.projects.models import Project

    for index, payload in enumerate(cases.FORMULA_AMOUNT):
        with subtests.test(f"formula-amount-{index}"):
            batch = _imported(world, [good_row(2, **{"软件开发费（万元）": payload})])
            assert batch.state == "failed"
            page = _client(world["users"]["reviewer"]).get(f"/imports/{batch.pk}/").content.decode()
            assert "软件开发费（万元）" in page and "第2行" in page
            with pytest.raises(ServiceError):
                import_batch_commit_request(actor=world["users"]["reviewer"], batch=batch)
            assert not Project.objects.exists()


# ================================================================== encodings


def _gbk_post(client: Client) -> Any:
    from urllib.parse import quote_from_bytes

    gbk_name = quote_from_bytes("智慧校园平台".encode("gbk"))
    body = "&".join(f"{k}={v}" for k, v in _create_form().items() if k != "name") + f"&name={gbk_name}"
    return client.post("/projects/new/", data=body, content_type="application/x-www-form-urlencoded")


ENCODING_CASES: list[tuple[str, Callable[[dict[str, Any]], Any], tuple[str, ...]]] = [
    ("gbk-bytes-in-utf8-form", lambda c: _gbk_post(c["clerk"]), ("项目名称", "不可见字符或无法识别的字符")),
    (
        "zero-width-only-name",
        lambda c: c["clerk"].post("/projects/new/", _create_form(name="\u200b\u200c\u200d")),
        ("项目名称", "不可见字符"),
    ),
    (
        "rtl-override-in-name",
        lambda c: c["clerk"].post("/projects/new/", _create_form(name="平台\u202e台平")),
        ("项目名称", "文字方向控制符"),
    ),
    (
        "nul-in-name",
        lambda c: c["clerk"].post("/projects/new/", _create_form(name="平台\x00台平")),
        ("项目名称", "空字符"),
    ),
    (
        "lone-surrogate-api-name",
        lambda c: _api_post(
            c["clerk"],
            "/api/v1/projects",
            json.dumps(_api_project(c["world"], name="X")).replace('"X"', '"\\ud800"'),
        ),
        ('"name"', "无法识别的字符"),
    ),
    (
        "lone-surrogate-api-key",
        lambda c: _api_post(c["clerk"], "/api/v1/projects", '{"\\udfff": 1}'),
        ("无法识别的字符",),
    ),
    (
        "nul-api-summary",
        lambda c: _api_post(c["clerk"], "/api/v1/projects", _api_project(c["world"], summary="说明\x00")),
        ('"summary"', "空字符"),
    ),
    (
        "nul-api-pack-form",
        lambda c: c["clerk"].put(
            f"/api/v1/projects/{c['draft'].pk}/forms/F-000-SBB",
            data=json.dumps({"leader": "张\x00明"}),
            content_type="application/json",
        ),
        ("leader", "空字符"),
    ),
    (
        "surrogate-api-withdraw",
        lambda c: _api_post(
            c["clerk"], f"/api/v1/projects/{c['submitted'].pk}/withdraw", '{"reason": "\\ud83d"}'
        ),
        ("reason", "无法识别的字符"),
    ),
    (
        "nul-web-pack-form",
        lambda c: c["clerk"].post(f"/projects/{c['draft'].pk}/forms/", {**SBB_VALID, "leader": "张\x00明"}),
        ("负责人", "空字符"),
    ),
    (
        "invalid-utf8-json",
        lambda c: _api_post(c["clerk"], "/api/v1/projects", b'{"name": "\xff\xfe\xc0\xaf"}'),
        ("不是有效的 JSON",),
    ),
    (
        "gbk-json",
        lambda c: _api_post(c["clerk"], "/api/v1/projects", '{"name": "智慧校园"}'.encode("gbk")),
        ("不是有效的 JSON",),
    ),
    (
        "fullwidth-dot-in-money",
        lambda c: c["clerk"].post("/projects/new/", _create_form(cost_software="１２３．５", fund_fiscal="")),
        ("软件开发", "请输入数字金额"),
    ),
]


def test_text_in_a_wrong_encoding_or_with_hidden_characters_is_refused(hostile_everyone, subtests):
    for case_id, send, words in ENCODING_CASES:
        with subtests.test(f"encoding-{case_id}"):
            before = _state()
            assert_refused(send(hostile_everyone), before, *words)


def test_full_width_digits_in_money_are_read_as_the_same_amount(world, hostile_clerk, media_root, subtests):
    from govit.projects.models import Project

    for typed, yuan in [("１２３", 1_230_000), ("１２.５", 125_000)]:
        with subtests.test(f"encoding-fullwidth-{typed}"):
            response = hostile_clerk.post(
                "/projects/new/", _create_form(cost_software=typed, fund_fiscal=typed)
            )
            assert response.status_code == 302
            assert Project.objects.latest("pk").cost_software == yuan


def test_a_superscript_digit_as_a_score_is_refused(world, hostile_clerk, hostile_draft):
    from govit.projects.models import Project

    Project.objects.filter(pk=hostile_draft.pk).update(pack_code="shangcheng")  # the pack with a score table
    before = _state()
    response = hostile_clerk.post(
        f"/projects/{hostile_draft.pk}/workflow/opinion/",
        {"stage_id": "ST-004-04", "opinion": "同意", "score_necessity": "²"},
    )
    assert_refused(response, before, "建设必要性", "得分应为整数")


# ================================================================== money


MONEY_FORM = [  # (typed in 万元, refused message or the integer 元 kept)
    ("-1", "金额不能为负数"),
    ("-0.0001", "金额不能为负数"),
    ("0", 0),
    ("0.0001", 1),
    ("1e309", "金额不能超过"),
    ("NaN", "请输入数字金额"),
    ("Infinity", "请输入数字金额"),
    ("-Infinity", "请输入数字金额"),
    ("12.34567", "金额最多精确到元"),
    ("12.3456", 123_456),
    ("99999999.9999", 999_999_999_999),
    ("100000000", 10**12),
    ("100000000.0001", "金额不能超过"),
    ("922337203685477.5808", "金额不能超过"),
    ("一百万", "请输入数字金额"),
    ("100万", "请输入数字金额"),
    ("12.345 元", "请输入数字金额"),
    ("1,000", 10_000_000),
    ("1，000.5", 10_005_000),
    ("1 000", "请输入数字金额"),
    ("0x10", "请输入数字金额"),
    ("=1+1", "请输入数字金额"),
]


def test_an_amount_in_wan_is_read_exactly_or_refused(world, hostile_clerk, media_root, subtests):
    from govit.projects.models import Project

    for typed, expect in MONEY_FORM:
        with subtests.test(f"money-form-{typed}"):
            before = _state()
            response = hostile_clerk.post("/projects/new/", _create_form(cost_software=typed, fund_fiscal=""))
            if isinstance(expect, str):
                assert_refused(response, before, expect, "软件开发")
                assert "cost_software" in response.context["form"].errors
            else:
                assert response.status_code == 302, _said(response)[:400]
                assert Project.objects.latest("pk").cost_software == expect


MONEY_API: list[tuple[str, Any, Any]] = [  # (case, JSON literal for cost_software in 元, refusal or kept)
    ("negative", "-1", "金额不能为负数"),
    ("zero", "0", 0),
    ("precision", "12.345", "金额须为整数元"),
    ("limit-minus-1", str(10**12 - 1), 10**12 - 1),
    ("limit", str(10**12), 10**12),
    ("limit-plus-1", str(10**12 + 1), "金额不能超过"),
    ("int64-overflow", str(2**63), "金额不能超过"),
    ("huge", "1" + "0" * 400, "金额不能超过"),
    ("float-overflow", "1e309", "请输入数字金额"),
    ("chinese", '"一百万"', "请输入数字金额"),
    ("bool", "true", "请输入数字金额"),
    ("object", '{"yuan": 1}', "请输入数字金额"),
]


def test_an_amount_in_yuan_through_the_api_is_exact_or_refused(world, hostile_clerk, subtests):
    from govit.projects.models import Project

    for case_id, literal, expect in MONEY_API:
        with subtests.test(f"money-api-{case_id}"):
            body = json.dumps(_api_project(world, fund_fiscal=0, cost_software="@@")).replace('"@@"', literal)
            before = _state()
            response = _api_post(hostile_clerk, "/api/v1/projects", body)
            if isinstance(expect, str):
                assert_refused(response, before, expect)
                assert response.status_code == 400 and "cost_software" in response.json()["errors"]
            else:
                assert response.status_code == 201, response.content[:300]
                assert Project.objects.latest("pk").cost_software == expect


def test_the_total_of_the_cost_heads_is_capped(world, hostile_clerk, subtests):
    from govit.projects.models import Project

    for delta, kept in [(-1, True), (0, True), (1, False)]:
        with subtests.test(f"money-total-limit{delta:+d}"):
            half = 10**12 // 2
            body = _api_project(world, cost_software=half, cost_equipment=half + delta, fund_fiscal=0)
            before = _state()
            response = _api_post(hostile_clerk, "/api/v1/projects", body)
            if kept:
                assert response.status_code == 201
                assert Project.objects.latest("pk").total_yuan == 10**12 + delta
            else:
                assert_refused(response, before, "cost_engineering", "项目总投资不能超过")


PACK_MONEY = [
    ("NaN", "应为金额数字"),
    ("sNaN", "应为金额数字"),
    ("Infinity", "应为金额数字"),
    ("-1", "不小于 0"),
]


def test_an_amount_on_a_pack_form_is_a_finite_number(hostile_clerk, hostile_draft, subtests):
    for typed, expect in PACK_MONEY:
        with subtests.test(f"money-pack-form-{typed}"):
            before = _state()
            url = f"/projects/{hostile_draft.pk}/forms/"
            response = hostile_clerk.post(url, {**SBB_VALID, "bank_loan": typed})
            assert_refused(response, before, "资金筹措·银行贷款", expect)


# ================================================================== dates


ROUND_DATES = [  # (opens_on, closes_on, words of the refusal)
    ("2026-02-30", "", ("开始受理日期", "日期格式应为 YYYY-MM-DD")),
    ("2027-02-29", "", ("开始受理日期", "日期格式应为")),
    ("0000-01-01", "", ("开始受理日期", "日期格式应为")),
    ("9999-12-31", "", ("开始受理日期不能晚于计划年度",)),
    ("2026-13-01", "", ("开始受理日期", "日期格式应为")),
    ("01/03/2027", "", ("开始受理日期", "日期格式应为")),
    ("明天", "", ("开始受理日期", "日期格式应为")),
    ("2027-03-01", "2027-02-28", ("申报截止日期不能早于开始受理日期",)),
    ("2027-03-01", "2027-02-30", ("申报截止日期", "日期格式应为")),
    ("2027-03-01", "10000-01-01", ("申报截止日期", "日期格式应为")),
]


def test_a_round_with_an_impossible_date_is_refused(world, hostile_reviewer, subtests):
    for index, (opens, closes, words) in enumerate(ROUND_DATES):
        with subtests.test(f"dates-round-{index}"):
            before = _state()
            data = {
                "jurisdiction": world["jurisdictions"]["shucheng"].pk,
                "year": 2027,
                "name": "2027年度电子政务项目申报",
                "opens_on": opens,
                "closes_on": closes,
            }
            response = hostile_reviewer.post("/projects/rounds/", data)
            assert_refused(response, before, "未能发布", *words)


MONTH_RANGES = [
    ("2027-13", "2027-12", "应填写起止年月"),
    ("2027-12", "2027-01", "起始年月不能晚于结束年月"),
    ("0000-01", "2027-12", "年份应在 2000 至 2100 年之间"),
    ("1999-12", "2027-12", "年份应在 2000 至 2100 年之间"),
    ("2027-01", "2101-01", "年份应在 2000 至 2100 年之间"),
    ("２０２７-01", "2027-12", "应填写起止年月"),
    ("2027-1", "2027-12", "应填写起止年月"),
    ("2027年1月", "2027-12", "应填写起止年月"),
]


def test_a_construction_period_must_be_a_real_range(hostile_clerk, hostile_draft, subtests):
    for index, (start, end, expect) in enumerate(MONTH_RANGES):
        with subtests.test(f"dates-month-range-{index}"):
            before = _state()
            data = {**SBB_VALID, "period__start": start, "period__end": end}
            response = hostile_clerk.post(f"/projects/{hostile_draft.pk}/forms/", data)
            assert_refused(response, before, "建设年度", expect)


def test_a_revision_deadline_lies_after_today(hostile_reviewer, hostile_submitted, subtests):
    from govit.core import clock

    url = f"/projects/{hostile_submitted.pk}/workflow/decide/"
    decision = {"stage_id": "ST-000-04", "outcome": "revise", "reason": "补充共享清单"}
    for typed, expect in [
        ("2027-02-30", "日期格式应为 YYYY-MM-DD"),
        ("0000-01-01", "日期格式应为 YYYY-MM-DD"),
        ("2027/02/30", "日期格式应为 YYYY-MM-DD"),
        ((clock.today() - dt.timedelta(days=1)).isoformat(), "修改期限应晚于今天"),
        (clock.today().isoformat(), "修改期限应晚于今天"),
    ]:
        with subtests.test(f"dates-due-{typed}"):
            before = _state()
            response = hostile_reviewer.post(url, {**decision, "due_date": typed})
            assert_refused(response, before, "未能登记结论", expect)
    with subtests.test("dates-due-tomorrow"):  # the boundary +1 is accepted
        before = _state()
        tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
        response = hostile_reviewer.post(url, {**decision, "due_date": tomorrow})
        assert "已登记" in _said(response) and _state() != before


# ================================================================== workflow abuse


def _decide(c: dict[str, Any], project: Any, **data: str) -> Any:
    return c["reviewer"].post(f"/projects/{project.pk}/workflow/decide/", data)


def _withdrawn(c: dict[str, Any]) -> Any:
    from govit.projects.services import declaration_withdraw

    return declaration_withdraw(
        actor=c["world"]["users"]["clerk"], project=c["submitted"], reason="重新核算投资"
    )


WORKFLOW_CASES: list[tuple[str, Callable[[dict[str, Any]], Any], tuple[str, ...]]] = [
    (
        "replay-submit",
        lambda c: c["clerk"].post(f"/projects/{c['submitted'].pk}/submit/"),
        ("未能提交",),
    ),
    (
        "replay-submit-api",
        lambda c: _api_post(c["clerk"], f"/api/v1/projects/{c['submitted'].pk}/submit", {}),
        ("detail",),
    ),
    (
        "withdraw-a-draft",
        lambda c: c["clerk"].post(f"/projects/{c['draft'].pk}/withdraw/", {"reason": "不再需要"}),
        ("未能撤回",),
    ),
    (
        "decide-a-stage-not-current",
        lambda c: _decide(c, c["submitted"], stage_id="ST-000-05", outcome="pass"),
        ("未能登记结论", "不是当前环节"),
    ),
    (
        "decide-forged-stage-id",
        lambda c: _decide(c, c["submitted"], stage_id="../../ST-000-04", outcome="pass"),
        ("未能登记结论",),
    ),
    (
        "outcome-not-allowed-here",
        lambda c: _decide(c, c["submitted"], stage_id="ST-000-04", outcome="approved"),
        ("未能登记结论", "结论只能是"),
    ),
    (
        "outcome-not-a-choice",
        lambda c: _decide(c, c["submitted"], stage_id="ST-000-04", outcome="DROP"),
        ("未能登记结论",),
    ),
    (
        "unit-decides-its-own-stage",
        lambda c: c["clerk"].post(
            f"/projects/{c['submitted'].pk}/workflow/decide/", {"stage_id": "ST-000-04", "outcome": "pass"}
        ),
        ("无",),
    ),
    (
        "decide-a-draft",
        lambda c: _decide(c, c["draft"], stage_id="ST-000-04", outcome="pass"),
        ("不存在",),
    ),
    (
        "decide-a-withdrawn-project",
        lambda c: _decide(c, c["submitted"], stage_id="ST-000-04", outcome="pass"),
        ("不存在",),
    ),
    (
        "outsider-submits-another-units-project",
        lambda c: c["outsider"].post(f"/projects/{c['draft'].pk}/submit/"),
        ("不存在",),
    ),
    (
        "outsider-edits-via-api",
        lambda c: c["outsider"].put(
            f"/api/v1/projects/{c['draft'].pk}",
            data=json.dumps({"name": "改名"}),
            content_type="application/json",
        ),
        ("不存在或无权查看",),
    ),
    (
        "outsider-uploads",
        lambda c: _upload(c["outsider"], c["draft"], Upload("x", "a.pdf", PDF, "")),
        ("不存在",),
    ),
    (
        "outsider-withdraws",
        lambda c: c["outsider"].post(f"/projects/{c['submitted'].pk}/withdraw/", {"reason": "撤回"}),
        ("不存在",),
    ),
    (
        "outsider-fills-pack-form",
        lambda c: c["outsider"].post(f"/projects/{c['draft'].pk}/forms/", SBB_VALID),
        ("不存在",),
    ),
    (
        "revoke-another-projects-override",
        lambda c: c["reviewer"].post(
            f"/projects/{c['submitted'].pk}/overrides/999999/revoke/", {"reason": "x"}
        ),
        ("不存在",),
    ),
    (
        "forged-status-on-create",
        lambda c: c["clerk"].post("/projects/new/", _create_form(status="approved")),
        ("不允许通过表单设置受控字段", "status"),
    ),
    (
        "forged-jurisdiction-on-create",
        lambda c: c["clerk"].post(
            "/projects/new/", _create_form(jurisdiction=str(c["world"]["jurisdictions"]["zhanggong"].pk))
        ),
        ("不允许通过表单设置受控字段", "jurisdiction"),
    ),
    (
        "forged-pack-via-api",
        lambda c: _api_post(c["clerk"], "/api/v1/projects", _api_project(c["world"], pack_code="zhanggong")),
        ("不允许通过表单设置受控字段", "pack_code"),
    ),
    (
        "forged-total-on-edit",
        lambda c: c["clerk"].post(
            f"/projects/{c['draft'].pk}/edit/", _create_form(total_yuan="1", version=str(c["draft"].version))
        ),
        ("不允许通过表单设置受控字段", "total_yuan"),
    ),
    (
        "lead-unit-of-another-county",
        lambda c: c["clerk"].post(
            "/projects/new/", _create_form(lead_unit=str(c["world"]["orgs"]["zg_education"].pk))
        ),
        ("建设单位", "无效或您无权为其申报"),
    ),
    (
        "lead-unit-of-another-county-api",
        lambda c: _api_post(
            c["clerk"],
            "/api/v1/projects",
            _api_project(c["world"], lead_unit=c["world"]["orgs"]["zg_education"].pk),
        ),
        ("lead_unit", "无效或您无权为其申报"),
    ),
    (
        "co-unit-of-another-county-api",
        lambda c: _api_post(
            c["clerk"],
            "/api/v1/projects",
            _api_project(c["world"], co_units=[c["world"]["orgs"]["zg_education"].pk]),
        ),
        ("co_units", "所选共建单位无效"),
    ),
    (
        "co-unit-bureau-on-edit-api",
        lambda c: c["clerk"].put(
            f"/api/v1/projects/{c['draft'].pk}",
            data=json.dumps(_api_project(c["world"], co_units=[c["world"]["orgs"]["bureau"].pk])),
            content_type="application/json",
        ),
        ("co_units", "所选共建单位无效"),
    ),
    (
        "stale-version-on-edit",
        lambda c: c["clerk"].post(
            f"/projects/{c['draft'].pk}/edit/", _create_form(name="改名", version=str(c["draft"].version - 1))
        ),
        ("已",),
    ),
    (
        "edit-a-submitted-project",
        lambda c: c["clerk"].post(f"/projects/{c['submitted'].pk}/edit/", _create_form(name="改名")),
        ("当前状态下不能修改该项目",),
    ),
    (
        "pack-form-of-another-pack",
        lambda c: c["clerk"].post(
            f"/projects/{c['draft'].pk}/forms/", {**SBB_VALID, "form_id": "F-003-XMJS"}
        ),
        ("政策包中没有该申报表",),
    ),
]


def test_a_forbidden_step_is_refused_and_changes_nothing(hostile_everyone, hostile_outsider, subtests):
    c = {**hostile_everyone, "outsider": hostile_outsider}
    last = sorted(WORKFLOW_CASES, key=lambda case: case[0].endswith("withdrawn-project"))
    for case_id, act, words in last:  # the withdrawn project comes last: withdrawing changes the record
        with subtests.test(f"workflow-{case_id}"):
            if case_id.endswith("withdrawn-project"):
                c["submitted"] = _withdrawn(c)
            before = _state()
            assert_refused(act(c), before, *words)


def test_a_double_posted_create_form_makes_one_project(world, hostile_clerk, media_root):
    from govit.projects.models import Project

    form = _create_form(request_key="0b8c5f0e-5d7e-4a0b-9a59-1f7c2f0c2b11")
    first = hostile_clerk.post("/projects/new/", form)
    before = _state()
    second = hostile_clerk.post("/projects/new/", form)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Project.objects.count() == 1 and _state() == before
