"""Signature interoperability: a signature the platform makes now verifies with common JOSE
libraries as they come (tested: PyJWT 2.15 and joserfc 1.8, their default settings), and a
signature of the first format (alg ``Ed25519``, ``iat`` in the header) still verifies with the
platform's own tools: ``document_verify``, ``manage.py verify_footprint``,
``tools/verify_footprint_standalone.py`` and the public verify page."""

from __future__ import annotations

import json
import warnings
from datetime import timedelta
from pathlib import Path

import joserfc.errors
import joserfc.jwk
import joserfc.jws
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.audit import Actor
from accounts.models import SigningKey
from accounts.selectors import jwks_published
from accounts.services.signing_keys import (
    SignedDocument,
    document_sign,
    document_verify,
    signing_key_revoke,
)
from core.crypto import decrypt
from tests.accounts.legacy_jws import sign_legacy
from tests.accounts.test_signing_cli import _run as run_verify_footprint
from tests.accounts.test_signing_keys import FOOTPRINT, T0, Clock
from tests.accounts.test_signing_standalone import _verify as run_standalone

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    clock = Clock(T0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def signed(organisation, clock) -> SignedDocument:
    return document_sign(organisation=organisation, document=FOOTPRINT)


def _published_jwk(kid: str) -> dict:
    return next(key for key in jwks_published()["keys"] if key["kid"] == kid)


def _pyjwt(token: str, payload: bytes, jwk: dict) -> dict:
    return jwt.api_jws.PyJWS().decode_complete(
        token, jwt.PyJWK(jwk).key, algorithms=["EdDSA"], detached_payload=payload
    )


def _joserfc(token: str, payload: bytes, jwk: dict) -> joserfc.jws.CompactSignature:
    with warnings.catch_warnings():
        # joserfc warns that RFC 9864 deprecates the name "EdDSA"; it still verifies.
        warnings.simplefilter("ignore", joserfc.errors.SecurityWarning)
        return joserfc.jws.deserialize_compact(
            token, joserfc.jwk.OKPKey.import_key(jwk), algorithms=["EdDSA"], payload=payload
        )


def _legacy(signed: SignedDocument, *, at=T0) -> str:
    key = SigningKey.objects.get(kid=signed.kid)
    private_key = Ed25519PrivateKey.from_private_bytes(decrypt(key.private_key_encrypted))
    return sign_legacy(signed.payload, private_key, key.kid, at)


# --- the current format with the common libraries ---------------------------------------------


def test_pyjwt_verifies_a_platform_signature_with_the_published_jwk(signed):
    decoded = _pyjwt(signed.jws, signed.payload, _published_jwk(signed.kid))

    assert decoded["payload"] == signed.payload
    assert decoded["header"] == {"alg": "EdDSA", "b64": False, "crit": ["b64"], "kid": signed.kid}


def test_joserfc_verifies_a_platform_signature_with_the_published_jwk(signed):
    extracted = _joserfc(signed.jws, signed.payload, _published_jwk(signed.kid))

    assert extracted.payload == signed.payload
    assert extracted.headers() == {
        "alg": "EdDSA",
        "b64": False,
        "crit": ["b64"],
        "kid": signed.kid,
    }


def test_both_libraries_refuse_a_changed_byte_of_the_document(signed):
    jwk = _published_jwk(signed.kid)
    tampered = signed.payload.replace(b"1.63", b"1.62")

    with pytest.raises(jwt.InvalidSignatureError):
        _pyjwt(signed.jws, tampered, jwk)
    with pytest.raises(joserfc.errors.BadSignatureError):
        _joserfc(signed.jws, tampered, jwk)


def test_the_libraries_refuse_the_first_format_which_is_why_it_changed(signed):
    jwk = _published_jwk(signed.kid)
    legacy = _legacy(signed)

    with pytest.raises(jwt.InvalidAlgorithmError):
        _pyjwt(legacy, signed.payload, jwk)
    with pytest.raises(joserfc.errors.UnsupportedHeaderError, match="iat"):
        _joserfc(legacy, signed.payload, jwk)


def test_a_new_signature_dates_itself_by_the_documents_created_time(signed, clock):
    key = SigningKey.objects.get(kid=signed.kid)
    clock.advance(days=1)
    signing_key_revoke(actor=Actor.platform("tests"), key=key, reason="private key exposed")

    result = document_verify(payload=signed.payload, jws=signed.jws, jwks=jwks_published())

    assert (result.valid, result.revoked_later) == (True, True)
    assert result.signed_at == T0.replace(microsecond=0)  # FOOTPRINT's "created"


# --- the first format with the platform's tools -----------------------------------------------


def test_an_old_signature_verifies_with_document_verify(signed):
    legacy = _legacy(signed)

    online = document_verify(payload=signed.payload, jws=legacy)
    offline = document_verify(payload=signed.payload, jws=legacy, jwks=jwks_published())

    assert (online.valid, online.reason, online.signed_at) == (
        True,
        "valid",
        T0.replace(microsecond=0),
    )
    assert (offline.valid, offline.reason) == (True, "valid")


def test_an_old_signature_keeps_its_iat_revocation_rule(signed, clock):
    key = SigningKey.objects.get(kid=signed.kid)
    before = _legacy(signed)
    clock.advance(days=1)
    signing_key_revoke(actor=Actor.platform("tests"), key=key, reason="private key exposed")
    after = _legacy(signed, at=clock.now + timedelta(seconds=1))

    earlier = document_verify(payload=signed.payload, jws=before)
    later = document_verify(payload=signed.payload, jws=after)

    assert (earlier.valid, earlier.revoked_later) == (True, True)
    assert (later.valid, later.reason) == (
        False,
        "signed after the key was revoked on 2026-11-22T10:00:00.400000Z: private key exposed",
    )


def test_an_old_signature_verifies_with_manage_py_verify_footprint(signed, tmp_path: Path):
    (tmp_path / "document.json").write_bytes(signed.payload)
    (tmp_path / "document.jws").write_text(_legacy(signed) + "\n")
    (tmp_path / "jwks.json").write_text(json.dumps(jwks_published()))

    status, output = run_verify_footprint(
        str(tmp_path / "document.json"),
        "--signature",
        str(tmp_path / "document.jws"),
        "--jwks",
        str(tmp_path / "jwks.json"),
    )

    assert (status, output) == (
        0,
        f"valid: signed by {signed.kid} (Acme Steel, acme-steel) at 2026-11-21T10:00:00Z\n",
    )


def test_an_old_signature_verifies_with_the_standalone_script(signed, tmp_path: Path):
    status, output = run_standalone(tmp_path, signed.payload, _legacy(signed))

    assert (status, output) == (
        0,
        f"valid: signed by {signed.kid} (acme-steel) at 2026-11-21T10:00:00Z\n",
    )


def test_an_old_signature_verifies_on_the_public_verify_page(signed):
    files = {
        "document_file": SimpleUploadedFile("f.json", signed.payload, "application/json"),
        "signature_file": SimpleUploadedFile("f.jws", _legacy(signed).encode(), "text/plain"),
    }

    page = Client().post("/verify/", files)

    assert page.status_code == 200
    assert "Valid: the document is exactly as it was signed." in page.content.decode()
