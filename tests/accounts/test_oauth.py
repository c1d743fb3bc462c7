"""Machine clients: the OAuth2 client credentials grant, bearer tokens on organisation
endpoints, scopes, rotation and revocation, and how secrets are stored."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import Actor
from accounts.models import AccessToken, ApiClient, AuditEvent
from accounts.roles import Role
from accounts.services.api_clients import api_client_create, tokens_purge_expired
from core.crypto import sha256_hex
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ORG_URL = "/api/v1/orgs/acme-steel/"
INVALID_CLIENT = "Unknown client, wrong secret or revoked client."
TOKEN_REFUSED = (
    "The access token is unknown, expired or revoked; request a new one at /api/v1/auth/token/."
)


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


def _token_request(client_id: str, secret: str, **form: str):
    """Client authentication by HTTP Basic, the form-encoded body RFC 6749 §4.4.2 asks for."""
    return APIClient().post(
        TOKEN_URL,
        urlencode({"grant_type": "client_credentials", **form}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=_basic(client_id, secret),
    )


def _token(client_id: str, secret: str, **form: str) -> str:
    response = _token_request(client_id, secret, **form)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def erp(organisation, admin_user) -> tuple[ApiClient, str]:
    """A viewer machine client of acme-steel that may read the organisation and members."""
    return api_client_create(
        actor=Actor(user=admin_user),
        organisation=organisation,
        name="ERP connector",
        role=Role.VIEWER,
        scopes=["organisation:read", "members:read"],
    )


# --- the token endpoint -------------------------------------------------------------------


def test_http_basic_client_credentials_get_a_bearer_token(erp):
    client, secret = erp

    response = _token_request(client.client_id, secret)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "members:read organisation:read"
    assert len(body["access_token"]) == 43
    assert response["Cache-Control"] == "no-store"
    token = AccessToken.objects.get()
    assert token.token_hash == sha256_hex(body["access_token"])
    assert token.client == client
    assert token.scopes == ["members:read", "organisation:read"]
    lifetime = token.expires_at - timezone.now()
    assert timedelta(seconds=3590) < lifetime <= timedelta(seconds=3600)


def test_form_field_client_credentials_get_a_bearer_token(erp):
    client, secret = erp

    response = APIClient().post(
        TOKEN_URL,
        urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": client.client_id,
                "client_secret": secret,
                "scope": "organisation:read",
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "organisation:read"
    assert AccessToken.objects.get().scopes == ["organisation:read"]


def test_a_json_token_request_is_accepted_too(erp):
    client, secret = erp

    response = APIClient().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client.client_id,
            "client_secret": secret,
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["scope"] == "members:read organisation:read"


def test_a_wrong_secret_is_refused_as_invalid_client(erp):
    client, _ = erp

    response = _token_request(client.client_id, "not-the-secret")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": INVALID_CLIENT,
        "code": "invalid_client",
        "message": INVALID_CLIENT,
        "extra": {},
    }
    assert response["WWW-Authenticate"] == 'Basic realm="token"'
    assert AccessToken.objects.count() == 0


def test_an_unknown_client_gets_the_same_answer_as_a_wrong_secret(erp):
    response = _token_request("cbx_nobody", "whatever")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["message"] == INVALID_CLIENT


def test_missing_client_authentication_is_refused(erp):
    response = APIClient().post(
        TOKEN_URL,
        urlencode({"grant_type": "client_credentials"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["code"] == "invalid_client"
    assert response.json()["message"] == (
        "Client authentication is missing: send HTTP Basic client_id:client_secret."
    )


def test_malformed_basic_credentials_are_an_invalid_request(erp):
    response = APIClient().post(
        TOKEN_URL,
        urlencode({"grant_type": "client_credentials"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION="Basic not*base64",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["message"] == "Malformed Basic credentials."


def test_an_unsupported_grant_type_is_refused(erp):
    client, secret = erp

    response = _token_request(client.client_id, secret, grant_type="password")

    assert response.status_code == 400
    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant_type 'password' is not supported; use client_credentials.",
        "code": "unsupported_grant_type",
        "message": "grant_type 'password' is not supported; use client_credentials.",
        "extra": {},
    }
    assert AccessToken.objects.count() == 0


def test_asking_a_scope_the_client_does_not_hold_is_refused(erp):
    client, secret = erp

    response = _token_request(client.client_id, secret, scope="organisation:read members:write")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert response.json()["code"] == "invalid_scope"
    assert response.json()["message"] == "The client does not hold scope(s) members:write."
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"grant_type": "client_credentials", "scope": ["organisation:read"]},
            "scope must be a string.",
        ),
        (
            {"grant_type": "client_credentials", "client_secret": 123},
            "client_secret must be a string.",
        ),
        ({"grant_type": ["client_credentials"]}, "grant_type must be a string."),
        (["client_credentials"], "Send the parameters as form fields or a JSON object."),
        ("client_credentials", "Send the parameters as form fields or a JSON object."),
    ],
)
def test_a_json_body_of_the_wrong_shape_is_an_invalid_request_not_a_server_error(
    erp, body, message
):
    client, secret = erp
    if isinstance(body, dict):
        body = {"client_id": client.client_id, "client_secret": secret, **body}

    response = APIClient().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": message,
        "code": "invalid_request",
        "message": message,
        "extra": {},
    }
    assert AccessToken.objects.count() == 0


# --- bearer tokens on organisation endpoints -------------------------------------------------


def test_a_bearer_token_reads_its_organisation(erp):
    client, secret = erp

    response = _bearer(_token(client.client_id, secret)).get(ORG_URL)

    assert response.status_code == 200
    assert response.json()["slug"] == "acme-steel"
    assert response.json()["legal_name_latin"] == "Acme Steel"


def test_the_scheme_name_bearer_is_case_insensitive(erp):
    client, secret = erp
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"bearer {_token(client.client_id, secret)}")

    assert api.get(ORG_URL).status_code == 200


def test_a_token_of_one_organisation_finds_no_other_organisation(erp):
    client, secret = erp
    OrganisationFactory(slug="other-steel")

    response = _bearer(_token(client.client_id, secret)).get("/api/v1/orgs/other-steel/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such organisation.", "extra": {}}


def test_a_token_without_the_needed_scope_is_forbidden(erp):
    client, secret = erp
    token = _token(client.client_id, secret, scope="members:read")

    response = _bearer(token).get(ORG_URL)

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "The access token lacks the scope 'organisation:read'.",
        "extra": {"required_scope": "organisation:read"},
    }


def test_a_read_only_token_cannot_write(erp, organisation):
    client, secret = erp

    response = _bearer(_token(client.client_id, secret)).patch(
        ORG_URL, {"legal_name_latin": "Hacked"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["extra"] == {"required_scope": "organisation:write"}
    organisation.refresh_from_db()
    assert organisation.legal_name_latin == "Acme Steel"
    assert AuditEvent.objects.filter(action="organisation.updated").count() == 0


def test_a_machine_role_below_admin_cannot_write_even_with_the_scope(organisation, admin_user):
    client, secret = api_client_create(
        actor=Actor(user=admin_user),
        organisation=organisation,
        name="Writer",
        role=Role.PREPARER,
        scopes=["organisation:write"],
    )

    response = _bearer(_token(client.client_id, secret)).patch(
        ORG_URL, {"legal_name_latin": "Hacked"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["message"] == "Your role (preparer) may not PATCH here."
    organisation.refresh_from_db()
    assert organisation.legal_name_latin == "Acme Steel"


def test_an_expired_token_is_refused(erp):
    client, secret = erp
    token = _token(client.client_id, secret)
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _bearer(token).get(ORG_URL)

    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": TOKEN_REFUSED,
        "extra": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_unknown_token_is_refused(erp):
    response = _bearer("made-up-token").get(ORG_URL)

    assert response.status_code == 401
    assert response.json()["message"] == TOKEN_REFUSED


def test_a_malformed_authorization_header_is_refused(erp):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer two parts")

    response = api.get(ORG_URL)

    assert response.status_code == 401
    assert response.json()["message"] == (
        "Malformed Authorization header: expected 'Bearer <access token>'."
    )


def test_a_machine_client_is_refused_on_person_only_endpoints(erp):
    client, secret = erp

    response = _bearer(_token(client.client_id, secret)).get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json()["message"] == "This endpoint is for people, not machine clients."


def test_a_bearer_read_of_the_organisation_costs_four_queries(
    erp, organisation, django_assert_num_queries
):
    # token + client + organisation (one join); the organisation; its kinds; its identifiers.
    # No password hashing, no membership lookup, no per-request writes.
    organisation.identifiers.create(
        scheme="lei", value="5493001KJTIIGC8Y1R12", urn="urn:lei:5493001KJTIIGC8Y1R12"
    )
    client, secret = erp
    api = _bearer(_token(client.client_id, secret))

    with django_assert_num_queries(4) as captured:
        response = api.get(ORG_URL)

    assert response.status_code == 200
    assert response.json()["identifiers"] == [
        {"scheme": "lei", "value": "5493001KJTIIGC8Y1R12", "urn": "urn:lei:5493001KJTIIGC8Y1R12"}
    ]
    assert 'FROM "accounts_accesstoken"' in captured.captured_queries[0]["sql"]


# --- managing clients: create, read, rotate, revoke ------------------------------------------


def test_an_admin_creates_a_client_and_sees_its_secret_once(admin_api):
    response = admin_api.post(
        "/api/v1/orgs/acme-steel/api-clients/",
        {"name": "ERP", "role": "preparer", "scopes": ["organisation:read"]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    secret = body["client_secret"]
    assert body["name"] == "ERP"
    assert body["role"] == "preparer"
    assert body["scopes"] == ["organisation:read"]
    assert body["active"] is True
    assert body["client_id"].startswith("cbx_")
    client = ApiClient.objects.get()
    assert client.secret_hash == sha256_hex(secret)
    event = AuditEvent.objects.get(action="api_client.created")
    assert event.after == {"name": "ERP", "role": "preparer", "scopes": ["organisation:read"]}
    assert secret not in str(event.after)
    assert _token_request(body["client_id"], secret).status_code == 200


def test_a_machine_client_cannot_be_made_admin(admin_api):
    response = admin_api.post(
        "/api/v1/orgs/acme-steel/api-clients/",
        {"name": "ERP", "role": "admin", "scopes": ["organisation:read"]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["role"]
    assert ApiClient.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_client_secret_is_never_returned_by_get(admin_api, erp):
    client, secret = erp

    listing = admin_api.get("/api/v1/orgs/acme-steel/api-clients/")
    detail = admin_api.get(f"/api/v1/orgs/acme-steel/api-clients/{client.pk}/")

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert listing.json()["count"] == 1
    assert set(detail.json()) == {
        "id",
        "name",
        "client_id",
        "role",
        "scopes",
        "active",
        "created_at",
        "secret_rotated_at",
        "revoked_at",
    }
    assert listing.json()["results"][0] == detail.json()
    for response in (listing, detail):
        assert secret not in response.content.decode()
        assert client.secret_hash not in response.content.decode()


def test_secrets_and_tokens_are_stored_only_as_sha256_digests(erp):
    client, secret = erp
    token = _token(client.client_id, secret)

    client.refresh_from_db()
    assert client.secret_hash == sha256_hex(secret)
    assert AccessToken.objects.get().token_hash == sha256_hex(token)
    with connection.cursor() as cursor:
        for table in ("accounts_apiclient", "accounts_accesstoken", "accounts_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            assert secret not in dump, table
            assert token not in dump, table


def test_rotating_the_secret_retires_the_old_secret_and_its_tokens(admin_api, erp):
    client, old_secret = erp
    old_token = _token(client.client_id, old_secret)

    response = admin_api.post(f"/api/v1/orgs/acme-steel/api-clients/{client.pk}/rotate/")

    assert response.status_code == 200
    new_secret = response.json()["client_secret"]
    assert new_secret != old_secret
    assert response.json()["secret_rotated_at"] is not None
    assert _token_request(client.client_id, old_secret).status_code == 401
    assert _bearer(old_token).get(ORG_URL).status_code == 401
    assert AccessToken.objects.count() == 0
    assert _bearer(_token(client.client_id, new_secret)).get(ORG_URL).status_code == 200
    event = AuditEvent.objects.get(action="api_client.secret_rotated")
    assert event.after == {"tokens_revoked": 1}
    assert event.object_id == str(client.pk)


def test_revoking_a_client_stops_its_tokens_and_its_secret(admin_api, erp):
    client, secret = erp
    token = _token(client.client_id, secret)

    response = admin_api.delete(f"/api/v1/orgs/acme-steel/api-clients/{client.pk}/")

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["revoked_at"] is not None
    assert _bearer(token).get(ORG_URL).status_code == 401
    refused = _token_request(client.client_id, secret)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    assert AccessToken.objects.count() == 0
    event = AuditEvent.objects.get(action="api_client.revoked")
    assert event.before == {"active": True}
    assert event.after == {"active": False, "tokens_revoked": 1}


def test_a_revoked_client_cannot_be_rotated(admin_api, erp):
    client, _ = erp
    admin_api.delete(f"/api/v1/orgs/acme-steel/api-clients/{client.pk}/")

    response = admin_api.post(f"/api/v1/orgs/acme-steel/api-clients/{client.pk}/rotate/")

    assert response.status_code == 409
    assert response.json()["message"] == "This client is revoked; create a new one."
    assert AuditEvent.objects.filter(action="api_client.secret_rotated").count() == 0


def test_a_client_of_another_organisation_cannot_be_rotated_or_revoked(admin_api):
    other = OrganisationFactory(slug="other-steel")
    foreign, secret = api_client_create(
        actor=Actor.platform("test"), organisation=other, name="Foreign", scopes=["audit:read"]
    )

    rotate = admin_api.post(f"/api/v1/orgs/acme-steel/api-clients/{foreign.pk}/rotate/")
    revoke = admin_api.delete(f"/api/v1/orgs/acme-steel/api-clients/{foreign.pk}/")

    assert rotate.status_code == 404
    assert revoke.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    assert foreign.secret_hash == sha256_hex(secret)


def test_expired_tokens_are_purged_and_live_ones_kept(erp):
    client, secret = erp
    live = _token(client.client_id, secret)
    _token(client.client_id, secret)
    AccessToken.objects.exclude(token_hash=sha256_hex(live)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert tokens_purge_expired() == 1

    assert list(AccessToken.objects.values_list("token_hash", flat=True)) == [sha256_hex(live)]
    assert _bearer(live).get(ORG_URL).status_code == 200


def test_the_token_endpoint_slows_down_secret_guessing_per_address(erp, monkeypatch):
    from accounts.api.throttling import TokenEndpointThrottle

    monkeypatch.setattr(TokenEndpointThrottle, "timer", lambda self: 1_000_000.0)  # frozen
    client, _ = erp
    for _ in range(30):
        assert _token_request(client.client_id, "guess").status_code == 401

    response = _token_request(client.client_id, "guess")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["extra"] == {"retry_after_seconds": 60}
    assert response["Retry-After"] == "60"
