"""Detached JWS signatures over canonical JSON, with Ed25519. Pure: no ORM, no Django.

A published document is canonicalised with JCS (RFC 8785) and signed as a compact JWS with a
detached, unencoded payload (RFC 7515 appendix F, RFC 7797)::

    BASE64URL(header) + ".." + BASE64URL(signature)
    header    = {"alg": "EdDSA", "b64": false, "crit": ["b64"], "kid": ...}
    signature = Ed25519(ASCII(BASE64URL(header)) + "." + payload bytes)

The header carries only registered parameters (RFC 7515, RFC 7797) and the algorithm name of
RFC 8037, so common JOSE libraries (PyJWT, joserfc) verify it as they come. Signatures made
before this format say ``"alg": "Ed25519"`` and carry the signing time as ``iat``; they still
verify here.

**Signing time** (the revocation rule needs it): a legacy signature's ``iat``; otherwise the
time the caller knows (the platform stores it beside the signature: a footprint's
``published_at``, a pool release's ``released_at``); otherwise the time the signed document
itself declares (``document_signing_time``: a PACT ProductFootprint's ``created``, a pool
release's ``release.released_at``). The platform signs with exactly that time. Either way it
is the signer's own claim, as ``iat`` was.

The payload is the exact bytes stored at publication; verification runs over bytes and never
re-serialises them. A caller holding a JSON *object* canonicalises it first
(``canonicalize``), which is why a re-ordered copy of a document verifies only through JCS.

``verify_document`` is the whole verification rule (key lookup, signature, revocation) over
``PublishedKey`` values, which come from the database (``accounts.services.signing_keys``)
or from a JWKS file (``published_keys_from_jwks``), so the offline check and the platform's
check are the same code.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

#: The algorithm we sign with: RFC 8037's name, the one PyJWT and joserfc implement.
ALGORITHM = "EdDSA"
#: The fully-specified name (RFC 9864) that signatures made before carry; still verified.
LEGACY_ALGORITHM = "Ed25519"
ACCEPTED_ALGORITHMS: frozenset[str] = frozenset({ALGORITHM, LEGACY_ALGORITHM})
#: Critical header parameters we understand (RFC 7515 §4.1.11).
UNDERSTOOD_CRITICAL: frozenset[str] = frozenset({"b64"})

SIGNATURE_BYTES = 64
MAX_IAT = 253_402_300_800  # 10000-01-01T00:00:00Z: datetime's range
PUBLIC_KEY_BYTES = 32


SIGNATURE_MISMATCH = (
    "the signature does not match the document: the document, the signature or the key "
    "differs from what was signed"
)


class SignatureInvalid(Exception):
    """The signature does not hold; ``reason`` says why, in words for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JwsMalformed(SignatureInvalid):
    """The JWS cannot be read: wrong shape, bad base64url, bad header."""


class JwksInvalid(ValueError):
    """A JWKS (or one of its keys) is not usable for verification."""


# --- encoding helpers -------------------------------------------------------------------------


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, *, what: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2): one encoding per byte string, so a
    changed character can never decode to the same bytes (the unused low bits of the last
    character must be zero)."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raise JwsMalformed(f"{what} is not base64url: it contains non-ASCII characters") from None
    if len(raw) % 4 == 1:
        raise JwsMalformed(
            f"{what} is not base64url: {len(raw)} characters is an impossible length"
        )
    try:
        data = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise JwsMalformed(f"{what} is not base64url") from None
    if b64url_encode(data) != text:
        raise JwsMalformed(
            f"{what} is not canonical base64url (padding, characters outside A-Z a-z 0-9 - _, "
            "or stray bits in the last character)"
        )
    return data


def canonicalize(document: Any) -> bytes:
    """The JCS (RFC 8785) bytes of a JSON value: sorted keys, no whitespace, shortest
    numbers, UTF-8. Raises ``rfc8785.CanonicalizationError`` (a ``ValueError``) for values
    JSON cannot carry exactly (integers beyond 2**53, NaN, non-string keys)."""
    return rfc8785.dumps(document)


def isoformat_utc(moment: datetime) -> str:
    """``2026-11-21T10:00:00Z`` (microseconds when present): the time format of JWKS members
    and reasons."""
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def parse_utc(text: str, *, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise JwksInvalid(f"{what} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise JwksInvalid(f"{what} {text!r} has no time zone; expected e.g. 2026-11-21T10:00:00Z")
    return moment.astimezone(UTC)


# --- signing and verifying --------------------------------------------------------------------


def _header_json(header: dict[str, Any]) -> bytes:
    # JCS for the header too: the same header always encodes to the same characters.
    return canonicalize(header)


def sign_detached(payload: bytes, private_key: Ed25519PrivateKey, kid: str) -> str:
    """Compact detached JWS over the exact ``payload`` bytes (RFC 7797 unencoded payload).

    The protected header holds registered parameters only (``alg`` EdDSA, ``b64``, ``crit``,
    ``kid``): no signing time, which common libraries refuse as an unknown parameter; the
    signing time is stored beside the signature or declared by the document (module doc).
    """
    header = {"alg": ALGORITHM, "b64": False, "crit": ["b64"], "kid": kid}
    encoded_header = b64url_encode(_header_json(header))
    signature = private_key.sign(encoded_header.encode("ascii") + b"." + payload)
    return f"{encoded_header}..{b64url_encode(signature)}"


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JwsMalformed(f"the JWS header repeats the member {key!r}")
        result[key] = value
    return result


def _split(jws: str) -> tuple[str, str]:
    if not isinstance(jws, str):
        raise JwsMalformed("the signature must be a compact JWS string")
    parts = jws.split(".")
    if len(parts) != 3:
        raise JwsMalformed(
            f"a compact JWS has three parts separated by dots, this has {len(parts)}; expected "
            "BASE64URL(header)..BASE64URL(signature)"
        )
    encoded_header, embedded_payload, encoded_signature = parts
    if embedded_payload:
        raise JwsMalformed(
            "the JWS carries a payload; expected a detached JWS with an empty middle part "
            "(header..signature), the document travels separately"
        )
    if not encoded_header:
        raise JwsMalformed("the JWS header is empty")
    return encoded_header, encoded_signature


def _check_header(header: Any) -> dict[str, Any]:
    if not isinstance(header, dict):
        raise JwsMalformed("the JWS header must be a JSON object")
    alg = header.get("alg")
    if alg is None:
        raise JwsMalformed("the JWS header has no alg; expected EdDSA")
    if alg == "none":
        raise JwsMalformed("alg 'none' is refused: an unsigned JWS is never valid")
    if alg not in ACCEPTED_ALGORITHMS:
        raise JwsMalformed(f"alg {alg!r} is not accepted; expected EdDSA (or Ed25519)")
    crit = header.get("crit")
    if header.get("b64") is not False or not isinstance(crit, list) or "b64" not in crit:
        raise JwsMalformed(
            'the JWS header must declare the unencoded detached payload: "b64": false and '
            '"crit": ["b64"] (RFC 7797)'
        )
    unknown = sorted(str(name) for name in crit if name not in UNDERSTOOD_CRITICAL)
    if unknown:
        raise JwsMalformed(f"the JWS header marks unsupported parameters as critical: {unknown}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise JwsMalformed("the JWS header has no kid naming the signing key")
    if "iat" in header:  # legacy signatures: the signing time, whole Unix seconds
        iat = header["iat"]
        if isinstance(iat, bool) or not isinstance(iat, int) or not 0 <= iat < MAX_IAT:
            raise JwsMalformed("the JWS header's iat is not a signing time in whole Unix seconds")
    return header


def parse_jws(jws: str) -> tuple[dict[str, Any], bytes]:
    """The checked protected header and the 64 signature bytes of a detached compact JWS.

    Raises ``JwsMalformed`` naming what is wrong: shape, base64url, header JSON, an algorithm
    other than EdDSA/Ed25519 (``none`` and HMAC included), a header without ``b64: false`` and
    ``crit: ["b64"]``, unknown critical parameters, a missing ``kid``, a malformed legacy
    ``iat``.
    """
    encoded_header, encoded_signature = _split(jws)
    header_bytes = b64url_decode(encoded_header, what="the JWS header")
    try:
        header = json.loads(header_bytes.decode("utf-8"), object_pairs_hook=_reject_duplicate_keys)
    except (UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, JwsMalformed):
            raise
        raise JwsMalformed("the JWS header is not a UTF-8 JSON object") from None
    header = _check_header(header)
    signature = b64url_decode(encoded_signature, what="the JWS signature")
    if len(signature) != SIGNATURE_BYTES:
        raise JwsMalformed(
            f"the JWS signature has {len(signature)} bytes; an Ed25519 signature has 64"
        )
    return header, signature


def _verify_parsed(
    payload: bytes, jws: str, signature: bytes, public_key: Ed25519PublicKey
) -> None:
    encoded_header = jws.split(".", 1)[0]
    try:
        public_key.verify(signature, encoded_header.encode("ascii") + b"." + payload)
    except InvalidSignature:
        raise SignatureInvalid(SIGNATURE_MISMATCH) from None


def verify_detached(payload: bytes, jws: str, public_key: Ed25519PublicKey) -> None:
    """Check a detached JWS over the exact ``payload`` bytes with ``public_key``.

    Returns nothing when it holds; raises ``SignatureInvalid`` (``JwsMalformed`` for an
    unreadable JWS) with the reason otherwise. Key lookup and revocation are
    ``verify_document``'s business.
    """
    _header, signature = parse_jws(jws)
    _verify_parsed(payload, jws, signature, public_key)


def signed_at_of(header: Mapping[str, Any]) -> datetime | None:
    """The signing time a legacy header carries (``iat``); None for the current format."""
    iat = header.get("iat")
    return None if iat is None else datetime.fromtimestamp(iat, tz=UTC)


def document_signing_time(payload: bytes) -> datetime | None:
    """The time a signed document declares for itself, used as its signing time when the
    JWS carries none and the caller knows none: a PACT ProductFootprint's ``created``, a
    pool release's ``release.released_at``. None when the payload declares no usable time."""
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    declared = document.get("created")
    release = document.get("release")
    if declared is None and isinstance(release, dict):
        declared = release.get("released_at")
    if not isinstance(declared, str):
        return None
    try:
        return parse_utc(declared, what="the document's time")
    except JwksInvalid:
        return None


# --- keys -------------------------------------------------------------------------------------


def public_key_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_jwk(public_key: Ed25519PublicKey, kid: str, **members: Any) -> dict[str, Any]:
    """The public JWK (RFC 8037) of an Ed25519 key; ``members`` adds platform members
    (organisation, created_at, revoked_at…). Never carries the private part ``d``."""
    if "d" in members:
        raise ValueError("a public JWK never carries d")
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url_encode(public_key_raw(public_key)),
        "kid": kid,
        "use": "sig",
        "alg": ALGORITHM,
        **members,
    }


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    if len(raw) != PUBLIC_KEY_BYTES:
        raise JwksInvalid(f"an Ed25519 public key has 32 bytes, this one {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    """The public key of an OKP/Ed25519 JWK; refuses other key types and private JWKs."""
    if not isinstance(jwk, Mapping):
        raise JwksInvalid("a JWK must be a JSON object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise JwksInvalid(
            f"key {jwk.get('kid')!r}: kty {jwk.get('kty')!r} crv {jwk.get('crv')!r}; "
            "expected kty OKP and crv Ed25519"
        )
    if "d" in jwk:
        raise JwksInvalid(f"key {jwk.get('kid')!r} carries a private key (d); refusing it")
    x = jwk.get("x")
    if not isinstance(x, str):
        raise JwksInvalid(f"key {jwk.get('kid')!r} has no x (the public key)")
    try:
        raw = b64url_decode(x, what=f"x of key {jwk.get('kid')!r}")
    except JwsMalformed as exc:
        raise JwksInvalid(exc.reason) from None
    return public_key_from_raw(raw)


@dataclass(frozen=True)
class PublishedKey:
    """A public key as published: who owns it and whether it was revoked, and when."""

    kid: str
    public_key: Ed25519PublicKey
    organisation: str | None = None
    organisation_name: str | None = None
    created_at: datetime | None = None
    retired_at: datetime | None = None
    revoked_at: datetime | None = None
    revocation_reason: str = ""


def published_key_from_jwk(jwk: Mapping[str, Any]) -> PublishedKey:
    kid = jwk.get("kid") if isinstance(jwk, Mapping) else None
    if not isinstance(kid, str) or not kid:
        raise JwksInvalid("every key of the JWKS needs a kid")

    def moment(name: str) -> datetime | None:
        value = jwk.get(name)
        return None if value is None else parse_utc(value, what=f"{name} of key {kid!r}")

    revoked_at = moment("revoked_at")
    reason = jwk.get("revocation_reason") or ""
    if not isinstance(reason, str):
        raise JwksInvalid(f"revocation_reason of key {kid!r} must be a string")
    organisation = jwk.get("organisation")
    organisation_name = jwk.get("organisation_name")
    return PublishedKey(
        kid=kid,
        public_key=public_key_from_jwk(jwk),
        organisation=organisation if isinstance(organisation, str) else None,
        organisation_name=organisation_name if isinstance(organisation_name, str) else None,
        created_at=moment("created_at"),
        retired_at=moment("retired_at"),
        revoked_at=revoked_at,
        revocation_reason=reason,
    )


def published_keys_from_jwks(jwks: Any) -> dict[str, PublishedKey]:
    """``{kid: PublishedKey}`` of a JWKS (``{"keys": [...]}``); raises ``JwksInvalid``."""
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise JwksInvalid('a JWKS is a JSON object with a "keys" list')
    keys: dict[str, PublishedKey] = {}
    for jwk in jwks["keys"]:
        key = published_key_from_jwk(jwk)
        if key.kid in keys:
            raise JwksInvalid(f"the JWKS lists the key {key.kid!r} twice")
        keys[key.kid] = key
    return keys


# --- the verification rule --------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    """The answer to "does this signature hold for these bytes?", with who signed and when.

    ``revoked_later``: valid, but the key was revoked after the signing time; the signing
    time is the signer's own claim, so treat such a document with care.
    """

    valid: bool
    reason: str
    kid: str | None = None
    organisation: str | None = None
    organisation_name: str | None = None
    signed_at: datetime | None = None
    key_revoked_at: datetime | None = None
    revoked_later: bool = False

    @property
    def signer(self) -> str:
        """``acme-steel-20261121-1a2b3c4d (Acme Steel, acme-steel)`` for messages."""
        owner = ", ".join(n for n in (self.organisation_name, self.organisation) if n)
        return f"{self.kid} ({owner})" if owner else str(self.kid)


VALID = "valid"


def verify_document(
    *,
    payload: bytes,
    jws: str,
    keys: Mapping[str, PublishedKey],
    at: datetime | None = None,
    signed_at: datetime | None = None,
    unknown_key_hint: str = "not published by this platform",
) -> VerificationResult:
    """The verification rule, over the exact ``payload`` bytes.

    1. the JWS must parse (``parse_jws``), else invalid "malformed signature: …";
    2. its ``kid`` must be one of ``keys``, else invalid "unknown key …";
    3. the Ed25519 signature must hold, else invalid;
    4. a key revoked (at or before ``at``, default now) makes a signature whose ``iat`` is at
       or after the revocation invalid ("signed after the key was revoked on …"), and one
       made before it valid with ``revoked_later`` ("signed by a key revoked later (on …:
       reason)"). A retired (rotated) key still verifies. The signing time is the legacy
       header's ``iat``, else ``signed_at`` (stored beside the signature), else the time the
       document declares (``document_signing_time``); a revoked key whose signature has no
       signing time at all is invalid (nothing shows it was made before the revocation).
    """
    try:
        header, signature = parse_jws(jws)
    except JwsMalformed as exc:
        return VerificationResult(valid=False, reason=f"malformed signature: {exc.reason}")
    kid = header["kid"]
    signed_at = signed_at_of(header) or signed_at or document_signing_time(payload)
    key = keys.get(kid)
    if key is None:
        return VerificationResult(
            valid=False,
            reason=f"unknown key {kid!r}: {unknown_key_hint}",
            kid=kid,
            signed_at=signed_at,
        )
    facts: dict[str, Any] = {
        "kid": kid,
        "organisation": key.organisation,
        "organisation_name": key.organisation_name,
        "signed_at": signed_at,
    }
    try:
        _verify_parsed(payload, jws, signature, key.public_key)
    except SignatureInvalid as exc:
        return VerificationResult(valid=False, reason=exc.reason, **facts)
    revoked_at = key.revoked_at
    if revoked_at is not None and (at is None or revoked_at <= at):
        reason = f": {key.revocation_reason}" if key.revocation_reason else ""
        if signed_at is None:
            return VerificationResult(
                valid=False,
                reason=(
                    f"the key was revoked on {isoformat_utc(revoked_at)}{reason} and the "
                    "signing time is unknown"
                ),
                key_revoked_at=revoked_at,
                **facts,
            )
        if signed_at >= revoked_at:
            return VerificationResult(
                valid=False,
                reason=f"signed after the key was revoked on {isoformat_utc(revoked_at)}{reason}",
                key_revoked_at=revoked_at,
                **facts,
            )
        return VerificationResult(
            valid=True,
            reason=f"signed by a key revoked later (on {isoformat_utc(revoked_at)}{reason})",
            key_revoked_at=revoked_at,
            revoked_later=True,
            **facts,
        )
    return VerificationResult(valid=True, reason=VALID, **facts)
