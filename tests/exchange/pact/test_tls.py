"""The conformance cases (1–19, 40) over real TLS: ``manage.py serve_tls`` (gunicorn, a
certificate of its own) in a process of its own, called with ``requests`` trusting that
certificate only. The answers to requests (13, 14.B) are checked as queued deliveries here;
tests/exchange/partners/test_two_instances.py sees one cross TLS to another instance.

One server for the module (``pact_tls_server``); each test commits its rows
(``transactional_db``) so that the server sees them.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from core.models import Job
from exchange.partners.models import PactDelivery
from tests.exchange.partners.conftest import (
    CALLBACK,
    PARTNER_BASE,
    delivered,
    pfs_bytes,
    request_event,
    webhook_partner_of,
)
from tests.pact_tls import PactTlsServer

from .conftest import PactWorld, grant_of, signed_footprint, stored

# One server for the module: its tests run in one xdist process (`--dist loadgroup`).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("pact-tls-server"),
]


def envelope(*footprints) -> bytes:
    return b'{"data":[' + b",".join(stored(f) for f in footprints) + b"]}"


def in_id_order(footprints):
    return sorted(footprints, key=lambda f: str(f.pk))


class Caller:
    def __init__(self, server: PactTlsServer, world: PactWorld) -> None:
        self.server = server
        self.world = world

    def get(self, path_or_url: str, token: str | None = None) -> requests.Response:
        url = path_or_url if "://" in path_or_url else self.server.base_url + path_or_url
        headers = {"Authorization": f"Bearer {token or self.world.token}"}
        return requests.get(url, headers=headers, verify=self.server.ca_path, timeout=10)

    def token(self, secret: str, url: str | None = None) -> requests.Response:
        return requests.post(
            url or f"{self.server.base_url}/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(self.world.machine.client_id, secret),
            verify=self.server.ca_path,
            timeout=10,
        )


@pytest.fixture
def pact(pact_tls_server: PactTlsServer, world: PactWorld) -> Caller:
    return Caller(pact_tls_server, world)


def test_case_1_a_token_is_issued_over_tls_and_opens_the_footprints(pact):
    response = pact.token(pact.world.secret)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "footprint:list footprint:read"
    assert pact.get("/3/footprints", token=body["access_token"]).status_code == 200


def test_case_2_invalid_credentials_are_refused_without_a_token(pact):
    response = pact.token("wrong")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "access_token" not in response.json()


def test_case_3_get_footprint_serves_the_stored_signed_bytes(pact):
    own = signed_footprint(pact.world.buyer, 1)

    response = pact.get(f"/3/footprints/{own.pk}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content == b'{"data":' + stored(own) + b"}"


def test_case_4_list_footprints_holds_own_and_granted_footprints_only(pact):
    world = pact.world
    own = signed_footprint(world.buyer, 1)
    granted = signed_footprint(world.supplier, 2)
    signed_footprint(world.supplier, 3)  # not granted
    grant_of(world.supplier, world.buyer, granted)

    response = pact.get("/3/footprints")

    assert response.status_code == 200
    assert response.content == envelope(*in_id_order([own, granted]))
    assert "Link" not in response.headers


def test_case_5_pagination_links_are_https_links_of_the_host(pact):
    footprints = in_id_order([signed_footprint(pact.world.buyer, m) for m in range(3)])

    first = pact.get("/3/footprints?limit=2")
    link = first.headers["Link"]
    next_url = link[1 : link.index(">")]
    last = pact.get(next_url)

    assert first.content == envelope(*footprints[:2])
    assert next_url.startswith(f"{pact.server.base_url}/3/footprints?limit=2&x-cbam-cursor=")
    assert link.endswith('>; rel="next"')
    assert last.content == envelope(footprints[2])
    assert "Link" not in last.headers


@pytest.mark.parametrize("path", ["/3/footprints", "/3/footprints/{id}"])
def test_cases_6_and_7_an_invalid_token_is_a_bad_request(pact, path):
    own = signed_footprint(pact.world.buyer, 1)

    response = pact.get(path.format(id=own.pk), token="invalid-access-token")

    assert response.status_code == 400
    assert response.json() == {"code": "BadRequest", "message": "Invalid token provided."}


def test_case_8_an_unknown_id_is_not_found(pact):
    response = pact.get("/3/footprints/5b3e1c3a-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert response.json() == {
        "code": "NotFound",
        "message": "Footprint with ID '5b3e1c3a-0000-4000-8000-000000000000' does not exist.",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/auth/token"),  # case 9
        ("GET", "/3/footprints"),  # case 10
        ("GET", "/3/footprints/{id}"),  # case 11
        ("POST", "/3/events"),  # case 17
    ],
)
def test_cases_9_10_11_17_plain_http_to_the_tls_port_gets_no_answer(pact, method, path):
    own = signed_footprint(pact.world.buyer, 1)
    url = f"http://127.0.0.1:{pact.server.port}{path.format(id=own.pk)}"

    with pytest.raises(requests.ConnectionError):
        requests.request(
            method,
            url,
            headers={"Authorization": f"Bearer {pact.world.token}"},
            data={"grant_type": "client_credentials"} if method == "POST" else None,
            timeout=10,
        )


def test_cases_18_and_19_the_openid_configuration_leads_to_a_working_token(pact):
    configuration = requests.get(
        f"{pact.server.base_url}/.well-known/openid-configuration",
        verify=pact.server.ca_path,
        timeout=10,
    )
    token_endpoint = configuration.json()["token_endpoint"]
    issued = pact.token(pact.world.secret, url=token_endpoint)

    assert configuration.status_code == 200
    assert configuration.json()["issuer"] == pact.server.base_url
    assert token_endpoint == f"{pact.server.base_url}/auth/token"
    assert issued.status_code == 200
    assert pact.get("/3/footprints", token=issued.json()["access_token"]).status_code == 200


def test_a_client_that_does_not_trust_the_certificate_is_refused(pact):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{pact.server.base_url}/3/footprints", verify=True, timeout=10)


CLOUDEVENTS = "application/cloudevents+json; charset=UTF-8"


def post_event(pact: Caller, event: dict, token: str | None = None) -> requests.Response:
    return requests.post(
        f"{pact.server.base_url}/3/events",
        data=json.dumps(event).encode(),
        headers={
            "Authorization": f"Bearer {token or pact.world.token}",
            "Content-Type": CLOUDEVENTS,
        },
        verify=pact.server.ca_path,
        timeout=10,
    )


def test_cases_12_and_13_a_request_is_accepted_and_its_answer_queued_with_the_documents(pact):
    webhook_partner_of(pact.world)
    own = signed_footprint(pact.world.buyer, 1)

    response = post_event(pact, request_event(productId=["urn:gtin:1234567890123"]))

    assert (response.status_code, response.content) == (200, b"")
    delivery = PactDelivery.objects.get()
    assert (delivery.event_type, delivery.target_url) == (
        "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
        CALLBACK,
    )
    assert delivered(delivery)["data"]["requestEventId"] == "test-run-id-12345"
    assert pfs_bytes(delivery) == b"[" + stored(own) + b"]"


def test_cases_14a_and_14b_a_request_for_an_unknown_product_is_answered_not_found(pact):
    webhook_partner_of(pact.world)

    response = post_event(pact, request_event(productId=["urn:pact:null"]))

    assert (response.status_code, response.content) == (200, b"")
    delivery = PactDelivery.objects.get()
    assert delivery.event_type == "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
    assert delivered(delivery)["data"]["error"]["code"] == "NotFound"


def published(pf_id: str) -> dict:
    return {
        "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
        "specversion": "1.0",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "source": PARTNER_BASE,
        "time": "2023-05-19T11:30:00Z",
        "data": {"pfIds": [pf_id]},
    }


def test_case_15_a_published_event_is_accepted(pact):
    webhook_partner_of(pact.world)

    response = post_event(pact, published("3a6c14a7-4deb-498a-b5ea-16ce2535b576"))

    assert (response.status_code, response.content) == (200, b"")
    assert Job.objects.get(kind="partners.fetch_published").payload["pf_ids"] == [
        "3a6c14a7-4deb-498a-b5ea-16ce2535b576"
    ]


def test_case_16_an_event_with_an_invalid_token_is_a_bad_request(pact):
    webhook_partner_of(pact.world)

    response = post_event(pact, published(str(uuid.uuid4())), token="invalid-access-token")

    assert response.status_code == 400
    assert response.json() == {"code": "BadRequest", "message": "Invalid token provided."}
    assert not Job.objects.filter(kind="partners.fetch_published").exists()


def test_case_40_a_published_event_naming_a_urn_is_a_bad_request(pact):
    webhook_partner_of(pact.world)

    response = post_event(pact, published("urn:gtin:4712345060507"))

    assert response.status_code == 400
    assert response.json()["code"] == "BadRequest"
    assert response.json()["message"].startswith("Malformed event (data.pfIds[0]):")
