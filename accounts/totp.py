"""Time-based one-time passwords, RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits).

Pure functions; the secret is raw bytes. ``verify`` returns the matched time step so the
caller can refuse a code that was already used (replay).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> bytes:
    return secrets.token_bytes(20)


def secret_to_base32(secret: bytes) -> str:
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def hotp(secret: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 HOTP value for ``counter``."""
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def totp_at(secret: bytes, unix_time: float, digits: int = DIGITS) -> str:
    return hotp(secret, int(unix_time // STEP_SECONDS), digits)


def verify(secret: bytes, code: str, unix_time: float, *, window: int = 1) -> int | None:
    """Return the time step whose code matches ``code`` (±``window`` steps), else None."""
    code = (code or "").strip().replace(" ", "")
    # isdigit() alone accepts other scripts' digits ("١٢٣٤٥٦"), which compare_digest refuses
    # with a TypeError: only ASCII digits can be a code.
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    step = int(unix_time // STEP_SECONDS)
    for candidate in range(step - window, step + window + 1):
        if hmac.compare_digest(hotp(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: bytes, *, account: str, issuer: str = "CBAM Exchange") -> str:
    label = quote(f"{issuer}:{account}")
    # The Key URI format asks for RFC 3986 percent-encoding (%20, not the form-encoded "+"
    # that some authenticator apps then show literally in the issuer name).
    query = urlencode({"secret": secret_to_base32(secret), "issuer": issuer}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"
