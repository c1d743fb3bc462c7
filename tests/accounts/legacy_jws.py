"""Signatures in the platform's first format, for tests that old signatures still verify.

Until the switch to RFC 8037's ``EdDSA`` the platform signed with ``"alg": "Ed25519"`` and the
signing time in the protected header as ``iat`` (whole Unix seconds). Such signatures are
stored on published footprints and releases and must keep verifying; this makes new ones the
same way (``test_signing.py`` pins it against a fixed signature of that time).
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.signing import b64url_encode, canonicalize


def sign_legacy(
    payload: bytes, private_key: Ed25519PrivateKey, kid: str, signed_at: datetime
) -> str:
    """A detached JWS of the first format: alg Ed25519, iat = ``signed_at`` (truncated)."""
    header = {
        "alg": "Ed25519",
        "b64": False,
        "crit": ["b64"],
        "iat": int(signed_at.timestamp()),
        "kid": kid,
    }
    encoded_header = b64url_encode(canonicalize(header))
    signature = private_key.sign(encoded_header.encode("ascii") + b"." + payload)
    return f"{encoded_header}..{b64url_encode(signature)}"
