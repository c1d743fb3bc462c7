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


def declared_time(payload: bytes) -> datetime | None:
    """The time the signed document declares: a PACT footprint's "created" (a pool
    release's "release"."released_at"); the signing time of a signature without "iat"."""
    document = json.loads(payload)
    release = document.get("release")
    declared = document.get("created") or (release or {}).get("released_at")
    return datetime.fromisoformat(declared).astimezone(UTC) if declared else None


def verify(payload: bytes, jws: str, jwks: dict) -> str:
    encoded_header, middle, encoded_signature = jws.strip().split(".")
    header = json.loads(b64url(encoded_header))
    check(middle == "", "not a detached JWS")
    # EdDSA (RFC 8037) since the switch; Ed25519 with "iat" on signatures made before.
    check(header.get("alg") in ("EdDSA", "Ed25519"), f"alg {header.get('alg')!r} refused")
    check(header.get("b64") is False and header.get("crit") == ["b64"], "not RFC 7797")
    keys = {key["kid"]: key for key in jwks["keys"]}
    check(header["kid"] in keys, f"unknown key {header['kid']!r}")
    key = keys[header["kid"]]
    check(key["kty"] == "OKP" and key["crv"] == "Ed25519", "not an Ed25519 key")
    public_key = Ed25519PublicKey.from_public_bytes(b64url(key["x"]))
    # Raises InvalidSignature when the bytes, the signature or the key differ.
    public_key.verify(b64url(encoded_signature), encoded_header.encode() + b"." + payload)
    iat = header.get("iat")
    signed_at = datetime.fromtimestamp(iat, UTC) if iat is not None else declared_time(payload)
    revoked_at = key.get("revoked_at")
    if revoked_at:
        revoked = f"revoked on {revoked_at}: {key.get('revocation_reason')}"
        if signed_at is None:
            raise Invalid(f"the key was {revoked} and the signing time is unknown")
        check(signed_at < datetime.fromisoformat(revoked_at), f"signed after the key was {revoked}")
    note = f"; WARNING: key {revoked} (after signing)" if revoked_at else ""
    when = f"{signed_at:%Y-%m-%dT%H:%M:%SZ}" if signed_at else "an undeclared time"
    return f"signed by {key['kid']} ({key['organisation']}) at {when}{note}"


if __name__ == "__main__":
    document, signature, keys = sys.argv[1:4]
    with open(document, "rb") as d, open(signature) as s, open(keys) as k:
        try:
            print("valid:", verify(d.read(), s.read(), json.load(k)))
        except Exception as exc:  # Invalid, InvalidSignature, a malformed file
            sys.exit(f"INVALID: {type(exc).__name__}: {exc}")
