"""SM2 signatures (GB/T 32918) of audit checkpoints, through gmssl.

Keys are hex: the private key is 64 hex digits; the public key is the 128-digit point x‖y (an optional ``04``
prefix is accepted). The per-signature random number comes from ``secrets``: gmssl's own default uses the
``random`` module, which is not fit for a signature nonce."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from gmssl import sm2

_CURVE_ORDER = int(sm2.default_ecc_table["n"], 16)
_PRIVATE_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_PUBLIC_KEY = re.compile(r"^(04)?[0-9a-fA-F]{128}$")


class SigningKeyError(ValueError):
    """The configured SM2 key is not usable."""


def _crypt(private_key: str, public_key: str) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_key, public_key="")
    # Set after construction: gmssl strips a leading "04" with lstrip, which also eats digits of the point.
    crypt.public_key = public_key
    return crypt


def public_key_normalise(public_key: str) -> str:
    key = public_key.strip().lower()
    if not _PUBLIC_KEY.match(key):
        raise SigningKeyError("SM2 公钥应为 128 位十六进制（可带 04 前缀）")
    return key[2:] if len(key) == 130 else key


def public_key_derive(private_key: str) -> str:
    key = private_key.strip().lower()
    if not _PRIVATE_KEY.match(key) or not 0 < int(key, 16) < _CURVE_ORDER:
        raise SigningKeyError("SM2 私钥应为 64 位十六进制，且在曲线阶范围内")
    crypt = _crypt(key, "")
    return str(crypt._kg(int(key, 16), sm2.default_ecc_table["g"]))


def configured_private_key() -> str:
    return str(getattr(settings, "GOVIT_AUDIT_SM2_PRIVATE_KEY", "") or "").strip().lower()


def configured_public_key() -> str:
    """The key signatures are verified with: the configured public key, else the one derived from the private
    key, else empty (no signing configured)."""
    public = str(getattr(settings, "GOVIT_AUDIT_SM2_PUBLIC_KEY", "") or "")
    if public.strip():
        return public_key_normalise(public)
    private = configured_private_key()
    return public_key_derive(private) if private else ""


def sm2_sign(data: bytes, *, private_key: str, public_key: str | None = None) -> str:
    """The r‖s signature (128 hex digits) of ``data`` with SM3 and the signer's Z value."""
    private = private_key.strip().lower()
    public = public_key_normalise(public_key) if public_key else public_key_derive(private)
    crypt = _crypt(private, public)
    while True:
        nonce = secrets.randbelow(_CURVE_ORDER - 1) + 1
        signature = crypt.sign_with_sm3(data, f"{nonce:064x}")
        if signature:
            return str(signature)


def sm2_verify(data: bytes, signature: str, *, public_key: str) -> bool:
    if not re.fullmatch(r"[0-9a-fA-F]{128}", signature or ""):
        return False
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    if not (0 < r < _CURVE_ORDER and 0 < s < _CURVE_ORDER):
        return False
    crypt = _crypt("", public_key_normalise(public_key))
    try:
        return bool(crypt.verify_with_sm3(signature, data))
    except (ValueError, TypeError):
        return False
