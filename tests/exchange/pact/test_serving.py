"""PACT v3 serving, one test per conformance case that applies to a host without TLS and
events (wbcsd/pact-conformance-service, docs/v3-test-cases-expected-results.md), through the
full Django stack."""

from __future__ import annotations

import json

import pytest

from accounts.audit import Actor
from accounts.models import ApiClient
from accounts.services.api_clients import api_client_revoke
from exchange.pact.cursor import CURSOR_MAX_AGE
from tests.factories import ApiClientFactory

from .conftest import T0, basic, expire_all_tokens, grant_of, signed_footprint, stored

pytestmark = pytest.mark.django_db


def envelope(*footprints) -> bytes:
    return b'{"data":[' + b",".join(stored(f) for f in footprints) + b"]}"


def in_id_order(footprints):
    """Pages run in id order (a stable total order); UUIDs compare like their hex text."""
    return sorted(footprints, key=lambda f: str(f.pk))


# --------------------------------------------------------------------------- authenticate


def test_case_1_it_issues_a_token_for_valid_basic_credentials(client, world):
    response = client.post(
        "/auth/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(world.machine.client_id, world.secret),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "footprint:list footprint:read"
    listed = client.get("/3/footprints", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert listed.status_code == 200


def test_case_2_it_rejects_invalid_credentials_the_oauth_way(client, world):
    response = client.post(
        "/auth/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(world.machine.client_id, "wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "access_token" not in response.json()


def test_it_maps_the_pact_scopes_onto_the_footprint_read_scope(client, world):
    response = client.post(
        "/auth/token",
        "grant_type=client_credentials&scope=footprint%3Alist",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(world.machine.client_id, world.secret),
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "footprint:list footprint:read"


def test_it_refuses_a_token_to_a_client_without_the_footprint_scope(client, db):
    machine = ApiClientFactory(scopes=["organisation:read"])
    response = client.post(
        "/auth/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(machine.client_id, f"secret-of-{machine.client_id}"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_platform_token_without_the_footprint_scope_is_access_denied(client, db):
    from accounts.services.api_clients import token_issue

    machine = ApiClientFactory(scopes=["organisation:read"])
    issued = token_issue(
        client_id=machine.client_id, client_secret=f"secret-of-{machine.client_id}", scope=None
    )
    response = client.get("/3/footprints", HTTP_AUTHORIZATION=f"Bearer {issued.access_token}")
    assert response.status_code == 403
    assert response.json() == {
        "code": "AccessDenied",
        "message": "The access token lacks the footprint:list / footprint:read scope.",
    }


def test_the_openid_configuration_names_the_token_endpoint(client, db):
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.json()["token_endpoint"] == "https://testserver/auth/token"
    assert response.json()["issuer"] == "https://testserver"
    assert response.json()["grant_types_supported"] == ["client_credentials"]


# --------------------------------------------------------------------------- get and list


def test_case_3_get_footprint_serves_the_stored_signed_bytes(client, world):
    own = signed_footprint(world.buyer, 1)
    response = client.get(f"/3/footprints/{own.pk}", **world.bearer())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b'{"data":' + stored(own) + b"}"
    assert json.loads(response.content)["data"]["id"] == str(own.pk)


def test_case_4_list_footprints_holds_own_and_granted_footprints_only(client, world):
    own = signed_footprint(world.buyer, 1)
    granted = signed_footprint(world.supplier, 2)
    signed_footprint(world.supplier, 3)  # not granted
    signed_footprint(world.buyer, 4, db_status="draft")  # drafts are no ProductFootprint
    grant_of(world.supplier, world.buyer, granted)
    response = client.get("/3/footprints", **world.bearer())
    assert response.status_code == 200
    assert response.content == envelope(*in_id_order([own, granted]))
    assert "Link" not in response


def test_case_5_pagination_follows_the_link_until_the_last_page(client, world):
    footprints = in_id_order([signed_footprint(world.buyer, minute) for minute in range(5)])
    first = client.get("/3/footprints?limit=2", **world.bearer())
    assert first.content == envelope(*footprints[:2])
    link = first["Link"]
    assert link.startswith("<https://testserver/3/footprints?limit=2&x-cbam-cursor=")
    assert link.endswith('>; rel="next"')
    second = client.get(link[1 : link.index(">")], **world.bearer())
    assert second.content == envelope(*footprints[2:4])
    again = client.get(link[1 : link.index(">")], **world.bearer())  # callable more than once
    assert again.content == second.content
    link = second["Link"]
    last = client.get(link[1 : link.index(">")], **world.bearer())
    assert last.content == envelope(footprints[4])
    assert "Link" not in last


def test_the_pagination_link_keeps_the_filters(client, world):
    matching = in_id_order(
        [signed_footprint(world.buyer, m, pcf={"geographyCountry": "DE"}) for m in range(3)]
    )
    signed_footprint(world.buyer, 9, pcf={"geographyCountry": "FR"})
    first = client.get("/3/footprints?geography=DE&limit=2", **world.bearer())
    assert first.content == envelope(*matching[:2])
    link = first["Link"]
    assert link.startswith("<https://testserver/3/footprints?geography=DE&limit=2&x-cbam-cursor=")
    last = client.get(link[1 : link.index(">")], **world.bearer())
    assert last.content == envelope(matching[2])
    assert "Link" not in last


def test_a_pagination_link_is_valid_for_at_least_180_seconds():
    assert CURSOR_MAX_AGE.total_seconds() >= 180


def test_a_tampered_cursor_is_a_bad_request(client, world):
    response = client.get("/3/footprints?x-cbam-cursor=forged", **world.bearer())
    assert response.status_code == 400
    assert response.json() == {
        "code": "BadRequest",
        "message": "The pagination cursor is not valid.",
    }


@pytest.mark.parametrize("limit", ["0", "-1", "ten"])
def test_a_limit_that_is_not_a_positive_integer_is_a_bad_request(client, world, limit):
    response = client.get(f"/3/footprints?limit={limit}", **world.bearer())
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequest"


def test_a_deprecated_footprint_is_listed_and_served(client, world):
    deprecated = signed_footprint(
        world.buyer, 1, db_status="deprecated", statusComment="Corrected."
    )
    assert client.get("/3/footprints", **world.bearer()).content == envelope(deprecated)
    response = client.get(f"/3/footprints/{deprecated.pk}", **world.bearer())
    assert response.content == b'{"data":' + stored(deprecated) + b"}"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("path", ["/3/footprints", "/3/footprints/{id}"])
def test_cases_6_and_7_an_invalid_token_is_a_bad_request(client, world, path):
    own = signed_footprint(world.buyer, 1)
    response = client.get(path.format(id=own.pk), HTTP_AUTHORIZATION="Bearer invalid-access-token")
    assert response.status_code == 400
    assert response.json() == {"code": "BadRequest", "message": "Invalid token provided."}


def test_a_missing_token_is_a_bad_request_without_data(client, world):
    response = client.get("/3/footprints")
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequest"
    assert "data" not in response.json()


@pytest.mark.parametrize("path", ["/3/footprints", "/3/footprints/{id}"])
def test_an_expired_token_is_token_expired(client, world, path):
    own = signed_footprint(world.buyer, 1)
    expire_all_tokens()
    response = client.get(path.format(id=own.pk), **world.bearer())
    assert response.status_code == 401
    assert response.json() == {
        "code": "TokenExpired",
        "message": "The specified access token has expired.",
    }


@pytest.mark.parametrize(
    "footprint_id", ["non-existent-id", "5b3e1c3a-0000-4000-8000-000000000000"]
)
def test_case_8_an_unknown_id_is_not_found(client, world, footprint_id):
    response = client.get(f"/3/footprints/{footprint_id}", **world.bearer())
    assert response.status_code == 404
    assert response.json() == {
        "code": "NotFound",
        "message": f"Footprint with ID '{footprint_id}' does not exist.",
    }


def test_another_organisations_footprint_not_granted_is_access_denied(client, world):
    theirs = signed_footprint(world.supplier, 1)
    response = client.get(f"/3/footprints/{theirs.pk}", **world.bearer())
    assert response.status_code == 403
    assert response.json() == {"code": "AccessDenied", "message": "Access denied."}


def test_another_organisations_draft_is_not_found(client, world):
    draft = signed_footprint(world.supplier, 1, db_status="draft")
    assert client.get(f"/3/footprints/{draft.pk}", **world.bearer()).status_code == 404


def test_a_revoked_client_is_refused_at_once(client, world):
    assert client.get("/3/footprints", **world.bearer()).status_code == 200
    api_client_revoke(actor=Actor.platform("tests"), client=world.machine)

    response = client.get("/3/footprints", **world.bearer())

    assert response.status_code == 400
    assert response.json() == {"code": "BadRequest", "message": "Invalid token provided."}


def test_a_client_revoked_without_its_tokens_deleted_is_refused(client, world):
    assert client.get("/3/footprints", **world.bearer()).status_code == 200
    ApiClient.objects.filter(pk=world.machine.pk).update(revoked_at=T0)

    assert client.get("/3/footprints", **world.bearer()).status_code == 400


def test_a_revoked_grant_stops_serving(client, world):
    granted = signed_footprint(world.supplier, 1)
    grant = grant_of(world.supplier, world.buyer, granted)
    grant.revoked_at = granted.published_at
    grant.save()
    assert client.get("/3/footprints", **world.bearer()).content == b'{"data":[]}'
    assert client.get(f"/3/footprints/{granted.pk}", **world.bearer()).status_code == 403


def test_an_unknown_action_is_not_implemented_in_pact_format(client, world):
    response = client.get("/3/unknown", **world.bearer())
    assert response.status_code == 501
    assert response.json() == {
        "code": "NotImplemented",
        "message": "/3/unknown is not implemented by this host.",
    }


def test_a_write_to_footprints_is_not_implemented(client, world):
    response = client.post("/3/footprints", {}, **world.bearer())
    assert response.status_code == 501
    assert response.json()["code"] == "NotImplemented"


def test_an_unknown_parameter_is_a_bad_request_naming_it(client, world):
    response = client.get("/3/footprints?offset=2", **world.bearer())
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequest"
    assert "'offset'" in response.json()["message"]


def test_a_bad_date_is_a_bad_request_naming_the_parameter(client, world):
    response = client.get("/3/footprints?validOn=yesterday", **world.bearer())
    assert response.status_code == 400
    assert response.json() == {
        "code": "BadRequest",
        "message": "validOn must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z.",
    }


def test_an_unexpected_failure_is_an_internal_error_in_pact_format(client, world, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("exchange.pact.views.pact_footprint_page", boom)
    response = client.get("/3/footprints", **world.bearer())
    assert response.status_code == 500
    assert response.json() == {
        "code": "InternalError",
        "message": "An internal or unexpected error has occurred.",
    }


def test_a_page_costs_two_queries_whatever_its_size(client, world, django_assert_num_queries):
    for minute in range(12):
        signed_footprint(world.buyer, minute)
    granted = signed_footprint(world.supplier, 20)
    grant_of(world.supplier, world.buyer, granted)
    with django_assert_num_queries(2):  # the token, the page (visibility in a subquery)
        response = client.get("/3/footprints?limit=10", **world.bearer())
    assert response.status_code == 200
    assert len(json.loads(response.content)["data"]) == 10


def test_get_footprint_costs_two_queries(client, world, django_assert_num_queries):
    own = signed_footprint(world.buyer, 1)
    with django_assert_num_queries(2):
        assert client.get(f"/3/footprints/{own.pk}", **world.bearer()).status_code == 200
