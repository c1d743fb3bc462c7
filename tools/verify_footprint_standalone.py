"""Verify a CBAM Exchange footprint with nothing but Python and `cryptography`.

Usage: python verify_footprint_standalone.py document.json document.jws jwks.json
Exit status 0: valid; 1: invalid (the reason is printed). See docs/verifying.md.
"""

import base64
import json
import sys
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Invalid(Exception):
    pass


def check(condition: bool, reason: str) -> None:
    if not condition:  # not `assert`: python -O would skip it
        raise Invalid(reason)


def b64url(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    check(base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == text, "bad base64url")
    return raw


def verify(payload: bytes, jws: str, jwks: dict) -> str:
    encoded_header, middle, encoded_signature = jws.strip().split(".")
    header = json.loads(b64url(encoded_header))
    check(middle == "", "not a detached JWS")
    check(header.get("alg") in ("Ed25519", "EdDSA"), f"alg {header.get('alg')!r} refused")
    check(header.get("b64") is False and header.get("crit") == ["b64"], "not RFC 7797")
    keys = {key["kid"]: key for key in jwks["keys"]}
    check(header["kid"] in keys, f"unknown key {header['kid']!r}")
    key = keys[header["kid"]]
    check(key["kty"] == "OKP" and key["crv"] == "Ed25519", "not an Ed25519 key")
    public_key = Ed25519PublicKey.from_public_bytes(b64url(key["x"]))
    # Raises InvalidSignature when the bytes, the signature or the key differ.
    public_key.verify(b64url(encoded_signature), encoded_header.encode() + b"." + payload)
    signed_at = datetime.fromtimestamp(header["iat"], UTC)
    revoked_at = key.get("revoked_at")
    if revoked_at:
        revoked = f"revoked on {revoked_at}: {key.get('revocation_reason')}"
        check(signed_at < datetime.fromisoformat(revoked_at), f"signed after the key was {revoked}")
    note = f"; WARNING: key {revoked} (after signing)" if revoked_at else ""
    return f"signed by {key['kid']} ({key['organisation']}) at {signed_at:%Y-%m-%dT%H:%M:%SZ}{note}"


if __name__ == "__main__":
    document, signature, keys = sys.argv[1:4]
    with open(document, "rb") as d, open(signature) as s, open(keys) as k:
        try:
            print("valid:", verify(d.read(), s.read(), json.load(k)))
        except Exception as exc:  # Invalid, InvalidSignature, a malformed file
            sys.exit(f"INVALID: {type(exc).__name__}: {exc}")
