"""Materials kept in S3-compatible object storage (GOVIT_STORAGE=s3), end to end against a real S3 server
running locally (moto in server mode, a separate process speaking the S3 protocol over HTTP): the upload
lands as an object under the project's prefix, every version is its own object, the download streams the
same bytes, an upload whose record fails leaves no object behind, an outsider gets a 404."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import Client

from conftest import PDF_BYTES as PDF
from govit.audit.hashing import sm3_hex
from govit.core.errors import ServiceError
from govit.documents.models import Attachment
from govit.documents.tests.test_attachments import docx_bytes
from govit.settings import s3_storage

BUCKET = "govit-materials"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the local S3 server did not start") from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


ENVIRON = {"GOVIT_S3_ACCESS_KEY": "govit", "GOVIT_S3_SECRET_KEY": "govit-secret", "GOVIT_S3_PREFIX": "govit"}


@pytest.fixture
def bucket(s3_server: str, settings: Any) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="govit",
        aws_secret_access_key="govit-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage({**ENVIRON, "GOVIT_S3_BUCKET": BUCKET, "GOVIT_S3_ENDPOINT_URL": s3_server}),
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client: Any) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_versions_are_objects_in_the_bucket_and_download_streams_them(world, make_project, upload, bucket):
    project = make_project()
    revised = docx_bytes()  # built once: a zip records the time it was written
    first = upload(project, "data_sharing_list", PDF, "共享清单.pdf")
    second = upload(project, "data_sharing_list", revised, "共享清单（修订）.docx")
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    stored = keys(bucket)
    assert stored == sorted(f"govit/{a.file.name}" for a in (first, second))
    assert all(key.startswith(f"govit/projects/{project.pk}/") for key in stored)
    body = bucket.get_object(Bucket=BUCKET, Key=f"govit/{first.file.name}")["Body"].read()
    assert body == PDF and sm3_hex(body) == first.sm3

    clerk = Client()
    clerk.force_login(world["users"]["clerk"])
    for attachment, content in ((first, PDF), (second, revised)):
        response = clerk.get(f"/attachments/{attachment.pk}/download/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
    outsider = Client()
    outsider.force_login(world["users"]["outsider"])
    assert outsider.get(f"/attachments/{first.pk}/download/").status_code == 404


def test_an_upload_whose_record_fails_leaves_no_object(world, make_project, upload, bucket, monkeypatch):
    project = make_project()

    def broken(**_kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("govit.documents.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        upload(project, "data_sharing_list", PDF, "共享清单.pdf")
    assert not Attachment.objects.exists()
    assert keys(bucket) == []


def test_a_refused_file_never_reaches_the_bucket(world, make_project, upload, bucket):
    with pytest.raises(ServiceError, match="不是允许的格式"):
        upload(make_project(), "data_sharing_list", b"MZ\x90\x00" + b"\0" * 200, "../../etc/passwd.pdf")
    assert keys(bucket) == []


def test_s3_needs_its_credentials_and_limits_checksums_for_compatible_stores() -> None:
    with pytest.raises(ImproperlyConfigured, match="GOVIT_S3_BUCKET"):
        s3_storage({"GOVIT_S3_ACCESS_KEY": "a", "GOVIT_S3_SECRET_KEY": "b"})
    options = s3_storage({**ENVIRON, "GOVIT_S3_BUCKET": BUCKET})["OPTIONS"]
    assert options["client_config"].request_checksum_calculation == "when_required"
    assert options["file_overwrite"] is False and options["default_acl"] is None


def test_with_an_sm4_key_the_object_is_ciphertext_and_tampering_is_refused(
    world, make_project, upload, bucket, settings
):
    from govit.audit.models import AuditEvent
    from govit.documents import crypto

    settings.GOVIT_SM4_KEY, settings.GOVIT_SM4_KEY_FILE = "0123456789abcdeffedcba9876543210", ""
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    key = f"govit/{attachment.file.name}"
    body = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body.startswith(crypto.MAGIC) and PDF[:16] not in body
    clerk = Client()
    clerk.force_login(world["users"]["clerk"])
    response = clerk.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    bucket.put_object(Bucket=BUCKET, Key=key, Body=body[:-1] + bytes([body[-1] ^ 1]))
    response = clerk.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 409 and "完整性校验" in response.content.decode()
    assert AuditEvent.objects.filter(action="document.integrity_failed").count() == 1
