"""SM3 digests of audit events (GB/T 32905), through OpenSSL via ``cryptography``."""

from __future__ import annotations

import json
from typing import IO, Any

from cryptography.hazmat.primitives import hashes

GENESIS_HASH = "0" * 64


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def sm3_hex_stream(handle: IO[bytes], chunk: int = 1024 * 1024) -> str:
    digest = hashes.Hash(hashes.SM3())
    while block := handle.read(chunk):
        digest.update(block)
    return digest.finalize().hex()


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_digest(content: dict[str, Any], prev_hash: str) -> str:
    return sm3_hex(prev_hash.encode() + canonical_json(content))
