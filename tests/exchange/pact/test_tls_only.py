"""The PACT host answers HTTPS only: conformance cases 9, 10, 11 and 17 (authenticate, list,
get and events over plain http are rejected, the answer holds no token and no data), through
the full Django stack with a plain-HTTP test client."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import AccessToken

from .conftest import basic, signed_footprint

pytestmark = pytest.mark.django_db


def refusal(path: str) -> dict[str, str]:
    return {
        "code": "BadRequest",
        "message": f"PACT is served over HTTPS only: use https://testserver{path}.",
    }


@pytest.fixture
def plain() -> Client:
    return Client()


def test_case_9_a_token_asked_for_over_http_is_refused_and_none_is_issued(plain, world):
    tokens_before = AccessToken.objects.count()

    response = plain.post(
        "/auth/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(world.machine.client_id, world.secret),
    )

    assert response.status_code == 400
    assert json.loads(response.content) == refusal("/auth/token")
    assert b"access_token" not in response.content
    assert AccessToken.objects.count() == tokens_before


def test_case_10_list_footprints_over_http_is_refused_without_data(plain, world):
    signed_footprint(world.buyer, 1)

    response = plain.get("/3/footprints?limit=10", **world.bearer())

    assert response.status_code == 400
    assert json.loads(response.content) == refusal("/3/footprints")
    assert "Link" not in response.headers


def test_case_11_get_footprint_over_http_is_refused_without_data(plain, world):
    own = signed_footprint(world.buyer, 1)

    response = plain.get(f"/3/footprints/{own.pk}", **world.bearer())

    assert response.status_code == 400
    assert json.loads(response.content) == refusal(f"/3/footprints/{own.pk}")


def test_case_17_events_over_http_is_refused(plain, world):
    response = plain.post("/3/events", "{}", content_type="application/cloudevents+json")

    assert response.status_code == 400
    assert json.loads(response.content) == refusal("/3/events")


def test_the_openid_configuration_over_http_is_refused(plain, db):
    response = plain.get("/.well-known/openid-configuration")

    assert response.status_code == 400
    assert json.loads(response.content) == refusal("/.well-known/openid-configuration")


def test_the_same_calls_over_https_are_answered(client, world):
    own = signed_footprint(world.buyer, 1)

    assert client.get(f"/3/footprints/{own.pk}", **world.bearer()).status_code == 200
    assert client.get("/.well-known/openid-configuration").status_code == 200


def test_https_is_recognised_from_the_tls_front_forwarded_proto(plain, world, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    own = signed_footprint(world.buyer, 1)

    forwarded = plain.get(
        f"/3/footprints/{own.pk}", HTTP_X_FORWARDED_PROTO="https", **world.bearer()
    )
    claimed_without_proxy_header = plain.get(
        f"/3/footprints/{own.pk}", HTTP_X_FORWARDED_PROTO="http", **world.bearer()
    )

    assert forwarded.status_code == 200
    assert claimed_without_proxy_header.status_code == 400


def test_the_refusal_comes_before_the_production_redirect_to_https(plain, world, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    pact = plain.get("/3/footprints", **world.bearer())
    page = plain.get("/login/")

    assert pact.status_code == 400
    assert json.loads(pact.content) == refusal("/3/footprints")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/login/"


def test_other_paths_are_not_pact_paths(plain, db):
    assert plain.get("/.well-known/jwks.json").status_code == 200
    assert plain.get("/healthz").status_code == 200


def test_plain_http_is_answered_when_pact_require_tls_is_off(plain, world, settings):
    settings.PACT_REQUIRE_TLS = False

    assert plain.get("/3/footprints", **world.bearer()).status_code == 200


def test_a_pact_action_keeps_the_security_headers_of_every_answer(client, world, settings):
    settings.SECURE_HSTS_SECONDS = 3600

    response = client.get("/3/footprints", **world.bearer())

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "X-Request-ID" in response


def test_a_pact_action_for_a_host_outside_allowed_hosts_is_refused(client, world):
    signed_footprint(world.buyer, 1)

    response = client.get("/3/footprints?limit=1", HTTP_HOST="evil.example", **world.bearer())

    assert response.status_code == 400
    assert b"evil.example" not in response.content
