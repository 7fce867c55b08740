"""Materials at rest (等保 8.1.4.8 b, 8.1.4.7 b): with an SM4 key configured a material is stored SM4-GCM
encrypted in authenticated frames; a download decrypts as a stream and is served only when the plaintext's SM3
digest is the one recorded at upload. A tampered file, a wrong key or a missing key is refused with a Chinese
reason and a ``document.integrity_failed`` audit event; files stored before the key was set stay readable."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from conftest import PDF_BYTES as PDF
from govit.audit.hashing import sm3_hex
from govit.audit.models import AuditEvent
from govit.audit.selectors import audit_chain_verify
from govit.documents import crypto

KEY = "0123456789abcdeffedcba9876543210"
OTHER_KEY = "00112233445566778899aabbccddeeff"


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


@pytest.fixture
def keyed(settings):
    settings.GOVIT_SM4_KEY = KEY
    settings.GOVIT_SM4_KEY_FILE = ""
    return settings


def stored_path(attachment: Any) -> Path:
    return Path(attachment.file.path)


def download(client: Any, attachment: Any) -> Any:
    return client.get(f"/attachments/{attachment.pk}/download/")


def refused(response: Any) -> bool:
    text = response.content.decode()
    return response.status_code == 409 and "完整性校验" in text and PDF not in response.content


# --- the frame format ----------------------------------------------------------------------------------------


class Recording(io.BytesIO):
    """A file that remembers the largest read asked of it and the largest write given to it."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(data)
        self.largest_read = 0
        self.largest_write = 0

    def read(self, size: int | None = -1) -> bytes:
        self.largest_read = max(self.largest_read, -1 if size is None or size < 0 else size)
        return super().read(size)

    def write(self, data: Any) -> int:
        self.largest_write = max(self.largest_write, len(data))
        return super().write(data)


def seal(plain: bytes, key: bytes, frame: int) -> bytes:
    sink = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(plain), sink, key, nonce=os.urandom(12), frame_size=frame)
    return sink.getvalue()


@pytest.mark.parametrize("length", [0, 1, 63, 64, 65, 128, 129, 1000])
def test_it_round_trips_every_length_around_the_frame_boundary(length):
    key, plain = bytes.fromhex(KEY), os.urandom(length)
    sealed = seal(plain, key, 64)
    frames = max(1, -(-length // 64))
    assert len(sealed) == crypto.HEADER_SIZE + length + frames * crypto.TAG_SIZE
    assert sealed.startswith(crypto.MAGIC) and (length < 16 or plain not in sealed)
    assert b"".join(crypto.plaintext_chunks(io.BytesIO(sealed), key)) == plain


def test_it_holds_one_frame_at_a_time_while_encrypting_and_decrypting():
    key, plain, frame = bytes.fromhex(KEY), os.urandom(10 * 4096 + 7), 4096
    source, sink = Recording(plain), Recording()
    crypto.encrypt_stream(source, sink, key, nonce=os.urandom(12), frame_size=frame)
    assert 0 < source.largest_read <= frame and sink.largest_write <= frame + crypto.TAG_SIZE
    stored = Recording(sink.getvalue())
    chunks = list(crypto.plaintext_chunks(stored, key))
    assert len(chunks) == 11 and max(map(len, chunks)) == frame
    assert 0 < stored.largest_read <= frame + crypto.TAG_SIZE
    assert b"".join(chunks) == plain


def test_it_detects_dropped_swapped_and_cut_frames():
    key, frame = bytes.fromhex(KEY), 64
    sealed = seal(os.urandom(3 * frame), key, frame)
    header, body = sealed[: crypto.HEADER_SIZE], sealed[crypto.HEADER_SIZE :]
    size = frame + crypto.TAG_SIZE
    one, two, three = body[:size], body[size : 2 * size], body[2 * size :]
    for forged in (header + one + two, header + two + one + three, header + one + two + three[:-1]):
        with pytest.raises(crypto.IntegrityFailure):
            b"".join(crypto.plaintext_chunks(io.BytesIO(forged), key))


def test_a_malformed_key_stops_start_up_with_the_reason(settings, tmp_path):
    settings.GOVIT_SM4_KEY = "abc"
    with pytest.raises(ImproperlyConfigured, match="32 hex digits"):
        crypto.storage_key()
    settings.GOVIT_SM4_KEY = KEY[:-2]  # 15 bytes
    with pytest.raises(ImproperlyConfigured, match="not 15 bytes"):
        crypto.storage_key()
    key_file = tmp_path / "sm4.key"
    key_file.write_text(KEY + "\n")
    settings.GOVIT_SM4_KEY, settings.GOVIT_SM4_KEY_FILE = "", str(key_file)
    assert crypto.storage_key() == bytes.fromhex(KEY)
    settings.GOVIT_SM4_KEY_FILE = str(tmp_path / "missing.key")
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        crypto.storage_key()


# --- uploads and downloads -----------------------------------------------------------------------------------


def test_with_a_key_the_stored_file_is_ciphertext_and_the_download_is_the_upload(
    world, make_project, upload, login, keyed
):
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    stored = stored_path(attachment).read_bytes()
    assert stored.startswith(crypto.MAGIC) and PDF[:16] not in stored
    assert attachment.sm3 == sm3_hex(PDF) and attachment.size == len(PDF)  # the plaintext's digest and size
    response = download(login(world["users"]["clerk"]), attachment)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Length"] == str(len(PDF))
    assert AuditEvent.objects.filter(action="attachment.download").count() == 1


@pytest.mark.parametrize(
    "where", [0, 20, crypto.HEADER_SIZE, -1], ids=["magic", "nonce", "ciphertext", "tag"]
)
def test_one_tampered_byte_is_refused_and_audited(world, make_project, upload, login, keyed, where):
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    path = stored_path(attachment)
    data = bytearray(path.read_bytes())
    data[where] ^= 0x01
    path.write_bytes(bytes(data))
    response = download(login(world["users"]["clerk"]), attachment)
    assert refused(response)
    failed = AuditEvent.objects.get(action="document.integrity_failed")
    assert failed.outcome == "failure" and failed.after["attachment_id"] == attachment.pk
    assert not AuditEvent.objects.filter(action="attachment.download").exists()
    assert audit_chain_verify().ok


def test_the_wrong_key_is_refused_and_audited(world, make_project, upload, login, keyed):
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    keyed.GOVIT_SM4_KEY = OTHER_KEY
    response = download(login(world["users"]["clerk"]), attachment)
    assert refused(response) and "密钥不符" in response.content.decode()
    assert AuditEvent.objects.filter(action="document.integrity_failed").count() == 1


def test_an_encrypted_file_without_a_key_is_refused(world, make_project, upload, login, keyed):
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    keyed.GOVIT_SM4_KEY = ""
    response = download(login(world["users"]["clerk"]), attachment)
    assert refused(response) and "未配置 SM4 密钥" in response.content.decode()


def test_a_file_stored_before_the_key_was_set_stays_readable(world, make_project, upload, login, settings):
    settings.GOVIT_SM4_KEY = ""
    legacy = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    assert stored_path(legacy).read_bytes() == PDF
    settings.GOVIT_SM4_KEY = KEY
    response = download(login(world["users"]["clerk"]), legacy)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_without_a_key_a_tampered_file_is_still_refused_by_its_sm3_digest(
    world, make_project, upload, login, settings
):
    settings.GOVIT_SM4_KEY = ""
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    path = stored_path(attachment)
    path.write_bytes(PDF.replace(b"Catalog", b"Catalos"))
    response = download(login(world["users"]["clerk"]), attachment)
    assert refused(response) and "SM3" in response.content.decode()
    assert AuditEvent.objects.filter(action="document.integrity_failed").count() == 1


def test_a_missing_file_is_refused_not_a_server_error(world, make_project, upload, login, keyed):
    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    stored_path(attachment).unlink()
    assert refused(download(login(world["users"]["clerk"]), attachment))


def test_a_large_file_is_streamed_frame_by_frame(world, make_project, upload, login, keyed, monkeypatch):
    monkeypatch.setattr(crypto, "FRAME_SIZE", 64 * 1024)
    content = PDF + os.urandom(20 * 64 * 1024 + 5)  # 21 frames, the last one short
    attachment = upload(make_project(), "data_sharing_list", content, "大文件.pdf")
    assert stored_path(attachment).stat().st_size == crypto.HEADER_SIZE + len(content) + 21 * crypto.TAG_SIZE
    response = download(login(world["users"]["clerk"]), attachment)
    chunks = list(response.streaming_content)
    assert len(chunks) == 21 and max(map(len, chunks)) == 64 * 1024
    assert sm3_hex(b"".join(chunks)) == attachment.sm3


def test_a_file_replaced_after_verification_is_cut_off_and_audited(world, make_project, upload, keyed):
    from govit.documents.services import attachment_download

    attachment = upload(make_project(), "data_sharing_list", PDF, "共享清单.pdf")
    stream = attachment_download(actor=world["users"]["clerk"], attachment=attachment)
    path = stored_path(attachment)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(Exception, match="完整性校验"):
        b"".join(stream)
    assert AuditEvent.objects.filter(action="document.integrity_failed").count() == 1
