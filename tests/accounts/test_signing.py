"""accounts.signing: JCS, detached JWS with an unencoded payload (RFC 7797), Ed25519, JWKs and
the verification rule. Pure: no database."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.signing import (
    SIGNATURE_MISMATCH,
    JwksInvalid,
    JwsMalformed,
    PublishedKey,
    SignatureInvalid,
    b64url_encode,
    canonicalize,
    parse_jws,
    public_jwk,
    public_key_from_jwk,
    published_keys_from_jwks,
    sign_detached,
    verify_detached,
    verify_document,
)
from tests.accounts.legacy_jws import sign_legacy

# RFC 8032 §7.1 test 1 (the key of RFC 8037 appendix A).
PRIVATE_KEY = Ed25519PrivateKey.from_private_bytes(
    bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
)
PUBLIC_KEY = PRIVATE_KEY.public_key()
KID = "acme-steel-20261121-0a1b2c3d"
SIGNED_AT = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)
DOCUMENT = {
    "productId": "urn:gtin:4712345678904",
    "pcf": {"pCfExcludingBiogenic": "1.63", "unit": "kg"},
    "specVersion": "2.3.0",
}
PAYLOAD = (
    b'{"pcf":{"pCfExcludingBiogenic":"1.63","unit":"kg"},'
    b'"productId":"urn:gtin:4712345678904","specVersion":"2.3.0"}'
)
#: A signature of the first format (alg Ed25519, iat in the header), as stored on footprints
#: published before the switch to EdDSA: it must keep verifying.
JWS = (
    "eyJhbGciOiJFZDI1NTE5IiwiYjY0IjpmYWxzZSwiY3JpdCI6WyJiNjQiXSwiaWF0IjoxNzk1MjU1MjAwLCJraWQi"
    "OiJhY21lLXN0ZWVsLTIwMjYxMTIxLTBhMWIyYzNkIn0..GsS_gMouu32Mk1K8Aa-Ci2f0qiS1ayEF4GhPTCD8LQMo"
    "UwYP_mj1BFLURkne8bVJ-3M72z_-hzL1QIWWhdl6BA"
)


#: The same payload signed in the current format (alg EdDSA, registered parameters only).
NEW_JWS = (
    "eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il0sImtpZCI6ImFjbWUtc3RlZWwtMjAyNjEx"
    "MjEtMGExYjJjM2QifQ..esXng0EC3xo77DXCCu5Tf4a7PabHOqRS6LjX25hwGJY3wxhJoPxeg27AMR2DKiQM89iC"
    "6nzYeOX5txA2sTZiDg"
)


def _jws_with_header(header: dict, payload: bytes = PAYLOAD) -> str:
    """A JWS with any header, correctly signed with PRIVATE_KEY (to test header checks)."""
    encoded = b64url_encode(json.dumps(header).encode())
    signature = PRIVATE_KEY.sign(encoded.encode() + b"." + payload)
    return f"{encoded}..{b64url_encode(signature)}"


def _header(**changes) -> dict:
    header = {"alg": "Ed25519", "b64": False, "crit": ["b64"], "iat": 1795255200, "kid": KID}
    header.update(changes)
    return {k: v for k, v in header.items() if v is not None}


# --- canonicalisation and signing -------------------------------------------------------------


def test_canonicalize_sorts_keys_drops_whitespace_and_keeps_utf8():
    assert canonicalize(DOCUMENT) == PAYLOAD
    assert canonicalize({"b": [1.0, 1e21, "é"], "a": None}) == (
        b'{"a":null,"b":[1,1e+21,"\xc3\xa9"]}'
    )


def test_canonicalize_refuses_integers_json_cannot_carry_exactly():
    with pytest.raises(ValueError, match="exceeds safe integer domain"):
        canonicalize({"mass": 2**60})


def test_sign_detached_makes_the_exact_rfc_7797_jws_of_the_test_key_with_registered_params():
    jws = sign_detached(PAYLOAD, PRIVATE_KEY, KID)

    assert jws == NEW_JWS
    encoded_header, middle, _signature = jws.split(".")
    assert middle == ""
    assert base64.urlsafe_b64decode(encoded_header + "==") == (
        b'{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"acme-steel-20261121-0a1b2c3d"}'
    )


def test_the_legacy_test_helper_makes_the_first_format_exactly():
    assert sign_legacy(PAYLOAD, PRIVATE_KEY, KID, SIGNED_AT) == JWS
    assert sign_legacy(PAYLOAD, PRIVATE_KEY, KID, SIGNED_AT + timedelta(microseconds=999)) == JWS


def test_a_new_signature_verifies_and_has_no_signing_time_of_its_own():
    header, _signature = parse_jws(NEW_JWS)
    verify_detached(PAYLOAD, NEW_JWS, PUBLIC_KEY)  # no exception

    assert header == {"alg": "EdDSA", "b64": False, "crit": ["b64"], "kid": KID}
    result = verify_document(
        payload=PAYLOAD, jws=NEW_JWS, keys={KID: PublishedKey(kid=KID, public_key=PUBLIC_KEY)}
    )
    assert (result.valid, result.reason, result.signed_at) == (True, "valid", None)


def test_a_new_signature_takes_its_signing_time_from_the_caller_then_the_document():
    created = b'{"created":"2026-11-21T10:00:00Z","id":"x"}'
    jws = sign_detached(created, PRIVATE_KEY, KID)
    release = b'{"release":{"number":1,"released_at":"2026-11-22T09:30:00+00:00"}}'
    release_jws = sign_detached(release, PRIVATE_KEY, KID)
    keys = {KID: PublishedKey(kid=KID, public_key=PUBLIC_KEY)}

    from_document = verify_document(payload=created, jws=jws, keys=keys)
    from_release = verify_document(payload=release, jws=release_jws, keys=keys)
    from_caller = verify_document(
        payload=created, jws=jws, keys=keys, signed_at=datetime(2026, 11, 20, tzinfo=UTC)
    )

    assert from_document.signed_at == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert from_release.signed_at == datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    assert from_caller.signed_at == datetime(2026, 11, 20, tzinfo=UTC)


def test_a_legacy_iat_wins_over_the_callers_signing_time():
    keys = {KID: PublishedKey(kid=KID, public_key=PUBLIC_KEY)}

    result = verify_document(
        payload=PAYLOAD, jws=JWS, keys=keys, signed_at=datetime(2030, 1, 1, tzinfo=UTC)
    )

    assert result.signed_at == SIGNED_AT


def test_a_new_signature_by_a_revoked_key_follows_the_revocation_rule_by_its_signing_time():
    created = b'{"created":"2026-11-21T10:00:00Z"}'
    jws = sign_detached(created, PRIVATE_KEY, KID)
    revoked = PublishedKey(
        kid=KID,
        public_key=PUBLIC_KEY,
        revoked_at=datetime(2026, 11, 21, 10, 0, 1, tzinfo=UTC),
        revocation_reason="exposed",
    )
    undated = sign_detached(b'{"id":"x"}', PRIVATE_KEY, KID)

    before = verify_document(payload=created, jws=jws, keys={KID: revoked})
    after = verify_document(
        payload=created,
        jws=jws,
        keys={KID: revoked},
        signed_at=datetime(2026, 11, 21, 10, 0, 1, tzinfo=UTC),
    )
    unknown = verify_document(payload=b'{"id":"x"}', jws=undated, keys={KID: revoked})

    assert (before.valid, before.revoked_later) == (True, True)
    assert (after.valid, after.reason) == (
        False,
        "signed after the key was revoked on 2026-11-21T10:00:01Z: exposed",
    )
    assert (unknown.valid, unknown.reason) == (
        False,
        "the key was revoked on 2026-11-21T10:00:01Z: exposed and the signing time is unknown",
    )


def test_the_signature_is_over_the_encoded_header_a_dot_and_the_raw_payload_bytes():
    encoded_header, _, encoded_signature = JWS.split(".")
    signature = base64.urlsafe_b64decode(encoded_signature + "==")

    PUBLIC_KEY.verify(signature, encoded_header.encode() + b"." + PAYLOAD)  # raises if not


def test_parse_jws_returns_the_header_and_the_64_signature_bytes():
    header, signature = parse_jws(JWS)

    assert header == {
        "alg": "Ed25519",
        "b64": False,
        "crit": ["b64"],
        "iat": 1795255200,
        "kid": KID,
    }
    assert len(signature) == 64


def test_verify_detached_accepts_the_signed_bytes():
    verify_detached(PAYLOAD, JWS, PUBLIC_KEY)  # no exception


# --- tampering --------------------------------------------------------------------------------


def test_flipping_any_bit_of_any_byte_of_the_document_fails_verification():
    tampered_count = 0
    for position in range(len(PAYLOAD)):
        for bit in range(8):
            tampered = bytearray(PAYLOAD)
            tampered[position] ^= 1 << bit
            with pytest.raises(SignatureInvalid) as exc:
                verify_detached(bytes(tampered), JWS, PUBLIC_KEY)
            assert exc.value.reason == SIGNATURE_MISMATCH
            tampered_count += 1

    assert tampered_count == 110 * 8


def test_flipping_any_bit_of_any_byte_of_the_signature_fails_verification():
    raw = JWS.encode("ascii")
    outcomes = {"malformed": 0, "mismatch": 0}
    for position in range(len(raw)):
        for bit in range(8):
            tampered = bytearray(raw)
            tampered[position] ^= 1 << bit
            with pytest.raises(SignatureInvalid) as exc:
                verify_detached(PAYLOAD, tampered.decode("latin-1"), PUBLIC_KEY)
            kind = "mismatch" if exc.value.reason == SIGNATURE_MISMATCH else "malformed"
            assert isinstance(exc.value, JwsMalformed) == (kind == "malformed")
            outcomes[kind] += 1

    # Every one of the 219 × 8 variants fails; some no longer parse, the rest do not verify.
    assert sum(outcomes.values()) == 219 * 8
    assert outcomes["mismatch"] > 0
    assert outcomes["malformed"] > 0


def test_a_signature_character_that_changes_only_unused_bits_is_refused():
    # 64 bytes take 86 base64url characters; the last one carries 4 unused bits. "A" and "B"
    # decode to the same bytes in a lax decoder; a strict one refuses the non-canonical form.
    assert JWS.endswith("A")
    tampered = JWS[:-1] + "B"

    with pytest.raises(JwsMalformed) as exc:
        verify_detached(PAYLOAD, tampered, PUBLIC_KEY)

    assert exc.value.reason == (
        "the JWS signature is not canonical base64url (padding, characters outside A-Z a-z "
        "0-9 - _, or stray bits in the last character)"
    )


def test_a_trailing_newline_after_the_document_fails_verification():
    with pytest.raises(SignatureInvalid, match="does not match"):
        verify_detached(PAYLOAD + b"\n", JWS, PUBLIC_KEY)


def test_a_reordered_document_verifies_only_through_jcs():
    reordered = {
        "specVersion": "2.3.0",
        "pcf": {"unit": "kg", "pCfExcludingBiogenic": "1.63"},
        "productId": "urn:gtin:4712345678904",
    }
    reordered_bytes = json.dumps(reordered).encode()
    keys = {KID: PublishedKey(kid=KID, public_key=PUBLIC_KEY)}

    raw = verify_document(payload=reordered_bytes, jws=JWS, keys=keys)
    through_jcs = verify_document(
        payload=canonicalize(json.loads(reordered_bytes)), jws=JWS, keys=keys
    )

    assert (raw.valid, raw.reason) == (False, SIGNATURE_MISMATCH)
    assert (through_jcs.valid, through_jcs.reason) == (True, "valid")


def test_another_key_does_not_verify_the_signature():
    with pytest.raises(SignatureInvalid, match="does not match"):
        verify_detached(PAYLOAD, JWS, Ed25519PrivateKey.generate().public_key())


# --- refused headers and shapes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (_header(alg="none"), "alg 'none' is refused: an unsigned JWS is never valid"),
        (_header(alg="HS256"), "alg 'HS256' is not accepted; expected EdDSA (or Ed25519)"),
        (_header(alg="RS256"), "alg 'RS256' is not accepted; expected EdDSA (or Ed25519)"),
        (_header(alg="ES256"), "alg 'ES256' is not accepted; expected EdDSA (or Ed25519)"),
        (_header(alg=None), "the JWS header has no alg; expected EdDSA"),
        (
            _header(crit=None),
            'the JWS header must declare the unencoded detached payload: "b64": false and '
            '"crit": ["b64"] (RFC 7797)',
        ),
        (
            _header(b64=None),
            'the JWS header must declare the unencoded detached payload: "b64": false and '
            '"crit": ["b64"] (RFC 7797)',
        ),
        (
            _header(b64=True),
            'the JWS header must declare the unencoded detached payload: "b64": false and '
            '"crit": ["b64"] (RFC 7797)',
        ),
        (
            _header(crit=[]),
            'the JWS header must declare the unencoded detached payload: "b64": false and '
            '"crit": ["b64"] (RFC 7797)',
        ),
        (
            _header(crit=["b64", "exp"]),
            "the JWS header marks unsupported parameters as critical: ['exp']",
        ),
        (_header(kid=None), "the JWS header has no kid naming the signing key"),
        (_header(kid=""), "the JWS header has no kid naming the signing key"),
        (
            _header(iat="1795255200"),
            "the JWS header's iat is not a signing time in whole Unix seconds",
        ),
        (
            _header(iat=1795255200.5),
            "the JWS header's iat is not a signing time in whole Unix seconds",
        ),
        (_header(iat=-1), "the JWS header's iat is not a signing time in whole Unix seconds"),
        (_header(iat=10**12), "the JWS header's iat is not a signing time in whole Unix seconds"),
        (_header(iat=True), "the JWS header's iat is not a signing time in whole Unix seconds"),
    ],
    ids=lambda value: str(value)[:60],
)
def test_a_header_that_breaks_the_profile_is_refused_even_with_a_good_signature(header, reason):
    jws = _jws_with_header(header)

    with pytest.raises(JwsMalformed) as exc:
        verify_detached(PAYLOAD, jws, PUBLIC_KEY)

    assert exc.value.reason == reason


def test_alg_eddsa_is_accepted_when_verifying():
    jws = _jws_with_header(_header(alg="EdDSA"))

    verify_detached(PAYLOAD, jws, PUBLIC_KEY)  # no exception


def test_a_none_jws_without_a_signature_is_refused():
    encoded = b64url_encode(b'{"alg":"none","b64":false,"crit":["b64"],"iat":1,"kid":"k"}')

    with pytest.raises(JwsMalformed, match="alg 'none' is refused"):
        verify_detached(PAYLOAD, f"{encoded}..", PUBLIC_KEY)


@pytest.mark.parametrize(
    ("jws", "reason"),
    [
        (
            "abc",
            "a compact JWS has three parts separated by dots, this has 1; expected "
            "BASE64URL(header)..BASE64URL(signature)",
        ),
        (
            JWS + ".x",
            "a compact JWS has three parts separated by dots, this has 4; expected "
            "BASE64URL(header)..BASE64URL(signature)",
        ),
        (
            JWS.replace("..", "." + b64url_encode(PAYLOAD) + "."),
            "the JWS carries a payload; expected a detached JWS with an empty middle part "
            "(header..signature), the document travels separately",
        ),
        ("." + JWS.split(".", 1)[1], "the JWS header is empty"),
        (
            JWS.split(".")[0] + "=..x",
            "the JWS header is not canonical base64url (padding, characters outside A-Z a-z "
            "0-9 - _, or stray bits in the last character)",
        ),
        (b64url_encode(b"[1, 2]") + "..AA", "the JWS header must be a JSON object"),
        (b64url_encode(b"\xff\xfe") + "..AA", "the JWS header is not a UTF-8 JSON object"),
        (
            b64url_encode(b'{"alg":"Ed25519","alg":"none"}') + "..AA",
            "the JWS header repeats the member 'alg'",
        ),
        (
            JWS.split(".")[0] + "..AAAA",
            "the JWS signature has 3 bytes; an Ed25519 signature has 64",
        ),
        (
            JWS.split(".")[0] + "..A",
            "the JWS signature is not base64url: 1 characters is an impossible length",
        ),
        (JWS + "é", "the JWS signature is not base64url: it contains non-ASCII characters"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_parse_jws_names_what_is_wrong(jws, reason):
    with pytest.raises(JwsMalformed) as exc:
        parse_jws(jws)

    assert exc.value.reason == reason


def test_parse_jws_refuses_what_is_not_a_string():
    with pytest.raises(JwsMalformed, match="must be a compact JWS string"):
        parse_jws(None)  # type: ignore[arg-type]


# --- JWKs -------------------------------------------------------------------------------------


def test_public_jwk_is_the_rfc_8037_okp_key_with_platform_members():
    jwk = public_jwk(PUBLIC_KEY, KID, organisation="acme-steel")

    assert jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",  # RFC 8037 A.2
        "kid": KID,
        "use": "sig",
        "alg": "EdDSA",
        "organisation": "acme-steel",
    }


def test_public_jwk_never_takes_a_private_part():
    with pytest.raises(ValueError, match="never carries d"):
        public_jwk(PUBLIC_KEY, KID, d="secret")


def test_a_jwk_gives_back_the_same_public_key():
    key = public_key_from_jwk(public_jwk(PUBLIC_KEY, KID))

    verify_detached(PAYLOAD, JWS, key)  # no exception


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        (
            {"kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB"},
            "key 'r': kty 'RSA' crv None; expected kty OKP and crv Ed25519",
        ),
        (
            {"kty": "OKP", "crv": "X25519", "kid": "x", "x": "AA"},
            "key 'x': kty 'OKP' crv 'X25519'; expected kty OKP and crv Ed25519",
        ),
        (
            {**public_jwk(PUBLIC_KEY, KID), "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
            f"key {KID!r} carries a private key (d); refusing it",
        ),
        ({"kty": "OKP", "crv": "Ed25519", "kid": "k"}, "key 'k' has no x (the public key)"),
        (
            {"kty": "OKP", "crv": "Ed25519", "kid": "k", "x": "AAAA"},
            "an Ed25519 public key has 32 bytes, this one 3",
        ),
    ],
    ids=["rsa", "x25519", "private", "no-x", "short-x"],
)
def test_a_jwk_that_is_not_a_public_ed25519_key_is_refused(jwk, message):
    with pytest.raises(JwksInvalid) as exc:
        public_key_from_jwk(jwk)

    assert str(exc.value) == message


def test_published_keys_from_jwks_reads_owner_and_revocation():
    jwks = {
        "keys": [
            public_jwk(
                PUBLIC_KEY,
                KID,
                organisation="acme-steel",
                organisation_name="Acme Steel",
                created_at="2026-11-01T08:00:00Z",
                revoked_at="2026-11-22T09:30:00.250000Z",
                revocation_reason="private key exposed",
            )
        ]
    }

    keys = published_keys_from_jwks(jwks)

    assert list(keys) == [KID]
    key = keys[KID]
    assert (key.organisation, key.organisation_name) == ("acme-steel", "Acme Steel")
    assert key.created_at == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    assert key.retired_at is None
    assert key.revoked_at == datetime(2026, 11, 22, 9, 30, 0, 250000, tzinfo=UTC)
    assert key.revocation_reason == "private key exposed"


@pytest.mark.parametrize(
    ("jwks", "message"),
    [
        ([], 'a JWKS is a JSON object with a "keys" list'),
        ({"keys": {}}, 'a JWKS is a JSON object with a "keys" list'),
        ({"keys": [{"kty": "OKP"}]}, "every key of the JWKS needs a kid"),
        (
            {"keys": [public_jwk(PUBLIC_KEY, KID), public_jwk(PUBLIC_KEY, KID)]},
            f"the JWKS lists the key {KID!r} twice",
        ),
        (
            {"keys": [public_jwk(PUBLIC_KEY, KID, revoked_at="yesterday")]},
            f"revoked_at of key {KID!r} 'yesterday' is not an ISO 8601 time",
        ),
        (
            {"keys": [public_jwk(PUBLIC_KEY, KID, revoked_at="2026-11-22T09:30:00")]},
            f"revoked_at of key {KID!r} '2026-11-22T09:30:00' has no time zone; expected e.g. "
            "2026-11-21T10:00:00Z",
        ),
    ],
    ids=["list", "keys-not-list", "no-kid", "twice", "bad-time", "naive-time"],
)
def test_an_unusable_jwks_is_refused_with_the_reason(jwks, message):
    with pytest.raises(JwksInvalid) as exc:
        published_keys_from_jwks(jwks)

    assert str(exc.value) == message


# --- the verification rule --------------------------------------------------------------------


def _key(**facts) -> dict[str, PublishedKey]:
    return {
        KID: PublishedKey(
            kid=KID,
            public_key=PUBLIC_KEY,
            organisation="acme-steel",
            organisation_name="Acme Steel",
            **facts,
        )
    }


def test_verify_document_reports_the_signer_and_the_signing_time():
    result = verify_document(payload=PAYLOAD, jws=JWS, keys=_key())

    assert result.valid is True
    assert result.reason == "valid"
    assert result.kid == KID
    assert (result.organisation, result.organisation_name) == ("acme-steel", "Acme Steel")
    assert result.signed_at == SIGNED_AT
    assert result.revoked_later is False
    assert result.key_revoked_at is None
    assert result.signer == f"{KID} (Acme Steel, acme-steel)"


def test_an_unknown_key_is_invalid():
    result = verify_document(payload=PAYLOAD, jws=JWS, keys={})

    assert (result.valid, result.reason) == (
        False,
        f"unknown key {KID!r}: not published by this platform",
    )
    assert result.kid == KID
    assert result.organisation is None


def test_a_malformed_signature_is_an_invalid_result_not_an_exception():
    result = verify_document(payload=PAYLOAD, jws="garbage", keys=_key())

    assert result.valid is False
    assert result.reason == (
        "malformed signature: a compact JWS has three parts separated by dots, this has 1; "
        "expected BASE64URL(header)..BASE64URL(signature)"
    )
    assert result.kid is None


def test_a_retired_key_still_verifies():
    result = verify_document(
        payload=PAYLOAD, jws=JWS, keys=_key(retired_at=SIGNED_AT + timedelta(days=1))
    )

    assert (result.valid, result.reason, result.revoked_later) == (True, "valid", False)


def test_a_signature_made_before_the_revocation_is_valid_but_flagged():
    revoked_at = SIGNED_AT + timedelta(days=1, microseconds=250_000)

    result = verify_document(
        payload=PAYLOAD,
        jws=JWS,
        keys=_key(revoked_at=revoked_at, revocation_reason="private key exposed"),
    )

    assert result.valid is True
    assert result.revoked_later is True
    assert result.key_revoked_at == revoked_at
    assert result.reason == (
        "signed by a key revoked later (on 2026-11-22T10:00:00.250000Z: private key exposed)"
    )


def test_a_signature_made_after_the_revocation_is_invalid():
    revoked_at = SIGNED_AT - timedelta(seconds=1)

    result = verify_document(
        payload=PAYLOAD,
        jws=JWS,
        keys=_key(revoked_at=revoked_at, revocation_reason="private key exposed"),
    )

    assert result.valid is False
    assert result.revoked_later is False
    assert result.reason == (
        "signed after the key was revoked on 2026-11-21T09:59:59Z: private key exposed"
    )


def test_a_signature_dated_the_instant_of_the_revocation_is_invalid():
    result = verify_document(
        payload=PAYLOAD, jws=JWS, keys=_key(revoked_at=SIGNED_AT, revocation_reason="lost")
    )

    assert (result.valid, result.reason) == (
        False,
        "signed after the key was revoked on 2026-11-21T10:00:00Z: lost",
    )


def test_a_bad_signature_by_a_revoked_key_reports_the_bad_signature():
    result = verify_document(
        payload=PAYLOAD + b" ",
        jws=JWS,
        keys=_key(revoked_at=SIGNED_AT - timedelta(days=1), revocation_reason="lost"),
    )

    assert (result.valid, result.reason) == (False, SIGNATURE_MISMATCH)


def test_a_revocation_after_the_moment_of_the_check_does_not_count_yet():
    revoked_at = SIGNED_AT - timedelta(hours=1)
    keys = _key(revoked_at=revoked_at, revocation_reason="lost")

    before = verify_document(payload=PAYLOAD, jws=JWS, keys=keys, at=revoked_at - timedelta(1))
    after = verify_document(payload=PAYLOAD, jws=JWS, keys=keys, at=revoked_at)

    assert (before.valid, before.reason) == (True, "valid")
    assert after.valid is False
