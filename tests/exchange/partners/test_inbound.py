"""Flow B: the platform as a PACT host answering a partner's ``RequestCreatedEvent.3``
(``inbound_request_receive``), each branch with the exact event it sends back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent
from exchange.partners.errors import EventRefused
from exchange.partners.models import InboundRequest, InboundRequestStatus, PactDelivery
from exchange.partners.services.inbound import inbound_request_receive
from exchange.sharing.models import FootprintRequest, Grant, PolicyRule, SharingPolicy
from exchange.sharing.services.requests import request_fulfil, request_reject
from tests.exchange.pact.conftest import grant_of, signed_footprint, stored
from tests.factories import OrganisationFactory, UserFactory

from .conftest import CALLBACK, delivered, pfs_bytes, request_event, webhook_partner_of

pytestmark = pytest.mark.django_db

FULFILLED = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
REJECTED = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
GTIN = "urn:gtin:1234567890123"


def receive(world, event=None):
    return inbound_request_receive(
        organisation=world.buyer,
        machine_client=world.machine,
        event=event or request_event(productId=[GTIN], comment="For our 2026 declaration."),
    )


def policy(world, rule, reason=""):
    SharingPolicy.objects.create(
        supplier=world.supplier, buyer=world.buyer, rule=rule, reason=reason
    )


def deliveries():
    return list(PactDelivery.objects.order_by("created_at", "id"))


def test_footprints_the_requester_can_read_answer_it_at_once(world):
    partner = webhook_partner_of(world)
    own = signed_footprint(world.buyer, 1)
    granted = signed_footprint(world.supplier, 2)
    grant_of(world.supplier, world.buyer, granted)
    signed_footprint(world.supplier, 3, productIds=["urn:gtin:other"])

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.FULFILLED
    assert inbound.partner == partner
    assert inbound.callback_url == CALLBACK
    [delivery] = deliveries()
    assert delivery.event_type == FULFILLED
    assert delivery.target_url == CALLBACK
    assert delivery.inbound_request == inbound
    expected = [f for f in sorted([own, granted], key=lambda f: str(f.pk))]
    assert pfs_bytes(delivery) == b"[" + b",".join(stored(f) for f in expected) + b"]"
    body = delivered(delivery)
    assert body["data"]["requestEventId"] == "test-run-id-12345"
    assert body["id"] == delivery.event_id
    assert [pf["id"] for pf in body["data"]["pfs"]] == [str(f.pk) for f in expected]
    assert Grant.objects.count() == 1  # the existing one: nothing new was shared


def test_nothing_matching_anywhere_is_rejected_not_found(world):
    webhook_partner_of(world)
    signed_footprint(world.supplier, 1, productIds=["urn:gtin:other"])

    inbound = receive(world, request_event(productId=["urn:null"], geography=["DE"]))

    assert inbound.status == InboundRequestStatus.REJECTED
    [delivery] = deliveries()
    assert delivery.event_type == REJECTED
    assert delivered(delivery)["data"] == {
        "requestEventId": "test-run-id-12345",
        "error": {
            "code": "NotFound",
            "message": "No footprint matches the request: productId=urn:null; geography=DE.",
        },
    }


def test_a_deprecated_footprint_of_another_organisation_is_not_offered(world):
    webhook_partner_of(world)
    signed_footprint(world.supplier, 1, db_status="deprecated")

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.REJECTED
    assert FootprintRequest.objects.count() == 0


def test_a_retried_event_returns_the_first_request_and_sends_nothing_new(world):
    webhook_partner_of(world)
    signed_footprint(world.supplier, 1)

    first = receive(world)
    again = receive(world)

    assert again == first
    assert InboundRequest.objects.count() == 1
    assert FootprintRequest.objects.count() == 1
    assert PactDelivery.objects.count() == 0


def test_criteria_a_filter_refuses_are_refused_and_nothing_is_written(world):
    webhook_partner_of(world)

    with pytest.raises(EventRefused) as refused:
        receive(world, request_event(validAfter=["2025"]))

    assert refused.value.code == "BadRequest"
    assert refused.value.message == "validAfter must be an RFC 3339 date-time string, not ['2025']."
    assert InboundRequest.objects.count() == 0


def test_all_published_grants_the_matching_footprints_and_fulfils_at_once(world):
    webhook_partner_of(world)
    footprint = signed_footprint(world.supplier, 1)
    policy(world, PolicyRule.ALL_PUBLISHED)

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.FULFILLED
    grant = Grant.objects.get()
    assert (grant.supplier, grant.buyer, grant.request) == (world.supplier, world.buyer, None)
    assert [g.footprint for g in grant.footprints.all()] == [footprint]
    [delivery] = deliveries()
    assert delivery.event_type == FULFILLED
    assert pfs_bytes(delivery) == b"[" + stored(footprint) + b"]"
    assert FootprintRequest.objects.count() == 0


def test_shared_products_fulfils_a_product_already_shared(world):
    webhook_partner_of(world)
    older = signed_footprint(world.supplier, 1, productIds=["urn:gtin:last-year"])
    grant_of(world.supplier, world.buyer, older)
    newer = signed_footprint(world.supplier, 2, product=older.product)
    policy(world, PolicyRule.SHARED_PRODUCTS)

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.FULFILLED
    [delivery] = deliveries()
    assert pfs_bytes(delivery) == b"[" + stored(newer) + b"]"
    assert Grant.objects.filter(footprints__footprint=newer).count() == 1


def test_shared_products_asks_a_person_for_a_product_not_shared(world):
    webhook_partner_of(world)
    signed_footprint(world.supplier, 1)
    policy(world, PolicyRule.SHARED_PRODUCTS)

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.OPEN
    assert deliveries() == []
    assert list(inbound.footprint_requests.values_list("supplier", flat=True)) == [
        world.supplier.pk
    ]


def test_reject_answers_with_the_suppliers_reason(world):
    webhook_partner_of(world)
    signed_footprint(world.supplier, 1)
    policy(world, PolicyRule.REJECT, reason="We only share under contract.")

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.REJECTED
    [delivery] = deliveries()
    assert delivery.event_type == REJECTED
    assert delivered(delivery)["data"] == {
        "requestEventId": "test-run-id-12345",
        "error": {"code": "AccessDenied", "message": "We only share under contract."},
    }
    assert Grant.objects.count() == 0


def test_without_a_policy_the_request_waits_in_the_suppliers_inbox(world):
    webhook_partner_of(world)
    footprint = signed_footprint(world.supplier, 1)

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.OPEN
    assert deliveries() == []
    request = FootprintRequest.objects.get()
    assert list(inbound.footprint_requests.all()) == [request]
    assert (request.buyer, request.supplier, request.supplier_product) == (
        world.buyer,
        world.supplier,
        footprint.product,
    )
    assert request.cn_code == "72083900"
    assert (request.period_start, request.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert request.due_date == timezone.localdate() + timedelta(days=30)
    assert request.message == "For our 2026 declaration."
    assert request.status == "open"
    sent = AuditEvent.objects.get(action="footprint_request.sent")
    assert (sent.organisation, sent.actor_client) == (world.buyer, world.machine)
    assert world.supplier.notifications.get().kind == "request.received"


def test_the_suppliers_fulfilment_answers_the_partner(world):
    webhook_partner_of(world)
    footprint = signed_footprint(world.supplier, 1)
    inbound = receive(world)
    request = FootprintRequest.objects.get()

    request_fulfil(actor=Actor(user=UserFactory()), request=request, footprints=[footprint])

    inbound.refresh_from_db()
    assert inbound.status == InboundRequestStatus.FULFILLED
    [delivery] = deliveries()
    assert delivery.event_type == FULFILLED
    assert delivery.target_url == CALLBACK
    assert delivery.inbound_request == inbound
    assert pfs_bytes(delivery) == b"[" + stored(footprint) + b"]"
    assert delivered(delivery)["data"]["requestEventId"] == "test-run-id-12345"


def test_the_suppliers_rejection_answers_the_partner_with_its_reason(world):
    webhook_partner_of(world)
    signed_footprint(world.supplier, 1)
    inbound = receive(world)
    request = FootprintRequest.objects.get()

    request_reject(actor=Actor(user=UserFactory()), request=request, reason="Not yet verified.")

    inbound.refresh_from_db()
    assert inbound.status == InboundRequestStatus.REJECTED
    [delivery] = deliveries()
    assert delivered(delivery)["data"] == {
        "requestEventId": "test-run-id-12345",
        "error": {"code": "AccessDenied", "message": "Not yet verified."},
    }


def test_each_supplier_answers_on_its_own_and_the_request_settles_with_the_last(world):
    webhook_partner_of(world)
    automatic = signed_footprint(world.supplier, 1)
    policy(world, PolicyRule.ALL_PUBLISHED)
    other = OrganisationFactory(slug="other-mill")
    signed_footprint(other, 2)

    inbound = receive(world)

    assert inbound.status == InboundRequestStatus.OPEN
    [first] = deliveries()
    assert first.event_type == FULFILLED
    assert pfs_bytes(first) == b"[" + stored(automatic) + b"]"

    request_reject(
        actor=Actor(user=UserFactory()),
        request=FootprintRequest.objects.get(supplier=other),
        reason="No data for 2026.",
    )

    inbound.refresh_from_db()
    assert inbound.status == InboundRequestStatus.FULFILLED
    assert [d.event_type for d in deliveries()] == [FULFILLED, REJECTED]


def test_a_request_sent_by_hand_answers_no_partner(world):
    webhook_partner_of(world)
    footprint = signed_footprint(world.supplier, 1)
    request = FootprintRequest.objects.create(
        buyer=world.buyer,
        supplier=world.supplier,
        cn_code="72083900",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        due_date=date(2026, 12, 31),
    )

    request_fulfil(actor=Actor(user=UserFactory()), request=request, footprints=[footprint])

    assert PactDelivery.objects.count() == 0
