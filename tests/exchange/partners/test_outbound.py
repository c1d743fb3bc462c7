"""Requests sent to a partner: criteria checked by the host's filter rules, the
RequestCreatedEvent delivered to a real HTTP peer (a tiny server started by the test), the
request following its delivery; back-off and the 72-hour deadline."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings

from accounts.audit import Actor
from accounts.models import AuditEvent
from core.errors import NotFound, ValidationFailed
from core.jobs import job_execute
from core.models import Job
from exchange.partners.models import (
    EVENT_REQUEST_CREATED,
    DeliveryStatus,
    OutboundRequest,
    OutboundRequestStatus,
    PactDelivery,
)
from exchange.partners.services.deliveries import delivery_attempt, retry_delay
from exchange.partners.services.outbound import outbound_request_send
from tests.factories import ApiClientFactory, OrganisationFactory, UserFactory

from .conftest import partner_of

pytestmark = pytest.mark.django_db

CRITERIA = {
    "productId": ["urn:gtin:4712345060507"],
    "geography": ["CN"],
    "validOn": "2026-06-01T00:00:00Z",
    "status": "Active",
}


@pytest.fixture
def sender(peer, settings):
    settings.PACT_PARTNER_ALLOW_HTTP = True
    buyer = OrganisationFactory(slug="screw-maker")
    partner = partner_of(buyer, peer.url, ApiClientFactory(organisation=buyer))
    return buyer, partner, Actor(user=UserFactory())


def send(sender, criteria=CRITERIA, comment="For the 2026 CBAM declaration"):
    buyer, partner, actor = sender
    return outbound_request_send(
        actor=actor, organisation=buyer, partner=partner, criteria=criteria, comment=comment
    )


def test_it_sends_the_event_to_the_partner_and_the_request_becomes_sent(sender, peer):
    request = send(sender)

    delivery = PactDelivery.objects.get(outbound_request=request)
    assert request.status == OutboundRequestStatus.SENDING
    assert (delivery.target_url, delivery.event_id) == (f"{peer.url}/3/events", request.event_id)
    body = json.loads(bytes(delivery.body))
    assert body["type"] == EVENT_REQUEST_CREATED
    assert body["specversion"] == "1.0"
    assert body["id"] == request.event_id
    assert body["source"] == f"{settings.SITE_URL}/3/events"
    assert body["data"] == {**CRITERIA, "comment": "For the 2026 CBAM declaration"}
    assert request.criteria == CRITERIA

    job = Job.objects.get(kind="partners.deliver", payload={"delivery_id": str(delivery.pk)})
    assert job_execute(job_id=job.pk).status == Job.Status.SUCCEEDED

    assert [r["path"] for r in peer.received] == ["/3/events"]
    assert peer.received[0]["body"] == bytes(delivery.body)
    assert peer.received[0]["content_type"] == "application/cloudevents+json; charset=UTF-8"
    assert peer.received[0]["authorization"] == "Bearer peer-token"
    delivery.refresh_from_db()
    request.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert request.status == OutboundRequestStatus.SENT
    assert list(
        AuditEvent.objects.filter(object_id=str(request.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["pact_request.created", "pact_request.sent"]


def test_a_refused_attempt_is_retried_with_back_off_then_given_up_at_the_deadline(sender, peer):
    peer.status = 500
    request = send(sender)
    delivery = PactDelivery.objects.get(outbound_request=request)
    now = delivery.created_at

    assert delivery_attempt(delivery_id=str(delivery.pk), now=now) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert delivery.last_error.startswith(f"POST {peer.url}/3/events answered 500")

    # Not yet due: nothing happens.
    assert delivery_attempt(delivery_id=str(delivery.pk), now=now) == DeliveryStatus.PENDING
    assert len(peer.received) == 1

    later = now + timedelta(minutes=1)
    delivery_attempt(delivery_id=str(delivery.pk), now=later)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.next_attempt_at) == (2, later + timedelta(minutes=2))

    assert (
        delivery_attempt(delivery_id=str(delivery.pk), now=delivery.deadline)
        == DeliveryStatus.FAILED
    )
    delivery.refresh_from_db()
    request.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.FAILED,
        2,
        None,
    )
    assert request.status == OutboundRequestStatus.UNDELIVERABLE
    assert AuditEvent.objects.filter(action="pact_delivery.failed", object_id=str(delivery.pk))
    assert AuditEvent.objects.filter(action="pact_request.undeliverable", object_id=str(request.pk))


def test_the_delivery_deadline_is_72_hours():
    assert settings.PACT_DELIVERY_HOURS == 72


def test_a_request_delivered_after_it_was_answered_stays_answered(sender, peer):
    request = send(sender)
    OutboundRequest.objects.filter(pk=request.pk).update(status=OutboundRequestStatus.FULFILLED)
    delivery = PactDelivery.objects.get(outbound_request=request)

    delivery_attempt(delivery_id=str(delivery.pk))

    request.refresh_from_db()
    assert request.status == OutboundRequestStatus.FULFILLED


def test_the_back_off_doubles_from_one_minute_up_to_an_hour():
    assert [retry_delay(n) // timedelta(minutes=1) for n in range(1, 10)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
        60,
    ]


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({}, "criteria"),
        ({"productId": [], "status": ""}, "criteria"),
        ({"productid": ["x"]}, "productid"),
        ({"validOn": "yesterday"}, "validOn"),
        ({"validAfter": 20260101}, "validAfter"),
        ({"geography": [1, 2]}, "geography"),
        ({"companyId": ["urn:a", "urn:a"]}, "companyId"),
        ({"status": "Draft"}, "status"),
    ],
)
def test_criteria_not_valid_name_the_field_and_write_nothing(sender, criteria, field):
    with pytest.raises(ValidationFailed) as failed:
        send(sender, criteria=criteria)

    assert list(failed.value.extra["fields"]) == [field]
    assert OutboundRequest.objects.count() == 0
    assert PactDelivery.objects.count() == 0


def test_a_single_text_is_taken_as_a_list_of_one(sender):
    request = send(sender, criteria={"classification": "urn:pact:productclassification:cn:7208"})
    assert request.criteria == {"classification": ["urn:pact:productclassification:cn:7208"]}


def test_another_organisations_partner_is_not_found(sender):
    _, partner, actor = sender
    with pytest.raises(NotFound):
        outbound_request_send(
            actor=actor,
            organisation=OrganisationFactory(),
            partner=partner,
            criteria=CRITERIA,
            comment="",
        )
    assert OutboundRequest.objects.count() == 0
