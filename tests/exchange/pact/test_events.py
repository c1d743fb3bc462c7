"""PACT v3 Action Events (``POST /3/events``) through the full Django stack: the conformance
cases of a host receiving a request (12, 14.A, 15, 16) and malformed events (40 and others)."""

from __future__ import annotations

import json

import pytest

from core.models import Job
from exchange.partners.models import InboundRequest, InboundRequestStatus, PactDelivery
from tests.exchange.partners.conftest import (
    CALLBACK,
    delivered,
    pfs_bytes,
    request_event,
    webhook_partner_of,
)

from .conftest import grant_of, signed_footprint, stored

pytestmark = pytest.mark.django_db

CLOUDEVENTS = "application/cloudevents+json; charset=UTF-8"


def published_event(pf_ids):
    return {
        "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
        "specversion": "1.0",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "source": "https://webhook.example.com",
        "time": "2023-05-19T11:30:00Z",
        "data": {"pfIds": pf_ids},
    }


def test_case_15_it_accepts_a_published_event_and_starts_fetching_the_footprints(client, world):
    webhook_partner_of(world)

    response = post(client, world, published_event(["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]))

    assert (response.status_code, response.content) == (200, b"")
    job = Job.objects.get(kind="partners.fetch_published")
    assert job.payload["pf_ids"] == ["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]


def post(client, world, body, content_type=CLOUDEVENTS, **headers):
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        "/3/events",
        payload,
        content_type=content_type,
        secure=True,
        **{**world.bearer(), **headers},
    )


def test_case_12_it_accepts_a_request_and_fulfils_it_with_the_stored_documents(client, world):
    webhook_partner_of(world)
    footprint = signed_footprint(world.supplier, 1)
    grant_of(world.supplier, world.buyer, footprint)

    response = post(
        client,
        world,
        request_event(
            productId=["urn:gtin:1234567890123"], comment="Please send PCF data for this year."
        ),
    )

    assert response.status_code == 200
    assert response.content == b""
    inbound = InboundRequest.objects.get()
    assert inbound.status == InboundRequestStatus.FULFILLED
    assert inbound.criteria == {"productId": ["urn:gtin:1234567890123"]}
    assert inbound.comment == "Please send PCF data for this year."
    delivery = PactDelivery.objects.get()
    assert delivery.event_type == "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
    assert delivery.target_url == CALLBACK
    assert pfs_bytes(delivery) == b"[" + stored(footprint) + b"]"
    assert delivered(delivery)["data"]["requestEventId"] == "test-run-id-12345"


def test_case_14a_it_accepts_a_request_for_an_unknown_product_and_rejects_it_later(client, world):
    webhook_partner_of(world)

    response = post(
        client,
        world,
        request_event(productId=["urn:null"], comment="Please send PCF data for this year."),
    )

    assert response.status_code == 200
    assert response.content == b""
    delivery = PactDelivery.objects.get()
    assert delivery.event_type == "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
    assert delivery.target_url == CALLBACK
    assert delivered(delivery)["data"] == {
        "requestEventId": "test-run-id-12345",
        "error": {
            "code": "NotFound",
            "message": "No footprint matches the request: productId=urn:null.",
        },
    }
    assert InboundRequest.objects.get().status == InboundRequestStatus.REJECTED


def test_case_16_it_refuses_an_invalid_token(client, world):
    webhook_partner_of(world)
    event = {
        "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
        "specversion": "1.0",
        "id": "test-run-id-12345",
        "source": "https://webhook.example.com",
        "time": "2023-05-19T12:30:00Z",
        "data": {"pfIds": ["urn:gtin:4712345060507"]},
    }

    response = post(client, world, event, HTTP_AUTHORIZATION="Bearer invalid-access-token")

    assert response.status_code == 400
    assert response.json() == {"code": "BadRequest", "message": "Invalid token provided."}


def test_a_retried_event_is_the_same_request_and_sends_nothing_new(client, world):
    webhook_partner_of(world)
    event = request_event(productId=["urn:null"])

    first = post(client, world, event)
    again = post(client, world, event)

    assert (first.status_code, again.status_code) == (200, 200)
    assert InboundRequest.objects.count() == 1
    assert PactDelivery.objects.count() == 1


def test_it_refuses_a_request_from_a_host_that_is_no_registered_partner(client, world):
    response = post(client, world, request_event(productId=["urn:null"]))

    assert response.status_code == 403
    assert response.json() == {
        "code": "AccessDenied",
        "message": "source 'https://webhook.example.com' is not a partner host registered by "
        "screw-maker; register it as a PACT partner first.",
    }
    assert InboundRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "Malformed event (body): The body must be a JSON object (a CloudEvent)."),
        (b"[]", "Malformed event (body): The body must be a JSON object (a CloudEvent)."),
        (
            {**request_event(), "specversion": "0.3"},
            "Malformed event (specversion): specversion must be '1.0', not '0.3'.",
        ),
        (
            {k: v for k, v in request_event().items() if k != "specversion"},
            "Malformed event (specversion): specversion must be '1.0', not None.",
        ),
        (
            {**request_event(), "id": ""},
            "Malformed event (id): id must be a non-empty string, not ''.",
        ),
        (
            {k: v for k, v in request_event().items() if k != "source"},
            "Malformed event (source): source must be a non-empty string, not None.",
        ),
        (
            {**request_event(), "type": "org.example.Unknown"},
            "Malformed event (type): Unknown event type 'org.example.Unknown'; expected one of "
            "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3, "
            "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3, "
            "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3, "
            "org.wbcsd.pact.ProductFootprint.PublishedEvent.3.",
        ),
        (
            {**request_event(), "data": ["productId"]},
            "Malformed event (data): data must be a JSON object.",
        ),
        (
            request_event(productId="urn:gtin:1234567890123"),
            "Malformed event (data.productId): productId must be an array of strings, not "
            "'urn:gtin:1234567890123'.",
        ),
        (
            request_event(validOn="yesterday"),
            "Malformed event (data.validOn): validOn must be an RFC 3339 date-time such as "
            "2025-01-01T00:00:00Z.",
        ),
        (
            request_event(status="Draft"),
            "Malformed event (data.status): status must be 'Active' or 'Deprecated', not 'Draft'.",
        ),
        (
            request_event(colour=["red"]),
            "Malformed event (data.colour): Unknown criterion 'colour'; expected productId, "
            "companyId, geography, classification, validOn, validAfter, validBefore, status.",
        ),
        (
            request_event(comment=7),
            "Malformed event (data.comment): comment must be a string, not 7.",
        ),
        (
            # Conformance case 40: a footprint id is a UUID, not a URN.
            published_event(["urn:gtin:4712345060507"]),
            "Malformed event (data.pfIds[0]): 'urn:gtin:4712345060507' is not a footprint id; "
            "expected a UUID such as '3a6c14a7-4deb-498a-b5ea-16ce2535b576'.",
        ),
        (
            published_event([]),
            "Malformed event (data.pfIds): pfIds must be a non-empty list of footprint ids, "
            "not [].",
        ),
    ],
)
def test_a_malformed_event_is_a_bad_request_naming_the_field(client, world, body, message):
    webhook_partner_of(world)

    response = post(client, world, body)

    assert response.status_code == 400
    assert response.json() == {"code": "BadRequest", "message": message}
    assert InboundRequest.objects.count() == 0
    assert PactDelivery.objects.count() == 0


def test_it_refuses_another_content_type(client, world):
    webhook_partner_of(world)

    response = post(client, world, request_event(), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "BadRequest",
        "message": "Content-Type must be application/cloudevents+json (structured-mode "
        "CloudEvent), not 'application/json'.",
    }
    assert InboundRequest.objects.count() == 0


def test_it_refuses_a_body_over_the_bound(client, world, settings):
    webhook_partner_of(world)

    response = post(client, world, b"{" + b" " * (5 * 1024 * 1024) + b"}")

    assert response.status_code == 400
    assert response.json() == {
        "code": "BadRequest",
        "message": "The event must be at most 5242880 bytes.",
    }


def test_events_take_post_only(client, world):
    response = client.get("/3/events", secure=True, **world.bearer())

    assert response.status_code == 501
    assert response.json() == {"code": "NotImplemented", "message": "GET is not implemented here."}
