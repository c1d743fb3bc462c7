"""A buyer that registered a PACT partner (the host that sends it requests by its machine
client), built on the PACT world of tests/exchange/pact."""

from __future__ import annotations

import json
from typing import Any

from exchange.partners.models import PactDelivery, PactPartner
from tests.exchange.pact.conftest import PactWorld, world  # noqa: F401

PARTNER_BASE = "https://webhook.example.com"
CALLBACK = f"{PARTNER_BASE}/3/events"


def partner_of(world: PactWorld) -> PactPartner:  # noqa: F811
    partner = PactPartner(
        organisation=world.buyer,
        name="Webhook Corp",
        base_url=PARTNER_BASE,
        client_id="our-id-there",
        machine_client=world.machine,
    )
    partner.secret_set("our-secret-there")
    partner.save()
    return partner


def request_event(event_id: str = "test-run-id-12345", **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": PARTNER_BASE,
        "time": "2023-05-19T10:30:00Z",
        "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
        "data": data,
    }


def delivered(delivery: PactDelivery) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(bytes(delivery.body))
    return body


def pfs_bytes(delivery: PactDelivery) -> bytes:
    """The bytes of ``data.pfs`` inside the delivery's body, as sent."""
    body = bytes(delivery.body)
    start = body.index(b'"pfs":[') + len(b'"pfs":')
    end = body.rindex(b"]") + 1
    return body[start:end]
