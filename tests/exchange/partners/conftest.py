"""Partners for the PACT tests.

- ``webhook_partner_of``: a buyer that registered a PACT partner (the host that sends it
  requests by its machine client), built on the PACT world of tests/exchange/pact;
- ``pact_host``: a real PACT host for the platform as a client: this same platform, served by
  pytest-django's ``live_server`` (plain HTTP, so ``PACT_PARTNER_ALLOW_HTTP``), where a
  supplier has signed footprints and a machine client; the buyer registers that host as its
  partner with the machine client's credentials;
- ``peer``: a tiny real HTTP server standing for a partner's ``/3/events``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import ApiClient, Organisation
from exchange.partners.models import PactDelivery, PactPartner
from suppliers.models import Footprint
from suppliers.pact.document import build_product_footprint
from tests.exchange.pact.conftest import PactWorld, signed_footprint, stored, world  # noqa: F401
from tests.factories import ApiClientFactory, OrganisationFactory
from tests.pact_tls import pact_tls_server  # noqa: F401 - instance B of test_two_instances.py
from tests.suppliers.pact.examples import PLATFORM_HOST, hot_rolled_coil_input


def full_document_fields(**changes: Any) -> dict[str, Any]:
    """The fields of a complete PACT v3 document with the CBAM extension (hot-rolled coil of
    the examples), without its id: the footprint's id is the document's."""
    document = build_product_footprint(hot_rolled_coil_input(), platform_host=PLATFORM_HOST)
    document.pop("id")
    document.pop("validityPeriodStart", None)
    document.pop("validityPeriodEnd", None)
    document.update(changes)
    return document


@dataclass
class PactHost:
    url: str
    supplier: Organisation
    host_client: ApiClient
    buyer: Organisation
    partner: PactPartner
    footprints: list[Footprint] = field(default_factory=list)

    def in_id_order(self) -> list[Footprint]:
        return sorted(self.footprints, key=lambda f: str(f.pk))

    def add(self, minute: int, **fields: Any) -> Footprint:
        footprint = signed_footprint(self.supplier, minute, **fields)
        self.footprints.append(footprint)
        return footprint


def partner_of(buyer: Organisation, url: str, host_client: ApiClient, **fields: Any) -> PactPartner:
    partner = PactPartner(
        organisation=buyer,
        name=fields.pop("name", "Steel mill host"),
        base_url=url,
        client_id=host_client.client_id,
        **fields,
    )
    partner.secret_set(f"secret-of-{host_client.client_id}")
    partner.save()
    return partner


@pytest.fixture
def pact_host(live_server: Any, settings: Any) -> Iterator[PactHost]:
    """The supplier's host with one valid footprint (CBAM extension) and two minimal ones."""
    # live_server speaks plain HTTP: this host takes PACT calls without TLS (the TLS-only rule
    # has its own tests, and tests/exchange/partners/test_two_instances.py runs over TLS).
    settings.PACT_PARTNER_ALLOW_HTTP = True
    settings.PACT_REQUIRE_TLS = False
    supplier = OrganisationFactory(slug="steel-mill")
    buyer = OrganisationFactory(slug="screw-maker")
    host_client = ApiClientFactory(organisation=supplier, scopes=["footprints:read"])
    partner = partner_of(buyer, live_server.url, host_client)
    host = PactHost(live_server.url, supplier, host_client, buyer, partner)
    host.add(1, **full_document_fields())
    host.add(2)
    host.add(3)
    yield host
    cache.clear()


@dataclass
class Peer:
    """A tiny real HTTP server standing for a partner's ``/3/events`` (and its token
    endpoint): it answers ``status`` and records every request."""

    url: str
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def peer() -> Iterator[Peer]:
    state = Peer(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(404, b'{"code":"NotFound","message":"no such thing"}', "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path.endswith("/auth/token"):
                token = json.dumps({"access_token": "peer-token", "expires_in": 3600})
                self._answer(200, token.encode(), "application/json")
                return
            state.received.append(
                {
                    "path": self.path,
                    "body": body,
                    "content_type": self.headers.get("Content-Type"),
                    "authorization": self.headers.get("Authorization"),
                }
            )
            self._answer(state.status, b"", "text/plain")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    cache.clear()


__all__ = ["stored"]


PARTNER_BASE = "https://webhook.example.com"
CALLBACK = f"{PARTNER_BASE}/3/events"


def webhook_partner_of(world: PactWorld) -> PactPartner:  # noqa: F811
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
