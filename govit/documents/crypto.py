"""SM4-GCM encryption of stored materials (等保 8.1.4.8 b 存储保密性, 8.1.4.7 b 存储完整性).

When ``GOVIT_SM4_KEY`` (32 hex digits) or ``GOVIT_SM4_KEY_FILE`` (a file holding them) is set, every material
is written to storage encrypted, in frames so that neither encryption nor decryption holds more than one
frame in memory. Format, version 1::

    header   MAGIC "GOVITSM4" (8 bytes) | version 0x01 (1) | frame size F, big-endian (4) | nonce N (12)
    frame i  SM4-GCM ciphertext of plaintext bytes [i*F, (i+1)*F) | GCM tag (16)

Every frame but the last carries exactly F plaintext bytes; the last carries 0..F. Frame i is encrypted with
the nonce ``N XOR i`` (N is random per object) and authenticates ``header | i (8 bytes) | last (1 byte)`` as
associated data, so a frame that is altered, moved, dropped, or a file cut short after a frame fails its tag.
A stored file that does not start with MAGIC is a plaintext file written before a key was configured; it
stays readable (uploads are PDF, Office or image files, none of which starts with MAGIC). The SM3 digest on
the attachment row is always that of the plaintext and is checked again on every download.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"GOVITSM4"
VERSION = 1
FRAME_SIZE = 1024 * 1024
TAG_SIZE = 16
NONCE_SIZE = 12
_HEADER = struct.Struct(">8sBI12s")
HEADER_SIZE = _HEADER.size
# A header naming a frame larger than this is not one GovIT wrote (and would make reading unbounded).
_MAX_FRAME_SIZE = 16 * 1024 * 1024


class IntegrityFailure(Exception):
    """The stored file cannot be shown to be the material that was uploaded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def key_parse(text: str, *, source: str) -> bytes:
    """A 16-byte SM4 key from 32 hex digits; a malformed key stops start-up with the reason."""
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{source} must be 32 hex digits (an SM4 key of 16 bytes)") from None
    if len(key) != 16:
        raise ImproperlyConfigured(
            f"{source} must be 32 hex digits (an SM4 key of 16 bytes), not {len(key)} bytes"
        )
    return key


@functools.lru_cache(maxsize=4)
def _key_load(inline: str, path: str) -> bytes | None:
    if inline:
        return key_parse(inline, source="GOVIT_SM4_KEY")
    if path:
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(f"GOVIT_SM4_KEY_FILE {path} cannot be read: {error}") from None
        return key_parse(text, source=f"GOVIT_SM4_KEY_FILE {path}")
    return None


def storage_key() -> bytes | None:
    """The configured SM4 key, or None when materials are stored unencrypted."""
    return _key_load(
        str(getattr(settings, "GOVIT_SM4_KEY", "") or ""),
        str(getattr(settings, "GOVIT_SM4_KEY_FILE", "") or ""),
    )


def _frame_nonce(nonce: bytes, index: int) -> bytes:
    return (int.from_bytes(nonce, "big") ^ index).to_bytes(NONCE_SIZE, "big")


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def _read_full(handle: IO[bytes], size: int) -> bytes:
    """Exactly ``size`` bytes unless the file ends first (storages may return short reads)."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        block = handle.read(remaining)
        if not block:
            break
        parts.append(block)
        remaining -= len(block)
    return b"".join(parts)


def encrypt_stream(
    source: IO[bytes], sink: IO[bytes], key: bytes, *, nonce: bytes, frame_size: int | None = None
) -> None:
    """Write the encrypted form of ``source`` to ``sink``, one frame in memory at a time."""
    frame_size = frame_size or FRAME_SIZE
    header = _HEADER.pack(MAGIC, VERSION, frame_size, nonce)
    sink.write(header)
    index = 0
    block = _read_full(source, frame_size)
    while True:
        following = _read_full(source, frame_size) if len(block) == frame_size else b""
        last = not following
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(_frame_nonce(nonce, index))).encryptor()
        encryptor.authenticate_additional_data(_aad(header, index, last))
        sink.write(encryptor.update(block) + encryptor.finalize() + encryptor.tag)
        if last:
            return
        block, index = following, index + 1


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def plaintext_chunks(
    handle: IO[bytes], key: bytes | None, *, chunk_size: int = FRAME_SIZE
) -> Iterator[bytes]:
    """The stored file's plaintext, a chunk at a time: decrypted frame by frame (each frame's tag checked
    before any of its bytes is released) or, for a file stored before a key was set, read as it is."""
    head = _read_full(handle, HEADER_SIZE)
    if not is_encrypted(head):
        if head:
            yield head
        while block := handle.read(chunk_size or FRAME_SIZE):
            yield block
        return
    if len(head) < HEADER_SIZE:
        raise IntegrityFailure("加密文件的文件头不完整")
    _magic, version, frame_size, nonce = _HEADER.unpack(head)
    if version != VERSION or not 0 < frame_size <= _MAX_FRAME_SIZE:
        raise IntegrityFailure(f"无法识别的加密文件格式（版本 {version}）")
    if key is None:
        raise IntegrityFailure("文件已加密存储，但系统未配置 SM4 密钥")
    index = 0
    frame = _read_full(handle, frame_size + TAG_SIZE)
    while True:
        if len(frame) < TAG_SIZE:
            raise IntegrityFailure("加密文件不完整（被截断）")
        following = _read_full(handle, frame_size + TAG_SIZE) if len(frame) == frame_size + TAG_SIZE else b""
        last = not following
        body, tag = frame[:-TAG_SIZE], frame[-TAG_SIZE:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(_frame_nonce(nonce, index), tag)).decryptor()
        decryptor.authenticate_additional_data(_aad(head, index, last))
        try:
            plain = decryptor.update(body) + decryptor.finalize()
        except InvalidTag:
            raise IntegrityFailure("文件解密校验失败（文件被篡改或密钥不符）") from None
        if plain:
            yield plain
        if last:
            return
        frame, index = following, index + 1
