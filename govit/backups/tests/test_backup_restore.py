"""备份与恢复 (等保 8.1.4.9 a): a backup taken with ``govit backup`` restores with ``govit restore`` to the same
rows and the same files, the audit chain verifies afterwards, and a backup that has been tampered with is
refused before anything is changed. Runs on SQLite and on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conftest import PDF_BYTES as PDF
from govit.audit.hashing import sm3_hex
from govit.audit.models import AuditEvent
from govit.audit.selectors import audit_chain_verify
from govit.backups.services import MANIFEST, backup_create
from govit.documents import crypto
from govit.documents.models import Attachment
from govit.documents.services import attachment_download
from govit.projects.models import Project

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "0123456789abcdeffedcba9876543210"


@pytest.fixture(autouse=True)
def _audit_rows_cleared_before_flush(transactional_db):
    """These tests commit for real; the test database is emptied afterwards with DELETE, which the audit
    table's append-only trigger refuses on SQLite. Lift the guard for that one cleanup, then put it back."""
    from govit.audit.dbguard import guard_install, guard_remove

    yield
    guard_remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    guard_install(connection)


@pytest.fixture
def seeded(world, make_project, upload, settings) -> dict[str, Any]:
    """Three projects with materials: one stored before the SM4 key was set, the rest encrypted."""
    projects = [make_project(name=f"备份演练项目{i}") for i in range(3)]
    settings.GOVIT_SM4_KEY = ""
    legacy = upload(projects[0], "data_sharing_list", PDF, "共享清单.pdf")
    settings.GOVIT_SM4_KEY = KEY
    sealed = [
        upload(p, "data_sharing_list", PDF + bytes([i]) * 100, f"清单{i}.pdf") for i, p in enumerate(projects)
    ]
    return {"projects": projects, "attachments": [legacy, *sealed]}


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            result[table] = cursor.fetchone()[0]
        return result


def plaintext(attachment: Attachment, who: Any) -> bytes:
    return b"".join(attachment_download(actor=who, attachment=Attachment.objects.get(pk=attachment.pk)))


def test_it_round_trips_rows_and_files_and_the_audit_chain_verifies(
    world, seeded, make_project, tmp_path, settings, capsys
):
    clerk = world["users"]["clerk"]
    out = tmp_path / "backup"
    call_command("backup", out=str(out))
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    media = Path(settings.MEDIA_ROOT)
    assert set(manifest["files"]) == {a.file.name for a in seeded["attachments"]}
    assert sum(entry["sm4_encrypted"] for entry in manifest["files"].values()) == 3
    assert manifest["tables"]["projects_project"] == 3 and manifest["tables"]["documents_attachment"] == 4
    before = {table: n for table, n in counts().items() if not table.startswith("audit_")}

    # what goes wrong after the backup: a renamed project, a new one, a lost file and a damaged one
    first, second = seeded["attachments"][0], seeded["attachments"][1]
    Project.objects.filter(pk=seeded["projects"][0].pk).update(name="被误改的名称")
    make_project(name="备份之后新建的项目")
    (media / first.file.name).unlink()
    (media / second.file.name).write_bytes(b"damaged")

    call_command("restore", source=str(out))
    assert "恢复完成" in capsys.readouterr().out
    after = counts()
    assert {table: n for table, n in after.items() if not table.startswith("audit_")} == before
    assert after["audit_auditevent"] == manifest["tables"]["audit_auditevent"] + 1  # the restore itself
    assert AuditEvent.objects.order_by("-seq").first().action == "backup.restore"
    assert set(Project.objects.values_list("name", flat=True)) == {f"备份演练项目{i}" for i in range(3)}
    for attachment in seeded["attachments"]:
        assert (
            sm3_hex((media / attachment.file.name).read_bytes())
            == manifest["files"][attachment.file.name]["sm3"]
        )
        assert sm3_hex(plaintext(attachment, clerk)) == attachment.sm3
    assert audit_chain_verify().ok


def _flip(path: Path, where: int = -1) -> None:
    data = bytearray(path.read_bytes())
    data[where] ^= 0x01
    path.write_bytes(bytes(data))


def _tamper_media(out: Path, manifest: dict[str, Any]) -> None:
    _flip(out / "media" / sorted(manifest["files"])[0])


def _tamper_database(out: Path, manifest: dict[str, Any]) -> None:
    _flip(out / manifest["database"]["file"], 200)


def _drop_file(out: Path, manifest: dict[str, Any]) -> None:
    (out / "media" / sorted(manifest["files"])[-1]).unlink()


def _escape_path(out: Path, manifest: dict[str, Any]) -> None:
    manifest["files"]["../../outside.pdf"] = next(iter(manifest["files"].values()))
    (out / MANIFEST).write_text(json.dumps(manifest), "utf-8")


def _break_manifest(out: Path, manifest: dict[str, Any]) -> None:
    (out / MANIFEST).write_text("{not json", "utf-8")


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_tamper_media, "SM3 摘要或大小与清单不符"),
        (_tamper_database, "SM3 摘要或大小与清单不符"),
        (_drop_file, "缺少文件"),
        (_escape_path, "文件路径不合法"),
        (_break_manifest, "无法解析"),
    ],
    ids=["one media byte", "one database byte", "missing file", "path outside media", "broken manifest"],
)
def test_a_tampered_backup_is_refused_and_nothing_changes(world, seeded, tmp_path, settings, tamper, message):
    out = tmp_path / "backup"
    manifest = backup_create(out=out)
    Project.objects.filter(pk=seeded["projects"][0].pk).update(name="备份之后的修改")
    media = Path(settings.MEDIA_ROOT)
    files_before = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    rows_before = counts()
    tamper(out, manifest)
    with pytest.raises(CommandError, match=message):
        call_command("restore", source=str(out))
    assert counts() == rows_before
    assert Project.objects.get(pk=seeded["projects"][0].pk).name == "备份之后的修改"
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == files_before
    assert not (tmp_path / "outside.pdf").exists()


def test_check_only_verifies_and_a_used_directory_is_not_overwritten(world, seeded, tmp_path, capsys):
    out = tmp_path / "backup"
    call_command("backup", out=str(out))
    call_command("restore", source=str(out), check=True)
    assert "备份校验通过" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", out=str(out))
    with pytest.raises(CommandError, match="不是 GovIT 备份"):
        call_command("restore", source=str(tmp_path))
    assert crypto.MAGIC not in (out / MANIFEST).read_bytes()


def test_with_object_storage_files_are_left_to_the_bucket_and_a_local_backup_is_refused(
    world, seeded, tmp_path, settings
):
    local = tmp_path / "local"
    backup_create(out=local)
    Project.objects.filter(pk=seeded["projects"][0].pk).update(name="备份之后的修改")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    manifest = backup_create(out=tmp_path / "object-store")
    assert manifest["storage"] == "object-store" and manifest["files"] == {}
    assert not (tmp_path / "object-store" / "media").exists()
    rows_before = counts()
    with pytest.raises(CommandError, match="对象存储"):
        call_command("restore", source=str(local))
    assert counts() == rows_before
    assert Project.objects.get(pk=seeded["projects"][0].pk).name == "备份之后的修改"
