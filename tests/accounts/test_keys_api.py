"""The signing-key endpoints (list, rotate, revoke), the JWKS documents and the public
verification endpoint. Who may call what is the authorisation matrix's business; here:
behaviour, exact outputs, and that no private key ever leaves the platform."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import Actor
from accounts.models import AuditEvent, SigningKey
from accounts.roles import Role
from accounts.services.signing_keys import (
    document_sign,
    signing_key_active,
    signing_key_revoke,
    signing_key_rotate,
)
from accounts.signing import SIGNATURE_MISMATCH, b64url_encode
from core.crypto import decrypt
from tests.accounts.test_signing_keys import FOOTPRINT, T0, Clock
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

KEYS_URL = "/api/v1/orgs/acme-steel/keys/"
ROTATE_URL = "/api/v1/orgs/acme-steel/keys/rotate/"
JWKS_URL = "/.well-known/jwks.json"
ORG_JWKS_URL = "/api/v1/organisations/acme-steel/jwks.json"
VERIFY_URL = "/api/v1/footprints/verify"
PLATFORM = Actor.platform("tests")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(T0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _revoke_url(key: SigningKey) -> str:
    return f"/api/v1/orgs/acme-steel/keys/{key.pk}/revoke/"


def _x(key: SigningKey) -> str:
    return key.public_key


@pytest.fixture
def history(organisation, clock) -> dict[str, SigningKey]:
    """acme-steel: a key created at T0, rotated out a day later, revoked on day 3, and the
    active key from day 1; other-steel: one active key created on day 2."""
    first = signing_key_active(organisation=organisation)
    clock.advance(days=1)
    second = signing_key_rotate(actor=PLATFORM, organisation=organisation)
    clock.advance(days=1)
    other_steel = OrganisationFactory(slug="other-steel", legal_name_latin="Other Steel")
    other = signing_key_active(organisation=other_steel)
    clock.advance(days=1)
    signing_key_revoke(actor=PLATFORM, key=first, reason="private key exposed")
    first.refresh_from_db()
    return {"first": first, "second": second, "other": other}


def _jwk(key: SigningKey, organisation: str, name: str, **members: str) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _x(key),
        "kid": key.kid,
        "use": "sig",
        "alg": "EdDSA",
        "organisation": organisation,
        "organisation_name": name,
        **members,
    }


# --- the JWKS documents -----------------------------------------------------------------------


def test_the_platform_jwks_lists_every_key_with_owner_and_history(api, history):
    first, second, other = history["first"], history["second"], history["other"]

    response = api.get(JWKS_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.json() == {
        "keys": [
            _jwk(
                first,
                "acme-steel",
                "Acme Steel",
                created_at="2026-11-21T10:00:00.400000Z",
                retired_at="2026-11-22T10:00:00.400000Z",
                revoked_at="2026-11-24T10:00:00.400000Z",
                revocation_reason="private key exposed",
            ),
            _jwk(second, "acme-steel", "Acme Steel", created_at="2026-11-22T10:00:00.400000Z"),
            _jwk(other, "other-steel", "Other Steel", created_at="2026-11-23T10:00:00.400000Z"),
        ]
    }


def test_the_platform_jwks_costs_one_query(api, history, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = api.get(JWKS_URL)

    assert len(response.json()["keys"]) == 3


def test_an_organisations_jwks_lists_only_its_keys(api, history):
    response = api.get(ORG_JWKS_URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert [key["kid"] for key in response.json()["keys"]] == [
        history["first"].kid,
        history["second"].kid,
    ]


def test_an_organisation_without_keys_has_an_empty_jwks(api, organisation):
    response = api.get(ORG_JWKS_URL)

    assert (response.status_code, response.json()) == (200, {"keys": []})


def test_the_jwks_of_an_unknown_organisation_is_404(api):
    response = api.get("/api/v1/organisations/no-such-org/jwks.json")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No such organisation.",
        "extra": {},
    }


# --- the organisation's keys ------------------------------------------------------------------


def test_every_member_lists_the_organisations_keys(organisation, history, client_as):
    viewer = MembershipFactory(organisation=organisation, role=Role.VIEWER).user
    first, second = history["first"], history["second"]

    response = client_as(viewer).get(KEYS_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"] == [
        {
            "id": str(first.pk),
            "kid": first.kid,
            "status": "revoked",
            "jwk": _jwk(
                first,
                "acme-steel",
                "Acme Steel",
                created_at="2026-11-21T10:00:00.400000Z",
                retired_at="2026-11-22T10:00:00.400000Z",
                revoked_at="2026-11-24T10:00:00.400000Z",
                revocation_reason="private key exposed",
            ),
            "created_at": "2026-11-21T10:00:00.400000Z",
            "activated_at": "2026-11-21T10:00:00.400000Z",
            "retired_at": "2026-11-22T10:00:00.400000Z",
            "revoked_at": "2026-11-24T10:00:00.400000Z",
            "revocation_reason": "private key exposed",
        },
        {
            "id": str(second.pk),
            "kid": second.kid,
            "status": "active",
            "jwk": _jwk(
                second, "acme-steel", "Acme Steel", created_at="2026-11-22T10:00:00.400000Z"
            ),
            "created_at": "2026-11-22T10:00:00.400000Z",
            "activated_at": "2026-11-22T10:00:00.400000Z",
            "retired_at": None,
            "revoked_at": None,
            "revocation_reason": "",
        },
    ]


def test_listing_keys_costs_a_fixed_number_of_queries(
    organisation, admin_api, django_assert_num_queries
):
    for _ in range(4):
        signing_key_rotate(actor=PLATFORM, organisation=organisation)

    # membership + organisation; count; page of keys with their organisation.
    with django_assert_num_queries(3):
        response = admin_api.get(KEYS_URL)

    assert response.json()["count"] == 4


def test_an_admin_rotates_the_key(organisation, admin_api, admin_user, clock):
    old = signing_key_active(organisation=organisation)
    clock.advance(hours=1)

    response = admin_api.post(ROTATE_URL)

    assert response.status_code == 201
    body = response.json()
    new = SigningKey.objects.get(pk=body["id"])
    assert (body["kid"], body["status"], body["created_at"]) == (
        new.kid,
        "active",
        "2026-11-21T11:00:00.400000Z",
    )
    old.refresh_from_db()
    assert old.retired_at == T0 + timedelta(hours=1)
    event = AuditEvent.objects.get(action="signing_key.rotated")
    assert (event.actor_label, event.before) == (admin_user.email, {"active_kid": old.kid})


def test_an_admin_revokes_a_key_with_a_reason(organisation, admin_api, clock):
    key = signing_key_active(organisation=organisation)

    response = admin_api.post(_revoke_url(key), {"reason": "private key exposed"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_at"] == "2026-11-21T10:00:00.400000Z"
    assert response.json()["revocation_reason"] == "private key exposed"
    assert SigningKey.objects.filter(organisation=organisation).count() == 2


def test_a_revocation_without_a_reason_is_refused_and_changes_nothing(organisation, admin_api):
    key = signing_key_active(organisation=organisation)

    response = admin_api.post(_revoke_url(key), {}, format="json")

    assert response.status_code == 400
    assert response.json()["extra"] == {"fields": {"reason": ["This field is required."]}}
    key.refresh_from_db()
    assert key.revoked_at is None
    assert not AuditEvent.objects.filter(action="signing_key.revoked").exists()


def test_revoking_a_revoked_key_again_is_a_conflict(organisation, admin_api):
    key = signing_key_active(organisation=organisation)
    admin_api.post(_revoke_url(key), {"reason": "private key exposed"}, format="json")

    response = admin_api.post(_revoke_url(key), {"reason": "again"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["extra"] == {"kid": key.kid}


def test_a_preparer_may_not_rotate(organisation, client_as):
    preparer = MembershipFactory(organisation=organisation, role=Role.PREPARER).user

    response = client_as(preparer).post(ROTATE_URL)

    assert response.status_code == 403
    assert SigningKey.objects.count() == 0


# --- no private key leaves the platform -------------------------------------------------------


def test_no_private_key_appears_in_any_output(organisation, admin_api, api, history):
    secrets = []
    for key in SigningKey.objects.all():
        raw = decrypt(key.private_key_encrypted)
        pem = (
            Ed25519PrivateKey.from_private_bytes(raw)
            .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
            .decode()
        )
        secrets += [
            key.private_key_encrypted,
            b64url_encode(raw),
            base64.b64encode(raw).decode(),
            raw.hex(),
            pem.splitlines()[1],
        ]
    signed = document_sign(organisation=organisation, document=FOOTPRINT)
    outputs = [
        api.get(JWKS_URL),
        api.get(ORG_JWKS_URL),
        admin_api.get(KEYS_URL),
        admin_api.post(ROTATE_URL),
        admin_api.get("/api/v1/orgs/acme-steel/audit-events/?page_size=500"),
        api.post(VERIFY_URL, {"document": FOOTPRINT, "signature": signed.jws}, format="json"),
    ]

    text = "\n".join(response.content.decode() for response in outputs)
    assert all(response.status_code in (200, 201) for response in outputs)
    assert '"d"' not in text
    assert [secret for secret in secrets if secret in text] == []


# --- verification -----------------------------------------------------------------------------


@pytest.fixture
def signed(organisation, clock):
    return document_sign(organisation=organisation, document=FOOTPRINT)


def _verify(api: APIClient, **body) -> dict:
    response = api.post(VERIFY_URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_signed_document_verifies_as_an_object(api, signed):
    body = _verify(api, document=FOOTPRINT, signature=signed.jws)

    assert body == {
        "valid": True,
        "reason": "valid",
        "kid": signed.kid,
        "organisation": "acme-steel",
        "organisation_name": "Acme Steel",
        "signed_at": "2026-11-21T10:00:00Z",
        "key_revoked_at": None,
        "revoked_later": False,
    }


def test_a_reordered_object_verifies_because_it_is_canonicalised_first(api, signed):
    reordered = dict(reversed(list(FOOTPRINT.items())))
    assert json.dumps(reordered) != json.dumps(FOOTPRINT)

    body = _verify(api, document=reordered, signature=signed.jws)

    assert body["valid"] is True


def test_the_exact_bytes_verify_and_reordered_bytes_do_not(api, signed):
    exact = base64.b64encode(signed.payload).decode()
    reordered = json.dumps(dict(reversed(list(FOOTPRINT.items())))).encode()

    good = _verify(api, document_base64=exact, signature=signed.jws)
    bad = _verify(api, document_base64=base64.b64encode(reordered).decode(), signature=signed.jws)

    assert good["valid"] is True
    assert (bad["valid"], bad["reason"], bad["kid"]) == (False, SIGNATURE_MISMATCH, signed.kid)


def test_a_changed_value_is_an_invalid_answer_not_an_error(api, signed):
    changed = {**FOOTPRINT, "pcf": {**FOOTPRINT["pcf"], "pCfExcludingBiogenic": "0.63"}}

    body = _verify(api, document=changed, signature=signed.jws)

    assert (body["valid"], body["reason"]) == (False, SIGNATURE_MISMATCH)


def test_a_signature_by_a_revoked_key_reports_when_and_why(api, organisation, signed, clock):
    clock.advance(days=1)
    key = SigningKey.objects.get(kid=signed.kid)
    signing_key_revoke(actor=PLATFORM, key=key, reason="private key exposed")

    body = _verify(api, document=FOOTPRINT, signature=signed.jws)

    assert body == {
        "valid": True,
        "reason": "signed by a key revoked later (on 2026-11-22T10:00:00.400000Z: private key "
        "exposed)",
        "kid": signed.kid,
        "organisation": "acme-steel",
        "organisation_name": "Acme Steel",
        "signed_at": "2026-11-21T10:00:00Z",
        "key_revoked_at": "2026-11-22T10:00:00.400000Z",
        "revoked_later": True,
    }


def test_a_malformed_jws_is_an_invalid_answer(api, signed):
    header = signed.jws.split(".")[0]

    body = _verify(api, document=FOOTPRINT, signature=f"{header}.e30.AAAA")

    assert body["valid"] is False
    assert body["reason"] == (
        "malformed signature: the JWS carries a payload; expected a detached JWS with an empty "
        "middle part (header..signature), the document travels separately"
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"signature": "x..y"},
            {
                "document": [
                    "Send exactly one of document (a JSON object) and document_base64 (the "
                    "exact signed bytes, base64)."
                ]
            },
        ),
        (
            {"document": {}, "document_base64": "e30=", "signature": "x..y"},
            {
                "document": [
                    "Send exactly one of document (a JSON object) and document_base64 (the "
                    "exact signed bytes, base64)."
                ]
            },
        ),
        (
            {"document": [1, 2], "signature": "x..y"},
            {"document": ["Expected a JSON object (the footprint), got list."]},
        ),
        (
            {"document": {"mass": 2**60}, "signature": "x..y"},
            {
                "document": [
                    "Cannot be canonicalised (RFC 8785): 1152921504606846976 exceeds safe "
                    "integer domain for JSON floats."
                ]
            },
        ),
        (
            {"document_base64": "not base64!", "signature": "x..y"},
            {
                "document_base64": [
                    "Not base64: expected the exact bytes of the document in standard base64 "
                    "(A-Z a-z 0-9 + /, = padding)."
                ]
            },
        ),
        ({"document": {}}, {"signature": ["This field is required."]}),
        ({"document": {}, "signature": ""}, {"signature": ["This field may not be blank."]}),
    ],
    ids=["neither", "both", "list", "big-int", "bad-base64", "no-signature", "blank-signature"],
)
def test_a_malformed_request_is_a_400_naming_the_field(api, body, fields):
    response = api.post(VERIFY_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["extra"] == {"fields": fields}


def test_verification_costs_one_query(api, signed, django_assert_num_queries):
    with django_assert_num_queries(1):
        body = _verify(api, document=FOOTPRINT, signature=signed.jws)

    assert body["valid"] is True


def test_verification_is_throttled_per_address(api, signed, monkeypatch):
    from accounts.api.keys import FootprintVerifyThrottle

    monkeypatch.setattr(FootprintVerifyThrottle, "THROTTLE_RATES", {"footprint_verify": "3/min"})
    monkeypatch.setattr(FootprintVerifyThrottle, "timer", lambda self: 1_000_000.0)
    for _ in range(3):
        _verify(api, document=FOOTPRINT, signature=signed.jws)

    response = api.post(VERIFY_URL, {"document": FOOTPRINT, "signature": signed.jws}, format="json")
    other_address = APIClient(REMOTE_ADDR="192.0.2.7").post(
        VERIFY_URL, {"document": FOOTPRINT, "signature": signed.jws}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert other_address.status_code == 200


def test_the_default_verification_rate_is_120_a_minute():
    from accounts.api.keys import FootprintVerifyThrottle

    assert FootprintVerifyThrottle().num_requests == 120
    assert FootprintVerifyThrottle().duration == 60


def test_the_verification_endpoint_ignores_credentials(organisation, admin_user, signed):
    api = APIClient()
    api.force_authenticate(admin_user)

    body = _verify(api, document=FOOTPRINT, signature=signed.jws)

    assert body["valid"] is True
