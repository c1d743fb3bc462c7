"""Encryption at rest for secrets the platform must read back (TOTP seeds, signing keys).

Fernet (AES-128-CBC + HMAC-SHA256) with ``settings.FIELD_ENCRYPTION_KEY``. Secrets that are
only ever compared (client secrets, access tokens) are hashed instead, never encrypted.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode("ascii"))


def encrypt(plaintext: bytes) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext).decode("ascii")


def decrypt(token: str) -> bytes:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode("ascii"))


def sha256_hex(value: str) -> str:
    """Digest for high-entropy random secrets (tokens, client secrets, invitation codes).

    A fast hash is right here: these are 256-bit random values, not passwords, so there is
    nothing to brute-force, and checking one costs microseconds on every API request.
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
